# Leaf probabilities: hierarchical shrinkage and its closed-form leave-one-out loss.

from libc.math cimport exp, lgamma, log, log1p

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


def average_over_prunings(
    const float64_t[:, ::1] value,
    const int64_t[::1] parent,
    const uint8_t[::1] is_leaf,
    const float64_t[:, ::1] proba,
    const float64_t[::1] alpha,
    float64_t stop_prior,
    float64_t evidence_weight,
):
    """Context-tree weighting over a tree whose parents precede their children.

    Returns (mixed, stop): ``stop[v]`` = a Q(v) / P_w(v), the posterior
    probability of stopping at v once reached (1 at leaves), with
    Q = P_e ** evidence_weight, P_e the Dirichlet(alpha) marginal likelihood of
    v's counts, and P_w(v) = a Q(v) + (1 - a) prod_children P_w (Q at leaves);
    ``mixed[v]`` is the sum over
    the nodes s from the root to v of prod_{u above s} (1 - stop_u) stop_s
    proba[s], the last term (v itself) taking whatever weight is left.
    ``is_leaf`` is a bool array viewed as uint8.
    """
    cdef Py_ssize_t n_nodes = value.shape[0]
    cdef Py_ssize_t n_classes = value.shape[1]
    cdef Py_ssize_t v, k
    cdef int64_t p
    cdef float64_t alpha_total = 0.0
    cdef float64_t total, log_e, log_stop, log_split, big, small, log_gamma_total
    cdef float64_t log_a = log(stop_prior)
    cdef float64_t log_b = log1p(-stop_prior)
    mixed_array = np.empty((n_nodes, n_classes))
    stop_array = np.ones(n_nodes)
    cdef float64_t[:, ::1] mixed = mixed_array
    cdef float64_t[::1] stop = stop_array
    cdef float64_t[::1] log_w = np.empty(n_nodes)
    cdef float64_t[::1] children_sum = np.zeros(n_nodes)
    cdef float64_t[::1] left = np.empty(n_nodes)
    cdef float64_t[::1] log_gamma_alpha = np.empty(n_classes)
    with nogil:
        for k in range(n_classes):
            alpha_total += alpha[k]
            log_gamma_alpha[k] = lgamma(alpha[k])
        log_gamma_total = lgamma(alpha_total)
        # bottom-up: children have larger ids than their parent
        for v in range(n_nodes - 1, -1, -1):
            total = 0.0
            log_e = 0.0
            for k in range(n_classes):
                if value[v, k] > 0.0:  # an absent class contributes log 1
                    total += value[v, k]
                    log_e += lgamma(value[v, k] + alpha[k]) - log_gamma_alpha[k]
            log_e += log_gamma_total - lgamma(total + alpha_total)
            log_e *= evidence_weight
            if is_leaf[v]:
                log_w[v] = log_e
            else:
                log_stop = log_a + log_e
                log_split = log_b + children_sum[v]
                big = log_stop if log_stop > log_split else log_split
                small = log_split if log_stop > log_split else log_stop
                log_w[v] = big + log1p(exp(small - big))
                stop[v] = exp(log_stop - log_w[v])
            p = parent[v]
            if p >= 0:
                children_sum[p] += log_w[v]
        # top-down: the ancestors' terms, then the node's own
        for v in range(n_nodes):
            p = parent[v]
            if p < 0:
                left[v] = 1.0
                for k in range(n_classes):
                    mixed[v, k] = 0.0
            else:
                left[v] = left[p] * (1.0 - stop[p])
                for k in range(n_classes):
                    # mixed[p] still holds p's ancestors' terms here
                    mixed[v, k] = mixed[p, k] + left[p] * stop[p] * proba[p, k]
        for v in range(n_nodes - 1, -1, -1):
            for k in range(n_classes):
                mixed[v, k] += left[v] * proba[v, k]
    return mixed_array, stop_array


def deviation_below(
    const float64_t[:, ::1] node_proba,
    const int64_t[::1] parent,
    const uint8_t[::1] is_leaf,
):
    """Per node, max over the leaves L under it and classes c of
    |node_proba[L, c] - node_proba[v, c]| (0 at leaves).

    Parents precede children, so one backward pass carries each class's highest and
    lowest leaf value up to every ancestor.
    """
    cdef Py_ssize_t n_nodes = node_proba.shape[0]
    cdef Py_ssize_t n_classes = node_proba.shape[1]
    cdef Py_ssize_t v, k
    cdef int64_t p
    cdef float64_t gap
    high_array = np.full((n_nodes, n_classes), -np.inf)
    low_array = np.full((n_nodes, n_classes), np.inf)
    gap_array = np.zeros(n_nodes)
    cdef float64_t[:, ::1] high = high_array
    cdef float64_t[:, ::1] low = low_array
    cdef float64_t[::1] out = gap_array
    with nogil:
        for v in range(n_nodes - 1, -1, -1):
            if is_leaf[v]:
                for k in range(n_classes):
                    high[v, k] = node_proba[v, k]
                    low[v, k] = node_proba[v, k]
            else:
                gap = 0.0
                for k in range(n_classes):
                    gap = max(gap, high[v, k] - node_proba[v, k])
                    gap = max(gap, node_proba[v, k] - low[v, k])
                out[v] = gap
            p = parent[v]
            if p >= 0:
                for k in range(n_classes):
                    high[p, k] = max(high[p, k], high[v, k])
                    low[p, k] = min(low[p, k], low[v, k])
    return gap_array
