# C4.5's subtree raising during error-based pruning, on the training cases' bin codes.
#
# Subtree raising replaces a node by the subtree of its largest branch when that
# subtree, given all of the node's training cases, is estimated to make fewer errors;
# the cases are sent down it and the node is pruned again. The pieces:
#
#   leaf_errors (in _prune)   error estimate of a leaf from its class counts
#   subtree_errors            error estimate of a pruned subtree (its children's sum)
#   errors_if_raised          error estimate of the largest branch holding all cases
#   cases_by_leaf, gather     the training cases of a node (grown tree / below a raise)
#   send_down                 recount a node and re-send its cases to its children
#   split_statistics          gain and split info of a test from its branches' counts
#   prune_raising             the depth-first walk (explicit stack) that ties them up
#
# Every kernel is nogil; the only allocations are the work buffers of prune_raising
# (freed before it returns), which report failure as -1 (raised as MemoryError).

from libc.math cimport log2
from libc.stdlib cimport calloc, free, malloc, realloc

from entree.tree._kernels._common cimport (
    WEIGHT_EPS,
    float64_t,
    int32_t,
    int64_t,
    prefetch,
    uint8_t,
    uint16_t,
    weighted_entropy,
)
from entree.tree._kernels._prune cimport leaf_errors

ctypedef fused code_t:
    uint8_t
    uint16_t

cdef enum:
    # how many cases ahead to ask for a scattered case's codes (as the builder does)
    PREFETCH = 16
    # cases walked down the tree together, one level per sweep, so that their
    # memory reads overlap (on 1M rows: walks 1.3x faster than one case at a time)
    GROUP = 8
    # leaves whose counts grew before the raised estimate is brought up to date
    FLUSH = 32
    # a node's navigation row: feature, route cut, first child, children (0: leaf)
    NAV = 4


cdef struct Cases:
    # the training cases (read only); codes are passed beside, as a fused pointer
    const int64_t *y
    const float64_t *sample_weight
    const int64_t *n_bins
    const uint8_t *is_nominal
    Py_ssize_t n_samples
    Py_ssize_t n_features


cdef struct Nodes:
    # the tree being pruned, changed in place
    int64_t *feature
    int64_t *route_cut
    int64_t *cut_lo
    int64_t *cut_hi
    int64_t *first_child
    int64_t *n_children
    const int64_t *branch_code
    float64_t *branch_weight
    float64_t *value
    int64_t *n_rows
    float64_t *gain
    float64_t *split_info
    uint8_t *is_leaf
    int64_t *nav
    Py_ssize_t n_nodes
    Py_ssize_t n_classes


cdef struct Buffer:
    # case list: rows with their (fractional) weights, grown by doubling
    int32_t *rows
    float64_t *weights
    Py_ssize_t cap


cdef struct Pieces:
    # one entry per (row, leaf reached) of the grown tree
    int32_t *row
    float64_t *weight
    int64_t *leaf
    Py_ssize_t n
    Py_ssize_t cap


cdef struct Raised:
    # the estimate of a raised subtree: leaves whose counts changed, and how
    float64_t *extra       # n_nodes x n_classes: class weight added to each leaf
    float64_t *current     # a touched leaf's estimate with its extra counts
    int64_t *touched       # leaves with extra counts ...
    uint8_t *is_touched
    int64_t *dirty         # ... and those whose estimate is not up to date
    uint8_t *is_dirty
    float64_t *counts      # n_classes
    Py_ssize_t n_touched
    Py_ssize_t n_dirty


cdef struct Work:
    float64_t *estimated   # per node, after it is pruned
    float64_t *training
    int64_t *stack_node    # n_nodes + 1: a case going down every branch
    float64_t *stack_weight
    Raised raised
    # the cases of the grown tree by leaf: node v's are pieces[piece_start[v]:
    # piece_end[v]] as long as nothing above it was raised
    int32_t *piece_row
    float64_t *piece_weight
    int64_t *piece_start
    int64_t *piece_end
    # cases of the nodes below a raise, stack-allocated in one buffer: node v's are
    # rows[seg_start[v]:seg_end[v]]
    Buffer buffer
    int64_t *seg_start
    int64_t *seg_end
    int64_t *slot_of_row   # n_samples, all -1 between calls of gather
    # send_down scratch
    int32_t *branch
    Py_ssize_t branch_cap
    int64_t *count         # max children
    float64_t *known_class # max children x n_classes
    float64_t *known       # n_classes
    # frames of the depth-first walk
    int64_t *frame_node
    uint8_t *frame_changed
    int64_t *frame_base
    int64_t *frame_next


# -- walking a case down -------------------------------------------------------------

cdef inline int64_t child_at(int64_t code, int64_t first, int64_t n_branch, int64_t cut,
                             int64_t nb, bint nominal,
                             const int64_t *branch_code) noexcept nogil:
    """Child id a code takes at a split whose children are first..first+n_branch-1.

    Numeric: left when ``code <= cut``. Nominal: the child taking that category
    (the builder creates them in ascending category order). -1 when the code is
    missing (``nb``) or a category without a branch here.
    """
    cdef int64_t lo, hi, mid
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


cdef inline int64_t step(int64_t code, const int64_t *nav, int64_t v, int64_t nb,
                         bint nominal, const int64_t *branch_code) noexcept nogil:
    """Child id a code takes at internal node v (its nav row); -1 if none."""
    return child_at(code, nav[v * NAV + 2], nav[v * NAV + 3], nav[v * NAV + 1], nb,
                    nominal, branch_code)


cdef void navigation(Nodes *t) noexcept nogil:
    """Per node [feature, route_cut, first child, children (0 on leaves)] in one row.

    Walking a case down the tree reads one 32-byte row per level instead of four
    scattered arrays.
    """
    cdef Py_ssize_t v
    for v in range(t.n_nodes):
        t.nav[v * NAV] = t.feature[v]
        t.nav[v * NAV + 1] = t.route_cut[v]
        t.nav[v * NAV + 2] = t.first_child[v]
        t.nav[v * NAV + 3] = 0 if t.is_leaf[v] else t.n_children[v]


# -- node statistics ---------------------------------------------------------------

cdef void split_statistics(const float64_t *known_class, Py_ssize_t n_branch,
                           Py_ssize_t n_classes, float64_t unknown_weight,
                           float64_t *known, float64_t *gain,
                           float64_t *split_info) noexcept nogil:
    """Gain and split info of a test from its branches' known class counts.

    The builder's definitions: information gain on the known cases times the known
    fraction; split information over the branches and the unknown bucket. ``known``
    is scratch for n_classes.
    """
    cdef Py_ssize_t b, k
    cdef float64_t info = 0.0, known_weight = 0.0, total, w, rest, g, s
    cdef const float64_t *row
    for k in range(n_classes):
        known[k] = 0.0
    for b in range(n_branch):
        row = known_class + b * n_classes
        w = 0.0
        for k in range(n_classes):
            known[k] += row[k]
            w += row[k]
        info += weighted_entropy(row, n_classes, w)
    for k in range(n_classes):
        known_weight += known[k]
    total = known_weight + unknown_weight
    if known_weight <= WEIGHT_EPS:
        gain[0] = 0.0
        split_info[0] = 0.0
        return
    rest = weighted_entropy(known, n_classes, known_weight) - info
    g = (known_weight / total) * (0.0 if 0.0 > rest else rest)
    g /= known_weight
    s = 0.0
    for b in range(n_branch):
        w = 0.0
        for k in range(n_classes):
            w += known_class[b * n_classes + k]
        if w > WEIGHT_EPS:
            s -= (w / total) * log2(w / total)
    if unknown_weight > WEIGHT_EPS:
        s -= (unknown_weight / total) * log2(unknown_weight / total)
    gain[0] = g
    split_info[0] = s


cdef void recount_node(int64_t node, const int32_t *rows, const float64_t *weights,
                       int64_t start, int64_t end, const Cases *cases,
                       Nodes *t) noexcept nogil:
    """A node's class counts and row count from its cases rows[start:end]."""
    cdef float64_t *value = t.value + node * t.n_classes
    cdef Py_ssize_t k
    cdef int64_t i
    for k in range(t.n_classes):
        value[k] = 0.0
    for i in range(start, end):
        if i + PREFETCH < end:
            prefetch(&cases.y[rows[i + PREFETCH]])
        value[cases.y[rows[i]]] += weights[i]
    t.n_rows[node] = end - start


cdef int grow_buffer(Buffer *buffer, Py_ssize_t needed) noexcept nogil:
    """Make room for ``needed`` cases (doubling); -1 when out of memory."""
    cdef Py_ssize_t cap
    cdef int32_t *rows
    cdef float64_t *weights
    if needed <= buffer.cap:
        return 0
    cap = buffer.cap * 2
    while cap < needed:
        cap *= 2
    rows = <int32_t *>realloc(buffer.rows, cap * sizeof(int32_t))
    if rows == NULL:
        return -1
    buffer.rows = rows
    weights = <float64_t *>realloc(buffer.weights, cap * sizeof(float64_t))
    if weights == NULL:
        return -1
    buffer.weights = weights
    buffer.cap = cap
    return 0


cdef int64_t send_down(int64_t node, int64_t top, const code_t *codes,
                       const Cases *cases, Nodes *t, Work *w) noexcept nogil:
    """Recount a node from its cases and send them down to its children.

    The node's cases are rows[seg_start[node]:seg_end[node]] of the buffer. Its class
    counts and row count, its children's branch fractions (share of the known
    weight; kept as grown if no weight is known) and its gain and split info are
    recomputed; each child's cases are written at ``top`` on, a missing or unseen
    value going down every branch with the branch's fraction. Returns the new top
    (-1 when out of memory).
    """
    cdef int64_t start = w.seg_start[node], end = w.seg_end[node]
    cdef Py_ssize_t n_classes = t.n_classes, nf = cases.n_features
    cdef int64_t f, first, n_branch, i, r, child, b, c, j, pos, n_unknown = 0
    cdef int64_t nb, cut
    cdef bint nominal
    cdef float64_t unknown_weight = 0.0, known_weight = 0.0, wb
    cdef Py_ssize_t k
    cdef int32_t *rows
    cdef float64_t *weights
    cdef int32_t *grown
    recount_node(node, w.buffer.rows, w.buffer.weights, start, end, cases, t)
    if t.n_children[node] == 0:
        return top
    f = t.feature[node]
    first = t.first_child[node]
    n_branch = t.n_children[node]
    nb = cases.n_bins[f]
    nominal = cases.is_nominal[f]
    cut = t.route_cut[node]
    if end - start > w.branch_cap:
        grown = <int32_t *>realloc(w.branch, (end - start) * sizeof(int32_t))
        if grown == NULL:
            return -1
        w.branch = grown
        w.branch_cap = end - start
    for b in range(n_branch):
        w.count[b] = 0
    for k in range(n_branch * n_classes):
        w.known_class[k] = 0.0
    rows = w.buffer.rows
    weights = w.buffer.weights
    for i in range(start, end):
        if i + PREFETCH < end:
            prefetch(&codes[rows[i + PREFETCH] * nf])
        r = rows[i]
        child = child_at(codes[r * nf + f], first, n_branch, cut, nb, nominal,
                         t.branch_code)
        b = child - first if child >= 0 else -1
        w.branch[i - start] = <int32_t>b
        if b < 0:
            n_unknown += 1
            unknown_weight += weights[i]
        else:
            w.count[b] += 1
            w.known_class[b * n_classes + cases.y[r]] += weights[i]
    for b in range(n_branch):
        for k in range(n_classes):
            known_weight += w.known_class[b * n_classes + k]
    if known_weight > WEIGHT_EPS:
        for b in range(n_branch):
            wb = 0.0
            for k in range(n_classes):
                wb += w.known_class[b * n_classes + k]
            t.branch_weight[first + b] = wb / known_weight
    split_statistics(w.known_class, n_branch, n_classes, unknown_weight, w.known,
                     &t.gain[node], &t.split_info[node])
    pos = top
    for b in range(n_branch):
        w.seg_start[first + b] = pos
        w.seg_end[first + b] = pos
        pos += w.count[b] + n_unknown
    if grow_buffer(&w.buffer, pos) < 0:
        return -1
    rows = w.buffer.rows
    weights = w.buffer.weights
    for i in range(start, end):
        b = w.branch[i - start]
        if b >= 0:
            j = w.seg_end[first + b]
            rows[j] = rows[i]
            weights[j] = weights[i]
            w.seg_end[first + b] = j + 1
        else:
            for c in range(first, first + n_branch):
                j = w.seg_end[c]
                rows[j] = rows[i]
                weights[j] = weights[i] * t.branch_weight[c]
                w.seg_end[c] = j + 1
    return pos


# -- the cases of the grown tree ------------------------------------------------------

cdef int add_piece(Pieces *p, int64_t r, float64_t weight,
                   int64_t leaf) noexcept nogil:
    """Append one piece (doubling the room when full); -1 when out of memory."""
    cdef Py_ssize_t cap
    cdef void *grown
    if p.n == p.cap:
        cap = 2 * p.cap
        grown = realloc(p.row, cap * sizeof(int32_t))
        if grown == NULL:
            return -1
        p.row = <int32_t *>grown
        grown = realloc(p.weight, cap * sizeof(float64_t))
        if grown == NULL:
            return -1
        p.weight = <float64_t *>grown
        grown = realloc(p.leaf, cap * sizeof(int64_t))
        if grown == NULL:
            return -1
        p.leaf = <int64_t *>grown
        p.cap = cap
    p.row[p.n] = <int32_t>r
    p.weight[p.n] = weight
    p.leaf[p.n] = leaf
    p.n += 1
    return 0


cdef int spread(int64_t r, int64_t node, float64_t weight, const code_t *codes,
                const Cases *cases, const Nodes *t, const int64_t *leaf_index,
                int64_t *stack, float64_t *stack_weight, Pieces *p) noexcept nogil:
    """Walk row r down from a node where its value is missing or unseen.

    It follows every branch there (and wherever else that happens below) with the
    branch's fraction of its weight; one piece is added per leaf reached. -1 when
    out of memory.
    """
    cdef const int64_t *nav = t.nav
    cdef Py_ssize_t sp = 1
    cdef int64_t v, f, c
    cdef float64_t wv
    stack[0] = node
    stack_weight[0] = weight
    while sp > 0:
        sp -= 1
        v = stack[sp]
        wv = stack_weight[sp]
        if nav[v * NAV + 3] == 0:
            if add_piece(p, r, wv, leaf_index[v]) < 0:
                return -1
            continue
        f = nav[v * NAV]
        c = step(codes[r * cases.n_features + f], nav, v, cases.n_bins[f],
                 cases.is_nominal[f], t.branch_code)
        if c >= 0:
            stack[sp] = c
            stack_weight[sp] = wv
            sp += 1
            continue
        for c in range(nav[v * NAV + 2], nav[v * NAV + 2] + nav[v * NAV + 3]):
            stack[sp] = c
            stack_weight[sp] = wv * t.branch_weight[c]
            sp += 1
    return 0


cdef Py_ssize_t number_leaves(const Nodes *t, int64_t *leaf_index, int64_t *leaf_lo,
                              int64_t *leaf_hi, int64_t *stack) noexcept nogil:
    """Leaves numbered depth first, and per node the range of leaves below it.

    Returns the number of leaves.
    """
    cdef Py_ssize_t sp = 1, n_leaves = 0, v
    cdef int64_t c
    for v in range(t.n_nodes):
        leaf_index[v] = -1
    stack[0] = 0
    while sp > 0:
        sp -= 1
        v = stack[sp]
        if t.n_children[v] == 0:
            leaf_index[v] = n_leaves
            n_leaves += 1
            continue
        c = t.first_child[v] + t.n_children[v] - 1
        while c > t.first_child[v] - 1:
            stack[sp] = c
            sp += 1
            c -= 1
    for v in range(t.n_nodes):
        leaf_lo[v] = n_leaves
        leaf_hi[v] = 0
    for v in range(t.n_nodes - 1, -1, -1):  # children have larger ids
        if t.n_children[v] == 0:
            leaf_lo[v] = leaf_index[v]
            leaf_hi[v] = leaf_index[v] + 1
        else:
            for c in range(t.first_child[v], t.first_child[v] + t.n_children[v]):
                leaf_lo[v] = leaf_lo[v] if leaf_lo[v] <= leaf_lo[c] else leaf_lo[c]
                leaf_hi[v] = leaf_hi[v] if leaf_hi[v] >= leaf_hi[c] else leaf_hi[c]
    return n_leaves


cdef int walk_to_leaves(const code_t *codes, const Cases *cases, const Nodes *t,
                        const int64_t *leaf_index, int64_t *stack,
                        float64_t *stack_weight, Pieces *p) noexcept nogil:
    """Every row walked down from the root: one piece per leaf it reaches.

    Rows walk down in groups (see GROUP); a row meeting a missing or unseen value
    finishes its walk on its own (``spread``). -1 when out of memory.
    """
    cdef const int64_t *nav = t.nav
    cdef Py_ssize_t nf = cases.n_features
    cdef int64_t slot_node[GROUP]
    cdef int64_t r0, r, v, f, code, c, m, g, active
    r0 = 0
    while r0 < cases.n_samples:
        m = GROUP if GROUP < cases.n_samples - r0 else cases.n_samples - r0
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
                if nav[v * NAV + 3] == 0:
                    if add_piece(p, r, cases.sample_weight[r], leaf_index[v]) < 0:
                        return -1
                    slot_node[g] = -1
                    continue
                f = nav[v * NAV]
                code = codes[r * nf + f]
                if code != cases.n_bins[f] and not cases.is_nominal[f]:
                    # numeric, without a branch instruction (1.4x faster measured)
                    slot_node[g] = nav[v * NAV + 2] + (code > nav[v * NAV + 1])
                    active += 1
                    continue
                c = step(code, nav, v, cases.n_bins[f], cases.is_nominal[f],
                         t.branch_code)
                if c >= 0:
                    slot_node[g] = c
                    active += 1
                    continue
                slot_node[g] = -1
                if spread(r, v, cases.sample_weight[r], codes, cases, t, leaf_index,
                          stack, stack_weight, p) < 0:
                    return -1
        r0 += GROUP
    return 0


cdef void sort_pieces(const Pieces *p, Py_ssize_t n_leaves, int64_t *offset,
                      int64_t *fill, int32_t *row, float64_t *weight) noexcept nogil:
    """Counting sort (stable) of the pieces by leaf into row and weight; offset
    (n_leaves + 1, zeroed) receives where each leaf's pieces start."""
    cdef Py_ssize_t i, j
    for i in range(p.n):
        offset[p.leaf[i] + 1] += 1
    for j in range(n_leaves):
        offset[j + 1] += offset[j]
    for j in range(n_leaves):
        fill[j] = offset[j]
    for i in range(p.n):
        j = fill[p.leaf[i]]
        row[j] = p.row[i]
        weight[j] = p.weight[i]
        fill[p.leaf[i]] = j + 1


cdef int cases_by_leaf(const code_t *codes, const Cases *cases, const Nodes *t,
                       Work *w) noexcept nogil:
    """The training cases of the grown tree, ordered by leaf, depth first.

    Each row is walked down from the root (a missing or unseen value follows every
    branch by its fraction, as the builder sends a missing one), which leaves one
    piece per leaf it reaches. Pieces are sorted by leaf in depth-first order, so
    the cases of any node are the contiguous pieces ``piece_start[node]:
    piece_end[node]`` (a row split below the node appears as several pieces whose
    weights add up to its weight at the node). Sets w.piece_*; -1 when out of
    memory.
    """
    cdef Py_ssize_t n_nodes = t.n_nodes, n_leaves, v
    cdef int64_t *leaf_index = <int64_t *>malloc(n_nodes * sizeof(int64_t))
    cdef int64_t *leaf_lo = <int64_t *>malloc(n_nodes * sizeof(int64_t))
    cdef int64_t *leaf_hi = <int64_t *>malloc(n_nodes * sizeof(int64_t))
    cdef int64_t *offset = NULL
    cdef int64_t *fill = NULL
    cdef Pieces p
    cdef int status = -1
    p.n = 0
    p.cap = cases.n_samples + 16
    p.row = <int32_t *>malloc(p.cap * sizeof(int32_t))
    p.weight = <float64_t *>malloc(p.cap * sizeof(float64_t))
    p.leaf = <int64_t *>malloc(p.cap * sizeof(int64_t))
    if (leaf_index != NULL and leaf_lo != NULL and leaf_hi != NULL and p.row != NULL
            and p.weight != NULL and p.leaf != NULL):
        n_leaves = number_leaves(t, leaf_index, leaf_lo, leaf_hi, w.stack_node)
        if walk_to_leaves(codes, cases, t, leaf_index, w.stack_node, w.stack_weight,
                          &p) == 0:
            offset = <int64_t *>calloc(n_leaves + 1, sizeof(int64_t))
            fill = <int64_t *>malloc((n_leaves + 1) * sizeof(int64_t))
            w.piece_row = <int32_t *>malloc((p.n + 1) * sizeof(int32_t))
            w.piece_weight = <float64_t *>malloc((p.n + 1) * sizeof(float64_t))
            if (offset != NULL and fill != NULL and w.piece_row != NULL
                    and w.piece_weight != NULL):
                sort_pieces(&p, n_leaves, offset, fill, w.piece_row, w.piece_weight)
                for v in range(n_nodes):
                    w.piece_start[v] = offset[leaf_lo[v]]
                    w.piece_end[v] = offset[leaf_hi[v]]
                status = 0
    free(leaf_index)
    free(leaf_lo)
    free(leaf_hi)
    free(offset)
    free(fill)
    free(p.row)
    free(p.weight)
    free(p.leaf)
    return status


cdef int64_t gather(int64_t start, int64_t end, int64_t top, Work *w) noexcept nogil:
    """Copy the pieces start:end into the buffer at ``top``, one entry per row.

    Returns the new top (-1 when out of memory); slot_of_row (all -1) is left all -1.
    """
    cdef int64_t n = top, i, j, r
    if grow_buffer(&w.buffer, top + end - start) < 0:
        return -1
    for i in range(start, end):
        r = w.piece_row[i]
        j = w.slot_of_row[r]
        if j < 0:
            w.slot_of_row[r] = n
            w.buffer.rows[n] = <int32_t>r
            w.buffer.weights[n] = w.piece_weight[i]
            n += 1
        else:
            w.buffer.weights[j] += w.piece_weight[i]
    for j in range(top, n):
        w.slot_of_row[w.buffer.rows[j]] = -1
    return n


# -- the estimate of a raised subtree ---------------------------------------------

cdef inline void arrive(Raised *s, int64_t v, int64_t k, float64_t weight,
                        Py_ssize_t n_classes, const float64_t *estimated) noexcept nogil:
    """Add weight of class k to leaf v's extra counts."""
    if not s.is_touched[v]:
        s.is_touched[v] = True
        s.touched[s.n_touched] = v
        s.n_touched += 1
        s.current[v] = estimated[v]
    if not s.is_dirty[v]:
        s.is_dirty[v] = True
        s.dirty[s.n_dirty] = v
        s.n_dirty += 1
    s.extra[v * n_classes + k] += weight


cdef void arrive_everywhere(int64_t r, int64_t node, float64_t weight,
                            const code_t *codes, const Cases *cases, const Nodes *t,
                            const float64_t *estimated, int64_t *stack,
                            float64_t *stack_weight, Raised *s) noexcept nogil:
    """A case from a node where its value is missing or unseen: down every branch
    (with a fraction above zero), by the branch's fraction of its weight."""
    cdef const int64_t *nav = t.nav
    cdef Py_ssize_t sp = 1
    cdef int64_t v, f, c
    cdef float64_t wv
    stack[0] = node
    stack_weight[0] = weight
    while sp > 0:
        sp -= 1
        v = stack[sp]
        wv = stack_weight[sp]
        if nav[v * NAV + 3] == 0:
            arrive(s, v, cases.y[r], wv, t.n_classes, estimated)
            continue
        f = nav[v * NAV]
        c = step(codes[r * cases.n_features + f], nav, v, cases.n_bins[f],
                 cases.is_nominal[f], t.branch_code)
        if c >= 0:
            stack[sp] = c
            stack_weight[sp] = wv
            sp += 1
            continue
        for c in range(nav[v * NAV + 2], nav[v * NAV + 2] + nav[v * NAV + 3]):
            if t.branch_weight[c] > 0.0:
                stack[sp] = c
                stack_weight[sp] = wv * t.branch_weight[c]
                sp += 1


cdef float64_t update_errors(float64_t errors, const Nodes *t, Raised *s,
                             float64_t confidence, float64_t z) noexcept nogil:
    """The running total with the dirty leaves' estimates brought up to date."""
    cdef Py_ssize_t i, k, n_classes = t.n_classes
    cdef int64_t v
    cdef float64_t now, leaf_errs
    for i in range(s.n_dirty):
        v = s.dirty[i]
        s.is_dirty[v] = False
        for k in range(n_classes):
            s.counts[k] = t.value[v * n_classes + k] + s.extra[v * n_classes + k]
        now = leaf_errors(s.counts, n_classes, confidence, z, &leaf_errs)
        errors += now - s.current[v]
        s.current[v] = now
    s.n_dirty = 0
    return errors


cdef float64_t errors_if_raised(int64_t node, int64_t largest, const int32_t *rows,
                                const float64_t *weights, const int64_t *seg_start,
                                const int64_t *seg_end, const code_t *codes,
                                const Cases *cases, const Nodes *t, Work *w,
                                float64_t leaf_estimate, float64_t sub_estimate,
                                float64_t confidence, float64_t z) noexcept nogil:
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
    cdef const int64_t *nav = t.nav
    cdef const int64_t *y = cases.y
    cdef const int64_t *n_bins = cases.n_bins
    cdef const uint8_t *is_nominal = cases.is_nominal
    cdef Py_ssize_t nf = cases.n_features, i, k
    cdef Raised *s = &w.raised
    cdef int64_t top = nav[node * NAV + 2] + largest
    # the decision is settled once errors > sub + 0.1 (no raise) and, where the
    # leaf is within 0.1 of the subtree, once the leaf is within 0.1 of errors
    cdef bint leaf_close = leaf_estimate <= sub_estimate + 0.1
    cdef float64_t errors = w.estimated[top]
    cdef bint settled = False
    cdef int64_t slot_node[GROUP]
    cdef int64_t child, i0, end, m, g, active, ahead, v, r, f, code, c
    s.n_touched = 0
    s.n_dirty = 0
    for child in range(nav[node * NAV + 2], nav[node * NAV + 2] + nav[node * NAV + 3]):
        if child == top or settled:
            continue
        end = seg_end[child]
        i0 = seg_start[child]
        while i0 < end:
            # a group of cases walks down together (see walk_to_leaves)
            m = GROUP if GROUP < end - i0 else end - i0
            active = 0
            for g in range(m):
                slot_node[g] = top if weights[i0 + g] > 0.0 else -1
                active += slot_node[g] >= 0
                if i0 + g + GROUP < end:
                    # the cases are scattered over the data: ask for the next
                    # group's codes and labels now
                    ahead = rows[i0 + g + GROUP]
                    prefetch(&codes[ahead * nf])
                    prefetch(&y[ahead])
            while active > 0:
                active = 0
                for g in range(m):
                    v = slot_node[g]
                    if v < 0:
                        continue
                    r = rows[i0 + g]
                    if nav[v * NAV + 3] == 0:
                        arrive(s, v, y[r], weights[i0 + g], t.n_classes, w.estimated)
                        slot_node[g] = -1
                        continue
                    f = nav[v * NAV]
                    code = codes[r * nf + f]
                    if code != n_bins[f] and not is_nominal[f]:
                        slot_node[g] = nav[v * NAV + 2] + (code > nav[v * NAV + 1])
                        active += 1
                        continue
                    c = step(code, nav, v, n_bins[f], is_nominal[f], t.branch_code)
                    if c >= 0:
                        slot_node[g] = c
                        active += 1
                        continue
                    # missing or unseen here: this case goes down every branch
                    slot_node[g] = -1
                    arrive_everywhere(r, v, weights[i0 + g], codes, cases, t,
                                      w.estimated, w.stack_node, w.stack_weight, s)
            if s.n_dirty >= FLUSH or i0 + m == end:
                # bring the total up to date with the leaves that grew
                errors = update_errors(errors, t, s, confidence, z)
                if errors > sub_estimate + 0.1 and (
                    not leaf_close or leaf_estimate <= errors + 0.1
                ):
                    settled = True
                    break
            i0 += GROUP
    for i in range(s.n_dirty):
        s.is_dirty[s.dirty[i]] = False
    for i in range(s.n_touched):
        v = s.touched[i]
        s.is_touched[v] = False
        for k in range(t.n_classes):
            s.extra[v * t.n_classes + k] = 0.0
    return errors


# -- pruning -----------------------------------------------------------------------

cdef int64_t subtree_errors(const Nodes *t, const Work *w, int64_t node,
                            float64_t *sub_estimate,
                            float64_t *sub_training) noexcept nogil:
    """Estimated and training errors of a node's pruned subtree (its children's
    sums); returns the largest branch (largest fraction, the first on ties, as
    J48's ``maxBag``)."""
    cdef int64_t first = t.first_child[node], b, largest = 0
    cdef float64_t estimate = 0.0, training = 0.0
    for b in range(t.n_children[node]):
        estimate += w.estimated[first + b]
        training += w.training[first + b]
        if t.branch_weight[first + b] > t.branch_weight[first + largest]:
            largest = b
    sub_estimate[0] = estimate
    sub_training[0] = training
    return largest


cdef void take_test_of(Nodes *t, int64_t node, int64_t child) noexcept nogil:
    """The node takes a child's test and children (a raise)."""
    cdef Py_ssize_t j
    t.feature[node] = t.feature[child]
    t.route_cut[node] = t.route_cut[child]
    t.cut_lo[node] = t.cut_lo[child]
    t.cut_hi[node] = t.cut_hi[child]
    t.first_child[node] = t.first_child[child]
    t.n_children[node] = t.n_children[child]
    for j in range(NAV):
        t.nav[node * NAV + j] = t.nav[child * NAV + j]


cdef int walk(const code_t *codes, const Cases *cases, Nodes *t, Work *w,
              float64_t confidence, float64_t z, bint collapse) noexcept nogil:
    """The depth-first pruning walk with subtree raising (see prune_with_raising)."""
    cdef Py_ssize_t n_frames = 1, at
    cdef int64_t node, first, n_branch, child, largest, top = 0
    cdef bint changed, make_leaf, raise_largest
    cdef float64_t leaf_estimate, leaf_errs, sub_estimate, sub_training
    cdef float64_t largest_estimate
    w.frame_node[0] = 0
    w.frame_changed[0] = False
    w.frame_next[0] = -1
    while n_frames > 0:
        at = n_frames - 1
        node = w.frame_node[at]
        changed = w.frame_changed[at]
        first = t.first_child[node]
        n_branch = t.n_children[node]

        if w.frame_next[at] < 0:
            # Entering the node (again, after a raise). Below a raise its cases
            # are recounted and sent down to its children.
            w.frame_base[at] = top
            if changed:
                top = send_down(node, top, codes, cases, t, w)
                if top < 0:
                    return -1
            if t.is_leaf[node]:
                w.estimated[node] = leaf_errors(&t.value[node * t.n_classes],
                                                t.n_classes, confidence, z,
                                                &w.training[node])
                n_frames -= 1
                continue
            w.frame_next[at] = 0

        if w.frame_next[at] < n_branch:
            # prune the next child
            child = first + w.frame_next[at]
            w.frame_next[at] += 1
            w.frame_node[n_frames] = child
            w.frame_changed[n_frames] = changed
            w.frame_next[n_frames] = -1
            n_frames += 1
            continue

        # All children pruned: leaf, subtree, or the largest branch raised.
        leaf_estimate = leaf_errors(&t.value[node * t.n_classes], t.n_classes,
                                    confidence, z, &leaf_errs)
        largest = subtree_errors(t, w, node, &sub_estimate, &sub_training)
        make_leaf = collapse and sub_training >= leaf_errs - 1e-3
        raise_largest = False
        if not make_leaf:
            if t.is_leaf[first + largest]:
                # raising a leaf puts every case in it: the same as a leaf here
                largest_estimate = leaf_estimate
            elif changed:
                # the children's cases: in the buffer below a raise, else by leaf
                largest_estimate = errors_if_raised(
                    node, largest, w.buffer.rows, w.buffer.weights, w.seg_start,
                    w.seg_end, codes, cases, t, w, leaf_estimate, sub_estimate,
                    confidence, z)
            else:
                largest_estimate = errors_if_raised(
                    node, largest, w.piece_row, w.piece_weight, w.piece_start,
                    w.piece_end, codes, cases, t, w, leaf_estimate, sub_estimate,
                    confidence, z)
            if (leaf_estimate <= sub_estimate + 0.1
                    and leaf_estimate <= largest_estimate + 0.1):
                make_leaf = True
            elif largest_estimate <= sub_estimate + 0.1:
                raise_largest = True
        top = w.frame_base[at]  # what it put in the buffer is no longer needed
        if raise_largest:
            # The node takes the largest branch's test and children; all its
            # cases are then sent down them and the node is pruned again.
            if not changed:
                w.seg_start[node] = top
                top = gather(w.piece_start[node], w.piece_end[node], top, w)
                if top < 0:
                    return -1
                w.seg_end[node] = top
            take_test_of(t, node, first + largest)
            w.frame_changed[at] = True
            w.frame_next[at] = -1
            continue
        if make_leaf:
            t.is_leaf[node] = True
            t.nav[node * NAV + 3] = 0
            w.estimated[node] = leaf_estimate
            w.training[node] = leaf_errs
        else:
            w.estimated[node] = sub_estimate
            w.training[node] = sub_training
        n_frames -= 1
    return 0


cdef void free_work(Work *w) noexcept nogil:
    free(w.estimated)
    free(w.training)
    free(w.stack_node)
    free(w.stack_weight)
    free(w.raised.extra)
    free(w.raised.current)
    free(w.raised.touched)
    free(w.raised.is_touched)
    free(w.raised.dirty)
    free(w.raised.is_dirty)
    free(w.raised.counts)
    free(w.piece_row)
    free(w.piece_weight)
    free(w.piece_start)
    free(w.piece_end)
    free(w.buffer.rows)
    free(w.buffer.weights)
    free(w.seg_start)
    free(w.seg_end)
    free(w.slot_of_row)
    free(w.branch)
    free(w.count)
    free(w.known_class)
    free(w.known)
    free(w.frame_node)
    free(w.frame_changed)
    free(w.frame_base)
    free(w.frame_next)


cdef int alloc_work(Work *w, Py_ssize_t n_nodes, Py_ssize_t n_classes,
                    Py_ssize_t n_samples, Py_ssize_t max_children) noexcept nogil:
    """Allocate the work buffers (zeroed where they must start so); -1 on failure.

    Every pointer is set (NULL where it failed), so free_work can always run.
    """
    cdef Py_ssize_t i, n = n_nodes + 1
    w.estimated = <float64_t *>calloc(n_nodes, sizeof(float64_t))
    w.training = <float64_t *>calloc(n_nodes, sizeof(float64_t))
    w.stack_node = <int64_t *>malloc(n * sizeof(int64_t))
    w.stack_weight = <float64_t *>malloc(n * sizeof(float64_t))
    w.raised.extra = <float64_t *>calloc(n_nodes * n_classes, sizeof(float64_t))
    w.raised.current = <float64_t *>calloc(n_nodes, sizeof(float64_t))
    w.raised.touched = <int64_t *>malloc(n_nodes * sizeof(int64_t))
    w.raised.is_touched = <uint8_t *>calloc(n_nodes, sizeof(uint8_t))
    w.raised.dirty = <int64_t *>malloc(n_nodes * sizeof(int64_t))
    w.raised.is_dirty = <uint8_t *>calloc(n_nodes, sizeof(uint8_t))
    w.raised.counts = <float64_t *>malloc(n_classes * sizeof(float64_t))
    w.raised.n_touched = 0
    w.raised.n_dirty = 0
    w.piece_row = NULL  # set by cases_by_leaf
    w.piece_weight = NULL
    w.piece_start = <int64_t *>malloc(n_nodes * sizeof(int64_t))
    w.piece_end = <int64_t *>malloc(n_nodes * sizeof(int64_t))
    w.buffer.cap = 16
    w.buffer.rows = <int32_t *>malloc(w.buffer.cap * sizeof(int32_t))
    w.buffer.weights = <float64_t *>malloc(w.buffer.cap * sizeof(float64_t))
    w.seg_start = <int64_t *>calloc(n_nodes, sizeof(int64_t))
    w.seg_end = <int64_t *>calloc(n_nodes, sizeof(int64_t))
    w.slot_of_row = <int64_t *>malloc((n_samples + 1) * sizeof(int64_t))
    w.branch_cap = 0
    w.branch = NULL
    w.count = <int64_t *>malloc((max_children + 1) * sizeof(int64_t))
    w.known_class = <float64_t *>malloc(
        (max_children + 1) * n_classes * sizeof(float64_t))
    w.known = <float64_t *>malloc(n_classes * sizeof(float64_t))
    w.frame_node = <int64_t *>malloc(n * sizeof(int64_t))
    w.frame_changed = <uint8_t *>calloc(n, sizeof(uint8_t))
    w.frame_base = <int64_t *>malloc(n * sizeof(int64_t))
    w.frame_next = <int64_t *>malloc(n * sizeof(int64_t))
    if (w.estimated == NULL or w.training == NULL or w.stack_node == NULL
            or w.stack_weight == NULL or w.raised.extra == NULL
            or w.raised.current == NULL or w.raised.touched == NULL
            or w.raised.is_touched == NULL or w.raised.dirty == NULL
            or w.raised.is_dirty == NULL or w.raised.counts == NULL
            or w.piece_start == NULL or w.piece_end == NULL
            or w.buffer.rows == NULL or w.buffer.weights == NULL
            or w.seg_start == NULL or w.seg_end == NULL or w.slot_of_row == NULL
            or w.count == NULL or w.known_class == NULL or w.known == NULL
            or w.frame_node == NULL or w.frame_changed == NULL
            or w.frame_base == NULL or w.frame_next == NULL):
        return -1
    for i in range(n_samples):
        w.slot_of_row[i] = -1
    return 0


cdef int prune_raising(const code_t *codes, const Cases *cases, Nodes *t,
                       float64_t confidence, float64_t z,
                       bint collapse) noexcept nogil:
    """Allocate the work, find the cases by leaf, walk, free; -1 when out of memory."""
    cdef Work w
    cdef Py_ssize_t v, max_children = 0
    cdef int status = -1
    for v in range(t.n_nodes):
        if t.n_children[v] > max_children:
            max_children = t.n_children[v]
    navigation(t)
    if alloc_work(&w, t.n_nodes, t.n_classes, cases.n_samples, max_children) == 0:
        if cases_by_leaf(codes, cases, t, &w) == 0:
            status = walk(codes, cases, t, &w, confidence, z, collapse)
    free_work(&w)
    return status


def prune_with_raising(
    const code_t[:, ::1] codes,
    const int64_t[::1] y,
    const float64_t[::1] sample_weight,
    const int64_t[::1] n_bins,
    const uint8_t[::1] is_nominal,
    int64_t[::1] feature,
    int64_t[::1] route_cut,
    int64_t[::1] cut_lo,
    int64_t[::1] cut_hi,
    int64_t[::1] first_child,
    int64_t[::1] n_children,
    const int64_t[::1] branch_code,
    float64_t[::1] branch_weight,
    float64_t[:, ::1] value,
    int64_t[::1] n_rows,
    float64_t[::1] gain,
    float64_t[::1] split_info,
    uint8_t[::1] is_leaf,
    float64_t confidence,
    float64_t z,
    bint collapse,
):
    """Error-based pruning with subtree raising, in place on the node arrays.

    ``is_leaf`` (one byte per node) must hold ``n_children == 0`` on entry; on return
    it marks the leaves after pruning. See ``entree.tree._raising`` for the rules.
    """
    cdef Cases cases
    cdef Nodes t
    cdef int status
    cdef int64_t *nav
    cdef Py_ssize_t n_nodes = feature.shape[0]
    if n_nodes == 0:
        return
    cases.y = &y[0] if y.shape[0] else NULL
    cases.sample_weight = &sample_weight[0] if sample_weight.shape[0] else NULL
    cases.n_bins = &n_bins[0]
    cases.is_nominal = &is_nominal[0]
    cases.n_samples = codes.shape[0]
    cases.n_features = codes.shape[1]
    nav = <int64_t *>malloc(n_nodes * NAV * sizeof(int64_t))
    if nav == NULL:
        raise MemoryError()
    t.feature = &feature[0]
    t.route_cut = &route_cut[0]
    t.cut_lo = &cut_lo[0]
    t.cut_hi = &cut_hi[0]
    t.first_child = &first_child[0]
    t.n_children = &n_children[0]
    t.branch_code = &branch_code[0]
    t.branch_weight = &branch_weight[0]
    t.value = &value[0, 0]
    t.n_rows = &n_rows[0]
    t.gain = &gain[0]
    t.split_info = &split_info[0]
    t.is_leaf = &is_leaf[0]
    t.nav = nav
    t.n_nodes = n_nodes
    t.n_classes = value.shape[1]
    with nogil:
        status = prune_raising(&codes[0, 0] if codes.shape[0] else NULL, &cases, &t,
                               confidence, z, collapse)
    free(nav)
    if status < 0:
        raise MemoryError()
