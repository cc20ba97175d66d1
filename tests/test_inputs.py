"""Everyday inputs (issue 11): object arrays, polars, sparse matrices, zero weights,
pipelines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import BaggingClassifier
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from entree import C45Classifier, ID3Classifier
from entree.datasets import load_penguins

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


def penguins_frame():
    X, y = load_penguins(return_X_y=True, as_frame=True)
    X = X.assign(heavy=X["body_mass_g"] > 4000)  # a bool column too
    return X, np.asarray(y)


@pytest.mark.parametrize("convert", ["to_numpy", "tolist"])
def test_object_arrays_with_text_columns_fit_like_the_dataframe(convert):
    X, y = penguins_frame()
    rows = X.to_numpy() if convert == "to_numpy" else X.to_numpy().tolist()
    from_frame = C45Classifier(soft_thresholds=0.0).fit(X, y)
    from_rows = C45Classifier(soft_thresholds=0.0).fit(rows, y)
    np.testing.assert_array_equal(
        from_rows._columns.is_nominal, [True, False, False, False, False, True, True]
    )
    for mine, theirs in zip(
        from_rows._columns.categories, from_frame._columns.categories
    ):
        assert (mine is None) == (theirs is None)
        if mine is not None:
            assert list(mine) == list(theirs)
    for name in ("feature", "threshold", "children", "branch_category", "value"):
        np.testing.assert_array_equal(
            getattr(from_rows.tree_, name), getattr(from_frame.tree_, name)
        )
    np.testing.assert_allclose(
        from_rows.predict_proba(rows), from_frame.predict_proba(X)
    )


@pytest.mark.parametrize("max_features", [1.0, 0.5])
def test_bagging_over_a_frame_with_category_columns(max_features):
    # (without the bool column: sklearn's own check_array in Bagging casts a frame
    # mixing bool and category columns to float and fails)
    X, y = load_penguins(return_X_y=True, as_frame=True)
    bagging = BaggingClassifier(
        C45Classifier(), n_estimators=10, max_features=max_features, random_state=0
    )
    assert cross_val_score(bagging, X, y, cv=3).mean() > 0.9
    proba = bagging.fit(X, y).predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_object_array_columns_without_text_stay_numeric():
    X = np.array([[1, 0.5], [2, np.nan], [3, 1.5], [4, 2.5]] * 5, dtype=object)
    y = np.array([0, 0, 1, 1] * 5)
    model = ID3Classifier().fit(X, y)
    assert not model._columns.is_nominal.any()
    bad = X.copy()
    bad[0, 0] = {"not": "a value"}
    with pytest.raises(TypeError, match="'x0' holds non-numeric values"):
        ID3Classifier().fit(bad, y)


def _with_explicit_zeros(dense, container):
    """A sparse matrix of ``dense`` that also stores about half of its zeros."""
    stored = (dense != 0) | (np.random.default_rng(0).random(dense.shape) < 0.5)
    rows, cols = np.nonzero(stored)
    matrix = container(
        sparse.coo_matrix((dense[rows, cols], (rows, cols)), shape=dense.shape)
    )
    assert (matrix.data == 0).any() and matrix.nnz < dense.size
    return matrix


@pytest.mark.parametrize(
    "container", [sparse.csr_matrix, sparse.csc_matrix, sparse.csr_array]
)
def test_sparse_input_equals_dense_and_zeros_are_values(container):
    X, y = make_classification(400, n_features=6, random_state=0)
    X[np.abs(X) < 0.7] = 0.0  # about half the entries are zeros
    X_sparse = _with_explicit_zeros(X, container)
    dense = C45Classifier().fit(X, y)
    from_sparse = C45Classifier().fit(X_sparse, y)
    assert_same_model(from_sparse, dense, X)
    np.testing.assert_array_equal(
        from_sparse.predict_proba(X_sparse), dense.predict_proba(X)
    )
    # zeros are values: a row of zeros goes down one path, as in the dense tree
    zeros = sparse.csr_matrix((1, 6))
    np.testing.assert_array_equal(
        from_sparse.apply(zeros), dense.apply(np.zeros((1, 6)))
    )


def test_one_hot_encoder_sparse_output_in_a_pipeline():
    X, y = load_penguins(return_X_y=True, as_frame=True)
    nominal = X[["island", "sex"]].astype(object)
    sparse_pipe = make_pipeline(OneHotEncoder(), C45Classifier(soft_thresholds=0.0))
    dense_pipe = make_pipeline(
        OneHotEncoder(sparse_output=False), C45Classifier(soft_thresholds=0.0)
    )
    sparse_pipe.fit(nominal, y)
    assert sparse.issparse(sparse_pipe[0].transform(nominal))
    dense_pipe.fit(nominal, y)
    np.testing.assert_array_equal(
        sparse_pipe.predict_proba(nominal), dense_pipe.predict_proba(nominal)
    )
    assert sparse_pipe.score(nominal, y) > 0.7


def test_polars_frames_are_nominal_like_pandas():
    pl = pytest.importorskip("polars")
    X, y = load_penguins(return_X_y=True, as_frame=True)
    island = X["island"].astype(object).where(X["island"].notna(), None)
    sex = X["sex"].astype(object).where(X["sex"].notna(), None)
    mass = X["body_mass_g"]
    frame = pl.DataFrame(
        {
            "island": pl.Series(island.tolist(), dtype=pl.String),
            "sex": pl.Series(sex.tolist(), dtype=pl.Categorical),
            "size": pl.Series(
                np.where(mass > 4500, "big", "small").tolist(),
                dtype=pl.Enum(["small", "big"]),
            ),
            "heavy": pl.Series((mass > 4000).tolist(), dtype=pl.Boolean),
            "flipper": pl.Series(
                [None if np.isnan(v) else int(v) for v in X["flipper_length_mm"]],
                dtype=pl.Int64,
            ),
            "bill": pl.Series(X["bill_length_mm"].tolist(), dtype=pl.Float64),
        }
    )
    as_pandas = pd.DataFrame(
        {
            "island": island,
            "sex": sex,
            "size": pd.Categorical(
                np.where(mass > 4500, "big", "small"), categories=["small", "big"]
            ),
            "heavy": (mass > 4000).to_numpy(),
            "flipper": X["flipper_length_mm"].to_numpy(),
            "bill": X["bill_length_mm"].to_numpy(),
        }
    )
    from_polars = C45Classifier().fit(frame, y)
    from_pandas = C45Classifier().fit(as_pandas, y)
    np.testing.assert_array_equal(
        from_polars._columns.is_nominal, [True, True, True, True, False, False]
    )
    assert list(from_polars.feature_names_in_) == list(frame.columns)
    for mine, theirs in zip(
        from_polars._columns.categories, from_pandas._columns.categories
    ):
        assert (mine is None and theirs is None) or list(mine) == list(theirs)
    assert_same_model(from_polars, from_pandas, as_pandas)
    np.testing.assert_array_equal(
        from_polars.predict_proba(frame), from_pandas.predict_proba(as_pandas)
    )


@pytest.mark.parametrize(
    "dtype", ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
)
def test_integer_labels_of_every_width_keep_their_values(dtype):
    # labels at both ends of the type's range, where label arithmetic could wrap
    info = np.iinfo(dtype)
    labels = np.array([info.min, info.min + 1, info.max - 1, info.max], dtype=dtype)
    X, y_index = make_classification(
        n_samples=200,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=4,
        n_clusters_per_class=1,
        random_state=0,
    )
    y = labels[y_index]
    model = ID3Classifier().fit(X, y)
    assert model.classes_.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(model.classes_, labels)
    reference = ID3Classifier().fit(X, y_index)
    np.testing.assert_array_equal(model.predict(X), labels[reference.predict(X)])


def test_float_labels_are_still_checked_for_being_classes():
    X = np.arange(20, dtype=float).reshape(10, 2)
    with pytest.raises(ValueError, match="Unknown label type"):
        C45Classifier().fit(X, np.linspace(0, 1, 10))
