"""Grow an entropy tree on binned data: the numba engine.

The whole depth-first growth runs in one compiled function. Each node owns a slice of a
row-index buffer with a weight per entry, so a row whose split value is missing can go
down every branch with its weight scaled by the branch's share of known weight (C4.5).
Class histograms per (feature, bin) are built once per node, or obtained for the largest
child as parent minus siblings (histogram subtraction). Every candidate test of every
feature is scored from those histograms in one pass.
"""

from __future__ import annotations

import numba
import numpy as np

from entree.tree._prefetch import prefetch_row

# Weights below this are treated as empty (histogram subtraction leaves rounding dust).
WEIGHT_EPS = 1e-9
# C4.5's tolerance in the average-gain filter and in gain comparisons.
C45_EPSILON = 1e-3

# How many rows ahead to prefetch a row's codes: building a histogram spends about
# 20 updates per row, counting a branch one.
PREFETCH_BUILD = 8
PREFETCH_COUNT = 32

# Entries of the c log2 c table: 32 KiB, so lookups stay in the fastest caches.
XLOGX_TABLE_SIZE = 4096

CRITERION_GAIN = 0
CRITERION_GAIN_RATIO = 1


@numba.njit(cache=True, inline="always")
def _xlog2x(c, table):
    """c log2 c, from a table when c is a whole number (unweighted counts)."""
    if c <= WEIGHT_EPS:
        return 0.0
    i = np.int64(c)
    if i == c and i < table.shape[0]:
        return table[i]
    return c * np.log2(c)


@numba.njit(cache=True)
def _sum_xlog2x(counts):
    """sum_k c_k log2 c_k over the non-empty entries (so w H = w log2 w - this)."""
    acc = 0.0
    for c in counts:
        if c > WEIGHT_EPS:
            acc += c * np.log2(c)
    return acc


@numba.njit(cache=True)
def _weighted_entropy(counts, total):
    """total * H(counts / total) in bits."""
    if total <= WEIGHT_EPS:
        return 0.0
    return max(total * np.log2(total) - _sum_xlog2x(counts), 0.0)


@numba.njit(cache=True)
def build_histogram(
    codes,
    y,
    rows,
    row_weight,
    start,
    end,
    bin_offset,
    n_classes,
    out,
    bits,
    word_offset,
    bin_class,
):
    """Add weighted class counts per (feature, bin) over rows[start:end] into ``out``.

    ``out`` must be zero where these rows land (see clear_histogram). It holds the
    class weights of every bin, then (from ``bin_offset[-1] * n_classes`` on) each
    bin's total weight, packed so that scans skip empty bins cheaply. For a small
    node ``bits`` (zero on entry) marks the bins touched, one bit per bin, and
    ``bin_class`` the class of the last row put in each touched bin (the class of a
    bin that holds one row, the common case there); returns whether it did.
    """
    n_features = codes.shape[1]
    n_bins_total = bin_offset[n_features]
    totals = n_bins_total * n_classes
    if _is_dense(end - start, n_features, n_bins_total):
        # many rows: count classes only, then total every bin in one pass
        for i in range(start, end):
            if i + PREFETCH_BUILD < end:
                ahead = rows[i + PREFETCH_BUILD]
                prefetch_row(codes, ahead)
                prefetch_row(y, ahead)
            r = rows[i]
            w = row_weight[i]
            k = y[r]
            for f in range(n_features):
                out[(bin_offset[f] + codes[r, f]) * n_classes + k] += w
        for b in range(n_bins_total):
            acc = 0.0
            for k in range(n_classes):
                acc += out[b * n_classes + k]
            out[totals + b] = acc
        return False
    for i in range(start, end):
        if i + PREFETCH_BUILD < end:
            ahead = rows[i + PREFETCH_BUILD]
            prefetch_row(codes, ahead)
            prefetch_row(y, ahead)
        r = rows[i]
        w = row_weight[i]
        k = y[r]
        for f in range(n_features):
            code = np.int64(codes[r, f])
            b = bin_offset[f] + code
            out[b * n_classes + k] += w
            out[totals + b] += w
            bin_class[b] = k
            bits[word_offset[f] + (code >> 6)] |= np.uint64(1) << np.uint64(code & 63)
    return True


@numba.njit(cache=True, inline="always")
def _is_dense(n_rows, n_features, n_bins_total):
    """True when a node's rows touch more histogram cells than the histogram has."""
    return n_rows * n_features > n_bins_total


@numba.njit(cache=True)
def clear_histogram(codes, y, rows, start, end, bin_offset, n_classes, out, bits):
    """Zero what building rows[start:end] wrote (all of it for large nodes)."""
    bits[:] = 0
    n_features = codes.shape[1]
    n_bins_total = bin_offset[n_features]
    if _is_dense(end - start, n_features, n_bins_total):
        out[:] = 0.0
        return
    totals = n_bins_total * n_classes
    for i in range(start, end):
        r = rows[i]
        k = y[r]  # a row only wrote its own class's cell and the bin total
        for f in range(n_features):
            b = bin_offset[f] + codes[r, f]
            out[totals + b] = 0.0
            out[b * n_classes + k] = 0.0


# Bit index of a power of two by de Bruijn multiplication (numba has no ctz).
_DEBRUIJN = np.uint64(0x03F79D71B4CB0A89)
# fmt: off
_DEBRUIJN_INDEX = np.array(
    [0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4, 62, 55, 59, 36, 53,
     51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5, 63, 47, 56, 27, 60, 41, 37, 16, 54,
     35, 52, 21, 44, 32, 23, 11, 46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13,
     8, 7, 6],
    dtype=np.int64,
)
# fmt: on


@numba.njit(cache=True)
def _present_bins(hist, totals, base, nb, bits, word_lo, use_bits, present):
    """Write the non-empty bins of one feature, ascending, into ``present``.

    With ``use_bits`` the node's bitmap of touched bins is walked (cheap on small
    nodes, where most of the bins are empty); otherwise every bin is looked at.
    Returns how many were written. The missing-value bin ``nb`` is left out.
    """
    n = 0
    if use_bits:
        n_words = (nb + 64) >> 6
        for wi in range(n_words):
            word = bits[word_lo + wi]
            while word != 0:
                low = word & (~word + np.uint64(1))
                bit = _DEBRUIJN_INDEX[np.int64((low * _DEBRUIJN) >> np.uint64(58))]
                b = wi * 64 + bit
                word ^= low
                if b < nb and hist[totals + base + b] > WEIGHT_EPS:
                    present[n] = b
                    n += 1
        return n
    for b in range(nb):
        if hist[totals + base + b] > WEIGHT_EPS:
            present[n] = b
            n += 1
    return n


@numba.njit(cache=True)
def _score_feature(
    hist,
    totals,
    base,
    nb,
    nominal,
    n_classes,
    node_value,
    node_total,
    min_cases,
    mdl,
    known,
    left,
    table,
    present,
    n_present,
):
    """Score the best test on one feature from the node's histogram.

    Returns (selection_gain, gain, split_info, cut_lo, cut_hi): selection_gain is the
    gain used to choose the feature (with C4.5's MDL cost on numeric cuts), gain the
    information gain scaled by the known fraction. cut_lo/cut_hi are the last bin of
    the left branch and the first bin of the right one (numeric only). An unusable
    feature gives selection_gain = -inf.
    """
    K = n_classes
    missing_at = (base + nb) * K
    missing_w = hist[totals + base + nb]
    known_w = 0.0
    for k in range(K):
        v = node_value[k] - hist[missing_at + k]
        known[k] = v if v > 0.0 else 0.0
        known_w += known[k]
    total_w = known_w + missing_w
    if known_w < 2.0 * min_cases - 1e-12 or known_w <= WEIGHT_EPS:
        return (-np.inf, 0.0, 0.0, -1, -1)
    known_fraction = known_w / total_w
    known_info = _weighted_entropy(known, known_w)  # known_w * H(known)
    if nominal:
        n_reasonable = 0
        info = 0.0
        split_acc = 0.0
        for idx in range(n_present):
            b = present[idx]
            at = (base + b) * K
            w = hist[totals + base + b]
            if w >= min_cases - 1e-12:
                n_reasonable += 1
            info += max(w * np.log2(w) - _sum_xlog2x(hist[at : at + K]), 0.0)
            split_acc += w * np.log2(w / total_w)
        if n_reasonable < 2:
            return (-np.inf, 0.0, 0.0, -1, -1)
        gain = known_fraction * (known_info - info) / known_w
        split_info = -split_acc / total_w
        if missing_w > WEIGHT_EPS:
            split_info -= (missing_w / total_w) * np.log2(missing_w / total_w)
        return (gain, gain, split_info, -1, -1)
    # Numeric: a binary cut between two non-empty bins, chosen by gain (C4.5).
    min_split = 0.1 * known_w / K
    if min_split < min_cases:
        min_split = min_cases
    elif min_split > 25.0:
        min_split = 25.0
    left[:] = 0.0
    left_w = 0.0
    # sums of c log2 c over the classes of each side, updated as bins move left
    left_sum = 0.0
    right_sum = 0.0
    for k in range(K):
        right_sum += _xlog2x(known[k], table)
    best_info = np.inf
    best_lo = -1
    best_hi = -1
    best_left_w = 0.0
    tries = 0
    prev = -1  # last non-empty bin, already moved to the left side
    for idx in range(n_present):
        b = present[idx]
        w = hist[totals + base + b]
        at = (base + b) * K
        if prev >= 0:
            # candidate cut between bin `prev` (left) and bin b (right)
            right_w = known_w - left_w
            if left_w >= min_split - 1e-12 and right_w >= min_split - 1e-12:
                tries += 1
                info = (
                    _xlog2x(left_w, table)
                    - left_sum
                    + _xlog2x(right_w, table)
                    - right_sum
                )
                if info < best_info - 1e-12:
                    best_info = info
                    best_lo = prev
                    best_hi = b
                    best_left_w = left_w
        for k in range(K):
            c = hist[at + k]
            if c > WEIGHT_EPS:
                lk = left[k]
                rk = known[k] - lk
                left_sum += _xlog2x(lk + c, table) - _xlog2x(lk, table)
                right_sum += _xlog2x(rk - c, table) - _xlog2x(rk, table)
                left[k] = lk + c
        left_w += w
        prev = b
    if tries == 0 or best_lo < 0:
        return (-np.inf, 0.0, 0.0, -1, -1)
    gain = known_fraction * max(known_info - best_info, 0.0) / known_w
    selection = gain
    if mdl:
        selection = gain - np.log2(tries) / total_w
    right_w = known_w - best_left_w
    split_info = (
        -(
            best_left_w * np.log2(best_left_w / total_w)
            + right_w * np.log2(right_w / total_w)
        )
        / total_w
    )
    if missing_w > WEIGHT_EPS:
        split_info -= (missing_w / total_w) * np.log2(missing_w / total_w)
    return (selection, gain, split_info, best_lo, best_hi)


@numba.njit(cache=True)
def whole_count_tables(node_value, node_total, table, pair, pair_offset, total_pair):
    """Tables for scoring a node whose class counts are whole numbers, or False.

    With whole counts (unit or integer weights, no missing values) a numeric cut's
    information is a difference of table lookups: ``total_pair[L] = xlog(L) +
    xlog(n - L)`` for the left weight L, and for class k ``pair[pair_offset[k] + l]
    = xlog(l) + xlog(n_k - l)`` for the class's left count l, so moving counts
    across the cut costs two lookups per class instead of four logarithms.
    """
    n = np.int64(node_total)
    if n != node_total or n + 1 >= table.shape[0]:
        return False
    at = 0
    for k in range(node_value.shape[0]):
        n_k = np.int64(node_value[k])
        if n_k != node_value[k]:
            return False
        pair_offset[k] = at
        for l in range(n_k + 1):
            pair[at + l] = table[l] + table[n_k - l]
        at += n_k + 1
    for l in range(n + 1):
        total_pair[l] = table[l] + table[n - l]
    return True


@numba.njit(cache=True)
def _score_numeric_whole(
    hist,
    totals,
    base,
    n_classes,
    node_value,
    node_total,
    min_cases,
    mdl,
    table,
    present,
    n_present,
    pair,
    pair_offset,
    total_pair,
    left_count,
    bin_class,
    use_class,
):
    """_score_feature for a numeric column at a node with whole counts, no missing.

    Gives the same cut and figures as the general path (up to rounding), by table
    lookups (see whole_count_tables); a bin holding one row moves only its class.
    """
    K = n_classes
    n = np.int64(node_total)
    if node_total < 2.0 * min_cases - 1e-12 or node_total <= WEIGHT_EPS:
        return (-np.inf, 0.0, 0.0, -1, -1)
    min_split = 0.1 * node_total / K
    if min_split < min_cases:
        min_split = min_cases
    elif min_split > 25.0:
        min_split = 25.0
    min_split -= 1e-12
    pair_sum = 0.0  # sum over classes of xlog(left count) + xlog(right count)
    known_info = table[n]
    for k in range(K):
        left_count[k] = 0
        pair_sum += pair[pair_offset[k]]
        known_info -= table[np.int64(node_value[k])]
    left_w = 0
    best_info = np.inf
    best_lo = -1
    best_hi = -1
    best_left_w = 0
    tries = 0
    prev = -1
    for idx in range(n_present):
        b = present[idx]
        if prev >= 0 and left_w >= min_split and n - left_w >= min_split:
            tries += 1
            info = total_pair[left_w] - pair_sum
            if info < best_info - 1e-12:
                best_info = info
                best_lo = prev
                best_hi = b
                best_left_w = left_w
        w = np.int64(hist[totals + base + b])
        if use_class and w == 1:
            k = bin_class[base + b]
            at = pair_offset[k] + left_count[k]
            pair_sum += pair[at + 1] - pair[at]
            left_count[k] += 1
        else:
            at = (base + b) * K
            for k in range(K):
                # no test for an empty class: it adds exactly 0
                c = np.int64(hist[at + k])
                here = pair_offset[k] + left_count[k]
                pair_sum += pair[here + c] - pair[here]
                left_count[k] += c
        left_w += w
        prev = b
    if tries == 0 or best_lo < 0:
        return (-np.inf, 0.0, 0.0, -1, -1)
    gain = max(known_info - best_info, 0.0) / node_total
    selection = gain
    if mdl:
        selection = gain - np.log2(tries) / node_total
    split_info = (table[n] - total_pair[best_left_w]) / node_total
    return (selection, gain, split_info, best_lo, best_hi)


@numba.njit(cache=True)
def _choose_split(
    hist,
    bin_offset,
    n_bins,
    is_nominal,
    n_classes,
    node_value,
    node_total,
    criterion,
    min_cases,
    mdl,
    min_gain,
    work_sel,
    work_gain,
    work_info,
    work_lo,
    work_hi,
    known,
    left,
    table,
    bits,
    word_offset,
    use_bits,
    present,
    whole,
    pair,
    pair_offset,
    total_pair,
    left_count,
    bin_class,
):
    """Pick the feature to split on; returns (feature, gain, split_info, lo, hi).

    ``whole`` says the node's counts are whole numbers with no missing values and
    ``pair``/``pair_offset``/``total_pair`` hold its whole_count_tables.
    """
    n_features = n_bins.shape[0]
    totals = bin_offset[n_features] * n_classes
    n_valid = 0
    gain_sum = 0.0
    for f in range(n_features):
        n_present = _present_bins(
            hist,
            totals,
            bin_offset[f],
            n_bins[f],
            bits,
            word_offset[f],
            use_bits,
            present,
        )
        if whole and not is_nominal[f]:
            s, g, si, lo, hi = _score_numeric_whole(
                hist,
                totals,
                bin_offset[f],
                n_classes,
                node_value,
                node_total,
                min_cases,
                mdl,
                table,
                present,
                n_present,
                pair,
                pair_offset,
                total_pair,
                left_count,
                bin_class,
                use_bits,
            )
        else:
            s, g, si, lo, hi = _score_feature(
                hist,
                totals,
                bin_offset[f],
                n_bins[f],
                is_nominal[f],
                n_classes,
                node_value,
                node_total,
                min_cases,
                mdl,
                known,
                left,
                table,
                present,
                n_present,
            )
        work_sel[f] = s
        work_gain[f] = g
        work_info[f] = si
        work_lo[f] = lo
        work_hi[f] = hi
        if s > min_gain + 1e-12:
            n_valid += 1
            gain_sum += s
    best = -1
    if n_valid == 0:
        return best, 0.0, 0.0, -1, -1
    best_val = -np.inf
    if criterion == CRITERION_GAIN:
        for f in range(n_features):
            if work_sel[f] > min_gain + 1e-12 and work_sel[f] > best_val + 1e-12:
                best_val = work_sel[f]
                best = f
    else:
        # C4.5: among tests with at least average gain, the highest gain ratio.
        average = gain_sum / n_valid
        for f in range(n_features):
            if work_sel[f] <= min_gain + 1e-12 or work_info[f] <= WEIGHT_EPS:
                continue
            if work_sel[f] < average - C45_EPSILON:
                continue
            ratio = work_sel[f] / work_info[f]
            if ratio > best_val + 1e-12:
                best_val = ratio
                best = f
    if best < 0:
        return best, 0.0, 0.0, -1, -1
    return best, work_gain[best], work_info[best], work_lo[best], work_hi[best]


@numba.njit(cache=True)
def _layout(n_bins, n_classes):
    """Offsets of each feature's bins and bitmap words, and the histogram size."""
    n_features = n_bins.shape[0]
    bin_offset = np.zeros(n_features + 1, dtype=np.int64)
    word_offset = np.zeros(n_features + 1, dtype=np.int64)
    for f in range(n_features):
        bin_offset[f + 1] = bin_offset[f] + n_bins[f] + 1
        word_offset[f + 1] = word_offset[f] + ((n_bins[f] + 64) >> 6)
    return bin_offset, word_offset, bin_offset[n_features] * (n_classes + 1)


def _xlog2x_table(n):
    """c log2 c for whole c in [0, n + 2): most counts are whole when unweighted."""
    table = np.zeros(min(n + 2, XLOGX_TABLE_SIZE))
    whole = np.arange(2, table.shape[0], dtype=np.float64)
    table[2:] = whole * np.log2(whole)
    return table


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
    bin_offset, word_offset, hist_size = _layout(n_bins, n_classes)
    n_features = n_bins.shape[0]
    hist = np.zeros(hist_size)
    bits = np.zeros(word_offset[n_features], dtype=np.uint64)
    bin_class = np.zeros(bin_offset[n_features], dtype=np.int32)
    use_bits = build_histogram(
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
    table = _xlog2x_table(int(row_weight.sum()))
    pair = np.empty(table.shape[0] + n_classes)
    pair_offset = np.empty(n_classes, dtype=np.int64)
    total_pair = np.empty(table.shape[0])
    whole = bool(
        has_whole_weights(row_weight)
        and not (codes[rows] == n_bins).any()
        and whole_count_tables(
            node_value, float(node_value.sum()), table, pair, pair_offset, total_pair
        )
    )
    out = [np.empty(n_features) for _ in range(3)]
    lows = np.empty(n_features, dtype=np.int64)
    highs = np.empty(n_features, dtype=np.int64)
    chosen, *_ = _choose_split(
        hist,
        bin_offset,
        n_bins,
        is_nominal,
        n_classes,
        node_value,
        float(node_value.sum()),
        criterion,
        float(min_cases),
        mdl,
        float(min_gain),
        out[0],
        out[1],
        out[2],
        lows,
        highs,
        np.empty(n_classes),
        np.empty(n_classes),
        table,
        bits,
        word_offset,
        use_bits,
        np.empty(int(n_bins.max()) + 1, dtype=np.int64),
        whole,
        pair,
        pair_offset,
        total_pair,
        np.empty(n_classes, dtype=np.int64),
        bin_class,
    )
    return chosen, out[0], out[1], out[2], lows, highs, hist, bin_offset


@numba.njit(cache=True)
def has_whole_weights(weights):
    """True when every weight is a whole number >= 1 (e.g. no sample weights)."""
    for w in weights:
        if w < 1.0 or w != np.floor(w):
            return False
    return True


@numba.njit(cache=True)
def _has_missing(codes, n_bins):
    for i in range(codes.shape[0]):
        for f in range(codes.shape[1]):
            if codes[i, f] == n_bins[f]:
                return True
    return False


@numba.njit(cache=True)
def _ensure_capacity(arr, needed):
    if needed <= arr.shape[0]:
        return arr
    cap = arr.shape[0] * 2
    while cap < needed:
        cap *= 2
    new = np.empty((cap,) + arr.shape[1:], dtype=arr.dtype)
    new[: arr.shape[0]] = arr
    return new


@numba.njit(cache=True)
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
):
    """Grow the tree depth-first; returns the node arrays (see Tree)."""
    n_samples, n_features = codes.shape
    K = n_classes
    bin_offset, word_offset, hist_size = _layout(n_bins, K)
    totals = bin_offset[n_features] * K  # where the per-bin total weights start
    bits = np.zeros(word_offset[n_features], dtype=np.uint64)  # touched bins
    present = np.empty(n_bins.max() + 1 if n_features else 1, dtype=np.int64)

    # Branch of each row of the node being split, noted while counting so that the
    # partition pass does not read the codes (a cache miss per row) a second time.
    side = np.empty(n_samples, dtype=np.int32)

    # Node arrays, grown by doubling.
    cap = 64
    feature = np.full(cap, -2, dtype=np.int64)
    cut_lo = np.full(cap, -1, dtype=np.int64)
    cut_hi = np.full(cap, -1, dtype=np.int64)
    first_child = np.full(cap, -1, dtype=np.int64)
    n_children = np.zeros(cap, dtype=np.int64)
    branch_code = np.full(cap, -1, dtype=np.int64)  # category code a child takes
    branch_weight = np.ones(cap)  # share of the parent's known weight
    value = np.zeros((cap, K))
    n_rows = np.zeros(cap, dtype=np.int64)
    depth = np.zeros(cap, dtype=np.int64)
    gain_arr = np.zeros(cap)
    split_info_arr = np.zeros(cap)

    # Row buffer: segments [start, end) per pending node.
    rows = np.empty(max(2 * n_samples, 16), dtype=np.int32)
    row_weight = np.empty(max(2 * n_samples, 16))
    for i in range(n_samples):
        rows[i] = i
        row_weight[i] = sample_weight[i]
        value[0, y[i]] += sample_weight[i]
    n_rows[0] = n_samples
    n_nodes = 1

    # Histogram slots: slot[d] holds the remainder (parent minus siblings) for the
    # pending largest child at depth d; scratch holds a directly built histogram and
    # is kept zero between nodes by clearing only the bins a node touched.
    slots = np.zeros((8, hist_size))
    scratch = np.zeros(hist_size)

    # Workspaces reused at every node.
    work_sel = np.empty(n_features)
    work_gain = np.empty(n_features)
    work_info = np.empty(n_features)
    work_lo = np.empty(n_features, dtype=np.int64)
    work_hi = np.empty(n_features, dtype=np.int64)
    known = np.empty(K)
    left = np.empty(K)
    # c log2 c for whole counts: most counts are integers when rows are unweighted
    # (capped so that it stays in cache; larger counts take the log)
    table = np.zeros(min(n_samples + 2, XLOGX_TABLE_SIZE))
    for i in range(2, table.shape[0]):
        table[i] = i * np.log2(i)
    missing_counts = np.empty(K)
    # Whole counts everywhere (whole weights, and no missing value to split a row's
    # weight into fractions) allow the table-lookup scorer on nodes that fit the table.
    whole_data = has_whole_weights(sample_weight) and not _has_missing(codes, n_bins)
    pair = np.empty(table.shape[0] + K)
    pair_offset = np.empty(K, dtype=np.int64)
    total_pair = np.empty(table.shape[0])
    left_count = np.empty(K, dtype=np.int64)
    bin_class = np.zeros(bin_offset[n_features], dtype=np.int32)

    # Stack entries: node, start, end, mode (0 build, 1 remainder in slot, 2 build and
    # subtract from the slot of its depth).
    stack = np.empty((64, 4), dtype=np.int64)
    stack[0, 0] = 0
    stack[0, 1] = 0
    stack[0, 2] = n_samples
    stack[0, 3] = 0
    sp = 1

    while sp > 0:
        sp -= 1
        node = stack[sp, 0]
        start = stack[sp, 1]
        end = stack[sp, 2]
        mode = stack[sp, 3]
        d = depth[node]
        if d + 2 > slots.shape[0]:
            slots = _ensure_capacity(slots, d + 2)

        node_value = value[node]
        node_total = 0.0
        n_nonzero_classes = 0
        for k in range(K):
            node_total += node_value[k]
            if node_value[k] > WEIGHT_EPS:
                n_nonzero_classes += 1
        expandable = (
            n_nonzero_classes > 1
            and node_total >= min_samples_split - 1e-12
            and node_total >= 2.0 * min_cases - 1e-12
            and (max_depth < 0 or d < max_depth)
        )
        in_scratch = False
        use_bits = False
        if mode == 1:
            hist = slots[d]
        elif mode == 2 or expandable:
            use_bits = build_histogram(
                codes,
                y,
                rows,
                row_weight,
                start,
                end,
                bin_offset,
                K,
                scratch,
                bits,
                word_offset,
                bin_class,
            )
            if mode == 2:
                slot = slots[d]
                for j in range(hist_size):
                    slot[j] -= scratch[j]
            hist = scratch
            in_scratch = True
        else:
            continue
        if not expandable:
            clear_histogram(codes, y, rows, start, end, bin_offset, K, scratch, bits)
            continue

        whole = whole_data and whole_count_tables(
            node_value, node_total, table, pair, pair_offset, total_pair
        )
        f, g, si, lo, hi = _choose_split(
            hist,
            bin_offset,
            n_bins,
            is_nominal,
            K,
            node_value,
            node_total,
            criterion,
            min_cases,
            mdl,
            min_gain,
            work_sel,
            work_gain,
            work_info,
            work_lo,
            work_hi,
            known,
            left,
            table,
            bits,
            word_offset,
            use_bits,
            present,
            whole,
            pair,
            pair_offset,
            total_pair,
            left_count,
            bin_class,
        )
        if f < 0:
            if in_scratch:
                clear_histogram(
                    codes, y, rows, start, end, bin_offset, K, scratch, bits
                )
            continue

        # Branches: numeric -> bins [0, lo] and [hi, nb); nominal -> each present bin.
        nb = n_bins[f]
        base = bin_offset[f]
        branch_of_bin = np.full(nb + 1, -1, dtype=np.int64)
        if is_nominal[f]:
            n_branch = 0
            for b in range(nb):
                if hist[totals + base + b] > WEIGHT_EPS:
                    branch_of_bin[b] = n_branch
                    n_branch += 1
        else:
            n_branch = 2
            for b in range(nb):
                branch_of_bin[b] = 0 if b <= lo else 1
        child_known = np.zeros((n_branch, K))
        child_bin = np.full(n_branch, -1, dtype=np.int64)
        for b in range(nb):
            c = branch_of_bin[b]
            if c < 0:
                continue
            if is_nominal[f]:
                child_bin[c] = b
            at = (base + b) * K
            for k in range(K):
                child_known[c, k] += hist[at + k]
        known_w = 0.0
        child_w = np.zeros(n_branch)
        for c in range(n_branch):
            for k in range(K):
                child_w[c] += child_known[c, k]
            known_w += child_w[c]
        frac = child_w / known_w
        for k in range(K):
            missing_counts[k] = hist[(base + nb) * K + k]
        use_subtraction = False
        largest = 0

        # Partition rows into child segments placed after every live segment (this
        # node's and those still on the stack), so dead space is reused.
        seg_start = end
        for j in range(sp):
            if stack[j, 2] > seg_start:
                seg_start = stack[j, 2]
        child_count = np.zeros(n_branch, dtype=np.int64)
        n_missing = 0
        for i in range(start, end):
            if i + PREFETCH_COUNT < end:
                prefetch_row(codes, rows[i + PREFETCH_COUNT])
            code = codes[rows[i], f]
            # a category without a branch here (its rows weigh nothing) goes down
            # every branch like a missing value, as it would at predict time
            c = branch_of_bin[code]
            side[i - start] = c
            if c < 0:
                n_missing += 1
            else:
                child_count[c] += 1
        total_rows = 0
        for c in range(n_branch):
            child_count[c] += n_missing
            total_rows += child_count[c]
            if child_count[c] > child_count[largest]:
                largest = c
        # Histogram subtraction for the largest child when it pays off.
        use_subtraction = 4 * child_count[largest] * n_features > n_branch * hist_size
        if use_subtraction:
            slots[d + 1, :] = hist
        if in_scratch:
            clear_histogram(codes, y, rows, start, end, bin_offset, K, scratch, bits)

        if seg_start + total_rows > rows.shape[0]:
            rows = _ensure_capacity(rows, seg_start + total_rows)
            row_weight = _ensure_capacity(row_weight, seg_start + total_rows)
        child_start = np.empty(n_branch, dtype=np.int64)
        pos = seg_start
        for c in range(n_branch):
            child_start[c] = pos
            pos += child_count[c]
        fill = child_start.copy()
        for i in range(start, end):
            r = rows[i]
            w = row_weight[i]
            c = side[i - start]
            if c < 0:
                for c in range(n_branch):
                    rows[fill[c]] = r
                    row_weight[fill[c]] = w * frac[c]
                    fill[c] += 1
            else:
                rows[fill[c]] = r
                row_weight[fill[c]] = w
                fill[c] += 1

        # Record the split and create the children.
        if n_nodes + n_branch > feature.shape[0]:
            need = n_nodes + n_branch
            feature = _ensure_capacity(feature, need)
            cut_lo = _ensure_capacity(cut_lo, need)
            cut_hi = _ensure_capacity(cut_hi, need)
            first_child = _ensure_capacity(first_child, need)
            n_children = _ensure_capacity(n_children, need)
            branch_code = _ensure_capacity(branch_code, need)
            branch_weight = _ensure_capacity(branch_weight, need)
            value = _ensure_capacity(value, need)
            n_rows = _ensure_capacity(n_rows, need)
            depth = _ensure_capacity(depth, need)
            gain_arr = _ensure_capacity(gain_arr, need)
            split_info_arr = _ensure_capacity(split_info_arr, need)
        feature[node] = f
        cut_lo[node] = lo
        cut_hi[node] = hi
        gain_arr[node] = g
        split_info_arr[node] = si
        first_child[node] = n_nodes
        n_children[node] = n_branch
        for c in range(n_branch):
            child = n_nodes + c
            feature[child] = -2
            cut_lo[child] = -1
            cut_hi[child] = -1
            first_child[child] = -1
            n_children[child] = 0
            branch_code[child] = child_bin[c]
            branch_weight[child] = frac[c]
            for k in range(K):
                # clamp the rounding dust histogram subtraction can leave
                v = child_known[c, k] + frac[c] * missing_counts[k]
                value[child, k] = v if v > WEIGHT_EPS else 0.0
            n_rows[child] = child_count[c]
            depth[child] = d + 1
            gain_arr[child] = 0.0
            split_info_arr[child] = 0.0

        if sp + n_branch > stack.shape[0]:
            stack = _ensure_capacity(stack, sp + n_branch)
        # Push the largest child first so that its siblings are processed before it.
        order = np.empty(n_branch, dtype=np.int64)
        order[0] = largest
        j = 1
        for c in range(n_branch - 1, -1, -1):
            if c != largest:
                order[j] = c
                j += 1
        for c in order:
            stack[sp, 0] = n_nodes + c
            stack[sp, 1] = child_start[c]
            stack[sp, 2] = child_start[c] + child_count[c]
            if use_subtraction:
                stack[sp, 3] = 1 if c == largest else 2
            else:
                stack[sp, 3] = 0
            sp += 1
        n_nodes += n_branch

    return (
        feature[:n_nodes].copy(),
        cut_lo[:n_nodes].copy(),
        cut_hi[:n_nodes].copy(),
        first_child[:n_nodes].copy(),
        n_children[:n_nodes].copy(),
        branch_code[:n_nodes].copy(),
        branch_weight[:n_nodes].copy(),
        value[:n_nodes].copy(),
        n_rows[:n_nodes].copy(),
        depth[:n_nodes].copy(),
        gain_arr[:n_nodes].copy(),
        split_info_arr[:n_nodes].copy(),
    )
