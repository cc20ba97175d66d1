"""Everyday inputs (issue 11): object arrays, polars, sparse matrices, zero weights,
pipelines."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification

from entree import C45Classifier, ID3Classifier

TREE_ARRAYS = (
    "feature",
    "threshold",
    "children_ptr",
    "children",
    "branch_category",
    "branch_weight",
    "value",
    "n_node_samples",
    "soft_width",
)


def assert_same_model(a, b, X):
    """The same tree; floats to rounding (sums over rows in another order)."""
    for name in TREE_ARRAYS:
        np.testing.assert_allclose(
            getattr(a.tree_, name), getattr(b.tree_, name), rtol=1e-12, atol=0
        )
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-12)


@pytest.mark.parametrize(
    "model",
    [
        C45Classifier(),
        ID3Classifier(),
        C45Classifier(max_bins=16, subtree_raising=True),
    ],
    ids=["c45", "id3", "c45_bins16_raising"],
)
def test_rows_of_zero_weight_do_not_shape_the_bins(model):
    # 600 rows with more distinct values than max_bins: quantile bins
    X, y = make_classification(600, n_features=5, flip_y=0.1, random_state=0)
    rng = np.random.default_rng(1)
    extra = rng.normal(3.0, 5.0, size=(400, 5))  # other values, other quantiles
    X_all = np.vstack([X, extra])
    y_all = np.r_[y, rng.integers(0, 2, 400)]
    weights = np.r_[np.ones(600), np.zeros(400)]
    order = rng.permutation(1000)
    with_zeros = clone(model).fit(
        X_all[order], y_all[order], sample_weight=weights[order]
    )
    without = clone(model).fit(X, y)
    assert_same_model(with_zeros, without, X_all)
