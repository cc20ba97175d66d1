"""The fitted tree as flat numpy arrays, and compiled prediction over rows.

One entry per node; a child's id is always greater than its parent's. Children are
stored in CSR form: the children of ``node`` are
``children[children_ptr[node]:children_ptr[node + 1]]``. A numeric split has two
children (left: ``x <= threshold``); a nominal split has one child per category that
reached the node in training, ``branch_category`` giving that category's code.
``branch_weight`` is the share of the parent's known training weight that went down
each child: a row whose value is missing (or a category the node never saw) follows
every branch with that share of its weight, as in C4.5.

``soft_width`` makes a numeric split soft (C4.5's probabilistic thresholds): a row
whose value x lies within ``soft_width`` of the threshold t goes left with weight
``soft_left_share(x, t, soft_width)`` (a cubic smoothstep falling from 1 at
t - soft_width through 1/2 at t to 0 at t + soft_width) and right with the rest. Rows
outside that band, and every row of a node whose width is 0, take one branch as in
a hard tree.
"""

from __future__ import annotations

import numpy as np

from entree.tree._kernels._traverse import traverse as _traverse_kernel

TREE_LEAF = -2
TREE_UNDEFINED = -2.0

#: Rows from which traversal is split among OpenMP threads (below, threads cost more
#: than they save).
PARALLEL_MIN_ROWS = 20_000

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
    "soft_width",
)

#: Node arrays a model file may omit (they default to zeros).
OPTIONAL_NODE_ARRAYS = ("soft_width",)


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
    soft_width : ndarray of shape (node_count,)
        Half-width, in the column's raw units, of the band around a numeric
        threshold in which a row is shared between both branches (0 = a hard
        split, and on every other node).
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
        soft_width=None,
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
        self.soft_width = (
            np.zeros(self.feature.shape[0])
            if soft_width is None
            else np.asarray(soft_width, dtype=np.float64)
        )

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
    def _navigation(self, is_nominal: np.ndarray) -> np.ndarray:
        """Per node [feature, low, left, right(, high)] packed in one row.

        ``low = threshold - soft_width`` and ``high = threshold + soft_width``: a
        value <= low goes left, one > high goes right, and one in between is shared.
        A tree without soft bands gets four columns (32 bytes, half a cache line
        per level) and ``low`` is the threshold. Nominal nodes keep ``right`` at -1
        and route through the CSR arrays.
        """
        soft_width = self.soft_width
        cached = getattr(self, "_nav_cache", None)
        if (
            cached is not None
            and cached[0] is is_nominal
            and cached[1] is soft_width
            and cached[2] is self.threshold
        ):
            return cached[3]
        soft = bool((soft_width > 0).any())
        # int64 rows; columns 1 and 4 hold float64 bits (read via a view)
        nav = np.full((self.node_count, 5 if soft else 4), -1, dtype=np.int64)
        nav[:, 0] = self.feature
        nav[:, 1] = (self.threshold - soft_width).view(np.int64)
        if soft:
            nav[:, 4] = (self.threshold + soft_width).view(np.int64)
        internal = np.flatnonzero(self.feature >= 0)
        first = self.children[self.children_ptr[internal]]
        nav[internal, 2] = first
        numeric = internal[~np.asarray(is_nominal, dtype=bool)[self.feature[internal]]]
        nav[numeric, 3] = self.children[self.children_ptr[numeric] + 1]
        self._nav_cache = (is_nominal, soft_width, self.threshold, nav)
        return nav

    def _traverse(self, X, node_proba, is_nominal, normalize=False):
        nav = self._navigation(is_nominal)
        X = np.ascontiguousarray(X, dtype=np.float64)
        return _traverse_kernel(
            X,
            nav,
            nav.view(np.float64),
            nav.shape[1] == 5,
            normalize,
            np.ascontiguousarray(self.children_ptr, dtype=np.int64),
            np.ascontiguousarray(self.children, dtype=np.int64),
            np.ascontiguousarray(self.branch_category, dtype=np.int64),
            np.ascontiguousarray(self.branch_weight, dtype=np.float64),
            np.ascontiguousarray(node_proba, dtype=np.float64),
            _n_threads(X.shape[0]),
        )

    def predict_proba(
        self,
        X: np.ndarray,
        node_proba: np.ndarray,
        is_nominal: np.ndarray,
        normalize: bool = False,
    ) -> np.ndarray:
        """Mix the ``node_proba`` of the leaves each row of encoded X reaches.

        Each leaf's row of ``node_proba`` is weighted by the share of the row that
        reaches it; with ``normalize`` every output row is divided by its sum.
        """
        return self._traverse(X, node_proba, is_nominal, normalize)[0]

    def apply(self, X: np.ndarray, is_nominal: np.ndarray) -> np.ndarray:
        """Id of the leaf holding the largest share of each row's weight.

        A row with no missing value on its path (and no value inside a soft
        band) reaches exactly one leaf; a row spread over several branches is
        reported at its heaviest leaf (the first one on ties).
        """
        empty = np.zeros((self.node_count, 0))
        return self._traverse(X, empty, is_nominal)[1]


def soft_left_share(x: float, threshold: float, soft_width: float) -> float:
    """Share of a row with value x sent left at a numeric split (plain Python).

    1 for ``x <= threshold - soft_width``, 0 for ``x > threshold + soft_width``, a
    cubic smoothstep in between (1/2 at the threshold). ``soft_width = 0`` is the
    hard test ``x <= threshold``.
    """
    low = threshold - soft_width
    high = threshold + soft_width
    if x <= low:
        return 1.0
    if x > high:
        return 0.0
    v = (x - low) / (high - low)
    return 1.0 - v * v * (3.0 - 2.0 * v)


def _n_threads(n_rows: int) -> int:
    """Threads for traversing n_rows: sklearn's OpenMP count (honours threadpoolctl)."""
    if n_rows < PARALLEL_MIN_ROWS:
        return 1
    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

    return _openmp_effective_n_threads()
