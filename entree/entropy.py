"""Information theory for decision trees, in pure numpy.

Every quantity is in **bits** unless ``base`` says otherwise (``base=np.e`` gives
nats). Distributions may be given as probabilities or as non-negative counts; they
are normalised along ``axis`` before use.

Distributions
    :func:`entropy`, :func:`cross_entropy`, :func:`kl_divergence`,
    :func:`binary_cross_entropy`.

Contingency tables (rows = values of a feature ``X``, columns = classes ``Y``)
    :func:`joint_entropy`, :func:`conditional_entropy`, :func:`mutual_information`,
    :func:`contingency_table`.

Splits of a node (vectorised over candidate splits, C4.5 unknown values)
    :func:`information_gain`, :func:`split_information`, :func:`gain_ratio`.

One call on raw columns, with sample weights and missing values
    :func:`feature_information_gain`, :func:`feature_gain_ratio`.

Conventions: ``0 log 0 = 0``; a zero in ``q`` where ``p > 0`` gives ``inf``; bad
input (negative, NaN or infinite values, an all-zero distribution, mismatched shapes,
an invalid ``base``) raises a ``ValueError`` that names the argument.

Examples
--------
A fair coin carries one bit; the play-tennis data (9 yes, 5 no) carries 0.940 bits.

>>> from entree.entropy import entropy
>>> entropy([0.5, 0.5])
1.0
>>> round(entropy([9, 5]), 3)
0.94
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from numbers import Real
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "binary_cross_entropy",
    "conditional_entropy",
    "contingency_table",
    "cross_entropy",
    "entropy",
    "feature_gain_ratio",
    "feature_information_gain",
    "gain_ratio",
    "information_gain",
    "joint_entropy",
    "kl_divergence",
    "mutual_information",
    "split_information",
]

# Relative tolerance when checking that parent counts equal the children's sum.
_CONSISTENCY_RTOL = 1e-9


# --------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------


def _log_base(base: Any) -> float:
    """Return ``log(base)`` after checking that ``base`` is a valid logarithm base."""
    if (
        isinstance(base, bool)
        or not isinstance(base, Real)
        or not math.isfinite(base)
        or base <= 0
        or base == 1
    ):
        raise ValueError(
            f"base must be a finite positive number other than 1, got {base!r}"
        )
    return math.log(base)


def _as_nonnegative(values: ArrayLike, name: str) -> NDArray[np.float64]:
    """Convert to a float64 array of finite, non-negative numbers or raise."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (it contains NaN or infinity)")
    if np.any(array < 0):
        raise ValueError(
            f"{name} must be non-negative, got minimum {float(array.min())}"
        )
    return array


def _as_distribution(
    values: ArrayLike, name: str, axis: int
) -> tuple[NDArray[np.float64], int]:
    """Validate ``values`` and normalise it to sum to one along ``axis``."""
    array = _as_nonnegative(values, name)
    if array.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension, got a scalar")
    axis = _normalise_axis(axis, array.ndim, name)
    if array.shape[axis] == 0:
        raise ValueError(f"{name} is empty along axis {axis}")
    total = array.sum(axis=axis, keepdims=True)
    if np.any(total == 0):
        raise ValueError(
            f"{name} sums to zero along axis {axis}; it is not a distribution"
        )
    return array / total, axis


def _normalise_axis(axis: Any, ndim: int, name: str) -> int:
    """Check ``axis`` against an array ``name`` of ``ndim`` dimensions."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"axis must be an integer, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"axis {axis} is out of bounds for {name} with {ndim} dimension(s)"
        )
    return int(axis) % ndim


def _scalar_or_array(value: NDArray[np.float64]) -> float | NDArray[np.float64]:
    """Return a Python float for a 0-d result, the array otherwise."""
    if np.ndim(value) == 0:
        return float(value)
    return value


def _xlogx(array: NDArray[np.float64]) -> NDArray[np.float64]:
    """Elementwise ``x * log(x)`` (natural log) with ``0 log 0 = 0``."""
    out = np.zeros_like(array)
    positive = array > 0
    out[positive] = array[positive] * np.log(array[positive])
    return out


# --------------------------------------------------------------------------------------
# distributions
# --------------------------------------------------------------------------------------


def entropy(
    p: ArrayLike, *, base: float = 2, axis: int = -1
) -> float | NDArray[np.float64]:
    r"""Shannon entropy of a discrete distribution.

    Parameters
    ----------
    p : array-like of shape (..., n_outcomes, ...)
        Probabilities or non-negative counts. Normalised along ``axis``, so class
        counts can be passed directly.
    base : float, default=2
        Base of the logarithm: 2 gives bits, ``np.e`` gives nats.
    axis : int, default=-1
        Axis holding the outcomes of each distribution.

    Returns
    -------
    H : float or ndarray
        The entropy; a float for a single distribution, otherwise an array with
        ``axis`` removed.

    See Also
    --------
    cross_entropy, kl_divergence, joint_entropy

    Notes
    -----
    .. math:: H(p) = -\sum_k p_k \log_b p_k,

    with :math:`0 \log 0 = 0`. It lies between 0 (a certain outcome) and
    :math:`\log_b K` (the uniform distribution over :math:`K` outcomes).

    References
    ----------
    .. [1] C. E. Shannon, "A Mathematical Theory of Communication", Bell System
       Technical Journal 27, 1948.
    .. [2] T. M. Cover and J. A. Thomas, "Elements of Information Theory", 2nd ed.,
       Wiley, 2006, chapter 2.

    Examples
    --------
    A fair coin is one bit, a fair die is :math:`\log_2 6` bits:

    >>> import numpy as np
    >>> from entree.entropy import entropy
    >>> entropy([0.5, 0.5])
    1.0
    >>> round(entropy(np.ones(6)), 3)
    2.585

    The root of the play-tennis data has 9 "yes" and 5 "no": counts work directly.

    >>> round(entropy([9, 5]), 3)
    0.94

    In nats, and for several distributions at once (one per row):

    >>> round(entropy([0.5, 0.5], base=np.e), 4)
    0.6931
    >>> entropy([[1, 1], [1, 0], [1, 3]]).round(3)
    array([1.   , 0.   , 0.811])
    """
    log_base = _log_base(base)
    distribution, axis = _as_distribution(p, "p", axis)
    # Adding 0.0 turns the -0.0 of a certain outcome into 0.0.
    H = -_xlogx(distribution).sum(axis=axis) / log_base + 0.0
    return _scalar_or_array(H)


def _paired_distributions(
    p: ArrayLike, q: ArrayLike, axis: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    p_array = _as_nonnegative(p, "p")
    q_array = _as_nonnegative(q, "q")
    if p_array.shape != q_array.shape:
        raise ValueError(f"q has shape {q_array.shape} but p has shape {p_array.shape}")
    p_dist, axis = _as_distribution(p_array, "p", axis)
    q_dist, _ = _as_distribution(q_array, "q", axis)
    return p_dist, q_dist, axis


def cross_entropy(
    p: ArrayLike, q: ArrayLike, *, base: float = 2, axis: int = -1
) -> float | NDArray[np.float64]:
    r"""Cross-entropy of a distribution ``q`` relative to a true distribution ``p``.

    The expected number of bits needed to code outcomes drawn from ``p`` with a code
    built for ``q``.

    Parameters
    ----------
    p : array-like
        True distribution(s), probabilities or non-negative counts.
    q : array-like of the same shape as ``p``
        Model distribution(s), probabilities or non-negative counts.
    base : float, default=2
        Base of the logarithm: 2 gives bits, ``np.e`` gives nats.
    axis : int, default=-1
        Axis holding the outcomes of each distribution.

    Returns
    -------
    H_pq : float or ndarray
        The cross-entropy, ``inf`` where ``q`` is 0 but ``p`` is not.

    See Also
    --------
    entropy, kl_divergence, binary_cross_entropy, entree.metrics.log_loss

    Notes
    -----
    .. math:: H(p, q) = -\sum_k p_k \log_b q_k = H(p) + D_{KL}(p \,\|\, q),

    with :math:`0 \log q = 0`. Averaged over samples with one-hot ``p`` it is the
    log-loss of the predictions ``q``.

    References
    ----------
    .. [1] T. M. Cover and J. A. Thomas, "Elements of Information Theory", 2nd ed.,
       Wiley, 2006, section 5.4.

    Examples
    --------
    The true class is the second one (one-hot ``p``) and the model gives it
    probability 0.5: the cost is :math:`-\log_2 0.5 = 1` bit.

    >>> from entree.entropy import cross_entropy
    >>> cross_entropy([0, 1, 0], [0.4, 0.5, 0.1])
    1.0

    A model that rules out what happens pays an infinite cost:

    >>> cross_entropy([0.5, 0.5], [1, 0])
    inf

    Coding a fair coin with its own distribution costs exactly its entropy:

    >>> cross_entropy([0.5, 0.5], [0.5, 0.5])
    1.0
    """
    log_base = _log_base(base)
    p_dist, q_dist, axis = _paired_distributions(p, q, axis)
    terms = np.zeros_like(p_dist)
    support = p_dist > 0
    with np.errstate(divide="ignore"):
        terms[support] = -p_dist[support] * np.log(q_dist[support])
    return _scalar_or_array(terms.sum(axis=axis) / log_base)


def kl_divergence(
    p: ArrayLike, q: ArrayLike, *, base: float = 2, axis: int = -1
) -> float | NDArray[np.float64]:
    r"""Kullback-Leibler divergence (relative entropy) of ``q`` from ``p``.

    The number of extra bits paid for coding outcomes of ``p`` with a code built
    for ``q``.

    Parameters
    ----------
    p : array-like
        True distribution(s), probabilities or non-negative counts.
    q : array-like of the same shape as ``p``
        Model distribution(s), probabilities or non-negative counts.
    base : float, default=2
        Base of the logarithm: 2 gives bits, ``np.e`` gives nats.
    axis : int, default=-1
        Axis holding the outcomes of each distribution.

    Returns
    -------
    D : float or ndarray
        The divergence, ``>= 0``; ``inf`` where ``q`` is 0 but ``p`` is not.

    See Also
    --------
    entropy, cross_entropy

    Notes
    -----
    .. math::
        D_{KL}(p \,\|\, q) = \sum_k p_k \log_b \frac{p_k}{q_k} = H(p, q) - H(p).

    Terms with :math:`p_k = 0` are 0. By Gibbs' inequality :math:`D_{KL} \ge 0`,
    with equality if and only if :math:`p = q`; rounding noise below zero is
    returned as 0. The divergence is not symmetric in ``p`` and ``q``.

    References
    ----------
    .. [1] S. Kullback and R. A. Leibler, "On Information and Sufficiency", Annals of
       Mathematical Statistics 22(1), 1951.
    .. [2] T. M. Cover and J. A. Thomas, "Elements of Information Theory", 2nd ed.,
       Wiley, 2006, section 2.3.

    Examples
    --------
    >>> from entree.entropy import cross_entropy, entropy, kl_divergence
    >>> p, q = [0.5, 0.5], [0.9, 0.1]
    >>> round(kl_divergence(p, q), 4)
    0.737
    >>> round(cross_entropy(p, q) - entropy(p), 4)
    0.737
    >>> kl_divergence(p, p)
    0.0
    >>> kl_divergence([0.5, 0.5], [1, 0])
    inf
    """
    log_base = _log_base(base)
    p_dist, q_dist, axis = _paired_distributions(p, q, axis)
    terms = np.zeros_like(p_dist)
    support = p_dist > 0
    p_support, q_support = p_dist[support], q_dist[support]
    with np.errstate(divide="ignore", over="ignore"):
        log_ratio = np.log(p_support / q_support)
        # p / q can overflow for a subnormal q; the difference of logs cannot.
        overflowed = np.isinf(log_ratio) & (q_support > 0)
        log_ratio[overflowed] = np.log(p_support[overflowed]) - np.log(
            q_support[overflowed]
        )
    terms[support] = p_support * log_ratio
    D = np.maximum(terms.sum(axis=axis), 0.0) / log_base
    return _scalar_or_array(D)


def binary_cross_entropy(
    y_true: ArrayLike,
    p: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    base: float = 2,
) -> float:
    r"""Mean cross-entropy of predicted probabilities for a two-class target.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Targets in :math:`[0, 1]`: hard labels 0 / 1, or soft targets (the true
        probability of the positive class).
    p : array-like of shape (n_samples,)
        Predicted probability of the positive class, in :math:`[0, 1]`.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights; the result is the weighted mean.
    base : float, default=2
        Base of the logarithm: 2 gives bits, ``np.e`` gives nats.

    Returns
    -------
    bce : float
        The (weighted) mean over samples; ``inf`` if some sample has probability 0
        for what happened. Nothing is clipped.

    See Also
    --------
    cross_entropy, entree.metrics.log_loss

    Notes
    -----
    .. math::
        \mathrm{BCE} = \frac{1}{n}\sum_i -\left[y_i \log_b p_i
        + (1 - y_i) \log_b (1 - p_i)\right],

    with :math:`0 \log 0 = 0`. Each term is :func:`cross_entropy` of the two-class
    distributions :math:`(1 - y_i, y_i)` and :math:`(1 - p_i, p_i)`.
    :func:`entree.metrics.log_loss` is the same quantity with probabilities clipped
    away from 0 and 1.

    References
    ----------
    .. [1] C. M. Bishop, "Pattern Recognition and Machine Learning", Springer, 2006,
       section 4.3.2.

    Examples
    --------
    Predicting 0.5 costs one bit per sample whatever happens:

    >>> from entree.entropy import binary_cross_entropy, cross_entropy
    >>> binary_cross_entropy([0, 1, 1], [0.5, 0.5, 0.5])
    1.0

    Certain and right costs nothing; it equals the two-class cross-entropy:

    >>> binary_cross_entropy([1, 0], [1.0, 0.5])
    0.5
    >>> (cross_entropy([0, 1], [0.0, 1.0]) + cross_entropy([1, 0], [0.5, 0.5])) / 2
    0.5
    """
    log_base = _log_base(base)
    y = _as_nonnegative(y_true, "y_true")
    prob = _as_nonnegative(p, "p")
    if y.ndim != 1:
        raise ValueError(f"y_true must be 1-D, got shape {y.shape}")
    if prob.shape != y.shape:
        raise ValueError(f"p has shape {prob.shape} but y_true has shape {y.shape}")
    if y.size == 0:
        raise ValueError("y_true is empty")
    if np.any(y > 1):
        raise ValueError(f"y_true must lie in [0, 1], got maximum {y.max()!r}")
    if np.any(prob > 1):
        raise ValueError(f"p must lie in [0, 1], got maximum {prob.max()!r}")
    weights = _sample_weight(sample_weight, y.size)
    two_class_p = np.stack([1.0 - y, y], axis=-1)
    two_class_q = np.stack([1.0 - prob, prob], axis=-1)
    terms = np.zeros_like(two_class_p)
    support = two_class_p > 0
    with np.errstate(divide="ignore"):
        terms[support] = -two_class_p[support] * np.log(two_class_q[support])
    per_sample = terms.sum(axis=-1)
    # inf * 0 weight would be NaN; a zero-weight sample does not count.
    per_sample[weights == 0] = 0.0
    return float(np.sum(per_sample * weights) / weights.sum() / log_base)


# --------------------------------------------------------------------------------------
# contingency tables
# --------------------------------------------------------------------------------------


def joint_entropy(counts: ArrayLike, *, base: float = 2) -> float:
    r"""Joint entropy of the variables indexing a contingency table.

    Parameters
    ----------
    counts : array-like of shape (n_x, n_y) or any N-D shape
        Joint counts or probabilities; ``counts[i, j]`` is the weight of
        ``X = x_i, Y = y_j``. The whole table is normalised.
    base : float, default=2
        Base of the logarithm: 2 gives bits, ``np.e`` gives nats.

    Returns
    -------
    H_xy : float
        :math:`H(X, Y)` (or the joint entropy of all N variables).

    See Also
    --------
    conditional_entropy, mutual_information

    Notes
    -----
    .. math:: H(X, Y) = -\sum_{i, j} p_{ij} \log_b p_{ij}.

    References
    ----------
    .. [1] T. M. Cover and J. A. Thomas, "Elements of Information Theory", 2nd ed.,
       Wiley, 2006, section 2.2.

    Examples
    --------
    Two independent fair coins carry two bits; two copies of one coin carry one.

    >>> from entree.entropy import joint_entropy
    >>> joint_entropy([[1, 1], [1, 1]])
    2.0
    >>> joint_entropy([[1, 0], [0, 1]])
    1.0
    """
    table = _as_nonnegative(counts, "counts")
    if table.ndim == 0:
        raise ValueError("counts must have at least one dimension, got a scalar")
    return entropy(table.ravel(), base=base)


def _check_table(counts: ArrayLike, name: str) -> NDArray[np.float64]:
    table = _as_nonnegative(counts, name)
    if table.ndim < 2:
        raise ValueError(
            f"{name} must be a contingency table of shape (..., n_x, n_y), "
            f"got shape {table.shape}"
        )
    if table.shape[-1] == 0 or table.shape[-2] == 0:
        raise ValueError(f"{name} is empty, got shape {table.shape}")
    if np.any(table.sum(axis=(-2, -1)) == 0):
        raise ValueError(f"{name} sums to zero; it is not a distribution")
    return table


def conditional_entropy(counts: ArrayLike, *, base: float = 2) -> float | NDArray:
    r"""Conditional entropy H(Y | X) from a contingency table.

    Parameters
    ----------
    counts : array-like of shape (n_x, n_y) or (..., n_x, n_y)
        Joint counts or probabilities. **Rows are the values of the conditioning
        variable X** (for a split: the branches), **columns are the values of Y**
        (the classes). Leading dimensions hold independent tables.
    base : float, default=2
        Base of the logarithm: 2 gives bits, ``np.e`` gives nats.

    Returns
    -------
    H_y_given_x : float or ndarray
        The entropy left in the columns once the row is known, one per table.

    See Also
    --------
    joint_entropy, mutual_information, information_gain

    Notes
    -----
    .. math::
        H(Y \mid X) = \sum_i p(x_i)\, H(Y \mid X = x_i) = H(X, Y) - H(X).

    Empty rows contribute nothing. For a split, this is the weighted entropy of the
    branches, so ``information gain = H(Y) - H(Y | X)``.

    References
    ----------
    .. [1] T. M. Cover and J. A. Thomas, "Elements of Information Theory", 2nd ed.,
       Wiley, 2006, section 2.2.

    Examples
    --------
    Play tennis split by outlook: rows sunny, overcast, rain; columns yes, no.
    The overcast branch is pure, the other two have 0.971 bits each.

    >>> from entree.entropy import conditional_entropy
    >>> outlook = [[2, 3], [4, 0], [3, 2]]
    >>> round(conditional_entropy(outlook), 3)
    0.694

    Knowing X removes all uncertainty about a copy of itself:

    >>> conditional_entropy([[5, 0], [0, 5]])
    0.0
    """
    log_base = _log_base(base)
    table = _check_table(counts, "counts")
    total = table.sum(axis=(-2, -1))
    row_totals = table.sum(axis=-1)
    # H(Y|X) = [sum_i n_i log n_i - sum_ij n_ij log n_ij] / N, all in nats.
    nats = (_xlogx(row_totals).sum(axis=-1) - _xlogx(table).sum(axis=(-2, -1))) / total
    return _scalar_or_array(np.maximum(nats, 0.0) / log_base)


def _is_missing(value: Any) -> bool:
    """True for None, float NaN, NaT and pandas.NA."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        # pandas.NA refuses to be a bool; nothing else we accept as a label does.
        return True


def _encode_labels(
    values: ArrayLike, name: str
) -> tuple[NDArray[np.intp], NDArray[Any], NDArray[np.bool_]]:
    """Encode 1-D labels as integer codes.

    Returns ``(codes, uniques, missing)``: ``codes`` is -1 where ``missing``.
    Uniques are sorted when the labels can be sorted, else in order of appearance.
    """
    array = np.asarray(values)
    if array.dtype.kind in "US" and not isinstance(values, np.ndarray):
        # np.asarray(["a", nan]) would turn NaN into the string "nan".
        array = np.asarray(values, dtype=object)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    kind = array.dtype.kind
    if kind in "fc":
        missing = np.isnan(array)
    elif kind in "mM":
        missing = np.isnat(array)
    elif kind == "O":
        missing = np.fromiter((_is_missing(v) for v in array), bool, array.size)
    else:
        missing = np.zeros(array.size, dtype=bool)
    known = array[~missing]
    try:
        uniques, known_codes = np.unique(known, return_inverse=True)
    except TypeError:
        # Mixed types that cannot be sorted: number them in order of appearance.
        lookup: dict[Hashable, int] = {}
        known_codes = np.array([lookup.setdefault(v, len(lookup)) for v in known])
        uniques = np.empty(len(lookup), dtype=object)
        uniques[:] = list(lookup)
    codes = np.full(array.size, -1, dtype=np.intp)
    codes[~missing] = known_codes.reshape(-1)
    return codes, uniques, missing


def _sample_weight(sample_weight: ArrayLike | None, n_samples: int) -> NDArray:
    if sample_weight is None:
        return np.ones(n_samples)
    weights = _as_nonnegative(sample_weight, "sample_weight")
    if weights.shape != (n_samples,):
        raise ValueError(
            f"sample_weight has shape {weights.shape} but there are {n_samples} samples"
        )
    if weights.sum() == 0:
        raise ValueError("sample_weight sums to zero")
    return weights


def _labels_and_weights(
    x: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None
) -> tuple[NDArray, NDArray, NDArray]:
    """Encode y (no missing allowed) and check lengths and weights."""
    y_codes, y_labels, y_missing = _encode_labels(y, "y")
    if np.any(y_missing):
        raise ValueError("y contains missing values (None or NaN)")
    n_samples = y_codes.size
    if n_samples == 0:
        raise ValueError("y is empty")
    x_shape = np.shape(x)
    if x_shape != (n_samples,):
        raise ValueError(
            f"x has shape {x_shape} but y has shape ({n_samples},); "
            "they must be 1-D of the same length"
        )
    weights = _sample_weight(sample_weight, n_samples)
    return y_codes, y_labels, weights


def contingency_table(
    x: ArrayLike, y: ArrayLike, *, sample_weight: ArrayLike | None = None
) -> tuple[NDArray[np.float64], NDArray[Any], NDArray[Any]]:
    """Weighted contingency table of two label arrays.

    Parameters
    ----------
    x : array-like of shape (n_samples,)
        Values of the first variable (any hashable labels); they index the rows.
    y : array-like of shape (n_samples,)
        Values of the second variable (for example the classes); they index the
        columns.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight of each sample; 1 each when None.

    Returns
    -------
    table : ndarray of shape (n_x_values, n_y_values)
        ``table[i, j]`` is the total weight of samples with ``x == x_labels[i]`` and
        ``y == y_labels[j]``.
    x_labels : ndarray of shape (n_x_values,)
        Distinct values of ``x``, sorted when they can be sorted.
    y_labels : ndarray of shape (n_y_values,)
        Distinct values of ``y``, sorted when they can be sorted.

    Raises
    ------
    ValueError
        If ``x`` or ``y`` contains a missing value (None or NaN): the table would
        have to invent a meaning for it. :func:`feature_information_gain` handles
        missing feature values the C4.5 way.

    See Also
    --------
    mutual_information, conditional_entropy

    Examples
    --------
    >>> from entree.entropy import contingency_table
    >>> table, x_labels, y_labels = contingency_table(
    ...     ["a", "a", "b", "b", "b"], [0, 1, 1, 1, 0], sample_weight=[1, 1, 1, 1, 2]
    ... )
    >>> table
    array([[1., 1.],
           [2., 2.]])
    >>> x_labels.tolist(), y_labels.tolist()
    (['a', 'b'], [0, 1])
    """
    y_codes, y_labels, weights = _labels_and_weights(x, y, sample_weight)
    x_codes, x_labels, x_missing = _encode_labels(x, "x")
    if np.any(x_missing):
        raise ValueError(
            "x contains missing values (None or NaN); drop them first, or use "
            "feature_information_gain, which handles them the C4.5 way"
        )
    n_classes = y_labels.size
    flat = np.bincount(
        x_codes * n_classes + y_codes,
        weights=weights,
        minlength=x_labels.size * n_classes,
    )
    return flat.reshape(x_labels.size, n_classes), x_labels, y_labels


def mutual_information(
    x_or_table: ArrayLike,
    y: ArrayLike | None = None,
    *,
    sample_weight: ArrayLike | None = None,
    base: float = 2,
) -> float:
    r"""Mutual information between two discrete variables.

    Call it either with a contingency table, ``mutual_information(table)``, or with
    two label arrays, ``mutual_information(x, y)``.

    Parameters
    ----------
    x_or_table : array-like of shape (n_x, n_y) or (n_samples,)
        A 2-D contingency table of joint counts or probabilities (rows = values of
        X, columns = values of Y) when ``y`` is None; otherwise the labels of X.
    y : array-like of shape (n_samples,), default=None
        Labels of Y, any hashable values.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights; only with label arrays.
    base : float, default=2
        Base of the logarithm: 2 gives bits, ``np.e`` gives nats.

    Returns
    -------
    I : float
        :math:`I(X; Y) \ge 0`; rounding noise below zero is returned as 0.

    See Also
    --------
    contingency_table, conditional_entropy, feature_information_gain

    Notes
    -----
    .. math::
        I(X; Y) = \sum_{i, j} p_{ij} \log_b \frac{p_{ij}}{p_{i\cdot}\, p_{\cdot j}}
        = H(Y) - H(Y \mid X) = H(X) - H(X \mid Y).

    It is symmetric, and 0 exactly when X and Y are independent. The information
    gain of a split without missing values is the mutual information between the
    branch and the class. ``sklearn.metrics.mutual_info_score`` returns the same
    number in nats (``base=np.e``).

    References
    ----------
    .. [1] T. M. Cover and J. A. Thomas, "Elements of Information Theory", 2nd ed.,
       Wiley, 2006, section 2.4.

    Examples
    --------
    A variable tells everything about a copy of itself and nothing about an
    independent one:

    >>> from entree.entropy import mutual_information
    >>> mutual_information([[1, 0], [0, 1]])
    1.0
    >>> mutual_information([[1, 1], [1, 1]])
    0.0

    Outlook tells 0.247 bits about play tennis, from the table or the raw columns:

    >>> round(mutual_information([[2, 3], [4, 0], [3, 2]]), 3)
    0.247
    >>> outlook = ["sunny"] * 5 + ["overcast"] * 4 + ["rain"] * 5
    >>> play = ["no", "no", "no", "yes", "yes"] + ["yes"] * 4 + ["yes"] * 3 + ["no"] * 2
    >>> round(mutual_information(outlook, play), 3)
    0.247
    """
    log_base = _log_base(base)
    if y is None:
        if sample_weight is not None:
            raise ValueError(
                "sample_weight is only used with label arrays x and y, not with a table"
            )
        table = _as_nonnegative(x_or_table, "x_or_table")
        if table.ndim != 2:
            raise ValueError(
                "x_or_table must be a 2-D contingency table when y is None, got shape "
                f"{table.shape}; pass y to use two label arrays"
            )
        table = _check_table(table, "x_or_table")
    else:
        table, _, _ = contingency_table(x_or_table, y, sample_weight=sample_weight)
    total = table.sum()
    row_totals = table.sum(axis=1, keepdims=True)
    column_totals = table.sum(axis=0, keepdims=True)
    nonzero = table > 0
    expected = (row_totals * column_totals)[nonzero]
    cell = table[nonzero]
    nats = np.sum(cell / total * np.log(cell * total / expected))
    return float(max(nats, 0.0) / log_base)


# --------------------------------------------------------------------------------------
# splits
# --------------------------------------------------------------------------------------


def _split_counts(
    parent_counts: ArrayLike, child_counts: ArrayLike, missing_counts: ArrayLike | None
) -> tuple[NDArray, NDArray, NDArray]:
    """Validate a split; return (child, known, missing) with broadcast shapes."""
    parent = _as_nonnegative(parent_counts, "parent_counts")
    child = _as_nonnegative(child_counts, "child_counts")
    if child.ndim < 2:
        raise ValueError(
            "child_counts must have shape (..., n_branches, n_classes), got shape "
            f"{child.shape}"
        )
    if child.shape[-2] == 0 or child.shape[-1] == 0:
        raise ValueError(f"child_counts is empty, got shape {child.shape}")
    n_classes = child.shape[-1]
    if parent.ndim == 0 or parent.shape[-1] != n_classes:
        raise ValueError(
            f"parent_counts has shape {parent.shape} but child_counts has shape "
            f"{child.shape}; both must end with n_classes={n_classes}"
        )
    if missing_counts is None:
        missing = np.zeros(n_classes)
    else:
        missing = _as_nonnegative(missing_counts, "missing_counts")
        if missing.ndim == 0 or missing.shape[-1] != n_classes:
            raise ValueError(
                f"missing_counts has shape {missing.shape} but child_counts has shape "
                f"{child.shape}; both must end with n_classes={n_classes}"
            )
    known = child.sum(axis=-2)
    try:
        shape = np.broadcast_shapes(parent.shape, known.shape, missing.shape)
    except ValueError:
        raise ValueError(
            f"parent_counts {parent.shape}, child_counts {child.shape} and "
            f"missing_counts {missing.shape} do not broadcast to one set of splits"
        ) from None
    parent_total = parent.sum(axis=-1, keepdims=True)
    if np.any(parent_total == 0):
        raise ValueError("parent_counts sums to zero; the node is empty")
    mismatch = np.abs(parent - (known + missing)) > _CONSISTENCY_RTOL * parent_total
    if np.any(mismatch):
        raise ValueError(
            "parent_counts must equal child_counts summed over branches plus "
            "missing_counts, class by class"
        )
    child = np.broadcast_to(child, (*shape[:-1], child.shape[-2], n_classes))
    known = np.broadcast_to(known, shape)
    missing = np.broadcast_to(missing, shape)
    return child, known, missing


def information_gain(
    parent_counts: ArrayLike,
    child_counts: ArrayLike,
    *,
    missing_counts: ArrayLike | None = None,
    base: float = 2,
) -> float | NDArray[np.float64]:
    r"""Information gain of splitting a node, for one or many candidate splits.

    Parameters
    ----------
    parent_counts : array-like of shape (n_classes,) or (..., n_classes)
        Class counts (or weights) at the node, including the samples whose test
        value is missing.
    child_counts : array-like of shape (n_branches, n_classes) or \
            (..., n_branches, n_classes)
        Class counts in each branch, from the samples whose test value is known.
        Leading dimensions score many candidate splits in one call, for example
        shape ``(n_candidates, n_branches, n_classes)`` with a shared parent.
    missing_counts : array-like of shape (n_classes,) or (..., n_classes), \
            default=None
        Class counts of the samples whose test value is unknown (C4.5). None means
        there are none.
    base : float, default=2
        Base of the logarithm: 2 gives bits, ``np.e`` gives nats.

    Returns
    -------
    gain : float or ndarray of shape (...)
        The gain of each split, ``>= 0``.

    Raises
    ------
    ValueError
        If ``parent_counts`` differs from the children's sum plus
        ``missing_counts`` (relative tolerance 1e-9), or on bad counts.

    See Also
    --------
    split_information, gain_ratio, feature_information_gain

    Notes
    -----
    With :math:`N` the node's weight, :math:`N_K` the weight with a known value,
    :math:`u = 1 - N_K / N` the unknown fraction, :math:`K` the known class counts
    and :math:`N_b` the weight of branch :math:`b`, C4.5 defines

    .. math::
        \mathrm{gain} = (1 - u) \left[ H(K) - \sum_b \frac{N_b}{N_K} H(b) \right].

    Without missing values (:math:`u = 0`) this is the ID3 gain
    :math:`H(\text{parent}) - \sum_b \frac{N_b}{N} H(b)`, the mutual information
    between branch and class. A split where every value is unknown gains 0.
    Rounding noise below zero is returned as 0.

    References
    ----------
    .. [1] J. R. Quinlan, "Induction of Decision Trees", Machine Learning 1, 1986.
    .. [2] J. R. Quinlan, "C4.5: Programs for Machine Learning", Morgan Kaufmann,
       1993, chapters 2 and 3.

    Examples
    --------
    Play tennis (9 yes, 5 no) split by outlook into sunny [2 yes, 3 no],
    overcast [4, 0] and rain [3, 2]:

    >>> import numpy as np
    >>> from entree.entropy import information_gain
    >>> outlook = [[2, 3], [4, 0], [3, 2]]
    >>> round(information_gain([9, 5], outlook), 3)
    0.247

    Several candidate splits of the same node in one call:

    >>> windy = [[6, 2], [3, 3]]
    >>> useless = [[9, 5], [0, 0]]
    >>> information_gain([9, 5], [windy, useless]).round(3)
    array([0.048, 0.   ])

    Quinlan's example with one overcast "yes" whose outlook is unknown: the gain on
    the 13 known rows is scaled by 13/14.

    >>> known = [[2, 3], [3, 0], [3, 2]]
    >>> round(information_gain([9, 5], known, missing_counts=[1, 0]), 3)
    0.199
    """
    log_base = _log_base(base)
    child, known, missing = _split_counts(parent_counts, child_counts, missing_counts)
    known_total = known.sum(axis=-1)
    total = known_total + missing.sum(axis=-1)
    branch_totals = child.sum(axis=-1)
    # In nats: H(K) - sum_b N_b/N_K H(b)
    #        = [N_K log N_K - sum_k K_k log K_k
    #           - sum_b N_b log N_b + sum_bk n_bk log n_bk] / N_K.
    numerator = (
        _xlogx(known_total)
        - _xlogx(known).sum(axis=-1)
        - _xlogx(branch_totals).sum(axis=-1)
        + _xlogx(child).sum(axis=(-2, -1))
    )
    has_known = known_total > 0
    safe_known_total = np.where(has_known, known_total, 1.0)
    gain_nats = np.where(has_known, numerator / safe_known_total, 0.0)
    gain_nats = np.maximum(gain_nats, 0.0) * (known_total / total)
    return _scalar_or_array(gain_nats / log_base)


def split_information(
    branch_weights: ArrayLike,
    *,
    missing_weight: ArrayLike = 0,
    base: float = 2,
    axis: int = -1,
) -> float | NDArray[np.float64]:
    r"""Split information: the entropy of how a test divides the samples.

    Parameters
    ----------
    branch_weights : array-like of shape (..., n_branches, ...)
        Weight (number of samples) sent down each branch, along ``axis``.
    missing_weight : float or array-like, default=0
        Weight of samples whose test value is unknown. C4.5 counts them as one more
        branch. Must broadcast against ``branch_weights`` with ``axis`` removed.
    base : float, default=2
        Base of the logarithm: 2 gives bits, ``np.e`` gives nats.
    axis : int, default=-1
        Axis holding the branches.

    Returns
    -------
    split_info : float or ndarray
        The split information, ``axis`` removed.

    See Also
    --------
    gain_ratio, information_gain, entropy

    Notes
    -----
    With :math:`N_b` the branch weights, :math:`N_?` the unknown weight and
    :math:`N = \sum_b N_b + N_?`,

    .. math::
        \mathrm{split\ info} = -\sum_b \frac{N_b}{N}\log_b \frac{N_b}{N}
        - \frac{N_?}{N}\log_b \frac{N_?}{N}.

    It is large for tests with many small branches, which is what the gain ratio
    penalises. It is 0 when all samples go down one branch.

    References
    ----------
    .. [1] J. R. Quinlan, "C4.5: Programs for Machine Learning", Morgan Kaufmann,
       1993, chapters 2 and 3.

    Examples
    --------
    Outlook splits the 14 play-tennis rows 5 / 4 / 5:

    >>> from entree.entropy import split_information
    >>> round(split_information([5, 4, 5]), 3)
    1.577

    With one outlook unknown (5 / 3 / 5 known, 1 unknown), as in Quinlan's book:

    >>> round(split_information([5, 3, 5], missing_weight=1), 3)
    1.809
    """
    log_base = _log_base(base)
    weights = _as_nonnegative(branch_weights, "branch_weights")
    if weights.ndim == 0:
        raise ValueError(
            "branch_weights must have at least one dimension, got a scalar"
        )
    axis = _normalise_axis(axis, weights.ndim, "branch_weights")
    weights = np.moveaxis(weights, axis, -1)
    missing = _as_nonnegative(missing_weight, "missing_weight")
    try:
        missing = np.broadcast_to(missing, weights.shape[:-1])
    except ValueError:
        raise ValueError(
            f"missing_weight has shape {missing.shape} but branch_weights without its "
            f"branch axis has shape {weights.shape[:-1]}"
        ) from None
    buckets = np.concatenate([weights, missing[..., np.newaxis]], axis=-1)
    total = buckets.sum(axis=-1, keepdims=True)
    if np.any(total == 0):
        raise ValueError("branch_weights and missing_weight sum to zero")
    split_info = -_xlogx(buckets / total).sum(axis=-1) / log_base + 0.0
    return _scalar_or_array(split_info)


def gain_ratio(
    parent_counts: ArrayLike,
    child_counts: ArrayLike,
    *,
    missing_counts: ArrayLike | None = None,
) -> float | NDArray[np.float64]:
    r"""C4.5 gain ratio: information gain divided by split information.

    Parameters
    ----------
    parent_counts : array-like of shape (n_classes,) or (..., n_classes)
        Class counts at the node, including samples whose test value is missing.
    child_counts : array-like of shape (n_branches, n_classes) or \
            (..., n_branches, n_classes)
        Class counts in each branch from samples with a known value; leading
        dimensions score many candidate splits at once.
    missing_counts : array-like of shape (n_classes,) or (..., n_classes), \
            default=None
        Class counts of samples whose test value is unknown.

    Returns
    -------
    ratio : float or ndarray of shape (...)
        The gain ratio, a unit-free number (the base of the logarithm cancels).
        **It is 0.0 when the split information is 0**, that is when every sample
        goes down a single branch: such a test separates nothing.

    See Also
    --------
    information_gain, split_information, feature_gain_ratio

    Notes
    -----
    .. math:: \mathrm{gain\ ratio} = \frac{\mathrm{gain}}{\mathrm{split\ info}},

    with the gain of :func:`information_gain` (scaled by the known fraction) and the
    split information of :func:`split_information`, where the unknown samples form
    their own branch. C4.5 further only considers tests whose gain is at least the
    average gain of all tests; that filter belongs to the tree builder.

    References
    ----------
    .. [1] J. R. Quinlan, "C4.5: Programs for Machine Learning", Morgan Kaufmann,
       1993, chapter 2.

    Examples
    --------
    Play tennis by outlook: gain 0.247 bits over split information 1.577 bits.

    >>> from entree.entropy import gain_ratio
    >>> round(gain_ratio([9, 5], [[2, 3], [4, 0], [3, 2]]), 3)
    0.156

    Quinlan's example with one unknown outlook: 0.199 / 1.809.

    >>> round(gain_ratio([9, 5], [[2, 3], [3, 0], [3, 2]], missing_counts=[1, 0]), 3)
    0.110

    A test that sends everything one way has ratio 0 rather than 0 / 0:

    >>> gain_ratio([9, 5], [[9, 5], [0, 0]])
    0.0
    """
    child, known, missing = _split_counts(parent_counts, child_counts, missing_counts)
    gain = np.asarray(information_gain(known + missing, child, missing_counts=missing))
    split_info = np.asarray(
        split_information(child.sum(axis=-1), missing_weight=missing.sum(axis=-1))
    )
    useful = split_info > 0
    ratio = np.where(useful, gain / np.where(useful, split_info, 1.0), 0.0)
    return _scalar_or_array(ratio)


# --------------------------------------------------------------------------------------
# raw columns
# --------------------------------------------------------------------------------------


def _feature_split_counts(
    x: ArrayLike,
    y: ArrayLike,
    threshold: ArrayLike | None,
    sample_weight: ArrayLike | None,
) -> tuple[NDArray, NDArray, NDArray]:
    """Class counts (parent, children, missing) of the test on ``x``."""
    y_codes, y_labels, weights = _labels_and_weights(x, y, sample_weight)
    n_classes = y_labels.size
    if threshold is None:
        x_codes, x_labels, missing = _encode_labels(x, "x")
        known = ~missing
        flat = np.bincount(
            x_codes[known] * n_classes + y_codes[known],
            weights=weights[known],
            minlength=max(x_labels.size, 1) * n_classes,
        )
        child = flat.reshape(-1, n_classes)
    else:
        try:
            values = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                "x must be numeric when a threshold is given; leave threshold=None "
                "for a nominal feature"
            ) from None
        thresholds = np.asarray(threshold, dtype=np.float64)
        if thresholds.ndim > 1:
            raise ValueError(
                f"threshold must be a number or 1-D, got shape {thresholds.shape}"
            )
        if not np.all(np.isfinite(thresholds)):
            raise ValueError("threshold must be finite")
        missing = np.isnan(values)
        known = ~missing
        order = np.argsort(values[known], kind="stable")
        sorted_values = values[known][order]
        class_weights = np.zeros((sorted_values.size + 1, n_classes))
        class_weights[np.arange(1, sorted_values.size + 1), y_codes[known][order]] = (
            weights[known][order]
        )
        cumulative = np.cumsum(class_weights, axis=0)
        n_left = np.searchsorted(sorted_values, thresholds, side="right")
        left = cumulative[n_left]
        right = cumulative[-1] - left
        child = np.stack([left, right], axis=-2)
    missing_counts = np.bincount(
        y_codes[missing], weights=weights[missing], minlength=n_classes
    )
    parent = child.sum(axis=-2) + missing_counts
    return parent, child, missing_counts


def feature_information_gain(
    x: ArrayLike,
    y: ArrayLike,
    *,
    threshold: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    base: float = 2,
) -> float | NDArray[np.float64]:
    r"""How much information a feature column gives about the class, in one call.

    Parameters
    ----------
    x : array-like of shape (n_samples,)
        The feature. With ``threshold=None`` it is nominal: any hashable labels,
        one branch per distinct value. With a threshold it must be numeric and the
        test is ``x <= threshold`` versus ``x > threshold``. Missing values (None,
        NaN, NaT, pandas.NA) are handled the C4.5 way, see Notes.
    y : array-like of shape (n_samples,)
        Class labels, any hashable values, no missing values.
    threshold : float or array-like of shape (n_thresholds,), default=None
        Threshold(s) of a numeric test. Several thresholds are scored in one call.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights; 1 each when None.
    base : float, default=2
        Base of the logarithm: 2 gives bits, ``np.e`` gives nats.

    Returns
    -------
    gain : float or ndarray of shape (n_thresholds,)
        The information gain of the test.

    See Also
    --------
    information_gain, feature_gain_ratio, mutual_information

    Notes
    -----
    Rows whose ``x`` is missing do not take part in the entropies; the gain on the
    known rows is multiplied by the known fraction :math:`1 - u` of the weight, as
    in C4.5 (see :func:`information_gain`). Without missing values a nominal
    feature's gain equals ``mutual_information(x, y)``.

    References
    ----------
    .. [1] J. R. Quinlan, "C4.5: Programs for Machine Learning", Morgan Kaufmann,
       1993, chapters 2 and 3.

    Examples
    --------
    >>> import numpy as np
    >>> from entree.entropy import feature_information_gain
    >>> outlook = ["sunny"] * 5 + ["overcast"] * 4 + ["rain"] * 5
    >>> play = ["no", "no", "no", "yes", "yes"] + ["yes"] * 4 + ["yes"] * 3 + ["no"] * 2
    >>> round(feature_information_gain(outlook, play), 3)
    0.247

    The same with one overcast outlook unknown: 13/14 of the gain on known rows.

    >>> outlook[5] = None
    >>> round(feature_information_gain(outlook, play), 3)
    0.199

    A numeric feature at one or several thresholds:

    >>> x, y = [1, 2, 3, 4], [0, 0, 1, 1]
    >>> feature_information_gain(x, y, threshold=2.5)
    1.0
    >>> feature_information_gain(x, y, threshold=[1.5, 2.5]).round(3)
    array([0.311, 1.   ])
    """
    parent, child, missing = _feature_split_counts(x, y, threshold, sample_weight)
    return information_gain(parent, child, missing_counts=missing, base=base)


def feature_gain_ratio(
    x: ArrayLike,
    y: ArrayLike,
    *,
    threshold: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
) -> float | NDArray[np.float64]:
    r"""C4.5 gain ratio of a test on a feature column, in one call.

    Parameters
    ----------
    x : array-like of shape (n_samples,)
        The feature; nominal when ``threshold`` is None, numeric otherwise.
        Missing values form their own bucket in the split information.
    y : array-like of shape (n_samples,)
        Class labels, no missing values.
    threshold : float or array-like of shape (n_thresholds,), default=None
        Threshold(s) of a numeric test ``x <= threshold``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights; 1 each when None.

    Returns
    -------
    ratio : float or ndarray of shape (n_thresholds,)
        Gain divided by split information; 0.0 when the split information is 0.

    See Also
    --------
    gain_ratio, feature_information_gain

    Notes
    -----
    See :func:`gain_ratio` and :func:`feature_information_gain`.

    References
    ----------
    .. [1] J. R. Quinlan, "C4.5: Programs for Machine Learning", Morgan Kaufmann,
       1993, chapter 2.

    Examples
    --------
    >>> from entree.entropy import feature_gain_ratio
    >>> outlook = ["sunny"] * 5 + ["overcast"] * 4 + ["rain"] * 5
    >>> play = ["no", "no", "no", "yes", "yes"] + ["yes"] * 4 + ["yes"] * 3 + ["no"] * 2
    >>> round(feature_gain_ratio(outlook, play), 3)
    0.156

    A row identifier has the largest possible gain, H(play) = 0.940 bits, but its
    split information, :math:`\log_2 14 = 3.807` bits, divides it down:

    >>> round(feature_gain_ratio(range(14), play), 3)
    0.247
    """
    parent, child, missing = _feature_split_counts(x, y, threshold, sample_weight)
    return gain_ratio(parent, child, missing_counts=missing)
