# Small inline helpers every kernel shares: types, the weight tolerance, c log2 c,
# and a cache prefetch hint.

from libc.math cimport log2

ctypedef double float64_t
ctypedef long long int64_t
ctypedef int int32_t
ctypedef unsigned char uint8_t
ctypedef unsigned short uint16_t
ctypedef unsigned long long uint64_t

cdef extern from *:
    """
    /* Weights below this are empty (histogram subtraction leaves rounding dust). */
    #define ENTREE_WEIGHT_EPS 1e-9
    #if defined(__GNUC__) || defined(__clang__)
    #define ENTREE_PREFETCH(addr) __builtin_prefetch((const void *)(addr), 0, 3)
    #else
    #define ENTREE_PREFETCH(addr) ((void)0)
    #endif
    """
    const float64_t WEIGHT_EPS "ENTREE_WEIGHT_EPS"
    # A hint only: never faults, changes no value.
    void prefetch "ENTREE_PREFETCH"(const void *addr) nogil


cdef inline float64_t xlog2x(float64_t c) noexcept nogil:
    """c log2 c, 0 for c <= WEIGHT_EPS."""
    if c <= WEIGHT_EPS:
        return 0.0
    return c * log2(c)


cdef inline float64_t xlog2x_table(float64_t c, const float64_t[::1] table) noexcept nogil:
    """c log2 c, from a table when c is a whole number (unweighted counts)."""
    cdef int64_t i
    if c <= WEIGHT_EPS:
        return 0.0
    i = <int64_t>c
    if i == c and i < table.shape[0]:
        return table[i]
    return c * log2(c)


cdef inline float64_t weighted_entropy(const float64_t *counts, Py_ssize_t n,
                                       float64_t total) noexcept nogil:
    """total * H(counts / total) in bits (0 when total is empty)."""
    cdef float64_t acc = 0.0
    cdef Py_ssize_t k
    if total <= WEIGHT_EPS:
        return 0.0
    for k in range(n):
        if counts[k] > WEIGHT_EPS:
            acc += counts[k] * log2(counts[k])
    acc = total * log2(total) - acc
    return acc if acc > 0.0 else 0.0
