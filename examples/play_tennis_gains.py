"""Information gain by hand on Quinlan's play-tennis days, checked against the tree.

ID3 and C4.5 choose a split by how much it tells about the class:

* entropy H(S) = -sum p log2 p of the class counts at a node (bits);
* information gain = H(parent) - sum_b (N_b / N) H(branch b);
* split information = the entropy of the branch sizes N_b / N themselves;
* gain ratio = gain / split information (C4.5's correction for many-way tests).

We compute all four for every attribute from the counts, with ``entree.entropy``,
then fit a C4.5 tree and read the same numbers back from ``tree_``,
``split_report()`` and ``rank_splits()``.

Run: python examples/play_tennis_gains.py
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from entree import C45Classifier, export_text
from entree.datasets import load_play_tennis
from entree.entropy import entropy, gain_ratio, information_gain, split_information


def main() -> None:
    X, y = load_play_tennis(return_X_y=True, as_frame=True)
    class_counts = y.value_counts().reindex(["yes", "no"]).to_numpy()
    H = entropy(class_counts)
    print(
        f"14 days, {class_counts[0]} played and {class_counts[1]} not: "
        f"H(play) = {H:.3f} bits"
    )
    print()

    rows = []
    for attribute in X.columns:
        table = pd.crosstab(X[attribute], y)[["yes", "no"]]  # branches x classes
        branch_counts = table.to_numpy(dtype=float)
        branch_entropies = ", ".join(
            f"{level} {entropy(counts):.3f}"
            for level, counts in zip(table.index, branch_counts)
        )
        print(f"{attribute:12} branch entropies: {branch_entropies}")
        rows.append(
            {
                "attribute": attribute,
                "gain": information_gain(class_counts, branch_counts),
                "split_info": split_information(branch_counts.sum(axis=1)),
                "gain_ratio": gain_ratio(class_counts, branch_counts),
            }
        )
    by_hand = pd.DataFrame(rows).set_index("attribute")
    print()
    print("by hand (bits):")
    print(by_hand.round(3).to_string())

    model = C45Classifier().fit(X, y)
    print()
    print("the C4.5 tree:")
    print(export_text(model))

    root = model.split_report().iloc[0]
    print(f"root test chosen by the tree: {root['test']}")
    for name in ("gain", "split_info", "gain_ratio"):
        from_tree = float(getattr(model.tree_, name)[0])
        mine = float(by_hand.loc[root["feature"], name])
        assert np.isclose(from_tree, mine), (name, from_tree, mine)
        print(f"  {name:10} tree_ {from_tree:.3f}  by hand {mine:.3f}  agree")

    print()
    print("rank_splits: every attribute's best test at the root, best first")
    ranking = model.rank_splits(X, y)
    print(
        ranking[["feature", "gain", "split_info", "gain_ratio", "chosen"]]
        .round(3)
        .to_string()
    )
    for _, row in ranking.iterrows():
        assert np.isclose(row["gain"], by_hand.loc[row["feature"], "gain"])
    print("rank_splits agrees with the gains computed by hand.")


if __name__ == "__main__":
    main()
