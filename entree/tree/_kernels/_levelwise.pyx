# Level-wise growth over partitions (entree.dask): route a partition's instance list
# by the splits of one level, count the histograms of a batch of frontier nodes in
# 64-bit fixed point (so that sums never depend on how the rows are partitioned), and
# lay out a chosen split's branches exactly as the local driver (_grow.pyx) does.

import numpy as np

from libc.math cimport llround

from entree.tree._kernels._common cimport (
    WEIGHT_EPS, float64_t, int32_t, int64_t, uint8_t, uint16_t,
)

ctypedef fused code_t:
    uint8_t
    uint16_t


def route_instances(
    const code_t[:, ::1] codes,
    const int32_t[::1] inst_row,
    const int64_t[::1] inst_node,
    const float64_t[::1] inst_weight,
    int64_t node_base,
    const int64_t[::1] split_feature,
    const int64_t[::1] split_lo,
    const int64_t[::1] n_bins,
    const int64_t[::1] first_child,
    const int64_t[::1] n_branch,
    const int64_t[::1] bin_start,
    const int64_t[::1] branch_of_bin,
    const int64_t[::1] frac_start,
    const float64_t[::1] frac,
):
    """The instance list one level down: (rows, nodes, weights).

    Node ``node_base + v`` of the level is split on ``split_feature[v]`` (-1: it
    stays a leaf, its instances are dropped). A numeric split sends codes up to
    ``split_lo[v]`` to branch 0 and the others to branch 1; a nominal one (split_lo
    -1) sends code c to branch ``branch_of_bin[bin_start[v] + c]``. A row takes
    child ``first_child[v] + branch``; one whose branch is -1 (a missing value, code
    ``n_bins[f]``, or a category without a branch) goes to every child with its
    weight times the branch's share ``frac[frac_start[v] + branch]``, as
    ``_place_rows`` of the local driver does.
    """
    cdef Py_ssize_t n = inst_row.shape[0]
    cdef Py_ssize_t n_level = split_feature.shape[0]
    cdef Py_ssize_t i, at
    cdef int64_t v, f, c, br, code
    cdef Py_ssize_t n_out = 0
    for i in range(n):
        v = inst_node[i] - node_base
        if v < 0 or v >= n_level:
            raise ValueError("an instance's node is not in this level")
    # each instance's branch, found once: -1 every branch, -2 dropped (a leaf)
    branch_array = np.empty(n, dtype=np.int32)
    cdef int32_t[::1] branch = branch_array
    with nogil:
        for i in range(n):
            v = inst_node[i] - node_base
            f = split_feature[v]
            if f < 0:
                branch[i] = -2
                continue
            code = codes[inst_row[i], f]
            if split_lo[v] >= 0:
                br = -1 if code == n_bins[f] else (0 if code <= split_lo[v] else 1)
            else:
                br = branch_of_bin[bin_start[v] + code]
            branch[i] = <int32_t>br
            n_out += 1 if br >= 0 else n_branch[v]
    rows_array = np.empty(n_out, dtype=np.int32)
    nodes_array = np.empty(n_out, dtype=np.int64)
    weights_array = np.empty(n_out, dtype=np.float64)
    cdef int32_t[::1] rows = rows_array
    cdef int64_t[::1] nodes = nodes_array
    cdef float64_t[::1] weights = weights_array
    at = 0
    with nogil:
        for i in range(n):
            br = branch[i]
            if br == -2:
                continue
            v = inst_node[i] - node_base
            if br >= 0:
                rows[at] = inst_row[i]
                nodes[at] = first_child[v] + br
                weights[at] = inst_weight[i]
                at += 1
            else:
                for c in range(n_branch[v]):
                    rows[at] = inst_row[i]
                    nodes[at] = first_child[v] + c
                    weights[at] = inst_weight[i] * frac[frac_start[v] + c]
                    at += 1
    return rows_array, nodes_array, weights_array


def fixed_histograms(
    const code_t[:, ::1] codes,
    const int64_t[::1] y,
    const int32_t[::1] inst_row,
    const int64_t[::1] inst_node,
    const float64_t[::1] inst_weight,
    int64_t node_base,
    const int64_t[::1] slot_of_node,
    Py_ssize_t n_slots,
    const int64_t[::1] bin_offset,
    Py_ssize_t n_classes,
    float64_t scale,
):
    """Class weights per (feature, bin) of the nodes of a batch, in fixed point.

    Node ``node_base + v`` is counted into slot ``slot_of_node[v]`` (-1: not in this
    batch). Each instance adds ``llround(weight * scale)`` (scale a power of two):
    integer sums are exact, so the histograms summed over partitions are the same in
    any order and for any partitioning. Returns (hist (n_slots, n_bins_total *
    n_classes) int64, instance counts (n_slots,) int64).
    """
    cdef Py_ssize_t n = inst_row.shape[0]
    cdef Py_ssize_t n_features = codes.shape[1]
    cdef Py_ssize_t n_level = slot_of_node.shape[0]
    cdef Py_ssize_t width = bin_offset[n_features] * n_classes
    cdef Py_ssize_t i, f
    cdef int64_t v, s, w, r, cls
    hist_array = np.zeros((n_slots, width), dtype=np.int64)
    count_array = np.zeros(n_slots, dtype=np.int64)
    cdef int64_t[:, ::1] hist = hist_array
    cdef int64_t[::1] count = count_array
    for i in range(n):
        v = inst_node[i] - node_base
        if v < 0 or v >= n_level:
            raise ValueError("an instance's node is not in this level")
    with nogil:
        for i in range(n):
            s = slot_of_node[inst_node[i] - node_base]
            if s < 0:
                continue
            r = inst_row[i]
            cls = y[r]
            w = llround(inst_weight[i] * scale)
            count[s] += 1
            for f in range(n_features):
                hist[s, (bin_offset[f] + codes[r, f]) * n_classes + cls] += w
    return hist_array, count_array


def as_float_histogram(const int64_t[::1] fixed, Py_ssize_t n_bins_total,
                       Py_ssize_t n_classes, float64_t unit):
    """A fixed-point histogram as the float layout the split kernels read.

    Class weights first, then each bin's total (its classes summed in order, as
    the local driver's dense count does).
    """
    cdef Py_ssize_t b, k
    cdef float64_t acc
    out_array = np.empty(n_bins_total * (n_classes + 1), dtype=np.float64)
    cdef float64_t[::1] out = out_array
    cdef Py_ssize_t totals = n_bins_total * n_classes
    with nogil:
        for b in range(n_bins_total):
            acc = 0.0
            for k in range(n_classes):
                out[b * n_classes + k] = fixed[b * n_classes + k] * unit
                acc += out[b * n_classes + k]
            out[totals + b] = acc
    return out_array


def lay_out_branches(
    const float64_t[::1] hist,
    Py_ssize_t n_bins_total,
    Py_ssize_t n_classes,
    int64_t base,
    int64_t nb,
    bint nominal,
    int64_t lo,
):
    """The branches of a split, as ``_lay_out_branches`` of the local driver.

    Returns (branch_of_bin (nb + 1,), child_bin (n_branch,), child_value
    (n_branch, n_classes), frac (n_branch,)): bins [0, lo] go left and the rest
    right (numeric), or one branch per non-empty bin (nominal); the missing bin
    maps to -1. A child's class weights are its known weights plus its share of
    the missing ones (clamped at WEIGHT_EPS), summed in the same order as there.
    """
    cdef Py_ssize_t K = n_classes
    cdef Py_ssize_t totals = n_bins_total * K
    cdef int64_t bin_, c, n_branch
    cdef Py_ssize_t k
    cdef float64_t known_w, v
    branch_of_bin_array = np.full(nb + 1, -1, dtype=np.int64)
    cdef int64_t[::1] branch_of_bin = branch_of_bin_array
    if nominal:
        n_branch = 0
        for bin_ in range(nb):
            if hist[totals + base + bin_] > WEIGHT_EPS:
                branch_of_bin[bin_] = n_branch
                n_branch += 1
    else:
        n_branch = 2
        for bin_ in range(nb):
            branch_of_bin[bin_] = 0 if bin_ <= lo else 1
    child_bin_array = np.full(n_branch, -1, dtype=np.int64)
    known_array = np.zeros((n_branch, K), dtype=np.float64)
    child_w_array = np.zeros(n_branch, dtype=np.float64)
    frac_array = np.empty(n_branch, dtype=np.float64)
    value_array = np.empty((n_branch, K), dtype=np.float64)
    cdef int64_t[::1] child_bin = child_bin_array
    cdef float64_t[:, ::1] known = known_array
    cdef float64_t[::1] child_w = child_w_array
    cdef float64_t[::1] fr = frac_array
    cdef float64_t[:, ::1] value = value_array
    for bin_ in range(nb):
        c = branch_of_bin[bin_]
        if c < 0:
            continue
        if nominal:
            child_bin[c] = bin_
        for k in range(K):
            known[c, k] += hist[(base + bin_) * K + k]
    known_w = 0.0
    for c in range(n_branch):
        for k in range(K):
            child_w[c] += known[c, k]
        known_w += child_w[c]
    for c in range(n_branch):
        fr[c] = child_w[c] / known_w
    for c in range(n_branch):
        for k in range(K):
            v = known[c, k] + fr[c] * hist[(base + nb) * K + k]
            value[c, k] = v if v > WEIGHT_EPS else 0.0
    return branch_of_bin_array, child_bin_array, value_array, frac_array


def fixed_class_sums(const int64_t[::1] y, const float64_t[::1] weights,
                     Py_ssize_t n_classes, float64_t scale):
    """Class weights in fixed point, each weight rounded as fixed_histograms does."""
    cdef Py_ssize_t i
    out_array = np.zeros(n_classes, dtype=np.int64)
    cdef int64_t[::1] out = out_array
    with nogil:
        for i in range(y.shape[0]):
            out[y[i]] += llround(weights[i] * scale)
    return out_array
