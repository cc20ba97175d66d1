"""The fitted tree as flat numpy arrays, and compiled prediction over rows.

One entry per node; a child's id is always greater than its parent's. Children are
stored in CSR form: the children of ``node`` are
``children[children_ptr[node]:children_ptr[node + 1]]``. A numeric split has two
children (left: ``x <= threshold``); a nominal split has one child per category that
reached the node in training, ``branch_category`` giving that category's code.
``branch_weight`` is the share of the parent's known training weight that went down
each child: a row whose value is missing (or a category the node never saw) follows
every branch with that share of its weight, as in C4.5.
"""

from __future__ import annotations

import numba
import numpy as np

TREE_LEAF = -2
TREE_UNDEFINED = -2.0

NODE_ARRAYS = (
    "feature",
    "threshold",
    "children_ptr",
    "children",
    "branch_category",
    "branch_weight",
    "value",
    "n_node_samples",
    "impurity",
    "gain",
    "split_info",
    "gain_ratio",
)


def _entropy_rows(value: np.ndarray) -> np.ndarray:
    total = value.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(total > 0, value / np.where(total > 0, total, 1.0), 0.0)
        terms = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    return np.maximum(-terms.sum(axis=1), 0.0)


class Tree:
    """Flat array representation of a fitted entropy tree.

    Attributes
    ----------
    node_count : int
        Number of nodes.
    n_classes : int
        Number of classes.
    feature : ndarray of shape (node_count,)
        Feature split on at each node; ``-2`` on leaves.
    threshold : ndarray of shape (node_count,)
        Raw-unit threshold of numeric splits (left is ``x <= threshold``); ``-2``
        elsewhere.
    children_ptr : ndarray of shape (node_count + 1,)
        CSR offsets into ``children``.
    children : ndarray of shape (node_count - 1,)
        Child ids, grouped by parent.
    branch_category : ndarray of shape (node_count,)
        For a child of a nominal split, the code of the category it takes (an index
        into the model's categories for that feature); ``-1`` otherwise.
    branch_weight : ndarray of shape (node_count,)
        Share of the parent's known training weight that reached this node (1 at
        the root).
    value : ndarray of shape (node_count, n_classes)
        Weighted class counts of the training cases at each node.
    n_node_samples : ndarray of shape (node_count,)
        Training rows reaching each node (a row with a missing split value is
        counted in every branch it was sent down).
    impurity : ndarray of shape (node_count,)
        Entropy of ``value`` in bits.
    gain, split_info, gain_ratio : ndarray of shape (node_count,)
        Information gain (bits, scaled by the fraction of known values), split
        information (bits, the unknown bucket counted) and their ratio for the test
        at each internal node; 0 on leaves.
    """

    def __init__(
        self,
        *,
        feature,
        threshold,
        children_ptr,
        children,
        branch_category,
        branch_weight,
        value,
        n_node_samples,
        gain,
        split_info,
        impurity=None,
        gain_ratio=None,
    ):
        self.feature = np.asarray(feature, dtype=np.int64)
        self.threshold = np.asarray(threshold, dtype=np.float64)
        self.children_ptr = np.asarray(children_ptr, dtype=np.int64)
        self.children = np.asarray(children, dtype=np.int64)
        self.branch_category = np.asarray(branch_category, dtype=np.int64)
        self.branch_weight = np.asarray(branch_weight, dtype=np.float64)
        self.value = np.asarray(value, dtype=np.float64)
        self.n_node_samples = np.asarray(n_node_samples, dtype=np.int64)
        self.gain = np.asarray(gain, dtype=np.float64)
        self.split_info = np.asarray(split_info, dtype=np.float64)
        self.impurity = (
            _entropy_rows(self.value)
            if impurity is None
            else np.asarray(impurity, dtype=np.float64)
        )
        if gain_ratio is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                gain_ratio = np.where(
                    self.split_info > 0,
                    self.gain / np.where(self.split_info > 0, self.split_info, 1.0),
                    0.0,
                )
        self.gain_ratio = np.asarray(gain_ratio, dtype=np.float64)

    # -- structure -------------------------------------------------------------------
    @property
    def node_count(self) -> int:
        return int(self.feature.shape[0])

    @property
    def n_classes(self) -> int:
        return int(self.value.shape[1])

    @property
    def weighted_n_node_samples(self) -> np.ndarray:
        return self.value.sum(axis=1)

    @property
    def is_leaf(self) -> np.ndarray:
        return self.feature == TREE_LEAF

    @property
    def n_leaves(self) -> int:
        return int(self.is_leaf.sum())

    def children_of(self, node: int) -> np.ndarray:
        return self.children[self.children_ptr[node] : self.children_ptr[node + 1]]

    @property
    def parent(self) -> np.ndarray:
        parent = np.full(self.node_count, -1, dtype=np.int64)
        counts = np.diff(self.children_ptr)
        parent[self.children] = np.repeat(np.arange(self.node_count), counts)
        return parent

    @property
    def depth(self) -> np.ndarray:
        depth = np.zeros(self.node_count, dtype=np.int64)
        parent = self.parent
        for node in range(1, self.node_count):  # parents precede children
            depth[node] = depth[parent[node]] + 1
        return depth

    @property
    def max_depth(self) -> int:
        return int(self.depth.max()) if self.node_count else 0

    # -- prediction -----------------------------------------------------------------
    def predict_proba(
        self, X: np.ndarray, node_proba: np.ndarray, is_nominal: np.ndarray
    ) -> np.ndarray:
        """Mix the ``node_proba`` of the leaves each row of encoded X reaches."""
        return _predict_kernel(
            np.ascontiguousarray(X, dtype=np.float64),
            self.feature,
            self.threshold,
            self.children_ptr,
            self.children,
            self.branch_category,
            self.branch_weight,
            np.ascontiguousarray(node_proba, dtype=np.float64),
            np.asarray(is_nominal, dtype=np.bool_),
        )

    def leaf_weights(self, X: np.ndarray, is_nominal: np.ndarray) -> np.ndarray:
        """Weight with which each row reaches each node, shape (n_samples, node_count).

        A row with no missing value on its path reaches exactly one leaf with weight
        1; a row sent down several branches reaches several leaves.
        """
        identity = np.eye(self.node_count)
        return self.predict_proba(X, identity, is_nominal)

    def apply(self, X: np.ndarray, is_nominal: np.ndarray) -> np.ndarray:
        """Id of the leaf holding the largest share of each row's weight."""
        return _apply_kernel(
            np.ascontiguousarray(X, dtype=np.float64),
            self.feature,
            self.threshold,
            self.children_ptr,
            self.children,
            self.branch_category,
            self.branch_weight,
            np.asarray(is_nominal, dtype=np.bool_),
        )

    def to_arrays(self) -> dict:
        return {name: getattr(self, name).copy() for name in NODE_ARRAYS}


@numba.njit(cache=True, inline="always")
def _route(
    x, node, feature, threshold, children_ptr, children, branch_category, is_nominal
):
    """Child a value goes to at ``node``, or -1 when it must be spread."""
    if np.isnan(x):
        return -1
    start = children_ptr[node]
    if is_nominal[feature[node]]:
        code = np.int64(x)
        for j in range(start, children_ptr[node + 1]):
            if branch_category[children[j]] == code:
                return children[j]
        return -1
    if x <= threshold[node]:
        return children[start]
    return children[start + 1]


@numba.njit(cache=True)
def _predict_kernel(
    X,
    feature,
    threshold,
    children_ptr,
    children,
    branch_category,
    branch_weight,
    node_proba,
    is_nominal,
):
    n_samples = X.shape[0]
    n_out = node_proba.shape[1]
    out = np.zeros((n_samples, n_out))
    stack_node = np.empty(feature.shape[0] + 1, dtype=np.int64)
    stack_weight = np.empty(feature.shape[0] + 1)
    for i in range(n_samples):
        sp = 0
        stack_node[0] = 0
        stack_weight[0] = 1.0
        sp = 1
        while sp > 0:
            sp -= 1
            node = stack_node[sp]
            w = stack_weight[sp]
            while feature[node] >= 0:
                child = _route(
                    X[i, feature[node]],
                    node,
                    feature,
                    threshold,
                    children_ptr,
                    children,
                    branch_category,
                    is_nominal,
                )
                if child >= 0:
                    node = child
                    continue
                # spread: follow the first branch here, stack the others
                first = children[children_ptr[node]]
                for j in range(children_ptr[node] + 1, children_ptr[node + 1]):
                    c = children[j]
                    stack_node[sp] = c
                    stack_weight[sp] = w * branch_weight[c]
                    sp += 1
                w = w * branch_weight[first]
                node = first
            for k in range(n_out):
                out[i, k] += w * node_proba[node, k]
    return out


@numba.njit(cache=True)
def _apply_kernel(
    X,
    feature,
    threshold,
    children_ptr,
    children,
    branch_category,
    branch_weight,
    is_nominal,
):
    n_samples = X.shape[0]
    out = np.empty(n_samples, dtype=np.int64)
    stack_node = np.empty(feature.shape[0] + 1, dtype=np.int64)
    stack_weight = np.empty(feature.shape[0] + 1)
    for i in range(n_samples):
        best_node = 0
        best_weight = -1.0
        stack_node[0] = 0
        stack_weight[0] = 1.0
        sp = 1
        while sp > 0:
            sp -= 1
            node = stack_node[sp]
            w = stack_weight[sp]
            while feature[node] >= 0:
                child = _route(
                    X[i, feature[node]],
                    node,
                    feature,
                    threshold,
                    children_ptr,
                    children,
                    branch_category,
                    is_nominal,
                )
                if child >= 0:
                    node = child
                    continue
                first = children[children_ptr[node]]
                for j in range(children_ptr[node] + 1, children_ptr[node + 1]):
                    c = children[j]
                    stack_node[sp] = c
                    stack_weight[sp] = w * branch_weight[c]
                    sp += 1
                w = w * branch_weight[first]
                node = first
            if w > best_weight:
                best_weight = w
                best_node = node
        out[i] = best_node
    return out
