# Traversal: route rows of encoded X through a fitted tree (apply / predict_proba).
#
# Two strategies. In a hard tree nearly every row follows one path: rows descend in
# lockstep, and the few that a missing value or a soft band spreads are routed on
# alone, depth first (an explicit stack of (node, weight)). In a tree with soft bands
# whose negligible sides are dropped (min_weight or min_change > 0), most rows are
# spread, and each band decision (inside? a side negligible?) is a branch the CPU
# cannot predict: there a block of rows descends one level per pass, every (row,
# node, weight) piece of the block an entry of the pass's list, decided without
# branches (_spread_block; 25% faster on the 10k benchmark tree). With every side
# followed the depth-first walk is the faster one (rows reach ~90 leaves there,
# and it was 25% faster). Each row's result depends on that row alone, so rows can
# be split among threads and the result is the same for any count.

from cython.parallel cimport prange, threadid
from libc.math cimport isnan
from libc.stdint cimport INT32_MAX
from libc.stdlib cimport free, malloc, realloc

from entree.tree._kernels._common cimport float64_t, int32_t, int64_t

import numpy as np


cdef extern from *:
    """
    #include <stdint.h>
    #include <string.h>
    /* a if c else b through bit masks: compilers make a select of doubles a
       branch, which mispredicts when c depends on the data */
    static inline double entree_pick(int c, double a, double b) {
        uint64_t ua, ub, m = (uint64_t)0 - (uint64_t)(c != 0);
        memcpy(&ua, &a, sizeof ua);
        memcpy(&ub, &b, sizeof ub);
        ua = (ua & m) | (ub & ~m);
        memcpy(&a, &ua, sizeof a);
        return a;
    }
    """
    float64_t pick "entree_pick"(bint c, float64_t a, float64_t b) noexcept nogil


cdef enum:
    # rows routed in lockstep (see _route_block), or level by level together (see
    # _spread_block): enough to overlap their cache misses, few enough that a block's
    # pieces stay in the first-level cache
    BLOCK = 32


cdef struct Piece:
    int32_t row  # within the block
    int32_t node
    float64_t weight


cdef struct Pieces:
    # a growable list of pieces (one per thread, reused from block to block)
    Piece *at
    Py_ssize_t capacity


cdef int _reserve(Pieces *pieces, Py_ssize_t need) noexcept nogil:
    """Room for ``need`` pieces; -1 when memory runs out (the list is kept)."""
    cdef Py_ssize_t capacity = pieces.capacity if pieces.capacity > 0 else 64
    cdef Piece *grown
    if need <= pieces.capacity:
        return 0
    while capacity < need:
        capacity *= 2
    grown = <Piece *>realloc(pieces.at, capacity * sizeof(Piece))
    if grown == NULL:
        return -1
    pieces.at = grown
    pieces.capacity = capacity
    return 0


cdef inline float64_t _smooth_left(float64_t x, float64_t low,
                                   float64_t inverse_width) noexcept nogil:
    """Left share of x in the band (low, high]: a cubic smoothstep from 1 to 0.

    ``inverse_width`` is 1 / (high - low) (``nav`` column 6, as Tree computes it,
    so that every view of the routing rounds alike).
    """
    cdef float64_t v = (x - low) * inverse_width
    return 1.0 - v * v * (3.0 - 2.0 * v)


cdef int64_t _route_row(
    const float64_t *x_row,
    int64_t start,
    const int64_t *nav,
    const float64_t *nav_float,
    Py_ssize_t n_nav,
    bint soft,
    bint normalize,
    const int64_t *children_ptr,
    const int64_t *children,
    const int64_t *branch_category,
    const float64_t *branch_weight,
    const float64_t *node_proba,
    Py_ssize_t n_out,
    float64_t *out_row,
    int64_t *stack_node,
    float64_t *stack_weight,
) noexcept nogil:
    """Mix node_proba rows into out_row over the leaves a row reaches.

    ``nav`` / ``nav_float`` are the C-ordered navigation table (``n_nav`` columns)
    read as integers / floats. The row starts at node ``start`` with its whole
    weight (the root, or where it left the lockstep), and follows both sides of
    every soft band it is inside (no side is dropped: see _spread_block for that).
    Returns the row's heaviest leaf (on ties, the lowest node id).
    """
    cdef Py_ssize_t sp, k
    cdef int64_t node, f, child, right, code, j, c, first
    cdef int64_t heaviest = 0
    cdef const int64_t *at
    cdef float64_t w, x, low, share
    cdef float64_t best_weight = -1.0
    stack_node[0] = start
    stack_weight[0] = 1.0
    sp = 1
    while sp > 0:
        sp -= 1
        node = stack_node[sp]
        w = stack_weight[sp]
        while True:
            at = nav + node * n_nav
            f = at[0]
            if f < 0:
                break
            x = x_row[f]
            child = -1
            if not isnan(x):
                right = at[3]
                if right >= 0:
                    low = nav_float[node * n_nav + 1]
                    if soft and x > low and x <= nav_float[node * n_nav + 4]:
                        # inside the soft band: shared between both sides
                        share = _smooth_left(x, low, nav_float[node * n_nav + 6])
                        stack_node[sp] = right
                        stack_weight[sp] = w * (1.0 - share)
                        sp += 1
                        w = w * share
                        child = at[2]
                    elif x <= low:
                        child = at[2]
                    else:
                        child = right
                else:
                    code = <int64_t>x
                    for j in range(children_ptr[node], children_ptr[node + 1]):
                        if branch_category[children[j]] == code:
                            child = children[j]
                            break
            if child >= 0:
                node = child
                continue
            # spread: follow the first branch here, stack the others
            first = children[children_ptr[node]]
            for j in range(children_ptr[node] + 1, children_ptr[node + 1]):
                c = children[j]
                stack_node[sp] = c
                stack_weight[sp] = w * branch_weight[c]
                sp += 1
            w = w * branch_weight[first]
            node = first
        for k in range(n_out):
            out_row[k] += w * node_proba[node * n_out + k]
        if w > best_weight or (w == best_weight and node < heaviest):
            best_weight = w
            heaviest = node
    if normalize:
        _normalize(out_row, n_out)
    return heaviest


cdef inline void _normalize(float64_t *out_row, Py_ssize_t n_out) noexcept nogil:
    cdef Py_ssize_t k
    cdef float64_t total = 0.0
    for k in range(n_out):
        total += out_row[k]
    for k in range(n_out):
        out_row[k] /= total


cdef void _route_block(
    Py_ssize_t start,
    Py_ssize_t end,
    const float64_t *X,
    Py_ssize_t n_features,
    const int64_t *nav,
    const float64_t *nav_float,
    Py_ssize_t n_nav,
    bint soft,
    bint normalize,
    const int64_t *children_ptr,
    const int64_t *children,
    const int64_t *branch_category,
    const float64_t *branch_weight,
    const float64_t *node_proba,
    Py_ssize_t n_out,
    float64_t *out,
    int64_t *heaviest,
    int64_t *stack_node,
    float64_t *stack_weight,
) noexcept nogil:
    """Route rows start..end (at most BLOCK): single paths in lockstep, others alone.

    Rows descend together one level per pass, so the cache misses of different rows
    overlap. A row that meets a missing value, a soft band or an unseen category
    leaves the lockstep and is routed on from that node by ``_route_row``. A row
    that reaches a leaf on one path gets exactly what ``_route_row`` gives it
    (weight 1).
    """
    cdef int64_t node[BLOCK]
    cdef Py_ssize_t active[BLOCK]
    cdef bint single[BLOCK]
    cdef Py_ssize_t n_active = end - start
    cdef Py_ssize_t a, n_left, r, k
    cdef int64_t f, child, right, code, j
    cdef const int64_t *at
    cdef float64_t x, low, w
    for r in range(n_active):
        node[r] = 0
        active[r] = r
        single[r] = True
    while n_active > 0:
        n_left = 0
        for a in range(n_active):
            r = active[a]
            at = nav + node[r] * n_nav
            f = at[0]
            if f < 0:
                continue  # at its leaf
            x = X[(start + r) * n_features + f]
            child = -1
            if not isnan(x):
                right = at[3]
                if right >= 0:
                    low = nav_float[node[r] * n_nav + 1]
                    if not (soft and x > low and x <= nav_float[node[r] * n_nav + 4]):
                        child = at[2 + (x > low)]  # left or right, without a branch
                else:
                    code = <int64_t>x
                    for j in range(children_ptr[node[r]], children_ptr[node[r] + 1]):
                        if branch_category[children[j]] == code:
                            child = children[j]
                            break
            if child < 0:
                single[r] = False
                continue
            node[r] = child
            active[n_left] = r
            n_left += 1
        n_active = n_left
    w = 1.0
    for r in range(end - start):
        if single[r]:
            for k in range(n_out):
                out[(start + r) * n_out + k] += w * node_proba[node[r] * n_out + k]
            heaviest[start + r] = node[r]
            if normalize:
                _normalize(out + (start + r) * n_out, n_out)
        else:
            heaviest[start + r] = _route_row(
                X + (start + r) * n_features, node[r], nav, nav_float, n_nav, soft,
                normalize,
                children_ptr, children, branch_category, branch_weight, node_proba,
                n_out, out + (start + r) * n_out, stack_node, stack_weight)


cdef int _spread_block(
    Py_ssize_t start,
    Py_ssize_t end,
    const float64_t *X,
    Py_ssize_t n_features,
    const int64_t *nav,
    const float64_t *nav_float,
    Py_ssize_t n_nav,
    float64_t min_weight,
    float64_t min_change,
    bint normalize,
    const int64_t *children_ptr,
    const int64_t *children,
    const int64_t *branch_category,
    const float64_t *branch_weight,
    const float64_t *node_proba,
    Py_ssize_t n_out,
    float64_t *out,
    int64_t *heaviest,
    Pieces *level,
    Pieces *next_level,
    bint find_heaviest,
) noexcept nogil:
    """Route rows start..end (at most BLOCK) of a tree with soft bands, level by level.

    Routes as ``_route_row`` does, except inside a soft band: there a side is
    negligible when its share of the row is below ``min_weight``, or that share
    times the node's class gap (``nav`` column 5) is below ``min_change``; a
    negligible side is not followed and the other takes the piece's whole weight,
    and when both are negligible the larger is followed (the left on a tie). A
    leaf's share of a row is added to the row's output in the order the row's
    pieces reach leaves (level by level, left before right), and ties for the
    heaviest leaf go to the lowest node id. A piece at a numeric split with a
    known value becomes one or two pieces of the next level without a branch: the
    smoothstep share is computed whether or not the value is inside the band, and
    flags decide which pieces are kept. Returns -1 when memory runs out.
    """
    cdef float64_t best[BLOCK]
    cdef Py_ssize_t n_rows = end - start
    cdef Py_ssize_t n_level = n_rows
    cdef Py_ssize_t n_next, i, k, r
    cdef int64_t node, f, left, right, code, j, c, child
    cdef const int64_t *at
    cdef float64_t w, x, low, high, share, gap, on_left, on_right
    cdef bint inside, left_small, right_small, drop_left, drop_right, both, go_left
    cdef Piece *piece
    cdef Pieces swap
    if _reserve(level, n_rows):
        return -1
    for i in range(n_rows):
        level.at[i].row = <int32_t>i
        level.at[i].node = 0
        level.at[i].weight = 1.0
        best[i] = -1.0
        heaviest[start + i] = 0
    while n_level > 0:
        # a numeric split makes at most two pieces of one
        if _reserve(next_level, 2 * n_level):
            return -1
        n_next = 0
        for i in range(n_level):
            node = level.at[i].node
            r = level.at[i].row
            w = level.at[i].weight
            at = nav + node * n_nav
            f = at[0]
            if f < 0:  # a leaf
                for k in range(n_out):
                    out[(start + r) * n_out + k] += w * node_proba[node * n_out + k]
                if find_heaviest and (
                    w > best[r] or (w == best[r] and node < heaviest[start + r])
                ):
                    best[r] = w
                    heaviest[start + r] = node
                continue
            x = X[(start + r) * n_features + f]
            right = at[3]
            if right >= 0 and not isnan(x):
                left = at[2]
                low = nav_float[node * n_nav + 1]
                high = nav_float[node * n_nav + 4]
                gap = nav_float[node * n_nav + 5]
                # the decisions as flags (a node without a band has high == low:
                # never inside, and its share is never used)
                share = _smooth_left(x, low, nav_float[node * n_nav + 6])
                inside = (x > low) & (x <= high)
                on_left = w * share
                on_right = w * (1.0 - share)
                left_small = (on_left < min_weight) | (on_left * gap < min_change)
                right_small = (on_right < min_weight) | (on_right * gap < min_change)
                drop_left = inside & left_small & ((not right_small) | (on_left < on_right))
                drop_right = inside & right_small & (not drop_left)
                both = inside & (not drop_left) & (not drop_right)
                go_left = ((not inside) & (x <= low)) | (inside & (not drop_left))
                # the piece that goes on (left when shared), then the right piece of
                # a shared row, kept only when shared
                piece = next_level.at + n_next
                piece[0].row = <int32_t>r
                piece[0].node = <int32_t>(right + go_left * (left - right))
                piece[0].weight = pick(both, on_left, w)
                piece[1].row = <int32_t>r
                piece[1].node = <int32_t>right
                piece[1].weight = on_right
                n_next += 1 + both
                continue
            # a nominal split, or a missing value: the branch of the category, or
            # every branch with its share of training weight
            child = -1
            if not isnan(x) and right < 0:
                code = <int64_t>x
                for j in range(children_ptr[node], children_ptr[node + 1]):
                    if branch_category[children[j]] == code:
                        child = children[j]
                        break
            if child >= 0:
                next_level.at[n_next].row = <int32_t>r
                next_level.at[n_next].node = <int32_t>child
                next_level.at[n_next].weight = w
                n_next += 1
                continue
            # room for these branches and for two pieces of each piece still to come
            if _reserve(next_level, n_next + (children_ptr[node + 1] - children_ptr[node])
                        + 2 * (n_level - i - 1)):
                return -1
            for j in range(children_ptr[node], children_ptr[node + 1]):
                c = children[j]
                next_level.at[n_next].row = <int32_t>r
                next_level.at[n_next].node = <int32_t>c
                next_level.at[n_next].weight = w * branch_weight[c]
                n_next += 1
        swap = level[0]
        level[0] = next_level[0]
        next_level[0] = swap
        n_level = n_next
    if normalize:
        for r in range(n_rows):
            _normalize(out + (start + r) * n_out, n_out)
    return 0


cdef _spread_rows(
    Py_ssize_t n_samples,
    Py_ssize_t n_blocks,
    const float64_t *X,
    Py_ssize_t n_features,
    const int64_t *nav,
    const float64_t *nav_float,
    Py_ssize_t n_nav,
    float64_t min_weight,
    float64_t min_change,
    bint normalize,
    const int64_t *children_ptr,
    const int64_t *children,
    const int64_t *branch_category,
    const float64_t *branch_weight,
    const float64_t *node_proba,
    Py_ssize_t n_out,
    float64_t *out,
    int64_t *heaviest,
    Py_ssize_t n_nodes,
    bint find_heaviest,
    int n_threads,
):
    """Every block through _spread_block, with two piece lists per thread."""
    cdef Py_ssize_t b, t
    cdef Pieces *lists
    cdef unsigned char *failed
    if n_nodes > INT32_MAX:
        raise ValueError(
            f"Soft routing supports trees of up to {INT32_MAX} nodes; this one has "
            f"{n_nodes}."
        )
    lists = <Pieces *>malloc(2 * n_threads * sizeof(Pieces))
    failed = <unsigned char *>malloc(n_threads)
    if lists == NULL or failed == NULL:
        free(lists)
        free(failed)
        raise MemoryError()
    for t in range(n_threads):
        lists[2 * t].at = NULL
        lists[2 * t].capacity = 0
        lists[2 * t + 1].at = NULL
        lists[2 * t + 1].capacity = 0
        failed[t] = 0
    with nogil:
        if n_threads == 1:
            for b in range(n_blocks):
                if _spread_block(
                    b * BLOCK, min(b * BLOCK + BLOCK, n_samples), X, n_features, nav,
                    nav_float, n_nav, min_weight, min_change, normalize, children_ptr,
                    children, branch_category, branch_weight, node_proba, n_out, out,
                    heaviest, &lists[0], &lists[1], find_heaviest):
                    failed[0] = 1
                    break
        else:
            for b in prange(n_blocks, num_threads=n_threads, schedule="dynamic",
                            chunksize=4):
                t = threadid()
                if not failed[t] and _spread_block(
                    b * BLOCK, min(b * BLOCK + BLOCK, n_samples), X, n_features, nav,
                    nav_float, n_nav, min_weight, min_change, normalize, children_ptr,
                    children, branch_category, branch_weight, node_proba, n_out, out,
                    heaviest, &lists[2 * t], &lists[2 * t + 1], find_heaviest):
                    failed[t] = 1
    out_of_memory = False
    for t in range(n_threads):
        out_of_memory = out_of_memory or failed[t]
        free(lists[2 * t].at)
        free(lists[2 * t + 1].at)
    free(lists)
    free(failed)
    if out_of_memory:
        raise MemoryError()


def traverse(
    const float64_t[:, ::1] X,
    const int64_t[:, ::1] nav,
    const float64_t[:, ::1] nav_float,
    bint soft,
    float64_t min_weight,
    float64_t min_change,
    bint normalize,
    const int64_t[::1] children_ptr,
    const int64_t[::1] children,
    const int64_t[::1] branch_category,
    const float64_t[::1] branch_weight,
    const float64_t[:, ::1] node_proba,
    bint find_heaviest=True,
    int n_threads=1,
):
    """Route every row; returns (mixed node_proba rows, heaviest leaf per row).

    A NaN at a node (missing, or a category unseen in training) sends the row down
    every branch with the branch's share of training weight; a numeric value inside
    a node's soft band goes down both branches with the smoothstep's shares, except
    that a negligible side is dropped (its share of the row below ``min_weight``,
    or that share times the node's class gap below ``min_change``; the other side
    takes the weight: every row's weights still sum to 1; see _spread_block).
    ``soft`` says whether ``nav`` has the band's upper edge, the class gap and
    1 / (band width) (columns 4 to 6); ``normalize`` divides each output row by
    its sum; without ``find_heaviest`` the second result may hold zeros where soft
    rows were routed level by level (predict_proba does not read it). Rows are
    split among ``n_threads`` threads (each row on its own: the same result for
    any count).
    """
    cdef Py_ssize_t n_samples = X.shape[0]
    cdef Py_ssize_t n_nodes = nav.shape[0]
    cdef Py_ssize_t b, t
    cdef int64_t *stack_node
    cdef float64_t *stack_weight
    out_array = np.zeros((n_samples, node_proba.shape[1]))
    heaviest_array = np.zeros(n_samples, dtype=np.int64)
    cdef float64_t[:, ::1] out = out_array
    cdef int64_t[::1] heaviest = heaviest_array
    if n_samples == 0 or n_nodes == 0:
        return out_array, heaviest_array
    if n_threads < 1:
        n_threads = 1
    cdef Py_ssize_t n_nav = nav.shape[1]
    cdef Py_ssize_t n_out = node_proba.shape[1]
    # a lone root has no children: never read, but the pointer must exist
    cdef const int64_t *children_data = &children[0] if children.shape[0] else NULL
    cdef Py_ssize_t n_blocks = (n_samples + BLOCK - 1) // BLOCK
    cdef Py_ssize_t n_features = X.shape[1]
    cdef const float64_t *X_data = &X[0, 0]
    cdef const int64_t *nav_data = &nav[0, 0]
    cdef const float64_t *nav_float_data = &nav_float[0, 0]
    cdef const int64_t *children_ptr_data = &children_ptr[0]
    cdef const int64_t *branch_category_data = &branch_category[0]
    cdef const float64_t *branch_weight_data = &branch_weight[0]
    cdef const float64_t *node_proba_data = &node_proba[0, 0]
    cdef float64_t *out_data = &out[0, 0]
    cdef int64_t *heaviest_data = &heaviest[0]
    if soft and (min_weight > 0.0 or min_change > 0.0):
        _spread_rows(n_samples, n_blocks, X_data, n_features, nav_data, nav_float_data,
                     n_nav, min_weight, min_change, normalize, children_ptr_data,
                     children_data,
                     branch_category_data, branch_weight_data, node_proba_data,
                     n_out, out_data, heaviest_data, n_nodes, find_heaviest,
                     n_threads)
        return out_array, heaviest_array
    # one stack per thread, side by side
    stack_node = <int64_t *>malloc(n_threads * (n_nodes + 1) * sizeof(int64_t))
    stack_weight = <float64_t *>malloc(n_threads * (n_nodes + 1) * sizeof(float64_t))
    if stack_node == NULL or stack_weight == NULL:
        free(stack_node)
        free(stack_weight)
        raise MemoryError()
    with nogil:
        if n_threads == 1:
            for b in range(n_blocks):
                _route_block(
                    b * BLOCK, min(b * BLOCK + BLOCK, n_samples), X_data, n_features,
                    nav_data, nav_float_data, n_nav, soft, normalize,
                    children_ptr_data,
                    children_data, branch_category_data, branch_weight_data,
                    node_proba_data, n_out, out_data, heaviest_data, stack_node,
                    stack_weight)
        else:
            # dynamic: a thread that the OS parks does not hold up the others
            for b in prange(n_blocks, num_threads=n_threads, schedule="dynamic",
                            chunksize=4):
                t = threadid() * (n_nodes + 1)
                _route_block(
                    b * BLOCK, min(b * BLOCK + BLOCK, n_samples), X_data, n_features,
                    nav_data, nav_float_data, n_nav, soft, normalize,
                    children_ptr_data,
                    children_data, branch_category_data, branch_weight_data,
                    node_proba_data, n_out, out_data, heaviest_data, stack_node + t,
                    stack_weight + t)
    free(stack_node)
    free(stack_weight)
    return out_array, heaviest_array
