"""Save a fitted entree tree to a JSON file and load it back, without pickle.

A model file is plain JSON (UTF-8, standard: no ``NaN`` or ``Infinity`` literals)
holding one object with these keys:

``format`` : str
    Always ``"entree-model"``.
``format_version`` : int
    Version of this schema, currently ``1``. A file from a newer version is refused.
``entree_version`` : str
    Version of entree that wrote the file (informational).
``estimator`` : str
    ``"C45Classifier"`` or ``"ID3Classifier"``.
``params`` : object
    ``get_params()`` of the estimator. Values are JSON scalars; a list or array
    parameter (``categorical_features``) is a list; a dict (``class_weight``) is
    ``{"dict": [[key, value], ...]}`` so that its keys keep their types.
``classes`` : object
    ``{"dtype": <numpy dtype string of classes_, e.g. "<U3", "<i8">,
    "values": [labels]}``.
``n_features_in`` : int
    Number of features seen in fit.
``feature_names_in`` : list of str or null
    ``feature_names_in_`` when fit saw a DataFrame with string column names.
``columns`` : object
    ``{"feature_names": [str], "is_nominal": [bool], "categories": [null or
    [values]]}``: per feature, null for a numeric feature, else the category
    labels in code order (a child's ``branch_category`` indexes this list).
``tree`` : object
    ``node_count`` and one list per array of :class:`entree.tree.Tree`:
    ``feature``, ``threshold``, ``children_ptr``, ``children``,
    ``branch_category``, ``branch_weight``, ``value`` (a list of rows),
    ``n_node_samples``, ``impurity``, ``gain``, ``split_info``, ``gain_ratio``,
    ``soft_width`` (half-width of each numeric split's soft band, >= 0, 0 on
    leaves and nominal splits; optional, all zeros when absent).
``node_proba`` : list of lists
    The probabilities each node predicts, shape (node_count, n_classes).
``fitted`` : object, optional
    ``{"soft_thresholds_": float, "smoothing_strength_": float or null,
    "smoothing_": str, "min_samples_leaf_": float}``, the values fit chose (for
    "auto" parameters). ``smoothing_`` and ``min_samples_leaf_`` are optional:
    without them the ``smoothing`` / ``min_samples_leaf`` parameter is used
    (files written before those parameters could be "auto").

Labels and categories are JSON strings, integers, floats or booleans and come back
with exactly that Python type (numpy scalars are saved as the Python scalar they
hold; ``1`` and ``1.0`` stay distinct). Floats are written with Python's shortest
round-trip representation, so every number is restored bit for bit and a loaded
model's ``predict_proba`` is identical to the saved one's. A non-finite float is
written as ``{"float": "nan"}``, ``{"float": "inf"}`` or ``{"float": "-inf"}``.

:func:`load_model` checks the whole document (keys, types, array lengths, integers
within 64 bits, the tree's structure, feature and category indices, probabilities)
and the quantities prediction and export derive from it (node weights, feature
importances, branch shares summing to 1, soft bands inside the float range), and
raises :class:`ModelFileError`, a ``ValueError``, with a one-line message naming the
first problem found, whatever the bytes (JSON nested too deeply or numbers of too
many digits included). It refuses files over ``max_bytes`` (1 GiB by default), and
reads a file over 1 MiB beyond its first MiB only if that holds the format marker.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from entree._atomic import atomic_write
from entree.tree._classes import BaseEntropyTree, C45Classifier, ID3Classifier
from entree.tree._columns import ColumnSpec
from entree.tree._leaf_proba import SMOOTHING_METHODS
from entree.tree._tree import NODE_ARRAYS, OPTIONAL_NODE_ARRAYS, TREE_LEAF, Tree

__all__ = ["ModelFileError", "from_dict", "load_model", "save_model", "to_dict"]

FORMAT_NAME = "entree-model"
FORMAT_VERSION = 1

#: Parameters added after format 1 was written, with the value that reproduces
#: what a file without them predicted (the behaviour before they existed).
PARAMS_BEFORE_THEY_EXISTED = {"soft_min_change": 0.0}

_ESTIMATORS = {cls.__name__: cls for cls in (C45Classifier, ID3Classifier)}
_NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_INT_ARRAYS = (
    "feature",
    "children_ptr",
    "children",
    "branch_category",
    "n_node_samples",
)
_PROBA_TOLERANCE = 1e-9
_INT64 = (-(2**63), 2**63 - 1)
#: A file larger than this is only read on when its first MiB holds the format
#: marker that :func:`save_model` writes first.
_PREFIX_BYTES = 1 << 20
#: load_model's default size limit: about 7 million nodes of a binary tree
#: (a model file takes ~150 bytes per node, more with many classes).
DEFAULT_MAX_BYTES = 1 << 30
_DUST = 1e-6  # negative weights down to this are rounding, not tampering


class ModelFileError(ValueError):
    """A model file or document that is not a valid entree model."""


# -- writing ----------------------------------------------------------------------
def _plain_scalar(value, what: str):
    """The JSON-ready Python scalar for a label, category or parameter value."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (str, int)):
        return str(value) if isinstance(value, str) else int(value)
    if isinstance(value, float):
        return _plain_float(value)
    raise ValueError(
        f"Cannot save {what} {value!r} of type {type(value).__name__}; entree-model "
        "files hold str, int, float and bool values."
    )


def _plain_float(value: float):
    value = float(value)
    if math.isfinite(value):
        return value
    return {"float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}


def _float_list(array: np.ndarray):
    array = np.asarray(array, dtype=np.float64)
    if np.isfinite(array).all():
        return array.tolist()
    if array.ndim == 1:
        return [_plain_float(v) for v in array.tolist()]
    return [_float_list(row) for row in array]


def _encode_param(value, name: str):
    if isinstance(value, dict):
        return {
            "dict": [
                [_plain_scalar(k, f"a key of {name}"), _plain_scalar(v, name)]
                for k, v in value.items()
            ]
        }
    if isinstance(value, (list, tuple, np.ndarray, pd.Index)):
        return [_plain_scalar(v, f"an entry of {name}") for v in list(value)]
    return _plain_scalar(value, f"parameter {name}")


def to_dict(model) -> dict:
    """A fitted C45Classifier or ID3Classifier as a JSON-ready dict.

    Parameters
    ----------
    model : C45Classifier or ID3Classifier
        A fitted entropy tree.

    Returns
    -------
    document : dict
        The model in the ``entree-model`` format described in this module; only
        dicts, lists, str, int, float, bool and None, with no non-finite float.

    See Also
    --------
    from_dict : the inverse.
    save_model : write the document to a file.

    Examples
    --------
    >>> import json
    >>> from sklearn.datasets import load_iris
    >>> from entree import C45Classifier
    >>> from entree._persistence import from_dict, to_dict
    >>> X, y = load_iris(return_X_y=True)
    >>> model = C45Classifier().fit(X, y)
    >>> document = json.loads(json.dumps(to_dict(model)))
    >>> document["format"], document["estimator"], document["tree"]["node_count"]
    ('entree-model', 'C45Classifier', 13)
    >>> bool((from_dict(document).predict_proba(X) == model.predict_proba(X)).all())
    True
    """
    from entree import __version__

    if not isinstance(model, BaseEntropyTree):
        raise TypeError(_unsupported_model_message(model))
    check_is_fitted(model)
    name = type(model).__name__
    if name not in _ESTIMATORS:
        # a user's subclass is saved as the preset it derives from
        name = next(n for n, cls in _ESTIMATORS.items() if isinstance(model, cls))
    tree = model.tree_
    columns = model._columns
    feature_names_in = getattr(model, "feature_names_in_", None)
    tree_doc = {"node_count": tree.node_count}
    for array_name in NODE_ARRAYS:
        array = getattr(tree, array_name)
        if array_name in _INT_ARRAYS:
            tree_doc[array_name] = np.asarray(array, dtype=np.int64).tolist()
        else:
            tree_doc[array_name] = _float_list(array)
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "entree_version": __version__,
        "estimator": name,
        "params": {
            key: _encode_param(value, key)
            for key, value in model.get_params(deep=False).items()
        },
        "classes": {
            "dtype": model.classes_.dtype.str,
            "values": [_plain_scalar(v, "class label") for v in model.classes_],
        },
        "n_features_in": int(model.n_features_in_),
        "feature_names_in": None
        if feature_names_in is None
        else [str(v) for v in feature_names_in],
        "columns": {
            "feature_names": [str(v) for v in columns.feature_names],
            "is_nominal": [bool(v) for v in columns.is_nominal],
            "categories": [
                None
                if categories is None
                else [_plain_scalar(v, "category") for v in categories]
                for categories in columns.categories
            ],
        },
        "tree": tree_doc,
        "node_proba": _float_list(model._node_proba),
        "fitted": {
            "soft_thresholds_": _fitted_number(model, "soft_thresholds_"),
            "smoothing_strength_": _fitted_number(model, "smoothing_strength_"),
            "smoothing_": getattr(model, "smoothing_", model.smoothing),
            "min_samples_leaf_": _fitted_number(model, "min_samples_leaf_"),
        },
    }


def _unsupported_model_message(model) -> str:
    """Why ``model`` cannot be saved, and what to do instead."""
    name = type(model).__name__
    message = (
        "An entree-model file saves a fitted C45Classifier or ID3Classifier, not "
        f"a {name}"
    )
    steps = getattr(model, "steps", None)
    if isinstance(steps, list) and steps and isinstance(steps[-1][1], BaseEntropyTree):
        before = ", ".join(type(step).__name__ for _, step in steps[:-1]) or "none"
        return (
            f"{message}: its other steps ({before}) cannot be written as JSON. Save "
            "the tree alone with save_model(pipeline[-1], path) (it predicts from "
            "the columns those steps output) and rebuild the steps in code, or "
            "persist the whole pipeline with joblib or skops."
        )
    return f"{message}."


def _fitted_number(model, name):
    value = getattr(model, name, None)
    return None if value is None else float(value)


def save_model(model, path) -> None:
    """Write a fitted C45Classifier or ID3Classifier to a JSON file.

    Parameters
    ----------
    model : C45Classifier or ID3Classifier
        A fitted entropy tree.
    path : str or path-like
        File to write (overwritten if it exists).

    Raises
    ------
    TypeError
        If ``model`` is not a C45Classifier or ID3Classifier. A Pipeline ending
        in one is not saved (its other steps are not JSON); the message says to
        save ``pipeline[-1]`` and rebuild the steps, or to use joblib or skops.

    See Also
    --------
    load_model : read it back.

    Notes
    -----
    The file is the document of :func:`to_dict`, whose format is described in
    the docstring of this module. It holds no code, so loading a file from an
    untrusted source cannot run anything (unlike pickle).

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.datasets import load_iris
    >>> from entree import C45Classifier
    >>> from entree._persistence import load_model, save_model
    >>> X, y = load_iris(return_X_y=True)
    >>> model = C45Classifier().fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "iris.json")
    >>> save_model(model, path)
    >>> loaded = load_model(path)
    >>> bool((loaded.predict_proba(X) == model.predict_proba(X)).all())
    True
    """
    text = json.dumps(to_dict(model), allow_nan=False, separators=(",", ":"))
    with atomic_write(path) as file:  # the old file survives a failed write
        file.write(text)
        file.write("\n")


# -- reading ----------------------------------------------------------------------
def _fail(message: str):
    raise ModelFileError(message)


def _require(mapping: dict, key: str, kind, where: str):
    if key not in mapping:
        _fail(f"{where} has no {key!r} key.")
    value = mapping[key]
    if not _is_kind(value, kind):
        _fail(
            f"{where}[{key!r}] must be {_kind_name(kind)}, got {type(value).__name__}."
        )
    return value


def _is_kind(value, kind) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _kind_name(kind) -> str:
    names = {dict: "an object", list: "a list", str: "a string", int: "an integer"}
    return names.get(kind, kind.__name__)


def _decode_float(value, where: str) -> float:
    if isinstance(value, bool):
        _fail(f"{where} holds a boolean where a number is expected.")
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            _fail(f"{where} holds an integer too large for a float.")
    if isinstance(value, dict) and set(value) == {"float"}:
        text = value["float"]
        if text in _NON_FINITE:
            return _NON_FINITE[text]
    _fail(f"{where} holds {value!r} where a number is expected.")


def _decode_scalar(value, where: str):
    """A label or category: str, int, float (possibly tagged) or bool."""
    if isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dict):
        return _decode_float(value, where)
    _fail(f"{where} holds {value!r}; labels must be strings, numbers or booleans.")


def _float_array(value, where: str, shape: tuple) -> np.ndarray:
    if not isinstance(value, list):
        _fail(f"{where} must be a list, got {type(value).__name__}.")
    if len(value) != shape[0]:
        _fail(f"{where} has {len(value)} entries; expected {shape[0]}.")
    if len(shape) == 2:
        rows = [
            _float_array(row, f"{where}[{i}]", shape[1:]) for i, row in enumerate(value)
        ]
        return np.array(rows, dtype=np.float64).reshape(shape)
    if all(type(v) is float for v in value):  # the common case, checked fast
        return np.array(value, dtype=np.float64)
    return np.array(
        [_decode_float(v, f"{where}[{i}]") for i, v in enumerate(value)],
        dtype=np.float64,
    )


def _int_array(value, where: str, length: int) -> np.ndarray:
    if not isinstance(value, list):
        _fail(f"{where} must be a list, got {type(value).__name__}.")
    if len(value) != length:
        _fail(f"{where} has {len(value)} entries; expected {length}.")
    for i, v in enumerate(value):
        if not _is_kind(v, int):
            _fail(f"{where}[{i}] is {v!r}; expected an integer.")
        if not _INT64[0] <= v <= _INT64[1]:
            _fail(f"{where}[{i}] is an integer outside the 64-bit range.")
    return np.array(value, dtype=np.int64)


def _decode_param(value, name: str):
    if isinstance(value, dict):
        items = value.get("dict")
        if set(value) != {"dict"} or not isinstance(items, list):
            _fail(f"params[{name!r}] is an object but not a {{'dict': [...]}} entry.")
        decoded = {}
        for item in items:
            if not isinstance(item, list) or len(item) != 2:
                _fail(f"params[{name!r}] holds {item!r}; expected [key, value] pairs.")
            key = _decode_scalar(item[0], f"params[{name!r}]")
            decoded[key] = _decode_scalar(item[1], f"params[{name!r}]")
        return decoded
    if isinstance(value, list):
        return [_decode_scalar(v, f"params[{name!r}]") for v in value]
    if value is None:
        return None
    return _decode_scalar(value, f"params[{name!r}]")


def _decode_classes(doc) -> np.ndarray:
    classes = _require(doc, "classes", dict, "the model")
    dtype_text = _require(classes, "dtype", str, "classes")
    values = _require(classes, "values", list, "classes")
    try:
        dtype = np.dtype(dtype_text)
    except TypeError:
        _fail(f"classes['dtype'] is {dtype_text!r}, which is not a numpy dtype.")
    if dtype.kind not in "biufUO":
        _fail(
            f"classes['dtype'] is {dtype_text!r}; expected a str, int, float, "
            "bool or object dtype."
        )
    labels = [_decode_scalar(v, "classes['values']") for v in values]
    if len(labels) < 2:
        _fail(f"classes['values'] has {len(labels)} labels; a model has at least 2.")
    if dtype.kind == "O":
        array = np.empty(len(labels), dtype=object)
        array[:] = labels
    else:
        try:
            array = np.array(labels, dtype=dtype)
        except (TypeError, ValueError, OverflowError):
            _fail(f"classes['values'] do not fit the dtype {dtype_text!r}.")
        if array.tolist() != labels or [type(v) for v in array.tolist()] != [
            type(v) for v in labels
        ]:
            _fail(f"classes['values'] do not fit the dtype {dtype_text!r}.")
    if len(set(labels)) != len(labels):
        _fail("classes['values'] holds a label twice.")
    return array


def _decode_columns(doc, n_features: int) -> ColumnSpec:
    columns = _require(doc, "columns", dict, "the model")
    names = _require(columns, "feature_names", list, "columns")
    is_nominal = _require(columns, "is_nominal", list, "columns")
    categories = _require(columns, "categories", list, "columns")
    for key, value in (
        ("feature_names", names),
        ("is_nominal", is_nominal),
        ("categories", categories),
    ):
        if len(value) != n_features:
            _fail(f"columns[{key!r}] has {len(value)} entries; expected {n_features}.")
    if not all(isinstance(v, str) for v in names):
        _fail("columns['feature_names'] must hold strings.")
    if not all(isinstance(v, bool) for v in is_nominal):
        _fail("columns['is_nominal'] must hold booleans.")
    decoded = []
    for j, (nominal, cats) in enumerate(zip(is_nominal, categories)):
        where = f"columns['categories'][{j}]"
        if not nominal:
            if cats is not None:
                _fail(f"{where} must be null: feature {names[j]!r} is numeric.")
            decoded.append(None)
            continue
        if not isinstance(cats, list):
            _fail(f"{where} must be a list: feature {names[j]!r} is nominal.")
        values = [_decode_scalar(v, where) for v in cats]
        array = np.empty(len(values), dtype=object)
        array[:] = values
        if not pd.Index(array, dtype=object).is_unique:
            _fail(f"{where} holds a category twice.")
        decoded.append(array)
    return ColumnSpec(
        is_nominal=np.array(is_nominal, dtype=bool),
        categories=decoded,
        feature_names=np.array(names, dtype=object),
    )


def _decode_tree(doc, n_classes: int, columns: ColumnSpec) -> Tree:
    tree = _require(doc, "tree", dict, "the model")
    n = _require(tree, "node_count", int, "tree")
    if n < 1:
        _fail(f"tree['node_count'] is {n}; a tree has at least one node.")
    for key in NODE_ARRAYS:
        if key not in tree and key not in OPTIONAL_NODE_ARRAYS:
            _fail(f"tree has no {key!r} key.")
    if isinstance(tree["feature"], list) and len(tree["feature"]) != n:
        _fail(
            f"tree['node_count'] is {n}, but tree['feature'] has "
            f"{len(tree['feature'])} entries."
        )
    arrays = {}
    for key in NODE_ARRAYS:
        where = f"tree[{key!r}]"
        if key not in tree:  # an optional array: zeros
            arrays[key] = np.zeros(n)
            continue
        if key == "children_ptr":
            arrays[key] = _int_array(tree[key], where, n + 1)
        elif key == "children":
            arrays[key] = _int_array(tree[key], where, n - 1)
        elif key in _INT_ARRAYS:
            arrays[key] = _int_array(tree[key], where, n)
        elif key == "value":
            arrays[key] = _float_array(tree[key], where, (n, n_classes))
        else:
            arrays[key] = _float_array(tree[key], where, (n,))
    _check_tree(arrays, n, columns)
    return Tree(**arrays)


def _check_tree(arrays: dict, n: int, columns: ColumnSpec) -> None:
    feature = arrays["feature"]
    ptr = arrays["children_ptr"]
    children = arrays["children"]
    branch_category = arrays["branch_category"]
    n_features = columns.is_nominal.shape[0]
    for key in NODE_ARRAYS:
        if key not in ("threshold",) and key not in _INT_ARRAYS:
            if not np.isfinite(arrays[key]).all():
                _fail(f"tree[{key!r}] holds a value that is not finite.")
    # histogram subtraction can leave rounding dust such as -3e-14 in counts
    for key in ("value", "branch_weight", "n_node_samples", "impurity", "split_info"):
        if (arrays[key] < -_DUST).any():
            _fail(f"tree[{key!r}] holds a negative value.")
    if ptr[0] != 0 or ptr[-1] != n - 1 or (np.diff(ptr) < 0).any():
        _fail(
            "tree['children_ptr'] must rise from 0 to the number of children "
            f"({n - 1})."
        )
    if n > 1 and (children.min() < 1 or children.max() >= n):
        _fail(f"tree['children'] holds a node id outside 1..{n - 1}.")
    if np.unique(children).shape[0] != children.shape[0]:
        _fail("tree['children'] lists a node twice.")
    bad = (feature != TREE_LEAF) & ((feature < 0) | (feature >= n_features))
    if bad.any():
        node = int(np.flatnonzero(bad)[0])
        _fail(
            f"tree['feature'][{node}] is {int(feature[node])}, outside 0.."
            f"{n_features - 1} (or -2 for a leaf)."
        )
    soft_width = arrays["soft_width"]
    if (soft_width < 0).any():
        _fail("tree['soft_width'] holds a negative value.")
    numeric_split = (feature >= 0) & ~columns.is_nominal[np.clip(feature, 0, None)]
    if (soft_width[~numeric_split] != 0).any():
        node = int(np.flatnonzero((soft_width != 0) & ~numeric_split)[0])
        _fail(
            f"tree['soft_width'][{node}] is not 0, but node {node} is not a numeric "
            "split."
        )
    for node in range(n):
        kids = children[ptr[node] : ptr[node + 1]]
        f = int(feature[node])
        if f == TREE_LEAF:
            if kids.shape[0]:
                _fail(f"tree: node {node} is a leaf but has children.")
            continue
        if kids.shape[0] == 0:
            _fail(f"tree: node {node} splits on feature {f} but has no children.")
        if (kids <= node).any():
            _fail(
                f"tree['children']: node {node} lists child {int(kids.min())}; a "
                "child's id must be greater than its parent's."
            )
        if columns.is_nominal[f]:
            codes = branch_category[kids]
            n_categories = len(columns.categories[f])
            if (codes < 0).any() or (codes >= n_categories).any():
                _fail(
                    f"tree['branch_category']: a child of node {node} takes category "
                    f"code outside 0..{n_categories - 1} of feature {f}."
                )
            if np.unique(codes).shape[0] != codes.shape[0]:
                _fail(
                    f"tree['branch_category']: node {node} has two branches for "
                    "one category."
                )
        else:
            if kids.shape[0] != 2:
                _fail(
                    f"tree: node {node} splits numeric feature {f} but has "
                    f"{kids.shape[0]} children instead of 2."
                )
            if not np.isfinite(arrays["threshold"][node]):
                _fail(f"tree['threshold'][{node}] is not a finite number.")
    _check_derived(arrays, columns)


def _check_derived(arrays: dict, columns: ColumnSpec) -> None:
    """Quantities predict, inspection and export compute from the arrays."""
    feature = arrays["feature"]
    ptr = arrays["children_ptr"]
    internal = feature != TREE_LEAF
    with np.errstate(over="ignore", invalid="ignore"):
        weight = arrays["value"].sum(axis=1)
        if not np.isfinite(weight).all():
            node = int(np.flatnonzero(~np.isfinite(weight))[0])
            _fail(
                f"tree['value']: the class counts of node {node} sum beyond the "
                "float range."
            )
        # feature_importances_ and the reports sum gain times node weight
        if not np.isfinite(np.abs(arrays["gain"] * weight)[internal].sum()):
            _fail("tree['gain'] times the node weights overflows.")
        if internal.any():
            # a row missing the split value is shared by these fractions
            shares = np.add.reduceat(
                arrays["branch_weight"][arrays["children"]], ptr[:-1][internal]
            )
            bad = np.abs(shares - 1.0) > 1e-6
            if bad.any():
                node = int(np.flatnonzero(internal)[np.flatnonzero(bad)[0]])
                _fail(
                    f"tree['branch_weight']: the branches of node {node} sum to "
                    f"{float(shares[bad][0])!r}, not 1."
                )
        width = arrays["soft_width"]
        threshold = arrays["threshold"]
        band = (width > 0) & internal
        span = (threshold + width) - (threshold - width)
        if not np.isfinite(span[band]).all():
            node = int(np.flatnonzero(band & ~np.isfinite(span))[0])
            _fail(
                f"tree['soft_width']: the soft band of node {node} (threshold "
                f"{threshold[node]!r} +- {width[node]!r}) leaves the float range."
            )


def _decode_proba(doc, n: int, n_classes: int) -> np.ndarray:
    if "node_proba" not in doc:
        _fail("the model has no 'node_proba' key.")
    proba = _float_array(doc["node_proba"], "node_proba", (n, n_classes))
    if not np.isfinite(proba).all() or (proba < 0).any():
        _fail("node_proba holds a value that is not a finite non-negative number.")
    bad = np.abs(proba.sum(axis=1) - 1.0) > _PROBA_TOLERANCE
    if bad.any():
        node = int(np.flatnonzero(bad)[0])
        _fail(f"node_proba[{node}] sums to {proba[node].sum()!r}, not 1.")
    return proba


def from_dict(document: dict):
    """Rebuild a fitted model from the document made by :func:`to_dict`.

    Parameters
    ----------
    document : dict
        An ``entree-model`` document (see the module docstring).

    Returns
    -------
    model : C45Classifier or ID3Classifier
        A fitted estimator: ``predict``, ``predict_proba`` and the inspection
        helpers work as on the model that was saved.

    Raises
    ------
    ModelFileError
        If the document is not a valid entree model; the message names the first
        problem found.
    """
    if not isinstance(document, dict):
        _fail(f"an entree model is a JSON object, not {type(document).__name__}.")
    name = document.get("format")
    if name != FORMAT_NAME:
        _fail(f"not an entree model: 'format' is {name!r}, expected {FORMAT_NAME!r}.")
    version = _require(document, "format_version", int, "the model")
    if version > FORMAT_VERSION:
        _fail(
            f"format_version {version} is newer than this entree reads "
            f"({FORMAT_VERSION}); upgrade entree."
        )
    if version < 1:
        _fail(f"format_version {version} is not a valid version.")
    _require(document, "entree_version", str, "the model")
    estimator = _require(document, "estimator", str, "the model")
    if estimator not in _ESTIMATORS:
        _fail(
            f"estimator {estimator!r} is not one of {', '.join(sorted(_ESTIMATORS))}."
        )
    params = _require(document, "params", dict, "the model")
    model = _ESTIMATORS[estimator]()
    decoded_params = {key: _decode_param(value, key) for key, value in params.items()}
    # a file written before a parameter existed predicts as it did when saved
    for key, value in PARAMS_BEFORE_THEY_EXISTED.items():
        decoded_params.setdefault(key, value)
    try:
        model.set_params(**decoded_params)
        model._validate_params()
    except ValueError as exc:  # sklearn's InvalidParameterError is a ValueError
        _fail(f"params: {str(exc).splitlines()[0]}")

    classes = _decode_classes(document)
    n_features = _require(document, "n_features_in", int, "the model")
    if n_features < 1:
        _fail(f"n_features_in is {n_features}; a model has at least one feature.")
    if "feature_names_in" not in document:
        _fail("the model has no 'feature_names_in' key.")
    feature_names_in = document["feature_names_in"]
    columns = _decode_columns(document, n_features)
    if feature_names_in is not None:
        if not isinstance(feature_names_in, list) or not all(
            isinstance(v, str) for v in feature_names_in
        ):
            _fail("feature_names_in must be null or a list of strings.")
        if feature_names_in != columns.feature_names.tolist():
            _fail("feature_names_in does not match columns['feature_names'].")
    tree = _decode_tree(document, classes.shape[0], columns)
    proba = _decode_proba(document, tree.node_count, classes.shape[0])

    model.classes_ = classes
    model.n_classes_ = int(classes.shape[0])
    model.n_features_in_ = n_features
    if feature_names_in is not None:
        model.feature_names_in_ = np.array(feature_names_in, dtype=object)
    model._columns = columns
    model.tree_ = tree
    model._node_proba = proba
    fitted = document.get("fitted", {})
    if not isinstance(fitted, dict):
        _fail("fitted must be an object.")
    for key in ("soft_thresholds_", "smoothing_strength_"):
        value = fitted.get(key)
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                value = math.nan  # refused just below
            elif isinstance(value, int) and abs(value) > 2**53:
                value = math.inf  # no fitted width or strength is that large
            value = float(value)
            if not math.isfinite(value) or value < 0:
                _fail(f"fitted[{key!r}] must be a finite non-negative number or null.")
        setattr(model, key, value)
    smoothing = fitted.get("smoothing_", model.smoothing)
    if smoothing not in SMOOTHING_METHODS:
        _fail(
            f"fitted['smoothing_'] is {smoothing!r}; expected one of "
            f"{', '.join(map(repr, SMOOTHING_METHODS))}."
        )
    model.smoothing_ = smoothing
    leaf = fitted.get("min_samples_leaf_", model.min_samples_leaf)
    if isinstance(leaf, bool) or not isinstance(leaf, (int, float)):
        _fail(f"fitted['min_samples_leaf_'] must be a positive number, got {leaf!r}.")
    leaf = float(leaf)
    if not (math.isfinite(leaf) and leaf > 0):
        _fail(f"fitted['min_samples_leaf_'] must be a positive number, got {leaf!r}.")
    model.min_samples_leaf_ = leaf
    return model


def load_model(path, *, max_bytes=DEFAULT_MAX_BYTES):
    """Read a model written by :func:`save_model`.

    Parameters
    ----------
    path : str or path-like
        The JSON file.
    max_bytes : int, default=2**30
        Refuse files larger than this (1 GiB: about 7 million nodes of a
        binary tree; a model takes ~150 bytes per node, plus ~40 per node and
        class). A file over 1 MiB is read beyond its first MiB only if that
        holds the ``"entree-model"`` format marker, so large foreign files are
        refused after a bounded read.

    Returns
    -------
    model : C45Classifier or ID3Classifier
        The fitted estimator, predicting exactly as the saved one did.

    Raises
    ------
    ModelFileError
        If the file is not valid JSON, not an entree model, from a newer format
        version, or inconsistent (a missing key, a wrong type, arrays whose length
        does not match the node count, a child id not above its parent's, a
        feature or category index out of range, probabilities that do not sum to
        1, ...), or larger than ``max_bytes``. The message starts with the path
        and names the problem.
    OSError
        If the file cannot be read.

    Examples
    --------
    See :func:`save_model`.
    """
    path = os.fspath(path)
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        raw = file.read(min(_PREFIX_BYTES, max_bytes + 1))
        if raw[:1] == b"\x80":
            _fail(
                f"{path}: a pickle file, not an entree model; entree never loads "
                "pickles."
            )
        if size > max_bytes:
            _fail(
                f"{path}: the file is {size:,} bytes, more than "
                f"max_bytes={max_bytes:,}; pass a larger max_bytes to load_model "
                "if it is a model you trust."
            )
        if len(raw) == _PREFIX_BYTES:
            if f'"{FORMAT_NAME}"'.encode() not in raw:
                _fail(
                    f"{path}: not an entree model: no {FORMAT_NAME!r} format marker "
                    "in its first 1 MiB."
                )
            raw += file.read(max_bytes + 1 - len(raw))  # bounded: the file may grow
        if len(raw) > max_bytes:
            _fail(f"{path}: the file holds more than max_bytes={max_bytes:,} bytes.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        _fail(f"{path}: not an entree model: the file is not UTF-8 text.")

    def reject_constant(token):
        raise ModelFileError(
            f"{path}: the JSON holds the non-standard number {token}; entree-model "
            'files write non-finite floats as {"float": "nan"}.'
        )

    try:
        document = json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        _fail(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}); the file may be truncated or not a model."
        )
    except RecursionError:
        _fail(f"{path}: not an entree model: its JSON is nested too deeply.")
    except ModelFileError:
        raise
    except ValueError as exc:  # e.g. an integer of more digits than Python parses
        _fail(f"{path}: not valid JSON ({str(exc).splitlines()[0]}).")
    try:
        return from_dict(document)
    except ModelFileError as exc:
        raise ModelFileError(f"{path}: {exc}") from None
