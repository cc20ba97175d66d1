"""Inspection and export of a big tree against the fit that grew it.

Grows an unpruned ID3 tree on noisy data (make_classification, 20 features, 30% of
the labels flipped), so that it has tens of thousands of nodes, then times each
inspection and export on it: the goal is that none takes longer than the fit.
A second part times the same functions on a chain (a tree of depth 1000+, one
node per level), where a recursive walk would fail.

    python benchmarks/bench_inspect.py                 # 200k rows, ~50k nodes
    python benchmarks/bench_inspect.py --rows 50000    # quicker
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.tree import DecisionTreeClassifier

from entree import ID3Classifier, explain, export_graphviz, export_text, split_report
from entree._persistence import to_dict
from entree.tree._export import plot_tree


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def chain(n_levels: int):
    """One numeric column; each split of ID3 peels the heaviest remaining row."""
    X = np.arange(n_levels + 1, dtype=np.float64).reshape(-1, 1)
    y = np.arange(n_levels + 1) % 2
    weight = np.arange(n_levels + 1, 0, -1).astype(np.float64)
    return X, y, weight


def report(title: str, model, fit_seconds: float, rows, plot: bool, X=None) -> None:
    tree = model.tree_
    print(
        f"{title}: {tree.node_count} nodes, depth {model.get_depth()}, "
        f"fit {fit_seconds:.2f} s"
    )
    tasks = {
        "export_text": lambda: export_text(model),
        "export_graphviz": lambda: export_graphviz(model),
        "split_report": lambda: split_report(model),
        f"explain ({rows.shape[0]} rows)": lambda: explain(model, rows),
        "to_dict": lambda: to_dict(model),
    }
    if X is not None:
        tasks[f"decision_path ({X.shape[0]} rows)"] = lambda: model.decision_path(X)
    if plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        def draw():
            fig, ax = plt.subplots()
            with warnings.catch_warnings():  # 1100 levels fit in no axes
                warnings.simplefilter("ignore", UserWarning)
                plot_tree(model, ax=ax)
            plt.close(fig)

        tasks["plot_tree (no render)"] = draw
    print(f"  {'function':28} {'seconds':>8} {'x fit':>7}")
    for name, task in tasks.items():
        try:
            seconds = timed(task)
        except RecursionError:
            print(f"  {name:28} RecursionError", flush=True)
            continue
        print(f"  {name:28} {seconds:8.3f} {seconds / fit_seconds:7.3f}", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--explain-rows", type=int, default=1000)
    parser.add_argument("--chain-depth", type=int, default=1100)
    args = parser.parse_args(argv)

    X, y = make_classification(
        n_samples=args.rows, n_features=20, flip_y=0.3, random_state=0
    )
    ID3Classifier().fit(X[:500], y[:500])  # compiled code loaded before timing
    model = ID3Classifier()
    fit_seconds = timed(lambda: model.fit(X, y))
    report("noisy tree", model, fit_seconds, X[: args.explain_rows], plot=False, X=X)
    sklearn_tree = DecisionTreeClassifier(criterion="entropy", random_state=0)
    sklearn_fit = timed(lambda: sklearn_tree.fit(X, y))
    sklearn_path = timed(lambda: sklearn_tree.decision_path(X))
    print(
        f"  sklearn entropy tree: {sklearn_tree.tree_.node_count} nodes, fit "
        f"{sklearn_fit:.2f} s, decision_path {sklearn_path:.3f} s"
    )

    X, y, weight = chain(args.chain_depth)
    model = ID3Classifier(max_bins=65535)
    fit_seconds = timed(lambda: model.fit(X, y, sample_weight=weight))
    # the deepest rows: each explanation lists ~1000 steps, so a few rows suffice
    report("chain", model, fit_seconds, X[-10:], plot=True)


if __name__ == "__main__":
    main()
