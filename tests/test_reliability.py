"""Inputs that used to give wrong answers without a word (issue 13)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris, make_classification
from sklearn.ensemble import AdaBoostClassifier
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from entree import C45Classifier, ID3Classifier
from entree._persistence import from_dict, load_model, save_model, to_dict


@pytest.mark.parametrize("class_weight", [{0: 1.0, 1: -0.9, 2: 1.0}, {1: np.nan}])
def test_negative_or_nan_class_weight_is_refused(class_weight):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=r"class_weight.*class 1.*(-0\.9|nan)"):
        C45Classifier(class_weight=class_weight).fit(X, y)


def test_zero_class_weight_is_allowed():
    X, y = load_iris(return_X_y=True)
    model = ID3Classifier(class_weight={0: 0.0}).fit(X, y)
    assert model.tree_.value[0, 0] == 0.0


@pytest.mark.parametrize("confidence", [1e-3, 1e-10, 1e-300, 5e-324])
@pytest.mark.parametrize("subtree_raising", [False, True])
def test_tiny_confidence_prunes_instead_of_failing(confidence, subtree_raising):
    X, y = make_classification(400, n_features=6, flip_y=0.2, random_state=0)
    model = C45Classifier(
        confidence=confidence, subtree_raising=subtree_raising, soft_thresholds=0.0
    ).fit(X, y)
    usual = C45Classifier(subtree_raising=subtree_raising, soft_thresholds=0.0)
    assert model.tree_.node_count <= usual.fit(X, y).tree_.node_count
    assert np.isfinite(model.predict_proba(X)).all()


def _same_tree(a, b):
    for name in ("feature", "children_ptr", "children", "branch_category"):
        np.testing.assert_array_equal(getattr(a.tree_, name), getattr(b.tree_, name))
    np.testing.assert_allclose(a.tree_.threshold, b.tree_.threshold)


@pytest.mark.parametrize("Model", [C45Classifier, ID3Classifier])
@pytest.mark.parametrize("kind", ["real", "integer"])
@pytest.mark.parametrize("scale", [1e-3, 1e-300, 7.0, 1e300])
def test_scaling_every_weight_changes_nothing(Model, kind, scale):
    X, y = make_classification(300, n_features=5, flip_y=0.1, random_state=1)
    rng = np.random.default_rng(0)
    if kind == "real":
        weights = rng.uniform(0.2, 3.0, X.shape[0])
    else:
        weights = rng.integers(0, 4, X.shape[0]).astype(float)
    reference = Model().fit(X, y, sample_weight=weights)
    scaled = Model().fit(X, y, sample_weight=weights * scale)
    _same_tree(reference, scaled)
    np.testing.assert_allclose(scaled.predict_proba(X), reference.predict_proba(X))
    assert scaled.soft_thresholds_ == reference.soft_thresholds_
    assert scaled.smoothing_strength_ == reference.smoothing_strength_


@pytest.mark.parametrize("Model", [C45Classifier, ID3Classifier])
def test_small_uniform_weights_are_unit_weights(Model):
    X, y = make_classification(300, n_features=5, random_state=2)
    plain = Model().fit(X, y)
    tiny = Model().fit(X, y, sample_weight=np.full(300, 1e-3))
    assert tiny.tree_.node_count == plain.tree_.node_count > 1
    for name in ("feature", "threshold", "value", "children"):
        np.testing.assert_array_equal(
            getattr(tiny.tree_, name), getattr(plain.tree_, name)
        )
    np.testing.assert_array_equal(tiny.predict_proba(X), plain.predict_proba(X))


def test_class_weight_is_relative_too():
    X, y = make_classification(300, n_features=5, weights=[0.8], random_state=3)
    a = C45Classifier(class_weight={0: 1.0, 1: 4.0}).fit(X, y)
    b = C45Classifier(class_weight={0: 1e-3, 1: 4e-3}).fit(X, y)
    _same_tree(a, b)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X))
    # class weights move weight between classes; the total stays one per row
    np.testing.assert_allclose(a.tree_.value[0].sum(), 300)


@pytest.mark.parametrize(
    "estimator", [C45Classifier(max_depth=3), ID3Classifier(max_depth=3)]
)
def test_adaboost_scores_like_sklearns_tree_of_the_same_depth(estimator):
    X, y = make_classification(1000, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    ours = AdaBoostClassifier(estimator=estimator, random_state=0)
    theirs = AdaBoostClassifier(
        estimator=DecisionTreeClassifier(max_depth=3, random_state=0), random_state=0
    )
    score = ours.fit(X_train, y_train).score(X_test, y_test)
    reference = theirs.fit(X_train, y_train).score(X_test, y_test)
    assert score >= reference - 0.02


@pytest.mark.parametrize("as_frame", [True, False])
def test_object_column_mixing_numbers_and_text_keeps_each_value(as_frame):
    values = np.array([1, 2, "unknown", 2.5] * 20, dtype=object)
    y = np.array(["one", "two", "unknown", "two and a half"] * 20)
    X = pd.DataFrame({"code": values}) if as_frame else values.reshape(-1, 1)
    model = C45Classifier(categorical_features=[0]).fit(X, y)
    assert model.score(X, y) == 1.0
    assert sorted(map(repr, model._columns.categories[0])) == sorted(
        ["1", "2", "'unknown'", "2.5"]
    )


def test_number_and_its_text_are_distinct_categories():
    # pandas compares 1 and "1" as different values: so does entree
    X = pd.DataFrame({"code": pd.Series([1, "1"] * 20, dtype=object)})
    y = np.array(["number", "text"] * 20)
    model = C45Classifier().fit(X, y)
    assert model.score(X, y) == 1.0
    loaded = from_dict(json.loads(json.dumps(to_dict(model))))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_nominal_values_of_another_type_at_predict_are_refused():
    X = pd.DataFrame({"grade": ["1", "2"] * 20, "noise": np.arange(40.0)})
    y = np.array(["low", "high"] * 20)
    model = C45Classifier().fit(X, y)
    as_ints = X.assign(grade=[1, 2] * 20)
    with pytest.raises(ValueError, match=r"'grade'.*str.*\b1\b.*int"):
        model.predict(as_ints)
    as_category = X.assign(grade=pd.Categorical([1, 2] * 20))
    with pytest.raises(ValueError, match=r"'grade'.*str.*\b1\b.*int"):
        model.predict_proba(as_category)
    # an unseen value of the fitted type is spread over the branches, as before
    unseen = model.predict_proba(X.assign(grade=["3"] * 40))
    np.testing.assert_allclose(unseen.sum(axis=1), 1.0)


def test_nominal_values_match_across_numeric_types():
    # pandas compares 1 == 1.0 == np.int64(1): so does entree
    X = np.array([[1], [2]] * 20)
    y = np.array(["a", "b"] * 20)
    model = ID3Classifier(categorical_features=[0]).fit(X, y)
    as_floats = np.array([[1.0], [2.0]] * 20)
    np.testing.assert_array_equal(model.predict(as_floats), y)
    with pytest.raises(ValueError, match=r"'x0'.*'1\.0'.*str"):
        model.predict(as_floats.astype(str).astype(object))


@pytest.mark.parametrize("n_samples", [200, 1000])  # exact bins, quantile bins
@pytest.mark.parametrize("largest", [1e308, 1e300])
def test_values_spanning_the_float_range_split_and_save(tmp_path, largest, n_samples):
    X, y = make_classification(n_samples, n_features=5, random_state=0)
    huge = X / np.abs(X).max(axis=0) * largest  # from about -largest to +largest
    # fixed probabilities and branch minimum: the internal CV's folds hash the rows'
    # values, so its choice could differ between the two scales
    params = dict(
        soft_thresholds=0.3,
        smoothing="m_estimate",
        smoothing_strength=2.0,
        min_samples_leaf=2,
    )
    ordinary = C45Classifier(**params).fit(X, y)
    model = C45Classifier(**params).fit(huge, y)
    np.testing.assert_array_equal(model.tree_.feature, ordinary.tree_.feature)
    assert model.score(huge, y) == ordinary.score(X, y) > 0.9
    numeric_split = model.tree_.feature >= 0
    width = model.tree_.soft_width
    assert np.isfinite(width).all() and (width[numeric_split] > 0).all()
    low = model.tree_.threshold - width
    high = model.tree_.threshold + width
    assert np.isfinite(high - low).all()
    proba = model.predict_proba(huge)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    save_model(model, tmp_path / "huge.json")
    loaded = load_model(tmp_path / "huge.json")
    np.testing.assert_array_equal(loaded.predict_proba(huge), proba)


def test_very_wide_soft_band_stays_inside_the_float_range():
    X, y = make_classification(300, n_features=4, random_state=0)
    X = X * 1e307
    model = C45Classifier(soft_thresholds=1e10).fit(X, y)
    width = model.tree_.soft_width
    assert np.isfinite(model.tree_.threshold + width).all()
    assert np.isfinite(model.tree_.threshold - width).all()
    assert np.isfinite(model.predict_proba(X)).all()
