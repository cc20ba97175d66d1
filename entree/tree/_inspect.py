"""Look inside a fitted entropy tree: the splits it made, and why a row goes where.

:func:`split_report` tabulates every node (its test, weighted class counts, entropy,
information gain, split information and gain ratio); :func:`rank_splits` scores every
feature's best test on a data set, which is the first step of ID3 and C4.5 made
visible; :func:`explain` follows rows down the tree, showing where a missing value
sent a row down several branches at once. :class:`InspectionMixin` offers them as
estimator methods.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from entree.tree._binning import fit_bins
from entree.tree._builder import (
    C45_EPSILON,
    CRITERION_GAIN,
    CRITERION_GAIN_RATIO,
    WEIGHT_EPS,
    score_features,
)
from entree.tree._tree import TREE_LEAF, negligible_sides, soft_left_share

__all__ = [
    "InspectionMixin",
    "PathStep",
    "RowExplanation",
    "explain",
    "rank_splits",
    "split_report",
]

_CRITERIA = ("gain_ratio", "gain")
CRITERIA = {"gain": CRITERION_GAIN, "gain_ratio": CRITERION_GAIN_RATIO}


# -- text of tests and branches (shared with entree.tree._export) ------------------
def format_number(x: float, decimals: int | None = None) -> str:
    """Short text for a threshold or weight.

    With ``decimals`` the number is printed with that many digits after the point;
    without, it is the shortest text that rounds to at most six decimals (so a
    midpoint such as ``2.4499999999999997`` reads ``2.45``).
    """
    x = float(x)
    if decimals is not None:
        return f"{x:.{decimals}f}"
    if x != 0.0 and abs(x) < 1e-4:
        return f"{x:.6g}"
    return np.format_float_positional(x, precision=6, unique=True, trim="-")


def feature_names_of(model, feature_names=None) -> list[str]:
    """Names to print for the features: given, seen in fit, or ``x0, x1, ...``."""
    if feature_names is None:
        return [str(name) for name in model._columns.feature_names]
    names = [str(name) for name in feature_names]
    if len(names) != model.n_features_in_:
        raise ValueError(
            f"feature_names has {len(names)} entries but the model has "
            f"{model.n_features_in_} features."
        )
    return names


def class_names_of(model, class_names=None) -> list[str]:
    """Names to print for the classes: given, or the labels in ``classes_``."""
    if class_names is None:
        return [str(label) for label in model.classes_]
    names = [str(name) for name in class_names]
    if len(names) != len(model.classes_):
        raise ValueError(
            f"class_names has {len(names)} entries but the model has "
            f"{len(model.classes_)} classes."
        )
    return names


def branch_condition(model, child: int, decimals: int | None = None) -> str:
    """The condition on the parent's feature that leads into ``child``.

    ``"<= 0.8"`` / ``"> 0.8"`` below a numeric split, ``"= sunny"`` below a nominal
    one, and ``""`` for the root.
    """
    tree = model.tree_
    parent = int(tree.parent[child])
    if parent < 0:
        return ""
    feature = int(tree.feature[parent])
    if model._columns.is_nominal[feature]:
        category = model._columns.categories[feature][tree.branch_category[child]]
        return f"= {category}"
    threshold = format_number(tree.threshold[parent], decimals)
    if child == tree.children[tree.children_ptr[parent]]:
        return f"<= {threshold}"
    return f"> {threshold}"


def branch_conditions(model, decimals: int | None = None) -> list[str]:
    """:func:`branch_condition` of every node, in node order (one pass)."""
    tree = model.tree_
    columns = model._columns
    parent = tree.parent
    conditions = [""] * tree.node_count
    first_child = np.zeros(tree.node_count, dtype=bool)
    internal = np.flatnonzero(~tree.is_leaf)
    first_child[tree.children[tree.children_ptr[internal]]] = True
    threshold_text = {}  # one text per numeric split, shared by its two branches
    for child in range(1, tree.node_count):
        above = int(parent[child])
        feature = int(tree.feature[above])
        if columns.is_nominal[feature]:
            category = columns.categories[feature][tree.branch_category[child]]
            conditions[child] = f"= {category}"
            continue
        text = threshold_text.get(above)
        if text is None:
            text = threshold_text[above] = format_number(
                tree.threshold[above], decimals
            )
        conditions[child] = f"<= {text}" if first_child[child] else f"> {text}"
    return conditions


def _node_test(model, node: int, names: list[str], decimals=None) -> str | None:
    tree = model.tree_
    feature = int(tree.feature[node])
    if feature == TREE_LEAF:
        return None
    name = names[feature]
    if model._columns.is_nominal[feature]:
        categories = model._columns.categories[feature]
        labels = [
            str(categories[tree.branch_category[c]]) for c in tree.children_of(node)
        ]
        return f"{name} = {{{', '.join(labels)}}}"
    return f"{name} <= {format_number(tree.threshold[node], decimals)}"


def node_test(model, node: int, feature_names=None, decimals=None) -> str | None:
    """Text of the test at an internal node, ``None`` at a leaf.

    ``"petal width <= 0.8"`` for a numeric split (rows that pass go left), and
    ``"outlook = {overcast, rainy, sunny}"`` for a multiway nominal split, listing
    the categories in the order of the node's children.
    """
    return _node_test(model, node, feature_names_of(model, feature_names), decimals)


# -- the per-node table -------------------------------------------------------------
def split_report(model) -> pd.DataFrame:
    """One row per node of a fitted tree: its test, counts and information measures.

    Parameters
    ----------
    model : C45Classifier or ID3Classifier
        A fitted entropy tree.

    Returns
    -------
    report : DataFrame of shape (node_count, 17 + n_classes)
        Indexed by ``node`` (the id in ``model.tree_``), with columns

        - ``depth``, ``parent`` (``-1`` for the root), ``is_leaf``;
        - ``branch``: the condition on the parent's feature that leads into the
          node (``"<= 0.8"``, ``"> 0.8"``, ``"= sunny"``; ``""`` at the root) and
          ``branch_weight``, the share of the parent's known training weight that
          took it;
        - ``feature``: name of the feature tested at the node (missing, NaN, at leaves),
          ``test``: the test as text (``"petal width <= 0.8"``, or
          ``"outlook = {overcast, rainy, sunny}"`` for a multiway split) and
          ``threshold`` (NaN unless numeric);
        - ``n_rows``: training rows reaching the node (a row with a missing value
          counts in every branch it was sent down) and ``n_weighted``: their
          weight (fractional for such rows);
        - ``count[<class>]``: weighted training count of each class;
        - ``entropy``: entropy of those counts in bits; ``gain``, ``split_info``
          and ``gain_ratio`` of the node's test (0 at leaves);
        - ``predicted`` and ``probability``: the class the node predicts and the
          probability it gives that class (with the model's smoothing).

    See Also
    --------
    rank_splits : every feature's best test at the root, not only the chosen one.
    entree.tree.export_text : the same tree as indented text.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from entree import C45Classifier
    >>> from entree.tree._inspect import split_report
    >>> iris = load_iris()
    >>> model = C45Classifier(max_depth=1).fit(iris.data, iris.target)
    >>> report = split_report(model)
    >>> report[["branch", "test", "n_weighted", "entropy", "gain"]].round(3)
          branch       test  n_weighted  entropy   gain
    node
    0             x3 <= 0.8       150.0    1.585  0.918
    1     <= 0.8        NaN        50.0    0.000  0.000
    2      > 0.8        NaN       100.0    1.000  0.000
    >>> report.filter(like="count[").iloc[0].tolist()
    [50.0, 50.0, 50.0]
    """
    check_is_fitted(model)
    tree = model.tree_
    names = feature_names_of(model)
    n_nodes = tree.node_count
    leaf = tree.is_leaf
    proba = np.asarray(model._node_proba)
    best = np.argmax(proba, axis=1)
    is_nominal = np.asarray(model._columns.is_nominal, dtype=bool)
    numeric_split = ~leaf & ~is_nominal[np.where(leaf, 0, tree.feature)]
    data = {
        "depth": tree.depth.copy(),
        "parent": tree.parent.copy(),
        "is_leaf": leaf,
        "branch": branch_conditions(model),
        "branch_weight": tree.branch_weight,
        "feature": [None if f < 0 else names[f] for f in tree.feature.tolist()],
        "test": [_node_test(model, node, names) for node in range(n_nodes)],
        "threshold": np.where(numeric_split, tree.threshold, np.nan),
        "n_rows": tree.n_node_samples,
        "n_weighted": tree.weighted_n_node_samples,
    }
    for k, label in enumerate(model.classes_):
        data[f"count[{label}]"] = tree.value[:, k]
    data.update(
        {
            "entropy": tree.impurity,
            "gain": tree.gain,
            "split_info": tree.split_info,
            "gain_ratio": tree.gain_ratio,
            "predicted": model.classes_[best],
            "probability": proba[np.arange(n_nodes), best],
        }
    )
    report = pd.DataFrame(data, index=pd.RangeIndex(n_nodes, name="node"))
    return report


# -- ranking the candidate tests ----------------------------------------------------
def _rank_table(model, X_encoded, y_encoded, weights, *, mdl, criterion, min_cases):
    """Score each feature's best test with the tree builder's own scoring kernel.

    The histogram and ``_choose_split`` are the engine's, so the table shows
    exactly what the builder saw at this node.
    """
    columns = model._columns
    names = [str(name) for name in columns.feature_names]
    n_classes = len(model.classes_)
    codes, bins = fit_bins(
        X_encoded, columns.is_nominal, columns.categories, int(model.max_bins)
    )
    n_features = codes.shape[1]
    rows = np.flatnonzero(weights > 0).astype(np.int32)
    row_weight = weights[rows].astype(np.float64)
    labels = np.asarray(y_encoded, dtype=np.intp)
    chosen, selection, gains, infos, lows, highs, hist, bin_offset = score_features(
        codes,
        labels,
        rows,
        row_weight,
        bins.n_bins,
        columns.is_nominal,
        n_classes,
        CRITERIA[criterion],
        min_cases,
        mdl,
        model.min_gain,
    )
    totals = hist[bin_offset[-1] * n_classes :]
    records = []
    for f in range(n_features):
        nominal = bool(columns.is_nominal[f])
        valid = np.isfinite(selection[f])
        present = totals[bin_offset[f] : bin_offset[f] + bins.n_bins[f]] > WEIGHT_EPS
        threshold = np.nan
        test = None
        if valid and nominal:
            test = "multiway"
        elif valid:
            threshold = float(
                bins.thresholds([f], lows[f : f + 1], highs[f : f + 1])[0]
            )
            test = f"<= {format_number(threshold)}"
        records.append(
            {
                "feature": names[f],
                "kind": "nominal" if nominal else "numeric",
                "test": test,
                "threshold": threshold,
                "n_branches": (int(present.sum()) if nominal else 2) if valid else 0,
                "gain": gains[f] if valid else np.nan,
                "selection_gain": selection[f] if valid else np.nan,
                "split_info": infos[f] if valid else np.nan,
                "gain_ratio": (
                    (gains[f] / infos[f] if infos[f] > WEIGHT_EPS else 0.0)
                    if valid
                    else np.nan
                ),
            }
        )
    frame = pd.DataFrame.from_records(records)
    min_gain = float(model.min_gain)
    sel = frame["selection_gain"].to_numpy()
    info = frame["split_info"].to_numpy()
    usable = np.nan_to_num(sel, nan=-np.inf) > min_gain + 1e-12
    average = sel[usable].mean() if usable.any() else np.nan
    above = usable & (np.nan_to_num(sel, nan=-np.inf) >= average - C45_EPSILON)
    if criterion == "gain_ratio":
        eligible = above & (np.nan_to_num(info) > WEIGHT_EPS)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(info > WEIGHT_EPS, sel / info, 0.0)
    else:
        eligible = usable
        score = sel
    score = np.where(usable, score, -np.inf)
    frame["above_average_gain"] = above
    frame["chosen"] = np.arange(n_features) == chosen
    # best first: the chosen test, those the builder may choose, the others, invalid
    tier = np.where(eligible, 1, np.where(usable, 2, 3))
    if chosen >= 0:
        tier[chosen] = 0
    order = np.lexsort((np.arange(n_features), -score, tier))
    frame = frame.iloc[order].reset_index(drop=True)
    frame.index = pd.RangeIndex(1, n_features + 1, name="rank")
    return frame


def rank_splits(
    X,
    y,
    *,
    criterion="gain_ratio",
    sample_weight=None,
    categorical_features=None,
    max_bins=255,
    min_samples_leaf=2,
) -> pd.DataFrame:
    """Score the best test on every feature at the root: the first step of ID3/C4.5.

    Each feature is scored exactly as the tree builder scores it: a numeric
    feature's binary threshold is chosen by information gain, a nominal feature
    gets one branch per category, missing values reduce the gain by the known
    fraction and count as a bucket of their own in the split information.

    Parameters
    ----------
    X : {array-like, DataFrame} of shape (n_samples, n_features)
        Training data, as given to ``fit``.
    y : array-like of shape (n_samples,)
        Class labels.
    criterion : {"gain_ratio", "gain"}, default="gain_ratio"
        How the builder would choose: "gain_ratio" is C4.5 (the best gain ratio
        among tests with at least average gain, numeric gains charged C4.5's MDL
        cost of log2(number of candidate cuts) / N), "gain" is ID3.
    sample_weight : array-like of shape (n_samples,), default=None
        Case weights.
    categorical_features : array-like of int, str or bool, default=None
        Columns to treat as nominal, as in the estimators.
    max_bins : int, default=255
        Binning of numeric columns, as in the estimators.
    min_samples_leaf : float, default=2
        C4.5's m: a test needs two branches with at least this weight. Pass 1 to
        match :class:`~entree.ID3Classifier`'s default.

    Returns
    -------
    ranking : DataFrame of shape (n_features, 11)
        Indexed by ``rank`` (1 is best), with columns ``feature``, ``kind``
        ("numeric" or "nominal"), ``test`` (``"<= threshold"``, ``"multiway"``, or
        missing (NaN) when the feature admits no valid test), ``threshold``,
        ``n_branches``, ``gain`` (bits, scaled by the known fraction),
        ``selection_gain`` (the gain minus the MDL cost, the figure the builder
        compares; equal to ``gain`` for nominal tests and under "gain"),
        ``split_info``, ``gain_ratio`` (``gain / split_info``),
        ``above_average_gain`` and ``chosen`` (the test a tree with this criterion
        puts at its root). Rows are sorted best-first: under "gain" by
        ``selection_gain``; under "gain_ratio" the tests that pass C4.5's
        average-gain filter by ratio first, then the rest by ratio. Invalid
        features come last.

    See Also
    --------
    split_report : the tests a fitted tree actually uses, node by node.

    Examples
    --------
    Quinlan's play-tennis days: outlook gains 0.247 bits and is chosen.

    >>> from entree.tree._inspect import rank_splits
    >>> from entree.datasets import load_play_tennis
    >>> X, y = load_play_tennis(return_X_y=True, as_frame=True)
    >>> ranking = rank_splits(X, y)
    >>> ranking[["feature", "test", "gain", "split_info", "gain_ratio"]].round(3)
              feature      test   gain  split_info  gain_ratio
    rank
    1         outlook  multiway  0.247       1.577       0.156
    2        humidity  multiway  0.152       1.000       0.152
    3           windy  multiway  0.048       0.985       0.049
    4     temperature  multiway  0.029       1.557       0.019
    >>> ranking["chosen"].tolist()
    [True, False, False, False]
    """
    from entree.tree._classes import C45Classifier, case_weights

    if criterion not in _CRITERIA:
        raise ValueError(
            f"criterion must be 'gain_ratio' or 'gain'; got {criterion!r}."
        )
    # An unfitted estimator validates and encodes X exactly as fit would.
    model = C45Classifier(
        criterion=criterion,
        categorical_features=categorical_features,
        max_bins=max_bins,
        min_samples_leaf=min_samples_leaf,
    )
    model._validate_params()
    X_encoded, y = model._validate_X(X, reset=True, y=y)
    model.classes_, y_encoded = model._validate_y(y)
    weights = case_weights(sample_weight, X_encoded, y, None)
    positive = weights > 0  # as in fit, rows of zero weight shape no bins
    return _rank_table(
        model,
        X_encoded[positive],
        y_encoded[positive],
        weights[positive],
        mdl=criterion == "gain_ratio",
        criterion=criterion,
        min_cases=min_samples_leaf,
    )


def _reach_weight(model, X_encoded: np.ndarray, node: int) -> np.ndarray:
    """Share of each row that reaches ``node`` (C4.5's fractional routing).

    A row whose value at an ancestor is missing, or a category that ancestor never
    saw, continues down every branch with the branch's share of training weight.
    """
    tree = model.tree_
    parent = tree.parent
    path = [node]
    while parent[path[-1]] >= 0:
        path.append(int(parent[path[-1]]))
    reach = np.ones(X_encoded.shape[0])
    for child in reversed(path[:-1]):
        above = int(parent[child])
        f = int(tree.feature[above])
        x = X_encoded[:, f]
        siblings = tree.children_of(above)
        if model._columns.is_nominal[f]:
            spread = ~np.isin(x, tree.branch_category[siblings])  # NaN is not in it
            goes = x == tree.branch_category[child]
        else:
            spread = np.isnan(x)
            left = x <= tree.threshold[above]
            goes = left if child == siblings[0] else ~left & ~spread
        reach *= np.where(spread, tree.branch_weight[child], goes.astype(float))
    return reach


def rank_splits_at(model, X, y, node=0, sample_weight=None) -> pd.DataFrame:
    """:func:`rank_splits` at any node of a fitted model, on its training data.

    Every training row enters with the weight with which it reaches ``node``
    (a fraction when a missing value spread it over branches above), so the row
    of the feature the node splits on has the node's ``gain``.
    """
    check_is_fitted(model)
    tree = model.tree_
    if not 0 <= int(node) < tree.node_count:
        raise ValueError(
            f"node must be between 0 and {tree.node_count - 1}; got {node!r}."
        )
    X_encoded = model._encoded(X)
    y = np.asarray(y)
    if y.shape[0] != X_encoded.shape[0]:
        raise ValueError(
            f"X has {X_encoded.shape[0]} rows but y has {y.shape[0]} labels."
        )
    index = {label: k for k, label in enumerate(model.classes_.tolist())}
    try:
        y_encoded = np.array([index[label] for label in y.tolist()], dtype=np.intp)
    except KeyError as exc:
        raise ValueError(
            f"y holds a label the model never saw: {exc.args[0]!r}."
        ) from None
    from entree.tree._classes import case_weights

    weights = case_weights(sample_weight, X_encoded, y, model.class_weight)
    reach = _reach_weight(model, X_encoded, int(node))
    positive = weights > 0  # the rows fit binned
    return _rank_table(
        model,
        X_encoded[positive],
        y_encoded[positive],
        (weights * reach)[positive],
        mdl=model.criterion == "gain_ratio",
        criterion=model.criterion,
        min_cases=model.min_samples_leaf_,
    )


# -- explaining rows ----------------------------------------------------------------
@dataclass(frozen=True)
class PathStep:
    """One node a row passes through, and the branches it follows from there.

    Attributes
    ----------
    node : int
        Node id in ``model.tree_``.
    depth : int
        Depth of the node (the root is 0).
    weight : float
        Share of the row that arrives here (1 unless a missing value above spread
        the row over several branches).
    feature : str or None
        Feature tested at the node; ``None`` at a leaf.
    test : str or None
        The node's test as text (see :func:`split_report`).
    value : object
        The row's value of that feature (the category label for nominal features,
        ``None`` when missing).
    gain : float
        Information gain of the node's test in bits (0 at a leaf).
    branches : tuple of (int, str, float)
        ``(child, condition, fraction)`` for every branch followed: one branch with
        fraction 1 normally; all branches, with the training shares, when the value
        is missing or a category the node never saw. Empty at a leaf.
    proba : ndarray of shape (n_classes,) or None
        At a leaf, the leaf's class probabilities; ``None`` elsewhere.
    """

    node: int
    depth: int
    weight: float
    feature: str | None
    test: str | None
    value: object
    gain: float
    branches: tuple = ()
    proba: np.ndarray | None = None

    @property
    def is_leaf(self) -> bool:
        return self.feature is None

    @property
    def spread(self) -> bool:
        """True when the row went down more than one branch here."""
        return len(self.branches) > 1


@dataclass
class RowExplanation:
    """The path of one row through a tree, and the probabilities it ends with.

    Attributes
    ----------
    row : int
        Position of the row in the X given to :func:`explain`.
    steps : list of PathStep
        Nodes visited, depth first, in the order of the tree's children.
    classes : ndarray of shape (n_classes,)
        The model's class labels.
    proba : ndarray of shape (n_classes,)
        The row's class probabilities, as ``predict_proba`` returns them: the
        leaves reached, mixed by the weight with which the row arrives at each.
    """

    row: int
    steps: list = field(default_factory=list)
    classes: np.ndarray = field(default_factory=lambda: np.empty(0))
    proba: np.ndarray = field(default_factory=lambda: np.empty(0))

    @property
    def prediction(self):
        """The most probable class."""
        return self.classes[int(np.argmax(self.proba))]

    @property
    def leaves(self) -> list[tuple[int, float]]:
        """``(leaf, weight)`` for every leaf the row reaches."""
        return [(s.node, s.weight) for s in self.steps if s.is_leaf]

    def __str__(self) -> str:
        lines = [
            f"row {self.row}: predicted {self.prediction} "
            f"(p = {float(self.proba.max()):.3f})"
        ]
        for step in self.steps:
            indent = "  " * (step.depth + 1)
            share = "" if step.weight == 1.0 else f" [weight {step.weight:.3f}]"
            if step.is_leaf:
                best = int(np.argmax(step.proba))
                lines.append(
                    f"{indent}leaf {step.node}{share}: {self.classes[best]} "
                    f"(p = {float(step.proba[best]):.3f})"
                )
                continue
            shown = "missing" if step.value is None else repr(step.value)
            head = (
                f"{indent}node {step.node}{share}: {step.feature} = {shown} "
                f"(gain {step.gain:.3f} bits)"
            )
            if not step.spread:
                child, condition, _ = step.branches[0]
                lines.append(f"{head} -> {step.feature} {condition} -> node {child}")
                continue
            lines.append(f"{head} -> spread over {len(step.branches)} branches:")
            for child, condition, fraction in step.branches:
                lines.append(
                    f"{indent}    {step.feature} {condition}: {fraction:.3f}"
                    f" -> node {child}"
                )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per (node, branch followed); leaves get one row with no branch.

        Columns: ``node``, ``depth``, ``weight`` (arriving), ``feature``, ``value``,
        ``gain``, ``branch`` (condition text), ``child``, ``fraction`` (share of
        the arriving weight sent down the branch), ``is_leaf``.
        """
        records = []
        for step in self.steps:
            common = {
                "node": step.node,
                "depth": step.depth,
                "weight": step.weight,
                "feature": step.feature,
                "value": step.value,
                "gain": step.gain,
            }
            if step.is_leaf:
                records.append(
                    {**common, "branch": None, "child": -1, "fraction": np.nan}
                )
            for child, condition, fraction in step.branches:
                records.append(
                    {
                        **common,
                        "branch": condition,
                        "child": child,
                        "fraction": fraction,
                    }
                )
        frame = pd.DataFrame.from_records(
            records,
            columns=[
                "node",
                "depth",
                "weight",
                "feature",
                "value",
                "gain",
                "branch",
                "child",
                "fraction",
            ],
        )
        frame["is_leaf"] = frame["child"] < 0
        return frame


class _NodeTexts:
    """Texts of tests and branches, made once per node and shared by all rows."""

    def __init__(self, model, names):
        self.model = model
        self.names = names
        self.conditions: dict[int, str] = {}
        self.tests: dict[int, str | None] = {}

    def condition(self, child: int) -> str:
        text = self.conditions.get(child)
        if text is None:
            text = self.conditions[child] = branch_condition(self.model, child)
        return text

    def test(self, node: int) -> str | None:
        if node not in self.tests:
            self.tests[node] = _node_test(self.model, node, self.names)
        return self.tests[node]


def _walk(model, x_encoded, texts, node_proba, depth_of):
    """Steps of one encoded row, depth first (parents before children)."""
    tree = model.tree_
    columns = model._columns
    names = texts.names
    # as predict_proba: negligible band sides are not followed
    rules = model._band_rules()
    gap = tree.class_gap
    steps = []
    stack = [(0, 1.0)]
    while stack:
        node, weight = stack.pop()
        depth = int(depth_of[node])
        feature = int(tree.feature[node])
        if feature == TREE_LEAF:
            steps.append(
                PathStep(
                    node=node,
                    depth=depth,
                    weight=weight,
                    feature=None,
                    test=None,
                    value=None,
                    gain=0.0,
                    proba=node_proba[node].copy(),
                )
            )
            continue
        x = x_encoded[feature]
        children = tree.children_of(node)
        taken = None
        if np.isnan(x):
            value = None
        elif columns.is_nominal[feature]:
            value = columns.categories[feature][int(x)]
            matches = children[tree.branch_category[children] == int(x)]
            taken = int(matches[0]) if matches.shape[0] else None
        else:
            value = float(x)
            share = soft_left_share(
                float(x), float(tree.threshold[node]), float(tree.soft_width[node])
            )
            if 0.0 < share < 1.0:
                drop_left, drop_right = negligible_sides(
                    weight * share,
                    weight * (1.0 - share),
                    gap[node],
                    rules["min_share"],
                    rules["min_change"],
                )
                share = 0.0 if drop_left else 1.0 if drop_right else share
            if 0.0 < share < 1.0:  # inside the soft band: both branches
                taken = -1
            else:
                taken = int(children[0] if share == 1.0 else children[1])
        if taken is None:  # missing, or a category this node never saw: spread
            branches = tuple(
                (int(c), texts.condition(int(c)), float(tree.branch_weight[c]))
                for c in children
            )
        elif taken == -1:
            left, right = int(children[0]), int(children[1])
            branches = (
                (left, texts.condition(left), share),
                (right, texts.condition(right), 1.0 - share),
            )
        else:
            branches = ((taken, texts.condition(taken), 1.0),)
        steps.append(
            PathStep(
                node=node,
                depth=depth,
                weight=weight,
                feature=names[feature],
                test=texts.test(node),
                value=value,
                gain=float(tree.gain[node]),
                branches=branches,
            )
        )
        for child, _, fraction in reversed(branches):
            stack.append((child, weight * fraction))
    return steps


def explain(model, X) -> list[RowExplanation]:
    """Follow each row of X down a fitted tree.

    Parameters
    ----------
    model : C45Classifier or ID3Classifier
        A fitted entropy tree.
    X : {array-like, DataFrame} of shape (n_samples, n_features)
        Rows to explain, in the form given to ``predict``.

    Returns
    -------
    explanations : list of RowExplanation
        One per row: the nodes it visits with the test, the row's value, the gain,
        and the branch taken. Where the value is missing (or a category the node
        never saw) the row follows every branch with the branch's share of the
        training weight, as in C4.5, and the leaves' probabilities are mixed by
        those weights. ``str()`` gives a readable path; ``to_frame()`` a table.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from entree import C45Classifier
    >>> from entree.tree._inspect import explain
    >>> iris = load_iris()
    >>> model = C45Classifier(max_depth=2).fit(iris.data, iris.target)
    >>> print(explain(model, iris.data[:1])[0])
    row 0: predicted 0 (p = 0.993)
      node 0: x3 = 0.2 (gain 0.918 bits) -> x3 <= 0.8 -> node 1
        leaf 1: 0 (p = 0.993)

    A missing petal width sends the row down both branches of the root, with the
    shares of training weight they received:

    >>> row = np.array([[5.1, 3.5, 1.4, np.nan]])
    >>> explanation = explain(model, row)[0]
    >>> [(child, round(fraction, 3)) for child, _, fraction in
    ...  explanation.steps[0].branches]
    [(1, 0.333), (2, 0.667)]
    >>> bool(np.allclose(explanation.proba, model.predict_proba(row)[0]))
    True
    """
    check_is_fitted(model)
    X_encoded = model._encoded(X)
    proba = model.predict_proba(X)
    names = feature_names_of(model)
    node_proba = np.asarray(model._node_proba)
    depth_of = model.tree_.depth
    texts = _NodeTexts(model, names)
    explanations = []
    for i in range(X_encoded.shape[0]):
        steps = _walk(model, X_encoded[i], texts, node_proba, depth_of)
        explanations.append(
            RowExplanation(row=i, steps=steps, classes=model.classes_, proba=proba[i])
        )
    return explanations


# -- estimator methods --------------------------------------------------------------
class InspectionMixin:
    """Inspection methods for the entropy tree estimators."""

    def split_report(self) -> pd.DataFrame:
        """One row per node: test, class counts, entropy, gain and gain ratio.

        See :func:`entree.tree._inspect.split_report` for the columns.
        """
        check_is_fitted(self)
        return split_report(self)

    def explain(self, X) -> list[RowExplanation]:
        """The path each row of X takes, with spreading over missing values.

        See :func:`entree.tree._inspect.explain`.
        """
        check_is_fitted(self)
        return explain(self, X)

    def rank_splits(self, X, y, *, node=0, sample_weight=None) -> pd.DataFrame:
        """Every feature's best test at ``node``, scored on the training data.

        Pass the ``X``, ``y`` (and ``sample_weight``) the model was fitted on;
        each row counts with the weight with which it reaches ``node``. The
        feature the node splits on is ranked first with the node's gain. See
        :func:`entree.tree._inspect.rank_splits` for the columns.
        """
        check_is_fitted(self)
        return rank_splits_at(self, X, y, node=node, sample_weight=sample_weight)
