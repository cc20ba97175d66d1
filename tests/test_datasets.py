"""Tests of entree.datasets: the loaders' contract, the data, and models fit on it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.utils import Bunch

from entree import C45Classifier, ID3Classifier
from entree import datasets as ds

# name: (rows, features, nominal features, classes, missing feature cells)
EXPECTED = {
    "play_tennis": (14, 4, 4, ["no", "yes"], 0),
    "play_tennis_numeric": (14, 4, 2, ["no", "yes"], 0),
    "contact_lenses": (24, 4, 4, ["hard", "none", "soft"], 0),
    "iris": (150, 4, 0, ["setosa", "versicolor", "virginica"], 0),
    "vote": (435, 16, 16, ["democrat", "republican"], 392),
    "breast_cancer": (286, 9, 9, ["no-recurrence-events", "recurrence-events"], 9),
    "penguins": (344, 6, 2, ["Adelie", "Chinstrap", "Gentoo"], 19),
}
LOADERS = {name: getattr(ds, f"load_{name}") for name in EXPECTED}


def test_list_datasets_names_every_loader():
    listing = ds.list_datasets()
    assert list(listing) == list(EXPECTED)
    for name, description in listing.items():
        assert isinstance(description, str) and 20 < len(description) < 120
        assert "\n" not in description
        assert hasattr(ds, f"load_{name}")


@pytest.mark.parametrize("name", EXPECTED)
def test_bunch_as_arrays(name):
    n_rows, n_features, n_nominal, classes, n_missing = EXPECTED[name]
    bunch = LOADERS[name]()
    assert isinstance(bunch, Bunch)
    assert bunch.data.shape == (n_rows, n_features)
    assert bunch.data.dtype == np.float64
    assert int(np.isnan(bunch.data).sum()) == n_missing
    assert bunch.target.shape == (n_rows,)
    assert bunch.target.dtype.kind == "i"
    assert set(np.unique(bunch.target)) == set(range(len(classes)))
    assert bunch.target_names.tolist() == classes
    assert len(bunch.feature_names) == n_features
    assert bunch.frame is None
    assert bunch.categorical_features.dtype == bool
    assert int(bunch.categorical_features.sum()) == n_nominal
    for j, levels in enumerate(bunch.categories):
        assert (levels is not None) == bunch.categorical_features[j]
        if levels is not None:  # codes index the levels
            codes = bunch.data[:, j][~np.isnan(bunch.data[:, j])]
            assert set(codes) <= set(range(len(levels)))
            assert np.array_equal(codes, codes.astype(int))
    assert bunch.filename == f"{name}.csv"
    assert "Licence:" in bunch.DESCR and "Source:" in bunch.DESCR


@pytest.mark.parametrize("name", EXPECTED)
def test_bunch_as_frame(name):
    n_rows, n_features, n_nominal, classes, n_missing = EXPECTED[name]
    bunch = LOADERS[name](as_frame=True)
    assert isinstance(bunch.data, pd.DataFrame)
    assert bunch.data.shape == (n_rows, n_features)
    assert list(bunch.data.columns) == bunch.feature_names
    kinds = [
        "nominal" if isinstance(dtype, pd.CategoricalDtype) else str(dtype)
        for dtype in bunch.data.dtypes
    ]
    assert kinds.count("nominal") == n_nominal
    assert set(kinds) <= {"nominal", "float64"}
    assert int(bunch.data.isna().sum().sum()) == n_missing
    assert isinstance(bunch.target.dtype, pd.CategoricalDtype)
    assert list(bunch.target.cat.categories) == classes
    assert bunch.target.notna().all()
    assert list(bunch.frame.columns) == bunch.feature_names + ["class"]
    # the frame and the arrays hold the same data
    arrays = LOADERS[name]()
    assert np.array_equal(np.asarray(bunch.target.cat.codes), arrays.target)
    for j, column in enumerate(bunch.feature_names):
        values = bunch.data[column]
        expected = (
            values.cat.codes.replace(-1, np.nan).to_numpy(dtype=float)
            if isinstance(values.dtype, pd.CategoricalDtype)
            else values.to_numpy()
        )
        np.testing.assert_array_equal(expected, arrays.data[:, j])


@pytest.mark.parametrize("as_frame", [False, True])
def test_return_X_y(as_frame):
    X, y = ds.load_vote(return_X_y=True, as_frame=as_frame)
    bunch = ds.load_vote(as_frame=as_frame)
    assert type(X) is type(bunch.data) and type(y) is type(bunch.target)
    assert X.shape == (435, 16) and len(y) == 435


def test_nominal_levels_stay_text():
    # "1"/"2"/"3" and "TRUE"/"FALSE" are labels, not numbers or booleans
    cancer = ds.load_breast_cancer(as_frame=True).data
    assert list(cancer["deg-malig"].cat.categories) == ["1", "2", "3"]
    tennis = ds.load_play_tennis(as_frame=True).data
    assert list(tennis["windy"].cat.categories) == ["TRUE", "FALSE"]
    assert list(tennis["outlook"].cat.categories) == ["sunny", "overcast", "rainy"]


def test_play_tennis_values():
    X, y = ds.load_play_tennis_numeric(return_X_y=True, as_frame=True)
    assert X["temperature"].iloc[0] == 85.0 and X["humidity"].iloc[0] == 85.0
    assert y.value_counts().to_dict() == {"yes": 9, "no": 5}


def test_load_dataset_and_unknown_name():
    X, y = ds.load_dataset("iris", return_X_y=True)
    assert X.shape == (150, 4)
    with pytest.raises(ValueError, match="Unknown dataset 'titanic'.*vote"):
        ds.load_dataset("titanic")
    with pytest.raises(ValueError, match="Unknown dataset"):
        ds.dataset_info("nope")


def test_dataset_info_is_a_copy_with_provenance():
    info = ds.dataset_info("penguins")
    assert info["license"].startswith("CC0")
    for name in EXPECTED:
        meta = ds.dataset_info(name)
        assert meta["license"] and meta["source"] and meta["citation"]
        assert meta["n_rows"] == EXPECTED[name][0]
    info["classes"].append("Emperor")
    assert ds.dataset_info("penguins")["classes"] == ["Adelie", "Chinstrap", "Gentoo"]


def test_loaders_return_fresh_objects():
    first = ds.load_penguins(as_frame=True)
    first.data.iloc[0, 1] = -1.0
    assert ds.load_penguins(as_frame=True).data.iloc[0, 1] == 39.1


def test_quinlan_tree_from_play_tennis():
    X, y = ds.load_play_tennis(return_X_y=True, as_frame=True)
    model = C45Classifier().fit(X, y)
    report = model.split_report()
    assert report["feature"].iloc[0] == "outlook"
    assert model.tree_.gain[0] == pytest.approx(0.2467, abs=1e-4)
    # Quinlan's tree separates the 14 days: every leaf holds one class
    leaves = model.tree_.value[model.tree_.is_leaf]
    assert ((leaves > 0).sum(axis=1) == 1).all()


@pytest.mark.parametrize("name", EXPECTED)
def test_models_fit_frames_and_arrays_alike(name):
    frame = LOADERS[name](as_frame=True)
    arrays = LOADERS[name]()
    on_frame = ID3Classifier().fit(frame.data, frame.target)
    on_arrays = ID3Classifier(categorical_features=arrays.categorical_features).fit(
        arrays.data, arrays.target
    )
    # the same splits, gains and leaf counts whichever form is used
    np.testing.assert_allclose(on_frame.tree_.gain, on_arrays.tree_.gain)
    np.testing.assert_allclose(on_frame.tree_.value, on_arrays.tree_.value)
    proba = on_frame.predict_proba(frame.data)
    np.testing.assert_allclose(proba, on_arrays.predict_proba(arrays.data))
    assert set(on_frame.classes_) == set(frame.target_names)


def test_missing_values_reach_the_model():
    X, y = ds.load_vote(return_X_y=True, as_frame=True)
    model = C45Classifier().fit(X, y)
    row = X[X[model.split_report()["feature"].iloc[0]].isna()].iloc[[0]]
    explanation = model.explain(row)[0]
    assert explanation.steps[0].spread


def test_data_files_are_package_resources():
    from importlib import resources

    folder = resources.files("entree").joinpath("data")
    names = {entry.name for entry in folder.iterdir()}
    for name in EXPECTED:
        assert f"{name}.csv" in names and f"{name}.json" in names
    total = sum(
        folder.joinpath(n).read_bytes().__len__() for n in names if n[-4:] == ".csv"
    )
    assert total < 1_000_000
