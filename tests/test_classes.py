"""Behaviour of C45Classifier / ID3Classifier that users rely on."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_iris, make_classification
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.tree import DecisionTreeClassifier

from entree import C45Classifier, ID3Classifier
from entree.entropy import information_gain
from entree.tree._soft import choose_by_cv


def play_tennis():
    outlook = ["sunny"] * 2 + ["overcast", "rainy", "rainy", "rainy", "overcast"]
    outlook += ["sunny", "sunny", "rainy", "sunny", "overcast", "overcast", "rainy"]
    temperature = ["hot", "hot", "hot", "mild", "cool", "cool", "cool", "mild"]
    temperature += ["cool", "mild", "mild", "mild", "hot", "mild"]
    humidity = ["high"] * 4 + ["normal"] * 3 + ["high", "normal", "normal"]
    humidity += ["normal", "high", "normal", "high"]
    windy = [False, True, False, False, False, True, True, False, False, False]
    windy += [True, True, False, True]
    play = ["no", "no", "yes", "yes", "yes", "no", "yes", "no", "yes", "yes"]
    play += ["yes", "yes", "yes", "no"]
    X = pd.DataFrame(
        {
            "outlook": outlook,
            "temperature": temperature,
            "humidity": humidity,
            "windy": windy,
        }
    )
    return X, np.array(play)


@pytest.mark.parametrize("Model", [C45Classifier, ID3Classifier])
def test_play_tennis_gives_quinlans_tree(Model):
    X, y = play_tennis()
    model = Model().fit(X, y)
    tree = model.tree_
    assert tree.feature[0] == 0  # outlook at the root
    assert tree.gain[0] == pytest.approx(0.2467, abs=1e-4)
    assert tree.gain[0] == pytest.approx(
        information_gain([9, 5], [[2, 3], [4, 0], [3, 2]]), rel=1e-12
    )
    assert tree.split_info[0] == pytest.approx(1.5774, abs=1e-4)
    assert tree.impurity[0] == pytest.approx(0.9403, abs=1e-4)
    # sunny -> humidity, rainy -> windy, overcast -> a leaf
    names = {
        c: model._columns.categories[0][tree.branch_category[c]]
        for c in tree.children_of(0)
    }
    split_feature = {names[c]: tree.feature[c] for c in tree.children_of(0)}
    assert split_feature == {"sunny": 2, "rainy": 3, "overcast": -2}
    assert model.score(X, y) == 1.0


def test_root_impurity_matches_sklearn_entropy_tree():
    X, y = make_classification(
        500, n_features=6, n_classes=3, n_informative=4, random_state=0
    )
    ours = C45Classifier().fit(X, y)
    theirs = DecisionTreeClassifier(criterion="entropy").fit(X, y)
    assert ours.tree_.impurity[0] == pytest.approx(theirs.tree_.impurity[0], rel=1e-12)


def test_id3_unpruned_fits_separable_training_data():
    X, y = load_iris(return_X_y=True)
    assert ID3Classifier().fit(X, y).score(X, y) == 1.0


def test_same_data_same_tree():
    X, y = make_classification(2000, n_features=8, random_state=1)
    a = C45Classifier().fit(X, y).tree_
    b = C45Classifier().fit(X, y).tree_
    for name in ("feature", "threshold", "children", "value", "gain"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


@pytest.mark.parametrize("name", ["penguins", "iris"])
def test_min_samples_leaf_auto_takes_the_minimum_the_internal_cv_prefers(
    monkeypatch, name
):
    from entree.datasets import load_penguins
    from entree.tree import _classes

    if name == "penguins":
        X, y = load_penguins(return_X_y=True, as_frame=True)
    else:
        X, y = load_iris(return_X_y=True)
    best_losses = []  # one CV per candidate minimum, on the same folds

    def recording(*args, **kwargs):
        result = choose_by_cv(*args, **kwargs)
        best_losses.append(result[2].min())
        return result

    monkeypatch.setattr(_classes, "choose_by_cv", recording)
    auto = C45Classifier().fit(X, y)
    assert len(best_losses) == len(_classes.AUTO_MIN_SAMPLES_LEAF) == 2
    chosen = _classes.AUTO_MIN_SAMPLES_LEAF[int(np.argmin(best_losses))]
    assert auto.min_samples_leaf_ == chosen
    # the tree and its probabilities are those of the chosen minimum set by hand
    fixed = C45Classifier(min_samples_leaf=chosen).fit(X, y)
    assert auto.get_n_leaves() == fixed.get_n_leaves()
    np.testing.assert_array_equal(auto.predict_proba(X), fixed.predict_proba(X))
    assert auto.rank_splits(X, y).equals(fixed.rank_splits(X, y))


def test_min_samples_leaf_auto_tries_single_case_branches_on_small_data():
    # penguins: the CV prefers 1 (C4.5's m is 2), and the tree has a leaf of one case
    from entree.datasets import load_penguins

    X, y = load_penguins(return_X_y=True, as_frame=True)
    model = C45Classifier().fit(X, y)
    assert model.min_samples_leaf_ == 1.0
    assert C45Classifier(min_samples_leaf=2).fit(X, y).min_samples_leaf_ == 2.0


def test_min_samples_leaf_auto_is_c45s_two_above_the_soft_auto_bound(monkeypatch):
    from entree.datasets import load_penguins
    from entree.tree import _classes

    X, y = load_penguins(return_X_y=True, as_frame=True)
    monkeypatch.setattr(_classes, "SOFT_AUTO_MAX_ROWS", 100)  # penguins has 344
    model = C45Classifier().fit(X, y)
    assert model.min_samples_leaf_ == 2.0
    assert model.soft_thresholds_ == 0.0  # the same bound keeps thresholds hard


def test_min_samples_leaf_rejects_other_strings():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="min_samples_leaf"):
        C45Classifier(min_samples_leaf="sometimes").fit(X, y)


def test_pruning_shrinks_the_tree_and_confidence_controls_it():
    X, y = make_classification(3000, n_features=10, flip_y=0.2, random_state=2)
    c45 = dict(min_samples_leaf=2)  # one grown tree for all three
    unpruned = C45Classifier(pruning=None, **c45).fit(X, y).get_n_leaves()
    default = C45Classifier(pruning="error_based", **c45).fit(X, y).get_n_leaves()
    harsh = C45Classifier(pruning="error_based", confidence=0.01, **c45).fit(X, y)
    harsh = harsh.get_n_leaves()
    assert harsh < default < unpruned


def test_probabilities_are_smoothed_and_sum_to_one():
    X, y = load_iris(return_X_y=True)
    proba = C45Classifier().fit(X, y).predict_proba(X)
    assert (proba > 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    raw = C45Classifier(smoothing="none").fit(X, y).predict_proba(X)
    assert (raw == 0).any()


def test_missing_value_spreads_over_branches_by_training_fraction():
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    y = (x > 0).astype(int)
    X = x.reshape(-1, 1)
    model = C45Classifier(smoothing="none").fit(X, y)
    tree = model.tree_
    left, right = tree.children_of(0)
    proba = model.predict_proba(np.array([[np.nan]]))[0]
    frac_left = tree.branch_weight[left]
    expected = (
        frac_left * tree.value[left] / tree.value[left].sum()
        + tree.branch_weight[right] * tree.value[right] / tree.value[right].sum()
    )
    np.testing.assert_allclose(proba, expected)
    assert frac_left == pytest.approx((x <= tree.threshold[0]).mean())


def test_missing_values_in_training_scale_the_gain():
    X, y = play_tennis()
    X = X.copy()
    X.loc[0, "outlook"] = np.nan  # Quinlan's example: one unknown outlook
    model = C45Classifier(min_samples_leaf=1, pruning=None).fit(X, y)
    known = [[2, 2], [4, 0], [3, 2]]  # sunny, overcast, rainy among 13 known rows
    expected = 13 / 14 * information_gain([9, 4], known)  # 0.199 in Quinlan (1993)
    outlook_gain = model.rank_splits(X, y).set_index("feature").loc["outlook", "gain"]
    assert outlook_gain == pytest.approx(expected, rel=1e-12)


def test_unseen_category_is_spread_not_an_error():
    X, y = play_tennis()
    model = C45Classifier(min_samples_leaf=1).fit(X, y)
    row = X.iloc[:1].copy()
    row.loc[row.index[0], "outlook"] = "foggy"
    proba = model.predict_proba(row)
    assert proba.shape == (1, 2)
    np.testing.assert_allclose(proba.sum(), 1.0)


def test_sample_weight_counts_like_repeated_rows():
    # 200 rows: every column is binned exactly (quantile bins ignore weights)
    X, y = make_classification(200, n_features=5, random_state=3)
    weights = np.random.default_rng(0).integers(1, 4, size=200)
    weighted = C45Classifier().fit(X, y, sample_weight=weights)
    repeated = C45Classifier().fit(np.repeat(X, weights, axis=0), np.repeat(y, weights))
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X))


def test_class_weight_balanced_changes_the_leaf_values():
    X, y = make_classification(600, n_features=5, weights=[0.9, 0.1], random_state=4)
    plain = C45Classifier().fit(X, y)
    balanced = C45Classifier(class_weight="balanced").fit(X, y)
    np.testing.assert_allclose(balanced.tree_.value[0], [300, 300])
    assert balanced.predict_proba(X)[:, 1].mean() > plain.predict_proba(X)[:, 1].mean()


def test_categorical_features_by_name_index_and_mask():
    X, y = play_tennis()
    codes = X.apply(lambda c: pd.factorize(c)[0]).astype(float)
    by_name = C45Classifier(
        categorical_features=["outlook", "humidity", "temperature", "windy"]
    ).fit(codes, y)
    by_index = C45Classifier(categorical_features=[0, 1, 2, 3]).fit(codes, y)
    by_mask = C45Classifier(categorical_features=[True] * 4).fit(codes.to_numpy(), y)
    for model in (by_name, by_index, by_mask):
        assert model._columns.is_nominal.all()
        assert model.tree_.gain[0] == pytest.approx(0.2467, abs=1e-4)


def test_feature_importances_are_normalised_information_gain():
    X, y = load_iris(return_X_y=True)
    model = C45Classifier().fit(X, y)
    imp = model.feature_importances_
    assert imp.sum() == pytest.approx(1.0)
    tree = model.tree_
    internal = tree.feature >= 0
    total = (tree.gain * tree.weighted_n_node_samples)[internal]
    expected = np.bincount(tree.feature[internal], weights=total, minlength=4)
    np.testing.assert_allclose(imp, expected / expected.sum())


def test_sklearn_tools_work_together():
    X, y = load_iris(return_X_y=True)
    scores = cross_val_score(C45Classifier(), X, y, cv=5, scoring="neg_log_loss")
    assert np.isfinite(scores).all() and (scores < 0).all()
    grid = GridSearchCV(C45Classifier(), {"confidence": [0.1, 0.25]}, cv=3).fit(X, y)
    assert grid.best_params_["confidence"] in (0.1, 0.25)
    pipe = Pipeline([("identity", FunctionTransformer()), ("tree", ID3Classifier())])
    assert pipe.fit(X, y).score(X, y) == 1.0
    calibrated = CalibratedClassifierCV(C45Classifier(), cv=3).fit(X, y)
    np.testing.assert_allclose(calibrated.predict_proba(X).sum(axis=1), 1.0)
    model = C45Classifier().fit(X, y)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(model)).predict_proba(X), model.predict_proba(X)
    )
    assert clone(model).get_params() == model.get_params()


def test_column_transformer_with_nominal_columns():
    X, y = play_tennis()
    pre = ColumnTransformer(
        [("keep", "passthrough", ["outlook", "windy"])], verbose_feature_names_out=False
    )
    pre.set_output(transform="pandas")
    pipe = Pipeline([("select", pre), ("tree", C45Classifier(min_samples_leaf=1))])
    pipe.fit(X, y)
    assert list(pipe[-1].feature_names_in_) == ["outlook", "windy"]


def test_feature_names_and_shape_checked_at_predict():
    X, y = play_tennis()
    model = C45Classifier().fit(X, y)
    assert list(model.feature_names_in_) == list(X.columns)
    with pytest.raises(ValueError, match="feature names"):
        model.predict(X[["windy", "outlook", "temperature", "humidity"]])
    Xn, yn = load_iris(return_X_y=True)
    fitted = C45Classifier().fit(Xn, yn)
    with pytest.raises(ValueError, match="4 features"):
        fitted.predict(Xn[:, :3])


def test_error_messages():
    X, y = load_iris(return_X_y=True)
    bad = X.copy()
    bad[0, 2] = np.inf
    with pytest.raises(ValueError, match="infinity in column 'x2'"):
        C45Classifier().fit(bad, y)
    with pytest.raises(ValueError, match="only one class"):
        C45Classifier().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="NaN"):
        C45Classifier().fit(X, np.where(np.arange(150) == 3, np.nan, y))
    with pytest.raises(ValueError, match="0 sample"):
        C45Classifier().fit(X[:0], y[:0])
    frame = pd.DataFrame({"when": pd.date_range("2020", periods=150), "x": X[:, 0]})
    with pytest.raises(ValueError, match="'when'.*neither numeric nor nominal"):
        C45Classifier().fit(frame, y)
    with pytest.raises(ValueError, match="categorical_features names column 'nope'"):
        C45Classifier(categorical_features=["nope"]).fit(frame[["x"]], y)
    with pytest.raises(ValueError, match="at least one non-zero"):
        C45Classifier().fit(X, y, sample_weight=np.zeros(150))
    with pytest.raises(TypeError, match="'x1' holds non-numeric values"):
        C45Classifier().fit(np.array([["a", {}]] * 4, dtype=object), [0, 1, 0, 1])


def test_categorical_columns_encode_by_value_whatever_their_category_order():
    # Rows are matched to the learned categories by value: a predict frame whose
    # categorical dtype lists them in another order or has extra categories, or
    # plain text, must give the same probabilities.
    rng = np.random.default_rng(3)
    n = 300
    colour = rng.choice(["red", "green", "blue"], n)
    size = rng.normal(size=n)
    y = np.where(colour == "red", "a", np.where(size > 0, "b", "c"))
    train = pd.DataFrame(
        {
            "colour": pd.Categorical(colour, categories=["blue", "green", "red"]),
            "size": size,
        }
    )
    model = C45Classifier(soft_thresholds=0.0).fit(train, y)
    test_colour = np.r_[colour[:50], ["violet", "red"]]
    test_size = np.r_[size[:50], [0.5, -0.5]]
    as_text = model.predict_proba(
        pd.DataFrame({"colour": test_colour.astype(object), "size": test_size})
    )
    for categories in (
        ["red", "green", "blue", "violet"],
        ["violet", "blue", "green", "red"],
        ["yellow", "red", "violet", "blue", "green"],
    ):
        frame = pd.DataFrame(
            {
                "colour": pd.Categorical(test_colour, categories=categories),
                "size": test_size,
            }
        )
        np.testing.assert_allclose(model.predict_proba(frame), as_text)
    # an unseen category is spread over the branches, as a missing value is
    missing = pd.DataFrame({"colour": [None], "size": [0.5]})
    np.testing.assert_allclose(as_text[50], model.predict_proba(missing)[0])
