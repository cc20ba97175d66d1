"""The local depth-first driver: grow one tree over binned data.

Each node owns a slice of a row-index buffer with a weight per entry, so a row whose
split value is missing can go down every branch with its weight scaled by the branch's
share of known weight (C4.5). Class histograms per (feature, bin) are built once per
node, or obtained for the largest child as parent minus siblings (histogram
subtraction); the remainders wait in a small pool of histograms whose bytes stay under
a budget (when it is full, the child is counted directly). The whole growth runs without
the GIL, taking it briefly every few milliseconds of work to let Ctrl-C through.
"""

import numpy as np

from cpython.exc cimport PyErr_NoMemory
from libc.math cimport floor, log2
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy, memset

from entree.tree._kernels._common cimport (
    WEIGHT_EPS, float64_t, int32_t, int64_t, prefetch, uint8_t, uint64_t,
)
from entree.tree._kernels._histogram cimport (
    PREFETCH_COUNT, build_histogram, clear_histogram, code_t,
)
from entree.tree._kernels._split cimport (
    ScoreWork, Split, SplitContext, choose_split, whole_count_tables,
)


cdef extern from "Python.h":
    # Runs the Python signal handlers (needs the GIL); -1 with the exception set when
    # one raised, e.g. KeyboardInterrupt.
    int check_signals "PyErr_CheckSignals"() noexcept


cdef enum:
    # Entries of the c log2 c table: 32 KiB, so lookups stay in the fastest caches.
    XLOGX_TABLE_SIZE = 4096
    # Look for Ctrl-C after this many nodes or rows counted, whichever comes first.
    CHECK_EVERY_NODES = 64
    CHECK_EVERY_ROWS = 1000000
    # Nodes below this many cell updates (rows x features) are counted by one
    # thread, and dense nodes whose histograms have fewer cells scored by one: a
    # parallel region would cost more than it saves.
    PARALLEL_BUILD_WORK = 200000
    PARALLEL_SCORE_WORK = 200000

cdef enum Status:
    OK = 0
    NO_MEMORY = 1
    INTERRUPTED = 2

# How a pending node gets its histogram.
cdef enum Mode:
    BUILD = 0      # count its rows
    REMAINDER = 1  # the parent's histogram minus its siblings' is in its slot
    SUBTRACT = 2   # count its rows, then subtract them from its largest sibling's slot


cdef struct StackEntry:
    int64_t node
    int64_t start
    int64_t end
    int64_t mode
    int64_t slot


# Node arrays, grown by doubling (see Tree for their meaning).
cdef struct Nodes:
    Py_ssize_t count
    Py_ssize_t capacity
    int64_t *feature
    int64_t *cut_lo
    int64_t *cut_hi
    int64_t *first_child
    int64_t *n_children
    int64_t *branch_code     # category code a child takes
    float64_t *branch_weight  # share of the parent's known weight
    float64_t *value          # capacity x n_classes
    int64_t *n_rows
    int64_t *depth
    float64_t *gain
    float64_t *split_info


# Histograms waiting for their node (parent minus siblings), at most max_buffers.
cdef struct HistPool:
    float64_t **buffers
    Py_ssize_t n_allocated
    Py_ssize_t max_buffers
    int64_t *free_ids
    Py_ssize_t n_free


# The children of a chosen split: which branch each bin takes, their class counts.
cdef struct Branches:
    Py_ssize_t n_branch
    Py_ssize_t largest        # child with the most rows
    Py_ssize_t total_rows     # rows of every child (missing rows count once per child)
    int64_t *branch_of_bin    # max_nb + 1; -1: down every branch
    float64_t *child_known    # max_nb x n_classes
    int64_t *child_bin
    float64_t *child_w
    float64_t *frac
    float64_t *missing_counts  # n_classes
    int64_t *child_count
    int64_t *child_start
    int64_t *fill
    int64_t *order


cdef struct Builder:
    # data and options
    Py_ssize_t n_samples
    Py_ssize_t n_features
    Py_ssize_t n_classes
    const int64_t *y
    const float64_t *sample_weight
    const int64_t *n_bins
    const uint8_t *is_nominal
    float64_t min_cases
    float64_t min_samples_split
    int64_t max_depth
    int n_threads
    int64_t parallel_build_work  # rows x features from which a build is threaded
    int64_t parallel_score_work  # histogram size from which a dense node's scoring is threaded
    # histogram layout
    int64_t *bin_offset
    int64_t *word_offset
    Py_ssize_t n_bins_total
    Py_ssize_t totals          # where the per-bin total weights start
    Py_ssize_t hist_size
    Py_ssize_t n_words
    Py_ssize_t max_nb          # most bins of a feature
    bint whole_data            # whole weights and no missing value anywhere
    SplitContext ctx
    # growth state
    Nodes nodes
    int32_t *rows              # row buffer: segments [start, end) per pending node
    float64_t *row_weight
    Py_ssize_t rows_capacity
    int32_t *side              # branch of each row of the node being split
    StackEntry *stack
    Py_ssize_t sp
    Py_ssize_t stack_capacity
    float64_t *scratch         # a directly built histogram, zero between nodes
    uint64_t *bits             # bins the node in scratch touched (small nodes)
    int32_t *bin_class         # class of the last row put in each touched bin
    HistPool pool
    float64_t *table           # c log2 c for whole c
    float64_t *pair
    int64_t *pair_offset
    float64_t *total_pair
    ScoreWork *work            # one per thread
    Py_ssize_t n_work
    float64_t *work_sel
    float64_t *work_gain
    float64_t *work_info
    int64_t *work_lo
    int64_t *work_hi
    Branches branches


# -- memory ---------------------------------------------------------------------------

cdef int _resize(void **ptr, Py_ssize_t count, size_t item) noexcept nogil:
    """realloc *ptr to count items (at least one); 0, or -1 leaving *ptr as it was."""
    cdef void *grown = realloc(ptr[0], (count if count > 0 else 1) * item)
    if grown == NULL:
        return -1
    ptr[0] = grown
    return 0


cdef int _nodes_reserve(Nodes *nodes, Py_ssize_t need, Py_ssize_t n_classes) noexcept nogil:
    """Room for ``need`` nodes (doubling); -1 when memory runs out."""
    cdef Py_ssize_t cap = nodes.capacity
    if need <= cap:
        return 0
    if cap < 64:
        cap = 64
    while cap < need:
        cap *= 2
    if (_resize(<void **>&nodes.feature, cap, sizeof(int64_t))
            or _resize(<void **>&nodes.cut_lo, cap, sizeof(int64_t))
            or _resize(<void **>&nodes.cut_hi, cap, sizeof(int64_t))
            or _resize(<void **>&nodes.first_child, cap, sizeof(int64_t))
            or _resize(<void **>&nodes.n_children, cap, sizeof(int64_t))
            or _resize(<void **>&nodes.branch_code, cap, sizeof(int64_t))
            or _resize(<void **>&nodes.branch_weight, cap, sizeof(float64_t))
            or _resize(<void **>&nodes.value, cap * n_classes, sizeof(float64_t))
            or _resize(<void **>&nodes.n_rows, cap, sizeof(int64_t))
            or _resize(<void **>&nodes.depth, cap, sizeof(int64_t))
            or _resize(<void **>&nodes.gain, cap, sizeof(float64_t))
            or _resize(<void **>&nodes.split_info, cap, sizeof(float64_t))):
        return -1
    nodes.capacity = cap
    return 0


cdef int _rows_reserve(Builder *b, Py_ssize_t need) noexcept nogil:
    """Room for ``need`` row entries (doubling); -1 when memory runs out."""
    cdef Py_ssize_t cap = b.rows_capacity
    if need <= cap:
        return 0
    while cap < need:
        cap *= 2
    if (_resize(<void **>&b.rows, cap, sizeof(int32_t))
            or _resize(<void **>&b.row_weight, cap, sizeof(float64_t))):
        return -1
    b.rows_capacity = cap
    return 0


cdef int _stack_reserve(Builder *b, Py_ssize_t need) noexcept nogil:
    cdef Py_ssize_t cap = b.stack_capacity
    if need <= cap:
        return 0
    while cap < need:
        cap *= 2
    if _resize(<void **>&b.stack, cap, sizeof(StackEntry)):
        return -1
    b.stack_capacity = cap
    return 0


cdef int64_t _pool_acquire(HistPool *pool, Py_ssize_t hist_size) noexcept nogil:
    """A free histogram of the pool, or -1 when the pool is full."""
    cdef float64_t *buffer
    if pool.n_free > 0:
        pool.n_free -= 1
        return pool.free_ids[pool.n_free]
    if pool.n_allocated >= pool.max_buffers:
        return -1
    buffer = <float64_t *>malloc(hist_size * sizeof(float64_t))
    if buffer == NULL:
        return -1  # counted directly instead: slower, never wrong
    pool.buffers[pool.n_allocated] = buffer
    pool.n_allocated += 1
    return pool.n_allocated - 1


cdef inline void _pool_release(HistPool *pool, int64_t slot) noexcept nogil:
    pool.free_ids[pool.n_free] = slot
    pool.n_free += 1


cdef void _free_builder(Builder *b) noexcept nogil:
    """Free every buffer of the builder (NULL ones are skipped by free)."""
    cdef Py_ssize_t i
    free(b.bin_offset)
    free(b.word_offset)
    free(b.nodes.feature)
    free(b.nodes.cut_lo)
    free(b.nodes.cut_hi)
    free(b.nodes.first_child)
    free(b.nodes.n_children)
    free(b.nodes.branch_code)
    free(b.nodes.branch_weight)
    free(b.nodes.value)
    free(b.nodes.n_rows)
    free(b.nodes.depth)
    free(b.nodes.gain)
    free(b.nodes.split_info)
    free(b.rows)
    free(b.row_weight)
    free(b.side)
    free(b.stack)
    free(b.scratch)
    free(b.bits)
    free(b.bin_class)
    if b.pool.buffers != NULL:
        for i in range(b.pool.n_allocated):
            free(b.pool.buffers[i])
    free(b.pool.buffers)
    free(b.pool.free_ids)
    free(b.table)
    free(b.pair)
    free(b.pair_offset)
    free(b.total_pair)
    if b.work != NULL:
        for i in range(b.n_work):
            free(b.work[i].known)
            free(b.work[i].left)
            free(b.work[i].left_count)
            free(b.work[i].active)
            free(b.work[i].present)
    free(b.work)
    free(b.work_sel)
    free(b.work_gain)
    free(b.work_info)
    free(b.work_lo)
    free(b.work_hi)
    free(b.branches.branch_of_bin)
    free(b.branches.child_known)
    free(b.branches.child_bin)
    free(b.branches.child_w)
    free(b.branches.frac)
    free(b.branches.missing_counts)
    free(b.branches.child_count)
    free(b.branches.child_start)
    free(b.branches.fill)
    free(b.branches.order)
    memset(b, 0, sizeof(Builder))


cdef int _allocate(Builder *b, Py_ssize_t hist_budget) noexcept nogil:
    """Layout and every fixed-size buffer; -1 when memory runs out."""
    cdef Py_ssize_t F = b.n_features
    cdef Py_ssize_t K = b.n_classes
    cdef Py_ssize_t f, i, n_max, n_table
    cdef Py_ssize_t n_branch_max
    b.bin_offset = <int64_t *>malloc((F + 1) * sizeof(int64_t))
    b.word_offset = <int64_t *>malloc((F + 1) * sizeof(int64_t))
    if b.bin_offset == NULL or b.word_offset == NULL:
        return -1
    b.bin_offset[0] = 0
    b.word_offset[0] = 0
    b.max_nb = 0
    for f in range(F):
        b.bin_offset[f + 1] = b.bin_offset[f] + b.n_bins[f] + 1
        b.word_offset[f + 1] = b.word_offset[f] + ((b.n_bins[f] + 64) >> 6)
        if b.n_bins[f] > b.max_nb:
            b.max_nb = b.n_bins[f]
    b.n_bins_total = b.bin_offset[F]
    b.totals = b.n_bins_total * K
    b.hist_size = b.n_bins_total * (K + 1)
    b.n_words = b.word_offset[F]

    # zeroed: kept zero between nodes by clearing what each node touched
    b.scratch = <float64_t *>malloc((b.hist_size + 1) * sizeof(float64_t))
    b.bits = <uint64_t *>malloc((b.n_words + 1) * sizeof(uint64_t))
    b.bin_class = <int32_t *>malloc((b.n_bins_total + 1) * sizeof(int32_t))
    if b.scratch == NULL or b.bits == NULL or b.bin_class == NULL:
        return -1
    memset(b.scratch, 0, b.hist_size * sizeof(float64_t))
    memset(b.bits, 0, b.n_words * sizeof(uint64_t))
    memset(b.bin_class, 0, b.n_bins_total * sizeof(int32_t))

    # the remainder pool: at least 4 histograms, more while they fit the budget
    b.pool.max_buffers = 4
    if b.hist_size > 0 and hist_budget // (b.hist_size * 8) > 4:
        b.pool.max_buffers = hist_budget // (b.hist_size * 8)
    b.pool.buffers = <float64_t **>malloc(b.pool.max_buffers * sizeof(float64_t *))
    b.pool.free_ids = <int64_t *>malloc(b.pool.max_buffers * sizeof(int64_t))
    if b.pool.buffers == NULL or b.pool.free_ids == NULL:
        return -1

    n_max = 2 * b.n_samples if 2 * b.n_samples > 16 else 16
    b.rows_capacity = n_max
    b.rows = <int32_t *>malloc(n_max * sizeof(int32_t))
    b.row_weight = <float64_t *>malloc(n_max * sizeof(float64_t))
    b.side = <int32_t *>malloc((b.n_samples + 1) * sizeof(int32_t))
    b.stack_capacity = 64
    b.stack = <StackEntry *>malloc(b.stack_capacity * sizeof(StackEntry))
    if b.rows == NULL or b.row_weight == NULL or b.side == NULL or b.stack == NULL:
        return -1
    if _nodes_reserve(&b.nodes, 64, K):
        return -1

    # c log2 c for whole counts: most counts are integers when rows are unweighted
    # (capped so that it stays in cache; larger counts take the log)
    n_table = b.n_samples + 2 if b.n_samples + 2 < XLOGX_TABLE_SIZE else XLOGX_TABLE_SIZE
    b.table = <float64_t *>malloc(n_table * sizeof(float64_t))
    b.pair = <float64_t *>malloc((n_table + K) * sizeof(float64_t))
    b.pair_offset = <int64_t *>malloc((K + 1) * sizeof(int64_t))
    b.total_pair = <float64_t *>malloc(n_table * sizeof(float64_t))
    if b.table == NULL or b.pair == NULL or b.pair_offset == NULL or b.total_pair == NULL:
        return -1
    for i in range(n_table):
        b.table[i] = 0.0
    for i in range(2, n_table):
        b.table[i] = i * log2(<float64_t>i)

    b.ctx.n_features = F
    b.ctx.n_classes = K
    b.ctx.bin_offset = b.bin_offset
    b.ctx.word_offset = b.word_offset
    b.ctx.n_bins = b.n_bins
    b.ctx.is_nominal = b.is_nominal
    b.ctx.table = b.table
    b.ctx.table_size = n_table
    b.ctx.pair = b.pair
    b.ctx.pair_offset = b.pair_offset
    b.ctx.total_pair = b.total_pair

    b.n_work = b.n_threads if b.n_threads > 1 else 1
    b.work = <ScoreWork *>malloc(b.n_work * sizeof(ScoreWork))
    if b.work == NULL:
        return -1
    memset(b.work, 0, b.n_work * sizeof(ScoreWork))
    for i in range(b.n_work):
        b.work[i].known = <float64_t *>malloc((K + 1) * sizeof(float64_t))
        b.work[i].left = <float64_t *>malloc((K + 1) * sizeof(float64_t))
        b.work[i].left_count = <int64_t *>malloc((K + 1) * sizeof(int64_t))
        b.work[i].active = <int64_t *>malloc((K + 1) * sizeof(int64_t))
        b.work[i].present = <int64_t *>malloc((b.max_nb + 1) * sizeof(int64_t))
        if (b.work[i].known == NULL or b.work[i].left == NULL
                or b.work[i].left_count == NULL or b.work[i].active == NULL
                or b.work[i].present == NULL):
            return -1
    b.work_sel = <float64_t *>malloc((F + 1) * sizeof(float64_t))
    b.work_gain = <float64_t *>malloc((F + 1) * sizeof(float64_t))
    b.work_info = <float64_t *>malloc((F + 1) * sizeof(float64_t))
    b.work_lo = <int64_t *>malloc((F + 1) * sizeof(int64_t))
    b.work_hi = <int64_t *>malloc((F + 1) * sizeof(int64_t))
    if (b.work_sel == NULL or b.work_gain == NULL or b.work_info == NULL
            or b.work_lo == NULL or b.work_hi == NULL):
        return -1

    # a nominal split has at most one branch per bin; a numeric one two
    n_branch_max = b.max_nb if b.max_nb > 2 else 2
    b.branches.branch_of_bin = <int64_t *>malloc((b.max_nb + 1) * sizeof(int64_t))
    b.branches.child_known = <float64_t *>malloc(n_branch_max * K * sizeof(float64_t))
    b.branches.child_bin = <int64_t *>malloc(n_branch_max * sizeof(int64_t))
    b.branches.child_w = <float64_t *>malloc(n_branch_max * sizeof(float64_t))
    b.branches.frac = <float64_t *>malloc(n_branch_max * sizeof(float64_t))
    b.branches.missing_counts = <float64_t *>malloc((K + 1) * sizeof(float64_t))
    b.branches.child_count = <int64_t *>malloc(n_branch_max * sizeof(int64_t))
    b.branches.child_start = <int64_t *>malloc(n_branch_max * sizeof(int64_t))
    b.branches.fill = <int64_t *>malloc(n_branch_max * sizeof(int64_t))
    b.branches.order = <int64_t *>malloc(n_branch_max * sizeof(int64_t))
    if (b.branches.branch_of_bin == NULL or b.branches.child_known == NULL
            or b.branches.child_bin == NULL or b.branches.child_w == NULL
            or b.branches.frac == NULL or b.branches.missing_counts == NULL
            or b.branches.child_count == NULL or b.branches.child_start == NULL
            or b.branches.fill == NULL or b.branches.order == NULL):
        return -1
    return 0


# -- the pieces of one node's step ----------------------------------------------------

cdef bint _has_whole_weights(const float64_t *weights, Py_ssize_t n) noexcept nogil:
    """True when every weight is a whole number >= 1 (e.g. no sample weights)."""
    cdef Py_ssize_t i
    for i in range(n):
        if weights[i] < 1.0 or weights[i] != floor(weights[i]):
            return False
    return True


cdef bint _has_missing(const code_t *codes, Py_ssize_t n_samples, Py_ssize_t n_features,
                       const int64_t *n_bins) noexcept nogil:
    cdef Py_ssize_t i, f
    for i in range(n_samples):
        for f in range(n_features):
            if codes[i * n_features + f] == n_bins[f]:
                return True
    return False


cdef bint _is_expandable(const Builder *b, int64_t node, float64_t *node_total) noexcept nogil:
    """The stopping rule: False for a node that stays a leaf whatever its rows."""
    cdef const float64_t *node_value = &b.nodes.value[node * b.n_classes]
    cdef float64_t total = 0.0
    cdef Py_ssize_t n_nonzero_classes = 0
    cdef Py_ssize_t k
    for k in range(b.n_classes):
        total += node_value[k]
        if node_value[k] > WEIGHT_EPS:
            n_nonzero_classes += 1
    node_total[0] = total
    return (
        n_nonzero_classes > 1
        and total >= b.min_samples_split - 1e-12
        and total >= 2.0 * b.min_cases - 1e-12
        and (b.max_depth < 0 or b.nodes.depth[node] < b.max_depth)
    )


cdef void _lay_out_branches(Builder *b, const float64_t *hist, const Split *split) noexcept nogil:
    """Which branch each bin takes, and each child's known class weights.

    Numeric: bins [0, lo] and [hi, nb); nominal: one branch per non-empty bin. The
    missing bin (and an empty category) maps to -1: down every branch.
    """
    cdef Branches *br = &b.branches
    cdef Py_ssize_t K = b.n_classes
    cdef int64_t f = split.feature
    cdef int64_t nb = b.n_bins[f]
    cdef int64_t base = b.bin_offset[f]
    cdef bint nominal = b.is_nominal[f]
    cdef int64_t bin_, c
    cdef Py_ssize_t k, at
    cdef float64_t known_w
    for bin_ in range(nb + 1):
        br.branch_of_bin[bin_] = -1
    if nominal:
        br.n_branch = 0
        for bin_ in range(nb):
            if hist[b.totals + base + bin_] > WEIGHT_EPS:
                br.branch_of_bin[bin_] = br.n_branch
                br.n_branch += 1
    else:
        br.n_branch = 2
        for bin_ in range(nb):
            br.branch_of_bin[bin_] = 0 if bin_ <= split.lo else 1
    for c in range(br.n_branch):
        br.child_bin[c] = -1
        br.child_w[c] = 0.0
        for k in range(K):
            br.child_known[c * K + k] = 0.0
    for bin_ in range(nb):
        c = br.branch_of_bin[bin_]
        if c < 0:
            continue
        if nominal:
            br.child_bin[c] = bin_
        at = (base + bin_) * K
        for k in range(K):
            br.child_known[c * K + k] += hist[at + k]
    known_w = 0.0
    for c in range(br.n_branch):
        for k in range(K):
            br.child_w[c] += br.child_known[c * K + k]
        known_w += br.child_w[c]
    for c in range(br.n_branch):
        br.frac[c] = br.child_w[c] / known_w
    for k in range(K):
        br.missing_counts[k] = hist[(base + nb) * K + k]


cdef void _route_rows(Builder *b, const code_t *codes, int64_t start, int64_t end,
                      int64_t f) noexcept nogil:
    """The branch of each of the node's rows (-1: every branch) and the child sizes.

    Noting the branch here lets the placement pass skip the codes (a cache miss per
    row) the second time.
    """
    cdef Branches *br = &b.branches
    cdef Py_ssize_t F = b.n_features
    cdef const int32_t *rows = b.rows
    cdef int64_t i, c, code
    cdef int64_t n_missing = 0
    for c in range(br.n_branch):
        br.child_count[c] = 0
    for i in range(start, end):
        if i + PREFETCH_COUNT < end:
            prefetch(&codes[<int64_t>rows[i + PREFETCH_COUNT] * F + f])
        code = codes[<int64_t>rows[i] * F + f]
        # a category without a branch here (its rows weigh nothing) goes down
        # every branch like a missing value, as it would at predict time
        c = br.branch_of_bin[code]
        b.side[i - start] = <int32_t>c
        if c < 0:
            n_missing += 1
        else:
            br.child_count[c] += 1
    br.total_rows = 0
    br.largest = 0
    for c in range(br.n_branch):
        br.child_count[c] += n_missing
        br.total_rows += br.child_count[c]
        if br.child_count[c] > br.child_count[br.largest]:
            br.largest = c


cdef void _place_rows(Builder *b, int64_t start, int64_t end, int64_t seg_start) noexcept nogil:
    """Copy the node's rows into the child segments laid out from ``seg_start``.

    A row going down every branch is copied to each, its weight scaled by the
    branch's share of known weight.
    """
    cdef Branches *br = &b.branches
    cdef int64_t pos = seg_start
    cdef int64_t i, c, at
    cdef int32_t r
    cdef float64_t w
    for c in range(br.n_branch):
        br.child_start[c] = pos
        br.fill[c] = pos
        pos += br.child_count[c]
    for i in range(start, end):
        r = b.rows[i]
        w = b.row_weight[i]
        c = b.side[i - start]
        if c < 0:
            for c in range(br.n_branch):
                at = br.fill[c]
                b.rows[at] = r
                b.row_weight[at] = w * br.frac[c]
                br.fill[c] = at + 1
        else:
            at = br.fill[c]
            b.rows[at] = r
            b.row_weight[at] = w
            br.fill[c] = at + 1


cdef void _add_children(Builder *b, int64_t node, const Split *split) noexcept nogil:
    """Record the split on ``node`` and create its children (room is reserved)."""
    cdef Nodes *nodes = &b.nodes
    cdef Branches *br = &b.branches
    cdef Py_ssize_t K = b.n_classes
    cdef int64_t first = nodes.count
    cdef int64_t c, child
    cdef Py_ssize_t k
    cdef float64_t v
    nodes.feature[node] = split.feature
    nodes.cut_lo[node] = split.lo
    nodes.cut_hi[node] = split.hi
    nodes.gain[node] = split.gain
    nodes.split_info[node] = split.split_info
    nodes.first_child[node] = first
    nodes.n_children[node] = br.n_branch
    for c in range(br.n_branch):
        child = first + c
        nodes.feature[child] = -2
        nodes.cut_lo[child] = -1
        nodes.cut_hi[child] = -1
        nodes.first_child[child] = -1
        nodes.n_children[child] = 0
        nodes.branch_code[child] = br.child_bin[c]
        nodes.branch_weight[child] = br.frac[c]
        for k in range(K):
            # clamp the rounding dust histogram subtraction can leave
            v = br.child_known[c * K + k] + br.frac[c] * br.missing_counts[k]
            nodes.value[child * K + k] = v if v > WEIGHT_EPS else 0.0
        nodes.n_rows[child] = br.child_count[c]
        nodes.depth[child] = nodes.depth[node] + 1
        nodes.gain[child] = 0.0
        nodes.split_info[child] = 0.0
    nodes.count += br.n_branch


cdef void _push_children(Builder *b, int64_t first, int64_t slot) noexcept nogil:
    """Push the children, the largest first so that its siblings are processed before
    it (they subtract their counts from its slot when ``slot`` >= 0)."""
    cdef Branches *br = &b.branches
    cdef int64_t c, j
    cdef StackEntry *entry
    br.order[0] = br.largest
    j = 1
    for c in range(br.n_branch - 1, -1, -1):
        if c != br.largest:
            br.order[j] = c
            j += 1
    for j in range(br.n_branch):
        c = br.order[j]
        entry = &b.stack[b.sp]
        entry.node = first + c
        entry.start = br.child_start[c]
        entry.end = br.child_start[c] + br.child_count[c]
        if slot < 0:
            entry.mode = BUILD
            entry.slot = -1
        else:
            entry.mode = REMAINDER if c == br.largest else SUBTRACT
            entry.slot = slot
        b.sp += 1


cdef int _check_interrupt() noexcept nogil:
    """Let Python run its signal handlers; -1 with the exception set to stop."""
    cdef int status
    with gil:
        status = check_signals()
    return status


# -- the driver -----------------------------------------------------------------------

cdef Status _grow(Builder *b, const code_t *codes) noexcept nogil:
    """Grow the tree depth-first from the root (whose rows and value are set)."""
    cdef Py_ssize_t K = b.n_classes
    cdef Py_ssize_t F = b.n_features
    cdef Py_ssize_t j
    cdef int64_t node, start, end, mode, slot, new_slot, seg_start, first
    cdef float64_t node_total
    cdef float64_t *hist
    cdef float64_t *remainder
    cdef bint expandable, in_scratch, use_bits, whole, use_subtraction
    cdef Split split
    cdef StackEntry entry
    cdef Branches *br = &b.branches
    cdef Py_ssize_t nodes_since_check = 0
    cdef int64_t rows_since_check = 0

    b.stack[0].node = 0
    b.stack[0].start = 0
    b.stack[0].end = b.n_samples
    b.stack[0].mode = BUILD
    b.stack[0].slot = -1
    b.sp = 1
    while b.sp > 0:
        if nodes_since_check >= CHECK_EVERY_NODES or rows_since_check >= CHECK_EVERY_ROWS:
            nodes_since_check = 0
            rows_since_check = 0
            if _check_interrupt() != 0:
                return INTERRUPTED
        b.sp -= 1
        entry = b.stack[b.sp]
        node = entry.node
        start = entry.start
        end = entry.end
        mode = entry.mode
        slot = entry.slot
        nodes_since_check += 1

        expandable = _is_expandable(b, node, &node_total)
        in_scratch = False
        use_bits = False
        if mode == REMAINDER:
            hist = b.pool.buffers[slot]
        elif mode == SUBTRACT or expandable:
            rows_since_check += end - start
            use_bits = build_histogram(
                codes, F, b.y, b.rows, b.row_weight, start, end, b.bin_offset, K,
                b.scratch, b.bits, b.word_offset, b.bin_class,
                b.n_threads if (end - start) * F >= b.parallel_build_work else 1,
            )
            if mode == SUBTRACT:
                remainder = b.pool.buffers[slot]
                for j in range(b.hist_size):
                    remainder[j] -= b.scratch[j]
            hist = b.scratch
            in_scratch = True
        else:
            continue
        if not expandable:
            split.feature = -1
        else:
            whole = b.whole_data and whole_count_tables(
                &b.nodes.value[node * K], K, node_total, b.table, b.ctx.table_size,
                b.pair, b.pair_offset, b.total_pair,
            )
            split = choose_split(
                &b.ctx, hist, &b.nodes.value[node * K], node_total, whole, b.bits,
                use_bits, b.bin_class, b.work,
                b.n_work if not use_bits and b.hist_size >= b.parallel_score_work else 1,
                b.work_sel, b.work_gain, b.work_info, b.work_lo, b.work_hi,
            )
        if split.feature < 0:
            if in_scratch:
                clear_histogram(codes, F, b.y, b.rows, start, end, b.bin_offset, K,
                                b.scratch, b.bits, b.n_words)
            if mode == REMAINDER:
                _pool_release(&b.pool, slot)
            continue

        _lay_out_branches(b, hist, &split)
        # Child segments go after every live segment (this node's and those still
        # on the stack), so dead space is reused.
        seg_start = end
        for j in range(b.sp):
            if b.stack[j].end > seg_start:
                seg_start = b.stack[j].end
        _route_rows(b, codes, start, end, split.feature)
        rows_since_check += end - start

        # Histogram subtraction for the largest child when it pays off and the pool
        # has room; a remainder node hands its own histogram on.
        use_subtraction = (
            4 * br.child_count[br.largest] * F > br.n_branch * b.hist_size
        )
        new_slot = -1
        if use_subtraction:
            if mode == REMAINDER:
                new_slot = slot
            else:
                new_slot = _pool_acquire(&b.pool, b.hist_size)
                if new_slot >= 0:
                    memcpy(b.pool.buffers[new_slot], hist,
                           b.hist_size * sizeof(float64_t))
        elif mode == REMAINDER:
            _pool_release(&b.pool, slot)
        if in_scratch:
            clear_histogram(codes, F, b.y, b.rows, start, end, b.bin_offset, K,
                            b.scratch, b.bits, b.n_words)

        if _rows_reserve(b, seg_start + br.total_rows):
            return NO_MEMORY
        _place_rows(b, start, end, seg_start)
        first = b.nodes.count
        if _nodes_reserve(&b.nodes, first + br.n_branch, K):
            return NO_MEMORY
        _add_children(b, node, &split)
        if _stack_reserve(b, b.sp + br.n_branch):
            return NO_MEMORY
        _push_children(b, first, new_slot)
    return OK


cdef Status _start(Builder *b, const code_t *codes, Py_ssize_t hist_budget) noexcept nogil:
    """Allocate, set the root and grow; the caller frees the builder."""
    cdef Py_ssize_t i, k
    cdef Nodes *nodes = &b.nodes
    if _allocate(b, hist_budget):
        return NO_MEMORY
    b.whole_data = (_has_whole_weights(b.sample_weight, b.n_samples)
                    and not _has_missing(codes, b.n_samples, b.n_features, b.n_bins))
    nodes.count = 1
    nodes.feature[0] = -2
    nodes.cut_lo[0] = -1
    nodes.cut_hi[0] = -1
    nodes.first_child[0] = -1
    nodes.n_children[0] = 0
    nodes.branch_code[0] = -1
    nodes.branch_weight[0] = 1.0
    nodes.depth[0] = 0
    nodes.gain[0] = 0.0
    nodes.split_info[0] = 0.0
    nodes.n_rows[0] = b.n_samples
    for k in range(b.n_classes):
        nodes.value[k] = 0.0
    for i in range(b.n_samples):
        b.rows[i] = <int32_t>i
        b.row_weight[i] = b.sample_weight[i]
        nodes.value[b.y[i]] += b.sample_weight[i]
    return _grow(b, codes)


cdef int _raise_pending() except -1:
    """Hand the exception set by a signal handler (e.g. KeyboardInterrupt) on."""
    return -1


cdef object _array_i64(const int64_t *data, Py_ssize_t n):
    out = np.empty(n, dtype=np.int64)
    cdef int64_t[::1] view = out
    if n:
        memcpy(&view[0], data, n * sizeof(int64_t))
    return out


cdef object _array_f64(const float64_t *data, Py_ssize_t n):
    out = np.empty(n, dtype=np.float64)
    cdef float64_t[::1] view = out
    if n:
        memcpy(&view[0], data, n * sizeof(float64_t))
    return out


def grow_tree(
    const code_t[:, ::1] codes,
    const int64_t[::1] y,
    const float64_t[::1] sample_weight,
    const int64_t[::1] n_bins,
    const uint8_t[::1] is_nominal,
    Py_ssize_t n_classes,
    int criterion,
    float64_t min_cases,
    float64_t min_samples_split,
    int64_t max_depth,
    float64_t min_gain,
    bint mdl,
    int n_threads=1,
    Py_ssize_t hist_budget=64 << 20,
    int64_t parallel_build_work=PARALLEL_BUILD_WORK,
    int64_t parallel_score_work=PARALLEL_SCORE_WORK,
):
    """Grow the tree depth-first; returns the node arrays (see Tree).

    (feature, cut_lo, cut_hi, first_child, n_children, branch_code, branch_weight,
    value, n_rows, depth, gain, split_info). ``n_threads`` threads count the
    histograms of large nodes (the tree does not depend on it); ``hist_budget`` bytes
    bound the histograms kept for subtraction (at least four are kept).
    """
    cdef Builder b
    cdef Status status
    cdef Py_ssize_t n
    cdef Py_ssize_t f
    if y.shape[0] != codes.shape[0] or sample_weight.shape[0] != codes.shape[0]:
        raise ValueError("codes, y and sample_weight must have one entry per row")
    if n_bins.shape[0] != codes.shape[1] or is_nominal.shape[0] != codes.shape[1]:
        raise ValueError("n_bins and is_nominal must have one entry per feature")
    if codes.shape[0] >= 2 ** 31 - 1:
        raise ValueError("at most 2**31 - 2 rows")
    if n_classes < 1:
        raise ValueError("n_classes must be at least 1")
    for f in range(n_bins.shape[0]):
        if n_bins[f] < 0:
            raise ValueError("n_bins must be non-negative")
    memset(&b, 0, sizeof(Builder))
    b.n_samples = codes.shape[0]
    b.n_features = codes.shape[1]
    b.n_classes = n_classes
    b.y = &y[0] if y.shape[0] else NULL
    b.sample_weight = &sample_weight[0] if sample_weight.shape[0] else NULL
    b.n_bins = &n_bins[0] if n_bins.shape[0] else NULL
    b.is_nominal = &is_nominal[0] if is_nominal.shape[0] else NULL
    b.min_cases = min_cases
    b.min_samples_split = min_samples_split
    b.max_depth = max_depth
    b.n_threads = n_threads if n_threads > 1 else 1
    b.parallel_build_work = parallel_build_work
    b.parallel_score_work = parallel_score_work
    b.ctx.criterion = criterion
    b.ctx.min_cases = min_cases
    b.ctx.min_gain = min_gain
    b.ctx.mdl = mdl
    try:
        with nogil:
            status = _start(
                &b, &codes[0, 0] if codes.shape[0] and codes.shape[1] else NULL,
                hist_budget,
            )
        if status == NO_MEMORY:
            raise MemoryError("out of memory while growing the tree")
        if status == INTERRUPTED:
            _raise_pending()
        n = b.nodes.count
        value = _array_f64(b.nodes.value, n * n_classes).reshape(n, n_classes)
        return (
            _array_i64(b.nodes.feature, n),
            _array_i64(b.nodes.cut_lo, n),
            _array_i64(b.nodes.cut_hi, n),
            _array_i64(b.nodes.first_child, n),
            _array_i64(b.nodes.n_children, n),
            _array_i64(b.nodes.branch_code, n),
            _array_f64(b.nodes.branch_weight, n),
            value,
            _array_i64(b.nodes.n_rows, n),
            _array_i64(b.nodes.depth, n),
            _array_f64(b.nodes.gain, n),
            _array_f64(b.nodes.split_info, n),
        )
    finally:
        _free_builder(&b)
