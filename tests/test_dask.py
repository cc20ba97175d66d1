"""entree.dask on dask's synchronous scheduler: the in-memory tree, from partitions.

The cluster tests (distributed scheduler, a killed worker) are in test_dask_cluster.py.
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd
import pytest

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")

from _dask_data import (  # noqa: E402
    FIXED,
    NODE_ARRAYS,
    _split,
    assert_same_tree,
    mixed_frame,
    numeric_frame,
)

from entree import C45Classifier, ID3Classifier, export_text  # noqa: E402
from entree.dask import (  # noqa: E402
    DaskC45Classifier,
    DaskID3Classifier,
    _levelwise,  # noqa: E402
)
from entree.dask._runner import fixed_tree_sum  # noqa: E402


@pytest.fixture(autouse=True)
def synchronous(monkeypatch):
    """The synchronous scheduler; every node grown level-wise unless a test says."""
    monkeypatch.setattr(_levelwise, "LOCAL_ROWS", 0)
    with dask.config.set(scheduler="synchronous"):
        yield


@pytest.mark.parametrize("npartitions", [1, 3, 8])
def test_numeric_tree_equals_in_memory_fit(npartitions):
    frame = numeric_frame()
    X, y, _ = _split(frame)
    reference = C45Classifier(**FIXED).fit(X, y)
    data = dd.from_pandas(frame, npartitions=npartitions)
    Xd, yd, _ = _split(data)
    fitted = DaskC45Classifier(**FIXED).fit(Xd, yd)
    assert reference.tree_.node_count > 20
    assert_same_tree(fitted, reference, Xd, X)
    # the heaviest child of a split came from its parent minus its siblings
    assert sum(r["subtracted"] for r in fitted.level_report_) > 5


def test_unpruned_tree_equals_in_memory_fit():
    frame = numeric_frame(seed=3)
    X, y, _ = _split(frame)
    params = dict(FIXED, pruning=None)
    reference = C45Classifier(**params).fit(X, y)
    Xd, yd, _ = _split(dd.from_pandas(frame, npartitions=4))
    assert_same_tree(DaskC45Classifier(**params).fit(Xd, yd), reference, Xd, X)


def test_uneven_and_empty_partitions():
    frame = numeric_frame(seed=2)
    X, y, _ = _split(frame)
    reference = C45Classifier(**FIXED).fit(X, y)
    pieces = [frame.iloc[:7], frame.iloc[7:7], frame.iloc[7:1500], frame.iloc[1500:]]
    data = dd.concat([dd.from_pandas(p, npartitions=1) for p in pieces])
    assert data.npartitions == 4
    assert [len(p) for p in data.partitions] == [7, 0, 1493, 500]
    Xd, yd, _ = _split(data)
    assert_same_tree(DaskC45Classifier(**FIXED).fit(Xd, yd), reference, Xd, X)


def test_dask_array_input():
    frame = numeric_frame(seed=4)
    X, y, _ = _split(frame)
    X, y = X.to_numpy(), y.to_numpy()
    reference = C45Classifier(**FIXED).fit(X, y)
    Xd = da.from_array(X, chunks=(300, 2))  # column chunks are joined
    yd = da.from_array(y, chunks=300)
    fitted = DaskC45Classifier(**FIXED).fit(Xd, yd)
    assert_same_tree(fitted, reference, Xd, X)
    assert isinstance(fitted.predict(Xd), da.Array)
    np.testing.assert_array_equal(fitted.predict(Xd).compute(), reference.predict(X))


@pytest.mark.parametrize("weights", ["none", "whole", "fractional"])
@pytest.mark.parametrize(
    "classes", [(C45Classifier, DaskC45Classifier), (ID3Classifier, DaskID3Classifier)]
)
def test_nominal_missing_and_weights_equal_in_memory_fit(weights, classes):
    local_class, dask_class = classes
    frame = mixed_frame()
    if weights == "fractional":
        frame["w"] = frame["w"] * 0.37
    X, y, w = _split(frame, weights=weights != "none")
    reference = local_class(**FIXED).fit(X, y, sample_weight=w)
    # the tree has nominal multiway splits and rows spread over branches
    assert (np.diff(reference.tree_.children_ptr) > 2).any()
    assert X.isna().any().any()
    for npartitions in (1, 5):
        data = dd.from_pandas(frame, npartitions=npartitions)
        Xd, yd, wd = _split(data, weights=weights != "none")
        fitted = dask_class(**FIXED).fit(Xd, yd, sample_weight=wd)
        assert_same_tree(fitted, reference, Xd, X)


@pytest.mark.parametrize("weights", ["none", "fractional"])
def test_small_nodes_finished_locally_give_the_same_tree(monkeypatch, weights):
    """Nodes below LOCAL_ROWS instances are grown by the local driver in one task."""
    monkeypatch.setattr(_levelwise, "LOCAL_ROWS", 400)
    frame = mixed_frame(seed=16)
    if weights == "fractional":
        frame["w"] = frame["w"] * 0.37
    X, y, w = _split(frame, weights=weights != "none")
    for local_class, dask_class in (
        (C45Classifier, DaskC45Classifier),
        (ID3Classifier, DaskID3Classifier),
    ):
        reference = local_class(**FIXED).fit(X, y, sample_weight=w)
        Xd, yd, wd = _split(dd.from_pandas(frame, npartitions=3), weights=w is not None)
        fitted = dask_class(**FIXED).fit(Xd, yd, sample_weight=wd)
        finished = sum(r["finished_locally"] for r in fitted.level_report_)
        assert finished > 3
        assert sum(r["splits"] for r in fitted.level_report_) > 3
        assert_same_tree(fitted, reference, Xd, X)


def test_small_nodes_under_max_depth(monkeypatch):
    """A node finished locally grows only as deep as max_depth leaves it."""
    monkeypatch.setattr(_levelwise, "LOCAL_ROWS", 600)
    frame = mixed_frame(seed=20)
    X, y, _ = _split(frame)
    params = dict(FIXED, max_depth=6, pruning=None)
    reference = C45Classifier(**params).fit(X, y)
    Xd, yd, _ = _split(dd.from_pandas(frame, npartitions=2))
    fitted = DaskC45Classifier(**params).fit(Xd, yd)
    assert sum(r["finished_locally"] for r in fitted.level_report_) > 0
    assert fitted.get_depth() == 6
    assert_same_tree(fitted, reference, Xd, X)


def test_small_data_is_grown_in_one_local_task():
    frame = numeric_frame(n=1000, seed=17)
    X, y, _ = _split(frame)
    reference = C45Classifier(**FIXED).fit(X, y)
    Xd, yd, _ = _split(dd.from_pandas(frame, npartitions=3))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_levelwise, "LOCAL_ROWS", 50_000)
        fitted = DaskC45Classifier(**FIXED).fit(Xd, yd)
    assert [r["finished_locally"] for r in fitted.level_report_] == [1]
    assert_same_tree(fitted, reference, Xd, X)


@pytest.mark.parametrize("n_histograms", [1, 3])
def test_histogram_budget_batches_the_frontier(monkeypatch, n_histograms):
    """A budget of n histograms: more batches (and less subtraction), same tree."""
    frame = numeric_frame(seed=19)
    X, y, _ = _split(frame)
    reference = C45Classifier(**FIXED).fit(X, y)
    Xd, yd, _ = _split(dd.from_pandas(frame, npartitions=3))
    # bytes of one histogram: 8 x (bins + missing bin) x 3 classes
    width = 8 * 3 * sum(len(np.unique(X[c])) + 1 for c in X.columns)
    assert y.nunique() == 3
    monkeypatch.setattr(_levelwise, "HIST_BUDGET", n_histograms * width)
    fitted = DaskC45Classifier(**FIXED).fit(Xd, yd)
    assert_same_tree(fitted, reference, Xd, X)
    report = fitted.level_report_
    assert max(r["batches"] for r in report) > 1
    # parents kept for subtraction stay within the budget too
    assert all(r["subtracted"] <= n_histograms for r in report)


def test_class_weight_equals_in_memory_fit():
    frame = mixed_frame(seed=5)
    X, y, _ = _split(frame)
    for class_weight in ("balanced", {0: 2.0, 1: 1.0, 2: 0.5}):
        params = dict(FIXED, class_weight=class_weight)
        reference = C45Classifier(**params).fit(X, y)
        Xd, yd, _ = _split(dd.from_pandas(frame, npartitions=3))
        assert_same_tree(DaskC45Classifier(**params).fit(Xd, yd), reference, Xd, X)


def test_auto_probability_settings_are_the_in_memory_choice():
    """On data below the sample size, "auto" sees every row, as in memory."""
    frame = numeric_frame(n=1200, seed=6)
    X, y, _ = _split(frame)
    reference = C45Classifier().fit(X, y)
    Xd, yd, _ = _split(dd.from_pandas(frame, npartitions=3))
    fitted = DaskC45Classifier().fit(Xd, yd)
    assert fitted.soft_thresholds_ == reference.soft_thresholds_
    assert fitted.smoothing_strength_ == reference.smoothing_strength_
    assert fitted.min_samples_leaf_ == reference.min_samples_leaf_
    assert reference.soft_thresholds_ > 0  # soft bands: sd summed over partitions
    assert_same_tree(fitted, reference, Xd, X)
    np.testing.assert_allclose(
        fitted.tree_.soft_width, reference.tree_.soft_width, rtol=1e-9, atol=1e-12
    )


def test_min_samples_leaf_auto_is_the_in_memory_choice():
    """The CV on the sample picks the minimum before the tree is grown with it."""
    from entree.datasets import load_penguins

    X, y = load_penguins(return_X_y=True, as_frame=True)
    reference = C45Classifier().fit(X, y)
    assert reference.min_samples_leaf_ == 1.0  # not C4.5's 2: the choice is passed on
    Xd = dd.from_pandas(X, npartitions=3)
    yd = dd.from_pandas(pd.Series(y, index=X.index), npartitions=3)
    fitted = DaskC45Classifier().fit(Xd, yd)
    assert fitted.min_samples_leaf_ == 1.0
    assert_same_tree(fitted, reference, Xd, X)


def test_up_to_50000_rows_the_sketch_is_every_row():
    """Past max_bins distinct values, on small data the edges are the in-memory ones."""
    rng = np.random.default_rng(18)
    X = rng.normal(size=(3000, 4))
    y = (X[:, 0] + X[:, 1] ** 2 + rng.normal(scale=0.3, size=3000) > 1).astype(int)
    frame = pd.DataFrame(X, columns=list("abcd")).assign(y=y)
    params = dict(FIXED, max_bins=16)
    reference = C45Classifier(**params).fit(*_split(frame)[:2])
    Xd, yd, _ = _split(dd.from_pandas(frame, npartitions=4))
    fitted = DaskC45Classifier(**params).fit(Xd, yd)
    assert_same_tree(fitted, reference, Xd, _split(frame)[0])


def test_sketched_edges_are_deterministic_and_accurate():
    """Past max_bins distinct values, edges come from a hash sample: any partitioning."""
    rng = np.random.default_rng(7)
    n = 6000
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] + X[:, 1] ** 2 + rng.normal(scale=0.3, size=n) > 1).astype(int)
    frame = pd.DataFrame(X, columns=list("abcd")).assign(y=y)
    train, test = frame.iloc[:4000], frame.iloc[4000:]
    params = dict(FIXED, max_bins=32)
    trees = []
    for npartitions in (1, 3, 7):
        Xd, yd, _ = _split(dd.from_pandas(train, npartitions=npartitions))
        trees.append(DaskC45Classifier(**params).fit(Xd, yd).tree_)
    for tree in trees[1:]:
        for name in NODE_ARRAYS:
            np.testing.assert_array_equal(getattr(tree, name), getattr(trees[0], name))
    Xt, yt, _ = _split(test)
    Xd, yd, _ = _split(dd.from_pandas(train, npartitions=3))
    fitted = DaskC45Classifier(**params).fit(Xd, yd)
    reference = C45Classifier(**params).fit(*_split(train)[:2])
    assert fitted.score(Xt, yt) > reference.score(Xt, yt) - 0.03


def test_predict_is_lazy_on_dask_and_in_memory_otherwise():
    frame = numeric_frame(n=600, seed=8)
    data = dd.from_pandas(frame, npartitions=3)
    Xd, yd, _ = _split(data)
    fitted = DaskC45Classifier(**FIXED).fit(Xd, yd)
    local = fitted.to_local()
    lazy = fitted.predict_proba(Xd)
    assert isinstance(lazy, da.Array)
    assert lazy.numblocks[0] == 3
    X, _, _ = _split(frame)
    np.testing.assert_allclose(lazy.compute(), local.predict_proba(X))
    assert isinstance(fitted.predict(Xd), da.Array)
    np.testing.assert_array_equal(fitted.predict(Xd).compute(), local.predict(X))
    assert isinstance(fitted.predict_proba(X), np.ndarray)
    np.testing.assert_array_equal(fitted.predict(X), local.predict(X))


def test_to_local_is_a_fitted_in_memory_estimator():
    frame = mixed_frame(n=800, seed=9)
    Xd, yd, _ = _split(dd.from_pandas(frame, npartitions=2))
    fitted = DaskC45Classifier(**FIXED, max_depth=3).fit(Xd, yd)
    local = fitted.to_local()
    assert type(local) is C45Classifier
    assert local.get_params()["max_depth"] == 3
    assert list(local.feature_names_in_) == ["a", "b", "c", "d", "e"]
    text = export_text(local)
    assert "c" in text and "|---" in text
    restored = pickle.loads(pickle.dumps(local))
    X, _, _ = _split(frame)
    np.testing.assert_array_equal(restored.predict(X), local.predict(X))
    assert local is not fitted.to_local()  # a copy each time
    assert type(DaskID3Classifier(**FIXED).fit(Xd, yd).to_local()) is ID3Classifier


def test_verbose_reports_each_level(capsys):
    frame = numeric_frame(n=500, seed=10)
    Xd, yd, _ = _split(dd.from_pandas(frame, npartitions=2))
    fitted = DaskC45Classifier(**FIXED, verbose=1).fit(Xd, yd)
    err = capsys.readouterr().err
    levels = [line for line in err.splitlines() if "] level " in line]
    assert len(levels) == len(fitted.level_report_) >= 2
    assert "B to workers" in levels[0] and "B back" in levels[0]
    assert fitted.level_report_[0]["nodes"] == 1
    assert all(r["bytes_from_workers"] > 0 for r in fitted.level_report_[:-1])
    DaskC45Classifier(**FIXED).fit(Xd, yd)
    assert capsys.readouterr().err == ""


def test_fixed_tree_sum_order():
    calls = []

    def add(a, b):
        calls.append((a, b))
        return f"({a}+{b})"

    assert fixed_tree_sum(list("abcde"), add=add) == "(((a+b)+(c+d))+e)"


# -- errors ----------------------------------------------------------------------------


def test_y_not_aligned_with_partitions():
    frame = numeric_frame(n=300)
    Xd, _, _ = _split(dd.from_pandas(frame, npartitions=3))
    other = dd.from_pandas(frame["y"], npartitions=2)
    with pytest.raises(ValueError, match="y has 2 partitions but X has 3"):
        DaskC45Classifier(**FIXED).fit(Xd, other)
    shifted = dd.from_pandas(frame["y"].iloc[:-5], npartitions=1)
    with pytest.raises(ValueError, match="y's partitions .* are not X's"):
        DaskC45Classifier(**FIXED).fit(Xd.repartition(npartitions=1), shifted)
    Xd1 = dd.from_pandas(frame.drop(columns="y"), npartitions=1).clear_divisions()
    with pytest.raises(ValueError, match="y's index does not match X's"):
        DaskC45Classifier(**FIXED).fit(Xd1, shifted.clear_divisions())
    short = da.from_array(frame["y"].to_numpy()[:-5], chunks=-1)
    with pytest.raises(ValueError, match="partition 0: y has 295 rows but X has 300"):
        DaskC45Classifier(**FIXED).fit(Xd1, short)
    Xa = da.from_array(frame.drop(columns="y").to_numpy(), chunks=(100, -1))
    ya = da.from_array(frame["y"].to_numpy(), chunks=150)
    with pytest.raises(ValueError, match="y's chunks .* are not X's row chunks"):
        DaskC45Classifier(**FIXED).fit(Xa, ya)
    with pytest.raises(TypeError, match="y must be a dask Series or dask Array"):
        DaskC45Classifier(**FIXED).fit(Xd, frame["y"].to_numpy())
    wd = dd.from_pandas(frame["y"].astype(float), npartitions=2)
    with pytest.raises(ValueError, match="sample_weight has 2 partitions"):
        DaskC45Classifier(**FIXED).fit(Xd, Xd["f0"] > 0, sample_weight=wd)


def test_parquet_columns_read_apart_are_realigned(tmp_path):
    """dask reads few parquet columns in fewer partitions: X and y are read together."""
    frame = numeric_frame(n=4000, seed=15)
    for i in range(4):
        frame.iloc[i * 1000 : (i + 1) * 1000].to_parquet(tmp_path / f"p{i}.parquet")
    data = dd.read_parquet(tmp_path)
    Xd, yd, _ = _split(data)
    assert len(yd.to_delayed()) < len(Xd.to_delayed())  # what dask does on its own
    X, y, _ = _split(frame)
    reference = C45Classifier(**FIXED).fit(X.reset_index(drop=True), y)
    assert_same_tree(DaskC45Classifier(**FIXED).fit(Xd, yd), reference, Xd, X)


def test_in_memory_x_is_refused():
    frame = numeric_frame(n=100)
    with pytest.raises(TypeError, match="X must be a dask DataFrame or dask Array"):
        DaskC45Classifier().fit(frame.drop(columns="y"), frame["y"])


def test_object_column_that_cannot_be_categorized():
    frame = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0, 4.0], "tags": [["x"], ["y"], ["x"], ["z"]]}
    )
    # dask would turn the lists into text unless told not to convert strings
    with dask.config.set({"dataframe.convert-string": False}):
        data = dd.from_pandas(frame.assign(y=[0, 1, 0, 1]), npartitions=2)
        with pytest.raises(ValueError, match="Column 'tags' holds values that cann"):
            DaskC45Classifier(**FIXED).fit(data[["a", "tags"]], data["y"])


def test_bad_weights_and_single_class():
    frame = numeric_frame(n=200)
    data = dd.from_pandas(frame.assign(w=-1.0), npartitions=2)
    Xd, yd, wd = _split(data, weights=True)
    with pytest.raises(ValueError, match="Negative values in data passed to sample"):
        DaskC45Classifier(**FIXED).fit(Xd, yd, sample_weight=wd)
    zero = dd.from_pandas(frame.assign(w=0.0), npartitions=2)
    Xd, yd, wd = _split(zero, weights=True)
    with pytest.raises(ValueError, match="The sample weights sum to zero"):
        DaskC45Classifier(**FIXED).fit(Xd, yd, sample_weight=wd)
    one = dd.from_pandas(frame.assign(y=1), npartitions=2)
    Xd, yd, _ = _split(one)
    with pytest.raises(ValueError, match="only one class: np.int64.1."):
        DaskC45Classifier(**FIXED).fit(Xd, yd)


def test_subtree_raising_is_refused():
    frame = numeric_frame(n=100)
    Xd, yd, _ = _split(dd.from_pandas(frame, npartitions=2))
    with pytest.raises(ValueError, match="subtree_raising=True is not supported"):
        DaskC45Classifier(pruning="error_based", subtree_raising=True).fit(Xd, yd)


def test_parameters_are_validated_as_in_memory():
    frame = numeric_frame(n=100)
    Xd, yd, _ = _split(dd.from_pandas(frame, npartitions=2))
    with pytest.raises(ValueError, match="max_depth"):
        DaskC45Classifier(max_depth=0).fit(Xd, yd)


def test_params_mirror_the_in_memory_twins():
    for dask_class, local_class in (
        (DaskC45Classifier, C45Classifier),
        (DaskID3Classifier, ID3Classifier),
    ):
        params = dask_class().get_params()
        assert params.pop("client") is None and params.pop("verbose") == 0
        assert params == local_class().get_params()
    assert copy.deepcopy(DaskC45Classifier(max_depth=4)).max_depth == 4
