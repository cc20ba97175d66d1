"""Tests for entree.metrics: sklearn as the oracle for log_loss, and evaluate."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import sklearn.metrics
from numpy.testing import assert_allclose
from sklearn.datasets import load_iris
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedKFold
from sklearn.tree import DecisionTreeClassifier

from entree.metrics import brier_score, evaluate, log_loss, perplexity

RTOL = 1e-12


def random_proba(rng, n_samples, n_classes, dtype=np.float64):
    return rng.dirichlet(np.ones(n_classes), size=n_samples).astype(dtype)


# --------------------------------------------------------------------------------------
# log_loss against sklearn
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_classes", [2, 3, 5])
@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_log_loss_matches_sklearn_on_random_inputs(n_classes, normalize, weighted):
    rng = np.random.default_rng(n_classes)
    y = rng.integers(0, n_classes, size=40)
    y[:n_classes] = np.arange(n_classes)
    proba = random_proba(rng, 40, n_classes)
    weights = rng.random(40) if weighted else None
    expected = sklearn.metrics.log_loss(
        y, proba, normalize=normalize, sample_weight=weights
    )
    nats = log_loss(y, proba, normalize=normalize, sample_weight=weights)
    assert_allclose(nats, expected, rtol=RTOL)
    bits = log_loss(y, proba, normalize=normalize, sample_weight=weights, base=2)
    assert_allclose(bits, expected / math.log(2), rtol=RTOL)


def test_log_loss_matches_sklearn_with_labels_for_absent_classes():
    rng = np.random.default_rng(1)
    y = rng.choice(["b", "d"], size=30)
    proba = random_proba(rng, 30, 4)
    labels = ["a", "b", "c", "d"]
    assert_allclose(
        log_loss(y, proba, labels=labels),
        sklearn.metrics.log_loss(y, proba, labels=labels),
        rtol=RTOL,
    )


def test_log_loss_single_label_with_labels_matches_sklearn():
    proba = [0.2, 0.7, 0.4]
    assert_allclose(
        log_loss([0, 0, 0], proba, labels=[0, 1]),
        sklearn.metrics.log_loss([0, 0, 0], proba, labels=[0, 1]),
        rtol=RTOL,
    )


@pytest.mark.parametrize("as_column", [False, True])
def test_log_loss_binary_1d_probabilities_match_sklearn(as_column):
    rng = np.random.default_rng(2)
    y = np.array(["no", "yes"] * 10)
    p = rng.random(20)
    if as_column:
        p = p[:, np.newaxis]
    assert_allclose(log_loss(y, p), sklearn.metrics.log_loss(y, p), rtol=RTOL)


def test_log_loss_clips_like_sklearn():
    y = [0, 1, 1]
    proba = [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
    expected = sklearn.metrics.log_loss(y, proba)
    assert log_loss(y, proba) == expected
    assert math.isfinite(expected)
    # a sure hit is clipped to 1 - eps: -log(1 - eps) is eps to the last ulp or two
    eps = np.finfo(np.float64).eps
    assert log_loss([0, 1], [[1, 0], [0, 1]]) == pytest.approx(eps, rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_log_loss_low_precision_probabilities_match_sklearn(dtype):
    rng = np.random.default_rng(3)
    y = rng.integers(0, 3, size=25)
    y[:3] = [0, 1, 2]
    proba = random_proba(rng, 25, 3, dtype=dtype)
    proba[0] = np.array([0, 1, 0], dtype=dtype)  # clipped at this dtype's eps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # float16 rows may not sum to 1
        expected = sklearn.metrics.log_loss(y, proba)
        result = log_loss(y, proba)
    assert_allclose(result, expected, rtol=1e-6)


def test_log_loss_label_indicator_y_true_matches_sklearn():
    rng = np.random.default_rng(4)
    y = np.eye(3, dtype=int)[rng.integers(0, 3, size=15)]
    proba = random_proba(rng, 15, 3)
    assert_allclose(log_loss(y, proba), sklearn.metrics.log_loss(y, proba), rtol=RTOL)


def test_log_loss_bool_and_integral_float_labels_match_sklearn():
    proba = [0.2, 0.7, 0.9]
    for y in ([True, False, True], [0.0, 1.0, 1.0]):
        assert_allclose(
            log_loss(y, proba), sklearn.metrics.log_loss(y, proba), rtol=RTOL
        )


def test_log_loss_negative_weights_are_allowed_like_sklearn():
    y, proba, weights = [0, 1], [0.2, 0.7], [-1.0, 2.0]
    assert_allclose(
        log_loss(y, proba, sample_weight=weights),
        sklearn.metrics.log_loss(y, proba, sample_weight=weights),
        rtol=RTOL,
    )


def test_log_loss_rows_not_summing_to_one_warn_like_sklearn():
    y, proba = [0, 1], [[0.2, 0.7], [0.1, 0.9]]
    with pytest.warns(UserWarning, match="do not sum to one"):
        expected = sklearn.metrics.log_loss(y, proba)
    with pytest.warns(UserWarning, match="y_proba values do not sum to one"):
        result = log_loss(y, proba)
    assert_allclose(result, expected, rtol=RTOL)


def test_log_loss_unsorted_labels_warn_like_sklearn():
    y, proba, labels = [0, 1], [[0.2, 0.1, 0.7], [0.3, 0.0, 0.7]], [2, 0, 1]
    with pytest.warns(UserWarning, match="ordered lexicographically"):
        expected = sklearn.metrics.log_loss(y, proba, labels=labels)
    with pytest.warns(UserWarning, match="ordered lexicographically"):
        result = log_loss(y, proba, labels=labels)
    assert_allclose(result, expected, rtol=RTOL)


def test_log_loss_emits_no_warning_on_valid_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_loss([0, 1, 2], [[0.2, 0.3, 0.5], [0.1, 0.8, 0.1], [0, 0, 1]])


@pytest.mark.parametrize(
    "y_true, y_proba, kwargs, message",
    [
        (
            [0, 1],
            [[0.2, 1.7], [0.1, 0.9]],
            {},
            "y_proba contains values greater than 1",
        ),
        ([0, 1], [[-0.2, 1.0], [0.1, 0.9]], {}, "y_proba contains values lower than 0"),
        ([0, 1], [0.2, np.nan], {}, "y_proba contains NaN or infinity"),
        ([0, 1], [0.2, np.inf], {}, "y_proba contains NaN or infinity"),
        ([0, 1], [[[0.2, 0.8], [0.3, 0.7]]], {}, "y_proba must be 1-D or 2-D"),
        ([], [], {}, "y_proba is empty"),
        ([0, 0], [0.2, 0.7], {}, r"y_true contains only one label \(0\)"),
        (
            [0, 0],
            [0.2, 0.7],
            {"labels": [0]},
            "The labels array needs to contain at least two labels",
        ),
        (
            [0, 1],
            [0.2, 0.7],
            {"sample_weight": [0, 0]},
            "sample_weight must contain at least one non-zero number",
        ),
        (
            [0, 1],
            [0.2, 0.7],
            {"sample_weight": [1, np.nan]},
            "sample_weight contains NaN or infinity",
        ),
        ([0, 1], [0.2, 0.7], {"sample_weight": [[1, 2]]}, "sample_weight must be 1-D"),
        (
            [0, 1],
            [[0.2, 0.8], [0.3, 0.7]],
            {"sample_weight": [1, 2, 3]},
            "inconsistent numbers of samples: \\[2, 2, 3\\]",
        ),
        ([0, 1, 1], [0.2, 0.3], {}, "inconsistent numbers of samples"),
        (
            [0, 1, 2],
            [[0.2, 0.8], [0.3, 0.7], [0.5, 0.5]],
            {},
            "y_true and y_proba contain different number of classes: 3 vs 2",
        ),
        (
            [0, 1],
            [[0.2, 0.8], [0.3, 0.7]],
            {"labels": [0, 1, 2]},
            "The number of classes in labels is different from that in y_proba",
        ),
        (
            [0, 1],
            [[0.2, 0.1, 0.7], [0.3, 0.0, 0.7]],
            {"labels": [0, 1]},
            "The number of classes in labels is different",
        ),
        (
            [0, 3],
            [[0.2, 0.1, 0.7], [0.3, 0.0, 0.7]],
            {"labels": [0, 1, 2]},
            r"y_true contains values \{3\} not belonging to the passed labels",
        ),
        ([0.5, 1.0], [0.2, 0.7], {}, "y_true must hold class labels"),
        ([0.0, np.nan], [0.2, 0.7], {}, "y_true contains NaN"),
    ],
)
def test_log_loss_errors_match_sklearn(y_true, y_proba, kwargs, message):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's own warnings on the way
        with pytest.raises(ValueError):
            sklearn.metrics.log_loss(y_true, y_proba, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(ValueError, match=message):
            log_loss(y_true, y_proba, **kwargs)


@pytest.mark.parametrize(
    "y_true, y_proba, kwargs, message",
    [
        (
            [0, 1],
            [0.2, 0.7],
            {"base": 1},
            "base must be a finite positive number other than 1",
        ),
        ([0, 1], [0.2, 0.7], {"base": 0}, "base must be"),
        ([0, 1], [0.2, 0.7], {"base": "e"}, "base must be"),
        (
            [0, 1],
            [0.2, 0.7],
            {"sample_weight": [1.0, -1.0]},
            "sample_weight sums to zero",
        ),
        ([0, 1], ["a", "b"], {}, "y_proba must be an array of numbers"),
        (
            [[0, 1], [1, 0]],
            [[0.2, 0.8], [0.3, 0.7]],
            {"labels": [0, 1]},
            "labels cannot be used with a 2-D",
        ),
        (
            [[0, 2], [1, 0]],
            [[0.2, 0.8], [0.3, 0.7]],
            {},
            "label indicator matrix of 0 and 1",
        ),
        (np.array(["a", 1], dtype=object), [0.2, 0.7], {}, "mix label types"),
    ],
)
def test_log_loss_own_errors(y_true, y_proba, kwargs, message):
    with pytest.raises(ValueError, match=message):
        log_loss(y_true, y_proba, **kwargs)


# --------------------------------------------------------------------------------------
# brier_score and perplexity
# --------------------------------------------------------------------------------------


def test_brier_score_is_twice_sklearn_for_binary():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, size=30)
    p = rng.random(30)
    weights = rng.random(30)
    assert_allclose(
        brier_score(y, p, sample_weight=weights),
        2 * sklearn.metrics.brier_score_loss(y, p, sample_weight=weights),
        rtol=RTOL,
    )


def test_brier_score_matches_sklearn_multiclass_and_the_formula():
    rng = np.random.default_rng(6)
    y = rng.integers(0, 4, size=30)
    y[:4] = np.arange(4)
    proba = random_proba(rng, 30, 4)
    expected = np.mean(np.sum((proba - np.eye(4)[y]) ** 2, axis=1))
    assert_allclose(brier_score(y, proba), expected, rtol=RTOL)
    assert_allclose(
        brier_score(y, proba), sklearn.metrics.brier_score_loss(y, proba), rtol=RTOL
    )


def test_brier_score_range_and_labels():
    assert brier_score([0, 1], [[1, 0], [0, 1]]) == 0.0
    assert brier_score([0, 1], [[0, 1], [1, 0]]) == 2.0
    assert brier_score(["a"], [[0.5, 0.5, 0.0]], labels=["a", "b", "c"]) == 0.5


def test_brier_score_binary_convention_is_sklearns_brier_score_loss():
    rng = np.random.default_rng(8)
    y = rng.choice(["ham", "spam"], size=40)
    p = rng.random(40)
    weights = rng.random(40)
    for proba in (p, np.column_stack([1 - p, p])):
        assert_allclose(
            brier_score(y, proba, sample_weight=weights, convention="binary"),
            sklearn.metrics.brier_score_loss(
                y, p, sample_weight=weights, pos_label="spam"
            ),
            rtol=RTOL,
        )
    assert brier_score([0, 1], [[0, 1], [1, 0]], convention="binary") == 1.0
    assert brier_score([0, 1], [[0, 1], [1, 0]], convention="multiclass") == 2.0


def test_brier_score_convention_errors():
    with pytest.raises(
        ValueError, match="convention='binary' needs two classes, got 3"
    ):
        brier_score([0, 1, 2], np.full((3, 3), 1 / 3), convention="binary")
    with pytest.raises(
        ValueError, match="convention must be 'multiclass' or 'binary', got 'sum'"
    ):
        brier_score([0, 1], [0.5, 0.5], convention="sum")


def test_brier_score_errors_like_log_loss():
    with pytest.raises(ValueError, match="y_true contains only one label"):
        brier_score([1, 1], [0.2, 0.3])


def test_perplexity_is_exponentiated_log_loss():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 3, size=20)
    y[:3] = [0, 1, 2]
    proba = random_proba(rng, 20, 3)
    assert_allclose(perplexity(y, proba), math.exp(log_loss(y, proba)), rtol=RTOL)
    assert_allclose(perplexity(y, proba), 2 ** log_loss(y, proba, base=2), rtol=1e-12)
    assert perplexity([0, 1, 2, 3], np.full((4, 4), 0.25)) == pytest.approx(4.0)


# --------------------------------------------------------------------------------------
# evaluate
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def test_evaluate_fitted_model_matches_direct_computation(iris):
    X, y = iris
    model = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    scores = evaluate(model, X, y)
    proba = model.predict_proba(X)
    assert set(scores) == {
        "accuracy",
        "log_loss_nats",
        "log_loss_bits",
        "brier",
        "n_samples",
    }
    assert scores["n_samples"] == 150
    assert scores["accuracy"] == pytest.approx(np.mean(model.predict(X) == y))
    assert scores["log_loss_nats"] == pytest.approx(
        sklearn.metrics.log_loss(y, proba), rel=RTOL
    )
    assert scores["log_loss_bits"] == pytest.approx(
        scores["log_loss_nats"] / math.log(2)
    )
    assert scores["brier"] == pytest.approx(brier_score(y, proba))
    assert all(type(value) in (float, int) for value in scores.values())


def test_evaluate_with_sample_weight(iris):
    X, y = iris
    model = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y)
    weights = np.linspace(0.1, 2, 150)
    scores = evaluate(model, X, y, sample_weight=weights)
    correct = model.predict(X) == y
    assert scores["accuracy"] == pytest.approx(np.average(correct, weights=weights))
    assert scores["log_loss_nats"] == pytest.approx(
        sklearn.metrics.log_loss(y, model.predict_proba(X), sample_weight=weights)
    )


def test_evaluate_cross_validation_matches_a_manual_loop(iris):
    X, y = iris
    model = DecisionTreeClassifier(max_depth=2, random_state=0)
    calls = []
    scores = evaluate(
        model, X, y, cv=3, random_state=1, progress=lambda i, n: calls.append((i, n))
    )
    assert calls == [(0, 3), (1, 3), (2, 3)]
    folds = StratifiedKFold(3, shuffle=True, random_state=1).split(X, y)
    losses = []
    for train, test in folds:
        fitted = DecisionTreeClassifier(max_depth=2, random_state=0).fit(
            X[train], y[train]
        )
        losses.append(
            sklearn.metrics.log_loss(
                y[test], fitted.predict_proba(X[test]), labels=[0, 1, 2]
            )
        )
    assert scores["log_loss_nats"] == pytest.approx(np.mean(losses), rel=RTOL)
    assert scores["log_loss_nats_std"] == pytest.approx(np.std(losses), rel=1e-9)
    assert scores["n_folds"] == 3 and scores["n_samples"] == 150
    assert not hasattr(model, "classes_")  # the given model is not fitted


def test_evaluate_accepts_a_splitter_and_a_fitted_model(iris):
    X, y = iris
    model = DummyClassifier(strategy="prior").fit(X, y)
    scores = evaluate(model, X, y, cv=StratifiedKFold(5))
    assert scores["n_folds"] == 5
    assert scores["log_loss_nats"] == pytest.approx(math.log(3))
    assert scores["brier"] == pytest.approx(2 / 3)
    assert scores["accuracy_std"] == 0.0


def test_evaluate_scores_a_fold_whose_training_part_lacks_a_class(iris):
    X, y = iris
    # Train on classes 0 and 1 only, test on everything.
    train = np.flatnonzero(y != 2)
    folds = [(train, np.arange(150))]
    scores = evaluate(DummyClassifier(strategy="prior"), X, y, cv=folds)
    eps = np.finfo(np.float64).eps
    expected = (100 * math.log(2) - 50 * math.log(eps)) / 150
    assert scores["log_loss_nats"] == pytest.approx(expected)
    # Class 2 gets probability 0: squared error 1 + (1/2)^2 * 2 for those rows.
    assert scores["brier"] == pytest.approx((100 * 0.5 + 50 * 1.5) / 150)


def test_evaluate_with_a_dataframe_and_string_labels(iris):
    pd = pytest.importorskip("pandas")
    X, y = iris
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    names = pd.Series(np.array(["setosa", "versicolor", "virginica"])[y])
    scores = evaluate(
        DecisionTreeClassifier(max_depth=2, random_state=0), frame, names, cv=2
    )
    assert 0.0 < scores["accuracy"] <= 1.0
    assert scores["n_samples"] == 150


def test_evaluate_calls_progress_once_without_cv(iris):
    X, y = iris
    model = DummyClassifier().fit(X, y)
    calls = []
    evaluate(model, X, y, progress=lambda i, n: calls.append((i, n)))
    assert calls == [(0, 1)]


def test_evaluate_requires_a_fitted_model_without_cv(iris):
    X, y = iris
    with pytest.raises(NotFittedError):
        evaluate(DecisionTreeClassifier(), X, y)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"cv": 1}, "cv must be at least 2 folds"),
        ({"cv": True}, "cv must be None, an int >= 2 or a splitter"),
        ({"sample_weight": np.ones(3)}, "sample_weight has 3 entries but y has 150"),
        ({"progress": "yes"}, "progress must be callable"),
    ],
)
def test_evaluate_errors(iris, kwargs, message):
    X, y = iris
    with pytest.raises(ValueError, match=message):
        evaluate(DecisionTreeClassifier(), X, y, **kwargs)


def test_evaluate_rejects_2d_y(iris):
    X, y = iris
    with pytest.raises(ValueError, match="y must be 1-D class labels"):
        evaluate(DecisionTreeClassifier(), X, y[:, np.newaxis], cv=2)
