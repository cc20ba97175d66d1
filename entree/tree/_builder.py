"""Grow an entropy tree on binned data: the Python layer over the compiled engine.

The whole depth-first growth runs in one compiled function without the GIL, on
several threads when allowed (:mod:`entree.tree._kernels._grow`): each node owns a
slice of a row-index buffer with a weight per entry, so a row whose split value is
missing can go down every branch with its weight scaled by the branch's share of known
weight (C4.5). Class histograms per (feature, bin) are built once per node
(:mod:`~entree.tree._kernels._histogram`), or obtained for the largest child as parent
minus siblings (histogram subtraction). Every candidate test of every feature is scored
from those histograms in one pass (:mod:`~entree.tree._kernels._split`).
"""

from __future__ import annotations

import numpy as np

from entree.tree._kernels import _grow
from entree.tree._kernels._histogram import py_build_histogram
from entree.tree._kernels._split import py_choose_split, py_whole_count_tables

# Weights below this are treated as empty (histogram subtraction leaves rounding dust).
WEIGHT_EPS = 1e-9
# C4.5's tolerance in the average-gain filter and in gain comparisons.
C45_EPSILON = 1e-3

# Entries of the c log2 c table: 32 KiB, so lookups stay in the fastest caches.
XLOGX_TABLE_SIZE = 4096

CRITERION_GAIN = 0
CRITERION_GAIN_RATIO = 1

# Bytes of the histograms kept for subtraction (parent minus siblings); at least four
# histograms are kept whatever their size. Past it the largest child is counted
# directly, which gives the same tree for whole weights.
HIST_BUDGET = 64 << 20


def _effective_n_threads():
    """Threads the kernels may use: OpenMP's default, within threadpoolctl's limits."""
    try:
        from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
    except ImportError:  # a future sklearn without the helper: one thread is safe
        return 1
    return int(_openmp_effective_n_threads())


def _codes_array(codes):
    codes = np.asarray(codes)
    if codes.dtype not in (np.uint8, np.uint16):
        codes = codes.astype(np.uint16)
    return np.ascontiguousarray(codes)


def grow_tree(
    codes,
    y,
    sample_weight,
    n_bins,
    is_nominal,
    n_classes,
    criterion,
    min_cases,
    min_samples_split,
    max_depth,
    min_gain,
    mdl,
    *,
    n_threads=None,
    hist_budget=HIST_BUDGET,
):
    """Grow the tree depth-first; returns the node arrays (see Tree).

    (feature, cut_lo, cut_hi, first_child, n_children, branch_code, branch_weight,
    value, n_rows, depth, gain, split_info). ``n_threads`` threads (default: as many
    as OpenMP and threadpoolctl allow) count the histograms of large nodes and grow
    the smaller subtrees in parallel; the tree does not depend on it.
    ``hist_budget`` bounds the bytes of the histograms kept for subtraction.
    """
    if n_threads is None:
        n_threads = _effective_n_threads()
    return _grow.grow_tree(
        _codes_array(codes),
        np.ascontiguousarray(y, dtype=np.int64),
        np.ascontiguousarray(sample_weight, dtype=np.float64),
        np.ascontiguousarray(n_bins, dtype=np.int64),
        np.ascontiguousarray(is_nominal, dtype=np.uint8),
        int(n_classes),
        int(criterion),
        float(min_cases),
        float(min_samples_split),
        int(max_depth),
        float(min_gain),
        bool(mdl),
        max(int(n_threads), 1),
        int(hist_budget),
    )


def _layout(n_bins, n_classes):
    """Offsets of each feature's bins and bitmap words, and the histogram size."""
    n_bins = np.asarray(n_bins, dtype=np.int64)
    bin_offset = np.zeros(n_bins.shape[0] + 1, dtype=np.int64)
    word_offset = np.zeros(n_bins.shape[0] + 1, dtype=np.int64)
    np.cumsum(n_bins + 1, out=bin_offset[1:])
    np.cumsum((n_bins + 64) >> 6, out=word_offset[1:])
    return bin_offset, word_offset, int(bin_offset[-1]) * (n_classes + 1)


def _xlog2x_table(n):
    """c log2 c for whole c in [0, n + 2): most counts are whole when unweighted."""
    table = np.zeros(min(n + 2, XLOGX_TABLE_SIZE))
    whole = np.arange(2, table.shape[0], dtype=np.float64)
    table[2:] = whole * np.log2(whole)
    return table


def has_whole_weights(weights):
    """True when every weight is a whole number >= 1 (e.g. no sample weights)."""
    weights = np.asarray(weights, dtype=np.float64)
    return bool(np.all((weights >= 1.0) & (weights == np.floor(weights))))


def score_features(
    codes,
    y,
    rows,
    row_weight,
    n_bins,
    is_nominal,
    n_classes,
    criterion,
    min_cases,
    mdl,
    min_gain,
):
    """Score every feature's best test over the given rows, as the builder does.

    Returns (chosen feature or -1, selection gains, gains, split infos, cut_lo,
    cut_hi, histogram, bin_offset); used to show a node's candidate tests.
    """
    codes = _codes_array(codes)
    y = np.ascontiguousarray(y, dtype=np.int64)
    rows = np.ascontiguousarray(rows, dtype=np.int32)
    row_weight = np.ascontiguousarray(row_weight, dtype=np.float64)
    n_bins = np.ascontiguousarray(n_bins, dtype=np.int64)
    bin_offset, word_offset, hist_size = _layout(n_bins, n_classes)
    n_features = n_bins.shape[0]
    hist = np.zeros(hist_size)
    bits = np.zeros(word_offset[n_features], dtype=np.uint64)
    bin_class = np.zeros(bin_offset[n_features], dtype=np.int32)
    use_bits = py_build_histogram(
        codes,
        y,
        rows,
        row_weight,
        0,
        rows.shape[0],
        bin_offset,
        n_classes,
        hist,
        bits,
        word_offset,
        bin_class,
    )
    node_value = np.bincount(y[rows], weights=row_weight, minlength=n_classes)
    node_value = node_value.astype(np.float64)
    node_total = float(node_value.sum())
    table = _xlog2x_table(int(row_weight.sum()))
    pair = np.empty(table.shape[0] + n_classes)
    pair_offset = np.empty(n_classes, dtype=np.int64)
    total_pair = np.empty(table.shape[0])
    whole = bool(
        has_whole_weights(row_weight)
        and not (codes[rows] == n_bins).any()
        and py_whole_count_tables(
            node_value, node_total, table, pair, pair_offset, total_pair
        )
    )
    out = [np.empty(n_features) for _ in range(3)]
    lows = np.empty(n_features, dtype=np.int64)
    highs = np.empty(n_features, dtype=np.int64)
    chosen, *_ = py_choose_split(
        hist,
        bin_offset,
        word_offset,
        n_bins,
        np.ascontiguousarray(is_nominal, dtype=np.uint8),
        n_classes,
        node_value,
        node_total,
        int(criterion),
        float(min_cases),
        bool(mdl),
        float(min_gain),
        table,
        whole,
        pair,
        pair_offset,
        total_pair,
        bits,
        bool(use_bits),
        bin_class,
        out[0],
        out[1],
        out[2],
        lows,
        highs,
    )
    return chosen, out[0], out[1], out[2], lows, highs, hist, bin_offset
