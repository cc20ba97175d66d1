"""Subtrees that change no prediction by ``subtree_min_change`` are cut off."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from test_leaf_proba import make_tree

from entree import (
    C45Classifier,
    ID3Classifier,
    explain,
    export_text,
    load_model,
    save_model,
    split_report,
)
from entree.tree._leaf_proba import collapse_negligible, deviation_below
from entree.tree._tree import TREE_LEAF

# root -> (1, 2); 1 -> (3, 4); 2 -> (5, 6); 4 -> (7, 8)
VALUE = [
    [30, 20],
    [22, 8],
    [8, 12],
    [20, 0],
    [2, 8],
    [1, 10],
    [7, 2],
    [1, 7],
    [1, 1],
]
PARENT = [-1, 0, 0, 1, 1, 2, 2, 4, 4]
# a probability per node: row v is (q_v, 1 - q_v)
Q = np.array([0.6, 0.7, 0.4, 0.9, 0.3, 0.15, 0.55, 0.31, 0.28])
PROBA = np.column_stack([Q, 1.0 - Q])

# soft thresholds and missing values: rows are spread over several leaves
KW = dict(smoothing="pruning_average", smoothing_strength=1.0, soft_thresholds=0.3)


def soft_data(seed):
    X, y = make_classification(
        n_samples=800,
        n_features=6,
        n_informative=4,
        n_classes=3,
        flip_y=0.05,
        random_state=seed,
    )
    rng = np.random.default_rng(seed)
    X[rng.random(X.shape) < 0.1] = np.nan
    return X, y


def test_deviation_below_is_the_largest_gap_to_a_leaf_under_the_node():
    tree = make_tree(VALUE, PARENT)
    under = {0: [3, 7, 8, 5, 6], 1: [3, 7, 8], 2: [5, 6], 4: [7, 8]}
    expected = np.zeros(len(VALUE))
    for node, leaves in under.items():
        expected[node] = np.abs(Q[leaves] - Q[node]).max()
    assert_allclose(deviation_below(tree, PROBA), expected)


def test_collapsed_tree_drops_the_nodes_under_the_cut_and_renumbers_the_rest():
    tree = make_tree(VALUE, PARENT)
    tree.soft_width = np.where(tree.is_leaf, 0.0, 0.1)
    cut, kept = tree.collapsed(np.isin(np.arange(9), [1]))
    assert_array_equal(kept, [0, 1, 2, 5, 6])
    assert_array_equal(cut.children_ptr, [0, 2, 2, 4, 4, 4])
    assert_array_equal(cut.children, [1, 2, 3, 4])
    assert_array_equal(cut.parent, [-1, 0, 0, 2, 2])
    assert_array_equal(cut.feature, [0, TREE_LEAF, 0, TREE_LEAF, TREE_LEAF])
    assert_array_equal(cut.threshold[1], -2.0)
    assert_array_equal(cut.soft_width, [0.1, 0.0, 0.1, 0.0, 0.0])
    assert_array_equal(cut.value, np.asarray(VALUE, dtype=float)[kept])
    assert_allclose(cut.impurity, tree.impurity[kept])
    # gaps: node 0 0.45, node 1 0.42, node 2 0.25, node 4 0.02
    small, proba = collapse_negligible(tree, PROBA, 0.1)
    assert small.node_count == 7 and small.is_leaf[4]
    assert_allclose(proba, PROBA[:7])
    smaller, proba = collapse_negligible(tree, PROBA, 0.3)
    assert_array_equal(smaller.parent, [-1, 0, 0, 1, 1])
    assert_array_equal(smaller.is_leaf, [False, False, True, True, True])
    assert_allclose(proba, PROBA[:5])
    same_tree, same_proba = collapse_negligible(tree, PROBA, 0.0)
    assert same_tree is tree and same_proba is PROBA


@pytest.mark.parametrize("seed", [0, 2])
@pytest.mark.parametrize("min_change", [0.02, 0.05])
def test_predictions_move_by_less_than_min_change(seed, min_change):
    X, y = soft_data(seed)
    full = C45Classifier(subtree_min_change=0.0, **KW).fit(X, y)
    small = C45Classifier(subtree_min_change=min_change, **KW).fit(X, y)
    assert (full.tree_.soft_width > 0).any()
    assert small.tree_.n_leaves < full.tree_.n_leaves
    assert small.get_depth() <= full.get_depth()
    # training rows, rows with missing values, rows spread through the bands
    X_new, _ = soft_data(seed + 10)
    for rows in (X, X_new):
        gap = np.abs(small.predict_proba(rows) - full.predict_proba(rows))
        assert 0.0 < gap.max() < min_change
    assert_array_equal(small.classes_, full.classes_)
    # the kept nodes predict what they predicted before the cut
    assert small.smoothing_strength_ == full.smoothing_strength_


def test_only_subtrees_below_the_bound_are_cut():
    X, y = soft_data(1)
    full = C45Classifier(subtree_min_change=0.0, **KW).fit(X, y)
    small = C45Classifier(subtree_min_change=0.05, **KW).fit(X, y)
    gap = deviation_below(full.tree_, full._node_proba)
    _, kept = full.tree_.collapsed(gap < 0.05)
    assert_array_equal(small.tree_.value, full.tree_.value[kept])
    assert_allclose(small._node_proba, full._node_proba[kept])
    # every inner node left changes some leaf's probability by at least the bound
    assert (
        deviation_below(small.tree_, small._node_proba)[~small.tree_.is_leaf] >= 0.05
    ).all()


def test_other_estimators_keep_the_grown_tree():
    X, y = soft_data(0)
    for smoothing in ("m_estimate", "laplace"):
        kw = dict(KW, smoothing=smoothing)
        a = C45Classifier(subtree_min_change=0.0, **kw).fit(X, y)
        b = C45Classifier(subtree_min_change=0.5, **kw).fit(X, y)
        assert a.tree_.node_count == b.tree_.node_count
        assert_allclose(a.predict_proba(X), b.predict_proba(X))


@pytest.mark.parametrize("value", [-0.01, 1.0, "auto"])
def test_subtree_min_change_is_validated(value):
    X, y = soft_data(0)
    with pytest.raises(ValueError, match="'subtree_min_change' parameter"):
        C45Classifier(subtree_min_change=value).fit(X, y)
    with pytest.raises(ValueError, match="'subtree_min_change' parameter"):
        ID3Classifier(subtree_min_change=value).fit(X, y)


def test_inspection_and_model_files_follow_the_collapsed_tree(tmp_path):
    X, y = soft_data(2)
    model = C45Classifier(subtree_min_change=0.05, **KW).fit(X, y)
    tree = model.tree_
    full = C45Classifier(subtree_min_change=0.0, **KW).fit(X, y)
    assert tree.n_leaves < full.tree_.n_leaves
    # sklearn's views
    left, right = tree.children_left, tree.children_right
    assert ((left == -1) == tree.is_leaf).all() and (
        (right == -1) == tree.is_leaf
    ).all()
    assert tree.sklearn_value.shape == (tree.node_count, 1, 3)
    assert model.get_n_leaves() == tree.n_leaves
    importances = model.feature_importances_
    assert importances.shape == (6,) and np.isclose(importances.sum(), 1.0)
    report = split_report(model)
    assert_array_equal(report.is_leaf, tree.is_leaf)
    assert_array_equal(report.parent, tree.parent)
    assert_allclose(report.probability, model._node_proba.max(axis=1))
    assert (report.gain[report.is_leaf] == 0).all()
    text = export_text(model)
    assert text.count("class:") == tree.n_leaves
    rows = explain(model, X[:20])
    for row, proba in zip(rows, model.predict_proba(X[:20])):
        assert all(tree.is_leaf[leaf] for leaf, _ in row.leaves)
        assert_allclose(row.proba, proba)
    path = tmp_path / "model.json"
    save_model(model, path)
    loaded = load_model(path)
    assert loaded.subtree_min_change == 0.05
    assert loaded.tree_.node_count == tree.node_count
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
