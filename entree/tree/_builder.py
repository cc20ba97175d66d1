"""Grow an entropy tree on binned data: the numba engine.

The whole depth-first growth runs in one compiled function. Each node owns a slice of a
row-index buffer with a weight per entry, so a row whose split value is missing can go
down every branch with its weight scaled by the branch's share of known weight (C4.5).
Class histograms per (feature, bin) are built once per node, or obtained for the largest
child as parent minus siblings (histogram subtraction). Every candidate test of every
feature is scored from those histograms in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

# Weights below this are treated as empty (histogram subtraction leaves rounding dust).
WEIGHT_EPS = 1e-9
# C4.5's tolerance in the average-gain filter and in gain comparisons.
C45_EPSILON = 1e-3

CRITERION_GAIN = 0
CRITERION_GAIN_RATIO = 1


@dataclass(frozen=True)
class GrowParams:
    """Stopping rules and split criterion, in weighted cases where C4.5 counts cases."""

    criterion: int
    min_cases: float  # C4.5's m: a test needs two branches with at least this weight
    min_samples_split: float
    max_depth: int  # -1 means unlimited
    min_gain: float
    mdl_correction: bool


@numba.njit(cache=True, inline="always")
def _xlog2x(x):
    return x * np.log2(x) if x > 0.0 else 0.0


@numba.njit(cache=True)
def _entropy_of(counts):
    """Entropy in bits of a vector of non-negative weights."""
    total = 0.0
    for c in counts:
        if c > WEIGHT_EPS:
            total += c
    if total <= WEIGHT_EPS:
        return 0.0
    acc = 0.0
    for c in counts:
        if c > WEIGHT_EPS:
            acc += _xlog2x(c / total)
    return -acc


@numba.njit(cache=True)
def _split_entropy(parts, total):
    """-sum (w/N) log2(w/N) over branch weights ``parts`` (split information)."""
    acc = 0.0
    if total <= WEIGHT_EPS:
        return 0.0
    for w in parts:
        if w > WEIGHT_EPS:
            acc += _xlog2x(w / total)
    return -acc


@numba.njit(cache=True)
def build_histogram(codes, y, rows, row_weight, start, end, bin_offset, n_classes, out):
    """Weighted class counts per (feature, bin) over rows[start:end] into ``out``."""
    out[:] = 0.0
    n_features = codes.shape[1]
    for i in range(start, end):
        r = rows[i]
        w = row_weight[i]
        k = y[r]
        for f in range(n_features):
            out[(bin_offset[f] + codes[r, f]) * n_classes + k] += w


@numba.njit(cache=True)
def _score_feature(
    hist, f, bin_offset, n_bins, is_nominal, n_classes, node_total, params_f, mdl
):
    """Score the best test on feature f.

    Returns (selection_gain, gain, split_info, cut_lo, cut_hi): selection_gain is the
    gain used to choose the feature (with C4.5's MDL cost on numeric cuts), gain the
    plain information gain scaled by the known fraction. cut_lo/cut_hi are the last bin
    of the left branch and the first bin of the right one (numeric only). An invalid
    feature gives selection_gain = -inf.
    """
    min_cases = params_f[0]
    base = bin_offset[f]
    nb = n_bins[f]
    K = n_classes
    known = np.zeros(K)
    for b in range(nb):
        for k in range(K):
            known[k] += hist[(base + b) * K + k]
    known_w = 0.0
    for k in range(K):
        known_w += known[k]
    missing_w = 0.0
    for k in range(K):
        missing_w += hist[(base + nb) * K + k]
    total_w = known_w + missing_w
    invalid = (-np.inf, 0.0, 0.0, -1, -1)
    if known_w < 2.0 * min_cases or known_w <= WEIGHT_EPS:
        return invalid
    known_fraction = known_w / total_w
    h_known = _entropy_of(known)
    branch = np.zeros(K)
    if is_nominal[f]:
        n_reasonable = 0
        info = 0.0
        split_acc = 0.0
        for b in range(nb):
            w = 0.0
            for k in range(K):
                branch[k] = hist[(base + b) * K + k]
                w += branch[k]
            if w <= WEIGHT_EPS:
                continue
            if w >= min_cases - 1e-12:
                n_reasonable += 1
            info += w * _entropy_of(branch)
            split_acc += _xlog2x(w / total_w)
        if n_reasonable < 2:
            return invalid
        gain = known_fraction * (h_known - info / known_w)
        split_info = -split_acc - _xlog2x(missing_w / total_w)
        return (gain, gain, split_info, -1, -1)
    # Numeric: binary cut between two non-empty bins, chosen by gain (C4.5).
    min_split = 0.1 * known_w / K
    if min_split < min_cases:
        min_split = min_cases
    elif min_split > 25.0:
        min_split = 25.0
    left = np.zeros(K)
    right = np.zeros(K)
    left_w = 0.0
    best_gain = -np.inf
    best_lo = -1
    best_left_w = 0.0
    tries = 0
    for b in range(nb - 1):
        w = 0.0
        for k in range(K):
            v = hist[(base + b) * K + k]
            left[k] += v
            w += v
        if w <= WEIGHT_EPS:
            continue
        left_w += w
        right_w = known_w - left_w
        if right_w <= WEIGHT_EPS:
            break
        if left_w < min_split - 1e-12 or right_w < min_split - 1e-12:
            continue
        tries += 1
        for k in range(K):
            right[k] = known[k] - left[k]
        g = (
            h_known
            - (left_w * _entropy_of(left) + right_w * _entropy_of(right)) / known_w
        )
        if g > best_gain + 1e-12:
            best_gain = g
            best_lo = b
            best_left_w = left_w
    if tries == 0:
        return invalid
    best_hi = best_lo + 1
    while best_hi < nb:
        w = 0.0
        for k in range(K):
            w += hist[(base + best_hi) * K + k]
        if w > WEIGHT_EPS:
            break
        best_hi += 1
    gain = known_fraction * best_gain
    selection = gain
    if mdl:
        selection = gain - np.log2(tries) / total_w
    split_info = -(
        _xlog2x(best_left_w / total_w)
        + _xlog2x((known_w - best_left_w) / total_w)
        + _xlog2x(missing_w / total_w)
    )
    return (selection, gain, split_info, best_lo, best_hi)


@numba.njit(cache=True)
def _choose_split(
    hist,
    bin_offset,
    n_bins,
    is_nominal,
    n_classes,
    node_total,
    criterion,
    params_f,
    mdl,
    min_gain,
):
    """Pick the feature to split on; returns (feature, gain, split_info, lo, hi)."""
    n_features = n_bins.shape[0]
    sel = np.empty(n_features)
    gains = np.empty(n_features)
    infos = np.empty(n_features)
    los = np.empty(n_features, dtype=np.int64)
    his = np.empty(n_features, dtype=np.int64)
    n_valid = 0
    gain_sum = 0.0
    for f in range(n_features):
        s, g, si, lo, hi = _score_feature(
            hist,
            f,
            bin_offset,
            n_bins,
            is_nominal,
            n_classes,
            node_total,
            params_f,
            mdl,
        )
        sel[f] = s
        gains[f] = g
        infos[f] = si
        los[f] = lo
        his[f] = hi
        if s > min_gain + 1e-12:
            n_valid += 1
            gain_sum += s
    best = -1
    if n_valid == 0:
        return best, 0.0, 0.0, -1, -1
    if criterion == CRITERION_GAIN:
        best_val = -np.inf
        for f in range(n_features):
            if sel[f] > min_gain + 1e-12 and sel[f] > best_val + 1e-12:
                best_val = sel[f]
                best = f
    else:
        # C4.5: among tests with at least average gain, the highest gain ratio.
        average = gain_sum / n_valid
        best_val = -np.inf
        for f in range(n_features):
            if sel[f] <= min_gain + 1e-12 or infos[f] <= WEIGHT_EPS:
                continue
            if sel[f] < average - C45_EPSILON:
                continue
            ratio = sel[f] / infos[f]
            if ratio > best_val + 1e-12:
                best_val = ratio
                best = f
    if best < 0:
        return best, 0.0, 0.0, -1, -1
    return best, gains[best], infos[best], los[best], his[best]


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
    bin_offset = np.zeros(n_features + 1, dtype=np.int64)
    for f in range(n_features):
        bin_offset[f + 1] = bin_offset[f] + n_bins[f] + 1
    hist_size = bin_offset[n_features] * K
    params_f = np.array([min_cases])

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
    root_value = np.zeros(K)
    for i in range(n_samples):
        root_value[y[i]] += sample_weight[i]
    value[0] = root_value
    n_rows[0] = n_samples
    n_nodes = 1

    # Histogram slots: slot[d] holds the remainder (parent minus siblings) for the
    # pending largest child at depth d; scratch holds a directly built histogram.
    slots = np.zeros((8, hist_size))
    scratch = np.zeros(hist_size)

    # Stack entries: node, start, end, mode (0 build, 1 remainder in slot, 2 build and
    # subtract from the slot of its depth).
    stack = np.empty((64, 4), dtype=np.int64)
    stack[0, 0] = 0
    stack[0, 1] = 0
    stack[0, 2] = n_samples
    stack[0, 3] = 0
    sp = 1

    tmp_counts = np.zeros(K)
    while sp > 0:
        sp -= 1
        node = stack[sp, 0]
        start = stack[sp, 1]
        end = stack[sp, 2]
        mode = stack[sp, 3]
        d = depth[node]
        if d + 2 > slots.shape[0]:
            slots = _ensure_capacity(slots, d + 2)

        node_total = 0.0
        n_nonzero_classes = 0
        for k in range(K):
            node_total += value[node, k]
            if value[node, k] > WEIGHT_EPS:
                n_nonzero_classes += 1

        expandable = (
            n_nonzero_classes > 1
            and node_total >= min_samples_split - 1e-12
            and node_total >= 2.0 * min_cases - 1e-12
            and (max_depth < 0 or d < max_depth)
        )
        if mode == 2:
            build_histogram(
                codes, y, rows, row_weight, start, end, bin_offset, K, scratch
            )
            slot = slots[d]
            for j in range(hist_size):
                slot[j] -= scratch[j]
            hist = scratch
        elif mode == 1:
            hist = slots[d]
        else:
            if not expandable:
                continue
            build_histogram(
                codes, y, rows, row_weight, start, end, bin_offset, K, scratch
            )
            hist = scratch
        if not expandable:
            continue

        f, g, si, lo, hi = _choose_split(
            hist,
            bin_offset,
            n_bins,
            is_nominal,
            K,
            node_total,
            criterion,
            params_f,
            mdl,
            min_gain,
        )
        if f < 0:
            continue

        # Branches: numeric -> bins [0, lo] and [hi, nb); nominal -> each present bin.
        nb = n_bins[f]
        base = bin_offset[f]
        if is_nominal[f]:
            n_branch = 0
            for b in range(nb):
                w = 0.0
                for k in range(K):
                    w += hist[(base + b) * K + k]
                if w > WEIGHT_EPS:
                    n_branch += 1
        else:
            n_branch = 2
        branch_of_bin = np.full(nb + 1, -1, dtype=np.int64)
        child_known = np.zeros((n_branch, K))
        child_bin = np.full(n_branch, -1, dtype=np.int64)
        if is_nominal[f]:
            c = 0
            for b in range(nb):
                w = 0.0
                for k in range(K):
                    w += hist[(base + b) * K + k]
                if w > WEIGHT_EPS:
                    branch_of_bin[b] = c
                    child_bin[c] = b
                    for k in range(K):
                        child_known[c, k] = hist[(base + b) * K + k]
                    c += 1
        else:
            for b in range(nb):
                c = 0 if b <= lo else 1
                branch_of_bin[b] = c
                for k in range(K):
                    child_known[c, k] += hist[(base + b) * K + k]
        known_w = 0.0
        child_w = np.zeros(n_branch)
        for c in range(n_branch):
            for k in range(K):
                child_w[c] += child_known[c, k]
            known_w += child_w[c]
        frac = child_w / known_w
        for k in range(K):
            tmp_counts[k] = hist[(base + nb) * K + k]

        # Partition rows into child segments placed after every live segment (this
        # node's and those still on the stack), so dead space is reused.
        seg_start = end
        for j in range(sp):
            if stack[j, 2] > seg_start:
                seg_start = stack[j, 2]
        child_count = np.zeros(n_branch, dtype=np.int64)
        n_missing = 0
        for i in range(start, end):
            code = codes[rows[i], f]
            if code == nb:
                n_missing += 1
            else:
                child_count[branch_of_bin[code]] += 1
        total_rows = 0
        for c in range(n_branch):
            child_count[c] += n_missing
            total_rows += child_count[c]
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
            code = codes[r, f]
            if code == nb:
                for c in range(n_branch):
                    rows[fill[c]] = r
                    row_weight[fill[c]] = w * frac[c]
                    fill[c] += 1
            else:
                c = branch_of_bin[code]
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
        largest = 0
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
                value[child, k] = child_known[c, k] + frac[c] * tmp_counts[k]
            n_rows[child] = child_count[c]
            depth[child] = d + 1
            gain_arr[child] = 0.0
            split_info_arr[child] = 0.0
            if child_count[c] > child_count[largest]:
                largest = c

        # Histogram subtraction for the largest child when it pays off.
        use_subtraction = child_count[largest] * n_features > n_branch * hist_size
        if sp + n_branch > stack.shape[0]:
            stack = _ensure_capacity(stack, sp + n_branch)
        if use_subtraction:
            slots[d + 1, :] = hist
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
