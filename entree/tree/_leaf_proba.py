"""Class probabilities at the nodes of a fitted tree, from its weighted class counts.

Raw frequencies put probability 0 on classes a leaf never saw, which costs ~36 nats of
log-loss for every confident miss; smoothing keeps every class possible.

Methods (``smoothing=``):

``"none"``
    Raw frequencies n_c / n.
``"laplace"``
    Laplace's rule of succession (n_c + 1) / (n + K), every node on its own
    (J48 ``-A``). Ignores the strength.
``"m_estimate"``
    Cestnik's m-estimate toward the class distribution at the root:
    (n_c + m * prior_c) / (n + m), with prior = Laplace estimate at the root.
``"shrinkage"``
    Hierarchical shrinkage: every node is an m-estimate whose prior is its
    parent's *smoothed* distribution, recursively from the root (Laplace at the
    root): p_node = (n_c + lambda * p_parent) / (n + lambda). A small leaf borrows
    from the nearest ancestors rather than from the whole data set.
``"pruning_average"``
    Bayesian averaging over the prunings of the tree (Buntine 1992; the
    context-tree weighting recursion of Willems et al. 1995): every node's
    m-estimate is mixed along the path from the root, each node weighted by the
    posterior probability that the tree stops there, from how well the node and
    its subtree predicted their own training cases (Dirichlet-multinomial
    marginal likelihood, tempered by :data:`EVIDENCE_WEIGHT`). The mixture is
    fixed per leaf, so prediction costs what it costs with any other estimator.

For the last two, ``strength="auto"`` picks m / lambda from the training counts
alone by closed-form leave-one-out log-loss: every training case in a leaf is
scored by the probability its leaf would give it with the case removed from the
counts of the leaf and of every node whose counts enter the estimate (ancestors,
root), and the strength with the smallest mean over a log-spaced grid wins.
"""

from __future__ import annotations

import numpy as np

from entree.tree._kernels._leaf_proba import (
    average_over_prunings as _average_over_prunings,
)
from entree.tree._kernels._leaf_proba import deviation_below as _deviation_below
from entree.tree._kernels._leaf_proba import loo_log_loss as _loo_log_loss
from entree.tree._kernels._leaf_proba import shrink as _shrink

SMOOTHING_METHODS = ("none", "laplace", "m_estimate", "shrinkage", "pruning_average")

#: The estimators ``smoothing="auto"`` chooses among by internal CV.
AUTO_SMOOTHING = ("m_estimate", "pruning_average")

#: Prior probability that the tree stops at a node (``"pruning_average"``).
STOP_PRIOR = 0.6

#: Power to which every node's marginal likelihood is raised (``"pruning_average"``).
#: The likelihoods are measured on the cases the splits were chosen on, which
#: flatters every split; weighing the evidence by 0.6 (a tempered posterior) with the
#: stop prior 0.6 scored best on the corpus among weights 0.3-1 and priors 0.4-0.8
#: (see entree/_docs/probabilities.md).
EVIDENCE_WEIGHT = 0.6

#: Candidate strengths for "auto", in units of one average training case.
AUTO_GRID = np.geomspace(0.05, 200.0, 37)


def frequencies(value: np.ndarray) -> np.ndarray:
    """Relative class frequencies n_c / n per node."""
    total = value.sum(axis=1, keepdims=True)
    return value / np.where(total > 0, total, 1.0)


def laplace(value: np.ndarray) -> np.ndarray:
    """Laplace's rule of succession per node: (n_c + 1) / (n + K)."""
    n_classes = value.shape[1]
    return (value + 1.0) / (value.sum(axis=1, keepdims=True) + n_classes)


def _prior_parent(tree, method: str) -> np.ndarray:
    """The node whose smoothed distribution is each node's prior (-1 at the root)."""
    parent = np.asarray(tree.parent, dtype=np.int64)
    if method == "m_estimate":
        parent = np.where(parent >= 0, 0, -1).astype(np.int64)
    return parent


def case_unit(tree) -> float:
    """Weight of one average training case (1 without sample weights)."""
    rows = float(tree.n_node_samples[0]) if tree.node_count else 0.0
    total = float(tree.value[0].sum()) if tree.node_count else 0.0
    if rows > 0 and total > 0:
        return total / rows
    return 1.0


def loo_log_loss(tree, method: str, strengths) -> np.ndarray:
    """Closed-form leave-one-out log-loss of the training cases at the leaves.

    Parameters
    ----------
    tree : Tree
        A fitted tree; its leaf counts are the training counts.
    method : {"m_estimate", "shrinkage"}
    strengths : array-like of float
        Strengths in weight units (multiply by the weight of an average case when
        sample weights are used).

    Returns
    -------
    ndarray of shape (len(strengths),)
        Mean log-loss in nats per unit of training weight.
    """
    if method not in ("m_estimate", "shrinkage"):
        raise ValueError(
            f"Leave-one-out is defined for m_estimate and shrinkage, not {method!r}."
        )
    return _loo_log_loss(
        np.ascontiguousarray(tree.value, dtype=np.float64),
        _prior_parent(tree, method),
        np.ascontiguousarray(tree.is_leaf, dtype=np.bool_).view(np.uint8),
        np.ascontiguousarray(strengths, dtype=np.float64),
        case_unit(tree),
    )


def heldout_log_loss(tree, method: str, strengths, leaf_weights, y) -> np.ndarray:
    """Summed log-loss of held-out rows at each strength (for internal CV).

    ``leaf_weights`` is ``tree.predict_proba(X_heldout, np.eye(tree.node_count),
    is_nominal)`` (the weight with which each held-out row reaches each leaf) and
    ``y`` the rows' class indices; a row's probabilities are the weighted mix of
    its leaves', as in predict_proba.
    """
    leaf_weights = np.asarray(leaf_weights, dtype=np.float64)
    y = np.asarray(y, dtype=np.intp)
    rows = np.arange(y.shape[0])
    out = np.empty(len(strengths))
    for g, strength in enumerate(strengths):
        proba = leaf_weights @ smoothed(tree, method, float(strength))
        proba /= proba.sum(axis=1, keepdims=True)
        out[g] = -np.log(np.maximum(proba[rows, y], 1e-300)).sum()
    return out


def auto_strength(tree, method: str) -> float:
    """The strength on :data:`AUTO_GRID` with the smallest leave-one-out log-loss.

    Ties go to the larger strength (the smoother estimate). A tree that is a
    single leaf has nothing to shrink toward but the root's own Laplace estimate,
    and gets the grid's middle value.
    """
    grid = AUTO_GRID * case_unit(tree)
    if tree.node_count <= 1:
        return float(grid[len(grid) // 2])
    losses = loo_log_loss(tree, method, grid)
    best = np.flatnonzero(losses <= losses.min() + 1e-12)[-1]
    return float(grid[best])


def smoothed(tree, method: str, strength: float) -> np.ndarray:
    """Node probabilities of ``m_estimate`` / ``shrinkage`` at a fixed strength."""
    if np.isinf(strength):  # every node is its prior, all the way up to the root
        return np.repeat(laplace(tree.value[:1]), tree.node_count, axis=0)
    return _shrink(
        np.ascontiguousarray(tree.value, dtype=np.float64),
        _prior_parent(tree, method),
        float(strength),
    )


def _average(tree, strength: float, stop_prior, evidence_weight):
    """(pruning-averaged node distributions, stop weights) of a fitted tree.

    ``None`` takes :data:`STOP_PRIOR` / :data:`EVIDENCE_WEIGHT` as they are at
    the call (benchmarks/bench_probability.py sets them to measure others).
    """
    stop_prior = STOP_PRIOR if stop_prior is None else stop_prior
    evidence_weight = EVIDENCE_WEIGHT if evidence_weight is None else evidence_weight
    value = np.ascontiguousarray(tree.value, dtype=np.float64)
    n_classes = value.shape[1]
    prior = (value[0] + 1.0) / (value[0].sum() + n_classes)
    # the m-estimate's prior as a Dirichlet prior (strength 0: a vanishing one)
    alpha = np.maximum(strength * prior, 1e-12)
    return _average_over_prunings(
        value,
        np.ascontiguousarray(tree.parent, dtype=np.int64),
        np.ascontiguousarray(tree.is_leaf, dtype=np.bool_).view(np.uint8),
        np.ascontiguousarray(smoothed(tree, "m_estimate", strength)),
        alpha,
        float(stop_prior),
        float(evidence_weight),
    )


def stop_weights(
    tree,
    strength: float,
    stop_prior: float | None = None,
    evidence_weight: float | None = None,
) -> np.ndarray:
    """Posterior probability, per node, that the tree stops there once reached.

    Context-tree weighting: with P_e(s) the node's marginal likelihood (the
    probability of its training cases, each predicted by the m-estimate of the
    ones before: a Dirichlet prior m * root distribution, m = ``strength``; the
    gamma function takes fractional counts), Q(s) = P_e(s) ** w
    (w = ``evidence_weight``, default :data:`EVIDENCE_WEIGHT`) and the leaves'
    P_w = Q,
    P_w(s) = a Q(s) + (1 - a) prod_children P_w(child) and the stop weight is
    a Q(s) / P_w(s), a = ``stop_prior`` (default :data:`STOP_PRIOR`). 1 at
    every leaf.
    """
    return _average(tree, strength, stop_prior, evidence_weight)[1]


def pruning_average(
    tree,
    strength: float,
    stop_prior: float | None = None,
    evidence_weight: float | None = None,
):
    """Node distributions averaged over the prunings of the tree (see the module).

    At a leaf: sum over the nodes s on its path of
    ``prod_{u above s} (1 - stop_u) * stop_s * p_s``, with p the m-estimate at
    ``strength`` and stop the :func:`stop_weights`; at an inner node, the same
    sum with the node itself as the last term (weight = what is left).
    """
    return _average(tree, strength, stop_prior, evidence_weight)[0]


def deviation_below(tree, node_proba) -> np.ndarray:
    """Per node, the largest gap between a class probability of a leaf under it and
    the node's own: max over leaves L under v and classes c of
    ``|node_proba[L, c] - node_proba[v, c]|`` (0 at leaves).

    A row reaching v is spread over the leaves under v (missing values, soft
    bands) with shares summing to what reached v, so replacing v's subtree by a
    leaf predicting ``node_proba[v]`` moves each of its class probabilities by at
    most this much.
    """
    return _deviation_below(
        np.ascontiguousarray(node_proba, dtype=np.float64),
        np.ascontiguousarray(tree.parent, dtype=np.int64),
        np.ascontiguousarray(tree.is_leaf, dtype=np.bool_).view(np.uint8),
    )


def collapse_negligible(tree, node_proba, min_change: float):
    """Cut off every subtree that changes no class probability by ``min_change``.

    Every inner node whose :func:`deviation_below` is less than ``min_change``
    becomes a leaf predicting its own ``node_proba`` row (the nodes below it are
    dropped), so every class probability ``predict_proba`` gives, to any row,
    moves by less than ``min_change``. Meant for :func:`pruning_average`, whose
    inner nodes predict the average over the prunings that stop there or above.
    Returns (tree, node_proba), the same objects when nothing is cut.
    """
    if not min_change > 0.0 or tree.node_count <= 1:
        return tree, node_proba
    negligible = deviation_below(tree, node_proba) < min_change
    if not negligible[~tree.is_leaf].any():
        return tree, node_proba
    collapsed, kept = tree.collapsed(negligible)
    return collapsed, node_proba[kept]


def node_probabilities(tree, *, method: str, strength) -> np.ndarray:
    """Probability estimates for every node of a fitted Tree by the named method.

    ``strength`` is a float >= 0 or "auto" (chosen from the training counts by
    leave-one-out log-loss; for "pruning_average", the m-estimate's); "none" and
    "laplace" ignore it.
    """
    value = tree.value
    if method == "none":
        return frequencies(value)
    if method == "laplace":
        return laplace(value)
    if method in ("m_estimate", "shrinkage"):
        if isinstance(strength, str):
            if strength != "auto":
                raise ValueError(f"Unknown smoothing strength {strength!r}.")
            strength = auto_strength(tree, method)
        strength = float(strength)
        if not strength >= 0.0:
            raise ValueError(
                f"smoothing_strength must be >= 0 or 'auto', got {strength!r}."
            )
        return smoothed(tree, method, strength)
    if method == "pruning_average":
        if isinstance(strength, str):
            if strength != "auto":
                raise ValueError(f"Unknown smoothing strength {strength!r}.")
            # the m-estimate's leave-one-out strength (the prior of every node)
            strength = auto_strength(tree, "m_estimate")
        strength = float(strength)
        if not strength >= 0.0:
            raise ValueError(
                f"smoothing_strength must be >= 0 or 'auto', got {strength!r}."
            )
        return pruning_average(tree, strength)
    raise ValueError(f"Unknown smoothing method {method!r}.")
