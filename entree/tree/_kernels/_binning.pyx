# Binning: encoded X (floats, NaN = missing) -> compact bin codes, one row-major pass.

from cython.parallel cimport prange, threadid
from libc.math cimport INFINITY, fabs, isnan

from entree.tree._kernels._common cimport float64_t, int64_t, uint8_t, uint16_t

import numpy as np

# rows per block handed to a thread (about 2.5 MiB of X at 20 features)
cdef enum:
    _BLOCK = 16384
BLOCK_ROWS = _BLOCK

ctypedef fused code_t:
    uint8_t
    uint16_t


def grid(const float64_t[::1] edges):
    """Uniform cells over the edges' range: first edge >= each cell's start.

    Returns (cell_start (4 * n_edges + 2,) int64, scale) where cell g covers
    ``[first + g / scale, first + (g + 1) / scale)``.
    """
    cdef Py_ssize_t n_edges = edges.shape[0]
    cdef Py_ssize_t n_cells = 4 * n_edges + 1
    cdef float64_t first = edges[0] if n_edges else 0.0
    cdef float64_t span = edges[n_edges - 1] - first if n_edges else 0.0
    cdef float64_t scale = n_cells / span if span > 0.0 else 0.0
    if scale == INFINITY:  # a subnormal span: no grid, search the whole column
        scale = 0.0
    cdef float64_t bound
    cdef Py_ssize_t g, j = 0
    cell_start_array = np.empty(n_cells + 1, dtype=np.int64)
    cdef int64_t[::1] cell_start = cell_start_array
    with nogil:
        for g in range(n_cells + 1):
            bound = first + g / scale if scale > 0.0 else first
            while j < n_edges and edges[j] < bound:
                j += 1
            cell_start[g] = j
    return cell_start_array, scale


cdef void _bin_block(
    Py_ssize_t start,
    Py_ssize_t stop,
    int64_t block,
    const float64_t[:, ::1] X,
    const uint8_t[::1] numeric,
    const float64_t[::1] edges,
    const int64_t[::1] edge_start,
    const uint8_t[::1] exact,
    const int64_t[::1] cells,
    const int64_t[::1] cell_start_at,
    const float64_t[::1] scales,
    const int64_t[::1] nominal_bins,
    code_t[:, ::1] codes,
    float64_t *bin_min,
    float64_t *bin_max,
    int64_t *min_block,
    int64_t *max_block,
    uint8_t *failed,
) noexcept nogil:
    """Bin rows [start, stop) of X; minima and maxima into this thread's arrays.

    ``min_block``/``max_block`` (NULL for one pass over all rows) record the block
    of each bin's extreme, so that among equal values (0.0 and -0.0) the earliest
    block's is kept whatever order the blocks come in (one thread's blocks need not
    be increasing: OpenMP's dynamic schedule may be non-monotonic).
    """
    cdef Py_ssize_t n_features = X.shape[1]
    cdef Py_ssize_t i, j
    cdef int64_t e0, n_edges, lo, hi, n, half, g, c0, n_cells, at
    cdef float64_t x, scale
    cdef const float64_t *base
    for i in range(start, stop):
        for j in range(n_features):
            x = X[i, j]
            if not numeric[j]:
                if isnan(x):
                    codes[i, j] = <code_t>nominal_bins[j]
                else:
                    codes[i, j] = <code_t><int64_t>x
                continue
            e0 = edge_start[j]
            n_edges = edge_start[j + 1] - e0
            if isnan(x):
                codes[i, j] = <code_t>(n_edges if exact[j] else n_edges + 1)
                continue
            lo = 0
            hi = n_edges
            scale = scales[j]
            if scale > 0.0 and edges[e0] < x and x <= edges[e0 + n_edges - 1]:
                g = <int64_t>((x - edges[e0]) * scale)
                c0 = cell_start_at[j]
                n_cells = cell_start_at[j + 1] - c0 - 1
                # one cell of slack either side absorbs rounding in the cell index
                lo = cells[c0 + (g - 1 if g - 1 > 0 else 0)]
                hi = cells[c0 + (g + 2 if g + 2 < n_cells else n_cells)]
                # cells narrower than the rounding of their bounds (edges a few ulps
                # apart) can miss the answer: then search the whole column
                if lo > 0 and edges[e0 + lo - 1] >= x:
                    lo = 0
                if hi < n_edges and edges[e0 + hi] < x:
                    hi = n_edges
            elif n_edges and x > edges[e0 + n_edges - 1]:  # beyond the last edge
                lo = n_edges
            elif n_edges and x > edges[e0]:
                pass  # no grid (a subnormal span): search the whole column
            else:  # at or below the first edge
                hi = 0
            if lo < hi:  # first edge >= x, without branches to mispredict
                base = &edges[e0 + lo]
                n = hi - lo
                while n > 1:
                    half = n >> 1
                    base += half * (base[half] < x)
                    n -= half
                lo = (base - &edges[e0]) + (base[0] < x)
            if exact[j] and (lo == n_edges or edges[e0 + lo] != x):
                failed[j] = True
                continue
            codes[i, j] = <code_t>lo
            at = e0 + j + lo
            if x < bin_min[at]:
                bin_min[at] = x
                if min_block != NULL:
                    min_block[at] = block
            elif min_block != NULL and x == bin_min[at] and block < min_block[at]:
                bin_min[at] = x  # an earlier block's equal value (0.0 or -0.0)
                min_block[at] = block
            if x > bin_max[at]:
                bin_max[at] = x
                if max_block != NULL:
                    max_block[at] = block
            elif max_block != NULL and x == bin_max[at] and block < max_block[at]:
                bin_max[at] = x
                max_block[at] = block


def bin_rows(
    const float64_t[:, ::1] X,
    const uint8_t[::1] numeric,
    const float64_t[::1] edges,
    const int64_t[::1] edge_start,
    const uint8_t[::1] exact,
    const int64_t[::1] cells,
    const int64_t[::1] cell_start_at,
    const float64_t[::1] scales,
    const int64_t[::1] nominal_bins,
    code_t[:, ::1] codes,
    float64_t[::1] bin_min,
    float64_t[::1] bin_max,
    uint8_t[::1] failed,
    int n_threads=1,
    Py_ssize_t block_rows=BLOCK_ROWS,
):
    """Bin every row of X (codes, uint8 or uint16, are row-major too).

    For numeric column j the edges are ``edges[edge_start[j]:edge_start[j + 1]]``;
    with ``exact[j]`` each value must equal an edge, else ``failed[j]`` is set.
    Per-bin raw minima and maxima (flat, at ``edge_start[j] + j``) are tracked:
    the smallest (largest) value of the bin, the earliest row's among equal ones
    (0.0 and -0.0), as one pass in row order would keep. ``numeric``, ``exact``
    and ``failed`` are bool arrays viewed as uint8.

    With several threads, blocks of rows go to the threads as they free up; each
    thread keeps its own minima, maxima and failures, merged in a fixed order, so
    every output is the same for any number of threads (and any ``block_rows``).
    """
    cdef Py_ssize_t n_samples = X.shape[0]
    cdef Py_ssize_t n_features = X.shape[1]
    cdef Py_ssize_t n_flat = bin_min.shape[0]
    cdef Py_ssize_t b, t, k, j, at
    cdef int64_t best_block
    if block_rows < 1:
        block_rows = 1
    cdef Py_ssize_t n_blocks = (n_samples + block_rows - 1) // block_rows
    if n_threads > n_blocks:
        n_threads = <int>n_blocks
    if n_threads <= 1:
        with nogil:
            _bin_block(0, n_samples, 0, X, numeric, edges, edge_start, exact, cells,
                       cell_start_at, scales, nominal_bins, codes, &bin_min[0],
                       &bin_max[0], NULL, NULL, &failed[0])
        return
    local_min_array = np.full((n_threads, n_flat), np.inf)
    local_max_array = np.full((n_threads, n_flat), -np.inf)
    local_min_block_array = np.zeros((n_threads, n_flat), dtype=np.int64)
    local_max_block_array = np.zeros((n_threads, n_flat), dtype=np.int64)
    local_failed_array = np.zeros((n_threads, n_features), dtype=np.uint8)
    cdef float64_t[:, ::1] local_min = local_min_array
    cdef float64_t[:, ::1] local_max = local_max_array
    cdef int64_t[:, ::1] local_min_block = local_min_block_array
    cdef int64_t[:, ::1] local_max_block = local_max_block_array
    cdef uint8_t[:, ::1] local_failed = local_failed_array
    with nogil:
        # dynamic: a thread that the OS parks does not hold up the others. The last
        # block first: each thread then meets its blocks in decreasing order, so
        # the earliest-block rule for equal extremes is at work (and tested) in
        # every parallel run, not only under a non-monotonic schedule
        for k in prange(n_blocks, num_threads=n_threads, schedule="dynamic"):
            b = n_blocks - 1 - k
            t = threadid()
            _bin_block(b * block_rows, min(b * block_rows + block_rows, n_samples), b,
                       X, numeric, edges, edge_start, exact, cells, cell_start_at, scales,
                       nominal_bins, codes, &local_min[t, 0], &local_max[t, 0],
                       &local_min_block[t, 0], &local_max_block[t, 0],
                       &local_failed[t, 0])
        # the caller's values come first (block -1); then the earliest block wins ties
        for at in range(n_flat):
            best_block = -1
            for t in range(n_threads):
                if local_min[t, at] < bin_min[at] or (
                    local_min[t, at] == bin_min[at]
                    and local_min_block[t, at] < best_block
                ):
                    bin_min[at] = local_min[t, at]
                    best_block = local_min_block[t, at]
            best_block = -1
            for t in range(n_threads):
                if local_max[t, at] > bin_max[at] or (
                    local_max[t, at] == bin_max[at]
                    and local_max_block[t, at] < best_block
                ):
                    bin_max[at] = local_max[t, at]
                    best_block = local_max_block[t, at]
        for t in range(n_threads):
            for j in range(n_features):
                if local_failed[t, j]:
                    failed[j] = True


def has_inf(const float64_t[:, ::1] X, int n_threads=1):
    """Whether X holds an infinite value (NaN is not one); blocks of rows in parallel."""
    cdef Py_ssize_t n_samples = X.shape[0]
    cdef Py_ssize_t n_features = X.shape[1]
    cdef Py_ssize_t n_blocks = (n_samples + _BLOCK - 1) // _BLOCK
    cdef Py_ssize_t b, i, j
    cdef int found
    if n_samples == 0 or n_features == 0:
        return False
    if n_threads > n_blocks:
        n_threads = <int>n_blocks
    if n_threads < 1:
        n_threads = 1
    found_array = np.zeros(n_blocks, dtype=np.uint8)
    cdef uint8_t[::1] found_in = found_array
    with nogil:
        for b in prange(n_blocks, num_threads=n_threads, schedule="dynamic"):
            found = 0
            for i in range(b * _BLOCK, min(b * _BLOCK + _BLOCK, n_samples)):
                for j in range(n_features):
                    found = found | (fabs(X[i, j]) == INFINITY)
            found_in[b] = found
    return bool(found_array.any())
