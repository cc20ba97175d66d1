"""The estimators: C45Classifier and ID3Classifier.

Both are one implementation, :class:`BaseEntropyTree`; the presets differ only in the
default values of their parameters.
"""

from __future__ import annotations

from numbers import Integral, Real
from statistics import NormalDist

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from entree._sklearn import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _check_y,
    _fit_context,
    validate_data,
)
from entree.tree._binning import MAX_BINS_LIMIT, fit_bins
from entree.tree._builder import CRITERION_GAIN, CRITERION_GAIN_RATIO, grow_tree
from entree.tree._columns import (
    as_value_array,
    encode_fit,
    encode_transform,
    from_polars,
    resolve_nominal_mask,
)
from entree.tree._inspect import InspectionMixin
from entree.tree._leaf_proba import (
    AUTO_SMOOTHING,
    SMOOTHING_METHODS,
    collapse_negligible,
    node_probabilities,
)
from entree.tree._prune import (
    compact_order,
    confidence_z,
    prune_error_based,
)
from entree.tree._raising import prune_with_raising, raising_cuts
from entree.tree._soft import (
    CV_MAX_ROWS,
    CV_MAX_ROWS_STRENGTH_ONLY,
    SOFT_AUTO_MAX_ROWS,
    STRENGTH_GRID,
    WIDTH_GRID,
    choose_by_cv,
    node_sd,
    soft_widths,
)
from entree.tree._tree import TREE_LEAF, TREE_UNDEFINED, Tree

_CRITERIA = {"gain": CRITERION_GAIN, "gain_ratio": CRITERION_GAIN_RATIO}
#: The branch minimums min_samples_leaf="auto" chooses between by internal CV (ties to
#: the first): 1 lets the average over prunings weigh single-case branches, C4.5's 2
#: keeps them out where they only add noise. Above SOFT_AUTO_MAX_ROWS training rows
#: "auto" is 2: the CV's subsample of 1500 rows there (make_classification, 1M rows)
#: preferred 1, which made the tree 17% larger and its log-loss 0.004 worse.
AUTO_MIN_SAMPLES_LEAF = (1.0, 2.0)
# "laplace" and "none" have no strength
_USES_STRENGTH = {name: name not in ("laplace", "none") for name in SMOOTHING_METHODS}


def _confidence_z(confidence: float) -> float:
    """z = Phi^-1(1 - CF) of the pruning bound, finite for every CF in (0, 0.5].

    Below CF = 0.001, ``1 - CF`` would lose CF's digits (and round to 1, whose
    quantile is infinite, below 1.1e-16): there z is ``-Phi^-1(CF)``, the same
    quantile by symmetry.
    """
    if confidence < 1e-3:
        return -NormalDist().inv_cdf(confidence)
    return confidence_z(confidence)


def case_weights(sample_weight, X_encoded, y, class_weight) -> np.ndarray:
    """The training weight of each row, in cases: weights are relative.

    Scaling every weight by one constant changes nothing. The positive weights are
    expressed in cases before growing: when they are all whole multiples of the
    smallest one (frequency weights such as bootstrap counts, in any unit), each
    row counts as that many cases, so integer weights act as repeated rows;
    otherwise they are rescaled to sum to the number of rows with positive weight.
    ``class_weight`` then moves weight between classes and keeps the total.
    """
    weights = _check_sample_weight(
        sample_weight, X_encoded, dtype=np.float64, ensure_non_negative=True
    )
    if sample_weight is not None:  # sklearn's default ones are cases already
        weights = _in_cases(weights)
    if class_weight is not None:
        _check_class_weight(class_weight)
        weighted = weights * compute_sample_weight(class_weight, y)
        total, new_total = weights.sum(), weighted.sum()
        if new_total > 0 and new_total != total:
            weighted *= total / new_total
        weights = weighted
    return weights


def _in_cases(weights: np.ndarray) -> np.ndarray:
    """Positive weights in cases (see :func:`case_weights`); unit weights unchanged."""
    positive = weights > 0
    n_positive = int(np.count_nonzero(positive))
    if n_positive == 0:
        return weights
    # relative to the largest first, so that no sum overflows
    relative = weights / weights.max()
    smallest = relative[positive].min()
    with np.errstate(over="ignore"):
        counts = relative / smallest
    whole = np.round(counts)
    if (
        np.isfinite(counts).all()
        and (np.abs(counts - whole) <= 1e-9 * np.maximum(counts, 1.0)).all()
    ):
        return whole
    return relative * (n_positive / relative.sum())


def _encode_integer_labels(y: np.ndarray):
    """``np.unique(y, return_inverse=True)`` for 1-d integer labels, in O(n).

    Labels spanning a small range are counted into a table instead of sorted.
    """
    low, high = int(y.min()), int(y.max())
    if high - low > 4 * y.shape[0] + 1024:
        return np.unique(y, return_inverse=True)
    if y.dtype.kind == "u":  # stays >= 0 and small: no wrap-around
        offset = (y - y.dtype.type(low)).astype(np.intp)
    else:  # int64 holds any signed label minus the smallest
        offset = y.astype(np.int64) - low
    present = np.bincount(offset, minlength=high - low + 1) > 0
    code_of = np.cumsum(present) - 1
    classes = np.flatnonzero(present).astype(y.dtype) + y.dtype.type(low)
    return classes, code_of[offset]


def _check_class_weight(class_weight) -> None:
    """Refuse a class_weight dict holding a negative or non-finite weight."""
    if not isinstance(class_weight, dict):
        return
    for label, weight in class_weight.items():
        ok = isinstance(weight, Real) and not isinstance(weight, bool)
        if not (ok and np.isfinite(weight) and weight >= 0):
            raise ValueError(
                f"class_weight gives class {label!r} the weight {weight!r}; class "
                "weights must be finite numbers >= 0."
            )


class BaseEntropyTree(InspectionMixin, ClassifierMixin, BaseEstimator):
    """Shared implementation of the entropy trees; use a preset subclass."""

    _parameter_constraints: dict = {
        "criterion": [StrOptions(set(_CRITERIA))],
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
        "min_samples_split": [Interval(Real, 0.0, None, closed="left")],
        "min_samples_leaf": [
            Interval(Real, 0.0, None, closed="neither"),
            StrOptions({"auto"}),
        ],
        "min_gain": [Interval(Real, 0.0, None, closed="left")],
        "pruning": [StrOptions({"error_based"}), None],
        "confidence": [Interval(Real, 0.0, 0.5, closed="right")],
        "subtree_raising": ["boolean"],
        "smoothing": [StrOptions({*SMOOTHING_METHODS, "auto"})],
        "smoothing_strength": [
            Interval(Real, 0.0, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "soft_thresholds": [
            Interval(Real, 0.0, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "soft_min_share": [Interval(Real, 0.0, 0.5, closed="left")],
        "soft_min_change": [Interval(Real, 0.0, 1.0, closed="left")],
        "subtree_min_change": [Interval(Real, 0.0, 1.0, closed="left")],
        "max_bins": [Interval(Integral, 2, MAX_BINS_LIMIT, closed="both")],
        "categorical_features": ["array-like", None],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        *,
        criterion="gain_ratio",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=2,
        min_gain=0.0,
        pruning="error_based",
        confidence=0.25,
        subtree_raising=False,
        smoothing="m_estimate",
        smoothing_strength="auto",
        soft_thresholds="auto",
        soft_min_share=0.05,
        soft_min_change=0.05,
        subtree_min_change=0.02,
        max_bins=255,
        categorical_features=None,
        class_weight=None,
    ):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_gain = min_gain
        self.pruning = pruning
        self.confidence = confidence
        self.subtree_raising = subtree_raising
        self.smoothing = smoothing
        self.smoothing_strength = smoothing_strength
        self.soft_thresholds = soft_thresholds
        self.soft_min_share = soft_min_share
        self.soft_min_change = soft_min_change
        self.subtree_min_change = subtree_min_change
        self.max_bins = max_bins
        self.categorical_features = categorical_features
        self.class_weight = class_weight

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.sparse = True
        return tags

    # -- input handling -------------------------------------------------------------
    def _validate_X(self, X, *, reset: bool, y=None):
        """Check X (and y at fit) and encode it to a float matrix.

        Returns (X_encoded, y) where nominal columns hold category codes and a missing
        value or an unseen category is NaN.
        """
        X = from_polars(X)
        if isinstance(X, pd.DataFrame):
            if y is not None:
                X, y = validate_data(self, X, y, reset=reset, skip_check_array=True)
            else:
                X = validate_data(self, X, reset=reset, skip_check_array=True)
            if X.shape[0] < 1:
                raise ValueError(
                    f"Found array with 0 sample(s) (shape={X.shape}) while a minimum "
                    "of 1 is required."
                )
            if X.shape[1] < 1:
                raise ValueError(
                    f"Found array with 0 feature(s) (shape={X.shape}) while a minimum "
                    "of 1 is required."
                )
        else:
            X = as_value_array(X)
            common = dict(
                reset=reset,
                dtype=None,
                ensure_all_finite=False,
                accept_sparse=["csr", "csc"],
            )
            if y is not None:
                X, y = validate_data(self, X, y, **common)
            else:
                X = validate_data(self, X, **common)
            if X.dtype.kind == "c":
                raise ValueError("Complex data not supported.")
            if sparse.issparse(X):
                # stored and implicit zeros alike are the value 0; the dense copy
                # costs what the encoded matrix the engine reads costs anyway
                X = X.toarray()
        if reset:
            names = getattr(self, "feature_names_in_", None)
            if names is None:
                names = np.array([f"x{j}" for j in range(X.shape[1])], dtype=object)
            mask = resolve_nominal_mask(X, self.categorical_features, X.shape[1], names)
            encoded, self._columns = encode_fit(X, mask, names)
        else:
            encoded = encode_transform(X, self._columns)
        return encoded, y

    def _validate_y(self, y):
        y = _check_y(y, estimator=self)
        if y.dtype.kind == "O" and pd.isna(y).any():
            raise ValueError("Input y contains NaN or None.")
        if y.ndim == 1 and y.dtype.kind in "iu":
            # 1-d integer labels always pass sklearn's target check: spare its
            # two passes over y (a tenth of a second at 1M rows, all serial)
            classes, y_encoded = _encode_integer_labels(y)
        else:
            check_classification_targets(y)
            classes, y_encoded = np.unique(y, return_inverse=True)
        if classes.shape[0] < 2:
            raise ValueError(
                "The target y needs samples of at least 2 classes, but it contains "
                f"only one class: {classes[0]!r}."
            )
        return classes, y_encoded.astype(np.intp)

    # -- fitting --------------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Grow (and by default prune) a tree from the training set (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data; a scipy.sparse matrix or array (CSR, CSC, or any
            format sklearn converts) is made dense, its zeros, stored or not,
            being the value 0 (8 bytes per entry, the size of the encoded
            matrix fit builds anyway). Numeric columns are split by thresholds,
            nominal columns
            (pandas category, object, string and bool columns, columns of object
            arrays holding text or bools, or those named in
            ``categorical_features``) one branch per category. NaN means missing.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Case weights; they count in split choice, pruning and leaf values.
            They are relative: multiplying all of them by one constant changes
            nothing. Before growing they are expressed in cases, the unit of
            ``min_samples_split``, ``min_samples_leaf``, pruning and
            ``smoothing_strength``: weights that are all whole multiples of the
            smallest positive one (integer frequency weights, bootstrap counts)
            count that many cases each, so weight 2 acts like two copies of a
            row; other weights are rescaled to sum to the number of rows with
            positive weight (AdaBoost's weights summing to 1 still make trees
            of as many cases as rows).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        for attr in ("feature_names_in_",):
            if hasattr(self, attr):
                delattr(self, attr)
        X_encoded, y = self._validate_X(X, reset=True, y=y)
        self.classes_, y_encoded = self._validate_y(y)
        self.n_classes_ = int(self.classes_.shape[0])
        weights = case_weights(sample_weight, X_encoded, y, self.class_weight)
        if not weights.sum() > 0:
            raise ValueError("The sample weights sum to zero; nothing to learn from.")

        # the internal CV grows its own trees; the final one is grown once, after it
        width, method, strength, self.min_samples_leaf_ = (
            self._choose_probability_settings(
                X_encoded, y_encoded, weights, np.count_nonzero(weights)
            )
        )
        self.tree_ = self._grow(X_encoded, y_encoded, weights)
        self._set_probabilities(
            width,
            method,
            strength,
            lambda tree: node_sd(tree, X_encoded, weights, self._columns.is_nominal),
        )
        return self

    def _leaf_minimums(self, n_training) -> tuple:
        """The candidate ``min_samples_leaf`` values (one unless "auto")."""
        if not isinstance(self.min_samples_leaf, str):
            return (float(self.min_samples_leaf),)
        if n_training > SOFT_AUTO_MAX_ROWS:
            return (AUTO_MIN_SAMPLES_LEAF[-1],)
        return AUTO_MIN_SAMPLES_LEAF

    def _grow(self, X_encoded, y_encoded, weights, min_samples_leaf=None) -> Tree:
        """Grow (and prune) a hard tree on encoded rows with this estimator's params.

        ``min_samples_leaf`` None takes ``min_samples_leaf_`` (the value fit
        uses). Rows of zero weight are left out first: they shape neither the
        bins nor the tree (nor ``n_node_samples``), exactly as if they were not
        there.
        """
        if min_samples_leaf is None:
            min_samples_leaf = self.min_samples_leaf_
        positive = weights > 0
        if not positive.all():
            X_encoded = X_encoded[positive]
            y_encoded = y_encoded[positive]
            weights = weights[positive]
        codes, bins = fit_bins(
            X_encoded, self._columns.is_nominal, self._columns.categories, self.max_bins
        )
        grown = grow_tree(
            codes,
            y_encoded,
            weights,
            bins.n_bins,
            self._columns.is_nominal,
            self.n_classes_,
            _CRITERIA[self.criterion],
            float(min_samples_leaf),
            float(self.min_samples_split),
            -1 if self.max_depth is None else int(self.max_depth),
            float(self.min_gain),
            self.criterion == "gain_ratio",
        )
        if not (self.pruning == "error_based" and self.subtree_raising):
            # only subtree raising reads the binned cases again: let them go before
            # the node arrays are copied into the Tree (the fit's peak on big data)
            del codes
            return self._tree_from_grown(grown, bins)
        return self._tree_from_grown(grown, bins, codes, y_encoded, weights)

    def _tree_from_grown(self, grown, bins, codes=None, y_encoded=None, weights=None):
        """Prune the builder's node arrays (``grow_tree``'s tuple) into a Tree.

        Error-based pruning reads node counts only; subtree raising also needs the
        binned training cases (``codes``, ``y_encoded``, ``weights``). Any driver
        that grew the same node arrays (the local one, or entree.dask's level-wise
        one) gets the same Tree.
        """
        (
            feature,
            cut_lo,
            cut_hi,
            first_child,
            n_children,
            branch_code,
            branch_weight,
            value,
            n_rows,
            _depth,
            gain,
            split_info,
        ) = grown
        if self.pruning == "error_based" and self.subtree_raising:
            (
                feature,
                cut_lo,
                cut_hi,
                first_child,
                n_children,
                branch_weight,
                value,
                n_rows,
                gain,
                split_info,
                is_leaf,
            ) = prune_with_raising(
                codes,
                y_encoded,
                weights,
                bins.n_bins,
                self._columns.is_nominal,
                feature,
                raising_cuts(bins, feature, cut_lo, cut_hi, self._columns.is_nominal),
                cut_lo,
                cut_hi,
                first_child,
                n_children,
                branch_code,
                branch_weight,
                value,
                n_rows,
                gain,
                split_info,
                float(self.confidence),
                _confidence_z(self.confidence),
                True,
            )
        elif self.pruning == "error_based":
            is_leaf = prune_error_based(
                first_child,
                n_children,
                value,
                float(self.confidence),
                _confidence_z(self.confidence),
                True,
            )
        else:
            is_leaf = n_children == 0
        order, children_ptr = compact_order(first_child, n_children, is_leaf)
        leaf = is_leaf[order]
        feature_new = np.where(leaf, TREE_LEAF, feature[order])
        threshold = np.full(order.shape[0], TREE_UNDEFINED)
        numeric = np.flatnonzero(~leaf)
        numeric = numeric[~self._columns.is_nominal[feature[order[numeric]]]]
        old = order[numeric]
        threshold[numeric] = bins.thresholds(feature[old], cut_lo[old], cut_hi[old])
        return Tree(
            feature=feature_new,
            threshold=threshold,
            children_ptr=children_ptr,
            children=np.arange(1, order.shape[0], dtype=np.int64),
            branch_category=branch_code[order],
            branch_weight=branch_weight[order],
            value=value[order],
            n_node_samples=n_rows[order],
            gain=np.where(leaf, 0.0, gain[order]),
            split_info=np.where(leaf, 0.0, split_info[order]),
        )

    def _has_numeric_split(self) -> bool:
        tree = self.tree_
        return bool((~self._columns.is_nominal[tree.feature[~tree.is_leaf]]).any())

    def _choose_probability_settings(self, X_encoded, y_encoded, weights, n_training):
        """(soft width, leaf estimator, strength, min_samples_leaf): the fixed
        values, or "auto" by CV.

        The internal CV runs on the encoded rows given (the training set, or a
        sample of it: entree.dask passes a bounded one); ``n_training``, the
        training set's number of rows of positive weight, decides whether "auto"
        tries soft thresholds at all (the data needs a numeric column too; a
        tree without numeric splits gets width 0 in :meth:`_set_probabilities`).
        With ``min_samples_leaf="auto"`` (up to ``SOFT_AUTO_MAX_ROWS``
        training rows) the CV grows its trees with each candidate minimum on
        the same folds, and the minimum whose best setting has the smallest
        held-out log-loss wins.
        """
        methods = AUTO_SMOOTHING if self.smoothing == "auto" else (self.smoothing,)
        if self.soft_thresholds == "auto":
            small = n_training <= SOFT_AUTO_MAX_ROWS
            numeric = bool((~self._columns.is_nominal).any())
            widths = WIDTH_GRID if numeric and small else (0.0,)
        else:
            widths = (float(self.soft_thresholds),)
        if self.smoothing_strength == "auto":
            strengths = STRENGTH_GRID
        else:
            strengths = (float(self.smoothing_strength),)
        # (method, strength) pairs; "laplace" and "none" ignore the strength
        candidates = [
            (method, strength if _USES_STRENGTH[method] else 0.0)
            for method in methods
            for strength in (strengths if _USES_STRENGTH[method] else (0.0,))
        ]
        leaves = self._leaf_minimums(n_training)
        if len(widths) == 1 and len(candidates) == 1 and len(leaves) == 1:
            return widths[0], *candidates[0], leaves[0]
        best = None
        for leaf in leaves:
            width, (method, strength), losses = choose_by_cv(
                lambda X, y, w, leaf=leaf: self._grow(X, y, w, min_samples_leaf=leaf),
                lambda t, c: node_probabilities(t, method=c[0], strength=c[1]),
                X_encoded,
                y_encoded,
                weights,
                self._columns.is_nominal,
                widths,
                candidates,
                max_rows=CV_MAX_ROWS if len(widths) > 1 else CV_MAX_ROWS_STRENGTH_ONLY,
                **self._band_rules(),
            )
            if best is None or losses.min() < best[0]:
                best = (losses.min(), (width, method, strength, leaf))
        return best[1]

    def _set_probabilities(self, width, method, strength, sd_of) -> None:
        """Set the chosen settings, soft band widths and node probabilities.

        ``sd_of(tree)`` gives the sd of the split column at every node over the
        training cases (only called when a band is used).
        """
        tree = self.tree_
        if self.soft_thresholds == "auto" and not self._has_numeric_split():
            width = 0.0  # no band to size: the CV's trees split where this one does not
        self.smoothing_ = method
        self.soft_thresholds_ = float(width)
        self.smoothing_strength_ = float(strength) if _USES_STRENGTH[method] else None
        if width > 0.0 and self._has_numeric_split():
            tree.soft_width = soft_widths(tree.threshold, sd_of(tree), width)
        self._node_proba = node_probabilities(tree, method=method, strength=strength)
        if method == "pruning_average":
            self.tree_, self._node_proba = collapse_negligible(
                tree, self._node_proba, float(self.subtree_min_change)
            )
        if (self.tree_.soft_width > 0).any():
            # the node table soft routing reads (with each split's class gap), built
            # here rather than by the first predict call; a hard tree's is built on
            # first use (at 1M rows it would add 4 MB at fit's peak)
            self.tree_._navigation(self._columns.is_nominal)

    # -- prediction -----------------------------------------------------------------
    def _band_rules(self) -> dict:
        """The rules for the sides of soft bands, as the Tree's routing takes them."""
        return dict(
            min_share=float(self.soft_min_share),
            min_change=float(self.soft_min_change),
        )

    def _encoded(self, X):
        check_is_fitted(self)
        X_encoded, _ = self._validate_X(X, reset=False)
        return X_encoded

    def predict_proba(self, X):
        """Class probabilities of the leaves each row reaches.

        A row whose value is missing at a node, or holds a category that node never
        saw, is sent down every branch with the branch's share of training weight, and
        its probabilities are the weighted mix of the leaves it reaches. With soft
        thresholds, a numeric value within a node's band around its threshold is
        likewise shared between both branches (see ``soft_thresholds``).

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Input data with the columns seen in fit. Nominal values are matched
            to the categories of fit as pandas compares them (1 == 1.0, but
            1 != "1"); a value of a type that equals no category of its column
            (ints in a column fitted as text) raises a ValueError naming it.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities in the order of ``classes_``.
        """
        X_encoded = self._encoded(X)
        return self.tree_.predict_proba(
            X_encoded,
            self._node_proba,
            self._columns.is_nominal,
            normalize=True,
            **self._band_rules(),
        )

    def predict_log_proba(self, X):
        """Natural logarithm of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Most probable class of each row (argmax of :meth:`predict_proba`)."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def apply(self, X):
        """Id of the leaf each row lands in (the heaviest leaf for spread rows)."""
        X_encoded = self._encoded(X)
        return self.tree_.apply(
            X_encoded, self._columns.is_nominal, **self._band_rules()
        )

    def decision_path(self, X):
        """Indicator of the nodes each row of X passes through (sklearn's contract).

        A row whose value is missing at a split (or a category the split never
        saw), or lies inside a soft band, goes down several branches: every node
        it reaches is marked, so it can mark several leaves.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Input data with the columns seen in fit.

        Returns
        -------
        indicator : sparse matrix of shape (n_samples, node_count)
            CSR matrix with a 1 at (i, v) when row i reaches node v.
        """
        X_encoded = self._encoded(X)
        return self.tree_.decision_path(
            X_encoded, self._columns.is_nominal, **self._band_rules()
        )

    def get_depth(self) -> int:
        """Depth of the tree (the root alone has depth 0)."""
        check_is_fitted(self)
        return self.tree_.max_depth

    def get_n_leaves(self) -> int:
        """Number of leaves."""
        check_is_fitted(self)
        return self.tree_.n_leaves

    @property
    def feature_importances_(self) -> np.ndarray:
        """Total weighted information gain per feature, normalised to sum to 1.

        Each internal node contributes its gain (bits per case) times its weighted
        number of cases; an all-leaf tree gives zeros.
        """
        check_is_fitted(self)
        tree = self.tree_
        internal = ~tree.is_leaf
        totals = np.zeros(self.n_features_in_)
        np.add.at(
            totals,
            tree.feature[internal],
            tree.gain[internal] * tree.weighted_n_node_samples[internal],
        )
        grand = totals.sum()
        return totals / grand if grand > 0 else totals


class C45Classifier(BaseEntropyTree):
    """C4.5 decision tree: gain-ratio splits, error-based pruning, smoothed leaves.

    Quinlan's C4.5 (release 8) with scikit-learn's interface: binary thresholds on
    numeric columns chosen by information gain (with the MDL cost of the number of
    candidate cuts), one branch per category on nominal columns, the attribute chosen
    by gain ratio among tests with at least average gain, rows with missing values
    sent down every branch with fractional weight, and optional error-based pruning.
    By default the tree is grown without pruning and its leaves predict a Bayesian
    average over all prunings of it (``smoothing="auto"``), which beats both the
    pruned and the unpruned tree's own leaves at log-loss and accuracy; see
    entree/_docs/probabilities.md.

    Parameters
    ----------
    criterion : {"gain_ratio", "gain"}, default="gain_ratio"
        "gain_ratio" is C4.5's selection; "gain" is ID3's plain information gain.
    max_depth : int, default=None
        Maximum depth of the tree; None grows until the other rules stop it.
    min_samples_split : float, default=2
        Minimum weighted number of cases a node needs to be split. Cases are
        rows, or sample weights expressed in cases (see ``fit``): scaling all
        sample weights changes nothing.
    min_samples_leaf : float or "auto", default="auto"
        C4.5's m: a test is only used if at least two of its branches hold this
        weighted number of cases (numeric cuts need it on both sides). C4.5 and
        J48 use 2. "auto" chooses 1 or 2 by the internal cross-validation that
        chooses the leaf estimator (trees grown with each on the same folds; the
        value used is in ``min_samples_leaf_``), and is 2 above 100,000
        training rows, where the CV sees a small sample. The default tree is
        not pruned and its leaves average over its prunings, which weigh a
        branch of one case by how much it explains; on small data such
        branches often pay (see entree/_docs/probabilities.md). Set 2 with
        ``pruning="error_based"`` for C4.5's tree.
    min_gain : float, default=0.0
        A split must gain more than this many bits per case.
    pruning : {"error_based"} or None, default=None
        C4.5's pessimistic error-based pruning by subtree replacement, after
        collapsing subtrees that do not lower the training error. None (the
        default) keeps the grown tree: with ``smoothing="pruning_average"`` its
        leaves already weigh every pruning of it by how well it predicted the
        training cases. "error_based" gives C4.5's smaller tree (and was the
        default before).
    confidence : float in (0, 0.5], default=0.25
        C4.5's CF: smaller values prune more.
    subtree_raising : bool, default=False
        Also consider C4.5's subtree raising when pruning (J48's default): a
        node may be replaced by the subtree of its largest branch, with all the
        node's training cases sent down that subtree (its counts, branch
        fractions and split statistics recomputed), when that lowers the
        estimated errors. Off by default: on the benchmark corpus it made the
        mean log-loss and accuracy slightly worse, and it costs fit time (see the
        README). No effect when ``pruning=None``.
    smoothing : {"auto", "pruning_average", "m_estimate", "shrinkage", "laplace", \
"none"}, default="auto"
        How node class counts become probabilities: "m_estimate" is
        (n_c + m * prior_c) / (n + m) with the class distribution at the root as
        prior; "pruning_average" mixes the m-estimates of the nodes on a leaf's
        path, each weighted by the posterior probability that the tree stops
        there (Bayesian averaging over the prunings of the tree, computed once
        per leaf at fit); "shrinkage" shrinks each node toward its parent's
        smoothed distribution; "laplace" is (n_c + 1) / (n + K) (J48 -A); "none"
        gives raw frequencies (a zero for every class a leaf never saw). "auto"
        chooses between "m_estimate" and "pruning_average" by the internal
        cross-validation that chooses ``smoothing_strength`` and
        ``soft_thresholds``. See entree/_docs/probabilities.md (installed with
        the package).
    smoothing_strength : float >= 0 or "auto", default="auto"
        m (or the shrinkage strength), in cases (training rows, or sample
        weights expressed in cases: see ``fit``). "auto" chooses it from
        {0.5, 1, 2, 4} together with ``soft_thresholds`` by internal 5-fold
        cross-validation on the training set (held-out log-loss; see
        ``soft_thresholds``). Ignored by "laplace" and "none".
    soft_thresholds : float >= 0 or "auto", default="auto"
        C4.5's probabilistic thresholds, as the half-width of a band around every
        numeric threshold, in standard deviations of that column among the
        training cases reaching the node. A row whose value lies inside the band
        goes down both branches: left with a share falling smoothly from 1 at
        the band's lower edge through 1/2 at the threshold to 0 at its upper edge
        (a cubic smoothstep), and its probabilities are the weighted mix of the
        leaves it reaches. A row outside every band on its path takes one path,
        exactly as in a hard tree. 0 gives hard thresholds. "auto" picks the
        width from {0, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.9} by internal 5-fold CV
        on the training set: trees are grown with these parameters on 4/5 of the
        training rows (a stratified subsample of at most 4000 rows on larger
        data, folds assigned by hashing the rows so that the choice is
        deterministic and independent of row order), and the width (and
        strength) with the smallest held-out log-loss wins. Above 100,000
        training rows "auto" keeps hard thresholds, since soft routing makes
        prediction cost grow with the number of leaves a row reaches (and the
        CV for the strength alone uses at most 1500 rows). See
        entree/_docs/probabilities.md (installed with the package).
    soft_min_share : float in [0, 0.5), default=0.05
        At prediction, a side of a soft band that would receive less than this
        share of a row's weight is not followed, and the other side takes the
        row's weight there. It bounds the number of leaves a row reaches through
        soft bands by 1 / soft_min_share and keeps ``predict_proba`` fast on
        deep trees, at a negligible cost in log-loss (see
        entree/_docs/probabilities.md); 0 (with ``soft_min_change=0``) follows
        every band to any share.
    soft_min_change : float in [0, 1), default=0.05
        At prediction, a side of a soft band is also not followed when its share
        of the row times the split's class gap (``tree_.class_gap``: the largest
        difference between the class frequencies of its two sides' training
        cases) is below this: following it could move the row's probabilities
        by little. When both sides of a band are negligible the larger is
        followed. On make_classification with 10,000 training rows it cuts the
        leaves a row reaches from 7.1 to 4.2 (predict_proba 1.4x faster), for
        +0.003 nats of mean log-loss on the development corpus (see
        entree/_docs/probabilities.md); 0 judges sides by ``soft_min_share`` alone.
    subtree_min_change : float in [0, 1), default=0.02
        With the pruning average (``smoothing_ == "pruning_average"``), every
        subtree none of whose leaves differs from the subtree's root by this much
        in any class probability is cut off after fit: its root becomes a leaf
        predicting its own average (the prunings that stop there or above). No
        probability ``predict_proba`` gives moves by as much as this, for any
        row (rows spread by missing values or soft bands included), and the
        tree shrinks (on the benchmark corpus, 154 to 127 leaves on average,
        with the same log-loss; see entree/_docs/probabilities.md). 0 keeps the
        grown tree. Other estimators keep the grown (or pruned) tree.
    max_bins : int, default=255
        A numeric column with at most this many distinct values is split exactly
        (every cut between two values is a candidate); one with more is binned at
        quantiles into this many bins. At most 65535.
    categorical_features : array-like of int, str or bool, default=None
        Columns to treat as nominal (indices, names or a boolean mask). None means
        pandas category, object, string and bool columns, text arrays, and the
        columns of object arrays (``df.to_numpy()``, rows mixing text and
        numbers) that hold text or bools.
    class_weight : dict, "balanced" or None, default=None
        Weights multiplied into the sample weights per class (finite, >= 0).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when X was a DataFrame with string column names.
    tree_ : Tree
        The fitted tree as flat arrays, with per-node entropy, gain, split info,
        gain ratio and soft band half-widths (``tree_.soft_width``, raw units).
    soft_thresholds_ : float
        The band half-width used, in node standard deviations (the chosen value
        when ``soft_thresholds="auto"``).
    smoothing_strength_ : float or None
        The smoothing strength used (the chosen value when "auto"); None for
        "laplace" and "none".
    smoothing_ : str
        The leaf estimator used (the chosen one when ``smoothing="auto"``).
    min_samples_leaf_ : float
        The branch minimum the tree was grown with (the chosen one when
        ``min_samples_leaf="auto"``).
    feature_importances_ : ndarray of shape (n_features_in_,)
        Total weighted information gain per feature, normalised.

    See Also
    --------
    ID3Classifier : the same tree grown by information gain, unpruned.

    References
    ----------
    J. R. Quinlan, C4.5: Programs for Machine Learning, Morgan Kaufmann, 1993.
    J. R. Quinlan, "Improved use of continuous attributes in C4.5", JAIR 4, 1996.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from entree import C45Classifier
    >>> X, y = load_iris(return_X_y=True)
    >>> model = C45Classifier().fit(X, y)
    >>> float(round(model.tree_.impurity[0], 3))   # log2(3) bits at the root
    1.585
    >>> model.predict(X[:2])
    array([0, 0])
    """

    def __init__(
        self,
        *,
        criterion="gain_ratio",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf="auto",
        min_gain=0.0,
        pruning=None,
        confidence=0.25,
        subtree_raising=False,
        smoothing="auto",
        smoothing_strength="auto",
        soft_thresholds="auto",
        soft_min_share=0.05,
        soft_min_change=0.05,
        subtree_min_change=0.02,
        max_bins=255,
        categorical_features=None,
        class_weight=None,
    ):
        super().__init__(
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_gain=min_gain,
            pruning=pruning,
            confidence=confidence,
            subtree_raising=subtree_raising,
            smoothing=smoothing,
            smoothing_strength=smoothing_strength,
            soft_thresholds=soft_thresholds,
            soft_min_share=soft_min_share,
            soft_min_change=soft_min_change,
            subtree_min_change=subtree_min_change,
            max_bins=max_bins,
            categorical_features=categorical_features,
            class_weight=class_weight,
        )


class ID3Classifier(BaseEntropyTree):
    """ID3 decision tree: information-gain splits, no pruning.

    The same machinery as :class:`C45Classifier` with ID3's defaults: the test with
    the highest information gain is chosen at every node and the tree is not
    pruned. Numeric columns and missing values are handled as in C4.5.

    Parameters
    ----------
    criterion : {"gain", "gain_ratio"}, default="gain"
    max_depth : int, default=None
    min_samples_split : float, default=2
    min_samples_leaf : float, default=1
        ID3 has no minimum branch size; 1 weighted case.
    min_gain : float, default=0.0
    pruning : {"error_based"} or None, default=None
    confidence : float in (0, 0.5], default=0.25
    subtree_raising : bool, default=False
        Subtree raising during error-based pruning; no effect when
        ``pruning=None``.
    smoothing : {"m_estimate", "pruning_average", "shrinkage", "laplace", "none", \
"auto"}, default="m_estimate"
    smoothing_strength : float >= 0 or "auto", default=2.0
    soft_thresholds : float >= 0 or "auto", default=0.0
        Hard thresholds by default: ID3 has no probabilistic thresholds, and
        the unpruned ID3 tree is meant as the plain textbook learner (no internal
        cross-validation at fit time). Set it to "auto" or a width to use them.
    soft_min_share : float in [0, 0.5), default=0.05
    soft_min_change : float in [0, 1), default=0.05
    subtree_min_change : float in [0, 1), default=0.02
    max_bins : int, default=255
    categorical_features : array-like of int, str or bool, default=None
    class_weight : dict, "balanced" or None, default=None

    See :class:`C45Classifier` for the meaning of each parameter and the
    attributes.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from entree import ID3Classifier
    >>> X, y = load_iris(return_X_y=True)
    >>> ID3Classifier().fit(X, y).score(X, y)
    1.0
    """

    def __init__(
        self,
        *,
        criterion="gain",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_gain=0.0,
        pruning=None,
        confidence=0.25,
        subtree_raising=False,
        smoothing="m_estimate",
        smoothing_strength=2.0,
        soft_thresholds=0.0,
        soft_min_share=0.05,
        soft_min_change=0.05,
        subtree_min_change=0.02,
        max_bins=255,
        categorical_features=None,
        class_weight=None,
    ):
        super().__init__(
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_gain=min_gain,
            pruning=pruning,
            confidence=confidence,
            subtree_raising=subtree_raising,
            smoothing=smoothing,
            smoothing_strength=smoothing_strength,
            soft_thresholds=soft_thresholds,
            soft_min_share=soft_min_share,
            soft_min_change=soft_min_change,
            subtree_min_change=subtree_min_change,
            max_bins=max_bins,
            categorical_features=categorical_features,
            class_weight=class_weight,
        )
