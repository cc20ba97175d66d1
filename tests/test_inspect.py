"""Tests for entree.tree._inspect: split_report, rank_splits, explain, the mixin."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _bench import benchdata  # noqa: E402
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError

from entree import C45Classifier, ID3Classifier
from entree.entropy import entropy
from entree.tree._inspect import (
    RowExplanation,
    explain,
    rank_splits,
    split_report,
)

_Model = C45Classifier


@pytest.fixture(scope="module")
def weather():
    X, y, _ = benchdata.load("weather_nominal")
    return X, y


@pytest.fixture(scope="module")
def weather_model(weather):
    return _Model().fit(*weather)


@pytest.fixture(scope="module")
def vote_model():
    X, y, _ = benchdata.load("vote")
    return C45Classifier().fit(X, y), X, y


# -- split_report -------------------------------------------------------------------
def test_split_report_one_row_per_node_with_the_tree_arrays(vote_model):
    model, _, _ = vote_model
    tree = model.tree_
    report = split_report(model)
    assert len(report) == tree.node_count
    assert report.index.name == "node"
    np.testing.assert_array_equal(report.index, np.arange(tree.node_count))
    np.testing.assert_array_equal(report["gain"], tree.gain)
    np.testing.assert_array_equal(report["split_info"], tree.split_info)
    np.testing.assert_array_equal(report["gain_ratio"], tree.gain_ratio)
    np.testing.assert_array_equal(report["n_rows"], tree.n_node_samples)
    np.testing.assert_array_equal(report["parent"], tree.parent)
    np.testing.assert_array_equal(report["depth"], tree.depth)
    np.testing.assert_array_equal(report["is_leaf"], tree.is_leaf)
    counts = report[[f"count[{c}]" for c in model.classes_]].to_numpy()
    np.testing.assert_array_equal(counts, tree.value)
    np.testing.assert_allclose(report["n_weighted"], counts.sum(axis=1))
    expected_entropy = [entropy(row) if row.sum() > 0 else 0.0 for row in tree.value]
    np.testing.assert_allclose(report["entropy"], expected_entropy, atol=1e-12)
    best = model._node_proba.argmax(axis=1)
    np.testing.assert_array_equal(report["predicted"], model.classes_[best])
    np.testing.assert_array_equal(report["probability"], model._node_proba.max(axis=1))
    assert report.loc[report["is_leaf"], "feature"].isna().all()
    assert report.loc[report["is_leaf"], "test"].isna().all()


def test_split_report_play_tennis_numbers_and_texts(weather_model):
    report = weather_model.split_report()
    root = report.loc[0]
    assert root["feature"] == "outlook"
    assert root["test"] == "outlook = {sunny, overcast, rainy}"
    assert root["branch"] == ""
    assert np.isnan(root["threshold"])
    assert root["entropy"] == pytest.approx(0.940, abs=5e-4)
    assert root["gain"] == pytest.approx(0.247, abs=5e-4)
    assert root["split_info"] == pytest.approx(1.577, abs=5e-4)
    assert root["gain_ratio"] == pytest.approx(0.156, abs=5e-4)
    children = report[report["parent"] == 0]
    assert children["branch"].tolist() == ["= sunny", "= overcast", "= rainy"]
    np.testing.assert_allclose(children["branch_weight"], [5 / 14, 4 / 14, 5 / 14])
    assert children["feature"].tolist()[0] == "humidity"
    assert children["predicted"].tolist()[1] == "yes"


def test_split_report_numeric_branches_and_threshold():
    X, y = load_iris(return_X_y=True)
    model = C45Classifier(max_depth=1).fit(X, y)
    report = split_report(model)
    threshold = model.tree_.threshold[0]
    assert report.loc[0, "threshold"] == threshold
    assert report.loc[0, "test"] == "x3 <= 0.8"
    assert report.loc[1:, "branch"].tolist() == ["<= 0.8", "> 0.8"]


def test_split_report_needs_a_fitted_model():
    with pytest.raises(NotFittedError):
        split_report(C45Classifier())
    with pytest.raises(NotFittedError):
        _Model().split_report()


# -- rank_splits --------------------------------------------------------------------
def test_rank_splits_play_tennis_is_quinlans_first_step(weather):
    X, y = weather
    ranking = rank_splits(X, y)
    assert ranking.index.tolist() == [1, 2, 3, 4]
    top = ranking.iloc[0]
    assert top["feature"] == "outlook"
    assert top["test"] == "multiway"
    assert top["n_branches"] == 3
    assert top["gain"] == pytest.approx(0.247, abs=5e-4)
    assert top["split_info"] == pytest.approx(1.577, abs=5e-4)
    assert top["gain_ratio"] == pytest.approx(0.156, abs=5e-4)
    assert ranking["chosen"].tolist() == [True, False, False, False]
    tree = C45Classifier().fit(X, y).tree_
    assert top["gain"] == pytest.approx(tree.gain[0], rel=1e-12)
    assert top["split_info"] == pytest.approx(tree.split_info[0], rel=1e-12)
    # ID3 by plain gain chooses the same attribute here
    by_gain = rank_splits(X, y, criterion="gain", min_samples_leaf=1)
    assert by_gain["feature"].tolist() == [
        "outlook",
        "humidity",
        "windy",
        "temperature",
    ]


@pytest.mark.parametrize(
    "name", ["weather_numeric", "iris", "breast_cancer", "vote", "soybean", "glass"]
)
def test_rank_splits_top_row_is_the_root_the_tree_chose(name):
    X, y, _ = benchdata.load(name)
    for estimator, criterion, m in (
        (C45Classifier(), "gain_ratio", 2),
        (ID3Classifier(), "gain", 1),
    ):
        tree = estimator.fit(X, y).tree_
        ranking = rank_splits(X, y, criterion=criterion, min_samples_leaf=m)
        top = ranking.iloc[0]
        assert top["chosen"]
        assert top["feature"] == X.columns[tree.feature[0]]
        assert top["gain"] == pytest.approx(tree.gain[0], rel=1e-9, abs=1e-12)
        if top["kind"] == "numeric":
            assert top["threshold"] == tree.threshold[0]
        assert ranking["chosen"].sum() == 1


def test_rank_splits_numeric_with_weights_and_mdl():
    X, y = load_iris(return_X_y=True)
    weights = np.linspace(0.5, 2.0, len(y))
    tree = C45Classifier().fit(X, y, sample_weight=weights).tree_
    ranking = rank_splits(X, y, sample_weight=weights)
    assert ranking.iloc[0]["gain"] == pytest.approx(tree.gain[0], rel=1e-9)
    numeric = ranking[ranking["kind"] == "numeric"]
    # C4.5's MDL cost makes the selection gain smaller than the gain
    assert (numeric["selection_gain"] < numeric["gain"]).all()
    plain = rank_splits(X, y, criterion="gain")
    np.testing.assert_array_equal(plain["selection_gain"], plain["gain"])


def test_rank_splits_at_every_internal_node_matches_the_tree(vote_model):
    model, X, y = vote_model
    inspected = _Model().set_params(**model.get_params()).fit(X, y)
    tree = inspected.tree_
    for node in np.flatnonzero(~tree.is_leaf):
        top = inspected.rank_splits(X, y, node=node).iloc[0]
        assert top["feature"] == X.columns[tree.feature[node]]
        assert top["gain"] == pytest.approx(tree.gain[node], rel=1e-9, abs=1e-12)


def test_rank_splits_errors(weather, weather_model):
    X, y = weather
    with pytest.raises(ValueError, match="criterion must be 'gain_ratio' or 'gain'"):
        rank_splits(X, y, criterion="entropy")
    with pytest.raises(ValueError, match="node must be between 0 and 7"):
        weather_model.rank_splits(X, y, node=8)
    with pytest.raises(ValueError, match="never saw"):
        weather_model.rank_splits(X, np.where(y == "yes", "maybe", y))
    with pytest.raises(ValueError, match="X has 14 rows but y has 3"):
        weather_model.rank_splits(X, y[:3])


def test_rank_splits_feature_without_a_valid_test_comes_last():
    X = pd.DataFrame({"signal": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "flat": [1.0] * 6})
    y = np.array([0, 0, 0, 1, 1, 1])
    ranking = rank_splits(X, y)
    assert ranking["feature"].tolist() == ["signal", "flat"]
    assert pd.isna(ranking.iloc[1]["test"])
    assert np.isnan(ranking.iloc[1]["gain"])


# -- explain ------------------------------------------------------------------------
def test_explain_row_without_missing_follows_one_path(weather_model, weather):
    X, _ = weather
    explanation = weather_model.explain(X.iloc[[0]])[0]
    assert isinstance(explanation, RowExplanation)
    assert [s.node for s in explanation.steps] == [0, 1, 4]
    first = explanation.steps[0]
    assert first.feature == "outlook"
    assert first.value == "sunny"
    assert first.branches == ((1, "= sunny", 1.0),)
    assert first.gain == pytest.approx(0.247, abs=5e-4)
    assert explanation.leaves == [(4, 1.0)]
    assert weather_model.apply(X.iloc[[0]])[0] == 4
    assert explanation.prediction == "no"
    np.testing.assert_array_equal(
        explanation.proba, weather_model.predict_proba(X.iloc[[0]])[0]
    )
    text = str(explanation)
    top = weather_model.predict_proba(X.iloc[[0]])[0].max()
    assert text.splitlines()[0] == f"row 0: predicted no (p = {top:.3f})"
    assert "outlook = 'sunny'" in text


def test_explain_missing_value_spreads_with_fractions(weather_model, weather):
    X, _ = weather
    row = X.iloc[[0]].copy()
    row.iloc[0, 0] = np.nan  # outlook missing
    explanation = weather_model.explain(row)[0]
    root = explanation.steps[0]
    assert root.spread
    assert root.value is None
    assert [c for c, _, _ in root.branches] == [1, 2, 3]
    assert [b for _, b, _ in root.branches] == ["= sunny", "= overcast", "= rainy"]
    assert sum(f for _, _, f in root.branches) == pytest.approx(1.0)
    leaves = explanation.leaves
    assert sum(w for _, w in leaves) == pytest.approx(1.0)
    assert len(leaves) == 3  # humidity and windy known: one leaf per outlook branch
    mixed = sum(w * weather_model._node_proba[leaf] for leaf, w in leaves)
    expected = weather_model.predict_proba(row)[0]
    np.testing.assert_allclose(mixed / mixed.sum(), expected, rtol=1e-12)
    np.testing.assert_array_equal(explanation.proba, expected)
    assert "spread over 3 branches" in str(explanation)
    frame = explanation.to_frame()
    root_rows = frame[frame["node"] == 0]
    assert len(root_rows) == 3
    assert root_rows["fraction"].sum() == pytest.approx(1.0)
    leaf_rows = frame[frame["is_leaf"]]
    assert leaf_rows["weight"].sum() == pytest.approx(1.0)


def test_explain_unseen_category_spreads_too(weather_model, weather):
    X, _ = weather
    row = X.iloc[[0]].astype(object)
    row.iloc[0, 0] = "foggy"
    explanation = explain(weather_model, row)[0]
    assert explanation.steps[0].spread
    np.testing.assert_array_equal(
        explanation.proba, weather_model.predict_proba(row)[0]
    )


def test_explain_agrees_with_predict_proba_on_data_with_missing_values(vote_model):
    model, X, _ = vote_model
    rows = X[X.isna().any(axis=1)].iloc[:40]
    explanations = explain(model, rows)
    assert len(explanations) == len(rows)
    expected = model.predict_proba(rows)
    for explanation, target in zip(explanations, expected):
        leaves = explanation.leaves
        assert sum(w for _, w in leaves) == pytest.approx(1.0)
        mixed = sum(w * model._node_proba[leaf] for leaf, w in leaves)
        np.testing.assert_allclose(mixed / mixed.sum(), target, rtol=1e-10)
        for step in explanation.steps:
            if not step.is_leaf:
                assert sum(f for _, _, f in step.branches) == pytest.approx(1.0)
    assert any(s.spread for e in explanations for s in e.steps)


def test_explain_numeric_branches():
    X, y = load_iris(return_X_y=True)
    model = C45Classifier(max_depth=2).fit(X, y)
    explanation = explain(model, X[100:101])[0]
    conditions = [s.branches[0][1] for s in explanation.steps if not s.is_leaf]
    assert conditions[0].startswith("> ")
    assert explanation.steps[0].value == X[100, 3]


def test_explain_needs_a_fitted_model():
    with pytest.raises(NotFittedError):
        explain(C45Classifier(), [[1.0]])
    with pytest.raises(NotFittedError):
        _Model().explain([[1.0]])
