"""Class histograms per (feature, bin) over an instance list.

A histogram holds the class weights of every bin, feature after feature (bin b of
feature f at ``(bin_offset[f] + b) * n_classes``), then from ``bin_offset[-1] *
n_classes`` on each bin's total weight, packed so that scans skip empty bins cheaply.
The last bin of each feature (code ``n_bins[f]``) holds the rows whose value is missing.
"""

from cython.parallel cimport prange
from libc.string cimport memset

from entree.tree._kernels._common cimport (
    float64_t, int32_t, int64_t, prefetch, uint64_t,
)


cdef inline void _build_dense_block(
    const code_t *codes, Py_ssize_t n_features, const int64_t *y,
    const int32_t *rows, const float64_t *row_weight, Py_ssize_t start, Py_ssize_t end,
    const int64_t *bin_offset, Py_ssize_t n_classes, float64_t *out,
    Py_ssize_t f_lo, Py_ssize_t f_hi,
) noexcept nogil:
    """Class counts of features [f_lo, f_hi), rows in order, then their bin totals."""
    cdef Py_ssize_t i, f, b, k
    cdef int64_t r, ahead, cls
    cdef float64_t w, acc
    cdef Py_ssize_t totals = bin_offset[n_features] * n_classes
    cdef const code_t *row
    for i in range(start, end):
        if i + PREFETCH_BUILD < end:
            ahead = rows[i + PREFETCH_BUILD]
            prefetch(&codes[ahead * n_features + f_lo])
            prefetch(&y[ahead])
        r = rows[i]
        w = row_weight[i]
        cls = y[r]
        row = &codes[r * n_features]
        for f in range(f_lo, f_hi):
            out[(bin_offset[f] + row[f]) * n_classes + cls] += w
    for b in range(bin_offset[f_lo], bin_offset[f_hi]):
        acc = 0.0
        for k in range(n_classes):
            acc += out[b * n_classes + k]
        out[totals + b] = acc


cdef bint build_histogram(
    const code_t *codes, Py_ssize_t n_features, const int64_t *y,
    const int32_t *rows, const float64_t *row_weight, Py_ssize_t start, Py_ssize_t end,
    const int64_t *bin_offset, Py_ssize_t n_classes, float64_t *out, uint64_t *bits,
    const int64_t *word_offset, int32_t *bin_class, int n_threads,
) noexcept nogil:
    """Add weighted class counts per (feature, bin) over rows[start:end] into ``out``.

    ``out`` must be zero where these rows land (see clear_histogram). For a small
    node ``bits`` (zero on entry) marks the bins touched, one bit per bin, and
    ``bin_class`` the class of the last row put in each touched bin (the class of a
    bin that holds one row, the common case there); returns whether it did.

    A large node is counted by up to ``n_threads`` threads, each over a block of
    features with its rows in order, so every count is summed in the same order
    whatever the thread count.
    """
    cdef Py_ssize_t n_bins_total = bin_offset[n_features]
    cdef Py_ssize_t totals = n_bins_total * n_classes
    cdef Py_ssize_t i, f, b, j, n_blocks
    cdef int64_t r, ahead, cls, code
    cdef float64_t w
    cdef const code_t *row
    if is_dense(end - start, n_features, n_bins_total):
        # many rows: count classes only, then total every bin in one pass
        n_blocks = n_threads if n_threads < n_features else n_features
        if n_blocks <= 1:
            _build_dense_block(codes, n_features, y, rows, row_weight, start, end,
                               bin_offset, n_classes, out, 0, n_features)
        else:
            for j in prange(n_blocks, schedule="static", num_threads=n_blocks):
                _build_dense_block(codes, n_features, y, rows, row_weight, start, end,
                                   bin_offset, n_classes, out,
                                   j * n_features // n_blocks,
                                   (j + 1) * n_features // n_blocks)
        return False
    for i in range(start, end):
        if i + PREFETCH_BUILD < end:
            ahead = rows[i + PREFETCH_BUILD]
            prefetch(&codes[ahead * n_features])
            prefetch(&y[ahead])
        r = rows[i]
        w = row_weight[i]
        cls = y[r]
        row = &codes[r * n_features]
        for f in range(n_features):
            code = row[f]
            b = bin_offset[f] + code
            out[b * n_classes + cls] += w
            out[totals + b] += w
            bin_class[b] = <int32_t>cls
            bits[word_offset[f] + (code >> 6)] |= (<uint64_t>1) << (code & 63)
    return True


cdef void clear_histogram(
    const code_t *codes, Py_ssize_t n_features, const int64_t *y,
    const int32_t *rows, Py_ssize_t start, Py_ssize_t end,
    const int64_t *bin_offset, Py_ssize_t n_classes, float64_t *out, uint64_t *bits,
    Py_ssize_t n_words,
) noexcept nogil:
    """Zero what building rows[start:end] wrote (all of it for large nodes)."""
    cdef Py_ssize_t n_bins_total = bin_offset[n_features]
    cdef Py_ssize_t totals = n_bins_total * n_classes
    cdef Py_ssize_t i, f, b
    cdef int64_t r, cls
    cdef const code_t *row
    memset(bits, 0, n_words * sizeof(uint64_t))
    if is_dense(end - start, n_features, n_bins_total):
        memset(out, 0, n_bins_total * (n_classes + 1) * sizeof(float64_t))
        return
    for i in range(start, end):
        r = rows[i]
        cls = y[r]  # a row only wrote its own class's cell and the bin total
        row = &codes[r * n_features]
        for f in range(n_features):
            b = bin_offset[f] + row[f]
            out[totals + b] = 0.0
            out[b * n_classes + cls] = 0.0


# -- Python entry points (tests, the inspection tools) ---------------------------------

def py_build_histogram(
    const code_t[:, ::1] codes, const int64_t[::1] y, const int32_t[::1] rows,
    const float64_t[::1] row_weight, Py_ssize_t start, Py_ssize_t end,
    const int64_t[::1] bin_offset, Py_ssize_t n_classes, float64_t[::1] out,
    uint64_t[::1] bits, const int64_t[::1] word_offset, int32_t[::1] bin_class,
    int n_threads=1,
):
    """build_histogram over numpy arrays; returns whether the bitmap was filled."""
    cdef Py_ssize_t n_features = codes.shape[1]
    cdef bint used_bits
    if not (0 <= start <= end <= rows.shape[0] and end <= row_weight.shape[0]):
        raise ValueError("rows[start:end] out of range")
    if (bin_offset.shape[0] != n_features + 1 or word_offset.shape[0] != n_features + 1
            or out.shape[0] < bin_offset[n_features] * (n_classes + 1)
            or bits.shape[0] < word_offset[n_features]
            or bin_class.shape[0] < bin_offset[n_features]):
        raise ValueError("histogram buffers do not match the layout")
    with nogil:
        used_bits = build_histogram(
            &codes[0, 0] if codes.shape[0] else NULL, n_features, &y[0] if y.shape[0] else NULL,
            &rows[0] if rows.shape[0] else NULL,
            &row_weight[0] if row_weight.shape[0] else NULL, start, end,
            &bin_offset[0], n_classes, &out[0] if out.shape[0] else NULL,
            &bits[0] if bits.shape[0] else NULL, &word_offset[0],
            &bin_class[0] if bin_class.shape[0] else NULL, n_threads,
        )
    return bool(used_bits)
