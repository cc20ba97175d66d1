# C4.5 error-based pruning (subtree replacement) over node class counts alone, and
# the breadth-first compaction of what is left.
#
# Node arrays are the builder's: the children of a node are the contiguous ids
# first_child[node] .. first_child[node] + n_children[node] - 1, all greater than the
# node's own id, so a reverse sweep over ids visits children before parents.

from libc.math cimport pow, sqrt
from libc.stdlib cimport free, malloc

from entree.tree._kernels._common cimport float64_t, int64_t, uint8_t


cdef inline float64_t _errors_above_one(float64_t n, float64_t e,
                                        float64_t z) noexcept nogil:
    """added_errors for e >= 1: the normal approximation's upper limit, minus e."""
    cdef float64_t f, r
    if e + 0.5 >= n:
        return 0.0 if 0.0 > n - e else n - e  # max(n - e, 0.0)
    f = (e + 0.5) / n
    r = (
        f + z * z / (2.0 * n) + z * sqrt(f / n - f * f / n + z * z / (4.0 * n * n))
    ) / (1.0 + z * z / n)
    return r * n - e


cpdef float64_t added_errors(float64_t n, float64_t e, float64_t confidence,
                             float64_t z) noexcept nogil:
    """Pessimistic extra errors for e errors among n (weighted) cases at confidence CF.

    Upper limit of the binomial confidence interval (normal approximation with
    continuity correction), minus the observed e; C4.5/J48's ``addErrs``.
    """
    cdef float64_t base
    if n <= 0.0:
        return 0.0
    if e < 1.0:
        base = n * (1.0 - pow(confidence, 1.0 / n))
        if e <= 0.0:
            return base
        return base + e * (_errors_above_one(n, 1.0, z) - base)
    return _errors_above_one(n, e, z)


cdef float64_t leaf_errors(const float64_t *counts, Py_ssize_t n_classes,
                           float64_t confidence, float64_t z,
                           float64_t *errors) noexcept nogil:
    """Estimated errors of a leaf holding these class counts; its training errors
    go to ``errors``."""
    cdef float64_t total = 0.0, best = 0.0
    cdef Py_ssize_t k
    for k in range(n_classes):
        total += counts[k]
        if counts[k] > best:
            best = counts[k]
    errors[0] = total - best
    return errors[0] + added_errors(total, errors[0], confidence, z)


cdef void prune_nodes(const int64_t *first_child, const int64_t *n_children,
                      const float64_t *value, Py_ssize_t n_nodes, Py_ssize_t n_classes,
                      float64_t confidence, float64_t z, bint collapse,
                      uint8_t *is_leaf, float64_t *estimated,
                      float64_t *training) noexcept nogil:
    """Subtree replacement: is_leaf[v] set where node v is a leaf after pruning.

    A subtree is replaced by a leaf when the leaf's estimated errors are no more than
    the subtree's plus 0.1 (C4.5's margin). With ``collapse`` a subtree that does not
    lower the training error at all is first collapsed (J48's default). ``estimated``
    and ``training`` (n_nodes each) receive every node's estimated and training
    errors after pruning.
    """
    cdef Py_ssize_t node
    cdef int64_t c
    cdef float64_t leaf_errs, leaf_estimate, sub_estimate, sub_training
    cdef bint make_leaf
    for node in range(n_nodes):
        is_leaf[node] = n_children[node] == 0
    for node in range(n_nodes - 1, -1, -1):
        leaf_estimate = leaf_errors(&value[node * n_classes], n_classes, confidence, z,
                                    &leaf_errs)
        if is_leaf[node]:
            estimated[node] = leaf_estimate
            training[node] = leaf_errs
            continue
        sub_estimate = 0.0
        sub_training = 0.0
        for c in range(first_child[node], first_child[node] + n_children[node]):
            sub_estimate += estimated[c]
            sub_training += training[c]
        make_leaf = leaf_estimate <= sub_estimate + 0.1
        if collapse and sub_training >= leaf_errs - 1e-3:
            make_leaf = True
        if make_leaf:
            is_leaf[node] = True
            estimated[node] = leaf_estimate
            training[node] = leaf_errs
        else:
            estimated[node] = sub_estimate
            training[node] = sub_training


cdef Py_ssize_t breadth_first_order(const int64_t *first_child,
                                    const int64_t *n_children, const uint8_t *is_leaf,
                                    Py_ssize_t n_nodes, int64_t *order,
                                    int64_t *ptr) noexcept nogil:
    """Breadth-first renumbering of the nodes still reachable from the root.

    order[new] = old id, ptr[new] .. ptr[new + 1] the new ids of its children
    (consecutive, greater than the parent's). Returns the number of nodes kept;
    order needs room for n_nodes entries and ptr for n_nodes + 1.
    """
    cdef Py_ssize_t n_kept = 1, head = 0
    cdef int64_t node, c, n_kids
    order[0] = 0
    ptr[0] = 0
    while head < n_kept:
        node = order[head]
        n_kids = 0
        if not is_leaf[node]:
            for c in range(first_child[node], first_child[node] + n_children[node]):
                order[n_kept] = c
                n_kept += 1
                n_kids += 1
        ptr[head + 1] = ptr[head] + n_kids
        head += 1
    return n_kept


def prune_error_based(const int64_t[::1] first_child, const int64_t[::1] n_children,
                      const float64_t[:, ::1] value, float64_t confidence, float64_t z,
                      bint collapse, uint8_t[::1] is_leaf):
    """Fill ``is_leaf`` (one byte per node): 1 where the node is a leaf after pruning.

    A pure kernel over node class counts (first_child, n_children, value): no
    training case is read, so any driver that has the grown tree's counts (the
    local fit, or a level-wise distributed fit on its client) can call it.
    """
    cdef Py_ssize_t n_nodes = first_child.shape[0]
    cdef float64_t *work
    if n_nodes == 0:
        return
    work = <float64_t *>malloc(2 * n_nodes * sizeof(float64_t))
    if work == NULL:
        raise MemoryError()
    with nogil:
        prune_nodes(&first_child[0], &n_children[0], &value[0, 0], n_nodes,
                    value.shape[1], confidence, z, collapse, &is_leaf[0], work,
                    work + n_nodes)
    free(work)


def compact_order(const int64_t[::1] first_child, const int64_t[::1] n_children,
                  const uint8_t[::1] is_leaf, int64_t[::1] order, int64_t[::1] ptr):
    """Fill order (n_nodes) and ptr (n_nodes + 1) breadth first; return the count kept."""
    cdef Py_ssize_t n_kept
    with nogil:
        n_kept = breadth_first_order(&first_child[0], &n_children[0], &is_leaf[0],
                                     first_child.shape[0], &order[0], &ptr[0])
    return n_kept
