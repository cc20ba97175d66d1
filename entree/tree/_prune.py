"""C4.5 error-based pruning on a grown tree, and compaction of what is left.

Pruning works on the builder's arrays (children of a node are the contiguous ids
``first_child[node] .. first_child[node] + n_children[node] - 1``, always greater than
the node's own id), so a reverse sweep over ids visits children before parents. The
loops are the compiled kernels of ``_kernels/_prune.pyx``; this module only shapes
their inputs and outputs.

Subtree raising, which also needs the training cases, is in ``_raising``.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from entree.tree._kernels import _prune as _kernels
from entree.tree._kernels._prune import added_errors

__all__ = ["added_errors", "compact_order", "confidence_z", "prune_error_based"]


def confidence_z(confidence: float) -> float:
    """Normal quantile used by the error bound: z = Phi^-1(1 - CF).

    Weka's J48 uses the exact quantile (0.6745 at CF = 0.25); C4.5 R8 interpolates a
    table (0.69). entree follows J48.
    """
    return NormalDist().inv_cdf(1.0 - confidence)


def prune_error_based(first_child, n_children, value, confidence, z, collapse):
    """Return a boolean array: True where the node is a leaf after pruning.

    A subtree is replaced by a leaf when the leaf's estimated errors are no more than
    the subtree's plus 0.1 (C4.5's margin). With ``collapse`` a subtree that does not
    lower the training error at all is first collapsed (J48's default).

    It reads node class counts alone (``first_child``, ``n_children``, ``value``),
    never a training case, so a level-wise distributed fit can prune on its client
    from the counts it summed, exactly as the local fit does.
    """
    first_child = np.ascontiguousarray(first_child, dtype=np.int64)
    is_leaf = np.empty(first_child.shape[0], dtype=np.bool_)
    _kernels.prune_error_based(
        first_child,
        np.ascontiguousarray(n_children, dtype=np.int64),
        np.ascontiguousarray(value, dtype=np.float64),
        float(confidence),
        float(z),
        bool(collapse),
        is_leaf.view(np.uint8),
    )
    return is_leaf


def compact_order(first_child, n_children, is_leaf):
    """Breadth-first renumbering of the nodes still reachable.

    Returns (old_id_of_new, children_ptr): children of a node get consecutive new ids,
    all greater than the parent's.
    """
    first_child = np.ascontiguousarray(first_child, dtype=np.int64)
    n_nodes = first_child.shape[0]
    order = np.empty(n_nodes, dtype=np.int64)
    ptr = np.empty(n_nodes + 1, dtype=np.int64)
    n_kept = _kernels.compact_order(
        first_child,
        np.ascontiguousarray(n_children, dtype=np.int64),
        np.ascontiguousarray(is_leaf, dtype=np.bool_).view(np.uint8),
        order,
        ptr,
    )
    return order[:n_kept].copy(), ptr[: n_kept + 1].copy()
