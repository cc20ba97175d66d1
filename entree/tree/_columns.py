"""Raw X (numpy or pandas, numeric and nominal, NaN = missing) -> one float matrix.

Nominal columns are replaced by their category codes (as floats); a missing value or a
category never seen in training becomes NaN, which the tree spreads over the branches.
Numeric columns keep their raw values so that thresholds stay in the user's units.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Number

import numpy as np
import pandas as pd

from entree.tree._binning import has_infinity

MAX_CATEGORIES = 65534  # codes are uint16 with one value kept for "missing"


@dataclass
class ColumnSpec:
    """What fit learned about the columns: which are nominal and their categories."""

    is_nominal: np.ndarray  # bool, one per feature
    categories: list  # per feature: np.ndarray of category values, or None (numeric)
    feature_names: np.ndarray  # names used in messages and exports


def _is_nominal_dtype(dtype) -> bool:
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    )


_NOMINAL_KINDS = {"string", "bytes", "boolean", "categorical"}


def _holds_text_or_bool(column: np.ndarray) -> bool:
    """Whether an object column holds a str, bytes or bool value (missing skipped)."""
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind in _NOMINAL_KINDS:
        return True
    if kind.startswith("mixed") and kind != "mixed-integer-float":
        return any(isinstance(v, (str, bytes, bool, np.bool_)) for v in column)
    return False


def _is_polars_frame(X) -> bool:
    kind = type(X)
    return kind.__module__.split(".")[0] == "polars" and kind.__name__ == "DataFrame"


def from_polars(X):
    """A polars DataFrame as the pandas DataFrame entree reads (other X as given).

    String, Categorical and Boolean columns become object columns (nominal, as
    pandas' are), Enum columns pandas categoricals with the Enum's categories,
    numeric columns floats with NaN for null. Column by column, without pyarrow.
    """
    if not _is_polars_frame(X):
        return X
    import polars as pl

    columns = {}
    for name, series in zip(X.columns, X.get_columns()):
        dtype = series.dtype
        if isinstance(dtype, pl.Enum):
            values = series.cast(pl.String).to_numpy()
            columns[name] = pd.Categorical(
                values, categories=dtype.categories.to_list()
            )
        elif dtype in (pl.String, pl.Categorical, pl.Boolean):
            values = series.cast(pl.String) if dtype == pl.Categorical else series
            columns[name] = np.asarray(values.to_numpy(), dtype=object)
        elif dtype.is_numeric():
            columns[name] = series.cast(pl.Float64).to_numpy()
        else:  # dates, lists, ...: refused by name in the usual place
            columns[name] = series.to_numpy()
    return pd.DataFrame(columns)


def as_value_array(X):
    """A list of rows mixing text and numbers as an object array (values kept).

    ``np.asarray`` would turn every number of such rows into text.
    """
    if isinstance(X, (list, tuple)):
        try:
            array = np.asarray(X)
        except ValueError:  # ragged: let the validation report it
            return X
        if array.dtype.kind in "US":
            return np.asarray(X, dtype=object)
        return array
    return X


def resolve_nominal_mask(X, categorical_features, n_features, feature_names):
    """Boolean mask of nominal columns from dtypes or ``categorical_features``."""
    if categorical_features is None:
        if isinstance(X, pd.DataFrame):
            return np.array([_is_nominal_dtype(dt) for dt in X.dtypes], dtype=bool)
        if getattr(X, "dtype", None) is not None and X.dtype.kind in "USb":
            # text or bool arrays can only be nominal
            return np.ones(n_features, dtype=bool)
        if getattr(X, "dtype", None) is not None and X.dtype.kind == "O":
            # an object array (df.to_numpy(), what meta-estimators pass on): a
            # column holding text or bools is nominal, as in the DataFrame
            return np.array(
                [_holds_text_or_bool(X[:, j]) for j in range(n_features)], dtype=bool
            )
        return np.zeros(n_features, dtype=bool)
    spec = np.asarray(categorical_features)
    if spec.dtype == bool:
        if spec.shape != (n_features,):
            raise ValueError(
                f"categorical_features as a boolean mask must have {n_features} "
                f"entries, got shape {spec.shape}."
            )
        return spec.copy()
    mask = np.zeros(n_features, dtype=bool)
    names = list(feature_names) if feature_names is not None else None
    for item in np.atleast_1d(spec).tolist():
        if isinstance(item, str):
            if names is None or item not in names:
                raise ValueError(
                    f"categorical_features names column {item!r}, which is not among "
                    f"the input's columns."
                )
            mask[names.index(item)] = True
        elif isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            if not -n_features <= item < n_features:
                raise ValueError(
                    f"categorical_features index {item} is out of range for "
                    f"{n_features} features."
                )
            mask[item] = True
        else:
            raise ValueError(
                "categorical_features must be column indices, column names or a "
                f"boolean mask; got an entry {item!r}."
            )
    return mask


def _column_values(X, j):
    if isinstance(X, pd.DataFrame):
        return X.iloc[:, j]
    return X[:, j]


def _numeric_column(values, name) -> np.ndarray:
    if isinstance(values, pd.Series):
        if isinstance(values.dtype, pd.CategoricalDtype) or not (
            pd.api.types.is_numeric_dtype(values.dtype)
        ):
            raise ValueError(
                f"Column {name!r} has dtype {values.dtype}, which is neither numeric "
                "nor nominal; convert it or name it in categorical_features."
            )
        col = values.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        try:
            col = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise type(exc)(
                f"Column {name!r} holds non-numeric values ({exc}); name it in "
                "categorical_features to treat it as nominal."
            ) from exc
    if np.isinf(col).any():
        raise ValueError(
            f"Input X contains infinity in column {name!r}; entree treats NaN as "
            "missing but infinite values are not allowed."
        )
    return col


def _missing_mask(values) -> np.ndarray:
    return np.asarray(pd.isna(values), dtype=bool)


def _learn_categories(values) -> np.ndarray:
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        cats = values.cat.categories.to_numpy()
    else:
        arr = np.asarray(values, dtype=object)
        present = arr[~_missing_mask(arr)]
        uniques = pd.unique(present)
        try:
            ordered = sorted(uniques)
        except TypeError:  # mixed types: by type name, then text, deterministically
            ordered = sorted(uniques, key=lambda v: (type(v).__name__, str(v)))
        # each value as it is: 1 and "1" stay distinct, as pandas compares them
        cats = np.empty(len(ordered), dtype=object)
        cats[:] = ordered
    return np.asarray(cats, dtype=object)


def _value_kind(value) -> str:
    """The family a nominal value compares within: 1 == 1.0 == True, but 1 != "1"."""
    if isinstance(value, (bool, np.bool_, Number)):
        return "number or bool"
    if isinstance(value, str):
        return "str"
    return type(value).__name__


def _check_comparable(unseen_values, categories, name) -> None:
    """Refuse present values that can never equal a category for their type.

    An unseen value of a type the column was fitted with is simply a new category
    (spread over the branches); a value of another type ("1" against 1) would
    silently miss every category, so it is an error.
    """
    if len(unseen_values) == 0:
        return
    fitted_kinds = {_value_kind(v) for v in categories}
    for value in pd.unique(np.asarray(unseen_values, dtype=object)):
        kind = _value_kind(value)
        if kind not in fitted_kinds:
            shown = ", ".join(repr(v) for v in categories[:5])
            more = ", ..." if len(categories) > 5 else ""
            raise ValueError(
                f"Column {name!r} was fitted with {' and '.join(sorted(fitted_kinds))} "
                f"categories ({shown}{more}), but holds {value!r} of type "
                f"{type(value).__name__}, which equals none of them; convert the "
                "column to the type it had in fit."
            )


def _encode_categories(values, categories, name=None) -> np.ndarray:
    """Category codes as floats, NaN for missing and unseen values.

    With ``name`` (at predict), present values of a type that cannot equal any
    category are refused (see :func:`_check_comparable`).
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        # match the column's few categories, not every row (same result, and no
        # object array of all the values); at fit they are the learned ones
        row_codes = values.cat.codes.to_numpy()
        own = np.asarray(values.cat.categories, dtype=object)
        if len(own) == len(categories) and bool((own == categories).all()):
            codes = row_codes
        else:
            own_index = pd.Index(categories, dtype=object).get_indexer(own)
            codes = np.where(row_codes >= 0, own_index[np.maximum(row_codes, 0)], -1)
            if name is not None:
                used = np.zeros(len(own), dtype=bool)
                used[row_codes[row_codes >= 0]] = True
                _check_comparable(own[used & (own_index < 0)], categories, name)
    else:
        objects = np.asarray(values, dtype=object)
        codes = pd.Index(categories, dtype=object).get_indexer(objects)
        if name is not None and (codes < 0).any():
            unseen = (codes < 0) & ~_missing_mask(objects)
            _check_comparable(objects[unseen], categories, name)
    out = codes.astype(np.float64)
    out[codes < 0] = np.nan  # missing or unseen: spread over branches
    return out


def encode_fit(X, nominal_mask, feature_names):
    """Encode training X; returns (float matrix, ColumnSpec)."""
    n_samples = X.shape[0]
    n_features = X.shape[1]
    spec = ColumnSpec(
        is_nominal=np.asarray(nominal_mask, dtype=bool).copy(),
        categories=[None] * n_features,
        feature_names=np.asarray(feature_names, dtype=object),
    )
    if not spec.is_nominal.any():
        fast = _all_numeric_fast(X, spec)
        if fast is not None:
            return fast, spec
    out = np.empty((n_samples, n_features), dtype=np.float64)
    categories = []
    for j in range(n_features):
        values = _column_values(X, j)
        if nominal_mask[j]:
            cats = _learn_categories(values)
            if len(cats) > MAX_CATEGORIES:
                raise ValueError(
                    f"Column {feature_names[j]!r} has {len(cats)} categories; at most "
                    f"{MAX_CATEGORIES} are supported."
                )
            categories.append(cats)
            out[:, j] = _encode_categories(values, cats)
        else:
            categories.append(None)
            out[:, j] = _numeric_column(values, feature_names[j])
    spec = ColumnSpec(
        is_nominal=np.asarray(nominal_mask, dtype=bool).copy(),
        categories=categories,
        feature_names=np.asarray(feature_names, dtype=object),
    )
    return out, spec


def _all_numeric_fast(X, spec: ColumnSpec):
    """The whole matrix at once when every column is numeric (the common case)."""
    if isinstance(X, pd.DataFrame):
        if not all(
            pd.api.types.is_numeric_dtype(dt) and not _is_nominal_dtype(dt)
            for dt in X.dtypes
        ):
            return None
        out = X.to_numpy(dtype=np.float64, na_value=np.nan)
    elif X.dtype.kind in "fiu":
        out = np.asarray(X, dtype=np.float64)
    else:
        return None
    if has_infinity(out):
        column = int(np.flatnonzero(np.isinf(out).any(axis=0))[0])
        raise ValueError(
            f"Input X contains infinity in column {spec.feature_names[column]!r}; "
            "entree treats NaN as missing but infinite values are not allowed."
        )
    return out


def encode_transform(X, spec: ColumnSpec) -> np.ndarray:
    """Encode X for prediction with the categories learned at fit."""
    if not spec.is_nominal.any():
        fast = _all_numeric_fast(X, spec)
        if fast is not None:
            return fast
    n_samples, n_features = X.shape
    out = np.empty((n_samples, n_features), dtype=np.float64)
    for j in range(n_features):
        values = _column_values(X, j)
        if spec.is_nominal[j]:
            out[:, j] = _encode_categories(
                values, spec.categories[j], spec.feature_names[j]
            )
        else:
            out[:, j] = _numeric_column(values, spec.feature_names[j])
    return out
