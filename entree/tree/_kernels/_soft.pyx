# Soft thresholds: moments of the split column at each node, and the CV's fold dealing.

from cython.parallel cimport prange
from libc.math cimport isnan, sqrt
from libc.stdlib cimport free, malloc

from entree.tree._kernels._common cimport float64_t, int64_t, uint8_t, uint64_t

import numpy as np


def node_moment_sums(
    const float64_t[:, ::1] X,
    const float64_t[::1] weights,
    const int64_t[::1] feature,
    const float64_t[::1] threshold,
    const int64_t[::1] children_ptr,
    const int64_t[::1] children,
    const int64_t[::1] category,
    const float64_t[::1] share,
    const uint8_t[::1] nominal,
):
    """Weighted sums (s0, s1, s2) of (x - threshold) at every numeric node.

    Training rows are routed as in the builder: one branch by value, every branch
    with the ``branch_weight`` shares (``share``) when the value is missing or a
    category the node never saw. Moments are taken about the threshold (a value
    inside the column's range) to avoid cancellation. ``nominal`` is a bool array
    viewed as uint8. Sums over parts of the rows add up (entree.dask sums them
    over partitions); :func:`sd_from_sums` turns them into the sd.
    """
    cdef Py_ssize_t n_nodes = feature.shape[0]
    cdef Py_ssize_t i, sp
    cdef int64_t node, f, start, child, code, j, c
    cdef float64_t w, x, d
    s0_array = np.zeros(n_nodes)
    s1_array = np.zeros(n_nodes)
    s2_array = np.zeros(n_nodes)
    cdef float64_t[::1] s0 = s0_array
    cdef float64_t[::1] s1 = s1_array
    cdef float64_t[::1] s2 = s2_array
    cdef int64_t *stack_node = <int64_t *>malloc((n_nodes + 1) * sizeof(int64_t))
    cdef float64_t *stack_weight = <float64_t *>malloc((n_nodes + 1) * sizeof(float64_t))
    if stack_node == NULL or stack_weight == NULL:
        free(stack_node)
        free(stack_weight)
        raise MemoryError()
    with nogil:
        for i in range(X.shape[0]):
            if weights[i] <= 0.0:
                continue
            stack_node[0] = 0
            stack_weight[0] = weights[i]
            sp = 1
            while sp > 0:
                sp -= 1
                node = stack_node[sp]
                w = stack_weight[sp]
                while True:
                    f = feature[node]
                    if f < 0:
                        break
                    x = X[i, f]
                    start = children_ptr[node]
                    child = -1
                    if not isnan(x):
                        if not nominal[f]:
                            d = x - threshold[node]
                            s0[node] += w
                            s1[node] += w * d
                            s2[node] += w * d * d
                            child = children[start] if d <= 0.0 else children[start + 1]
                        else:
                            code = <int64_t>x
                            for j in range(start, children_ptr[node + 1]):
                                if category[children[j]] == code:
                                    child = children[j]
                                    break
                    if child >= 0:
                        node = child
                        continue
                    for j in range(start + 1, children_ptr[node + 1]):
                        c = children[j]
                        stack_node[sp] = c
                        stack_weight[sp] = w * share[c]
                        sp += 1
                    node = children[start]
                    w = w * share[node]
    free(stack_node)
    free(stack_weight)
    return s0_array, s1_array, s2_array


def sd_from_sums(const float64_t[::1] s0, const float64_t[::1] s1,
                 const float64_t[::1] s2):
    """Weighted sd per node from :func:`node_moment_sums` (0 where s0 is 0)."""
    cdef Py_ssize_t v
    cdef float64_t m, var
    sd_array = np.zeros(s0.shape[0])
    cdef float64_t[::1] sd = sd_array
    with nogil:
        for v in range(s0.shape[0]):
            if s0[v] > 0.0:
                m = s1[v] / s0[v]
                var = s2[v] / s0[v] - m * m
                # max(var, 0.0) as Python takes it (a NaN stays NaN)
                sd[v] = sqrt(0.0 if 0.0 > var else var)
    return sd_array


cdef inline uint64_t _row_hash(const float64_t[:, ::1] X, const uint64_t[:, ::1] X_bits,
                               Py_ssize_t i, uint64_t start) noexcept nogil:
    cdef uint64_t h = start
    cdef uint64_t z, bits
    cdef float64_t v
    cdef Py_ssize_t j
    for j in range(X.shape[1]):
        v = X[i, j]
        if isnan(v):
            bits = 0x7FF8000000000000ULL
        elif v == 0.0:
            bits = 0
        else:
            bits = X_bits[i, j]
        z = h + 0x9E3779B97F4A7C15ULL + bits
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL
        h = z ^ (z >> 31)
    return h


def row_hashes(
    const float64_t[:, ::1] X,
    const uint64_t[:, ::1] X_bits,
    const int64_t[::1] y,
    int64_t seed,
    int n_threads=1,
):
    """A 64-bit hash of each row's values and class (splitmix64 mixing).

    ``X_bits`` is ``X`` viewed as uint64. Equal rows get equal hashes: NaNs are
    canonicalised and -0.0 counts as 0.0. Arithmetic is on uint64 (wraps mod 2^64).
    Rows are independent, so they are shared out over ``n_threads`` threads.
    """
    cdef Py_ssize_t n = X.shape[0]
    cdef Py_ssize_t i
    out_array = np.empty(n, dtype=np.uint64)
    cdef uint64_t[::1] out = out_array
    with nogil:
        for i in prange(n, num_threads=n_threads, schedule="static"):
            out[i] = _row_hash(X, X_bits, i, (<uint64_t>seed) ^ (<uint64_t>y[i]))
    return out_array


def deal(
    const int64_t[::1] rows,
    const uint64_t[::1] hashes,
    const int64_t[::1] y,
    const int64_t[::1] quota,
    int64_t k,
    int64_t[::1] folds,
):
    """Deal groups of equal hash (rows sorted by hash) round-robin within classes."""
    cdef Py_ssize_t n_classes = quota.shape[0]
    cdef Py_ssize_t r
    cdef int64_t i, c, group
    cdef uint64_t previous = 0
    rank_array = np.zeros(n_classes, dtype=np.int64)
    cdef int64_t[::1] rank = rank_array
    with nogil:
        for r in range(rows.shape[0]):
            i = rows[r]
            c = y[i]
            if r == 0 or hashes[i] != previous:
                rank[c] += 1
                previous = hashes[i]
            group = rank[c] - 1
            if group < quota[c]:
                folds[i] = group % k


def positive_class_counts(
    const int64_t[::1] y, const float64_t[::1] weights, Py_ssize_t n_classes
):
    """Rows of each class with a positive weight."""
    cdef Py_ssize_t i
    counts_array = np.zeros(n_classes, dtype=np.int64)
    cdef int64_t[::1] counts = counts_array
    with nogil:
        for i in range(y.shape[0]):
            if weights[i] > 0.0:
                counts[y[i]] += 1
    return counts_array


def rows_below(
    const uint64_t[::1] hashes,
    const int64_t[::1] y,
    const float64_t[::1] weights,
    const float64_t[::1] share,
):
    """Rows of positive weight whose hash, read as a fraction of [0, 1) from its top
    53 bits, is below their class's ``share`` (in row order)."""
    cdef Py_ssize_t n = y.shape[0]
    cdef Py_ssize_t i, m = 0
    with nogil:
        for i in range(n):
            if weights[i] > 0.0 and _hash_fraction(hashes[i]) < share[y[i]]:
                m += 1
    rows_array = np.empty(m, dtype=np.int64)
    cdef int64_t[::1] rows = rows_array
    m = 0
    with nogil:
        for i in range(n):
            if weights[i] > 0.0 and _hash_fraction(hashes[i]) < share[y[i]]:
                rows[m] = i
                m += 1
    return rows_array


cdef inline float64_t _hash_fraction(uint64_t h) noexcept nogil:
    return (<float64_t>(h >> 11)) / 9007199254740992.0  # 2 ** 53
