"""Split choice from one node's histogram, by C4.5's rules.

Every candidate test of every feature is scored from the histogram in one pass over
the feature's non-empty bins: a nominal feature gives one branch per present category,
a numeric one a binary cut between two non-empty bins chosen by gain (with C4.5's MDL
cost on the number of candidate cuts). The feature is chosen by gain, or by gain ratio
among the tests of at least average gain (C4.5).
"""

import numpy as np

from cython.parallel cimport prange, threadid
from libc.math cimport INFINITY, log2

from entree.tree._kernels._common cimport WEIGHT_EPS


cdef extern from *:
    """
    /* index of the lowest set bit of a non-zero word */
    #if defined(__GNUC__) || defined(__clang__)
    #define ENTREE_CTZ64(x) __builtin_ctzll(x)
    #else
    static int entree_ctz64(unsigned long long x) {
        int n = 0;
        while (!(x & 1ULL)) { x >>= 1; n++; }
        return n;
    }
    #define ENTREE_CTZ64(x) entree_ctz64(x)
    #endif
    """
    int ctz64 "ENTREE_CTZ64"(uint64_t word) nogil


cdef inline float64_t _xlog2x(float64_t c, const float64_t *table,
                              Py_ssize_t table_size) noexcept nogil:
    """c log2 c, from a table when c is a whole number (unweighted counts)."""
    cdef int64_t i
    if c <= WEIGHT_EPS:
        return 0.0
    i = <int64_t>c
    if i == c and i < table_size:
        return table[i]
    return c * log2(c)


cdef inline float64_t _sum_xlog2x(const float64_t *counts, Py_ssize_t n) noexcept nogil:
    """sum_k c_k log2 c_k over the non-empty entries (so w H = w log2 w - this)."""
    cdef float64_t acc = 0.0
    cdef Py_ssize_t k
    for k in range(n):
        if counts[k] > WEIGHT_EPS:
            acc += counts[k] * log2(counts[k])
    return acc


cdef inline float64_t _weighted_entropy(const float64_t *counts, Py_ssize_t n,
                                        float64_t total) noexcept nogil:
    """total * H(counts / total) in bits."""
    cdef float64_t h
    if total <= WEIGHT_EPS:
        return 0.0
    h = total * log2(total) - _sum_xlog2x(counts, n)
    return 0.0 if 0.0 > h else h


cdef inline SplitScore _unusable() noexcept nogil:
    cdef SplitScore s
    s.selection = -INFINITY
    s.gain = 0.0
    s.split_info = 0.0
    s.lo = -1
    s.hi = -1
    return s


cdef Py_ssize_t present_bins(
    const float64_t *hist, Py_ssize_t totals, Py_ssize_t base, Py_ssize_t nb,
    const uint64_t *bits, Py_ssize_t word_lo, bint use_bits, int64_t *present,
) noexcept nogil:
    """Write the non-empty bins of one feature, ascending, into ``present``.

    With ``use_bits`` the node's bitmap of touched bins is walked (cheap on small
    nodes, where most of the bins are empty); otherwise every bin is looked at.
    Returns how many were written. The missing-value bin ``nb`` is left out.
    """
    cdef Py_ssize_t n = 0
    cdef Py_ssize_t wi, b, n_words
    cdef uint64_t word
    if use_bits:
        n_words = (nb + 64) >> 6
        for wi in range(n_words):
            word = bits[word_lo + wi]
            while word != 0:
                b = wi * 64 + ctz64(word)
                word &= word - 1
                if b < nb and hist[totals + base + b] > WEIGHT_EPS:
                    present[n] = b
                    n += 1
        return n
    for b in range(nb):
        if hist[totals + base + b] > WEIGHT_EPS:
            present[n] = b
            n += 1
    return n



cdef SplitScore score_feature(
    const float64_t *hist, Py_ssize_t totals, Py_ssize_t base, Py_ssize_t nb,
    bint nominal, Py_ssize_t n_classes, const float64_t *node_value,
    float64_t node_total, float64_t min_cases, bint mdl, float64_t *known,
    float64_t *left, const float64_t *table, Py_ssize_t table_size,
    const int64_t *present, Py_ssize_t n_present,
) noexcept nogil:
    """Score the best test on one feature from the node's histogram.

    selection is the gain used to choose the feature (with C4.5's MDL cost on numeric
    cuts), gain the information gain scaled by the known fraction; lo/hi are the last
    bin of the left branch and the first bin of the right one (numeric only). An
    unusable feature gives selection = -inf.
    """
    cdef Py_ssize_t K = n_classes
    cdef Py_ssize_t missing_at = (base + nb) * K
    cdef float64_t missing_w = hist[totals + base + nb]
    cdef float64_t known_w = 0.0
    cdef float64_t v, total_w, known_fraction, known_info, info, split_acc, w, h
    cdef float64_t min_split, left_w, right_w, left_sum, right_sum, best_info
    cdef float64_t best_left_w, c, lk, rk, gain, selection, split_info
    cdef Py_ssize_t k, idx, at, n_reasonable, tries
    cdef int64_t b, prev, best_lo, best_hi
    cdef SplitScore s
    for k in range(K):
        v = node_value[k] - hist[missing_at + k]
        known[k] = v if v > 0.0 else 0.0
        known_w += known[k]
    total_w = known_w + missing_w
    if known_w < 2.0 * min_cases - 1e-12 or known_w <= WEIGHT_EPS:
        return _unusable()
    known_fraction = known_w / total_w
    known_info = _weighted_entropy(known, K, known_w)  # known_w * H(known)
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
            h = w * log2(w) - _sum_xlog2x(&hist[at], K)
            info += 0.0 if 0.0 > h else h
            split_acc += w * log2(w / total_w)
        if n_reasonable < 2:
            return _unusable()
        gain = known_fraction * (known_info - info) / known_w
        split_info = -split_acc / total_w
        if missing_w > WEIGHT_EPS:
            split_info -= (missing_w / total_w) * log2(missing_w / total_w)
        s.selection = gain
        s.gain = gain
        s.split_info = split_info
        s.lo = -1
        s.hi = -1
        return s
    # Numeric: a binary cut between two non-empty bins, chosen by gain (C4.5).
    min_split = 0.1 * known_w / K
    if min_split < min_cases:
        min_split = min_cases
    elif min_split > 25.0:
        min_split = 25.0
    for k in range(K):
        left[k] = 0.0
    left_w = 0.0
    # sums of c log2 c over the classes of each side, updated as bins move left
    left_sum = 0.0
    right_sum = 0.0
    for k in range(K):
        right_sum += _xlog2x(known[k], table, table_size)
    best_info = INFINITY
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
                    _xlog2x(left_w, table, table_size)
                    - left_sum
                    + _xlog2x(right_w, table, table_size)
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
                left_sum += (_xlog2x(lk + c, table, table_size)
                             - _xlog2x(lk, table, table_size))
                right_sum += (_xlog2x(rk - c, table, table_size)
                              - _xlog2x(rk, table, table_size))
                left[k] = lk + c
        left_w += w
        prev = b
    if tries == 0 or best_lo < 0:
        return _unusable()
    h = known_info - best_info
    gain = known_fraction * (0.0 if 0.0 > h else h) / known_w
    selection = gain
    if mdl:
        selection = gain - log2(<float64_t>tries) / total_w
    right_w = known_w - best_left_w
    split_info = (
        -(
            best_left_w * log2(best_left_w / total_w)
            + right_w * log2(right_w / total_w)
        )
        / total_w
    )
    if missing_w > WEIGHT_EPS:
        split_info -= (missing_w / total_w) * log2(missing_w / total_w)
    s.selection = selection
    s.gain = gain
    s.split_info = split_info
    s.lo = best_lo
    s.hi = best_hi
    return s


cdef bint whole_count_tables(
    const float64_t *node_value, Py_ssize_t n_classes, float64_t node_total,
    const float64_t *table, Py_ssize_t table_size, float64_t *pair,
    int64_t *pair_offset, float64_t *total_pair,
) noexcept nogil:
    """Tables for scoring a node whose class counts are whole numbers, or False.

    With whole counts (unit or integer weights, no missing values) a numeric cut's
    information is a difference of table lookups: ``total_pair[L] = xlog(L) +
    xlog(n - L)`` for the left weight L, and for class k ``pair[pair_offset[k] + l]
    = xlog(l) + xlog(n_k - l)`` for the class's left count l, so moving counts
    across the cut costs two lookups per class instead of four logarithms.
    """
    cdef int64_t n = <int64_t>node_total
    cdef int64_t at = 0
    cdef int64_t n_k, l
    cdef Py_ssize_t k
    if n != node_total or n + 1 >= table_size:
        return False
    for k in range(n_classes):
        n_k = <int64_t>node_value[k]
        if n_k != node_value[k]:
            return False
        pair_offset[k] = at
        for l in range(n_k + 1):
            pair[at + l] = table[l] + table[n_k - l]
        at += n_k + 1
    for l in range(n + 1):
        total_pair[l] = table[l] + table[n - l]
    return True


cdef SplitScore score_numeric_whole(
    const float64_t *hist, Py_ssize_t totals, Py_ssize_t base, Py_ssize_t n_classes,
    const float64_t *node_value, float64_t node_total, float64_t min_cases, bint mdl,
    const float64_t *table, const int64_t *present, Py_ssize_t n_present,
    const float64_t *pair, const int64_t *pair_offset, const float64_t *total_pair,
    int64_t *left_count, int64_t *active, const int32_t *bin_class, bint use_class,
) noexcept nogil:
    """score_feature for a numeric column at a node with whole counts, no missing.

    Gives the same cut and figures as the general path (up to rounding), by table
    lookups (see whole_count_tables); a bin holding one row moves only its class.
    Classes absent from the node are skipped: their terms are exactly zero.
    """
    cdef Py_ssize_t K = n_classes
    cdef int64_t n = <int64_t>node_total
    cdef float64_t min_split, pair_sum, known_info, best_info, info, h, gain
    cdef float64_t selection, split_info
    cdef int64_t left_w, best_lo, best_hi, best_left_w, prev, b, w, c, at, here
    cdef Py_ssize_t k, j, idx, tries
    cdef Py_ssize_t n_active = 0
    cdef SplitScore s
    if node_total < 2.0 * min_cases - 1e-12 or node_total <= WEIGHT_EPS:
        return _unusable()
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
        if node_value[k] > 0.0:
            active[n_active] = k
            n_active += 1
    # an absent class adds pair[.] = xlog(0) + xlog(0) = 0 and takes table[0] = 0
    for j in range(n_active):
        k = active[j]
        pair_sum += pair[pair_offset[k]]
        known_info -= table[<int64_t>node_value[k]]
    left_w = 0
    best_info = INFINITY
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
        w = <int64_t>hist[totals + base + b]
        if use_class and w == 1:
            k = bin_class[base + b]
            at = pair_offset[k] + left_count[k]
            pair_sum += pair[at + 1] - pair[at]
            left_count[k] += 1
        else:
            at = (base + b) * K
            for j in range(n_active):
                # no test for an empty class: it adds exactly 0
                k = active[j]
                c = <int64_t>hist[at + k]
                here = pair_offset[k] + left_count[k]
                pair_sum += pair[here + c] - pair[here]
                left_count[k] += c
        left_w += w
        prev = b
    if tries == 0 or best_lo < 0:
        return _unusable()
    h = known_info - best_info
    gain = (0.0 if 0.0 > h else h) / node_total
    selection = gain
    if mdl:
        selection = gain - log2(<float64_t>tries) / node_total
    split_info = (table[n] - total_pair[best_left_w]) / node_total
    s.selection = selection
    s.gain = gain
    s.split_info = split_info
    s.lo = best_lo
    s.hi = best_hi
    return s


cdef inline void _score_one(
    const SplitContext *ctx, const float64_t *hist, const float64_t *node_value,
    float64_t node_total, bint whole, const uint64_t *bits, bint use_bits,
    const int32_t *bin_class, ScoreWork *work, Py_ssize_t f,
    float64_t *work_sel, float64_t *work_gain, float64_t *work_info,
    int64_t *work_lo, int64_t *work_hi,
) noexcept nogil:
    """Score feature f into the work arrays."""
    cdef Py_ssize_t totals = ctx.bin_offset[ctx.n_features] * ctx.n_classes
    cdef Py_ssize_t base = ctx.bin_offset[f]
    cdef Py_ssize_t n_present = present_bins(
        hist, totals, base, ctx.n_bins[f], bits, ctx.word_offset[f], use_bits,
        work.present,
    )
    cdef SplitScore s
    if whole and not ctx.is_nominal[f]:
        s = score_numeric_whole(
            hist, totals, base, ctx.n_classes, node_value, node_total, ctx.min_cases,
            ctx.mdl, ctx.table, work.present, n_present, ctx.pair, ctx.pair_offset,
            ctx.total_pair, work.left_count, work.active, bin_class, use_bits,
        )
    else:
        s = score_feature(
            hist, totals, base, ctx.n_bins[f], ctx.is_nominal[f], ctx.n_classes,
            node_value, node_total, ctx.min_cases, ctx.mdl, work.known, work.left,
            ctx.table, ctx.table_size, work.present, n_present,
        )
    work_sel[f] = s.selection
    work_gain[f] = s.gain
    work_info[f] = s.split_info
    work_lo[f] = s.lo
    work_hi[f] = s.hi


cdef Split choose_split(
    const SplitContext *ctx, const float64_t *hist, const float64_t *node_value,
    float64_t node_total, bint whole, const uint64_t *bits, bint use_bits,
    const int32_t *bin_class, ScoreWork *work, Py_ssize_t n_work,
    float64_t *work_sel, float64_t *work_gain, float64_t *work_info,
    int64_t *work_lo, int64_t *work_hi,
) noexcept nogil:
    """Pick the feature to split on (feature -1: none).

    ``whole`` says the node's counts are whole numbers with no missing values and the
    context's pair/pair_offset/total_pair hold its whole_count_tables. With ``n_work``
    > 1 workspaces the features are scored by that many threads (each feature by one,
    so the result does not depend on it).
    """
    cdef Py_ssize_t n_features = ctx.n_features
    cdef Py_ssize_t f
    cdef Py_ssize_t n_valid = 0
    cdef float64_t gain_sum = 0.0
    cdef float64_t best_val, average, ratio
    cdef float64_t min_gain = ctx.min_gain
    cdef int64_t best = -1
    cdef Split split
    split.feature = -1
    split.gain = 0.0
    split.split_info = 0.0
    split.lo = -1
    split.hi = -1
    if n_work > 1 and n_features > 1:
        for f in prange(n_features, schedule="dynamic", num_threads=n_work):
            _score_one(ctx, hist, node_value, node_total, whole, bits, use_bits,
                       bin_class, &work[threadid()], f, work_sel, work_gain,
                       work_info, work_lo, work_hi)
    else:
        for f in range(n_features):
            _score_one(ctx, hist, node_value, node_total, whole, bits, use_bits,
                       bin_class, work, f, work_sel, work_gain, work_info, work_lo,
                       work_hi)
    for f in range(n_features):
        if work_sel[f] > min_gain + 1e-12:
            n_valid += 1
            gain_sum += work_sel[f]
    if n_valid == 0:
        return split
    best_val = -INFINITY
    if ctx.criterion == CRITERION_GAIN:
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
        return split
    split.feature = best
    split.gain = work_gain[best]
    split.split_info = work_info[best]
    split.lo = work_lo[best]
    split.hi = work_hi[best]
    return split


# -- Python entry points (tests, the inspection tools) ---------------------------------

cdef inline const float64_t *_f64(const float64_t[::1] a) noexcept:
    return &a[0] if a.shape[0] else NULL


cdef inline const int64_t *_i64(const int64_t[::1] a) noexcept:
    return &a[0] if a.shape[0] else NULL


def py_present_bins(const float64_t[::1] hist, Py_ssize_t totals, Py_ssize_t base,
                    Py_ssize_t nb, const uint64_t[::1] bits, Py_ssize_t word_lo,
                    bint use_bits, int64_t[::1] present):
    """present_bins over numpy arrays; returns the count written."""
    if present.shape[0] < nb or hist.shape[0] < totals + base + nb:
        raise ValueError("buffers too small")
    return present_bins(&hist[0], totals, base, nb,
                        &bits[0] if bits.shape[0] else NULL, word_lo, use_bits,
                        &present[0] if present.shape[0] else NULL)


def py_score_feature(const float64_t[::1] hist, Py_ssize_t totals, Py_ssize_t base,
                     Py_ssize_t nb, bint nominal, Py_ssize_t n_classes,
                     const float64_t[::1] node_value, float64_t node_total,
                     float64_t min_cases, bint mdl, float64_t[::1] known,
                     float64_t[::1] left, const float64_t[::1] table,
                     const int64_t[::1] present, Py_ssize_t n_present):
    """score_feature over numpy arrays: (selection, gain, split_info, lo, hi)."""
    if known.shape[0] < n_classes or left.shape[0] < n_classes:
        raise ValueError("buffers too small")
    cdef SplitScore s = score_feature(
        &hist[0], totals, base, nb, nominal, n_classes, &node_value[0], node_total,
        min_cases, mdl, &known[0], &left[0], _f64(table), table.shape[0],
        _i64(present), n_present,
    )
    return (s.selection, s.gain, s.split_info, s.lo, s.hi)


def py_whole_count_tables(const float64_t[::1] node_value, float64_t node_total,
                          const float64_t[::1] table, float64_t[::1] pair,
                          int64_t[::1] pair_offset, float64_t[::1] total_pair):
    """whole_count_tables over numpy arrays; returns whether the counts are whole."""
    if (pair.shape[0] < table.shape[0] + node_value.shape[0]
            or pair_offset.shape[0] < node_value.shape[0]
            or total_pair.shape[0] < table.shape[0]):
        raise ValueError("buffers too small")
    return bool(whole_count_tables(
        _f64(node_value), node_value.shape[0], node_total, _f64(table), table.shape[0],
        &pair[0], &pair_offset[0] if pair_offset.shape[0] else NULL, &total_pair[0],
    ))


def py_score_numeric_whole(const float64_t[::1] hist, Py_ssize_t totals,
                           Py_ssize_t base, Py_ssize_t n_classes,
                           const float64_t[::1] node_value, float64_t node_total,
                           float64_t min_cases, bint mdl, const float64_t[::1] table,
                           const int64_t[::1] present, Py_ssize_t n_present,
                           const float64_t[::1] pair, const int64_t[::1] pair_offset,
                           const float64_t[::1] total_pair, int64_t[::1] left_count,
                           const int32_t[::1] bin_class, bint use_class):
    """score_numeric_whole over numpy arrays: (selection, gain, split_info, lo, hi)."""
    if left_count.shape[0] < n_classes or node_value.shape[0] < n_classes:
        raise ValueError("buffers too small")
    cdef int64_t[::1] active_v = np.empty(n_classes + 1, dtype=np.int64)
    cdef SplitScore s = score_numeric_whole(
        &hist[0], totals, base, n_classes, &node_value[0], node_total, min_cases, mdl,
        _f64(table), _i64(present), n_present, &pair[0], &pair_offset[0],
        &total_pair[0], &left_count[0], &active_v[0],
        &bin_class[0] if bin_class.shape[0] else NULL, use_class,
    )
    return (s.selection, s.gain, s.split_info, s.lo, s.hi)


def py_choose_split(const float64_t[::1] hist, const int64_t[::1] bin_offset,
                    const int64_t[::1] word_offset, const int64_t[::1] n_bins,
                    const uint8_t[::1] is_nominal, Py_ssize_t n_classes,
                    const float64_t[::1] node_value, float64_t node_total,
                    int criterion, float64_t min_cases, bint mdl, float64_t min_gain,
                    const float64_t[::1] table, bint whole, float64_t[::1] pair,
                    int64_t[::1] pair_offset, float64_t[::1] total_pair,
                    const uint64_t[::1] bits, bint use_bits,
                    const int32_t[::1] bin_class, float64_t[::1] work_sel,
                    float64_t[::1] work_gain, float64_t[::1] work_info,
                    int64_t[::1] work_lo, int64_t[::1] work_hi):
    """choose_split over numpy arrays (one thread): (feature, gain, split_info, lo, hi).

    Fills work_sel/work_gain/work_info/work_lo/work_hi with every feature's score.
    """
    cdef Py_ssize_t n_features = n_bins.shape[0]
    cdef Py_ssize_t max_nb = 0
    cdef Py_ssize_t f
    cdef SplitContext ctx
    cdef ScoreWork work
    cdef Split split
    for f in range(n_features):
        if n_bins[f] > max_nb:
            max_nb = n_bins[f]
    if (bin_offset.shape[0] != n_features + 1 or word_offset.shape[0] != n_features + 1
            or is_nominal.shape[0] != n_features or work_sel.shape[0] < n_features
            or work_gain.shape[0] < n_features or work_info.shape[0] < n_features
            or work_lo.shape[0] < n_features or work_hi.shape[0] < n_features
            or node_value.shape[0] < n_classes
            or hist.shape[0] < bin_offset[n_features] * (n_classes + 1)):
        raise ValueError("buffers do not match the layout")
    known = np.empty(n_classes)
    left = np.empty(n_classes)
    left_count = np.empty(n_classes, dtype=np.int64)
    active = np.empty(n_classes + 1, dtype=np.int64)
    present = np.empty(max_nb + 1, dtype=np.int64)
    cdef float64_t[::1] known_v = known
    cdef float64_t[::1] left_v = left
    cdef int64_t[::1] left_count_v = left_count
    cdef int64_t[::1] active_v = active
    cdef int64_t[::1] present_v = present
    ctx.n_features = n_features
    ctx.n_classes = n_classes
    ctx.bin_offset = &bin_offset[0]
    ctx.word_offset = &word_offset[0]
    ctx.n_bins = _i64(n_bins)
    ctx.is_nominal = &is_nominal[0] if n_features else NULL
    ctx.criterion = criterion
    ctx.min_cases = min_cases
    ctx.min_gain = min_gain
    ctx.mdl = mdl
    ctx.table = _f64(table)
    ctx.table_size = table.shape[0]
    ctx.pair = &pair[0] if pair.shape[0] else NULL
    ctx.pair_offset = &pair_offset[0] if pair_offset.shape[0] else NULL
    ctx.total_pair = &total_pair[0] if total_pair.shape[0] else NULL
    work.known = &known_v[0] if n_classes else NULL
    work.left = &left_v[0] if n_classes else NULL
    work.left_count = &left_count_v[0] if n_classes else NULL
    work.active = &active_v[0]
    work.present = &present_v[0]
    split = choose_split(
        &ctx, &hist[0], &node_value[0], node_total, whole,
        &bits[0] if bits.shape[0] else NULL, use_bits,
        &bin_class[0] if bin_class.shape[0] else NULL, &work, 1,
        &work_sel[0] if n_features else NULL, &work_gain[0] if n_features else NULL,
        &work_info[0] if n_features else NULL, &work_lo[0] if n_features else NULL,
        &work_hi[0] if n_features else NULL,
    )
    return (split.feature, split.gain, split.split_info, split.lo, split.hi)
