"""Soft thresholds on numeric splits, and the internal CV that sizes them.

C4.5 (release 8, option ``-p``) can make its numeric tests probabilistic: a case
whose value is close to a threshold is sent down both branches, with weights that
change smoothly across the threshold, and its class distribution is the weighted mix
of the leaves it reaches. This smooths the step that a hard test puts into
``predict_proba`` exactly where the tree is least sure of the boundary.

Here the band around the threshold t of a node is ``[t - h, t + h]`` with
``h = soft_thresholds * sd``, ``sd`` the (weighted) standard deviation of the split
column among the training cases that reach the node. Inside the band the left share
falls from 1 to 0 along a cubic smoothstep (1/2 at t); outside it a row takes one
branch, so a row far from every threshold is routed exactly as by a hard tree and
prediction stays a single path for most rows. The support is compact on purpose: a
logistic ramp would send every row down every branch.

``soft_thresholds="auto"``, ``smoothing_strength="auto"`` and ``smoothing="auto"`` are
chosen together by internal stratified k-fold CV on the training set (log-loss of the
held-out cases, trees grown with the estimator's own parameters), over
:data:`WIDTH_GRID`, :data:`STRENGTH_GRID` and the leaf estimators of
``entree.tree._leaf_proba.AUTO_SMOOTHING``. Above :data:`CV_MAX_ROWS` rows the CV runs
on a stratified subsample of that many rows, so its cost does not grow with n. Above
:data:`SOFT_AUTO_MAX_ROWS` training rows "auto" keeps the thresholds hard (prediction
cost; see there) and only the strength is chosen. Everything is seeded: the same
data gives the same choice.
"""

from __future__ import annotations

import numpy as np

from entree.tree import _binning
from entree.tree._kernels._soft import deal as _deal
from entree.tree._kernels._soft import node_moment_sums as _node_moment_sums
from entree.tree._kernels._soft import positive_class_counts as _positive_class_counts
from entree.tree._kernels._soft import row_hashes as _row_hashes
from entree.tree._kernels._soft import rows_below as _rows_below
from entree.tree._kernels._soft import sd_from_sums as _sd_from_sums

#: Candidate half-widths of the soft band, in standard deviations of the split column
#: at the node ("auto"). 0 is the hard tree.
WIDTH_GRID = (0.0, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.9)

#: Candidate m-estimate / shrinkage strengths, in training cases ("auto").
STRENGTH_GRID = (0.5, 1.0, 2.0, 4.0)

#: "auto" keeps hard thresholds above this many training rows. Soft routing costs
#: prediction time in proportion to the number of leaves a row reaches, which grows
#: with the depth of the tree: on 200k rows of make_classification the CV-chosen
#: band sends a test row to ~280 leaves (predict_proba ~75x slower than a hard tree).
SOFT_AUTO_MAX_ROWS = 100_000

#: Internal CV folds and the largest number of rows the CV is run on.
CV_FOLDS = 5
CV_MAX_ROWS = 4000
#: ... and when only the strength is chosen (above SOFT_AUTO_MAX_ROWS rows).
CV_MAX_ROWS_STRENGTH_ONLY = 1500
CV_SEED = 0


#: Columns whose values reach beyond this are scaled down by a power of two before
#: their moments are taken, so that squared deviations cannot overflow.
_MOMENT_LIMIT = 2.0**400


def node_sd(tree, X, weights, is_nominal) -> np.ndarray:
    """Weighted sd of the split column among the training cases at each numeric node.

    0 on leaves, nominal nodes, and nodes whose cases all share one value. Finite
    for any finite data (huge columns are scaled by a power of two, exactly).
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    is_nominal = np.asarray(is_nominal, dtype=np.bool_)
    threshold = tree.threshold
    scale = np.ones(X.shape[1])
    if X.shape[0]:
        largest = np.fmax(
            np.abs(np.fmax.reduce(X, axis=0)), np.abs(np.fmin.reduce(X, axis=0))
        )
        huge = ~is_nominal & (largest > _MOMENT_LIMIT)
        if huge.any():
            exponent = np.ceil(np.log2(largest[huge])) - 400.0
            scale[huge] = np.ldexp(1.0, -exponent.astype(np.int64))
            X = X * scale
            threshold = threshold * scale[np.maximum(tree.feature, 0)]
    sums = _node_moment_sums(
        X,
        np.ascontiguousarray(weights, dtype=np.float64),
        np.ascontiguousarray(tree.feature, dtype=np.int64),
        np.ascontiguousarray(threshold, dtype=np.float64),
        np.ascontiguousarray(tree.children_ptr, dtype=np.int64),
        np.ascontiguousarray(tree.children, dtype=np.int64),
        np.ascontiguousarray(tree.branch_category, dtype=np.int64),
        np.ascontiguousarray(tree.branch_weight, dtype=np.float64),
        np.ascontiguousarray(is_nominal, dtype=np.bool_).view(np.uint8),
    )
    sd = _sd_from_sums(*sums)
    if (scale != 1.0).any():
        sd = sd / scale[np.maximum(tree.feature, 0)]
    return sd


def soft_widths(threshold, sd, width: float) -> np.ndarray:
    """Band half-widths ``width * sd``, narrowed where the band would leave floats.

    Prediction needs ``threshold - h``, ``threshold + h`` and their difference to
    be finite; on ordinary data that always holds and the result is
    ``width * sd`` exactly.
    """
    if width <= 0.0:
        return np.zeros(np.shape(sd))
    threshold = np.asarray(threshold, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        half = width * np.asarray(sd, dtype=np.float64)
        half = np.where(np.isfinite(threshold), half, 0.0)
        half = np.minimum(half, np.finfo(np.float64).max / 4.0)
        while True:
            low, high = threshold - half, threshold + half
            bad = (half > 0) & ~np.isfinite(high - low)
            if not bad.any():
                return half
            half[bad] *= 0.5


def fold_ids(X, y, weights, k: int, max_rows: int, seed: int = CV_SEED) -> np.ndarray:
    """Fold id per row for the internal CV (-1 for rows left out).

    Folds are a function of the rows' content, not their order: every row is hashed
    (values and class, with a fixed seed), identical rows form one group, and within
    each class the groups are dealt round-robin to the k folds in hash order. So
    duplicates never straddle a training part and its held-out part, and a case of
    weight 2 lands where two copies of it would. With more than ``max_rows`` rows,
    each class keeps only about ``max_rows * n_class / n`` of its groups (the ones
    with the smallest hashes), so the CV costs the same for any n. Rows of weight 0
    are left out.
    """
    y = np.ascontiguousarray(y, dtype=np.int64)
    weights = np.ascontiguousarray(weights, dtype=np.float64)
    n = y.shape[0]
    folds = np.full(n, -1, dtype=np.int64)
    n_classes = int(y.max()) + 1 if n else 0
    counts = _positive_class_counts(y, weights, n_classes)
    n_used = int(counts.sum())
    if n_used == 0:
        return folds
    X = np.ascontiguousarray(X, dtype=np.float64)
    hashes = _row_hashes(X, X.view(np.uint64), y, seed, _binning._threads_for(X.size))
    quota = np.full(n_classes, n, dtype=np.int64)
    share = np.full(n_classes, 2.0)  # above every hash fraction: all rows
    if n_used > max_rows:
        quota = np.ceil(max_rows * counts / n_used).astype(np.int64)
        # sort only a generous share of each class, picked by its hash
        share = np.minimum(1.0, (2.0 * quota + 8.0) / np.maximum(counts, 1))
    use = _rows_below(hashes, y, weights, share)
    rows = use[np.argsort(hashes[use], kind="stable")]
    _deal(rows, hashes, y, quota, k, folds)
    return folds


def choose_by_cv(
    grow,
    probabilities,
    X,
    y,
    weights,
    is_nominal,
    widths,
    candidates,
    k: int = CV_FOLDS,
    max_rows: int = CV_MAX_ROWS,
    min_share: float = 0.0,
    min_change: float = 0.0,
):
    """(width, candidate) with the smallest held-out log-loss by internal k-fold CV.

    Parameters
    ----------
    grow : callable (X, y, weights) -> Tree
        Grows a tree with the estimator's parameters on encoded rows.
    probabilities : callable (tree, candidate) -> ndarray (node_count, n_classes)
        Node probabilities of a tree by one candidate estimator (for instance a
        (method, strength) pair).
    X, y, weights
        Encoded training rows, class indices and case weights.
    widths : sequence of float
        The candidate soft widths.
    candidates : sequence
        The candidate estimators, passed to ``probabilities``. Ties go to the
        earlier width, then the earlier candidate.
    min_share, min_change : float
        Passed to ``Tree.predict_proba`` (the estimator's ``soft_min_share`` and
        ``soft_min_change``).

    Returns
    -------
    width : float
    candidate : an item of ``candidates``
    losses : ndarray of shape (len(widths), len(candidates))
        Summed weighted held-out log-loss.
    """
    widths = np.asarray(widths, dtype=np.float64)
    candidates = list(candidates)
    losses = np.zeros((widths.shape[0], len(candidates)))
    folds = fold_ids(X, y, weights, k, max_rows)
    # the few rows in the CV (ascending), so that no fold scans all n
    chosen = np.flatnonzero(folds >= 0)
    chosen_fold = folds[chosen]
    for fold in range(k):
        held = chosen[chosen_fold == fold]
        sub = chosen[chosen_fold != fold]
        if held.shape[0] == 0 or sub.shape[0] == 0:
            continue
        tree = grow(X[sub], y[sub], weights[sub])
        n_classes = tree.value.shape[1]
        stacked = np.hstack([probabilities(tree, c) for c in candidates])
        sd = node_sd(tree, X[sub], weights[sub], is_nominal) if widths.any() else None
        X_held, y_held, w_held = X[held], y[held], weights[held]
        for i, width in enumerate(widths):
            tree.soft_width = (
                soft_widths(tree.threshold, sd, width)
                if width > 0
                else np.zeros(tree.node_count)
            )
            mixed = tree.predict_proba(
                X_held,
                stacked,
                is_nominal,
                min_share=min_share,
                min_change=min_change,
            )
            for j in range(len(candidates)):
                p = mixed[:, j * n_classes : (j + 1) * n_classes]
                total = p.sum(axis=1)
                py = p[np.arange(held.shape[0]), y_held] / total
                losses[i, j] -= (w_held * np.log(np.maximum(py, 1e-300))).sum()
    lowest = losses.min()
    best = np.flatnonzero(losses.ravel() <= lowest + 1e-9 * max(1.0, abs(lowest)))[0]
    i, j = np.unravel_index(best, losses.shape)
    return float(widths[i]), candidates[j], losses
