"""The sd of each numeric split's column at its node, over the partitions (soft bands).

A soft threshold's band is a multiple of the weighted sd of the split column among
the training cases reaching the node. Each partition routes its rows through the
fitted tree and returns weighted sums of (x - threshold) and its square per node;
the sums add up over partitions (in a fixed tree) to the node's moments.
"""

from __future__ import annotations

import dask
import numpy as np

from entree.dask import _partition
from entree.tree._kernels._soft import node_moment_sums, sd_from_sums


def partition_moments(X_part, y_part, w_part, index, meta, spec, classes, rule, tree):
    """(s0, s1, s2) per node over one partition's rows."""
    X, y, w = _partition.read_partition(
        X_part, y_part, w_part, index, meta, spec, classes
    )
    weights = _partition.case_weights(w, y, rule, X.shape[0])
    s0, s1, s2 = node_moment_sums(
        X,
        np.ascontiguousarray(weights, dtype=np.float64),
        np.ascontiguousarray(tree.feature, dtype=np.int64),
        np.ascontiguousarray(tree.threshold, dtype=np.float64),
        np.ascontiguousarray(tree.children_ptr, dtype=np.int64),
        np.ascontiguousarray(tree.children, dtype=np.int64),
        np.ascontiguousarray(tree.branch_category, dtype=np.int64),
        np.ascontiguousarray(tree.branch_weight, dtype=np.float64),
        np.ascontiguousarray(spec.is_nominal, dtype=np.bool_).view(np.uint8),
    )
    return np.stack([s0, s1, s2])


def distributed_node_sd(runner, parts, w_pieces, meta, spec, classes, rule, tree):
    """Weighted sd of the split column at every node (0 where no case has a value)."""
    sums = runner.compute(
        [
            dask.delayed(partition_moments, pure=False)(
                x, yy, w, i, meta, spec, classes, rule, tree
            )
            for i, (x, yy, w) in enumerate(zip(parts.X, parts.y, w_pieces))
        ]
    )
    s0, s1, s2 = runner.sum(sums)
    return sd_from_sums(s0, s1, s2)
