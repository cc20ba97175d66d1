"""``tree_`` read as scikit-learn's tree, and ``decision_path``.

On data where entree's ID3 and sklearn's entropy tree choose the same tests, the
fields that code written for sklearn's trees reads must mean the same thing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import NotFittedError
from sklearn.tree import DecisionTreeClassifier

from entree import C45Classifier, ID3Classifier, explain
from entree.datasets import load_play_tennis


def _by_path(children_left, children_right):
    """Node id of every path from the root ("", "L", "LR", ...)."""
    ids = {}
    stack = [(0, "")]
    while stack:
        node, path = stack.pop()
        ids[path] = node
        if children_left[node] >= 0:
            stack.append((children_left[node], path + "L"))
            stack.append((children_right[node], path + "R"))
    return ids


@pytest.fixture(scope="module")
def twin_trees():
    X, y = make_classification(300, n_features=5, random_state=0)
    weight = np.random.default_rng(0).uniform(0.5, 2.0, size=y.shape[0])
    theirs = DecisionTreeClassifier(criterion="entropy", max_depth=3, random_state=0)
    theirs.fit(X, y, sample_weight=weight)
    ours = ID3Classifier(max_depth=3).fit(X, y, sample_weight=weight)
    return ours, theirs, X


def test_tree_fields_mean_what_they_mean_in_sklearn(twin_trees):
    ours, theirs, _ = twin_trees
    a, b = ours.tree_, theirs.tree_
    assert a.node_count == b.node_count
    assert a.max_depth == b.max_depth
    assert a.n_outputs == b.n_outputs == 1
    ours_ids = _by_path(a.children_left, a.children_right)
    theirs_ids = _by_path(b.children_left, b.children_right)
    assert ours_ids.keys() == theirs_ids.keys()  # the same shape
    order_a = np.array([ours_ids[p] for p in sorted(ours_ids)])
    order_b = np.array([theirs_ids[p] for p in sorted(theirs_ids)])
    np.testing.assert_array_equal(a.feature[order_a], b.feature[order_b])
    # sklearn works on float32 copies of X, so its midpoints differ in the 7th digit
    np.testing.assert_allclose(a.threshold[order_a], b.threshold[order_b], atol=1e-6)
    leaf_a = a.children_left[order_a] == -1
    np.testing.assert_array_equal(leaf_a, b.children_left[order_b] == -1)
    np.testing.assert_array_equal(a.children_right[order_a] == -1, leaf_a)
    np.testing.assert_array_equal(a.n_node_samples[order_a], b.n_node_samples[order_b])
    # weights are relative: entree counts in cases (the weights rescaled to sum to
    # the rows), so the node weights are sklearn's up to one factor
    scale = a.weighted_n_node_samples[0] / b.weighted_n_node_samples[0]
    np.testing.assert_allclose(
        a.weighted_n_node_samples[order_a], scale * b.weighted_n_node_samples[order_b]
    )
    np.testing.assert_allclose(a.impurity[order_a], b.impurity[order_b], atol=1e-12)
    # sklearn >= 1.4 stores class fractions, shape (node_count, n_outputs, n_classes)
    assert a.sklearn_value.shape == b.value.shape
    np.testing.assert_allclose(a.sklearn_value[order_a], b.value[order_b], atol=1e-12)
    # entree's value stays the weighted class counts
    np.testing.assert_allclose(
        a.value[order_a],
        scale * b.value[order_b, 0] * b.weighted_n_node_samples[order_b, None],
    )


def test_children_left_right_read_the_csr_children():
    X, y = load_iris(return_X_y=True)
    tree = C45Classifier().fit(X, y).tree_
    internal = np.flatnonzero(tree.feature >= 0)
    np.testing.assert_array_equal(
        tree.children_left[internal], tree.children[tree.children_ptr[internal]]
    )
    np.testing.assert_array_equal(
        tree.children_right[internal], tree.children[tree.children_ptr[internal] + 1]
    )
    assert (tree.children_left[tree.is_leaf] == -1).all()
    assert (tree.children_right[tree.is_leaf] == -1).all()
    assert tree.children_left.dtype == np.intp


def test_children_left_right_refuse_a_multiway_tree():
    X, y = load_play_tennis(return_X_y=True, as_frame=True)
    tree = C45Classifier().fit(X, y).tree_
    message = "node 0 is a 3-way split on feature 0"
    with pytest.raises(ValueError, match=message):
        _ = tree.children_left
    with pytest.raises(ValueError, match=message):
        _ = tree.children_right


def test_children_left_right_refuse_a_two_way_nominal_split():
    X = pd.DataFrame({"colour": pd.Categorical(["red", "blue"] * 10)})
    y = np.array([0, 1] * 10)
    tree = ID3Classifier().fit(X, y).tree_
    assert tree.children_of(0).shape[0] == 2
    with pytest.raises(ValueError, match="node 0 is a 2-way split on feature 0"):
        _ = tree.children_left


# -- decision_path ------------------------------------------------------------------
def test_decision_path_matches_sklearn_on_the_same_tree(twin_trees):
    ours, theirs, X = twin_trees
    a, b = ours.tree_, theirs.tree_
    ours_ids = _by_path(a.children_left, a.children_right)
    theirs_ids = _by_path(b.children_left, b.children_right)
    to_ours = np.empty(b.node_count, dtype=np.intp)
    for path, node in theirs_ids.items():
        to_ours[node] = ours_ids[path]
    path = ours.decision_path(X)
    assert sp.issparse(path) and path.format == "csr"
    assert path.shape == (X.shape[0], a.node_count)
    expected = theirs.decision_path(X).toarray()[:, np.argsort(to_ours)]
    np.testing.assert_array_equal(path.toarray(), expected)


def test_decision_path_ends_at_apply_for_rows_with_one_path():
    X, y = load_iris(return_X_y=True)
    model = C45Classifier(soft_thresholds=0.0).fit(X, y)
    path = model.decision_path(X)
    leaves = model.apply(X)
    tree = model.tree_
    dense = path.toarray().astype(bool)
    assert (dense[:, tree.is_leaf].sum(axis=1) == 1).all()
    assert (dense[np.arange(X.shape[0]), leaves]).all()
    # every marked node's parent is marked too, and the count is the leaf depth + 1
    parents = tree.parent[np.nonzero(dense)[1]]
    rows = np.nonzero(dense)[0]
    assert dense[rows[parents >= 0], parents[parents >= 0]].all()
    np.testing.assert_array_equal(path.sum(axis=1).A1, tree.depth[leaves] + 1)


# with single-case branches (1) a spread row's visits at one level come from
# groups (spread branches, single paths) whose node ids interleave
@pytest.mark.parametrize("min_samples_leaf", [2, 1])
def test_decision_path_marks_every_branch_a_spread_row_follows(min_samples_leaf):
    X, y = load_iris(return_X_y=True)
    model = C45Classifier(soft_thresholds=0.0, min_samples_leaf=min_samples_leaf)
    model = model.fit(X, y)
    row = np.array([[5.9, 3.0, np.nan, np.nan]])  # missing at every petal test
    path = model.decision_path(row)
    visited = {step.node for step in explain(model, row)[0].steps}
    assert len(visited) > model.get_depth() + 1  # really spread
    assert set(path.indices.tolist()) == visited
    assert sorted(path.indices.tolist()) == path.indices.tolist()


def test_decision_path_with_soft_bands_and_nominal_columns():
    X, y = load_play_tennis(return_X_y=True, as_frame=True)
    model = C45Classifier().fit(X, y)
    unseen = X.iloc[:3].copy()
    unseen["outlook"] = ["sunny", None, "overcast"]
    path = model.decision_path(unseen)
    for i in range(3):
        visited = {s.node for s in explain(model, unseen.iloc[[i]])[0].steps}
        assert set(path[i].indices.tolist()) == visited
    # outlook missing at the root: every branch of the root is followed
    assert set(model.tree_.children_of(0).tolist()) <= set(path[1].indices.tolist())

    iris = load_iris()
    soft = C45Classifier(soft_thresholds=0.5).fit(iris.data, iris.target)
    dense = soft.decision_path(iris.data).toarray()
    n_leaves = dense[:, soft.tree_.is_leaf].sum(axis=1)
    assert n_leaves.max() > 1  # some rows fall inside a band
    for i in np.flatnonzero(n_leaves > 1)[:5]:
        visited = {s.node for s in explain(soft, iris.data[i : i + 1])[0].steps}
        assert set(np.flatnonzero(dense[i]).tolist()) == visited


def test_decision_path_checks_its_input():
    X, y = load_iris(return_X_y=True)
    model = C45Classifier().fit(X, y)
    with pytest.raises(ValueError, match="4 features"):
        model.decision_path(X[:, :3])
    with pytest.raises(NotFittedError, match="not fitted"):
        C45Classifier().decision_path(X)
