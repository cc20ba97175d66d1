"""Bayesian averaging over the prunings of a tree (smoothing="pruning_average")."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification
from test_leaf_proba import make_tree

from entree import C45Classifier
from entree.tree._leaf_proba import (
    AUTO_SMOOTHING,
    node_probabilities,
    pruning_average,
    smoothed,
    stop_weights,
)

# root -> (1, 2); 1 -> (3, 4); 2 -> (5, 6)
VALUE = [
    [30, 20, 5],
    [22, 4, 2],
    [8, 16, 3],
    [20, 0, 0],
    [2, 4, 2],
    [1, 15, 0],
    [7, 1, 3],
]
PARENT = [-1, 0, 0, 1, 1, 2, 2]
CHILDREN = {0: (1, 2), 1: (3, 4), 2: (5, 6)}


def sequential_likelihood(counts, alpha):
    """P(the node's cases), each predicted by the m-estimate of the ones before."""
    total = 1.0
    for k, n_k in enumerate(counts):
        for j in range(int(n_k)):
            total *= alpha[k] + j
    for i in range(int(sum(counts))):
        total /= alpha.sum() + i
    return total


def brute_force_average(value, strength, stop_prior, evidence_weight):
    """Predictive distribution at every leaf, summed over all prunings explicitly.

    A pruning weighs its prior times the product over its leaves of their marginal
    likelihoods raised to ``evidence_weight``.
    """
    value = np.asarray(value, dtype=np.float64)
    prior = (value[0] + 1.0) / (value[0].sum() + value.shape[1])
    alpha = strength * prior
    p = smoothed(make_tree(VALUE, PARENT), "m_estimate", strength)
    inner = sorted(CHILDREN)
    total_weight = 0.0
    mixed = {leaf: np.zeros(value.shape[1]) for leaf in (3, 4, 5, 6)}
    for stops in itertools.product([True, False], repeat=len(inner)):
        stop = dict(zip(inner, stops))
        # walk from the root: the pruning's leaves and its prior probability
        weight, frontier, owner = 1.0, [0], {}
        while frontier:
            node = frontier.pop()
            if node not in CHILDREN:
                weight *= sequential_likelihood(value[node], alpha) ** evidence_weight
                owner[node] = node
                continue
            if stop[node]:
                weight *= (
                    stop_prior
                    * sequential_likelihood(value[node], alpha) ** evidence_weight
                )
                stack = list(CHILDREN[node])
                while stack:  # every full-tree leaf below predicts with `node`
                    below = stack.pop()
                    if below in CHILDREN:
                        stack += CHILDREN[below]
                    else:
                        owner[below] = node
            else:
                weight *= 1.0 - stop_prior
                frontier += CHILDREN[node]
        if any(node in CHILDREN and not stop[node] for node in _unreached(stop)):
            continue  # a node below a stop: its choice does not exist
        total_weight += weight
        for leaf in mixed:
            mixed[leaf] += weight * p[owner[leaf]]
    return {leaf: m / total_weight for leaf, m in mixed.items()}


def _unreached(stop):
    """Inner nodes below a node that stops (their own stop flag is not a choice)."""
    out = []
    for node, kids in CHILDREN.items():
        if stop[node]:
            out += [k for k in kids if k in CHILDREN]
    return out


@pytest.mark.parametrize("strength", [0.5, 2.0])
@pytest.mark.parametrize("stop_prior", [0.5, 0.9])
@pytest.mark.parametrize("evidence_weight", [1.0, 0.6])
def test_leaves_are_the_average_over_every_pruning(
    strength, stop_prior, evidence_weight
):
    tree = make_tree(VALUE, PARENT)
    averaged = pruning_average(tree, strength, stop_prior, evidence_weight)
    expected = brute_force_average(VALUE, strength, stop_prior, evidence_weight)
    for leaf, distribution in expected.items():
        assert_allclose(averaged[leaf], distribution, rtol=1e-10)
    # a mixture of m-estimates: every class keeps a positive probability
    assert_allclose(averaged.sum(axis=1), 1.0)
    assert (averaged > 0).all()


def test_stop_weight_follows_what_the_split_explains():
    # left: a split that separates 200 cases perfectly; right: a split whose
    # children have the parent's proportions exactly
    tree = make_tree(
        [[200, 200], [100, 100], [100, 100], [100, 0], [0, 100], [50, 50], [50, 50]],
        PARENT,
    )
    stop = stop_weights(tree, 2.0, 0.9)
    assert stop[1] < 1e-20  # the evidence overrules the prior
    assert stop[2] > 0.9  # an empty split: the data favour stopping
    assert_allclose(stop[tree.is_leaf], 1.0)
    averaged = pruning_average(tree, 2.0, 0.9)
    assert averaged[3, 0] > 0.95 and averaged[4, 1] > 0.95


def test_tempered_evidence_pulls_the_stop_weights_toward_the_prior():
    # the root's split is favoured by the data, node 2's is not
    tree = make_tree(VALUE, PARENT)
    full = stop_weights(tree, 1.0, 0.6, evidence_weight=1.0)
    tempered = stop_weights(tree, 1.0, 0.6, evidence_weight=0.6)
    inner = ~tree.is_leaf
    # stop log-odds = logit(a) + w log P_e - log prod P_w(children), P_w tempered too
    assert (np.abs(tempered[inner] - 0.6) < np.abs(full[inner] - 0.6) + 1e-12).all()
    assert tempered[0] > full[0] and full[0] < 0.6
    # w = 0: no evidence, the prior alone
    assert_allclose(stop_weights(tree, 1.0, 0.6, evidence_weight=0.0)[inner], 0.6)


def test_node_probabilities_by_name():
    tree = make_tree(VALUE, PARENT)
    assert_allclose(
        node_probabilities(tree, method="pruning_average", strength=1.0),
        pruning_average(tree, 1.0),
    )
    with pytest.raises(ValueError, match="smoothing_strength must be >= 0"):
        node_probabilities(tree, method="pruning_average", strength=-1.0)
    with pytest.raises(ValueError, match="Unknown smoothing strength 'bogus'"):
        node_probabilities(tree, method="pruning_average", strength="bogus")


def test_auto_chooses_the_estimator_with_the_strength_and_width():
    X, y = make_classification(600, n_features=6, n_informative=4, random_state=3)
    model = C45Classifier().fit(X, y)
    assert model.smoothing == "auto" and model.pruning is None
    assert model.smoothing_ in AUTO_SMOOTHING
    assert_allclose(
        model._node_proba,
        node_probabilities(
            model.tree_, method=model.smoothing_, strength=model.smoothing_strength_
        ),
    )
    fixed = C45Classifier(smoothing="pruning_average").fit(X, y)
    assert fixed.smoothing_ == "pruning_average"
    laplace = C45Classifier(smoothing="laplace").fit(X, y)
    assert laplace.smoothing_ == "laplace" and laplace.smoothing_strength_ is None


def test_auto_candidates_reach_the_cross_validation(monkeypatch):
    import entree.tree._classes as classes

    seen = {}
    real = classes.choose_by_cv

    def spy(*args, **kwargs):
        seen["candidates"] = list(args[7])
        seen["min_share"] = kwargs["min_share"]
        return real(*args, **kwargs)

    monkeypatch.setattr(classes, "choose_by_cv", spy)
    X, y = make_classification(300, n_features=4, random_state=1)
    C45Classifier(smoothing_strength=1.0, soft_min_share=0.05).fit(X, y)
    assert seen["candidates"] == [("m_estimate", 1.0), ("pruning_average", 1.0)]
    assert seen["min_share"] == 0.05


def test_the_chosen_estimator_is_saved_and_checked_on_load():
    from entree._persistence import ModelFileError, from_dict, to_dict

    X, y = make_classification(400, n_features=5, random_state=2)
    model = C45Classifier(smoothing="pruning_average", soft_thresholds=0.0).fit(X, y)
    document = to_dict(model)
    assert document["fitted"]["smoothing_"] == "pruning_average"
    loaded = from_dict(document)
    assert loaded.smoothing_ == "pruning_average"
    assert_allclose(loaded.predict_proba(X), model.predict_proba(X))
    document["fitted"]["smoothing_"] = "auto"
    with pytest.raises(ModelFileError, match=r"fitted\['smoothing_'\] is 'auto'"):
        from_dict(document)
    # files from before smoothing="auto": the parameter names the estimator
    del document["fitted"]["smoothing_"]
    assert from_dict(document).smoothing_ == "pruning_average"
