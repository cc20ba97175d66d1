"""The compiled engine: binning, histograms and the builder's bookkeeping."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from entree import C45Classifier, ID3Classifier
from entree.tree._binning import codes_for, fit_bins
from entree.tree._builder import _layout, _xlog2x_table, grow_tree
from entree.tree._kernels import _histogram, _split


@settings(max_examples=60, deadline=None)
@given(
    edges=st.lists(st.floats(-1e6, 1e6), min_size=0, max_size=300, unique=True),
    values=st.lists(st.floats(-2e6, 2e6), min_size=1, max_size=200),
)
def test_bin_codes_match_searchsorted(edges, values):
    edges = np.sort(np.array(edges, dtype=np.float64))
    column = np.array(values + [np.nan], dtype=np.float64)
    out = codes_for(column, edges)
    expected = np.searchsorted(edges, column)
    expected[-1] = edges.shape[0] + 1  # the missing code
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize(
    "edges, values",
    [
        # two edges within rounding of the grid's top bound
        ([-1.0, 0.0, 3.704478754706731e-28], [2.9857426579181735e-242]),
        # a subnormal span: no grid (its scale would overflow)
        ([0.0, 5e-324, 1e-323, 1.5e-323], [5e-324, 1e-323, 1.4e-323, 2e-323]),
        # edges one or two ulps apart, far from the first
        (
            [
                -2.0,
                1.0000000000000004,
                1.0000000000000007,
                1.0000000000000009,
                1.000000000000001,
            ],
            [1.000000000000001, 1.0000000000000009, 0.5],
        ),
    ],
)
def test_bin_codes_match_searchsorted_when_edges_are_ulps_apart(edges, values):
    edges = np.array(edges)
    column = np.array(values)
    np.testing.assert_array_equal(
        codes_for(column, edges), np.searchsorted(edges, column)
    )


def test_exact_bins_when_few_distinct_values_and_quantiles_otherwise():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 7, 1000).astype(float), rng.normal(size=1000)])
    X[::50, 0] = np.nan
    codes, bins = fit_bins(X, np.array([False, False]), [None, None], max_bins=255)
    assert bins.n_bins[0] == 7  # one bin per distinct value
    assert (codes[::50, 0] == 7).all()  # missing code
    assert bins.n_bins[1] == 255
    # every bin's raw range lies below the next bin's
    assert (bins.bin_max[1][:-1] < bins.bin_min[1][1:]).all()


def test_sparse_and_dense_histograms_agree_and_bitmap_lists_every_bin():
    rng = np.random.default_rng(1)
    n, n_features, n_classes = 400, 3, 3
    n_bins = np.array([40, 5, 300])
    codes = np.column_stack([rng.integers(0, nb + 1, n) for nb in n_bins]).astype(
        np.uint16
    )
    y = rng.integers(0, n_classes, n).astype(np.intp)
    weights = rng.random(n)
    bin_offset, word_offset, size = _layout(n_bins, n_classes)
    totals = bin_offset[-1] * n_classes
    for n_rows in (5, n):  # a small node (bitmap) and a large one (dense path)
        rows = np.arange(n_rows, dtype=np.int32)
        hist = np.zeros(size)
        bits = np.zeros(word_offset[-1], dtype=np.uint64)
        bin_class = np.full(bin_offset[-1], -1, dtype=np.int32)
        used_bits = _histogram.py_build_histogram(
            codes,
            y,
            rows,
            weights,
            0,
            n_rows,
            bin_offset,
            n_classes,
            hist,
            bits,
            word_offset,
            bin_class,
        )
        assert used_bits == (n_rows * n_features <= bin_offset[-1])
        if used_bits:  # the class of a bin that holds one row is noted
            for f in range(n_features):
                for r in range(n_rows):
                    b = bin_offset[f] + codes[r, f]
                    if (bin_offset[f] + codes[:n_rows, f] == b).sum() == 1:
                        assert bin_class[b] == y[r]
        for f in range(n_features):
            expected = np.zeros((n_bins[f] + 1, n_classes))
            np.add.at(
                expected, (codes[:n_rows, f].astype(int), y[:n_rows]), weights[:n_rows]
            )
            got = hist[bin_offset[f] * n_classes : bin_offset[f + 1] * n_classes]
            np.testing.assert_allclose(got.reshape(-1, n_classes), expected)
            np.testing.assert_allclose(
                hist[totals + bin_offset[f] : totals + bin_offset[f + 1]],
                expected.sum(axis=1),
            )
            present = np.empty(n_bins[f] + 1, dtype=np.int64)
            count = _split.py_present_bins(
                hist,
                totals,
                bin_offset[f],
                n_bins[f],
                bits,
                word_offset[f],
                used_bits,
                present,
            )
            nonempty = np.flatnonzero(expected[: n_bins[f]].sum(axis=1) > 0)
            np.testing.assert_array_equal(present[:count], nonempty)


@pytest.mark.parametrize("n_rows", [6, 40, 400, 1300])
def test_whole_count_scorer_agrees_with_the_general_one(n_rows):
    # The table-lookup path for whole counts must pick the same cut with the same
    # gain, split info and MDL-corrected selection gain as the general scorer.
    rng = np.random.default_rng(n_rows)
    n_classes, nb = 4, 60
    n_bins = np.array([nb])
    bin_offset, word_offset, size = _layout(n_bins, n_classes)
    totals = bin_offset[-1] * n_classes
    for trial in range(25):
        codes = rng.integers(0, rng.integers(2, nb + 1), (n_rows, 1)).astype(np.uint8)
        y = np.minimum(codes[:, 0] // 15 + rng.integers(0, 2, n_rows), 3).astype(
            np.intp
        )
        weights = (
            rng.integers(1, 4, n_rows).astype(float) if trial % 2 else np.ones(n_rows)
        )
        rows = np.arange(n_rows, dtype=np.int32)
        hist = np.zeros(size)
        bits = np.zeros(word_offset[-1], dtype=np.uint64)
        bin_class = np.zeros(bin_offset[-1], dtype=np.int32)
        used_bits = _histogram.py_build_histogram(
            codes, y, rows, weights, 0, n_rows, bin_offset, n_classes, hist, bits,
            word_offset, bin_class,
        )  # fmt: skip
        present = np.empty(nb + 1, dtype=np.int64)
        n_present = _split.py_present_bins(
            hist, totals, 0, nb, bits, word_offset[0], used_bits, present
        )
        value = np.bincount(y, weights=weights, minlength=n_classes)
        total = float(value.sum())
        table = _xlog2x_table(int(total))
        pair = np.empty(table.shape[0] + n_classes)
        offset = np.empty(n_classes, dtype=np.int64)
        total_pair = np.empty(table.shape[0])
        assert _split.py_whole_count_tables(
            value, total, table, pair, offset, total_pair
        )
        for min_cases in (1.0, 2.0, 5.0):
            general = _split.py_score_feature(
                hist, totals, 0, nb, False, n_classes, value, total, min_cases, True,
                np.empty(n_classes), np.empty(n_classes), table, present, n_present,
            )  # fmt: skip
            whole = _split.py_score_numeric_whole(
                hist, totals, 0, n_classes, value, total, min_cases, True, table,
                present, n_present, pair, offset, total_pair,
                np.empty(n_classes, dtype=np.int64), bin_class, used_bits,
            )  # fmt: skip
            assert whole[3:] == general[3:]
            np.testing.assert_allclose(whole[:3], general[:3], rtol=1e-9, atol=1e-12)


def test_whole_count_tables_refuse_fractional_counts_and_large_nodes():
    table = _xlog2x_table(100)
    pair, offset, total_pair = np.empty(110), np.empty(2, np.int64), np.empty(102)
    assert not _split.py_whole_count_tables(
        np.array([2.5, 3.0]), 5.5, table, pair, offset, total_pair
    )
    assert not _split.py_whole_count_tables(
        np.array([60.0, 60.0]), 120.0, table, pair, offset, total_pair
    )
    assert _split.py_whole_count_tables(
        np.array([6.0, 3.0]), 9.0, table, pair, offset, total_pair
    )
    np.testing.assert_allclose(total_pair[:10], table[:10] + table[9::-1])


@pytest.mark.parametrize("Model", [C45Classifier, ID3Classifier])
def test_children_counts_add_up_to_the_parent_with_missing_values(Model):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(3000, 6))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    X[rng.random(X.shape) < 0.2] = np.nan
    tree = Model().fit(X, y).tree_
    for node in np.flatnonzero(~tree.is_leaf):
        kids = tree.children_of(node)
        np.testing.assert_allclose(
            tree.value[kids].sum(axis=0), tree.value[node], rtol=1e-9, atol=1e-9
        )
        assert tree.branch_weight[kids].sum() == pytest.approx(1.0)
    assert (tree.value >= 0).all()
    assert (np.diff(tree.children_ptr) >= 0).all()
    assert (
        tree.children
        > np.repeat(np.arange(tree.node_count), np.diff(tree.children_ptr))
    ).all()


def test_histogram_subtraction_gives_the_same_tree_as_direct_counting():
    # a large data set exercises subtraction; the same rows as a weighted sample
    # of a small one exercise direct counting: the trees must agree
    rng = np.random.default_rng(3)
    base = np.round(rng.normal(size=(300, 4)), 1)
    y = (base[:, 0] > 0).astype(int) + (base[:, 1] > 0.5)
    repeats = 40
    big = C45Classifier(pruning=None).fit(
        np.repeat(base, repeats, axis=0), np.repeat(y, repeats)
    )
    small = C45Classifier(pruning=None).fit(
        base, y, sample_weight=np.full(300, repeats)
    )
    np.testing.assert_array_equal(big.tree_.feature, small.tree_.feature)
    np.testing.assert_array_equal(big.tree_.threshold, small.tree_.threshold)
    # weights are relative: uniform weights count one case per row
    np.testing.assert_allclose(big.tree_.value, repeats * small.tree_.value)


def test_prefetched_rows_at_the_end_of_the_data_count_as_the_rest():
    # The histogram asks for the codes and label of a row a few entries ahead; on a
    # node whose rows are the data's last ones, or fewer than that distance, the
    # counts must still be exactly numpy's.
    rng = np.random.default_rng(11)
    n, n_classes = 50, 3
    n_bins = np.array([4, 7])
    codes = np.column_stack([rng.integers(0, nb + 1, n) for nb in n_bins])
    codes = np.ascontiguousarray(codes, dtype=np.uint8)
    labels = rng.integers(0, n_classes, n).astype(np.intp)
    bin_offset, word_offset, size = _layout(n_bins, n_classes)
    for rows in (np.arange(n - 20, n), np.array([n - 1, 0, n - 2]), np.arange(n)):
        rows = rows.astype(np.int32)
        hist = np.zeros(size)
        _histogram.py_build_histogram(
            codes, labels, rows, np.ones(rows.shape[0]), 0, rows.shape[0],
            bin_offset, n_classes, hist, np.zeros(word_offset[-1], dtype=np.uint64),
            word_offset, np.zeros(bin_offset[-1], dtype=np.int32),
        )  # fmt: skip
        for f in range(2):
            expected = np.zeros((n_bins[f] + 1, n_classes))
            np.add.at(expected, (codes[rows, f].astype(int), labels[rows]), 1.0)
            got = hist[bin_offset[f] * n_classes : bin_offset[f + 1] * n_classes]
            np.testing.assert_array_equal(got.reshape(-1, n_classes), expected)


def test_codes_take_one_byte_when_they_fit_and_the_tree_does_not_depend_on_it():
    rng = np.random.default_rng(5)
    X = np.column_stack([rng.normal(size=2000), rng.integers(0, 9, 2000)]).astype(float)
    X[::7, 0] = np.nan
    y = ((X[:, 0] > 0.3) ^ (X[:, 1] > 4)).astype(np.intp)
    nominal = np.array([False, False])
    codes, bins = fit_bins(X, nominal, [None, None], max_bins=255)
    assert codes.dtype == np.uint8 and bins.n_bins[0] == 255
    wide, wide_bins = fit_bins(X, nominal, [None, None], max_bins=400)
    assert wide.dtype == np.uint16 and wide_bins.n_bins[0] == 400
    args = (np.ones(2000), bins.n_bins, nominal, 2, 1, 2.0, 2.0, -1, 0.0, True)
    narrow_tree = grow_tree(codes, y, *args)
    same_codes_tree = grow_tree(codes.astype(np.uint16), y, *args)
    for a, b in zip(narrow_tree, same_codes_tree):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("Model", [C45Classifier, ID3Classifier])
def test_zero_weight_rows_of_a_category_without_a_branch_change_nothing(Model):
    # The zero-weight rows hold a category no weighted row has, so no branch takes it
    # at a split on that column; they must be routed like missing values (weight 0)
    # and leave the weighted tree exactly as it is without them.
    import pandas as pd

    rng = np.random.default_rng(7)
    n = 400
    colour = rng.choice(["red", "green", "blue"], n)
    size = rng.normal(size=n)
    y = np.where(colour == "red", 0, np.where(size > 0, 1, 2))
    extra = 60
    X_all = pd.DataFrame(
        {
            "colour": pd.Categorical(
                np.r_[colour, ["violet"] * extra],
                categories=["blue", "green", "red", "violet"],
            ),
            "size": np.r_[size, rng.normal(size=extra)],
        }
    )
    y_all = np.r_[y, rng.integers(0, 3, extra)]
    weights = np.r_[np.ones(n), np.zeros(extra)]
    params = dict(soft_thresholds=0.0, smoothing_strength=1.0)
    with_zero = Model(**params).fit(X_all, y_all, sample_weight=weights)
    without = Model(**params).fit(X_all.iloc[:n], y)
    np.testing.assert_array_equal(with_zero.tree_.feature, without.tree_.feature)
    np.testing.assert_allclose(with_zero.tree_.value, without.tree_.value)
    np.testing.assert_allclose(
        with_zero.predict_proba(X_all), without.predict_proba(X_all)
    )


@pytest.mark.parametrize("n_threads", [1, 2])
def test_ctrl_c_stops_a_long_growth_promptly(n_threads):
    # The builder runs without the GIL; it must still look for Ctrl-C every few
    # milliseconds and hand the KeyboardInterrupt on (freeing its buffers).
    import _thread
    import threading
    import time

    rng = np.random.default_rng(13)
    n, n_features = 400_000, 30
    codes = rng.integers(0, 255, (n, n_features), dtype=np.uint8)
    y = rng.integers(0, 10, n).astype(np.intp)  # noise: a huge tree, seconds to grow
    n_bins = np.full(n_features, 255)
    nominal = np.zeros(n_features, dtype=bool)
    args = (np.ones(n), n_bins, nominal, 10, 1, 2.0, 2.0, -1, 0.0, True)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    start = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            grow_tree(codes, y, *args, n_threads=n_threads)
        elapsed = time.perf_counter() - start
    finally:
        timer.cancel()
    assert elapsed < 1.5
    # and the builder still works afterwards
    small = grow_tree(codes[:2000], y[:2000], np.ones(2000), *args[1:])
    assert small[0].shape[0] > 1


def _grow_args(n=30_000, n_features=20, n_classes=4, seed=17, missing=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(int) + (X[:, 3] > 1) * 2
    y = np.minimum(y, n_classes - 1).astype(np.intp)
    X[rng.random(X.shape) < missing] = np.nan
    nominal = np.zeros(n_features, dtype=bool)
    codes, bins = fit_bins(X, nominal, [None] * n_features, max_bins=255)
    weights = rng.integers(1, 3, n).astype(float) if missing else np.ones(n)
    return (codes, y, weights, bins.n_bins, nominal, n_classes, 1, 2.0, 2.0, -1, 0.0)


@pytest.mark.parametrize("missing", [0.0, 0.1])
@pytest.mark.parametrize("hist_budget", [64 << 20, 0])
def test_the_tree_does_not_depend_on_the_thread_count(missing, hist_budget):
    # Two threads count large histograms by blocks of features and grow subtrees
    # in parallel; the nodes, their numbering and every float must be the same,
    # also with fractional weights and a full subtraction pool (where the order
    # of the subtraction decisions shows in the last bits of the counts).
    from threadpoolctl import threadpool_limits

    args = _grow_args(missing=missing)
    with threadpool_limits(1):
        one = grow_tree(*args, True, hist_budget=hist_budget)
    two = grow_tree(*args, True, n_threads=2, hist_budget=hist_budget)
    with threadpool_limits(2):
        default = grow_tree(*args, True, hist_budget=hist_budget)
    for a, b, c in zip(one, two, default):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("missing", [0.0, 0.1])
def test_many_small_parallel_subtrees_are_numbered_as_in_serial_order(missing):
    # whole counts (missing=0): a deferred remainder counts its own histogram;
    # fractional ones: it waits with a copy of the serial order's histogram
    from entree.tree._kernels import _grow

    codes, y, weights, n_bins, nominal, *rest = _grow_args(n=8000, missing=missing)
    args = (codes, y.astype(np.int64), weights, n_bins.astype(np.int64),
            nominal.astype(np.uint8), *rest, True)  # fmt: skip
    serial = _grow.grow_tree(*args, 1, 0)
    for task_rows in (64, 300, 5000):
        parallel = _grow.grow_tree(*args, 2, 0, 200_000, 200_000, task_rows)
        for a, b in zip(serial, parallel):
            np.testing.assert_array_equal(a, b)


def test_a_full_subtraction_pool_gives_the_same_tree_for_whole_weights():
    # With no room for remainders every child is counted directly; with whole
    # weights the counts are exact either way, so the tree is the same.
    args = _grow_args(n=20_000)
    roomy = grow_tree(*args, True, hist_budget=1 << 30)
    tight = grow_tree(*args, True, hist_budget=0)  # four histograms
    assert roomy[9].max() > 8  # deeper than the pool
    for a, b in zip(roomy, tight):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "code, label", [(5, 0), (1, 2), (1, -1)], ids=["code", "label", "negative"]
)
def test_the_builder_refuses_codes_and_labels_out_of_range(code, label):
    # The kernels index histograms by code and label without bounds checks.
    codes = np.array([[1], [code]], dtype=np.uint8)
    y = np.array([0, label])
    args = (np.ones(2), np.array([3]), np.zeros(1, bool), 2, 1, 2.0, 2.0, -1, 0.0)
    with pytest.raises(ValueError, match="past its feature's missing code"):
        grow_tree(codes, y, *args, True)


def _binning_data(n=3000):
    # numeric columns with quantile bins, exact bins (0.0 and -0.0 both present, the
    # first -0.0 after the first 0.0 in some blocks and before it in others), missing
    # values, and a nominal column
    rng = np.random.default_rng(11)
    X = np.column_stack(
        [
            rng.normal(size=n),
            np.round(rng.normal(size=n), 1),
            rng.integers(0, 5, n).astype(float),
            rng.integers(0, 40, n).astype(float),
        ]
    )
    X[rng.random(n) < 0.5, 1] *= -1.0
    X[X[:, 1] == 0.0, 1] = np.where(
        rng.random(int((X[:, 1] == 0).sum())) < 0.3, -0.0, 0.0
    )
    X[rng.random(n) < 0.1, 0] = np.nan
    X[rng.random(n) < 0.1, 3] = np.nan
    return X, np.array([False, False, False, True]), [None, None, None, np.arange(40)]


@pytest.mark.parametrize("block_rows", [1, 7, 500, 1 << 14])
@pytest.mark.parametrize("n_threads", [2, 3])
def test_bins_do_not_depend_on_the_thread_count(monkeypatch, block_rows, n_threads):
    # Blocks of rows are binned in parallel; codes, edges, bin counts and every
    # bin's raw minimum and maximum (down to the sign of a zero) must be the serial
    # ones, whatever order the blocks run in.
    from entree.tree import _binning

    X, nominal, categories = _binning_data()
    edges = {}

    def record_edges(*args):
        edges[len(edges)] = (args[2].copy(), args[4].copy())
        return kernel(*args)

    kernel = _binning._bin_rows_kernel
    results = []
    for threads in (1, n_threads):
        monkeypatch.setattr(_binning, "_effective_n_threads", lambda t=threads: t)
        monkeypatch.setattr(_binning, "_PARALLEL_MIN_VALUES", 0)
        monkeypatch.setattr(_binning, "_BLOCK_ROWS", block_rows)
        monkeypatch.setattr(_binning, "_bin_rows_kernel", record_edges)
        for max_bins in (16, 255):
            results.append(fit_bins(X, nominal, categories, max_bins))
    half = len(results) // 2
    for (codes, bins), (codes2, bins2) in zip(results[:half], results[half:]):
        assert codes.tobytes() == codes2.tobytes()
        np.testing.assert_array_equal(bins.n_bins, bins2.n_bins)
        for a, b in zip(bins.bin_min + bins.bin_max, bins2.bin_min + bins2.bin_max):
            assert a.tobytes() == b.tobytes()  # bitwise: -0.0 differs from 0.0
    runs = list(edges.values())
    for (e1, x1), (e2, x2) in zip(runs[: len(runs) // 2], runs[len(runs) // 2 :]):
        assert e1.tobytes() == e2.tobytes() and x1.tobytes() == x2.tobytes()
    # the zero bin keeps the sign of the first zero of its column
    zeros = X[:, 1] == 0.0
    first_zero = X[np.flatnonzero(zeros)[0], 1]
    codes, bins = results[-1]
    at = codes[zeros, 1][0]
    assert np.signbit(bins.bin_min[1][at]) == np.signbit(first_zero)
    assert np.signbit(bins.bin_max[1][at]) == np.signbit(first_zero)


@pytest.mark.parametrize("n_threads", [1, 2])
def test_infinity_is_found_in_any_block(n_threads, monkeypatch):
    from entree.tree import _binning

    monkeypatch.setattr(_binning, "_effective_n_threads", lambda: n_threads)
    monkeypatch.setattr(_binning, "_PARALLEL_MIN_VALUES", 0)
    X = np.zeros((40_000, 3))
    X[5, 1] = np.nan
    assert not _binning.has_infinity(X)
    for row in (0, 16_383, 16_384, 39_999):
        for value in (np.inf, -np.inf):
            X[row, 2] = value
            assert _binning.has_infinity(X)
            assert _binning.has_infinity(np.asfortranarray(X))
            X[row, 2] = 0.0


def test_a_bin_keeps_the_sign_of_its_first_zero_whichever_thread_bins_it(monkeypatch):
    # -0.0 == 0.0: of equal extremes a bin keeps the earliest row's, as one serial
    # pass does, although the threads take the blocks (one row each here) from the
    # last, and bin later +0.0s before the first zero, a -0.0
    from entree.tree import _binning

    monkeypatch.setattr(_binning, "_effective_n_threads", lambda: 2)
    monkeypatch.setattr(_binning, "_PARALLEL_MIN_VALUES", 0)
    monkeypatch.setattr(_binning, "_BLOCK_ROWS", 1)
    X = np.ones((60_000, 1))
    X[30_000, 0] = -0.0
    X[30_001::2, 0] = 0.0
    for _ in range(10):
        codes, bins = fit_bins(X, np.array([False]), [None], max_bins=255)
        assert bins.n_bins[0] == 2 and codes[30_000, 0] == 0
        assert np.signbit(bins.bin_min[0][0]) and np.signbit(bins.bin_max[0][0])


def test_cv_folds_are_the_same_for_any_thread_count(monkeypatch):
    # rows are hashed in parallel; the folds (a function of the rows' content) must
    # not depend on how the rows were shared out
    from entree.tree import _binning
    from entree.tree._soft import fold_ids

    rng = np.random.default_rng(3)
    X = rng.normal(size=(30_000, 6))
    X[::7, 2] = np.nan
    X[::5, 4] = -0.0
    X[1::5, 4] = 0.0
    y = rng.integers(0, 3, size=X.shape[0])
    weights = np.ones(X.shape[0])
    monkeypatch.setattr(_binning, "_PARALLEL_MIN_VALUES", 0)
    runs = []
    for threads in (1, 2, 3):
        monkeypatch.setattr(_binning, "_effective_n_threads", lambda t=threads: t)
        runs.append(fold_ids(X, y, weights, k=5, max_rows=4000))
    assert (runs[0] >= 0).sum() >= 4000
    for other in runs[1:]:
        np.testing.assert_array_equal(runs[0], other)
    # -0.0 and 0.0 hash alike: rows equal but for the zero's sign share a fold
    twins = np.vstack([X[:5], X[:5]])
    twins[5:, 4] = np.where(twins[:5, 4] == 0, 0.0, twins[:5, 4])
    folds = fold_ids(twins, np.r_[y[:5], y[:5]], np.ones(10), k=5, max_rows=4000)
    np.testing.assert_array_equal(folds[:5], folds[5:])
