"""Soft thresholds: the routing kernel, the automatic choice, persistence."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris, make_classification

from entree import C45Classifier, ID3Classifier
from entree._persistence import (
    ModelFileError,
    from_dict,
    load_model,
    save_model,
    to_dict,
)
from entree.tree._inspect import explain
from entree.tree._soft import WIDTH_GRID, fold_ids, node_sd
from entree.tree._tree import soft_left_share


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def soft_model(iris):
    X, y = iris
    return C45Classifier(
        soft_thresholds=0.3, smoothing="m_estimate", smoothing_strength=1.0
    ).fit(X, y)


def _hard_copy(model):
    hard = C45Classifier(**{**model.get_params(), "soft_thresholds": 0.0})
    return hard.fit(*load_iris(return_X_y=True))


def _far_rows(model, X):
    """Rows of X whose value is outside the soft band at every node on their path."""
    tree = model.tree_
    far = np.ones(X.shape[0], dtype=bool)
    numeric = np.flatnonzero(tree.soft_width > 0)
    for node in numeric:
        x = X[:, tree.feature[node]]
        far &= np.abs(x - tree.threshold[node]) > tree.soft_width[node]
    return far


def test_left_share_ramp():
    assert soft_left_share(0.0, 1.0, 0.5) == 1.0
    assert soft_left_share(0.5, 1.0, 0.5) == 1.0  # the band's lower edge
    assert soft_left_share(1.0, 1.0, 0.5) == 0.5
    assert soft_left_share(1.5, 1.0, 0.5) == 0.0
    assert soft_left_share(2.0, 1.0, 0.5) == 0.0
    xs = np.linspace(0.4, 1.6, 101)
    shares = [soft_left_share(x, 1.0, 0.5) for x in xs]
    assert np.all(np.diff(shares) <= 0)
    # width 0 is the hard test x <= t
    assert soft_left_share(1.0, 1.0, 0.0) == 1.0
    assert soft_left_share(np.nextafter(1.0, 2.0), 1.0, 0.0) == 0.0


def test_row_far_from_every_threshold_routes_as_hard(soft_model, iris):
    X, _ = iris
    hard = _hard_copy(soft_model)
    assert_array_equal(hard.tree_.threshold, soft_model.tree_.threshold)
    assert (soft_model.tree_.soft_width > 0).any()
    far = _far_rows(soft_model, X)
    assert far.sum() > 50 and (~far).sum() > 0
    assert_array_equal(soft_model.apply(X[far]), hard.apply(X[far]))
    # one leaf, exactly: the probabilities are that leaf's
    leaf = soft_model.apply(X[far])
    assert_array_equal(soft_model.predict_proba(X[far]), soft_model._node_proba[leaf])
    # rows near some threshold (not necessarily on their path) can reach several
    weights = soft_model.tree_.predict_proba(
        X[~far], np.eye(soft_model.tree_.node_count), soft_model._columns.is_nominal
    )
    assert ((weights > 0).sum(axis=1) >= 2).any()
    assert_allclose(weights.sum(axis=1), 1.0)


def test_row_at_the_threshold_splits_evenly(soft_model, iris):
    X, _ = iris
    tree = soft_model.tree_
    root_feature, t = tree.feature[0], tree.threshold[0]
    assert tree.soft_width[0] > 0
    row = X[:1].copy()
    row[0, root_feature] = t
    weights = tree.predict_proba(
        row, np.eye(tree.node_count), soft_model._columns.is_nominal
    )[0]
    left, right = tree.children_of(0)
    # the share of the row under each child of the root
    below = np.zeros(tree.node_count, dtype=bool)
    parent = tree.parent
    for node in range(1, tree.node_count):
        p = node
        while parent[p] > 0:
            p = parent[p]
        below[node] = p == left
    assert weights[below].sum() == pytest.approx(0.5)
    assert weights[~below].sum() == pytest.approx(0.5)


def _reached_leaves(model, X):
    """Number of leaves predict_proba mixes for each row."""
    tree = model.tree_
    leaves = np.flatnonzero(tree.is_leaf)
    one_hot = np.zeros((tree.node_count, leaves.shape[0]))
    one_hot[leaves, np.arange(leaves.shape[0])] = 1.0
    weights = tree.predict_proba(
        model._encoded(X),
        one_hot,
        model._columns.is_nominal,
        min_share=model.soft_min_share,
    )
    return (weights > 0).sum(axis=1)


def test_zero_width_is_the_hard_tree(iris):
    X, y = iris
    soft0 = C45Classifier(
        soft_thresholds=0.0, smoothing="m_estimate", smoothing_strength=2.0
    ).fit(X, y)
    assert_array_equal(soft0.tree_.soft_width, 0.0)
    assert soft0.soft_thresholds_ == 0.0
    # a soft tree with its widths zeroed predicts exactly as the hard tree
    soft = C45Classifier(
        soft_thresholds=0.5, smoothing="m_estimate", smoothing_strength=2.0
    ).fit(X, y)
    soft.tree_.soft_width = np.zeros(soft.tree_.node_count)
    assert_array_equal(soft.predict_proba(X), soft0.predict_proba(X))
    assert_array_equal(soft.apply(X), soft0.apply(X))


def test_widths_follow_the_node_sd(iris):
    X, y = iris
    model = C45Classifier(soft_thresholds=0.2, smoothing_strength=2.0).fit(X, y)
    sd = node_sd(model.tree_, X, np.ones(len(y)), model._columns.is_nominal)
    assert_allclose(model.tree_.soft_width, 0.2 * sd)
    root = X[:, model.tree_.feature[0]]
    assert sd[0] == pytest.approx(root.std())
    assert_array_equal(model.tree_.soft_width[model.tree_.is_leaf], 0.0)


def test_missing_values_still_spread_by_branch_weight(soft_model, iris):
    X, _ = iris
    tree = soft_model.tree_
    row = X[:1].copy()
    row[0, tree.feature[0]] = np.nan
    w = tree.predict_proba(row, np.eye(tree.node_count), soft_model._columns.is_nominal)
    assert w.sum() == pytest.approx(1.0)
    assert (w > 0).sum() >= 2


def test_explain_matches_predict_proba_in_the_band(soft_model, iris):
    X, _ = iris
    rows = X[_reached_leaves(soft_model, X) > 1][:5]
    assert rows.shape[0] == 5
    proba = soft_model.predict_proba(rows)
    for i, explanation in enumerate(explain(soft_model, rows)):
        mixed = sum(w * soft_model._node_proba[leaf] for leaf, w in explanation.leaves)
        assert_allclose(mixed / mixed.sum(), proba[i])
        assert any(step.spread for step in explanation.steps)


def test_auto_is_deterministic_and_uses_only_the_training_data():
    X, y = make_classification(600, n_features=6, n_informative=4, random_state=0)
    a = C45Classifier().fit(X, y)
    b = C45Classifier().fit(X.copy(), y.copy())
    assert a.soft_thresholds_ == b.soft_thresholds_
    assert a.smoothing_strength_ == b.smoothing_strength_
    assert a.soft_thresholds_ in WIDTH_GRID
    assert_array_equal(a.tree_.soft_width, b.tree_.soft_width)
    assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    # the choice depends on the rows, not on their order
    perm = np.random.default_rng(1).permutation(len(y))
    c = C45Classifier().fit(X[perm], y[perm])
    assert (c.soft_thresholds_, c.smoothing_strength_) == (
        a.soft_thresholds_,
        a.smoothing_strength_,
    )
    # the data predicted on afterwards plays no part
    Z = np.random.default_rng(2).normal(size=(50, 6))
    a.predict_proba(Z)
    assert a.soft_thresholds_ == b.soft_thresholds_


def test_auto_turns_soft_on_for_smooth_boundaries_and_off_for_nominal():
    X, y = make_classification(800, n_features=5, n_informative=3, random_state=4)
    model = C45Classifier().fit(X, y)
    assert model.soft_thresholds_ > 0
    assert (model.tree_.soft_width > 0).any()
    nominal = np.random.default_rng(0).integers(0, 3, size=(300, 4)).astype(str)
    labels = (nominal[:, 0] == "1").astype(int)
    model = C45Classifier().fit(nominal, labels)
    assert model.soft_thresholds_ == 0.0


def test_fold_ids_are_stratified_and_content_based():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3))
    y = rng.integers(0, 3, size=500)
    w = np.ones(500)
    folds = fold_ids(X, y, w, 5, 10_000)
    assert (folds >= 0).all()
    for c in range(3):
        counts = np.bincount(folds[y == c], minlength=5)
        assert counts.max() - counts.min() <= 1
    perm = rng.permutation(500)
    assert_array_equal(fold_ids(X[perm], y[perm], w, 5, 10_000), folds[perm])
    # duplicates share a fold; weight-0 rows are left out
    X2, y2 = np.vstack([X, X[:10]]), np.concatenate([y, y[:10]])
    w2 = np.ones(510)
    w2[0] = 0
    f2 = fold_ids(X2, y2, w2, 5, 10_000)
    assert f2[0] == -1
    assert_array_equal(f2[501:510], f2[1:10])
    # above max_rows, a bounded stratified subsample
    small = fold_ids(X, y, w, 5, 100)
    kept = small >= 0
    assert 100 <= kept.sum() <= 103
    assert set(np.unique(y[kept])) == {0, 1, 2}


def test_id3_keeps_hard_thresholds_by_default(iris):
    X, y = iris
    model = ID3Classifier().fit(X, y)
    assert model.soft_thresholds_ == 0.0
    assert_array_equal(model.tree_.soft_width, 0.0)


@pytest.mark.parametrize("bad", [-0.1, "wide"])
def test_invalid_soft_thresholds(iris, bad):
    X, y = iris
    with pytest.raises(ValueError):
        C45Classifier(soft_thresholds=bad).fit(X, y)


def test_json_round_trip_with_soft_widths(soft_model, iris, tmp_path):
    X, _ = iris
    path = tmp_path / "soft.json"
    save_model(soft_model, path)
    loaded = load_model(path)
    assert_array_equal(loaded.tree_.soft_width, soft_model.tree_.soft_width)
    assert loaded.tree_.soft_width.tobytes() == soft_model.tree_.soft_width.tobytes()
    assert_array_equal(loaded.predict_proba(X), soft_model.predict_proba(X))
    assert loaded.soft_thresholds_ == soft_model.soft_thresholds_
    assert loaded.smoothing_strength_ == soft_model.smoothing_strength_
    # a file written before soft widths existed loads as a hard tree
    doc = to_dict(soft_model)
    del doc["tree"]["soft_width"]
    del doc["fitted"]
    doc["params"]["min_samples_leaf"] = 2  # a number then ("auto" came later)
    old = from_dict(doc)
    assert_array_equal(old.tree_.soft_width, 0.0)


@pytest.mark.parametrize(
    "value, message",
    [
        (-1.0, "negative"),
        ({"float": "nan"}, "not finite"),
        ({"float": "inf"}, "finite"),
    ],
)
def test_json_validates_soft_widths(soft_model, value, message):
    doc = to_dict(soft_model)
    node = int(np.flatnonzero(soft_model.tree_.soft_width > 0)[0])
    doc["tree"]["soft_width"][node] = value
    with pytest.raises(ModelFileError, match=message):
        from_dict(doc)


def test_json_refuses_a_width_on_a_leaf(soft_model):
    doc = to_dict(soft_model)
    leaf = int(np.flatnonzero(soft_model.tree_.is_leaf)[0])
    doc["tree"]["soft_width"][leaf] = 0.5
    with pytest.raises(ModelFileError, match="not a numeric split"):
        from_dict(doc)


def test_traversal_is_the_same_for_any_thread_count():
    from entree.tree._kernels._traverse import traverse

    X, y = make_classification(
        25_000, n_features=8, n_informative=5, n_classes=3, random_state=2
    )
    rng = np.random.default_rng(2)
    X[:, 7] = rng.integers(0, 5, X.shape[0])
    X[rng.random(X.shape) < 0.05] = np.nan
    model = C45Classifier(
        soft_thresholds=0.3, smoothing_strength=1.0, categorical_features=[7]
    ).fit(X[:3000], y[:3000])
    tree, is_nominal = model.tree_, model._columns.is_nominal
    assert (tree.soft_width > 0).any()
    X_encoded = model._encoded(X)
    nav = tree._navigation(is_nominal)
    arrays = (tree.children_ptr, tree.children, tree.branch_category)
    runs = [
        traverse(
            X_encoded,
            nav,
            nav.view(np.float64),
            True,
            model.soft_min_share,
            model.soft_min_change,
            True,
            *arrays,
            tree.branch_weight,
            model._node_proba,
            n_threads,
        )
        for n_threads in (1, 2, 3)
    ]
    for proba, leaf in runs[1:]:
        assert_array_equal(proba, runs[0][0])
        assert_array_equal(leaf, runs[0][1])
    # the estimator's own path (threads from 20k rows) agrees with one thread
    assert_array_equal(model.predict_proba(X), runs[0][0])
    assert_array_equal(model.apply(X), runs[0][1])


def test_min_share_drops_negligible_sides_of_a_band(iris):
    X, y = iris
    model = C45Classifier(
        soft_thresholds=0.9, smoothing="m_estimate", smoothing_strength=1.0
    ).fit(X, y)
    tree, is_nominal = model.tree_, model._columns.is_nominal
    # a row just inside the root's band: its left share is 1 - 3v^2 + 2v^3, tiny v
    root = 0
    low = tree.threshold[root] - tree.soft_width[root]
    row = X[:1].copy()
    row[0, tree.feature[root]] = low + 1e-3 * tree.soft_width[root]
    left, right = tree.children_of(root)
    everything = tree.predict_proba(row, np.eye(tree.node_count), is_nominal)
    assert everything[0, tree.is_leaf].sum() == pytest.approx(1.0)
    reached_right = everything[0, tree.is_leaf & _below(tree, right)].sum()
    assert 0.0 < reached_right < 1e-5  # followed, with a negligible share
    bounded = tree.predict_proba(
        row, np.eye(tree.node_count), is_nominal, min_share=0.01
    )
    assert bounded[0, _below(tree, right)].sum() == 0.0
    assert bounded[0, tree.is_leaf].sum() == pytest.approx(1.0)  # left takes it


def _ancestors_of(tree, reached):
    """Per row, the nodes above any node marked in ``reached``."""
    out = np.zeros_like(reached)
    parent = tree.parent
    for i, j in zip(*np.nonzero(reached)):
        p = parent[j]
        while p >= 0:
            out[i, p] = True
            p = parent[p]
    return out


def _below(tree, node):
    """Mask of node and its descendants."""
    mask = np.zeros(tree.node_count, dtype=bool)
    stack = [node]
    while stack:
        v = stack.pop()
        mask[v] = True
        stack += tree.children_of(v).tolist()
    return mask


@pytest.mark.parametrize("min_share", [0.0, 0.01, 0.1])
def test_min_share_bounds_the_leaves_and_every_view_agrees(min_share):
    X, y = make_classification(
        2000, n_features=8, n_informative=6, n_classes=3, random_state=4
    )
    X[np.random.default_rng(0).random(X.shape) < 0.03] = np.nan
    model = C45Classifier(
        soft_thresholds=0.9,
        smoothing="m_estimate",
        smoothing_strength=1.0,
        soft_min_share=min_share,
    ).fit(X[:1500], y[:1500])
    rows = X[1500:]
    reached = _reached_leaves(model, rows)
    if min_share > 0:
        complete = ~np.isnan(rows).any(axis=1)  # missing values spread apart
        assert reached[complete].max() <= 1.0 / min_share
    assert reached.max() > 1
    # decision_path, explain and predict_proba see the same leaves
    path = model.decision_path(rows).toarray().astype(bool)
    explained = explain(model, rows[:40])
    for i, explanation in enumerate(explained):
        leaves = {leaf for leaf, _ in explanation.leaves}
        assert leaves == set(np.flatnonzero(path[i] & model.tree_.is_leaf))
    assert_allclose(model.predict_proba(rows).sum(axis=1), 1.0)


def _leaf_shares_by_hand(tree, row, is_nominal, min_share, min_change):
    """{leaf: share of the row} by the documented rule, one path at a time."""
    shares = {}
    pending = [(0, 1.0)]
    while pending:
        node, weight = pending.pop()
        if tree.is_leaf[node]:
            shares[node] = shares.get(node, 0.0) + weight
            continue
        x = row[tree.feature[node]]
        children = tree.children_of(node)
        if np.isnan(x):
            pending += [(c, weight * tree.branch_weight[c]) for c in children]
        elif is_nominal[tree.feature[node]]:
            match = children[tree.branch_category[children] == x]
            if match.shape[0]:
                pending.append((match[0], weight))
            else:  # a category the node never saw: every branch, as missing
                pending += [(c, weight * tree.branch_weight[c]) for c in children]
        else:
            t, h = tree.threshold[node], tree.soft_width[node]
            if not t - h < x <= t + h:  # outside the band: one branch
                pending.append((children[0] if x <= t - h else children[1], weight))
                continue
            share = soft_left_share(x, t, h)
            left, right = weight * share, weight * (1.0 - share)
            # a side is negligible by its share of the row, or by that share times
            # how much the two children's class frequencies differ
            counts = tree.value[children]
            freq = counts / counts.sum(axis=1, keepdims=True)
            gap = np.abs(freq[0] - freq[1]).max()
            left_small = left < min_share or left * gap < min_change
            right_small = right < min_share or right * gap < min_change
            if left_small and right_small:  # both: the larger is followed
                share = 1.0 if left >= right else 0.0
            elif left_small:  # a negligible side is not followed
                share = 0.0
            elif right_small:
                share = 1.0
            if share > 0.0:
                pending.append((children[0], weight * share))
            if share < 1.0:
                pending.append((children[1], weight * (1.0 - share)))
    return shares


@pytest.mark.parametrize(
    "min_share, min_change",
    [(0.01, 0.0), (0.05, 0.0), (0.2, 0.0), (0.0, 0.04), (0.05, 0.1)],
)
def test_spread_rows_get_the_documented_leaf_shares(min_share, min_change):
    # dropping sides routes soft trees level by level (a separate kernel path):
    # every leaf's share of every row, and the heaviest leaf, by hand
    X, y = make_classification(
        700, n_features=6, n_informative=4, n_classes=3, random_state=7
    )
    rng = np.random.default_rng(7)
    X[:, 5] = rng.integers(0, 4, X.shape[0])
    X[rng.random(X.shape) < 0.05] = np.nan
    model = C45Classifier(
        soft_thresholds=0.6,
        smoothing="m_estimate",
        smoothing_strength=1.0,
        soft_min_share=min_share,
        soft_min_change=min_change,
        categorical_features=[5],
    ).fit(X[:500], y[:500])
    tree, is_nominal = model.tree_, model._columns.is_nominal
    rows = model._encoded(X[500:])
    rows[:5, 5] = 7.0  # a category no node saw
    rules = dict(min_share=min_share, min_change=min_change)
    got = tree.predict_proba(rows, np.eye(tree.node_count), is_nominal, **rules)
    heaviest = tree.apply(rows, is_nominal, **rules)
    assert_array_equal(
        model.decision_path(X[500:]).toarray()[5:] > 0,
        (got > 0)[5:] | _ancestors_of(tree, got[5:] > 0),
    )
    spread = 0
    for i, row in enumerate(rows):
        shares = _leaf_shares_by_hand(tree, row, is_nominal, min_share, min_change)
        expected = np.zeros(tree.node_count)
        for leaf, share in shares.items():
            expected[leaf] = share
        assert_allclose(got[i], expected, rtol=0, atol=1e-12)
        top = max(shares.values())
        assert heaviest[i] == min(v for v, s in shares.items() if s == top)
        spread += len(shares) > 1
    assert spread > 50  # the bands and missing values did spread rows


def test_min_share_costs_little_and_speeds_up():
    X, y = make_classification(
        6000, n_features=10, n_informative=8, n_classes=4, random_state=5
    )
    params = dict(soft_thresholds=0.9, smoothing="m_estimate", smoothing_strength=1.0)
    full = C45Classifier(**params, soft_min_share=0.0).fit(X[:4000], y[:4000])
    bounded = C45Classifier(**params, soft_min_share=0.01).fit(X[:4000], y[:4000])
    rows = X[4000:]
    assert (
        _reached_leaves(bounded, rows).mean() < 0.5 * _reached_leaves(full, rows).mean()
    )
    p_full, p_bounded = full.predict_proba(rows), bounded.predict_proba(rows)
    # the dropped sides held less than 1% of a row each: probabilities barely move
    assert np.abs(p_full - p_bounded).max() < 0.1
    assert np.abs(p_full - p_bounded).mean() < 0.01


@pytest.mark.parametrize("bad", [-0.1, 0.5, "auto"])
def test_invalid_soft_min_share(iris, bad):
    with pytest.raises(ValueError, match="soft_min_share"):
        C45Classifier(soft_min_share=bad).fit(*iris)


@pytest.mark.parametrize("bad", [-0.1, 1.0, np.nan, "auto"])
def test_invalid_soft_min_change(iris, bad):
    with pytest.raises(ValueError, match="soft_min_change"):
        C45Classifier(soft_min_change=bad).fit(*iris)


def test_class_gap_is_the_largest_class_frequency_difference_of_the_two_sides():
    X, y = make_classification(
        400, n_features=5, n_informative=3, n_classes=3, random_state=1
    )
    tree = C45Classifier(soft_thresholds=0.3).fit(X, y).tree_
    gap = tree.class_gap
    for node in range(tree.node_count):
        if tree.is_leaf[node]:
            assert gap[node] == 0.0
            continue
        left, right = tree.children_of(node)
        f_left = tree.value[left] / tree.value[left].sum()
        f_right = tree.value[right] / tree.value[right].sum()
        assert gap[node] == pytest.approx(np.abs(f_left - f_right).max(), abs=1e-15)
