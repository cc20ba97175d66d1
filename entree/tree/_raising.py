"""C4.5's subtree raising during error-based pruning.

Subtree raising (on by default in C4.5 and J48, whose ``-S`` turns it off) replaces a
node by the subtree of its largest branch when that subtree, given all of the node's
training cases, is estimated to make fewer errors; the cases are sent down it and the
node is pruned again. Unlike subtree replacement (``_prune``) it needs the training
cases, so it works on the bin codes: depth first with an explicit stack, in the
compiled kernels of ``_kernels/_raising.pyx``; this module shapes their inputs and
outputs.
"""

from __future__ import annotations

import numpy as np

from entree.tree._kernels._raising import prune_with_raising as _prune_with_raising

__all__ = ["prune_with_raising", "raising_cuts"]


def raising_cuts(bins, feature, cut_lo, cut_hi, is_nominal):
    """Per node, the last bin code of a numeric split's left branch, as predict sees it.

    The builder sends ``code <= cut_lo`` left, and at the node where the split was
    grown no case lies in the bins strictly between ``cut_lo`` and ``cut_hi``. Cases
    re-sent through a raised subtree can: they go left when their bin's values are
    at or below the raw threshold that predict uses, so training counts and
    predictions agree. -1 on leaves and nominal splits.
    """
    route_cut = np.full(feature.shape[0], -1, dtype=np.int64)
    internal = np.flatnonzero(feature >= 0)
    numeric = internal[~np.asarray(is_nominal, dtype=bool)[feature[internal]]]
    if numeric.shape[0] == 0:
        return route_cut
    threshold = bins.thresholds(feature[numeric], cut_lo[numeric], cut_hi[numeric])
    for f in np.unique(feature[numeric]):
        at = feature[numeric] == f
        # smallest value of each bin or of the first non-empty bin after it
        lowest = np.minimum.accumulate(np.asarray(bins.bin_min[f])[::-1])[::-1]
        cut = np.searchsorted(lowest, threshold[at], side="right") - 1
        # never outside [cut_lo, cut_hi - 1], whatever rounding did
        nodes = numeric[at]
        route_cut[nodes] = np.clip(cut, cut_lo[nodes], cut_hi[nodes] - 1)
    return route_cut


def prune_with_raising(
    codes,
    y,
    sample_weight,
    n_bins,
    is_nominal,
    feature,
    route_cut,
    cut_lo,
    cut_hi,
    first_child,
    n_children,
    branch_code,
    branch_weight,
    value,
    n_rows,
    gain,
    split_info,
    confidence,
    z,
    collapse,
):
    """Error-based pruning with subtree raising, on the training cases' bin codes.

    J48's ``prune`` with subtree raising: after pruning a node's children, three
    estimates are compared: the node as a leaf, the subtree as it is, and the
    subtree of its largest branch holding all the node's cases. The leaf wins if it
    is within 0.1 errors of both; otherwise, if the largest branch is within 0.1 of
    the subtree, it replaces the node, all the node's cases are sent down it (class
    counts, row counts, branch fractions, gain and split info of every node below
    are recomputed) and the node is pruned again. With ``collapse`` a subtree that
    does not lower the training error becomes a leaf first, as without raising.

    The largest branch is the one with the largest branch fraction (the first on
    ties, as J48's ``maxBag``). A category that a nominal node has no branch for
    is treated as missing there, as predict does. ``route_cut`` is
    :func:`raising_cuts`. The estimate for the largest branch sends the other
    branches' cases with a missing value down by the subtree's current branch
    fractions (J48 recomputes them from all the node's cases first, which differs
    only when values are missing); the re-distribution that follows a raise
    recomputes them.

    Returns modified copies (feature, cut_lo, cut_hi, first_child, n_children,
    branch_weight, value, n_rows, gain, split_info) and is_leaf. A raised node's
    old largest child and its other branches are no longer reachable from the root.
    """
    codes = np.ascontiguousarray(codes)
    if codes.dtype not in (np.uint8, np.uint16):
        codes = np.ascontiguousarray(codes, dtype=np.uint16)
    out = [
        np.array(a, dtype=np.int64)  # copies: the inputs are left alone
        for a in (feature, route_cut, cut_lo, cut_hi, first_child, n_children)
    ]
    feature, route_cut, cut_lo, cut_hi, first_child, n_children = out
    branch_weight = np.array(branch_weight, dtype=np.float64)
    value = np.array(value, dtype=np.float64, order="C")
    n_rows = np.array(n_rows, dtype=np.int64)
    gain = np.array(gain, dtype=np.float64)
    split_info = np.array(split_info, dtype=np.float64)
    is_leaf = n_children == 0
    _prune_with_raising(
        codes,
        np.ascontiguousarray(y, dtype=np.int64),
        np.ascontiguousarray(sample_weight, dtype=np.float64),
        np.ascontiguousarray(n_bins, dtype=np.int64),
        np.ascontiguousarray(is_nominal, dtype=np.bool_).view(np.uint8),
        feature,
        route_cut,
        cut_lo,
        cut_hi,
        first_child,
        n_children,
        np.ascontiguousarray(branch_code, dtype=np.int64),
        branch_weight,
        value,
        n_rows,
        gain,
        split_info,
        is_leaf.view(np.uint8),
        float(confidence),
        float(z),
        bool(collapse),
    )
    return (
        feature,
        cut_lo,
        cut_hi,
        first_child,
        n_children,
        branch_weight,
        value,
        n_rows,
        gain,
        split_info,
        is_leaf,
    )
