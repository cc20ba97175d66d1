"""Small classification datasets bundled with entree, loaded the scikit-learn way.

Each ``load_<name>`` function returns a :class:`sklearn.utils.Bunch` with the keys
sklearn's ``load_iris`` has (``data``, ``target``, ``feature_names``,
``target_names``, ``frame``, ``DESCR``, ``filename``) plus two that describe nominal
columns, ``categorical_features`` and ``categories``.

Two forms of the data are on offer:

``as_frame=True`` (recommended for data with nominal columns)
    ``data`` is a DataFrame whose nominal columns have pandas ``category`` dtype
    (with the levels in the order the source lists them) and whose numeric columns
    are ``float64``; a missing value is NaN. ``target`` is a ``category`` Series of
    the class labels (``"yes"``, ``"no"``, ...) and ``frame`` holds both. entree's
    estimators treat ``category`` columns as nominal without being told.
``as_frame=False`` (the default, like ``load_iris``)
    ``data`` is a ``float64`` ndarray: numeric columns hold their values and nominal
    columns the 0-based code of their level in ``categories[j]``, NaN where missing.
    ``target`` holds integer class codes into ``target_names``. Pass
    ``categorical_features=bunch.categorical_features`` to an entree estimator so the
    codes are split one branch per level rather than at thresholds.

The files live in ``entree/data/`` (a CSV and a JSON of column types, levels,
classes, source and licence per dataset) and are read with :mod:`importlib.resources`,
so they load from a wheel as well as from a source checkout.
``entree/_docs/datasets.md`` (installed with the package) gives each dataset's
provenance and licence.

Examples
--------
>>> from entree.datasets import list_datasets, load_play_tennis
>>> "vote" in list_datasets()
True
>>> tennis = load_play_tennis(as_frame=True)
>>> tennis.data.head(3)
    outlook temperature humidity  windy
0     sunny         hot     high  FALSE
1     sunny         hot     high   TRUE
2  overcast         hot     high  FALSE
>>> tennis.target.value_counts().to_dict()
{'yes': 9, 'no': 5}
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

__all__ = [
    "dataset_info",
    "list_datasets",
    "load_breast_cancer",
    "load_contact_lenses",
    "load_dataset",
    "load_iris",
    "load_penguins",
    "load_play_tennis",
    "load_play_tennis_numeric",
    "load_vote",
]

_PACKAGE = "entree"
_DATA_DIR = "data"
_NAMES = (
    "play_tennis",
    "play_tennis_numeric",
    "contact_lenses",
    "iris",
    "vote",
    "breast_cancer",
    "penguins",
)


def _resource(filename: str):
    return resources.files(_PACKAGE).joinpath(_DATA_DIR, filename)


@cache
def _metadata(name: str) -> dict:
    with _resource(f"{name}.json").open("r", encoding="utf-8") as file:
        return json.load(file)


def dataset_info(name: str) -> dict:
    """Metadata of a bundled dataset: column types, levels, classes, provenance.

    Parameters
    ----------
    name : str
        One of the names of :func:`list_datasets`.

    Returns
    -------
    info : dict
        ``name``, ``title``, ``description``, ``n_rows``, ``n_features``,
        ``n_missing`` (missing feature cells), ``target`` (the CSV's class column),
        ``classes``, ``features`` (a list of ``{"name", "type", "levels"}`` with
        ``type`` ``"numeric"`` or ``"nominal"``), ``source``, ``url``, ``license``,
        ``citation`` and ``notes``. A copy: changing it changes nothing.

    Raises
    ------
    ValueError
        If ``name`` is not a bundled dataset.

    Examples
    --------
    >>> from entree.datasets import dataset_info
    >>> info = dataset_info("vote")
    >>> info["n_rows"], info["n_features"], info["n_missing"], info["classes"]
    (435, 16, 392, ['democrat', 'republican'])
    """
    _check_name(name)
    return json.loads(json.dumps(_metadata(name)))


def _check_name(name) -> None:
    if name not in _NAMES:
        raise ValueError(
            f"Unknown dataset {name!r}; the bundled datasets are: {', '.join(_NAMES)}."
        )


def list_datasets() -> dict[str, str]:
    """Names of the bundled datasets with a one-line description of each.

    Returns
    -------
    datasets : dict of str to str
        ``{name: description}``, smallest and most textbook-like first. Load one
        with :func:`load_dataset` or its ``load_<name>`` function.

    Examples
    --------
    >>> from entree.datasets import list_datasets
    >>> datasets = list_datasets()
    >>> list(datasets)
    ['play_tennis', 'play_tennis_numeric', 'contact_lenses', 'iris', 'vote',
     'breast_cancer', 'penguins']
    >>> print(datasets["iris"])
    150 irises: four flower measurements in cm -> one of three species (numeric)
    """
    return {name: _metadata(name)["description"] for name in _NAMES}


def _describe(meta: dict) -> str:
    """The DESCR text: what the data is, its columns, and where it comes from."""
    lines = [
        meta["title"],
        "=" * len(meta["title"]),
        "",
        meta["description"] + ".",
        "",
        f"Rows: {meta['n_rows']}    Features: {meta['n_features']}    "
        f"Missing feature values: {meta['n_missing']}",
        f"Target: {meta['target']!r} with classes {', '.join(meta['classes'])}",
        "",
        "Features:",
    ]
    for feature in meta["features"]:
        if feature["type"] == "nominal":
            kind = "nominal {" + ", ".join(feature["levels"]) + "}"
        else:
            kind = "numeric"
        lines.append(f"    {feature['name']}: {kind}")
    lines += [
        "",
        f"Source: {meta['source']}",
        f"URL: {meta['url']}",
        f"Licence: {meta['license']}",
        f"Citation: {meta['citation']}",
    ]
    if meta.get("notes"):
        lines.append(f"Notes: {meta['notes']}")
    return "\n".join(lines) + "\n"


@cache
def _read_frame(name: str) -> pd.DataFrame:
    meta = _metadata(name)
    # Read every cell as text first: nominal levels such as "1" or "TRUE" must stay
    # labels, not become numbers or booleans; only an empty cell is missing.
    with _resource(f"{name}.csv").open("r", encoding="utf-8") as file:
        raw = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[""])
    columns = {}
    for feature in meta["features"]:
        values = raw[feature["name"]]
        if feature["type"] == "nominal":
            columns[feature["name"]] = pd.Categorical(
                values, categories=feature["levels"]
            )
        else:
            columns[feature["name"]] = pd.to_numeric(values).astype(np.float64)
    columns[meta["target"]] = pd.Categorical(
        raw[meta["target"]], categories=meta["classes"]
    )
    return pd.DataFrame(columns)


def load_dataset(name: str, *, return_X_y: bool = False, as_frame: bool = False):
    """Load a bundled dataset by name.

    Parameters
    ----------
    name : str
        One of the names of :func:`list_datasets`.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects (nominal columns as ``category`` dtype, target as a
        ``category`` Series of class labels) instead of numeric arrays (nominal
        columns as level codes, target as class codes); see the module docstring.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With keys

        - ``data``: ndarray of shape (n_samples, n_features), or a DataFrame when
          ``as_frame``; NaN marks a missing value.
        - ``target``: ndarray of int class codes, or a ``category`` Series of
          labels when ``as_frame``.
        - ``feature_names``: list of the column names.
        - ``target_names``: ndarray of the class labels (code ``k`` is
          ``target_names[k]``).
        - ``frame``: DataFrame of data and target (with the target column named
          as in the CSV, ``"class"``) when ``as_frame``, else None.
        - ``categorical_features``: bool ndarray, True for nominal columns.
        - ``categories``: per feature, the list of its levels (code order) or
          None for a numeric feature.
        - ``DESCR``: a description with the source, licence and citation.
        - ``filename``: the CSV's file name inside the ``entree.data`` package.
    (data, target) : tuple if ``return_X_y`` is True
        The two arrays (or DataFrame and Series) described above.

    Raises
    ------
    ValueError
        If ``name`` is not a bundled dataset.

    Examples
    --------
    >>> from entree.datasets import load_dataset
    >>> X, y = load_dataset("breast_cancer", return_X_y=True, as_frame=True)
    >>> X.shape, int(X.isna().sum().sum())
    ((286, 9), 9)
    >>> str(X["deg-malig"].dtype), list(X["deg-malig"].cat.categories)
    ('category', ['1', '2', '3'])
    """
    _check_name(name)
    meta = _metadata(name)
    frame = _read_frame(name).copy()
    target_column = meta["target"]
    feature_names = [feature["name"] for feature in meta["features"]]
    is_nominal = np.array(
        [feature["type"] == "nominal" for feature in meta["features"]], dtype=bool
    )
    categories = [
        list(feature["levels"]) if feature["type"] == "nominal" else None
        for feature in meta["features"]
    ]
    target_names = np.array(meta["classes"], dtype=object)
    if as_frame:
        data = frame[feature_names]
        target = frame[target_column]
    else:
        data = np.empty((len(frame), len(feature_names)), dtype=np.float64)
        for j, column in enumerate(feature_names):
            values = frame[column]
            if is_nominal[j]:
                codes = values.cat.codes.to_numpy().astype(np.float64)
                codes[codes < 0] = np.nan
                data[:, j] = codes
            else:
                data[:, j] = values.to_numpy(dtype=np.float64)
        target = frame[target_column].cat.codes.to_numpy().astype(np.int64)
        frame = None
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=feature_names,
        target_names=target_names,
        categorical_features=is_nominal,
        categories=categories,
        DESCR=_describe(meta),
        filename=f"{name}.csv",
        data_module=f"{_PACKAGE}.{_DATA_DIR}",
    )


def load_play_tennis(*, return_X_y: bool = False, as_frame: bool = False):
    """Quinlan's play-tennis days (14 rows, 4 nominal features, 2 classes).

    The table of Quinlan (1986) that every account of ID3 starts from: outlook,
    temperature, humidity and windy on 14 Saturday mornings, and whether tennis was
    played. Its root entropy is 0.940 bits and outlook gains 0.247 bits.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return a DataFrame with ``category`` columns and a label Series.

    Returns
    -------
    data : Bunch or tuple
        See :func:`load_dataset`.

    Examples
    --------
    >>> from entree import C45Classifier
    >>> from entree.datasets import load_play_tennis
    >>> X, y = load_play_tennis(return_X_y=True, as_frame=True)
    >>> model = C45Classifier().fit(X, y)
    >>> round(float(model.tree_.gain[0]), 3), model.split_report()["feature"][0]
    (0.247, 'outlook')

    As arrays, the nominal columns are level codes:

    >>> tennis = load_play_tennis()
    >>> tennis.data[0], tennis.categories[0]
    (array([0., 0., 0., 1.]), ['sunny', 'overcast', 'rainy'])
    """
    return load_dataset("play_tennis", return_X_y=return_X_y, as_frame=as_frame)


def load_play_tennis_numeric(*, return_X_y: bool = False, as_frame: bool = False):
    """Play tennis with numeric temperature and humidity (14 rows, 2 + 2 features).

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return a DataFrame with ``category`` columns and a label Series.

    Returns
    -------
    data : Bunch or tuple
        See :func:`load_dataset`.

    Examples
    --------
    >>> from entree.datasets import load_play_tennis_numeric
    >>> tennis = load_play_tennis_numeric(as_frame=True)
    >>> tennis.data.dtypes.astype(str).tolist()
    ['category', 'float64', 'float64', 'category']
    >>> tennis.categorical_features.tolist()
    [True, False, False, True]
    """
    return load_dataset("play_tennis_numeric", return_X_y=return_X_y, as_frame=as_frame)


def load_contact_lenses(*, return_X_y: bool = False, as_frame: bool = False):
    """Cendrowska's contact-lens fitting (24 rows, 4 nominal features, 3 classes).

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return a DataFrame with ``category`` columns and a label Series.

    Returns
    -------
    data : Bunch or tuple
        See :func:`load_dataset`.

    Examples
    --------
    >>> from entree.datasets import load_contact_lenses
    >>> lenses = load_contact_lenses()
    >>> lenses.data.shape, lenses.target_names.tolist()
    ((24, 4), ['hard', 'none', 'soft'])
    """
    return load_dataset("contact_lenses", return_X_y=return_X_y, as_frame=as_frame)


def load_iris(*, return_X_y: bool = False, as_frame: bool = False):
    """Fisher's iris (150 rows, 4 numeric features, 3 classes).

    The same values as :func:`sklearn.datasets.load_iris`, here with the species
    names as the target labels when ``as_frame``.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return a DataFrame and a label Series.

    Returns
    -------
    data : Bunch or tuple
        See :func:`load_dataset`.

    Examples
    --------
    >>> from entree.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> X.shape, X.dtype, y[:3]
    ((150, 4), dtype('float64'), array([0, 0, 0]))
    """
    return load_dataset("iris", return_X_y=return_X_y, as_frame=as_frame)


def load_vote(*, return_X_y: bool = False, as_frame: bool = False):
    """1984 US congressional votes (435 rows, 16 nominal y/n features, 2 classes).

    About 5.6% of the votes are missing (neither yea nor nay recorded), which
    makes it the classic test of C4.5's handling of unknown values.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return a DataFrame with ``category`` columns and a label Series.

    Returns
    -------
    data : Bunch or tuple
        See :func:`load_dataset`.

    Examples
    --------
    >>> from entree.datasets import load_vote
    >>> X, y = load_vote(return_X_y=True, as_frame=True)
    >>> X.shape, int(X.isna().sum().sum()), y.value_counts().to_dict()
    ((435, 16), 392, {'democrat': 267, 'republican': 168})
    """
    return load_dataset("vote", return_X_y=return_X_y, as_frame=as_frame)


def load_breast_cancer(*, return_X_y: bool = False, as_frame: bool = False):
    """Ljubljana breast cancer recurrence (286 rows, 9 nominal features, 2 classes).

    Not to be confused with :func:`sklearn.datasets.load_breast_cancer`, which is
    the numeric Wisconsin diagnostic data; this one has nominal attributes (age
    band, tumour size band, ...) and 9 missing values.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return a DataFrame with ``category`` columns and a label Series.

    Returns
    -------
    data : Bunch or tuple
        See :func:`load_dataset`.

    Examples
    --------
    >>> from entree.datasets import load_breast_cancer
    >>> cancer = load_breast_cancer()
    >>> cancer.data.shape, cancer.target_names.tolist()
    ((286, 9), ['no-recurrence-events', 'recurrence-events'])
    """
    return load_dataset("breast_cancer", return_X_y=return_X_y, as_frame=as_frame)


def load_penguins(*, return_X_y: bool = False, as_frame: bool = False):
    """Palmer penguins (344 rows, 2 nominal + 4 numeric features, 3 species).

    Mixed column kinds with missing values: 2 birds have no measurements and 11
    have no recorded sex.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return a DataFrame with ``category`` columns and a label Series.

    Returns
    -------
    data : Bunch or tuple
        See :func:`load_dataset`.

    Examples
    --------
    >>> from entree.datasets import load_penguins
    >>> penguins = load_penguins(as_frame=True)
    >>> penguins.data.isna().sum().to_dict()
    {'island': 0, 'bill_length_mm': 2, 'bill_depth_mm': 2, 'flipper_length_mm': 2,
     'body_mass_g': 2, 'sex': 11}
    """
    return load_dataset("penguins", return_X_y=return_X_y, as_frame=as_frame)
