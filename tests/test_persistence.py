"""Tests for entree._persistence: JSON save/load, exact round trips, tampering."""

from __future__ import annotations

import copy
import json
import pickle
import re

import numpy as np
import pandas as pd
import pytest
from _bench import benchdata  # noqa: E402
from numpy.testing import assert_array_equal
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError

from entree import C45Classifier, ID3Classifier
from entree._persistence import (
    ModelFileError,
    from_dict,
    load_model,
    save_model,
    to_dict,
)
from entree.tree._export import export_text
from entree.tree._inspect import split_report


def _assert_same_model(loaded, model, X):
    assert type(loaded) is type(model)
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.classes_, model.classes_)
    assert loaded.classes_.dtype == model.classes_.dtype
    assert loaded.n_classes_ == model.n_classes_
    assert loaded.n_features_in_ == model.n_features_in_
    if hasattr(model, "feature_names_in_"):
        np.testing.assert_array_equal(loaded.feature_names_in_, model.feature_names_in_)
    else:
        assert not hasattr(loaded, "feature_names_in_")
    for name in ("feature", "threshold", "children_ptr", "children", "value", "gain"):
        np.testing.assert_array_equal(
            getattr(loaded.tree_, name), getattr(model.tree_, name)
        )
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert np.array_equal(loaded.predict(X), model.predict(X))


def test_round_trip_every_benchmark_dataset(tmp_path):
    for name in benchdata.names():
        X, y, _ = benchdata.load(name)
        model = C45Classifier().fit(X, y)
        path = tmp_path / f"{name}.json"
        save_model(model, path)
        loaded = load_model(path)
        _assert_same_model(loaded, model, X)
        for j, categories in enumerate(model._columns.categories):
            if categories is None:
                assert loaded._columns.categories[j] is None
            else:
                assert loaded._columns.categories[j].tolist() == categories.tolist()
        pd.testing.assert_frame_equal(split_report(loaded), split_report(model))


@pytest.mark.parametrize("name", ["vote", "soybean", "breast_cancer", "penguins"])
def test_round_trip_id3_with_missing_values(tmp_path, name):
    X, y, _ = benchdata.load(name)
    model = ID3Classifier().fit(X, y)
    path = tmp_path / "model.json"
    save_model(model, path)
    _assert_same_model(load_model(path), model, X)
    with_missing = X[X.isna().any(axis=1)]
    assert len(with_missing) > 0
    np.testing.assert_array_equal(
        load_model(path).predict_proba(with_missing), model.predict_proba(with_missing)
    )


@pytest.mark.parametrize(
    "labels",
    [
        np.array([3, 7, 3, 7, 3, 7, 3, 7]),
        np.array([1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0]),
        np.array([True, False] * 4),
        np.array(["a", "bb"] * 4),
        np.array(["a", "bb"] * 4, dtype=object),
    ],
    ids=["int", "float", "bool", "str", "object"],
)
def test_typed_classes_and_categories_round_trip(tmp_path, labels):
    X = pd.DataFrame(
        {
            "ints": pd.Categorical([1, 2, 1, 2, 1, 2, 2, 1]),
            "floats": pd.Categorical([0.25, 2.5] * 4),
            "bools": [True, False, True, False, True, False, False, True],
            "strs": ["x", "y", "x", "y", "x", "y", "y", "x"],
            "number": np.arange(8.0),
        }
    )
    model = C45Classifier(min_samples_leaf=1).fit(X, labels)
    path = tmp_path / "typed.json"
    save_model(model, path)
    loaded = load_model(path)
    _assert_same_model(loaded, model, X)
    assert [type(v) for v in loaded.classes_.tolist()] == [
        type(v) for v in model.classes_.tolist()
    ]
    expected_types = {"ints": int, "floats": float, "bools": bool, "strs": str}
    for j, column in enumerate(X.columns[:4]):
        values = loaded._columns.categories[j].tolist()
        assert values == model._columns.categories[j].tolist()
        assert {type(v) for v in values} == {expected_types[column]}
    document = json.loads(path.read_text())
    assert document["columns"]["categories"][0] == [1, 2]
    assert document["columns"]["categories"][1] == [0.25, 2.5]
    assert document["columns"]["categories"][2] == [False, True]


def test_params_with_dict_and_list_values_round_trip(tmp_path):
    X, y = load_iris(return_X_y=True)
    model = C45Classifier(
        class_weight={0: 1.0, 1: 2.0, 2: 0.5},
        categorical_features=[False, False, False, False],
        max_depth=3,
        pruning=None,
    ).fit(X, y)
    path = tmp_path / "params.json"
    save_model(model, path)
    loaded = load_model(path)
    assert loaded.class_weight == {0: 1.0, 1: 2.0, 2: 0.5}
    assert [type(k) for k in loaded.class_weight] == [int, int, int]
    assert loaded.categorical_features == [False, False, False, False]
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    # a loaded model can be refitted like any estimator
    refitted = loaded.fit(X, y)
    assert np.array_equal(refitted.predict_proba(X), model.predict_proba(X))


def test_file_is_standard_json_and_non_finite_floats_are_tagged(tmp_path):
    X, y = load_iris(return_X_y=True)
    model = C45Classifier().fit(X, y)
    leaf = int(np.flatnonzero(model.tree_.is_leaf)[0])
    model.tree_.threshold[leaf] = np.nan  # leaves ignore their threshold
    path = tmp_path / "nan.json"
    save_model(model, path)
    text = path.read_text()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text)["tree"]["threshold"][leaf] == {"float": "nan"}
    loaded = load_model(path)
    assert np.isnan(loaded.tree_.threshold[leaf])
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_to_dict_from_dict_without_a_file():
    X, y = load_iris(return_X_y=True)
    model = ID3Classifier().fit(X, y)
    document = to_dict(model)
    assert document["format"] == "entree-model"
    assert document["format_version"] == 1
    assert document["estimator"] == "ID3Classifier"
    assert document["classes"] == {"dtype": "<i8", "values": [0, 1, 2]}
    assert document["feature_names_in"] is None
    loaded = from_dict(json.loads(json.dumps(document, allow_nan=False)))
    assert isinstance(loaded, ID3Classifier)
    _assert_same_model(loaded, model, X)


def test_fitted_min_samples_leaf_round_trips_and_older_files_take_the_param():
    from entree.datasets import load_penguins

    X, y = load_penguins(return_X_y=True, as_frame=True)
    model = C45Classifier().fit(X, y)  # "auto" chooses 1 here
    document = to_dict(model)
    assert document["fitted"]["min_samples_leaf_"] == model.min_samples_leaf_ == 1.0
    loaded = from_dict(json.loads(json.dumps(document)))
    assert loaded.min_samples_leaf_ == 1.0
    assert loaded.rank_splits(X, y).equals(model.rank_splits(X, y))
    # files written before min_samples_leaf could be "auto" hold a number in params
    older = copy.deepcopy(document)
    del older["fitted"]["min_samples_leaf_"]
    older["params"]["min_samples_leaf"] = 2
    assert from_dict(older).min_samples_leaf_ == 2.0
    del document["fitted"]["min_samples_leaf_"]  # "auto" and no fitted value
    with pytest.raises(ModelFileError, match="got 'auto'"):
        from_dict(document)


def test_files_without_soft_min_change_predict_as_when_saved():
    from sklearn.datasets import make_classification

    X, y = make_classification(900, n_features=6, n_informative=4, random_state=3)
    model = C45Classifier(soft_thresholds=0.6).fit(X[:600], y[:600])
    document = to_dict(model)
    assert document["params"]["soft_min_change"] == model.soft_min_change > 0
    loaded = from_dict(json.loads(json.dumps(document)))
    assert_array_equal(loaded.predict_proba(X[600:]), model.predict_proba(X[600:]))
    # a file written before the parameter existed: no side was dropped by it
    older = copy.deepcopy(document)
    del older["params"]["soft_min_change"]
    old_model = from_dict(older)
    assert old_model.soft_min_change == 0.0
    model.set_params(soft_min_change=0.0)
    assert_array_equal(old_model.predict_proba(X[600:]), model.predict_proba(X[600:]))
    assert not np.array_equal(
        old_model.predict_proba(X[600:]), loaded.predict_proba(X[600:])
    )


def test_save_needs_a_fitted_entree_model(tmp_path):
    with pytest.raises(NotFittedError):
        save_model(C45Classifier(), tmp_path / "m.json")
    with pytest.raises(
        TypeError, match="saves a fitted C45Classifier or ID3Classifier, not a object"
    ):
        save_model(object(), tmp_path / "m.json")


def test_save_refuses_labels_json_cannot_hold(tmp_path):
    X = pd.DataFrame(
        {"day": pd.Categorical(pd.to_datetime(["2024-01-01", "2024-01-02"] * 3))}
    )
    model = C45Classifier(min_samples_leaf=1).fit(X, [0, 1] * 3)
    with pytest.raises(ValueError, match="Cannot save category .* of type datetime"):
        save_model(model, tmp_path / "m.json")


# -- tampered and foreign files -----------------------------------------------------
@pytest.fixture(scope="module")
def weather_document():
    X, y, _ = benchdata.load("weather_nominal")
    return to_dict(C45Classifier().fit(X, y))


def _write(tmp_path, document) -> str:
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(document))
    return path


def _edit(document, change):
    edited = copy.deepcopy(document)
    change(edited)
    return edited


def _swap_children(d):
    # node 0 lists node 6 and node 3 lists node 2: a child below its parent's id
    d["tree"]["children"] = [1, 6, 3, 4, 5, 2, 7]
    d["tree"]["branch_category"][2] = 0  # the categories travel with the nodes
    d["tree"]["branch_category"][6] = 1


TAMPERING = [
    (lambda d: d.update(format="sklearn-model"), "not an entree model: 'format' is"),
    (lambda d: d.update(format_version=2), "format_version 2 is newer"),
    (lambda d: d.pop("tree"), "the model has no 'tree' key"),
    (lambda d: d["tree"].pop("gain"), "tree has no 'gain' key"),
    (lambda d: d.update(n_features_in="4"), r"\['n_features_in'\] must be an integer"),
    (lambda d: d.update(estimator="Pipeline"), "estimator 'Pipeline' is not one of"),
    (lambda d: d["params"].update(max_depth=-3), "params: The 'max_depth' parameter"),
    (lambda d: d["params"].update(colour="red"), "params: Invalid parameter 'colour'"),
    (lambda d: d["classes"].update(dtype="<V8"), "expected a str, int, float, bool"),
    (lambda d: d["classes"].update(dtype="nonsense"), "not a numpy dtype"),
    (
        lambda d: d["classes"].update(values=["no"]),
        "has 1 labels; a model has at least 2",
    ),
    (lambda d: d["classes"].update(values=["no", "no"]), "holds a label twice"),
    (lambda d: d["classes"].update(values=["no", [1]]), "labels must be strings"),
    (
        lambda d: d["tree"]["threshold"].pop(),
        r"tree\['threshold'\] has 7 entries; expected 8",
    ),
    (
        lambda d: d["tree"]["value"][0].append(1.0),
        r"tree\['value'\]\[0\] has 3 entries; expected 2",
    ),
    (
        lambda d: d["tree"]["children"].pop(),
        r"tree\['children'\] has 6 entries; expected 7",
    ),
    (
        lambda d: d["tree"]["feature"].__setitem__(0, 1.5),
        r"tree\['feature'\]\[0\] is 1.5",
    ),
    (
        lambda d: d["tree"]["feature"].__setitem__(0, 9),
        r"tree\['feature'\]\[0\] is 9, outside 0..3",
    ),
    (
        lambda d: d["tree"]["feature"].__setitem__(2, 0),
        "node 2 splits on feature 0 but has no children",
    ),
    (
        lambda d: d["tree"]["feature"].__setitem__(1, -2),
        "node 1 is a leaf but has children",
    ),
    (_swap_children, "a child's id must be greater than its parent's"),
    (
        lambda d: d["tree"]["children"].__setitem__(0, 9),
        r"holds a node id outside 1..7",
    ),
    (lambda d: d["tree"]["children"].__setitem__(1, 1), "lists a node twice"),
    (lambda d: d["tree"]["children_ptr"].__setitem__(0, 1), "must rise from 0"),
    (
        lambda d: d["tree"]["branch_category"].__setitem__(1, 5),
        "category code outside 0..2",
    ),
    (
        lambda d: d["tree"]["branch_category"].__setitem__(2, 0),
        "two branches for one category",
    ),
    (
        lambda d: d["tree"]["value"][0].__setitem__(0, -5.0),
        r"tree\['value'\] holds a negative",
    ),
    (
        lambda d: d["tree"]["gain"].__setitem__(0, {"float": "inf"}),
        r"tree\['gain'\] holds a value that is not finite",
    ),
    (
        lambda d: d["tree"]["gain"].__setitem__(0, "big"),
        r"tree\['gain'\]\[0\] holds 'big'",
    ),
    (
        lambda d: d["tree"]["gain"].__setitem__(0, True),
        "holds a boolean where a number",
    ),
    (lambda d: d["tree"].update(node_count=0), "a tree has at least one node"),
    (lambda d: d["node_proba"][3].__setitem__(0, 0.9), r"node_proba\[3\] sums to"),
    (
        lambda d: d["node_proba"][0].__setitem__(0, {"float": "nan"}),
        "node_proba holds a value that is not a finite",
    ),
    (lambda d: d["node_proba"].pop(), "node_proba has 7 entries; expected 8"),
    (lambda d: d.pop("node_proba"), "the model has no 'node_proba' key"),
    (
        lambda d: d["columns"]["categories"].pop(),
        r"columns\['categories'\] has 3 entries; expected 4",
    ),
    (lambda d: d["columns"]["categories"][0].append("sunny"), "holds a category twice"),
    (lambda d: d["columns"]["categories"][0].pop(), "category code outside 0..1"),
    (
        lambda d: d["columns"]["categories"].__setitem__(0, None),
        "must be a list: feature 'outlook' is nominal",
    ),
    (lambda d: d["columns"]["is_nominal"].__setitem__(0, 1), "must hold booleans"),
    (
        lambda d: d["columns"]["feature_names"].__setitem__(0, "view"),
        "feature_names_in does not match",
    ),
    (
        lambda d: d.update(feature_names_in="outlook"),
        "feature_names_in must be null or a list",
    ),
    (
        lambda d: d["params"].update(class_weight={"yes": 2}),
        r"is an object but not a \{'dict'",
    ),
    (
        lambda d: d["fitted"].update(min_samples_leaf_=-1),
        r"fitted\['min_samples_leaf_'\] must be a positive number, got -1.0",
    ),
    (
        lambda d: d["fitted"].update(min_samples_leaf_="auto"),
        r"fitted\['min_samples_leaf_'\] must be a positive number, got 'auto'",
    ),
]


@pytest.mark.parametrize(("change", "message"), TAMPERING)
def test_tampered_files_are_refused_with_a_clear_message(
    tmp_path, weather_document, change, message
):
    path = _write(tmp_path, _edit(weather_document, change))
    with pytest.raises(ModelFileError, match=message) as info:
        load_model(path)
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(str(path))
    assert isinstance(info.value, ValueError)


def test_untampered_document_loads(tmp_path, weather_document):
    X, y, _ = benchdata.load("weather_nominal")
    loaded = load_model(_write(tmp_path, weather_document))
    # fit is deterministic: the fixture's model predicts what a refit one does
    refit = C45Classifier().fit(X, y)
    np.testing.assert_array_equal(loaded.predict_proba(X), refit.predict_proba(X))
    assert loaded.predict(X).tolist() == refit.predict(X).tolist()


def test_foreign_and_broken_files(tmp_path, weather_document):
    truncated = tmp_path / "truncated.json"
    truncated.write_text(json.dumps(weather_document)[:500])
    with pytest.raises(ModelFileError, match=r"not valid JSON \(.* at line 1, column"):
        load_model(truncated)

    other = tmp_path / "other.json"
    other.write_text(json.dumps({"name": "not a model", "values": [1, 2]}))
    with pytest.raises(ModelFileError, match="not an entree model: 'format' is None"):
        load_model(other)

    array = tmp_path / "array.json"
    array.write_text("[1, 2, 3]")
    with pytest.raises(ModelFileError, match="is a JSON object, not list"):
        load_model(array)

    pickled = tmp_path / "model.pkl"
    X, y = load_iris(return_X_y=True)
    pickled.write_bytes(pickle.dumps(C45Classifier().fit(X, y)))
    with pytest.raises(ModelFileError, match="a pickle file, not an entree model"):
        load_model(pickled)

    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ModelFileError, match="not UTF-8 text"):
        load_model(binary)

    nan_literal = tmp_path / "nan.json"
    document = copy.deepcopy(weather_document)
    nan_literal.write_text(
        json.dumps(document).replace('"gain": [', '"gain": [NaN, ', 1)
    )
    with pytest.raises(ModelFileError, match="non-standard number NaN"):
        load_model(nan_literal)

    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.json")


def test_from_dict_errors_name_the_problem(weather_document):
    with pytest.raises(ModelFileError, match=re.escape("is a JSON object, not str")):
        from_dict("model")
    with pytest.raises(ModelFileError, match="^tree has no 'impurity' key.$"):
        from_dict(_edit(weather_document, lambda d: d["tree"].pop("impurity")))


# -- whatever the bytes, only ModelFileError ------------------------------------------
def test_deeply_nested_json_is_a_model_file_error(tmp_path):
    path = tmp_path / "nested.json"
    path.write_text(
        '{"format": "entree-model", "tree": ' + "[" * 5000 + "]" * 5000 + "}"
    )
    with pytest.raises(ModelFileError, match="nested too deeply"):
        load_model(path)


def test_4400_digit_integer_is_a_model_file_error(tmp_path, weather_document):
    text = json.dumps(weather_document).replace(
        '"node_count": 8', '"node_count": ' + "9" * 4400, 1
    )
    assert "9" * 4400 in text
    path = tmp_path / "digits.json"
    path.write_text(text)
    with pytest.raises(ModelFileError, match="not valid JSON.*digits"):
        load_model(path)


HUGE_INTEGERS = [
    (lambda d: d["tree"]["feature"].__setitem__(0, 2**70), r"tree\['feature'\]\[0\]"),
    (lambda d: d["tree"]["children"].__setitem__(0, -(2**64)), r"tree\['children'\]"),
    (lambda d: d["tree"].update(node_count=2**80), "node_count"),
    (lambda d: d["tree"]["gain"].__setitem__(0, 10**400), r"tree\['gain'\]\[0\]"),
    (lambda d: d["node_proba"][0].__setitem__(0, 10**400), r"node_proba\[0\]\[0\]"),
    (
        lambda d: d["fitted"].update(soft_thresholds_=10**400),
        r"fitted\['soft_thresholds_'\]",
    ),
    (lambda d: d.update(format_version=-(10**400)), "format_version"),
    (lambda d: d["params"].update(max_bins=10**400), "params"),
]


@pytest.mark.parametrize(("change", "message"), HUGE_INTEGERS)
def test_integers_beyond_int64_are_model_file_errors(
    tmp_path, weather_document, change, message
):
    path = _write(tmp_path, _edit(weather_document, change))
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


def test_large_junk_is_refused_after_a_bounded_read(tmp_path):
    import tracemalloc

    junk = tmp_path / "junk.json"
    with open(junk, "w") as file:
        file.write('{"values": [')
        file.write("1234567, " * (4 << 20))  # 36 MB of valid-looking JSON
        file.write("0]}")
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match="not an entree model.*first 1 MiB"):
            load_model(junk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20


def test_files_above_max_bytes_are_refused(tmp_path, weather_document):
    path = _write(tmp_path, weather_document)
    size = path.stat().st_size
    with pytest.raises(ModelFileError, match=f"{size:,} bytes.*max_bytes=1,000"):
        load_model(path, max_bytes=1000)
    assert load_model(path, max_bytes=size).tree_.node_count == 8


JUNK = [
    2**70,
    -(2**70),
    10**400,
    -1,
    0,
    1,
    2,
    1e308,
    -1e308,
    5e-324,
    0.5,
    "x",
    "",
    None,
    True,
    [],
    {},
    [1],
    {"float": "nan"},
    {"float": "inf"},
    {"float": "-inf"},
]


def _leaves(node, path=()):
    """Paths to every scalar and container inside a JSON document."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, i))


def _replace(document, path, value):
    edited = copy.deepcopy(document)
    target = edited
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return edited


@pytest.fixture(scope="module")
def soft_iris():
    X, y = load_iris(return_X_y=True)
    return X, to_dict(C45Classifier(soft_thresholds=0.3).fit(X, y))


@pytest.mark.parametrize("seed", range(4))
def test_any_edit_loads_a_working_model_or_raises_model_file_error(
    tmp_path, weather_document, soft_iris, seed
):
    X_iris, iris_document = soft_iris
    X_weather, _, _ = benchdata.load("weather_nominal")
    rng = np.random.default_rng(seed)
    for document, X in ((weather_document, X_weather), (iris_document, X_iris)):
        paths = [p for p in _leaves(document) if p]
        for _ in range(150):
            path = paths[rng.integers(len(paths))]
            edited = _replace(document, path, JUNK[rng.integers(len(JUNK))])
            file = tmp_path / "edited.json"
            file.write_text(json.dumps(edited))
            try:
                model = load_model(file)
            except ModelFileError:
                continue
            if path[:2] == ("columns", "categories"):
                # a valid model whose categories no longer have X's type: predict
                # refuses X, naming the column
                try:
                    proba = model.predict_proba(X)
                except ValueError as error:
                    assert "which equals none of them" in str(error), path
                    continue
            else:
                proba = model.predict_proba(X)
            assert np.isfinite(proba).all(), path
            np.testing.assert_allclose(proba.sum(axis=1), 1.0, err_msg=str(path))
            export_text(model, show_gain=True)


def _band_overflow(d):
    d["tree"]["threshold"][0] = 1.7e308
    d["tree"]["soft_width"][0] = 1e308


def _zero_branch_weights(d):
    d["tree"]["branch_weight"][1] = 0.0
    d["tree"]["branch_weight"][2] = 0.0


BROKEN_DERIVED = [
    (_band_overflow, r"soft band of node 0 .*float range"),
    (_zero_branch_weights, r"branch_weight.*node 0 sum to 0\.0, not 1"),
    (
        lambda d: d["tree"]["value"].__setitem__(0, [1e308, 1e308, 1e308]),
        r"tree\['value'\]: the class counts of node 0 sum beyond",
    ),
    (
        lambda d: d["tree"]["gain"].__setitem__(0, 1e308),
        r"tree\['gain'\] times the node weights overflows",
    ),
]


@pytest.mark.parametrize(("change", "message"), BROKEN_DERIVED)
def test_files_that_would_break_predict_or_export_are_refused(
    tmp_path, soft_iris, change, message
):
    X, document = soft_iris
    edited = _edit(document, change)
    with pytest.raises(ModelFileError, match=message):
        load_model(_write(tmp_path, edited))


def test_saving_a_pipeline_says_what_is_supported(tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    X, y = load_iris(return_X_y=True)
    pipeline = make_pipeline(OneHotEncoder(handle_unknown="ignore"), C45Classifier())
    pipeline.fit(X, y)
    path = tmp_path / "pipeline.json"
    message = (
        r"saves a fitted C45Classifier or ID3Classifier, not a Pipeline.*"
        r"OneHotEncoder.*pipeline\[-1\]"
    )
    with pytest.raises(TypeError, match=message):
        save_model(pipeline, path)
    assert not path.exists()
    save_model(pipeline[-1], path)  # the tree alone, on the encoded columns
    loaded = load_model(path)
    encoded = pipeline[0].transform(X)
    np.testing.assert_array_equal(
        loaded.predict_proba(encoded), pipeline.predict_proba(X)
    )
