# Class histograms per (feature, bin) over an instance list: row ids and a weight per
# entry (a row whose tested value is missing appears once per branch, weight scaled).

from entree.tree._kernels._common cimport (
    float64_t, int32_t, int64_t, uint8_t, uint16_t, uint64_t,
)

# Bin codes take one byte when every feature fits, two otherwise.
ctypedef fused code_t:
    uint8_t
    uint16_t

# How many rows ahead to prefetch a row's codes: building a histogram spends about
# 20 updates per row, counting a branch one.
cdef enum:
    PREFETCH_BUILD = 8
    PREFETCH_COUNT = 32

cdef inline bint is_dense(Py_ssize_t n_rows, Py_ssize_t n_features,
                          Py_ssize_t n_bins_total) noexcept nogil:
    """True when a node's rows touch more histogram cells than the histogram has."""
    return n_rows * n_features > n_bins_total


cdef bint build_histogram(
    const code_t *codes, Py_ssize_t n_features, const int64_t *y,
    const int32_t *rows, const float64_t *row_weight, Py_ssize_t start, Py_ssize_t end,
    const int64_t *bin_offset, Py_ssize_t n_classes, float64_t *out, uint64_t *bits,
    const int64_t *word_offset, int32_t *bin_class, int n_threads,
) noexcept nogil

cdef void clear_histogram(
    const code_t *codes, Py_ssize_t n_features, const int64_t *y,
    const int32_t *rows, Py_ssize_t start, Py_ssize_t end,
    const int64_t *bin_offset, Py_ssize_t n_classes, float64_t *out, uint64_t *bits,
    Py_ssize_t n_words,
) noexcept nogil
