"""Log-loss of entree's C4.5 against scikit-learn's entropy tree, same folds.

scikit-learn's DecisionTreeClassifier(criterion="entropy") grows until its leaves
are pure and predicts the raw class frequency of the leaf: probability 1 for one
class, 0 for the others. Whenever such a leaf is wrong on a test row, the log-loss
of that row is -log(tiny) (sklearn clips at machine epsilon: about 36 nats), and a
few of those dominate the mean. entree's C4.5 prunes and smooths its leaves, so a
wrong answer costs a bounded amount.

Both models see the same numeric arrays: the bundled datasets with
``as_frame=False`` give nominal columns as level codes and NaN for missing values
(sklearn >= 1.3 trees accept NaN). entree is told which columns are nominal with
``categorical_features``; sklearn splits the codes at thresholds.

Run: python examples/logloss_vs_sklearn.py
"""

from __future__ import annotations

import pandas as pd
from sklearn.model_selection import StratifiedKFold
from sklearn.tree import DecisionTreeClassifier

from entree import C45Classifier
from entree.datasets import load_dataset
from entree.metrics import evaluate

DATASETS = ("vote", "breast_cancer", "penguins", "iris")


def main() -> None:
    folds = StratifiedKFold(n_splits=10, shuffle=True, random_state=0)
    rows = []
    for name in DATASETS:
        bunch = load_dataset(name)
        models = {
            "entree C45Classifier": C45Classifier(
                categorical_features=bunch.categorical_features
            ),
            "sklearn entropy tree": DecisionTreeClassifier(
                criterion="entropy", random_state=0
            ),
        }
        for label, model in models.items():
            scores = evaluate(model, bunch.data, bunch.target, cv=folds)
            rows.append(
                {
                    "dataset": name,
                    "model": label,
                    "accuracy": scores["accuracy"],
                    "log_loss_nats": scores["log_loss_nats"],
                    "log_loss_bits": scores["log_loss_bits"],
                    "brier": scores["brier"],
                }
            )
    table = pd.DataFrame(rows).set_index(["dataset", "model"])
    print("10-fold stratified cross-validation (same folds for both models):")
    print(table.round(3).to_string())
    print()
    mean = table.groupby(level="model").mean()
    print("mean over the datasets:")
    print(mean.round(3).to_string())
    ratio = (
        mean.loc["sklearn entropy tree", "log_loss_nats"]
        / mean.loc["entree C45Classifier", "log_loss_nats"]
    )
    print()
    print(f"sklearn's unsmoothed leaves cost {ratio:.1f}x the log-loss of entree's.")


if __name__ == "__main__":
    main()
