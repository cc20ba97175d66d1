# Leaf probabilities: hierarchical shrinkage and its closed-form leave-one-out loss.

from libc.math cimport log

from entree.tree._kernels._common cimport float64_t, int64_t, uint8_t

import numpy as np


def shrink(const float64_t[:, ::1] value, const int64_t[::1] parent, float64_t strength):
    """p_v = (n_v + strength * p_parent) / (n_v + strength); Laplace at the root.

    Nodes must come after their prior node (parents precede children). A node with
    no weight and strength 0 takes its prior's distribution.
    """
    cdef Py_ssize_t n_nodes = value.shape[0]
    cdef Py_ssize_t n_classes = value.shape[1]
    cdef Py_ssize_t v, k
    cdef int64_t p
    cdef float64_t total
    proba_array = np.empty((n_nodes, n_classes))
    cdef float64_t[:, ::1] proba = proba_array
    with nogil:
        for v in range(n_nodes):
            total = 0.0
            for k in range(n_classes):
                total += value[v, k]
            p = parent[v]
            if p < 0:
                for k in range(n_classes):
                    proba[v, k] = (value[v, k] + 1.0) / (total + n_classes)
            elif total + strength > 0.0:
                for k in range(n_classes):
                    proba[v, k] = (value[v, k] + strength * proba[p, k]) / (
                        total + strength
                    )
            else:
                for k in range(n_classes):
                    proba[v, k] = proba[p, k]
    return proba_array


def loo_log_loss(
    const float64_t[:, ::1] value,
    const int64_t[::1] parent,
    const uint8_t[::1] is_leaf,
    const float64_t[::1] strengths,
    float64_t unit,
):
    """Mean leave-one-out log-loss (nats per unit weight) for each strength.

    For a class-c training case in leaf L, its count (``unit``, at most what is
    there) is removed from class c at L and at every node on L's prior chain,
    the estimates are recomputed top-down, and the case scores -log p_L(c).
    ``q[v, c, :]`` holds node v's distribution with one class-c case removed along
    the chain, so the work is n_nodes * K^2 per strength. ``is_leaf`` is a bool
    array viewed as uint8.
    """
    cdef Py_ssize_t n_nodes = value.shape[0]
    cdef Py_ssize_t n_classes = value.shape[1]
    cdef Py_ssize_t g, v, c, k
    cdef int64_t p
    cdef float64_t weight = 0.0
    cdef float64_t lam, loss, total, removed, qc
    out_array = np.zeros(strengths.shape[0])
    cdef float64_t[::1] out = out_array
    for v in range(n_nodes):
        if is_leaf[v]:
            for k in range(n_classes):
                weight += value[v, k]
    if weight <= 0.0:
        return out_array
    cdef float64_t[:, :, ::1] q = np.empty((n_nodes, n_classes, n_classes))
    cdef float64_t[::1] cnt = np.empty(n_classes)
    with nogil:
        for g in range(strengths.shape[0]):
            lam = strengths[g]
            loss = 0.0
            for v in range(n_nodes):
                p = parent[v]
                for c in range(n_classes):
                    total = 0.0
                    for k in range(n_classes):
                        cnt[k] = value[v, k]
                    # min(unit, cnt[c]) as Python takes it
                    removed = cnt[c] if cnt[c] < unit else unit
                    cnt[c] -= removed
                    for k in range(n_classes):
                        total += cnt[k]
                    if p < 0:
                        for k in range(n_classes):
                            q[v, c, k] = (cnt[k] + 1.0) / (total + n_classes)
                    elif total + lam > 0.0:
                        for k in range(n_classes):
                            q[v, c, k] = (cnt[k] + lam * q[p, c, k]) / (total + lam)
                    else:
                        for k in range(n_classes):
                            q[v, c, k] = q[p, c, k]
                    if is_leaf[v] and value[v, c] > 0.0:
                        # max(q, 1e-300) as Python takes it (a NaN stays NaN)
                        qc = q[v, c, c]
                        loss -= value[v, c] * log(1e-300 if 1e-300 > qc else qc)
            out[g] = loss / weight
    return out_array
