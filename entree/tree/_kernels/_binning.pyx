# Binning: encoded X (floats, NaN = missing) -> compact bin codes, one row-major pass.

from libc.math cimport INFINITY, isnan

from entree.tree._kernels._common cimport float64_t, int64_t, uint8_t, uint16_t

import numpy as np

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


cdef void _bin_rows(
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
) noexcept nogil:
    cdef Py_ssize_t n_samples = X.shape[0]
    cdef Py_ssize_t n_features = X.shape[1]
    cdef Py_ssize_t i, j
    cdef int64_t e0, n_edges, lo, hi, mid, g, c0, n_cells, at
    cdef float64_t x, scale
    for i in range(n_samples):
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
            while lo < hi:  # first edge >= x
                mid = (lo + hi) >> 1
                if edges[e0 + mid] < x:
                    lo = mid + 1
                else:
                    hi = mid
            if exact[j] and (lo == n_edges or edges[e0 + lo] != x):
                failed[j] = True
                continue
            codes[i, j] = <code_t>lo
            at = e0 + j + lo
            if x < bin_min[at]:
                bin_min[at] = x
            if x > bin_max[at]:
                bin_max[at] = x


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
):
    """Bin every row of X in one row-major pass (codes, uint8 or uint16, too).

    For numeric column j the edges are ``edges[edge_start[j]:edge_start[j + 1]]``;
    with ``exact[j]`` each value must equal an edge, else ``failed[j]`` is set.
    Per-bin raw minima and maxima (flat, at ``edge_start[j] + j``) are tracked.
    ``numeric``, ``exact`` and ``failed`` are bool arrays viewed as uint8.
    """
    with nogil:
        _bin_rows(X, numeric, edges, edge_start, exact, cells, cell_start_at, scales,
                  nominal_bins, codes, bin_min, bin_max, failed)
