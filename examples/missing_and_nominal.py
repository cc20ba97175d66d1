"""Missing values and nominal columns: how C4.5 sends a row down every branch.

The 1984 congressional votes are all nominal (y / n) and 5.6% of them are missing:
a congressman who neither voted yea nor nay. entree keeps those as NaN. At fit
time a row with a missing value goes down every branch of a split with a fraction
of its weight; at prediction time it does the same, and its class probabilities
are the leaves' probabilities mixed by those fractions. ``explain()`` shows it.

Run: python examples/missing_and_nominal.py
"""

from __future__ import annotations

import numpy as np

from entree import C45Classifier, explain, export_text
from entree.datasets import load_vote


def main() -> None:
    vote = load_vote(as_frame=True)
    X, y = vote.data, vote.target
    missing = X.isna().sum().sort_values(ascending=False)
    print(
        f"{X.shape[0]} congressmen, {X.shape[1]} votes each, "
        f"{int(missing.sum())} votes missing; most often missing:"
    )
    for column, count in missing.head(3).items():
        print(f"  {column}: {count}")

    model = C45Classifier().fit(X, y)
    print()
    print(export_text(model))

    root_feature = model.split_report()["feature"].iloc[0]
    row = int(np.flatnonzero(X[root_feature].isna())[0])
    used = model.split_report()["feature"].dropna().unique()
    print(
        f"congressman {row} ({y.iloc[row]}) has no recorded vote on "
        f"{root_feature}, the root's test; the votes on the tree's features:"
    )
    for column in used:
        value = X[column].iloc[row]
        print(f"  {column}: {'missing' if value != value else value}")
    print()
    print("explain() of that row (numbered 0 within the one-row frame given):")
    explanation = explain(model, X.iloc[[row]])[0]
    print(explanation)
    print()

    # The probabilities are the leaves' mixed by the weight that reaches each.
    proba = model.predict_proba(X.iloc[[row]])[0]
    weights = dict(explanation.leaves)
    print("leaves reached and the share of the row in each:")
    for leaf, weight in weights.items():
        step = next(s for s in explanation.steps if s.node == leaf)
        shown = ", ".join(f"{c} {p:.3f}" for c, p in zip(model.classes_, step.proba))
        print(f"  leaf {leaf}: weight {weight:.3f}, probabilities {shown}")
    mixed = sum(
        weight * next(s for s in explanation.steps if s.node == leaf).proba
        for leaf, weight in weights.items()
    )
    assert np.allclose(mixed, proba)
    print(
        "predict_proba:",
        ", ".join(f"{c} {p:.3f}" for c, p in zip(model.classes_, proba)),
        f"(actual: {y.iloc[row]})",
    )

    # A level the tree never saw is treated like a missing value.
    unseen = X.iloc[[0]].copy()
    unseen[root_feature] = unseen[root_feature].cat.add_categories("abstain")
    unseen.loc[unseen.index[0], root_feature] = "abstain"
    print()
    print(f"row 0 with {root_feature} = 'abstain' (a level never seen in training):")
    print(explain(model, unseen)[0])


if __name__ == "__main__":
    main()
