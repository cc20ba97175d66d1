"""Inspection and export of deep trees: every function works at any depth.

The chain below is an ID3 tree with one node per level, deeper than Python's
recursion limit, so a recursive walk of it fails.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from entree import (
    ID3Classifier,
    explain,
    export_graphviz,
    export_text,
    split_report,
)
from entree._persistence import from_dict, to_dict
from entree.tree import Tree
from entree.tree._tree import NODE_ARRAYS

N_LEVELS = 1100


def chain_data(n_levels=N_LEVELS):
    """One numeric column; each ID3 split peels off the heaviest remaining row."""
    X = np.arange(n_levels + 1, dtype=np.float64).reshape(-1, 1)
    y = np.arange(n_levels + 1) % 2
    weight = np.arange(n_levels + 1, 0, -1).astype(np.float64)
    return X, y, weight


@pytest.fixture(scope="module")
def chain():
    X, y, weight = chain_data()
    model = ID3Classifier(max_bins=65535).fit(X, y, sample_weight=weight)
    return model, X, y, weight


def test_chain_is_deeper_than_the_recursion_limit(chain):
    model, *_ = chain
    assert model.get_depth() == N_LEVELS
    assert model.get_depth() > sys.getrecursionlimit()
    assert model.tree_.node_count == 2 * N_LEVELS + 1


def test_export_text_on_a_chain(chain):
    model, *_ = chain
    lines = export_text(model, show_gain=False).splitlines()
    tree = model.tree_
    # one line per branch and one per leaf
    assert len(lines) == (tree.node_count - 1) + tree.n_leaves
    deepest = max(lines, key=lambda line: line.count("|   "))
    assert deepest.startswith("|   " * model.get_depth() + "|--- class: ")


def test_export_text_max_depth_on_a_chain(chain):
    model, *_ = chain
    lines = export_text(model, show_gain=False, max_depth=3).splitlines()
    assert lines[-1].endswith(f"|--- truncated branch of depth {model.get_depth() - 3}")


def test_export_graphviz_on_a_chain(chain):
    model, *_ = chain
    dot = export_graphviz(model)
    n = model.tree_.node_count
    assert dot.count(" -> ") == n - 1
    assert f"{n - 1} [label=" in dot


def test_split_report_on_a_chain(chain):
    model, *_ = chain
    report = split_report(model)
    assert report.shape[0] == model.tree_.node_count
    assert report["depth"].max() == model.get_depth()
    deepest = int(report["depth"].idxmax())
    assert report.loc[deepest, "parent"] == model.tree_.parent[deepest]


def test_explain_on_a_chain(chain):
    model, X, *_ = chain
    explanation = explain(model, X[-1:])[0]
    assert len(explanation.steps) == model.get_depth() + 1
    assert explanation.steps[-1].is_leaf
    assert [s.depth for s in explanation.steps] == list(range(model.get_depth() + 1))
    assert len(str(explanation).splitlines()) == model.get_depth() + 2


def test_rank_splits_at_a_deep_node(chain):
    model, X, y, weight = chain
    tree = model.tree_
    node = int(np.flatnonzero(~tree.is_leaf)[-1])
    ranking = model.rank_splits(X, y, node=node, sample_weight=weight)
    assert ranking.loc[1, "chosen"]
    assert ranking.loc[1, "gain"] == pytest.approx(tree.gain[node])


def test_model_document_round_trip_on_a_chain(chain):
    model, X, *_ = chain
    copy = from_dict(json.loads(json.dumps(to_dict(model))))
    np.testing.assert_array_equal(copy.predict_proba(X), model.predict_proba(X))
    assert copy.get_depth() == model.get_depth()


def test_plot_tree_on_a_chain(chain):
    plt = pytest.importorskip("matplotlib.pyplot")
    model, *_ = chain
    from entree import plot_tree

    fig, ax = plt.subplots()
    try:
        with pytest.warns(UserWarning, match="boxes will overlap"):  # 1100 levels
            plot_tree(model, ax=ax, show_gain=False)
        assert len(ax.texts) == 2 * model.tree_.node_count - 1
    finally:
        plt.close(fig)


# -- derived arrays of the Tree -----------------------------------------------------
def _naive_parent_and_depth(tree):
    parent = np.full(tree.node_count, -1)
    for node in range(tree.node_count):
        for child in tree.children_of(node):
            parent[child] = node
    depth = np.zeros(tree.node_count, dtype=int)
    for node in range(1, tree.node_count):
        depth[node] = depth[parent[node]] + 1
    return parent, depth


def test_derived_arrays_match_a_plain_walk(chain):
    from entree import C45Classifier
    from entree.datasets import load_play_tennis

    X, y = load_play_tennis(return_X_y=True, as_frame=True)
    for tree in (chain[0].tree_, C45Classifier().fit(X, y).tree_):
        parent, depth = _naive_parent_and_depth(tree)
        np.testing.assert_array_equal(tree.parent, parent)
        np.testing.assert_array_equal(tree.depth, depth)
        assert tree.max_depth == depth.max()
        np.testing.assert_array_equal(
            tree.weighted_n_node_samples, tree.value.sum(axis=1)
        )


def test_derived_arrays_are_computed_once_and_follow_replaced_arrays():
    tree = Tree(
        feature=[0, -2, -2],
        threshold=[0.5, -2.0, -2.0],
        children_ptr=[0, 2, 2, 2],
        children=[1, 2],
        branch_category=[-1, -1, -1],
        branch_weight=[1.0, 0.5, 0.5],
        value=[[2.0, 2.0], [2.0, 0.0], [0.0, 2.0]],
        n_node_samples=[4, 2, 2],
        gain=[1.0, 0.0, 0.0],
        split_info=[1.0, 0.0, 0.0],
    )
    assert tree.parent is tree.parent
    assert tree.depth is tree.depth
    assert tree.weighted_n_node_samples is tree.weighted_n_node_samples
    np.testing.assert_array_equal(tree.weighted_n_node_samples, [4.0, 2.0, 2.0])
    tree.value = np.array([[3.0, 2.0], [3.0, 0.0], [0.0, 2.0]])
    np.testing.assert_array_equal(tree.weighted_n_node_samples, [5.0, 3.0, 2.0])
    # a root alone
    tree.feature = np.array([-2])
    tree.children_ptr = np.array([0, 0])
    tree.children = np.array([], dtype=np.int64)
    np.testing.assert_array_equal(tree.parent, [-1])
    np.testing.assert_array_equal(tree.depth, [0])


def test_derived_arrays_stay_out_of_pickles(chain):
    import pickle

    model, X, *_ = chain
    tree = model.tree_
    parent = tree.parent.copy()
    bare = len(pickle.dumps(Tree(**{k: getattr(tree, k) for k in NODE_ARRAYS})))
    assert len(pickle.dumps(tree)) == bare
    copy = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(copy.tree_.parent, parent)
    np.testing.assert_array_equal(copy.predict_proba(X), model.predict_proba(X))
