"""Tests for entree.tree._leaf_proba: smoothed node probabilities and their strength."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from entree import C45Classifier
from entree.tree._leaf_proba import (
    AUTO_GRID,
    SMOOTHING_METHODS,
    auto_strength,
    heldout_log_loss,
    loo_log_loss,
    node_probabilities,
    smoothed,
)
from entree.tree._tree import TREE_LEAF, Tree


def make_tree(value, parent_of):
    """A Tree from class counts and a parent list (parents before children)."""
    value = np.asarray(value, dtype=np.float64)
    n = value.shape[0]
    parent_of = np.asarray(parent_of)
    kids = [np.flatnonzero(parent_of == v) for v in range(n)]
    children = np.concatenate(kids).astype(np.int64) if n > 1 else np.zeros(0, np.int64)
    ptr = np.concatenate([[0], np.cumsum([len(k) for k in kids])]).astype(np.int64)
    assert np.array_equal(children, np.arange(1, n)), (
        "children must be numbered in order"
    )
    feature = np.array([0 if len(k) else TREE_LEAF for k in kids])
    return Tree(
        feature=feature,
        threshold=np.where(feature >= 0, 0.5, -2.0),
        children_ptr=ptr,
        children=children,
        branch_category=np.full(n, -1),
        branch_weight=np.ones(n),
        value=value,
        n_node_samples=np.round(value.sum(axis=1)).astype(np.int64),
        gain=np.zeros(n),
        split_info=np.zeros(n),
    )


# root -> (1, 2); 1 -> (3, 4); 2 -> (5, 6). Leaves 3..6; a pure one and an empty class.
VALUE = [
    [30, 20, 5],
    [22, 4, 2],
    [8, 16, 3],
    [20, 0, 0],
    [2, 4, 2],
    [1, 15, 0],
    [7, 1, 3],
]
PARENT = [-1, 0, 0, 1, 1, 2, 2]


@pytest.fixture
def tree():
    return make_tree(VALUE, PARENT)


@pytest.mark.parametrize("method", SMOOTHING_METHODS)
@pytest.mark.parametrize("strength", ["auto", 0.5, 3.0, 100.0])
def test_valid_distributions(tree, method, strength):
    p = node_probabilities(tree, method=method, strength=strength)
    assert p.shape == (7, 3)
    assert_allclose(p.sum(axis=1), 1.0)
    if method != "none":
        assert (p > 0).all()


def test_defaults_never_zero_on_a_fitted_tree():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 1)
    model = C45Classifier().fit(X, y)
    proba = model.predict_proba(rng.normal(size=(50, 3)))
    assert (proba > 0).all()
    assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("method", ["m_estimate", "shrinkage"])
def test_strength_zero_is_raw_frequencies(tree, method):
    p = smoothed(tree, method, 0.0)
    value = np.asarray(VALUE, dtype=float)
    freq = value / value.sum(axis=1, keepdims=True)
    assert_allclose(p[1:], freq[1:])
    assert_allclose(p[0], (value[0] + 1) / (value[0].sum() + 3))  # Laplace at the root


def test_laplace_and_none_match_formulas(tree):
    value = np.asarray(VALUE, dtype=float)
    assert_allclose(
        node_probabilities(tree, method="laplace", strength="auto"),
        (value + 1) / (value.sum(axis=1, keepdims=True) + 3),
    )
    assert_allclose(
        node_probabilities(tree, method="none", strength="auto"),
        value / value.sum(axis=1, keepdims=True),
    )


def test_large_strength_goes_to_prior(tree):
    root = smoothed(tree, "shrinkage", 0.0)[0]
    for method in ("m_estimate", "shrinkage"):
        assert_allclose(smoothed(tree, method, 1e9), np.tile(root, (7, 1)), atol=1e-6)
        assert_allclose(smoothed(tree, method, np.inf), np.tile(root, (7, 1)))


def test_shrinkage_recursion(tree):
    lam = 2.5
    p = smoothed(tree, "shrinkage", lam)
    value = np.asarray(VALUE, dtype=float)
    for v in range(1, 7):
        expect = (value[v] + lam * p[PARENT[v]]) / (value[v].sum() + lam)
        assert_allclose(p[v], expect)
    m = smoothed(tree, "m_estimate", lam)
    for v in range(1, 7):
        assert_allclose(m[v], (value[v] + lam * m[0]) / (value[v].sum() + lam))


def brute_force_loo(value, parent, method, lam):
    """Remove each case's count along its prior chain and recompute from scratch."""
    value = np.asarray(value, dtype=float)
    parent = np.asarray(parent)
    if method == "m_estimate":
        parent = np.where(parent >= 0, 0, -1)
    is_leaf = ~np.isin(np.arange(len(value)), PARENT)
    loss, weight = 0.0, 0.0
    for leaf in np.flatnonzero(is_leaf):
        for c in range(value.shape[1]):
            if value[leaf, c] == 0:
                continue
            reduced = value.copy()
            v = leaf
            while v >= 0:
                reduced[v, c] -= 1
                v = parent[v]
            p = np.empty_like(reduced)
            for u in range(len(reduced)):
                n = reduced[u].sum()
                if parent[u] < 0:
                    p[u] = (reduced[u] + 1) / (n + reduced.shape[1])
                else:
                    p[u] = (reduced[u] + lam * p[parent[u]]) / (n + lam)
            loss -= value[leaf, c] * np.log(p[leaf, c])
            weight += value[leaf, c]
    return loss / weight


@pytest.mark.parametrize("method", ["m_estimate", "shrinkage"])
def test_loo_matches_brute_force(tree, method):
    grid = np.array([0.1, 1.0, 7.0])
    fast = loo_log_loss(tree, method, grid)
    slow = [brute_force_loo(VALUE, PARENT, method, lam) for lam in grid]
    assert_allclose(fast, slow, rtol=1e-10)


def test_auto_strength_is_deterministic_and_on_grid(tree):
    a = auto_strength(tree, "shrinkage")
    assert a == auto_strength(tree, "shrinkage")
    assert np.isclose(AUTO_GRID, a).any()


def test_auto_strength_responds_to_the_data():
    # Children that look like the parent: shrink hard. Children that differ sharply
    # and are large and pure: trust the leaves.
    alike = make_tree([[60, 40], [30, 20], [30, 20]], [-1, 0, 0])
    pure = make_tree([[60, 60], [60, 0], [0, 60]], [-1, 0, 0])
    noisy = make_tree([[60, 60], [40, 20], [20, 40]], [-1, 0, 0])
    for method in ("m_estimate", "shrinkage"):
        s_alike = auto_strength(alike, method)
        s_pure = auto_strength(pure, method)
        s_noisy = auto_strength(noisy, method)
        assert s_pure < s_noisy < s_alike


def test_heldout_log_loss_matches_direct_mixing(tree):
    rng = np.random.default_rng(1)
    weights = np.zeros((6, 7))
    leaves = [3, 4, 5, 6]
    for i in range(6):
        w = rng.dirichlet(np.ones(2))
        weights[i, rng.choice(leaves, 2, replace=False)] = w
    y = rng.integers(0, 3, size=6)
    grid = [0.5, 4.0]
    got = heldout_log_loss(tree, "shrinkage", grid, weights, y)
    for g, lam in enumerate(grid):
        proba = weights @ smoothed(tree, "shrinkage", lam)
        assert_allclose(got[g], -np.log(proba[np.arange(6), y]).sum())


def test_auto_strength_is_in_units_of_cases(tree):
    # Every case weighing 10: the same tree in weight units, strength x10.
    scaled = make_tree(np.asarray(VALUE) * 10.0, PARENT)
    scaled.n_node_samples = tree.n_node_samples.copy()
    for method in ("m_estimate", "shrinkage"):
        assert_allclose(auto_strength(scaled, method), 10 * auto_strength(tree, method))


def test_unknown_method_and_strength(tree):
    with pytest.raises(ValueError):
        node_probabilities(tree, method="bogus", strength="auto")
    with pytest.raises(ValueError):
        node_probabilities(tree, method="shrinkage", strength="bogus")
