"""C4.5's subtree raising during error-based pruning.

Subtree raising (on by default in C4.5 and J48, whose ``-S`` turns it off) replaces a
node by the subtree of its largest branch when that subtree, given all of the node's
training cases, is estimated to make fewer errors; the cases are sent down it and the
node is pruned again. Unlike subtree replacement (``_prune``) it needs the training
cases, so it works on the bin codes: depth first with an explicit stack (a recursive
version crashed when loaded from numba's cache, numba issue #6061).
"""

from __future__ import annotations

import numba
import numpy as np

from entree.tree._builder import WEIGHT_EPS, _weighted_entropy
from entree.tree._prefetch import prefetch_row
from entree.tree._prune import added_errors

# How many cases ahead to ask for a scattered case's codes (as the builder does).
_PREFETCH = 16
# Cases walked down the tree together, one level per sweep, so that their memory
# reads overlap (on 1M rows: walks 1.3x faster than one case at a time).
_GROUP = 8


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


@numba.njit(cache=True)
def _leaf_errors(counts, confidence, z):
    """(estimated errors, training errors) of a leaf holding these class counts."""
    total = 0.0
    best = 0.0
    for k in range(counts.shape[0]):
        total += counts[k]
        if counts[k] > best:
            best = counts[k]
    errors = total - best
    return errors + added_errors(total, errors, confidence, z), errors


@numba.njit(cache=True, inline="always")
def _child_at(code, first, n_branch, cut, nb, nominal, branch_code):
    """Child id a code takes at a split whose children are first..first+n_branch-1.

    Numeric: left when ``code <= cut``. Nominal: the child taking that category
    (the builder creates them in ascending category order). -1 when the code is
    missing (``nb``) or a category without a branch here.
    """
    if code == nb:
        return -1
    if not nominal:
        return first if code <= cut else first + 1
    lo = first
    hi = first + n_branch
    while lo < hi:
        mid = (lo + hi) >> 1
        if branch_code[mid] < code:
            lo = mid + 1
        else:
            hi = mid
    if lo < first + n_branch and branch_code[lo] == code:
        return lo
    return -1


@numba.njit(cache=True)
def _navigation(feature, route_cut, first_child, n_children, is_leaf):
    """Per node [feature, route_cut, first child, children (0 on leaves)] in one row.

    Walking a case down the tree reads one 32-byte row per level instead of four
    scattered arrays.
    """
    n_nodes = feature.shape[0]
    nav = np.empty((n_nodes, 4), dtype=np.int64)
    for v in range(n_nodes):
        nav[v, 0] = feature[v]
        nav[v, 1] = route_cut[v]
        nav[v, 2] = first_child[v]
        nav[v, 3] = 0 if is_leaf[v] else n_children[v]
    return nav


@numba.njit(cache=True, inline="always")
def _step(code, nav, v, nb, nominal, branch_code):
    """Child id a code takes at internal node v (its nav row); -1 if none."""
    return _child_at(code, nav[v, 2], nav[v, 3], nav[v, 1], nb, nominal, branch_code)


@numba.njit(cache=True)
def _split_statistics(known_class, unknown_weight):
    """(gain, split_info) of a test from its branches' known class counts.

    The builder's definitions: information gain on the known cases times the known
    fraction; split information over the branches and the unknown bucket.
    """
    n_branch, n_classes = known_class.shape
    known = np.zeros(n_classes)
    info = 0.0
    known_weight = 0.0
    for b in range(n_branch):
        for k in range(n_classes):
            known[k] += known_class[b, k]
        info += _weighted_entropy(known_class[b], known_class[b].sum())
    for k in range(n_classes):
        known_weight += known[k]
    total = known_weight + unknown_weight
    if known_weight <= WEIGHT_EPS:
        return 0.0, 0.0
    gain = (known_weight / total) * max(
        _weighted_entropy(known, known_weight) - info, 0.0
    )
    gain /= known_weight
    split_info = 0.0
    for b in range(n_branch):
        w = 0.0
        for k in range(n_classes):
            w += known_class[b, k]
        if w > WEIGHT_EPS:
            split_info -= (w / total) * np.log2(w / total)
    if unknown_weight > WEIGHT_EPS:
        split_info -= (unknown_weight / total) * np.log2(unknown_weight / total)
    return gain, split_info


@numba.njit(cache=True, inline="always")
def _arrive(
    v, k, w, extra, current, estimated, touched, is_touched, dirty, is_dirty, n
):
    """Add weight w of class k to leaf v's extra counts; n = (touched, dirty)."""
    n_touched, n_dirty = n
    if not is_touched[v]:
        is_touched[v] = True
        touched[n_touched] = v
        n_touched += 1
        current[v] = estimated[v]
    if not is_dirty[v]:
        is_dirty[v] = True
        dirty[n_dirty] = v
        n_dirty += 1
    extra[v, k] += w
    return n_touched, n_dirty


@numba.njit(cache=True)
def _errors_if_raised(
    node,
    largest,
    rows,
    weights,
    seg_start,
    seg_end,
    codes,
    y,
    n_bins,
    is_nominal,
    nav,
    branch_code,
    branch_weight,
    value,
    estimated,
    extra,
    current,
    touched,
    is_touched,
    dirty,
    is_dirty,
    stack_node,
    stack_weight,
    leaf_estimate,
    sub_estimate,
    confidence,
    z,
):
    """Estimated errors of the largest branch's subtree holding all the node's cases.

    The cases of the largest branch already sit in its leaves' counts, so only the
    other branches' cases (``rows[seg_start[c]:seg_end[c]]`` for child c) are sent
    down it; a leaf's estimate changes only where they arrive. A case whose value is
    missing or unseen at a node follows every branch with the branch's fraction.

    A leaf's estimate never falls when cases are added (the error bound grows with
    both n and e, and the errors cannot fall), so the running total is a lower
    bound: once it is high enough that neither a leaf nor the raise can depend on
    the rest (given the node's ``leaf_estimate`` and ``sub_estimate``), that lower
    bound is returned instead.
    """
    top = nav[node, 2] + largest
    # the decision is settled once errors > sub + 0.1 (no raise) and, where the
    # leaf is within 0.1 of the subtree, once the leaf is within 0.1 of errors
    leaf_close = leaf_estimate <= sub_estimate + 0.1
    errors = estimated[top]
    n = (0, 0)  # touched, dirty
    n_classes = value.shape[1]
    counts = np.empty(n_classes)
    slot_node = np.empty(_GROUP, dtype=np.int64)
    settled = False
    for child in range(nav[node, 2], nav[node, 2] + nav[node, 3]):
        if child == top or settled:
            continue
        for i0 in range(seg_start[child], seg_end[child], _GROUP):
            # a group of cases walks down together (see _cases_by_leaf)
            m = min(_GROUP, seg_end[child] - i0)
            active = 0
            for g in range(m):
                slot_node[g] = top if weights[i0 + g] > 0.0 else -1
                active += slot_node[g] >= 0
                if i0 + g + _GROUP < seg_end[child]:
                    # the cases are scattered over the data: ask for the next
                    # group's codes and labels now
                    ahead = rows[i0 + g + _GROUP]
                    prefetch_row(codes, ahead)
                    prefetch_row(y, ahead)
            while active > 0:
                active = 0
                for g in range(m):
                    v = slot_node[g]
                    if v < 0:
                        continue
                    r = rows[i0 + g]
                    if nav[v, 3] == 0:
                        n = _arrive(
                            v, y[r], weights[i0 + g], extra, current, estimated,
                            touched, is_touched, dirty, is_dirty, n,
                        )  # fmt: skip
                        slot_node[g] = -1
                        continue
                    f = nav[v, 0]
                    code = codes[r, f]
                    if code != n_bins[f] and not is_nominal[f]:
                        slot_node[g] = nav[v, 2] + np.int64(code > nav[v, 1])
                        active += 1
                        continue
                    c = _step(code, nav, v, n_bins[f], is_nominal[f], branch_code)
                    if c >= 0:
                        slot_node[g] = c
                        active += 1
                        continue
                    # missing or unseen here: this case goes down every branch
                    slot_node[g] = -1
                    stack_node[0] = v
                    stack_weight[0] = weights[i0 + g]
                    sp = 1
                    while sp > 0:
                        sp -= 1
                        v = stack_node[sp]
                        w = stack_weight[sp]
                        if nav[v, 3] == 0:
                            n = _arrive(
                                v, y[r], w, extra, current, estimated, touched,
                                is_touched, dirty, is_dirty, n,
                            )  # fmt: skip
                            continue
                        f = nav[v, 0]
                        c = _step(
                            codes[r, f], nav, v, n_bins[f], is_nominal[f], branch_code
                        )
                        if c >= 0:
                            stack_node[sp] = c
                            stack_weight[sp] = w
                            sp += 1
                            continue
                        for c in range(nav[v, 2], nav[v, 2] + nav[v, 3]):
                            if branch_weight[c] > 0.0:
                                stack_node[sp] = c
                                stack_weight[sp] = w * branch_weight[c]
                                sp += 1
            if n[1] >= 32 or i0 + m == seg_end[child]:
                # bring the total up to date with the leaves that grew
                for t in range(n[1]):
                    v = dirty[t]
                    is_dirty[v] = False
                    for k in range(n_classes):
                        counts[k] = value[v, k] + extra[v, k]
                    now = _leaf_errors(counts, confidence, z)[0]
                    errors += now - current[v]
                    current[v] = now
                n = (n[0], 0)
                if errors > sub_estimate + 0.1 and (
                    not leaf_close or leaf_estimate <= errors + 0.1
                ):
                    settled = True
                    break
    for t in range(n[1]):
        is_dirty[dirty[t]] = False
    for t in range(n[0]):
        v = touched[t]
        is_touched[v] = False
        for k in range(n_classes):
            extra[v, k] = 0.0
    return errors


@numba.njit(cache=True)
def _grow_buffers(rows, weights, needed):
    """The case buffers, reallocated (doubling) if they hold fewer than ``needed``."""
    if needed <= rows.shape[0]:
        return rows, weights
    cap = rows.shape[0] * 2
    while cap < needed:
        cap *= 2
    new_rows = np.empty(cap, dtype=rows.dtype)
    new_weights = np.empty(cap)
    new_rows[: rows.shape[0]] = rows
    new_weights[: weights.shape[0]] = weights
    return new_rows, new_weights


@numba.njit(cache=True)
def _grow_pieces(piece_row, piece_weight, piece_leaf):
    """The piece arrays with twice the room."""
    n = piece_row.shape[0]
    piece_row, piece_weight = _grow_buffers(piece_row, piece_weight, 2 * n)
    bigger = np.empty(piece_row.shape[0], dtype=np.int64)
    bigger[:n] = piece_leaf
    return piece_row, piece_weight, bigger


@numba.njit(cache=True)
def _spread(
    r,
    node,
    weight,
    codes,
    n_bins,
    is_nominal,
    nav,
    branch_code,
    branch_weight,
    leaf_index,
    stack,
    stack_weight,
    piece_row,
    piece_weight,
    piece_leaf,
    n_pieces,
):
    """Walk row r down from a node where its value is missing or unseen.

    It follows every branch there (and wherever else that happens below) with the
    branch's fraction of its weight; one piece is added per leaf reached. Returns
    the piece arrays (grown if needed) and their new count.
    """
    stack[0] = node
    stack_weight[0] = weight
    sp = 1
    while sp > 0:
        sp -= 1
        v = stack[sp]
        w = stack_weight[sp]
        if nav[v, 3] == 0:
            if n_pieces == piece_row.shape[0]:
                piece_row, piece_weight, piece_leaf = _grow_pieces(
                    piece_row, piece_weight, piece_leaf
                )
            piece_row[n_pieces] = r
            piece_weight[n_pieces] = w
            piece_leaf[n_pieces] = leaf_index[v]
            n_pieces += 1
            continue
        f = nav[v, 0]
        c = _step(codes[r, f], nav, v, n_bins[f], is_nominal[f], branch_code)
        if c >= 0:
            stack[sp] = c
            stack_weight[sp] = w
            sp += 1
            continue
        for c in range(nav[v, 2], nav[v, 2] + nav[v, 3]):
            stack[sp] = c
            stack_weight[sp] = w * branch_weight[c]
            sp += 1
    return piece_row, piece_weight, piece_leaf, n_pieces


@numba.njit(cache=True)
def _cases_by_leaf(
    codes,
    sample_weight,
    n_bins,
    is_nominal,
    feature,
    route_cut,
    first_child,
    n_children,
    branch_code,
    branch_weight,
):
    """The training cases of the grown tree, ordered by leaf, depth first.

    Each row is walked down from the root (a missing or unseen value follows every
    branch by its fraction, as the builder sends a missing one), which leaves one
    piece per leaf it reaches. Pieces are sorted by leaf in depth-first order, so
    the cases of any node are the contiguous pieces ``start[node]:end[node]`` (a
    row split below the node appears as several pieces whose weights add up to its
    weight at the node). Returns (rows, weights, start, end).
    """
    n_samples = codes.shape[0]
    n_nodes = feature.shape[0]
    # leaves numbered depth first; leaf_lo/leaf_hi: the leaves below each node
    leaf_index = np.full(n_nodes, -1, dtype=np.int64)
    stack = np.empty(n_nodes + 1, dtype=np.int64)
    stack[0] = 0
    sp = 1
    n_leaves = 0
    while sp > 0:
        sp -= 1
        v = stack[sp]
        if n_children[v] == 0:
            leaf_index[v] = n_leaves
            n_leaves += 1
            continue
        for c in range(first_child[v] + n_children[v] - 1, first_child[v] - 1, -1):
            stack[sp] = c
            sp += 1
    leaf_lo = np.full(n_nodes, n_leaves, dtype=np.int64)
    leaf_hi = np.zeros(n_nodes, dtype=np.int64)
    for v in range(n_nodes - 1, -1, -1):  # children have larger ids
        if n_children[v] == 0:
            leaf_lo[v] = leaf_index[v]
            leaf_hi[v] = leaf_index[v] + 1
        else:
            for c in range(first_child[v], first_child[v] + n_children[v]):
                leaf_lo[v] = min(leaf_lo[v], leaf_lo[c])
                leaf_hi[v] = max(leaf_hi[v], leaf_hi[c])

    nav = _navigation(feature, route_cut, first_child, n_children, n_children == 0)
    piece_row = np.empty(n_samples + 16, dtype=np.int32)
    piece_weight = np.empty(n_samples + 16)
    piece_leaf = np.empty(n_samples + 16, dtype=np.int64)
    n_pieces = 0
    stack_weight = np.empty(n_nodes + 1)
    # Rows walk down in groups (see _GROUP); a row meeting a missing or unseen
    # value finishes its walk on its own.
    slot_node = np.empty(_GROUP, dtype=np.int64)
    for r0 in range(0, n_samples, _GROUP):
        m = min(_GROUP, n_samples - r0)
        for g in range(m):
            slot_node[g] = 0
        active = m
        while active > 0:
            active = 0
            for g in range(m):
                v = slot_node[g]
                if v < 0:
                    continue
                r = r0 + g
                if nav[v, 3] == 0:
                    if n_pieces == piece_row.shape[0]:
                        piece_row, piece_weight, piece_leaf = _grow_pieces(
                            piece_row, piece_weight, piece_leaf
                        )
                    piece_row[n_pieces] = r
                    piece_weight[n_pieces] = sample_weight[r]
                    piece_leaf[n_pieces] = leaf_index[v]
                    n_pieces += 1
                    slot_node[g] = -1
                    continue
                f = nav[v, 0]
                code = codes[r, f]
                if code != n_bins[f] and not is_nominal[f]:
                    # numeric, without a branch instruction (1.4x faster measured)
                    slot_node[g] = nav[v, 2] + np.int64(code > nav[v, 1])
                    active += 1
                    continue
                c = _step(code, nav, v, n_bins[f], is_nominal[f], branch_code)
                if c >= 0:
                    slot_node[g] = c
                    active += 1
                    continue
                slot_node[g] = -1
                piece_row, piece_weight, piece_leaf, n_pieces = _spread(
                    r,
                    v,
                    sample_weight[r],
                    codes,
                    n_bins,
                    is_nominal,
                    nav,
                    branch_code,
                    branch_weight,
                    leaf_index,
                    stack,
                    stack_weight,
                    piece_row,
                    piece_weight,
                    piece_leaf,
                    n_pieces,
                )

    offset = np.zeros(n_leaves + 1, dtype=np.int64)
    for i in range(n_pieces):
        offset[piece_leaf[i] + 1] += 1
    for j in range(n_leaves):
        offset[j + 1] += offset[j]
    fill = offset[:n_leaves].copy()
    rows = np.empty(n_pieces, dtype=np.int32)
    weights = np.empty(n_pieces)
    for i in range(n_pieces):
        j = fill[piece_leaf[i]]
        rows[j] = piece_row[i]
        weights[j] = piece_weight[i]
        fill[piece_leaf[i]] = j + 1
    start = np.empty(n_nodes, dtype=np.int64)
    end = np.empty(n_nodes, dtype=np.int64)
    for v in range(n_nodes):
        start[v] = offset[leaf_lo[v]]
        end[v] = offset[leaf_hi[v]]
    return rows, weights, start, end


@numba.njit(cache=True)
def _gather(pieces_row, pieces_weight, start, end, rows, weights, top, slot_of_row):
    """Copy the pieces start:end into the buffer at ``top``, one entry per row.

    Returns (rows, weights, new top); ``slot_of_row`` (all -1) is left all -1.
    """
    rows, weights = _grow_buffers(rows, weights, top + end - start)
    n = top
    for i in range(start, end):
        r = pieces_row[i]
        j = slot_of_row[r]
        if j < 0:
            slot_of_row[r] = n
            rows[n] = r
            weights[n] = pieces_weight[i]
            n += 1
        else:
            weights[j] += pieces_weight[i]
    for j in range(top, n):
        slot_of_row[rows[j]] = -1
    return rows, weights, n


@numba.njit(cache=True)
def _send_down(
    node,
    rows,
    weights,
    top,
    seg_start,
    seg_end,
    codes,
    y,
    n_bins,
    is_nominal,
    feature,
    route_cut,
    first_child,
    n_children,
    branch_code,
    branch_weight,
    value,
    n_rows,
    gain,
    split_info,
):
    """Recount a node from its cases and send them down to its children.

    The node's cases are rows[seg_start[node]:seg_end[node]]. Its class counts and
    row count, its children's branch fractions (share of the known weight; kept
    as grown if no weight is known) and its gain and split info are recomputed;
    each child's cases are written at ``top`` on, a missing or unseen value going
    down every branch with the branch's fraction. Returns (rows, weights, top).
    """
    n_classes = value.shape[1]
    start = seg_start[node]
    end = seg_end[node]
    for k in range(n_classes):
        value[node, k] = 0.0
    for i in range(start, end):
        if i + _PREFETCH < end:
            prefetch_row(y, rows[i + _PREFETCH])
        value[node, y[rows[i]]] += weights[i]
    n_rows[node] = end - start
    if n_children[node] == 0:
        return rows, weights, top
    f = feature[node]
    first = first_child[node]
    n_branch = n_children[node]
    branch = np.empty(end - start, dtype=np.int32)
    count = np.zeros(n_branch, dtype=np.int64)
    n_unknown = 0
    known_class = np.zeros((n_branch, n_classes))
    unknown_weight = 0.0
    for i in range(start, end):
        if i + _PREFETCH < end:
            prefetch_row(codes, rows[i + _PREFETCH])
        r = rows[i]
        child = _child_at(
            codes[r, f],
            first,
            n_branch,
            route_cut[node],
            n_bins[f],
            is_nominal[f],
            branch_code,
        )
        b = child - first if child >= 0 else -1
        branch[i - start] = b
        if b < 0:
            n_unknown += 1
            unknown_weight += weights[i]
        else:
            count[b] += 1
            known_class[b, y[r]] += weights[i]
    known_weight = 0.0
    for b in range(n_branch):
        for k in range(n_classes):
            known_weight += known_class[b, k]
    if known_weight > WEIGHT_EPS:
        for b in range(n_branch):
            w = 0.0
            for k in range(n_classes):
                w += known_class[b, k]
            branch_weight[first + b] = w / known_weight
    gain[node], split_info[node] = _split_statistics(known_class, unknown_weight)
    pos = top
    for b in range(n_branch):
        seg_start[first + b] = pos
        seg_end[first + b] = pos
        pos += count[b] + n_unknown
    rows, weights = _grow_buffers(rows, weights, pos)
    for i in range(start, end):
        b = branch[i - start]
        if b >= 0:
            j = seg_end[first + b]
            rows[j] = rows[i]
            weights[j] = weights[i]
            seg_end[first + b] = j + 1
        else:
            for c in range(first, first + n_branch):
                j = seg_end[c]
                rows[j] = rows[i]
                weights[j] = weights[i] * branch_weight[c]
                seg_end[c] = j + 1
    return rows, weights, pos


@numba.njit(cache=True)
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
    n_samples = codes.shape[0]
    n_nodes = first_child.shape[0]
    n_classes = value.shape[1]
    feature = feature.copy()
    route_cut = route_cut.copy()
    cut_lo = cut_lo.copy()
    cut_hi = cut_hi.copy()
    first_child = first_child.copy()
    n_children = n_children.copy()
    branch_weight = branch_weight.copy()
    value = value.copy()
    n_rows = n_rows.copy()
    gain = gain.copy()
    split_info = split_info.copy()
    is_leaf = n_children == 0
    estimated = np.zeros(n_nodes)
    training = np.zeros(n_nodes)
    extra = np.zeros((n_nodes, n_classes))
    current = np.zeros(n_nodes)
    touched = np.empty(n_nodes, dtype=np.int64)
    is_touched = np.zeros(n_nodes, dtype=np.bool_)
    dirty = np.empty(n_nodes, dtype=np.int64)
    is_dirty = np.zeros(n_nodes, dtype=np.bool_)
    route_node = np.empty(n_nodes + 1, dtype=np.int64)
    route_weight = np.empty(n_nodes + 1)
    nav = _navigation(feature, route_cut, first_child, n_children, is_leaf)

    # The cases of the grown tree, by leaf: a node's are pieces[piece_start[v]:
    # piece_end[v]] as long as nothing above it was raised.
    pieces_row, pieces_weight, piece_start, piece_end = _cases_by_leaf(
        codes,
        sample_weight,
        n_bins,
        is_nominal,
        feature,
        route_cut,
        first_child,
        n_children,
        branch_code,
        branch_weight,
    )
    # Cases of the nodes below a raise, stack-allocated in one buffer: node v's
    # are rows[seg_start[v]:seg_end[v]] with their (fractional) weights.
    rows = np.empty(16, dtype=np.int32)
    weights = np.empty(16)
    seg_start = np.zeros(n_nodes, dtype=np.int64)
    seg_end = np.zeros(n_nodes, dtype=np.int64)
    slot_of_row = np.full(n_samples, -1, dtype=np.int64)
    top = 0  # first free entry of the buffer

    # Frames of the depth-first walk: node, whether its cases changed (a raise at
    # or above it: its cases are in the buffer), the buffer's top when it was
    # entered, next child to visit (-1: not entered yet).
    frame_node = np.empty(n_nodes + 1, dtype=np.int64)
    frame_changed = np.zeros(n_nodes + 1, dtype=np.bool_)
    frame_base = np.empty(n_nodes + 1, dtype=np.int64)
    frame_next = np.empty(n_nodes + 1, dtype=np.int64)
    frame_node[0] = 0
    frame_changed[0] = False
    frame_next[0] = -1
    n_frames = 1
    while n_frames > 0:
        at = n_frames - 1
        node = frame_node[at]
        changed = frame_changed[at]
        first = first_child[node]
        n_branch = n_children[node]

        if frame_next[at] < 0:
            # Entering the node (again, after a raise). Below a raise its cases
            # are recounted and sent down to its children.
            frame_base[at] = top
            if changed:
                rows, weights, top = _send_down(
                    node,
                    rows,
                    weights,
                    top,
                    seg_start,
                    seg_end,
                    codes,
                    y,
                    n_bins,
                    is_nominal,
                    feature,
                    route_cut,
                    first_child,
                    n_children,
                    branch_code,
                    branch_weight,
                    value,
                    n_rows,
                    gain,
                    split_info,
                )
            if is_leaf[node]:
                estimated[node], training[node] = _leaf_errors(
                    value[node], confidence, z
                )
                n_frames -= 1
                continue
            frame_next[at] = 0

        if frame_next[at] < n_branch:
            # prune the next child
            child = first + frame_next[at]
            frame_next[at] += 1
            frame_node[n_frames] = child
            frame_changed[n_frames] = changed
            frame_next[n_frames] = -1
            n_frames += 1
            continue

        # All children pruned: leaf, subtree, or the largest branch raised.
        leaf_estimate, leaf_errors = _leaf_errors(value[node], confidence, z)
        sub_estimate = 0.0
        sub_training = 0.0
        largest = 0
        for b in range(n_branch):
            sub_estimate += estimated[first + b]
            sub_training += training[first + b]
            if branch_weight[first + b] > branch_weight[first + largest]:
                largest = b
        make_leaf = collapse and sub_training >= leaf_errors - 1e-3
        raise_largest = False
        if not make_leaf:
            if is_leaf[first + largest]:
                # raising a leaf puts every case in it: the same as a leaf here
                largest_estimate = leaf_estimate
            else:
                # the children's cases: in the buffer below a raise, else by leaf
                if changed:
                    case_row, case_weight = rows, weights
                    case_start, case_end = seg_start, seg_end
                else:
                    case_row, case_weight = pieces_row, pieces_weight
                    case_start, case_end = piece_start, piece_end
                largest_estimate = _errors_if_raised(
                    node,
                    largest,
                    case_row,
                    case_weight,
                    case_start,
                    case_end,
                    codes,
                    y,
                    n_bins,
                    is_nominal,
                    nav,
                    branch_code,
                    branch_weight,
                    value,
                    estimated,
                    extra,
                    current,
                    touched,
                    is_touched,
                    dirty,
                    is_dirty,
                    route_node,
                    route_weight,
                    leaf_estimate,
                    sub_estimate,
                    confidence,
                    z,
                )
            if (
                leaf_estimate <= sub_estimate + 0.1
                and leaf_estimate <= largest_estimate + 0.1
            ):
                make_leaf = True
            elif largest_estimate <= sub_estimate + 0.1:
                raise_largest = True
        top = frame_base[at]  # what it put in the buffer is no longer needed
        if raise_largest:
            # The node takes the largest branch's test and children; all its
            # cases are then sent down them and the node is pruned again.
            if not changed:
                seg_start[node] = top
                rows, weights, top = _gather(
                    pieces_row,
                    pieces_weight,
                    piece_start[node],
                    piece_end[node],
                    rows,
                    weights,
                    top,
                    slot_of_row,
                )
                seg_end[node] = top
            child = first + largest
            feature[node] = feature[child]
            route_cut[node] = route_cut[child]
            cut_lo[node] = cut_lo[child]
            cut_hi[node] = cut_hi[child]
            first_child[node] = first_child[child]
            n_children[node] = n_children[child]
            for j in range(4):
                nav[node, j] = nav[child, j]
            frame_changed[at] = True
            frame_next[at] = -1
            continue
        if make_leaf:
            is_leaf[node] = True
            nav[node, 3] = 0
            estimated[node] = leaf_estimate
            training[node] = leaf_errors
        else:
            estimated[node] = sub_estimate
            training[node] = sub_training
        n_frames -= 1

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
