"""C4.5 error-based pruning on a grown tree, and compaction of what is left.

Pruning works on the builder's arrays (children of a node are the contiguous ids
``first_child[node] .. first_child[node] + n_children[node] - 1``, always greater than
the node's own id), so a reverse sweep over ids visits children before parents.

Subtree raising, which also needs the training cases, is in ``_raising``.
"""

from __future__ import annotations

from statistics import NormalDist

import numba
import numpy as np


def confidence_z(confidence: float) -> float:
    """Normal quantile used by the error bound: z = Phi^-1(1 - CF).

    Weka's J48 uses the exact quantile (0.6745 at CF = 0.25); C4.5 R8 interpolates a
    table (0.69). entree follows J48.
    """
    return NormalDist().inv_cdf(1.0 - confidence)


@numba.njit(cache=True)
def added_errors(n, e, confidence, z):
    """Pessimistic extra errors for e errors among n (weighted) cases at confidence CF.

    Upper limit of the binomial confidence interval (normal approximation with
    continuity correction), minus the observed e; C4.5/J48's ``addErrs``.
    """
    if n <= 0.0:
        return 0.0
    if e < 1.0:
        base = n * (1.0 - confidence ** (1.0 / n))
        if e <= 0.0:
            return base
        return base + e * (added_errors(n, 1.0, confidence, z) - base)
    if e + 0.5 >= n:
        return max(n - e, 0.0)
    f = (e + 0.5) / n
    r = (
        f + z * z / (2.0 * n) + z * np.sqrt(f / n - f * f / n + z * z / (4.0 * n * n))
    ) / (1.0 + z * z / n)
    return r * n - e


@numba.njit(cache=True)
def prune_error_based(first_child, n_children, value, confidence, z, collapse):
    """Return a boolean array: True where the node is a leaf after pruning.

    A subtree is replaced by a leaf when the leaf's estimated errors are no more than
    the subtree's plus 0.1 (C4.5's margin). With ``collapse`` a subtree that does not
    lower the training error at all is first collapsed (J48's default).
    """
    n_nodes = first_child.shape[0]
    is_leaf = n_children == 0
    estimated = np.zeros(n_nodes)
    training = np.zeros(n_nodes)
    for node in range(n_nodes - 1, -1, -1):
        total = 0.0
        best = 0.0
        for k in range(value.shape[1]):
            total += value[node, k]
            if value[node, k] > best:
                best = value[node, k]
        leaf_errors = total - best
        leaf_estimate = leaf_errors + added_errors(total, leaf_errors, confidence, z)
        if is_leaf[node]:
            estimated[node] = leaf_estimate
            training[node] = leaf_errors
            continue
        sub_estimate = 0.0
        sub_training = 0.0
        for c in range(first_child[node], first_child[node] + n_children[node]):
            sub_estimate += estimated[c]
            sub_training += training[c]
        make_leaf = leaf_estimate <= sub_estimate + 0.1
        if collapse and sub_training >= leaf_errors - 1e-3:
            make_leaf = True
        if make_leaf:
            is_leaf[node] = True
            estimated[node] = leaf_estimate
            training[node] = leaf_errors
        else:
            estimated[node] = sub_estimate
            training[node] = sub_training
    return is_leaf


@numba.njit(cache=True)
def compact_order(first_child, n_children, is_leaf):
    """Breadth-first renumbering of the nodes still reachable.

    Returns (old_id_of_new, children_ptr): children of a node get consecutive new ids,
    all greater than the parent's.
    """
    n_nodes = first_child.shape[0]
    order = np.empty(n_nodes, dtype=np.int64)
    ptr = np.zeros(n_nodes + 1, dtype=np.int64)
    order[0] = 0
    n_kept = 1
    head = 0
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
    return order[:n_kept].copy(), ptr[: n_kept + 1].copy()
