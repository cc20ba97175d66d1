"""Quick start: a C4.5 tree inside a scikit-learn Pipeline, judged by log-loss.

The Palmer penguins have nominal columns (island, sex), numeric ones, and missing
values. entree's C45Classifier takes them as they are: pandas ``category`` columns
are split one branch per level and NaN is handled the C4.5 way, so the pipeline
needs no encoder and no imputer. The ColumnTransformer below only changes units
(body mass in kg) to show that the tree fits into ordinary sklearn plumbing.

Log-loss is the mean of -log p(true class). sklearn reports it in nats (natural
log) as ``neg_log_loss``; divided by ln 2 it is in bits, the unit of the tree's
own entropies and gains.

Run: python examples/quickstart_pipeline.py
"""

from __future__ import annotations

import math

from sklearn.compose import ColumnTransformer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from entree import C45Classifier
from entree.datasets import load_penguins


def grams_to_kg(mass):
    return mass / 1000.0


def main() -> None:
    X, y = load_penguins(return_X_y=True, as_frame=True)
    print(
        f"penguins: {X.shape[0]} rows, {X.shape[1]} features, "
        f"{int(X.isna().sum().sum())} missing values"
    )
    print(
        "column kinds:",
        ", ".join(f"{c} ({t})" for c, t in X.dtypes.astype(str).items()),
    )

    units = ColumnTransformer(
        [
            (
                "kg",
                FunctionTransformer(grams_to_kg, feature_names_out="one-to-one"),
                ["body_mass_g"],
            )
        ],
        remainder="passthrough",  # nominal columns stay pandas categories
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    pipeline = Pipeline([("units", units), ("tree", C45Classifier())])

    folds = StratifiedKFold(n_splits=10, shuffle=True, random_state=0)
    neg_log_loss = cross_val_score(pipeline, X, y, cv=folds, scoring="neg_log_loss")
    accuracy = cross_val_score(pipeline, X, y, cv=folds, scoring="accuracy")
    nats = -neg_log_loss.mean()
    print()
    print("10-fold cross-validation of Pipeline(units -> C45Classifier):")
    print(f"  accuracy  {accuracy.mean():.3f} ± {accuracy.std():.3f}")
    print(f"  log-loss  {nats:.3f} nats = {nats / math.log(2):.3f} bits per penguin")
    print(
        f"  (a uniform guess over 3 species costs {math.log(3):.3f} nats "
        f"= {math.log2(3):.3f} bits)"
    )

    pipeline.fit(X, y)
    tree = pipeline.named_steps["tree"]
    print()
    print(f"fitted on all rows: {tree.get_n_leaves()} leaves, depth {tree.get_depth()}")
    print(
        f"root split: {tree.split_report()['test'].iloc[0]} "
        f"(gain {tree.tree_.gain[0]:.3f} bits)"
    )


if __name__ == "__main__":
    main()
