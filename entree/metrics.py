"""Scores for predicted class probabilities: log-loss, Brier score, perplexity.

:func:`log_loss` follows the contract of ``sklearn.metrics.log_loss`` (same
results, clipping, warnings and errors) and adds ``base=2`` to report bits.
:func:`evaluate` reports accuracy, log-loss in nats and bits, and the Brier score of a
classifier, on given data or under stratified cross-validation.

Only numpy is imported with this module; :func:`evaluate` imports scikit-learn
when it is called.

Examples
--------
A prediction of 1/2 for each of two classes costs ln 2 nats, which is one bit:

>>> from entree.metrics import log_loss
>>> round(log_loss([0, 1], [[0.5, 0.5], [0.5, 0.5]]), 4)
0.6931
>>> log_loss([0, 1], [[0.5, 0.5], [0.5, 0.5]], base=2)
1.0
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from entree.entropy import _log_base  # one definition of a valid base

__all__ = ["brier_score", "evaluate", "log_loss", "perplexity"]

_FLOAT_DTYPES = (np.dtype(np.float64), np.dtype(np.float32), np.dtype(np.float16))


def _check_proba(y_proba: ArrayLike) -> NDArray[np.floating]:
    """Float array of probabilities, 1-D or 2-D, finite, within [0, 1]."""
    proba = np.asarray(y_proba)
    if proba.dtype not in _FLOAT_DTYPES:
        try:
            proba = proba.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError("y_proba must be an array of numbers") from None
    if proba.ndim not in (1, 2):
        raise ValueError(
            f"y_proba must be 1-D or 2-D, got an array with {proba.ndim} dimension(s)"
        )
    if proba.shape[0] == 0:
        raise ValueError("y_proba is empty; at least one sample is required")
    if not np.all(np.isfinite(proba)):
        raise ValueError("y_proba contains NaN or infinity")
    if proba.max() > 1:
        raise ValueError(f"y_proba contains values greater than 1: {proba.max()}")
    if proba.min() < 0:
        raise ValueError(f"y_proba contains values lower than 0: {proba.min()}")
    return proba


def _check_weights(sample_weight: ArrayLike | None) -> NDArray | None:
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight)
    if weights.dtype.kind not in "fiu":
        try:
            weights = weights.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError("sample_weight must be an array of numbers") from None
    if weights.ndim != 1:
        raise ValueError(f"sample_weight must be 1-D, got shape {weights.shape}")
    if not np.all(np.isfinite(weights)):
        raise ValueError("sample_weight contains NaN or infinity")
    return weights


def _one_hot_targets(
    y_true: ArrayLike, labels: ArrayLike | None
) -> tuple[NDArray[np.int64], NDArray[Any]]:
    """One-hot encode ``y_true`` over the sorted class labels."""
    target = np.asarray(y_true)
    if target.ndim == 2:
        # A label indicator matrix: column k is class k.
        if labels is not None:
            raise ValueError(
                "labels cannot be used with a 2-D label indicator y_true; pass 1-D "
                "class labels instead"
            )
        if not np.all(np.isin(target, (0, 1))):
            raise ValueError("a 2-D y_true must be a label indicator matrix of 0 and 1")
        classes = np.arange(target.shape[1])
        if classes.size < 2:
            raise ValueError(
                f"y_true indicator matrix has {classes.size} column(s); at least two "
                "classes are needed"
            )
        return target.astype(np.int64), classes
    if target.ndim != 1:
        raise ValueError(f"y_true must be 1-D labels, got shape {target.shape}")
    if target.dtype.kind == "f":
        if np.any(np.isnan(target)):
            raise ValueError("y_true contains NaN")
        if np.any(target != np.round(target)):
            raise ValueError(
                "y_true must hold class labels, got continuous (non-integer) values"
            )
    try:
        if labels is not None:
            label_array = np.asarray(labels)
            classes = np.unique(label_array)
            if label_array.shape != classes.shape or np.any(label_array != classes):
                warnings.warn(
                    f"Labels passed were {labels}. But this function assumes labels "
                    "are ordered lexicographically. Pass the ordered "
                    f"labels={classes.tolist()} and ensure that the columns of y_proba "
                    "correspond to this ordering.",
                    UserWarning,
                    stacklevel=3,
                )
            unknown = ~np.isin(target, classes)
            if np.any(unknown):
                raise ValueError(
                    f"y_true contains values {set(target[unknown].tolist())} not "
                    f"belonging to the passed labels {labels}."
                )
            if classes.size < 2:
                raise ValueError(
                    "The labels array needs to contain at least two labels, got "
                    f"{classes}."
                )
        else:
            classes = np.unique(target)
            if classes.size == 1:
                raise ValueError(
                    f"y_true contains only one label ({classes[0]}). Please provide "
                    "the list of all expected class labels explicitly through the "
                    "labels argument."
                )
    except TypeError:
        raise ValueError(
            "y_true (and labels) mix label types that cannot be compared, such as "
            "strings and numbers"
        ) from None
    codes = np.searchsorted(classes, target)
    one_hot = np.zeros((target.size, classes.size), dtype=np.int64)
    one_hot[np.arange(target.size), codes] = 1
    return one_hot, classes


def _prepare(
    y_true: ArrayLike,
    y_proba: ArrayLike,
    labels: ArrayLike | None,
    sample_weight: ArrayLike | None,
) -> tuple[NDArray, NDArray, NDArray | None]:
    """Validate inputs; return one-hot targets, 2-D probabilities and weights."""
    proba = _check_proba(y_proba)
    weights = _check_weights(sample_weight)
    lengths = [len(np.asarray(y_true)) if np.ndim(y_true) else 0, proba.shape[0]]
    if weights is not None:
        lengths.append(weights.shape[0])
    if len(set(lengths)) > 1:
        names = "y_true, y_proba" + (
            " and sample_weight" if weights is not None else ""
        )
        raise ValueError(f"{names} have inconsistent numbers of samples: {lengths}")
    if weights is not None and not np.any(weights):
        raise ValueError("sample_weight must contain at least one non-zero number")

    one_hot, classes = _one_hot_targets(y_true, labels)

    if proba.ndim == 1:
        proba = proba[:, np.newaxis]
    if proba.shape[1] == 1:
        # A single column is the probability of the positive (second) class.
        proba = np.concatenate([1 - proba, proba], axis=1)

    eps = np.finfo(proba.dtype).eps
    row_sums = proba.sum(axis=1)
    if not np.all(np.isclose(row_sums, 1, rtol=math.sqrt(eps))):
        warnings.warn(
            "The y_proba values do not sum to one. Make sure to pass probabilities.",
            UserWarning,
            stacklevel=3,
        )

    if classes.size != proba.shape[1]:
        if labels is None:
            raise ValueError(
                "y_true and y_proba contain different number of classes: "
                f"{classes.size} vs {proba.shape[1]}. Please provide the true labels "
                f"explicitly through the labels argument. Classes found in y_true: "
                f"{classes}"
            )
        raise ValueError(
            "The number of classes in labels is different from that in y_proba. "
            f"Classes found in labels: {classes}"
        )
    return one_hot, proba, weights


def _weighted_mean(values: NDArray, weights: NDArray | None) -> Any:
    if weights is None:
        return np.mean(values)
    if np.sum(weights) == 0:
        raise ValueError("sample_weight sums to zero; the weighted mean is undefined")
    return np.average(values, weights=weights)


def log_loss(
    y_true: ArrayLike,
    y_proba: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    normalize: bool = True,
    base: float = math.e,
) -> float:
    r"""Log-loss (cross-entropy) of predicted class probabilities.

    Same results, clipping, warnings and errors as ``sklearn.metrics.log_loss``
    (scikit-learn 1.9), with ``base`` to choose the unit.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        True labels (any sortable values), or a 0/1 label indicator matrix.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities, columns in the sorted order of the labels (as
        ``classes_`` of a scikit-learn classifier). A 1-D array (or one column) is
        the probability of the second (positive) class of a binary problem. Values
        are clipped to ``[eps, 1 - eps]``, ``eps`` being the machine precision of
        ``y_proba``'s dtype, so a confident mistake costs a large but finite loss.
    labels : array-like, default=None
        All class labels. Needed when ``y_true`` holds fewer classes than the
        columns of ``y_proba`` (for example only one). Inferred from ``y_true``
        when None.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    normalize : bool, default=True
        Return the (weighted) mean loss per sample if True, the sum otherwise.
    base : float, default=math.e
        Base of the logarithm: ``math.e`` gives nats (as scikit-learn), 2 gives bits.

    Returns
    -------
    loss : float
        The log-loss.

    Raises
    ------
    ValueError
        If ``y_proba`` has values outside ``[0, 1]``, NaN or infinity; if the
        numbers of samples differ; if only one class is known; if the number of
        classes in ``y_true`` / ``labels`` differs from the columns of ``y_proba``;
        if ``y_true`` holds a value not in ``labels``; if all sample weights are 0;
        or if ``base`` is not a valid base.

    Warns
    -----
    UserWarning
        If rows of ``y_proba`` do not sum to 1 (they are not renormalised), or if
        ``labels`` is not in sorted order.

    See Also
    --------
    brier_score, perplexity, entree.entropy.cross_entropy

    Notes
    -----
    With :math:`Y_{ik}` the one-hot targets, :math:`p_{ik}` the clipped
    probabilities and :math:`w_i` the weights,

    .. math::
        L = -\frac{1}{\sum_i w_i} \sum_i w_i \sum_k Y_{ik} \log_b p_{ik}.

    It is the mean cross-entropy between the targets and the predictions, the
    number of bits (``base=2``) a code built from the predictions spends per sample.
    Unlike ``sklearn.metrics.log_loss``, a non-zero set of weights summing to zero
    raises ``ValueError`` rather than ``ZeroDivisionError``.

    References
    ----------
    .. [1] C. M. Bishop, "Pattern Recognition and Machine Learning", Springer, 2006,
       section 4.3.4.

    Examples
    --------
    Certain and right costs only the clipping: one machine epsilon per sample.

    >>> from entree.metrics import log_loss
    >>> log_loss([0, 1], [[1, 0], [0, 1]])
    2.220446049250313e-16

    A uniform two-class prediction is ln 2 nats, that is 1 bit:

    >>> round(log_loss(["ham", "spam"], [0.5, 0.5]), 3)
    0.693
    >>> log_loss(["ham", "spam"], [0.5, 0.5], base=2)
    1.0

    Giving the true class probability 1/4 costs 2 bits; ``labels`` names a class
    absent from ``y_true``:

    >>> log_loss([2, 2], [[0.5, 0.25, 0.25], [0.25, 0.5, 0.25]], labels=[0, 1, 2],
    ...          base=2)
    2.0
    """
    log_base = _log_base(base)
    one_hot, proba, weights = _prepare(y_true, y_proba, labels, sample_weight)
    eps = np.finfo(proba.dtype).eps
    clipped = np.clip(proba, eps, 1 - eps)
    loss = -np.sum(one_hot.astype(proba.dtype) * np.log(clipped), axis=1)
    if normalize:
        total = _weighted_mean(loss, weights)
    elif weights is None:
        total = np.sum(loss)
    else:
        total = np.dot(loss, weights)
    return float(total) / log_base


def brier_score(
    y_true: ArrayLike,
    y_proba: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    convention: str = "multiclass",
) -> float:
    r"""Brier score: mean squared distance to the one-hot truth.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        True labels, or a 0/1 label indicator matrix.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities, columns in sorted label order; a 1-D array is the
        probability of the positive class of a binary problem. Not clipped.
    labels : array-like, default=None
        All class labels; inferred from ``y_true`` when None.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    convention : {"multiclass", "binary"}, default="multiclass"
        "multiclass" sums the squared errors over all classes (Brier's original
        score, 0 to 2). "binary", for two classes only, counts the positive
        class's column alone (0 to 1), as ``sklearn.metrics.brier_score_loss``
        does for a binary problem: half the multiclass score.

    Returns
    -------
    score : float
        The (weighted) mean over samples, between 0 (certain and right) and 2
        (certain and wrong), or 1 with ``convention="binary"``. Lower is better.

    See Also
    --------
    log_loss

    Notes
    -----
    .. math:: B = \frac{1}{\sum_i w_i} \sum_i w_i \sum_k (p_{ik} - Y_{ik})^2.

    This is Brier's original multiclass score. For a binary problem it is **twice**
    ``sklearn.metrics.brier_score_loss``, which only counts the positive class's
    column; ``convention="binary"`` gives sklearn's number. Inputs are validated
    as in :func:`log_loss`.

    References
    ----------
    .. [1] G. W. Brier, "Verification of Forecasts Expressed in Terms of
       Probability", Monthly Weather Review 78(1), 1950.

    Examples
    --------
    >>> from entree.metrics import brier_score
    >>> brier_score([0, 1], [[1, 0], [0, 1]])
    0.0
    >>> brier_score([0, 1], [[0, 1], [1, 0]])
    2.0
    >>> brier_score([0, 1], [0.5, 0.5])
    0.5
    >>> brier_score([0, 1], [0.5, 0.5], convention="binary")
    0.25
    """
    if convention not in ("multiclass", "binary"):
        raise ValueError(
            f"convention must be 'multiclass' or 'binary', got {convention!r}"
        )
    one_hot, proba, weights = _prepare(y_true, y_proba, labels, sample_weight)
    if convention == "binary":
        if proba.shape[1] != 2:
            raise ValueError(
                f"convention='binary' needs two classes, got {proba.shape[1]}; "
                "use convention='multiclass'"
            )
        # both columns carry the same squared error: count the positive one
        per_sample = (proba[:, 1] - one_hot[:, 1]) ** 2
    else:
        per_sample = np.sum((proba - one_hot) ** 2, axis=1)
    return float(_weighted_mean(per_sample, weights))


def perplexity(
    y_true: ArrayLike,
    y_proba: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
) -> float:
    r"""Perplexity of predicted probabilities: the exponentiated log-loss.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        True labels, or a 0/1 label indicator matrix.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities, as for :func:`log_loss`.
    labels : array-like, default=None
        All class labels; inferred from ``y_true`` when None.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    perplexity : float
        Between 1 (certain and right) and very large; a model that spreads its
        probability uniformly over :math:`K` classes has perplexity :math:`K`.

    See Also
    --------
    log_loss

    Notes
    -----
    .. math:: \mathrm{PP} = b^{L_b} = e^{L_e},

    with :math:`L_b` the mean log-loss in base :math:`b`; the base cancels, so there
    is no ``base`` argument. It reads as the effective number of classes the model
    is choosing between.

    References
    ----------
    .. [1] D. Jurafsky and J. H. Martin, "Speech and Language Processing", 3rd ed.
       draft, chapter 3.

    Examples
    --------
    >>> from entree.metrics import perplexity
    >>> round(perplexity([0, 1, 2], [[1 / 3, 1 / 3, 1 / 3]] * 3), 6)
    3.0
    >>> round(perplexity([0, 1], [0.5, 0.5]), 6)
    2.0
    """
    nats = log_loss(y_true, y_proba, labels=labels, sample_weight=sample_weight)
    return math.exp(nats)


# --------------------------------------------------------------------------------------
# evaluation helper
# --------------------------------------------------------------------------------------

_SCORE_NAMES = ("accuracy", "log_loss_nats", "log_loss_bits", "brier")


def _take_rows(X: Any, indices: NDArray[np.intp]) -> Any:
    if hasattr(X, "iloc"):
        return X.iloc[indices]
    if isinstance(X, np.ndarray) or hasattr(X, "tocsr"):
        return X[indices]
    return np.asarray(X)[indices]


def _score(
    model: Any,
    X: Any,
    y: NDArray,
    all_labels: NDArray,
    sample_weight: NDArray | None,
) -> dict[str, float]:
    """Score a fitted model on (X, y) over the full label set."""
    model_classes = np.asarray(model.classes_)
    proba = np.asarray(model.predict_proba(X), dtype=np.float64)
    full_proba = np.zeros((proba.shape[0], all_labels.size))
    # A model fitted on a fold that lacked a class gives it probability 0.
    full_proba[:, np.searchsorted(all_labels, model_classes)] = proba
    predicted = np.asarray(model.predict(X))
    correct = (predicted == y).astype(np.float64)
    nats = log_loss(y, full_proba, labels=all_labels, sample_weight=sample_weight)
    return {
        "accuracy": float(_weighted_mean(correct, sample_weight)),
        "log_loss_nats": nats,
        "log_loss_bits": nats / math.log(2),
        "brier": brier_score(
            y, full_proba, labels=all_labels, sample_weight=sample_weight
        ),
    }


def evaluate(
    model: Any,
    X: Any,
    y: ArrayLike,
    *,
    cv: Any = None,
    sample_weight: ArrayLike | None = None,
    random_state: int | None = 0,
    progress: Callable[[int, int], Any] | None = None,
) -> dict[str, float | int]:
    r"""Accuracy, log-loss (nats and bits) and Brier score of a classifier.

    Parameters
    ----------
    model : classifier
        A scikit-learn style classifier with ``fit``, ``predict``,
        ``predict_proba`` and ``classes_``. Must be fitted when ``cv`` is None; with
        ``cv`` it is cloned for each fold and may be fitted or not.
    X : array-like or DataFrame of shape (n_samples, n_features)
        Input samples.
    y : array-like of shape (n_samples,)
        True class labels.
    cv : None, int, cross-validation splitter or iterable, default=None
        None scores the fitted ``model`` on ``(X, y)``. An integer ``k >= 2`` runs
        stratified ``k``-fold cross-validation, shuffled with ``random_state``. A
        splitter (``StratifiedKFold(...)``, ...) or an iterable of
        ``(train, test)`` index arrays is used as given.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights used both to fit each fold (passed to ``fit``) and to score.
    random_state : int or None, default=0
        Seed of the fold shuffling when ``cv`` is an integer.
    progress : callable, default=None
        Called as ``progress(fold_index, n_folds)`` after each fold is scored, with
        a 0-based ``fold_index`` (once, as ``progress(0, 1)``, when ``cv`` is None);
        lets a command line show progress.

    Returns
    -------
    scores : dict
        Keys ``"accuracy"``, ``"log_loss_nats"``, ``"log_loss_bits"``, ``"brier"``
        (see :func:`log_loss` and :func:`brier_score`) and ``"n_samples"`` (samples
        scored). Under cross-validation the scores are means over folds, with their
        standard deviations (``ddof=0``) under ``"<name>_std"``, and ``"n_folds"``.
        Plain floats and ints: ``pandas.Series(scores)`` or
        ``pandas.DataFrame([scores])`` make a table.

    See Also
    --------
    log_loss, brier_score

    Notes
    -----
    Classes are scored over the union of ``y``'s labels and ``model.classes_``, so
    a fold whose training part lacks a class still scores: that class gets
    probability 0 (clipped in the log-loss) for the fold.

    Examples
    --------
    A model that always predicts the class frequencies of iris (1/3 each) is right
    a third of the time, pays :math:`\ln 3` nats (:math:`\log_2 3` bits), and
    has Brier score :math:`(2/3)^2 + 2 (1/3)^2 = 2/3`:

    >>> from sklearn.datasets import load_iris
    >>> from sklearn.dummy import DummyClassifier
    >>> from entree.metrics import evaluate
    >>> X, y = load_iris(return_X_y=True)
    >>> model = DummyClassifier(strategy="prior").fit(X, y)
    >>> scores = evaluate(model, X, y)
    >>> {name: round(value, 3) for name, value in scores.items()}
    {'accuracy': 0.333, 'log_loss_nats': 1.099, 'log_loss_bits': 1.585,
     'brier': 0.667, 'n_samples': 150}

    Five-fold stratified cross-validation of an unfitted model:

    >>> scores = evaluate(DummyClassifier(strategy="prior"), X, y, cv=5)
    >>> round(scores["log_loss_bits"], 3), scores["n_folds"]
    (1.585, 5)
    >>> scores["log_loss_bits_std"]
    0.0
    """
    y_array = np.asarray(y)
    if y_array.ndim != 1:
        raise ValueError(f"y must be 1-D class labels, got shape {y_array.shape}")
    n_samples = y_array.shape[0]
    weights = _check_weights(sample_weight)
    if weights is not None and weights.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight has {weights.shape[0]} entries but y has {n_samples}"
        )
    if progress is not None and not callable(progress):
        raise ValueError(f"progress must be callable or None, got {progress!r}")

    if cv is None:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(model)
        all_labels = np.union1d(np.unique(y_array), np.asarray(model.classes_))
        scores: dict[str, float | int] = dict(
            _score(model, X, y_array, all_labels, weights)
        )
        scores["n_samples"] = n_samples
        if progress is not None:
            progress(0, 1)
        return scores

    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold, check_cv

    if isinstance(cv, bool):
        raise ValueError(f"cv must be None, an int >= 2 or a splitter, got {cv!r}")
    if isinstance(cv, (int, np.integer)):
        if cv < 2:
            raise ValueError(f"cv must be at least 2 folds, got {cv}")
        splitter = StratifiedKFold(
            n_splits=int(cv), shuffle=True, random_state=random_state
        )
    else:
        splitter = check_cv(cv, y_array, classifier=True)
    folds = list(splitter.split(X, y_array))
    n_folds = len(folds)
    all_labels = np.unique(y_array)

    per_fold: dict[str, list[float]] = {name: [] for name in _SCORE_NAMES}
    n_scored = 0
    for fold_index, (train, test) in enumerate(folds):
        fold_model = clone(model)
        X_train = _take_rows(X, train)
        if weights is None:
            fold_model.fit(X_train, y_array[train])
            test_weights = None
        else:
            fold_model.fit(X_train, y_array[train], sample_weight=weights[train])
            test_weights = weights[test]
        fold_scores = _score(
            fold_model, _take_rows(X, test), y_array[test], all_labels, test_weights
        )
        for name in _SCORE_NAMES:
            per_fold[name].append(fold_scores[name])
        n_scored += len(test)
        if progress is not None:
            progress(fold_index, n_folds)

    scores = {name: float(np.mean(values)) for name, values in per_fold.items()}
    scores["n_samples"] = n_scored
    scores.update(
        {f"{name}_std": float(np.std(values)) for name, values in per_fold.items()}
    )
    scores["n_folds"] = n_folds
    return scores
