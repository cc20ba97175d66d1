"""Dask X, y and sample_weight as aligned lists of per-partition pieces.

A dask DataFrame's partitions, or a dask Array's blocks of rows (all its columns in
one block), become one list of delayed pieces each; y and the weights must have the
same partitions (same count; the lengths are checked when a partition is read).
"""

from __future__ import annotations

from dataclasses import dataclass

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd


@dataclass
class Partitions:
    """Delayed pieces of X, y and weights, one per partition, and X's metadata."""

    X: list
    y: list
    weights: list | None
    meta: object  # empty pandas DataFrame (column dtypes) or numpy array (dtype)
    n_features: int
    feature_names: np.ndarray | None  # string column names of a DataFrame


def is_dask_collection(obj) -> bool:
    return isinstance(obj, (dd.DataFrame, dd.Series, da.Array))


def _row_blocks_of_array(X: da.Array) -> list:
    if X.ndim != 2:
        raise ValueError(
            f"Expected a 2-D dask Array for X, got {X.ndim} dimension(s); reshape "
            "it to (n_samples, n_features)."
        )
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})  # a partition holds whole rows
    return list(X.to_delayed()[:, 0])


def _pieces_of(vector, name: str, n_partitions: int, X) -> list:
    """Per-partition pieces of y or sample_weight, refused when not aligned."""
    if isinstance(vector, dd.DataFrame):
        if len(vector.columns) != 1:
            raise ValueError(
                f"{name} must be a dask Series or 1-D dask Array, got a DataFrame "
                f"with {len(vector.columns)} columns."
            )
        vector = vector[vector.columns[0]]
    if isinstance(vector, dd.Series):
        if vector.npartitions != n_partitions:
            raise ValueError(
                f"{name} has {vector.npartitions} partitions but X has "
                f"{n_partitions}; {name} must be aligned with X's partitions "
                f"(e.g. take both from one DataFrame: X = df[features], "
                f"{name} = df[column])."
            )
        if isinstance(X, dd.DataFrame) and (
            X.known_divisions
            and vector.known_divisions
            and tuple(X.divisions) != tuple(vector.divisions)
        ):
            raise ValueError(
                f"{name}'s partitions (divisions {tuple(vector.divisions)[:4]}...) "
                f"are not X's ({tuple(X.divisions)[:4]}...); {name} must be "
                "aligned with X's partitions."
            )
        return list(vector.to_delayed())
    if isinstance(vector, da.Array):
        if vector.ndim == 2 and vector.shape[1] == 1:
            vector = vector[:, 0]
        if vector.ndim != 1:
            raise ValueError(
                f"{name} must be 1-D, got a dask Array of shape {vector.shape}."
            )
        if isinstance(X, da.Array) and tuple(vector.chunks[0]) != tuple(X.chunks[0]):
            raise ValueError(
                f"{name}'s chunks {vector.chunks[0]} are not X's row chunks "
                f"{X.chunks[0]}; {name} must be aligned with X's partitions "
                f"(rechunk it to X.chunks[0])."
            )
        blocks = list(vector.to_delayed().ravel())
        if len(blocks) != n_partitions:
            raise ValueError(
                f"{name} has {len(blocks)} blocks but X has {n_partitions} "
                f"partitions; {name} must be aligned with X's partitions."
            )
        return blocks
    raise TypeError(
        f"{name} must be a dask Series or dask Array aligned with X's partitions, "
        f"got {type(vector).__name__}."
    )


def split_partitions(X, y, sample_weight) -> Partitions:
    """X, y (and weights) as aligned per-partition pieces; clear errors otherwise."""
    if isinstance(X, dd.DataFrame):
        pieces = list(X.to_delayed())
        meta = X._meta
        names = np.asarray(X.columns, dtype=object)
        feature_names = names if all(isinstance(n, str) for n in names) else None
        n_features = len(X.columns)
    elif isinstance(X, da.Array):
        pieces = _row_blocks_of_array(X)
        meta = np.empty((0, X.shape[1]), dtype=X.dtype)
        feature_names = None
        n_features = int(X.shape[1])
    else:
        raise TypeError(
            "X must be a dask DataFrame or dask Array (use C45Classifier for data "
            f"in memory), got {type(X).__name__}."
        )
    if n_features < 1:
        raise ValueError("X has 0 features while a minimum of 1 is required.")
    y_pieces = _pieces_of(y, "y", len(pieces), X)
    w_pieces = (
        None
        if sample_weight is None
        else _pieces_of(sample_weight, "sample_weight", len(pieces), X)
    )
    if isinstance(X, dd.DataFrame) and all(
        isinstance(v, (dd.Series, dd.DataFrame))
        for v in (y, sample_weight)
        if v is not None
    ):
        pieces, y_pieces, w_pieces = _read_together(X, y, sample_weight)
    return Partitions(pieces, y_pieces, w_pieces, meta, n_features, feature_names)


def _series(vector):
    return vector[vector.columns[0]] if isinstance(vector, dd.DataFrame) else vector


def _read_together(X, y, sample_weight):
    """X, y and weights as one frame's partitions, split again per partition.

    Read apart, dask may partition each differently (a parquet read of few columns
    merges files), so the columns are read as one frame and split per partition.
    """
    names = [f"__entree_y{'_' * len(X.columns)}", f"__entree_w{'_' * len(X.columns)}"]
    extra = {names[0]: _series(y)}
    if sample_weight is not None:
        extra[names[1]] = _series(sample_weight)
    parts = X.assign(**extra).to_delayed()
    n = len(X.columns)
    take = dask.delayed(_take_columns, pure=True)
    X_pieces = [take(part, 0, n) for part in parts]
    y_pieces = [take(part, n, None) for part in parts]
    w_pieces = (
        None if sample_weight is None else [take(part, n + 1, None) for part in parts]
    )
    return X_pieces, y_pieces, w_pieces


def _take_columns(frame, start, stop):
    """Columns [start, stop) of a partition; a single column (stop None) as a Series."""
    if stop is None:
        return frame.iloc[:, start]
    return frame.iloc[:, start:stop]


def as_frame_or_array(part, meta):
    """A partition as pandas DataFrame (for a frame) or 2-D numpy array."""
    if isinstance(meta, pd.DataFrame):
        return part
    return np.asarray(part)


def as_vector(piece, name: str, n_rows: int, partition: int):
    """A piece of y or weights as 1-D numpy, checked against its X partition."""
    if isinstance(piece, (pd.Series, pd.DataFrame)):
        values = piece.to_numpy()
    else:
        values = np.asarray(piece)
    values = values.reshape(-1) if values.ndim > 1 else values
    if values.shape[0] != n_rows:
        raise ValueError(
            f"partition {partition}: {name} has {values.shape[0]} rows but X has "
            f"{n_rows}; {name} must be aligned with X's partitions."
        )
    return values
