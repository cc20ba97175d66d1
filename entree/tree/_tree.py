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
    parent, depth : ndarray of shape (node_count,)
        Parent of each node (-1 at the root) and its depth (0 at the root).
    weighted_n_node_samples : ndarray of shape (node_count,)
        Training weight at each node (row sums of ``value``).
    children_left, children_right : ndarray of shape (node_count,)
        sklearn's names for the two children of a threshold split (-1 at
        leaves); only for trees whose every split is a binary threshold.
    sklearn_value : ndarray of shape (node_count, 1, n_classes)
        What sklearn (>= 1.4) stores in ``tree_.value``: class fractions.

    Notes
    -----
    Read as scikit-learn's ``tree_``: where every split is a binary threshold,
    ``node_count``, ``max_depth``, ``n_outputs``, ``feature`` (-2 at leaves),
    ``threshold`` (left is ``x <= threshold``; -2 at leaves), ``children_left``,
    ``children_right`` (-1 at leaves), ``n_node_samples``,
    ``weighted_n_node_samples`` and ``impurity`` (entropy in bits, as sklearn's
    ``criterion="entropy"``) mean what they mean in sklearn. Two differences:
    ``value`` holds weighted class *counts* of shape (node_count, n_classes),
    which entree's own code and model files rely on, while sklearn >= 1.4 stores
    fractions of shape (node_count, n_outputs, n_classes): that array is
    ``sklearn_value``. ``n_classes`` is an int, not sklearn's per-output array.
    A row with a missing value is counted in every branch it went down, so
    ``n_node_samples`` of the children can add up to more than the parent's.
    Sample weights are relative, so weighted counts are in cases: the fit
    rescales the weights (to sum to the rows with positive weight, or to whole
    counts when every weight is a multiple of the smallest), and ``value`` and
    ``weighted_n_node_samples`` are sklearn's up to that one factor.
    A tree with a nominal or multiway split has no ``children_left`` /
    ``children_right`` (reading them raises ValueError naming the node): its
    branches are ``children_of(node)``, from ``children_ptr`` and ``children``.
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
    # Derived arrays are computed once, vectorised, and kept while the arrays they
    # come from are the same objects (assigning a new array recomputes them). The
    # node arrays are not meant to be changed in place.
    def __getstate__(self):
        # derived arrays are recomputed on demand: keep them out of pickles
        state = self.__dict__.copy()
        state.pop("_derived_cache", None)
        state.pop("_nav_cache", None)
        return state

    def _derived(self, name: str, sources: tuple, compute):
        cache = self.__dict__.setdefault("_derived_cache", {})
        entry = cache.get(name)
        if entry is not None and all(a is b for a, b in zip(entry[0], sources)):
            return entry[1]
        result = compute()
        cache[name] = (sources, result)
        return result

    @property
    def node_count(self) -> int:
        return int(self.feature.shape[0])

    @property
    def n_classes(self) -> int:
        return int(self.value.shape[1])

    @property
    def weighted_n_node_samples(self) -> np.ndarray:
        """Total training weight at each node (the row sums of ``value``)."""
        return self._derived(
            "weighted_n_node_samples", (self.value,), lambda: self.value.sum(axis=1)
        )

    @property
    def is_leaf(self) -> np.ndarray:
        return self._derived(
            "is_leaf", (self.feature,), lambda: self.feature == TREE_LEAF
        )

    def _compute_class_gap(self) -> np.ndarray:
        internal = np.flatnonzero(self.feature != TREE_LEAF)
        n_children = self.children_ptr[internal + 1] - self.children_ptr[internal]
        internal = internal[n_children == 2]
        left = self.children[self.children_ptr[internal]]
        right = self.children[self.children_ptr[internal] + 1]
        numeric = self.branch_category[left] < 0
        internal, left, right = internal[numeric], left[numeric], right[numeric]
        total = self.value.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            freq = np.where(total > 0, self.value / total, 0.0)
        gap = np.zeros(self.node_count)
        if internal.shape[0]:
            gap[internal] = np.abs(freq[left] - freq[right]).max(axis=1)
        return gap

    @property
    def class_gap(self) -> np.ndarray:
        """Per numeric split, how differently its two sides' training cases are
        spread over the classes: max over classes c of |f(left, c) - f(right, c)|,
        f the class frequencies of a child (``value`` over its total); 0 elsewhere.

        Prediction uses it to skip a side of a soft band whose share of a row, times
        this gap, is negligible (``min_change``): following it could move the
        row's probabilities by little.
        """
        return self._derived(
            "class_gap",
            (
                self.feature,
                self.children_ptr,
                self.children,
                self.branch_category,
                self.value,
            ),
            self._compute_class_gap,
        )

    @property
    def n_leaves(self) -> int:
        return int(self.is_leaf.sum())

    def children_of(self, node: int) -> np.ndarray:
        return self.children[self.children_ptr[node] : self.children_ptr[node + 1]]

    def _children_of_nodes(self, nodes: np.ndarray) -> np.ndarray:
        """Children of every node in ``nodes``, grouped by node, in one array."""
        start = self.children_ptr[nodes]
        count = self.children_ptr[nodes + 1] - start
        offset = np.repeat(start - np.cumsum(count) + count, count)
        return self.children[offset + np.arange(offset.shape[0])]

    def _compute_parent(self) -> np.ndarray:
        parent = np.full(self.node_count, -1, dtype=np.int64)
        counts = np.diff(self.children_ptr)
        parent[self.children] = np.repeat(np.arange(self.node_count), counts)
        return parent

    @property
    def parent(self) -> np.ndarray:
        """Parent of each node; -1 at the root."""
        return self._derived(
            "parent", (self.children_ptr, self.children), self._compute_parent
        )

    def _compute_depth(self) -> np.ndarray:
        depth = np.zeros(self.node_count, dtype=np.int64)
        level = np.zeros(min(self.node_count, 1), dtype=np.int64)
        d = 0
        while level.shape[0]:  # one vectorised step per level
            level = self._children_of_nodes(level)
            d += 1
            depth[level] = d
        return depth

    @property
    def depth(self) -> np.ndarray:
        """Depth of each node (the root is 0)."""
        return self._derived(
            "depth", (self.children_ptr, self.children), self._compute_depth
        )

    @property
    def max_depth(self) -> int:
        return int(self.depth.max()) if self.node_count else 0

    def collapsed(self, at) -> tuple[Tree, np.ndarray]:
        """This tree with the subtree under every node in ``at`` cut off.

        The nodes of ``at`` become leaves (their counts stay; their split
        statistics and soft band go to 0); the nodes below them are dropped and
        the rest renumbered in their old order, so parents still precede their
        children and the branches of a node keep their order.

        Returns (tree, kept): ``kept`` holds the old id of every new node, to
        carry any other per-node array (``node_proba[kept]``).
        """
        at = np.zeros(self.node_count, dtype=bool) | np.asarray(at, dtype=bool)
        at &= ~self.is_leaf
        # dropped: a proper descendant of a cut node (parents come first)
        dropped = np.zeros(self.node_count, dtype=bool)
        level = np.flatnonzero(at)
        while level.shape[0]:
            level = self._children_of_nodes(level)
            dropped[level] = True
        kept = np.flatnonzero(~dropped)
        new_id = np.cumsum(~dropped) - 1
        cut = at[kept]
        count = np.diff(self.children_ptr)[kept]
        count[cut] = 0
        children_ptr = np.zeros(kept.shape[0] + 1, dtype=np.int64)
        np.cumsum(count, out=children_ptr[1:])
        children = new_id[self._children_of_nodes(kept[~cut])]

        def split_stat(array):
            return np.where(cut, 0.0, array[kept])

        tree = Tree(
            feature=np.where(cut, TREE_LEAF, self.feature[kept]),
            threshold=np.where(cut, TREE_UNDEFINED, self.threshold[kept]),
            children_ptr=children_ptr,
            children=children,
            branch_category=self.branch_category[kept],
            branch_weight=self.branch_weight[kept],
            value=self.value[kept],
            n_node_samples=self.n_node_samples[kept],
            impurity=self.impurity[kept],
            gain=split_stat(self.gain),
            split_info=split_stat(self.split_info),
            gain_ratio=split_stat(self.gain_ratio),
            soft_width=split_stat(self.soft_width),
        )
        return tree, kept

    # -- scikit-learn's names ----------------------------------------------------------
    @property
    def n_outputs(self) -> int:
        """Always 1 (one target), as in a single-output sklearn tree."""
        return 1

    def _binary_children(self) -> tuple[np.ndarray, np.ndarray]:
        internal = np.flatnonzero(self.feature != TREE_LEAF)
        n_children = self.children_ptr[internal + 1] - self.children_ptr[internal]
        first = self.children_ptr[internal]
        # a nominal split's children carry a category code; a threshold's do not
        nominal = np.zeros(internal.shape[0], dtype=bool)
        nominal[n_children > 0] = (
            self.branch_category[self.children[first[n_children > 0]]] >= 0
        )
        bad = (n_children != 2) | nominal
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            node = int(internal[k])
            kind = "nominal" if nominal[k] else "threshold"
            raise ValueError(
                "children_left and children_right exist only when every split is "
                f"a binary threshold (sklearn's layout); node {node} is a "
                f"{int(n_children[k])}-way split on feature {int(self.feature[node])} "
                f"({kind}). Read its branches with children_of({node}) or "
                "children_ptr and children."
            )
        left = np.full(self.node_count, -1, dtype=np.intp)
        right = np.full(self.node_count, -1, dtype=np.intp)
        left[internal] = self.children[first]
        right[internal] = self.children[first + 1]
        return left, right

    def _children_lr(self):
        return self._derived(
            "children_lr",
            (self.feature, self.children_ptr, self.children, self.branch_category),
            self._binary_children,
        )

    @property
    def children_left(self) -> np.ndarray:
        """Left child (``x <= threshold``) of each node, -1 at leaves (sklearn's).

        Raises ValueError when a split has more than two branches or is nominal.
        """
        return self._children_lr()[0]

    @property
    def children_right(self) -> np.ndarray:
        """Right child (``x > threshold``) of each node, -1 at leaves (sklearn's).

        Raises ValueError when a split has more than two branches or is nominal.
        """
        return self._children_lr()[1]

    @property
    def sklearn_value(self) -> np.ndarray:
        """What scikit-learn (>= 1.4) stores in a classifier's ``tree_.value``.

        The weighted class fractions at each node, shape
        ``(node_count, 1, n_classes)`` (sklearn's ``n_outputs`` axis); ``value``
        holds the weighted counts these fractions come from.
        """

        def fractions():
            total = self.weighted_n_node_samples[:, None]
            share = self.value / np.where(total > 0, total, 1.0)
            return share[:, None, :]

        return self._derived("sklearn_value", (self.value,), fractions)

    def decision_path(
        self,
        X: np.ndarray,
        is_nominal: np.ndarray,
        min_share: float = 0.0,
        min_change: float = 0.0,
    ):
        """Indicator of the nodes each row of encoded X passes through.

        Returns a ``scipy.sparse`` CSR matrix of shape (n_samples, node_count)
        whose entry (i, v) is 1 when row i reaches node v with a positive share of
        its weight. A row with a missing value (or a category the node never saw)
        at a split follows every branch, and a value inside a soft band follows
        both (unless a side is negligible by ``min_share`` and ``min_change``, as
        in :meth:`predict_proba`), so such a row marks several leaves. Level by
        level over the rows still moving, so the cost is the number of
        (row, node) visits.
        """
        from scipy.sparse import csr_matrix

        X = np.asarray(X, dtype=np.float64)
        is_nominal = np.asarray(is_nominal, dtype=bool)
        n_samples = X.shape[0]
        ptr, children, category = self.children_ptr, self.children, self.branch_category
        # (node, category) -> child for every branch of a nominal split
        nominal_child = np.flatnonzero(category >= 0)
        n_codes = int(category.max()) + 1 if nominal_child.shape[0] else 1
        keys = self.parent[nominal_child] * n_codes + category[nominal_child]
        key_order = np.argsort(keys, kind="stable")
        keys, nominal_child = keys[key_order], nominal_child[key_order]

        # (row, node) visits, level by level; a level may list a row several times
        # once a row has been split (missing value, unseen category, soft band)
        visited = []
        split = False
        rows = np.arange(n_samples, dtype=np.int64)
        nodes = np.zeros(n_samples, dtype=np.int64)
        weights = np.ones(n_samples)  # the share of each row at each visit
        while rows.shape[0]:
            visited.append((rows, nodes, split))
            moving = self.feature[nodes] != TREE_LEAF
            rows, nodes, weights = rows[moving], nodes[moving], weights[moving]
            feature = self.feature[nodes]
            x = X[rows, feature]
            known = ~np.isnan(x)
            nominal = is_nominal[feature]
            next_rows, next_nodes, next_weights = [], [], []

            numeric = np.flatnonzero(known & ~nominal)
            v = nodes[numeric]
            low = self.threshold[v] - self.soft_width[v]
            high = self.threshold[v] + self.soft_width[v]
            xv = x[numeric]
            left, right = children[ptr[v]], children[ptr[v] + 1]
            band = (xv > low) & (xv < high)  # shared, unless the share is 0 or 1
            goes_left = xv <= low
            if band.any():  # the smoothstep's share (soft_left_share), vectorised
                t = (xv[band] - low[band]) * _inverse_width(low[band], high[band])
                share = 1.0 - t * t * (3.0 - 2.0 * t)
                w = weights[numeric[band]]
                # negligible sides are dropped (the kernel's rule)
                drop_left, drop_right = negligible_sides(
                    w * share,
                    w * (1.0 - share),
                    self.class_gap[v[band]],
                    min_share,
                    min_change,
                )
                share = np.where(drop_left, 0.0, np.where(drop_right, 1.0, share))
                both = band.copy()
                both[band] = (share > 0.0) & (share < 1.0)
                goes_left[band] = share >= 1.0
                left_share = np.ones(xv.shape[0])
                left_share[band] = share
                one = ~both
                w_both = weights[numeric[both]]
                next_rows += [rows[numeric[both]], rows[numeric[both]]]
                next_nodes += [left[both], right[both]]
                next_weights += [
                    w_both * left_share[both],
                    w_both * (1.0 - left_share[both]),
                ]
                split = split or bool(both.any())
            else:
                one = slice(None)
            next_rows.append(rows[numeric[one]])
            next_nodes.append(np.where(goes_left[one], left[one], right[one]))
            next_weights.append(weights[numeric[one]])

            coded = np.flatnonzero(known & nominal)
            code = x[coded]
            valid = (code >= 0) & (code < n_codes) & (code == np.floor(code))
            query = nodes[coded] * n_codes + np.where(valid, code, 0).astype(np.int64)
            at = np.searchsorted(keys, query)
            found = valid & (at < keys.shape[0])
            found[found] = keys[at[found]] == query[found]
            next_rows.append(rows[coded[found]])
            next_nodes.append(nominal_child[at[found]])
            next_weights.append(weights[coded[found]])

            spread = np.concatenate([np.flatnonzero(~known), coded[~found]])
            if spread.shape[0]:
                count = ptr[nodes[spread] + 1] - ptr[nodes[spread]]
                next_rows.append(np.repeat(rows[spread], count))
                spread_children = self._children_of_nodes(nodes[spread])
                next_nodes.append(spread_children)
                next_weights.append(
                    np.repeat(weights[spread], count)
                    * self.branch_weight[spread_children]
                )
                split = True

            rows = np.concatenate(next_rows)
            nodes = np.concatenate(next_nodes)
            weights = np.concatenate(next_weights)

        # CSR without a global sort: each row's visits in level order
        n_visits = np.bincount(
            np.concatenate([rows for rows, _, _ in visited]), minlength=n_samples
        )
        indptr = np.zeros(n_samples + 1, dtype=np.int64)
        np.cumsum(n_visits, out=indptr[1:])
        indices = np.empty(indptr[-1], dtype=np.int64)
        fill = indptr[:-1].copy()
        for rows, nodes, repeats in visited:
            if not repeats:
                indices[fill[rows]] = nodes
                fill[rows] += 1
                continue
            # a level's visits come in groups (both sides of a band, spread
            # branches, single paths): within a row, sort them by node id
            order = np.lexsort((nodes, rows))
            rows, nodes = rows[order], nodes[order]
            first = np.ones(rows.shape[0], dtype=bool)
            first[1:] = rows[1:] != rows[:-1]
            start = np.flatnonzero(first)
            rank = np.arange(rows.shape[0]) - np.repeat(
                start, np.diff(np.append(start, rows.shape[0]))
            )
            indices[fill[rows] + rank] = nodes
            fill[rows[start]] += np.diff(np.append(start, rows.shape[0]))
        return csr_matrix(
            (np.ones(indices.shape[0], dtype=np.intp), indices, indptr),
            shape=(n_samples, self.node_count),
        )

    # -- prediction -----------------------------------------------------------------
    def _navigation(self, is_nominal: np.ndarray) -> np.ndarray:
        """Per node [feature, low, left, right(, high, gap, 1 / (high - low))].

        ``low = threshold - soft_width`` and ``high = threshold + soft_width``: a
        value <= low goes left, one > high goes right, and one in between is shared
        (:func:`soft_left_share`); ``gap`` is :attr:`class_gap`, and the inverse
        width is 0 where there is no band. A tree without soft bands gets four columns
        (32 bytes, half a cache line per level) and ``low`` is the threshold.
        Nominal nodes keep ``right`` at -1 and route through the CSR arrays.
        """
        soft_width = self.soft_width
        # the arrays the table is made of (value: through the class gap)
        key = (is_nominal, soft_width, self.threshold, self.value)
        cached = getattr(self, "_nav_cache", None)
        if cached is not None and all(a is b for a, b in zip(cached[0], key)):
            return cached[1]
        soft = bool((soft_width > 0).any())
        # int64 rows; columns 1, 4, 5 and 6 hold float64 bits (read via a view)
        nav = np.full((self.node_count, 7 if soft else 4), -1, dtype=np.int64)
        nav[:, 0] = self.feature
        low = self.threshold - soft_width
        nav[:, 1] = low.view(np.int64)
        if soft:
            high = self.threshold + soft_width
            nav[:, 4] = high.view(np.int64)
            nav[:, 5] = self.class_gap.view(np.int64)
            nav[:, 6] = _inverse_width(low, high).view(np.int64)
        internal = np.flatnonzero(self.feature >= 0)
        first = self.children[self.children_ptr[internal]]
        nav[internal, 2] = first
        numeric = internal[~np.asarray(is_nominal, dtype=bool)[self.feature[internal]]]
        nav[numeric, 3] = self.children[self.children_ptr[numeric] + 1]
        self._nav_cache = (key, nav)
        return nav

    def _traverse(
        self,
        X,
        node_proba,
        is_nominal,
        normalize=False,
        min_share=0.0,
        min_change=0.0,
        find_heaviest=True,
    ):
        nav = self._navigation(is_nominal)
        X = np.ascontiguousarray(X, dtype=np.float64)
        return _traverse_kernel(
            X,
            nav,
            nav.view(np.float64),
            nav.shape[1] == 7,
            float(min_share),
            float(min_change),
            normalize,
            np.ascontiguousarray(self.children_ptr, dtype=np.int64),
            np.ascontiguousarray(self.children, dtype=np.int64),
            np.ascontiguousarray(self.branch_category, dtype=np.int64),
            np.ascontiguousarray(self.branch_weight, dtype=np.float64),
            np.ascontiguousarray(node_proba, dtype=np.float64),
            find_heaviest=find_heaviest,
            n_threads=_n_threads(X.shape[0]),
        )

    def predict_proba(
        self,
        X: np.ndarray,
        node_proba: np.ndarray,
        is_nominal: np.ndarray,
        normalize: bool = False,
        min_share: float = 0.0,
        min_change: float = 0.0,
    ) -> np.ndarray:
        """Mix the ``node_proba`` of the leaves each row of encoded X reaches.

        Each leaf's row of ``node_proba`` is weighted by the share of the row that
        reaches it; with ``normalize`` every output row is divided by its sum.
        Inside a soft band, a side is negligible when it would receive less than
        ``min_share`` of the row's weight, or when that share times the node's
        :attr:`class_gap` is below ``min_change``. A negligible side is not
        followed and the other side takes its weight; when both are negligible,
        the larger is followed (the left on a tie). So a row reaches at most
        ``1 / min_share`` leaves through soft bands.
        """
        return self._traverse(
            X,
            node_proba,
            is_nominal,
            normalize,
            min_share,
            min_change,
            find_heaviest=False,
        )[0]

    def apply(
        self,
        X: np.ndarray,
        is_nominal: np.ndarray,
        min_share: float = 0.0,
        min_change: float = 0.0,
    ) -> np.ndarray:
        """Id of the leaf holding the largest share of each row's weight.

        A row with no missing value on its path (and no value inside a soft
        band) reaches exactly one leaf; a row spread over several branches is
        reported at its heaviest leaf (on ties, the one with the lowest id).
        """
        empty = np.zeros((self.node_count, 0))
        return self._traverse(
            X, empty, is_nominal, min_share=min_share, min_change=min_change
        )[1]


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
    v = (x - low) * (1.0 / (high - low))  # the kernel's rounding (_inverse_width)
    return 1.0 - v * v * (3.0 - 2.0 * v)


def _inverse_width(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """1 / (high - low) where a band is (0 elsewhere): prediction multiplies by it."""
    # (a model file may hold non-finite numbers: inf - inf is no band either)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        width = high - low
        return np.where(width > 0, 1.0 / np.where(width > 0, width, 1.0), 0.0)


def negligible_sides(left, right, gap, min_share, min_change):
    """(drop left, drop right) for the shares of a row on the two sides of a band.

    A side is negligible when its share is below ``min_share``, or its share times
    the node's class gap (how much the two sides' class frequencies differ) is
    below ``min_change``: following it could move the row's probabilities by
    little. The kernel's rule, vectorised: when both sides are negligible the
    larger is kept (the left on a tie).
    """
    left, right, gap = np.asarray(left), np.asarray(right), np.asarray(gap)
    left_small = (left < min_share) | (left * gap < min_change)
    right_small = (right < min_share) | (right * gap < min_change)
    drop_left = left_small & (~right_small | (left < right))
    drop_right = right_small & ~drop_left
    return drop_left, drop_right


def _n_threads(n_rows: int) -> int:
    """Threads for traversing n_rows: sklearn's OpenMP count (honours threadpoolctl)."""
    if n_rows < PARALLEL_MIN_ROWS:
        return 1
    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

    return _openmp_effective_n_threads()
