"""The local depth-first driver: grow one tree over binned data.

Each node owns a slice of a row-index buffer with a weight per entry, so a row whose
split value is missing can go down every branch with its weight scaled by the branch's
share of known weight (C4.5). Class histograms per (feature, bin) are built once per
node, or obtained for the largest child as parent minus siblings (histogram
subtraction); the remainders wait in a small pool of histograms whose bytes stay under
a budget (when it is full, the child is counted directly). The whole growth runs without
the GIL, taking it briefly every few milliseconds of work to let Ctrl-C through.

With several threads, the large histograms at the top of the tree are counted by blocks
of features, and the subtrees below a size are grown in parallel, each by a builder of
its own, then numbered as the serial depth-first order numbers them. Every count is
summed in the serial order and every subtraction decision is the serial one, so the
tree is the same, to the last bit, for any thread count.
"""

import numpy as np

from cython.parallel cimport prange, threadid
from libc.math cimport floor, log2
from libc.stdlib cimport calloc, free, malloc, qsort, realloc
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
    # With several threads, subtrees of at most n_samples / (TASKS_PER_THREAD *
    # n_threads) rows (and at least MIN_TASK_ROWS) are grown in parallel.
    TASKS_PER_THREAD = 8
    MIN_TASK_ROWS = 64
    MAX_TASK_HIST_BYTES = 1 << 20

cdef enum Status:
    OK = 0
    NO_MEMORY = 1
    INTERRUPTED = 2
    BAD_INPUT = 3

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
    # subtrees grown in parallel (see _defer and _run_tasks)
    bint borrows_layout        # a task's builder: layout and table are the main's
    int64_t task_rows          # expandable nodes with at most this many rows are tasks
    int64_t pinned_end         # end of the deferred tasks' segments (placement skips them)
    int64_t max_copies         # remainder histograms copied for tasks at most
    int64_t n_copies
    Task *tasks
    Py_ssize_t n_tasks
    Py_ssize_t tasks_capacity
    int *stop                  # set when one thread must stop them all
    bint checks_signals        # this builder's thread runs the signal handlers


# A subtree deferred to be grown by another thread; the serial order is restored when
# its nodes are put back (see _merge_tasks).
cdef struct Task:
    int64_t node               # its root, a node of the main builder
    int64_t splice             # main nodes created before it was deferred
    int64_t pool_free          # remainder histograms the serial order leaves it
    int64_t mode               # BUILD or REMAINDER (hist holds its histogram)
    int64_t start              # its rows: the main builder's segment from here,
    int64_t n_rows             # left untouched until the task has copied them
    float64_t *hist
    Builder *result
    int status


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


cdef void _free_work(Builder *b) noexcept nogil:
    """Free the builder's working buffers, keeping its nodes, layout and tasks: a
    finished task's builder holds only the subtree it grew until the merge."""
    cdef Py_ssize_t i
    free(b.rows)
    free(b.row_weight)
    free(b.side)
    free(b.stack)
    free(b.scratch)
    free(b.bits)
    free(b.bin_class)
    b.rows = NULL
    b.row_weight = NULL
    b.side = NULL
    b.stack = NULL
    b.scratch = NULL
    b.bits = NULL
    b.bin_class = NULL
    if b.pool.buffers != NULL:
        for i in range(b.pool.n_allocated):
            free(b.pool.buffers[i])
    free(b.pool.buffers)
    free(b.pool.free_ids)
    b.pool.buffers = NULL
    b.pool.free_ids = NULL
    b.pool.n_allocated = 0
    b.pool.n_free = 0
    free(b.pair)
    free(b.pair_offset)
    free(b.total_pair)
    b.pair = NULL
    b.pair_offset = NULL
    b.total_pair = NULL
    if b.work != NULL:
        for i in range(b.n_work):
            free(b.work[i].known)
            free(b.work[i].left)
            free(b.work[i].left_count)
            free(b.work[i].active)
            free(b.work[i].present)
    free(b.work)
    b.work = NULL
    b.n_work = 0
    free(b.work_sel)
    free(b.work_gain)
    free(b.work_info)
    free(b.work_lo)
    free(b.work_hi)
    b.work_sel = NULL
    b.work_gain = NULL
    b.work_info = NULL
    b.work_lo = NULL
    b.work_hi = NULL
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
    memset(&b.branches, 0, sizeof(Branches))


cdef void _free_work_but_rows(Builder *b) noexcept nogil:
    """Free the main builder's working buffers once its own growth is done, keeping
    the row buffer the deferred tasks copy their rows from."""
    cdef int32_t *rows = b.rows
    cdef float64_t *row_weight = b.row_weight
    b.rows = NULL
    b.row_weight = NULL
    _free_work(b)
    b.rows = rows
    b.row_weight = row_weight


cdef void _free_builder(Builder *b) noexcept nogil:
    """Free every buffer of the builder (NULL ones are skipped by free)."""
    cdef Py_ssize_t i
    if not b.borrows_layout:
        free(b.bin_offset)
        free(b.word_offset)
        free(b.table)
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
    _free_work(b)
    if b.tasks != NULL:
        for i in range(b.n_tasks):
            free(b.tasks[i].hist)
            if b.tasks[i].result != NULL:
                _free_builder(b.tasks[i].result)
                free(b.tasks[i].result)
    free(b.tasks)
    memset(b, 0, sizeof(Builder))


cdef int _lay_out(Builder *b) noexcept nogil:
    """The histogram layout and the c log2 c table; -1 when memory runs out."""
    cdef Py_ssize_t F = b.n_features
    cdef Py_ssize_t K = b.n_classes
    cdef Py_ssize_t f, i, n_table
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
    # c log2 c for whole counts: most counts are integers when rows are unweighted
    # (capped so that it stays in cache; larger counts take the log)
    n_table = b.n_samples + 2 if b.n_samples + 2 < XLOGX_TABLE_SIZE else XLOGX_TABLE_SIZE
    b.table = <float64_t *>malloc(n_table * sizeof(float64_t))
    if b.table == NULL:
        return -1
    for i in range(n_table):
        b.table[i] = 0.0
    for i in range(2, n_table):
        b.table[i] = i * log2(<float64_t>i)
    b.ctx.table_size = n_table
    return 0


cdef int _allocate(Builder *b, Py_ssize_t max_buffers, Py_ssize_t n_rows) noexcept nogil:
    """Every buffer of one builder growing a (sub)tree of ``n_rows`` rows, with room
    for ``max_buffers`` remainder histograms; -1 when memory runs out."""
    cdef Py_ssize_t F = b.n_features
    cdef Py_ssize_t K = b.n_classes
    cdef Py_ssize_t i, n_max
    cdef Py_ssize_t n_table = b.ctx.table_size
    cdef Py_ssize_t n_branch_max

    # zeroed: kept zero between nodes by clearing what each node touched
    b.scratch = <float64_t *>calloc(b.hist_size + 1, sizeof(float64_t))
    b.bits = <uint64_t *>calloc(b.n_words + 1, sizeof(uint64_t))
    b.bin_class = <int32_t *>calloc(b.n_bins_total + 1, sizeof(int32_t))
    if b.scratch == NULL or b.bits == NULL or b.bin_class == NULL:
        return -1

    b.pool.max_buffers = max_buffers
    b.pool.buffers = <float64_t **>malloc((max_buffers + 1) * sizeof(float64_t *))
    b.pool.free_ids = <int64_t *>malloc((max_buffers + 1) * sizeof(int64_t))
    if b.pool.buffers == NULL or b.pool.free_ids == NULL:
        return -1

    n_max = 2 * n_rows if 2 * n_rows > 16 else 16
    b.rows_capacity = n_max
    b.rows = <int32_t *>malloc(n_max * sizeof(int32_t))
    b.row_weight = <float64_t *>malloc(n_max * sizeof(float64_t))
    b.side = <int32_t *>malloc((n_rows + 1) * sizeof(int32_t))
    b.stack_capacity = 64
    b.stack = <StackEntry *>malloc(b.stack_capacity * sizeof(StackEntry))
    if b.rows == NULL or b.row_weight == NULL or b.side == NULL or b.stack == NULL:
        return -1
    if _nodes_reserve(&b.nodes, 64, K):
        return -1

    b.pair = <float64_t *>malloc((n_table + K) * sizeof(float64_t))
    b.pair_offset = <int64_t *>malloc((K + 1) * sizeof(int64_t))
    b.total_pair = <float64_t *>malloc(n_table * sizeof(float64_t))
    if b.pair == NULL or b.pair_offset == NULL or b.total_pair == NULL:
        return -1

    b.ctx.n_features = F
    b.ctx.n_classes = K
    b.ctx.bin_offset = b.bin_offset
    b.ctx.word_offset = b.word_offset
    b.ctx.n_bins = b.n_bins
    b.ctx.is_nominal = b.is_nominal
    b.ctx.table = b.table
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


cdef int _scan_inputs(const code_t *codes, Py_ssize_t n_samples, Py_ssize_t n_features,
                      const int64_t *n_bins, const int64_t *y,
                      Py_ssize_t n_classes) noexcept nogil:
    """1 when some value is missing (code n_bins[f]), 0 when none, -1 when a code is
    past the missing one or a label out of range (the kernels do not check)."""
    cdef Py_ssize_t i, f
    cdef int missing = 0
    cdef int64_t code
    for i in range(n_samples):
        if y[i] < 0 or y[i] >= n_classes:
            return -1
        for f in range(n_features):
            code = codes[i * n_features + f]
            if code >= n_bins[f]:
                if code > n_bins[f]:
                    return -1
                missing = 1
    return missing


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


cdef void _move_children_back(Builder *b, int64_t start, int64_t seg_start) noexcept nogil:
    """Move children placed from ``seg_start`` into their parent's segment from
    ``start`` (they fit it exactly when no row went down several branches). So
    the live segments stay inside the first n entries and the buffer never grows
    on data without missing values."""
    cdef Branches *br = &b.branches
    cdef int64_t c
    cdef int64_t shift = seg_start - start
    memcpy(&b.rows[start], &b.rows[seg_start], br.total_rows * sizeof(int32_t))
    memcpy(&b.row_weight[start], &b.row_weight[seg_start],
           br.total_rows * sizeof(float64_t))
    for c in range(br.n_branch):
        br.child_start[c] -= shift


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

cdef int _defer(Builder *b, int64_t node, int64_t start, int64_t end, int64_t mode,
                int64_t slot) noexcept nogil:
    """Hand the subtree of ``node`` to another thread: its rows stay where they are
    (no later placement writes over them), its histogram is copied when it is a
    remainder, whose slot is freed; -1 when memory runs out."""
    cdef Task *task
    cdef Py_ssize_t cap = b.tasks_capacity
    cdef int64_t n = end - start
    if b.n_tasks >= cap:
        cap = 2 * cap if cap > 0 else 64
        if _resize(<void **>&b.tasks, cap, sizeof(Task)):
            return -1
        b.tasks_capacity = cap
    task = &b.tasks[b.n_tasks]
    memset(task, 0, sizeof(Task))
    b.n_tasks += 1
    task.node = node
    task.splice = b.nodes.count
    # what the serial order would leave its subtree: the pool less its ancestors'
    task.pool_free = b.pool.max_buffers - (b.pool.n_allocated - b.pool.n_free)
    task.start = start
    task.n_rows = n
    if end > b.pinned_end:
        b.pinned_end = end
    task.mode = BUILD
    if mode == REMAINDER and b.whole_data:
        # whole counts: the task counting its rows gets this very histogram, so
        # the copy (a histogram per waiting task) is not worth its memory
        _pool_release(&b.pool, slot)
    elif mode == REMAINDER:
        task.mode = REMAINDER
        task.hist = <float64_t *>malloc(b.hist_size * sizeof(float64_t))
        if task.hist == NULL:
            return -1
        memcpy(task.hist, b.pool.buffers[slot], b.hist_size * sizeof(float64_t))
        _pool_release(&b.pool, slot)
        b.n_copies += 1
    return 0


cdef Status _grow(Builder *b, const code_t *codes) noexcept nogil:
    """Grow depth-first from the entries on the stack (their rows and values set)."""
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
    cdef bint defer

    while b.sp > 0:
        if nodes_since_check >= CHECK_EVERY_NODES or rows_since_check >= CHECK_EVERY_ROWS:
            nodes_since_check = 0
            rows_since_check = 0
            if b.checks_signals and _check_interrupt() != 0:
                b.stop[0] = INTERRUPTED
                return INTERRUPTED
            if b.stop[0] != OK:
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
        defer = (expandable and MIN_TASK_ROWS <= end - start <= b.task_rows
                 and (mode != REMAINDER or b.n_copies < b.max_copies))
        in_scratch = False
        use_bits = False
        if defer and mode != SUBTRACT:
            if _defer(b, node, start, end, mode, slot):
                return NO_MEMORY
            continue
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
        if defer:
            # counted for its sibling's remainder; its own builder counts it again
            # and gets the same histogram
            clear_histogram(codes, F, b.y, b.rows, start, end, b.bin_offset, K,
                            b.scratch, b.bits, b.n_words)
            if _defer(b, node, start, end, mode, slot):
                return NO_MEMORY
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
        seg_start = end if end > b.pinned_end else b.pinned_end
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
        if br.total_rows == end - start:
            _move_children_back(b, start, seg_start)
        first = b.nodes.count
        if _nodes_reserve(&b.nodes, first + br.n_branch, K):
            return NO_MEMORY
        _add_children(b, node, &split)
        if _stack_reserve(b, b.sp + br.n_branch):
            return NO_MEMORY
        _push_children(b, first, new_slot)
    return OK


cdef void _set_root(Nodes *nodes, Py_ssize_t n_classes, int64_t n_rows,
                    int64_t depth) noexcept nogil:
    """Node 0 as a leaf with empty counts."""
    cdef Py_ssize_t k
    nodes.count = 1
    nodes.feature[0] = -2
    nodes.cut_lo[0] = -1
    nodes.cut_hi[0] = -1
    nodes.first_child[0] = -1
    nodes.n_children[0] = 0
    nodes.branch_code[0] = -1
    nodes.branch_weight[0] = 1.0
    nodes.depth[0] = depth
    nodes.gain[0] = 0.0
    nodes.split_info[0] = 0.0
    nodes.n_rows[0] = n_rows
    for k in range(n_classes):
        nodes.value[k] = 0.0


cdef inline void _push(Builder *b, int64_t node, int64_t start, int64_t end,
                       int64_t mode, int64_t slot) noexcept nogil:
    cdef StackEntry *entry = &b.stack[b.sp]
    entry.node = node
    entry.start = start
    entry.end = end
    entry.mode = mode
    entry.slot = slot
    b.sp += 1


cdef void _run_task(const Builder *main, const code_t *codes, Task *task,
                    bint checks_signals) noexcept nogil:
    """Grow one deferred subtree with a builder of its own (root = its node 0).

    Its rows' codes and classes are first gathered into arrays of its own, entry i
    for the subtree's i-th row: every later pass over them then reads memory
    private to this thread and small enough to stay in its caches, instead of
    rows scattered over the whole data, which the threads' share of memory
    bandwidth made the slow part.
    """
    cdef Builder *tb = <Builder *>calloc(1, sizeof(Builder))
    cdef Py_ssize_t K = main.n_classes
    cdef Py_ssize_t F = main.n_features
    cdef int64_t slot = -1
    cdef int64_t i, r
    cdef int64_t n = task.n_rows
    cdef code_t *local_codes = NULL
    cdef int64_t *local_y = NULL
    task.result = tb
    if tb == NULL or main.stop[0] != OK:
        task.status = NO_MEMORY if tb == NULL else INTERRUPTED
        main.stop[0] = task.status if main.stop[0] == OK else main.stop[0]
        return
    tb.n_samples = main.n_samples
    tb.n_features = main.n_features
    tb.n_classes = K
    tb.sample_weight = main.sample_weight
    tb.n_bins = main.n_bins
    tb.is_nominal = main.is_nominal
    tb.min_cases = main.min_cases
    tb.min_samples_split = main.min_samples_split
    tb.max_depth = main.max_depth
    tb.n_threads = 1
    tb.parallel_build_work = main.parallel_build_work
    tb.parallel_score_work = main.parallel_score_work
    tb.borrows_layout = True
    tb.bin_offset = main.bin_offset
    tb.word_offset = main.word_offset
    tb.n_bins_total = main.n_bins_total
    tb.totals = main.totals
    tb.hist_size = main.hist_size
    tb.n_words = main.n_words
    tb.max_nb = main.max_nb
    tb.whole_data = main.whole_data
    tb.table = main.table
    tb.ctx = main.ctx
    tb.task_rows = 0
    tb.stop = main.stop
    tb.checks_signals = checks_signals
    local_codes = <code_t *>malloc((n * F if n * F > 0 else 1) * sizeof(code_t))
    local_y = <int64_t *>malloc((n if n > 0 else 1) * sizeof(int64_t))
    if (local_codes == NULL or local_y == NULL
            or _allocate(tb, task.pool_free + (1 if task.mode == REMAINDER else 0), n)):
        free(local_codes)
        free(local_y)
        task.status = NO_MEMORY
        main.stop[0] = NO_MEMORY
        return
    for i in range(n):
        r = main.rows[task.start + i]
        memcpy(&local_codes[i * F], &codes[r * F], F * sizeof(code_t))
        local_y[i] = main.y[r]
        tb.rows[i] = <int32_t>i
    tb.y = local_y
    _set_root(&tb.nodes, K, main.nodes.n_rows[task.node], main.nodes.depth[task.node])
    memcpy(tb.nodes.value, &main.nodes.value[task.node * K], K * sizeof(float64_t))
    memcpy(tb.row_weight, &main.row_weight[task.start], n * sizeof(float64_t))
    if task.mode == REMAINDER:
        # its histogram is the one buffer its pool starts with, as in serial order
        tb.pool.buffers[0] = task.hist
        tb.pool.n_allocated = 1
        task.hist = NULL
        slot = 0
    _push(tb, 0, 0, n, task.mode, slot)
    task.status = _grow(tb, local_codes)
    # only its nodes are needed until the merge
    _free_work(tb)
    free(local_codes)
    free(local_y)
    tb.y = NULL
    if task.status != OK and main.stop[0] == OK:
        main.stop[0] = task.status


cdef int _by_rows_descending(const void *a, const void *b) noexcept nogil:
    cdef int64_t na = (<const Task *>a).n_rows
    cdef int64_t nb = (<const Task *>b).n_rows
    return (na < nb) - (na > nb)


cdef Status _run_tasks(Builder *b, const code_t *codes) noexcept nogil:
    """Grow the deferred subtrees in parallel, the largest first."""
    cdef Py_ssize_t i
    cdef Task **order
    cdef Task *sorted_tasks
    if b.n_tasks == 0:
        return OK
    # sort a copy by size for the schedule; results stay in deferral order
    sorted_tasks = <Task *>malloc(b.n_tasks * sizeof(Task))
    order = <Task **>malloc(b.n_tasks * sizeof(Task *))
    if sorted_tasks == NULL or order == NULL:
        free(sorted_tasks)
        free(order)
        return NO_MEMORY
    for i in range(b.n_tasks):
        sorted_tasks[i] = b.tasks[i]
        sorted_tasks[i].splice = i  # back to its place
    qsort(sorted_tasks, b.n_tasks, sizeof(Task), _by_rows_descending)
    for i in range(b.n_tasks):
        order[i] = &b.tasks[sorted_tasks[i].splice]
    free(sorted_tasks)
    for i in prange(b.n_tasks, schedule="dynamic", chunksize=1, num_threads=b.n_threads):
        _run_task(b, codes, order[i], threadid() == 0)
    free(order)
    return <Status>b.stop[0]


cdef void _copy_node(Nodes *dst, int64_t to, const Nodes *src, int64_t at,
                     Py_ssize_t n_classes, int64_t first_child) noexcept nogil:
    dst.feature[to] = src.feature[at]
    dst.cut_lo[to] = src.cut_lo[at]
    dst.cut_hi[to] = src.cut_hi[at]
    dst.first_child[to] = first_child
    dst.n_children[to] = src.n_children[at]
    dst.branch_code[to] = src.branch_code[at]
    dst.branch_weight[to] = src.branch_weight[at]
    memcpy(&dst.value[to * n_classes], &src.value[at * n_classes],
           n_classes * sizeof(float64_t))
    dst.n_rows[to] = src.n_rows[at]
    dst.depth[to] = src.depth[at]
    dst.gain[to] = src.gain[at]
    dst.split_info[to] = src.split_info[at]


cdef void _free_nodes(Nodes *nodes) noexcept nogil:
    free(nodes.feature)
    free(nodes.cut_lo)
    free(nodes.cut_hi)
    free(nodes.first_child)
    free(nodes.n_children)
    free(nodes.branch_code)
    free(nodes.branch_weight)
    free(nodes.value)
    free(nodes.n_rows)
    free(nodes.depth)
    free(nodes.gain)
    free(nodes.split_info)
    memset(nodes, 0, sizeof(Nodes))


cdef int _merge_tasks(Builder *b) noexcept nogil:
    """Put the subtrees grown by tasks back, numbering every node as the serial
    depth-first order does: a subtree's nodes come right after the nodes created
    before it was deferred. -1 when memory runs out."""
    cdef Py_ssize_t K = b.n_classes
    cdef Py_ssize_t n_main = b.nodes.count
    cdef Py_ssize_t t, m, l, total
    cdef int64_t shift, fc, x, sub
    cdef int64_t *new_id
    cdef int64_t *base
    cdef const Nodes *r
    cdef Nodes merged
    if b.n_tasks == 0:
        return 0
    memset(&merged, 0, sizeof(Nodes))
    total = n_main
    for t in range(b.n_tasks):
        total += b.tasks[t].result.nodes.count - 1
    new_id = <int64_t *>malloc((n_main + 1) * sizeof(int64_t))
    base = <int64_t *>malloc((b.n_tasks + 1) * sizeof(int64_t))
    if new_id == NULL or base == NULL or _nodes_reserve(&merged, total, K):
        free(new_id)
        free(base)
        _free_nodes(&merged)
        return -1
    shift = 0
    t = 0
    for m in range(n_main + 1):
        while t < b.n_tasks and b.tasks[t].splice <= m:
            base[t] = b.tasks[t].splice + shift
            shift += b.tasks[t].result.nodes.count - 1
            t += 1
        if m < n_main:
            new_id[m] = m + shift
    for m in range(n_main):
        fc = b.nodes.first_child[m]
        _copy_node(&merged, new_id[m], &b.nodes, m, K, new_id[fc] if fc >= 0 else -1)
    for t in range(b.n_tasks):
        r = &b.tasks[t].result.nodes
        x = new_id[b.tasks[t].node]
        sub = base[t] - 1  # local node l >= 1 goes to sub + l
        merged.feature[x] = r.feature[0]
        merged.cut_lo[x] = r.cut_lo[0]
        merged.cut_hi[x] = r.cut_hi[0]
        merged.n_children[x] = r.n_children[0]
        merged.gain[x] = r.gain[0]
        merged.split_info[x] = r.split_info[0]
        merged.first_child[x] = sub + r.first_child[0] if r.first_child[0] >= 0 else -1
        for l in range(1, r.count):
            fc = r.first_child[l]
            _copy_node(&merged, sub + l, r, l, K, sub + fc if fc >= 0 else -1)
        # merged: let go of the task's copy now, not with the builder
        _free_nodes(&b.tasks[t].result.nodes)
    merged.count = total
    free(new_id)
    free(base)
    _free_nodes(&b.nodes)
    b.nodes = merged
    return 0


cdef Status _start(Builder *b, const code_t *codes, Py_ssize_t hist_budget) noexcept nogil:
    """Allocate, set the root, grow (the top serially, the rest in parallel when
    there are several threads) and merge; the caller frees the builder."""
    cdef Py_ssize_t i
    cdef Py_ssize_t max_buffers = 4
    cdef Status status
    cdef int stop = OK
    cdef int missing
    b.stop = &stop
    b.checks_signals = True
    if _lay_out(b):
        return NO_MEMORY
    # the remainder pool: at least 4 histograms, more while they fit the budget
    if b.hist_size > 0 and hist_budget // (b.hist_size * 8) > 4:
        max_buffers = hist_budget // (b.hist_size * 8)
    # Subtrees in parallel only while histograms are small: each running task may
    # keep as many as the serial order would, and a deferred remainder waits in a
    # copy (at most a budget's worth of them).
    if b.hist_size * 8 > MAX_TASK_HIST_BYTES:
        b.task_rows = 0
    b.max_copies = hist_budget // (b.hist_size * 8) if b.hist_size > 0 else 0
    missing = _scan_inputs(codes, b.n_samples, b.n_features, b.n_bins, b.y, b.n_classes)
    if missing < 0:
        return BAD_INPUT
    if _allocate(b, max_buffers, b.n_samples):
        return NO_MEMORY
    b.whole_data = not missing and _has_whole_weights(b.sample_weight, b.n_samples)
    _set_root(&b.nodes, b.n_classes, b.n_samples, 0)
    for i in range(b.n_samples):
        b.rows[i] = <int32_t>i
        b.row_weight[i] = b.sample_weight[i]
        b.nodes.value[b.y[i]] += b.sample_weight[i]
    _push(b, 0, 0, b.n_samples, BUILD, -1)
    status = _grow(b, codes)
    if status == OK and b.n_tasks > 0:
        _free_work_but_rows(b)
        status = _run_tasks(b, codes)
    _free_work(b)  # only the nodes are left to read
    if status == OK and _merge_tasks(b):
        status = NO_MEMORY
    return status


cdef int _raise_pending() except -1:
    """Hand the exception set by a signal handler (e.g. KeyboardInterrupt) on."""
    return -1


cdef object _take_i64(int64_t **data, Py_ssize_t n):
    """The n values at data[0] as a numpy array; the C array is freed."""
    out = _array_i64(data[0], n)
    free(data[0])
    data[0] = NULL
    return out


cdef object _take_f64(float64_t **data, Py_ssize_t n):
    """The n values at data[0] as a numpy array; the C array is freed."""
    out = _array_f64(data[0], n)
    free(data[0])
    data[0] = NULL
    return out


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
    int64_t task_rows=-1,
):
    """Grow the tree depth-first; returns the node arrays (see Tree).

    (feature, cut_lo, cut_hi, first_child, n_children, branch_code, branch_weight,
    value, n_rows, depth, gain, split_info). With ``n_threads`` > 1 the top of the
    tree is grown in order, its large histograms counted by several threads, and the
    subtrees of at most ``task_rows`` rows (-1: a share of the data) are grown in
    parallel and numbered as the serial order does: the tree does not depend on the
    thread count. ``hist_budget`` bytes bound the histograms kept for subtraction
    (at least four are kept); the ``parallel_*`` sizes are where threads start.
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
    # subtrees grown as tasks (-1: from the data size); on one thread too, where
    # a task's rows gathered together are read from the caches
    if task_rows < 0:
        b.task_rows = b.n_samples // (TASKS_PER_THREAD * (b.n_threads if b.n_threads > 1 else 2))
    else:
        b.task_rows = task_rows
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
        if status == BAD_INPUT:
            raise ValueError(
                "a bin code is past its feature's missing code (n_bins[f]) or a "
                "label is outside [0, n_classes)"
            )
        if status == INTERRUPTED:
            _raise_pending()
        # each array copied out and its source freed in turn: the nodes are held
        # about once, not twice, at the end of the fit
        n = b.nodes.count
        feature = _take_i64(&b.nodes.feature, n)
        cut_lo = _take_i64(&b.nodes.cut_lo, n)
        cut_hi = _take_i64(&b.nodes.cut_hi, n)
        first_child = _take_i64(&b.nodes.first_child, n)
        n_children = _take_i64(&b.nodes.n_children, n)
        branch_code = _take_i64(&b.nodes.branch_code, n)
        branch_weight = _take_f64(&b.nodes.branch_weight, n)
        value = _take_f64(&b.nodes.value, n * n_classes).reshape(n, n_classes)
        n_rows = _take_i64(&b.nodes.n_rows, n)
        depth = _take_i64(&b.nodes.depth, n)
        gain = _take_f64(&b.nodes.gain, n)
        split_info = _take_f64(&b.nodes.split_info, n)
        return (
            feature, cut_lo, cut_hi, first_child, n_children, branch_code,
            branch_weight, value, n_rows, depth, gain, split_info,
        )
    finally:
        _free_builder(&b)
