"""Merging per-partition summaries: classes, categories, weights, bin edges, a sample.

Every merge is a pure function of two summaries, applied in a fixed tree over the
partition index on the workers, so the client only ever holds one merged summary
(bounded: distinct values stop at ``max_bins``, the sample at its size).

Numeric bin edges are exact, the column's distinct values, while a column has at
most ``max_bins`` of them among the rows of positive weight (then every cut the
in-memory fit tries is tried here too, and the tree is the same); otherwise they are
quantiles of the sample, a quantile sketch: the rows with the smallest content
hashes, which does not depend on how the rows are partitioned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from entree.tree._binning import BinMapper, _quantile_edges
from entree.tree._columns import MAX_CATEGORIES, ColumnSpec, _learn_categories
from entree.tree._kernels._binning import grid as _grid

# rows of the sample: the in-memory fit places quantile edges on 50,000 rows too
SAMPLE_ROWS = 50_000


def merge_surveys(a: dict, b: dict) -> dict:
    """Two ``survey`` results as one (y values, categories, weight extremes)."""
    weights = None
    if a["weights"] is not None:
        (a_max, a_min, a_n), (b_max, b_min, b_n) = a["weights"], b["weights"]
        weights = (max(a_max, b_max), min(a_min, b_min), a_n + b_n)
    return {
        "n_rows": a["n_rows"] + b["n_rows"],
        "y_values": _union(a["y_values"], b["y_values"]),
        "categories": {
            j: pd.unique(
                np.concatenate(
                    [
                        np.asarray(a["categories"][j], dtype=object),
                        np.asarray(b["categories"][j], dtype=object),
                    ]
                )
            )
            for j in a["categories"]
        },
        "detected": {j: a["detected"][j] or b["detected"][j] for j in a["detected"]},
        "weights": weights,
    }


def _union(a, b):
    joined = (
        np.concatenate([a, b])
        if a.dtype == b.dtype
        else np.concatenate([np.asarray(a, dtype=object), np.asarray(b, dtype=object)])
    )
    try:
        return np.unique(joined)
    except TypeError:
        return pd.unique(np.asarray(joined, dtype=object))


def column_spec(survey: dict, nominal, feature_names, meta) -> ColumnSpec:
    """Which columns are nominal and their categories, as the in-memory fit has them."""
    n_features = len(nominal)
    categories = []
    for j in range(n_features):
        if not nominal[j]:
            categories.append(None)
            continue
        if j in survey["categories"]:
            found = survey["categories"][j]
            dtype = meta.dtypes.iloc[j] if isinstance(meta, pd.DataFrame) else None
            if isinstance(dtype, pd.CategoricalDtype):
                # the categories in the order the partitions' dtypes give them
                cats = np.asarray(found, dtype=object)
            else:
                cats = _learn_categories(np.asarray(found, dtype=object))
        else:  # a categorical dtype whose categories are known without a pass
            cats = _learn_categories(pd.Series([], dtype=meta.dtypes.iloc[j]))
        if len(cats) > MAX_CATEGORIES:
            raise ValueError(
                f"Column {feature_names[j]!r} has {len(cats)} categories; at most "
                f"{MAX_CATEGORIES} are supported."
            )
        categories.append(cats)
    return ColumnSpec(
        is_nominal=np.asarray(nominal, dtype=bool).copy(),
        categories=categories,
        feature_names=np.asarray(feature_names, dtype=object),
    )


def merge_summaries(a: dict, b: dict, *, max_bins: int, sample_size: int) -> dict:
    """Two ``summarize`` results as one."""
    out = {
        "n_rows": a["n_rows"] + b["n_rows"],
        "class_rows": a["class_rows"] + b["class_rows"],
    }
    if "whole" in a:
        out["whole"] = a["whole"] and b["whole"]
        for key in ("relative_sum", "whole_sum", "n_positive"):
            out[key] = a[key] + b[key]
    distinct = {}
    for j, values in a["distinct"].items():
        other = b["distinct"][j]
        if values is None or other is None:
            distinct[j] = None
            continue
        joined = np.union1d(values, other)
        distinct[j] = joined if joined.shape[0] <= max_bins else None
    out["distinct"] = distinct
    extremes = {}
    for j, pair in a["extremes"].items():
        other = b["extremes"][j]
        if pair is None or other is None:
            extremes[j] = pair if other is None else other
        else:
            extremes[j] = (min(pair[0], other[0]), max(pair[1], other[1]))
    out["extremes"] = extremes
    out["sample"] = _smallest_hashes(a["sample"], b["sample"], sample_size)
    return out


def _smallest_hashes(a, b, size):
    """The (at most ``size``) rows of two samples with the smallest hashes."""
    hashes = np.concatenate([a[0], b[0]])
    partition = np.concatenate([a[1], b[1]])
    row = np.concatenate([a[2], b[2]])
    order = np.lexsort((row, partition, hashes))[:size]
    weights = None if a[5] is None else np.concatenate([a[5], b[5]])[order]
    return (
        hashes[order],
        partition[order],
        row[order],
        np.concatenate([a[3], b[3]])[order],
        np.concatenate([a[4], b[4]])[order],
        weights,
    )


def sample_in_row_order(sample):
    """(X, y, raw weights) of the sample in the rows' original order."""
    _, partition, row, X, y, w = sample
    order = np.lexsort((row, partition))
    return X[order], y[order], None if w is None else w[order]


@dataclass
class BinLayout:
    """The bins of every column, in the flat form the binning kernel reads."""

    numeric: np.ndarray
    edges: np.ndarray
    edge_start: np.ndarray
    exact: np.ndarray
    cells: np.ndarray
    cell_start_at: np.ndarray
    scales: np.ndarray
    nominal_bins: np.ndarray
    n_bins: np.ndarray
    n_flat: int
    dtype: type

    def mapper(self, bin_min, bin_max) -> BinMapper:
        """The BinMapper (thresholds in raw units) given the merged bin extremes."""
        starts = self.edge_start[:-1] + np.arange(self.numeric.shape[0])
        return BinMapper(
            n_bins=self.n_bins,
            bin_min=[
                bin_min[a : a + nb] if self.numeric[j] else np.zeros(0)
                for j, (a, nb) in enumerate(zip(starts, self.n_bins))
            ],
            bin_max=[
                bin_max[a : a + nb] if self.numeric[j] else np.zeros(0)
                for j, (a, nb) in enumerate(zip(starts, self.n_bins))
            ],
        )


def bin_layout(summary: dict, spec: ColumnSpec, sample_X, max_bins: int) -> BinLayout:
    """Exact edges for columns of <= max_bins distinct values, else sketched."""
    n_features = len(spec.is_nominal)
    numeric = ~spec.is_nominal
    edge_list = [np.zeros(0)] * n_features
    exact = np.zeros(n_features, dtype=bool)
    for j in np.flatnonzero(numeric):
        extremes = summary["extremes"][int(j)]
        if extremes is not None and np.isinf(extremes[1] - extremes[0]):
            raise ValueError(
                f"Column {spec.feature_names[j]!r} spans more than a float64 can "
                f"hold ({extremes[0]!r} to {extremes[1]!r}); rescale it."
            )
        values = summary["distinct"][int(j)]
        if values is not None:
            edge_list[j], exact[j] = np.asarray(values, dtype=np.float64), True
        else:
            column = sample_X[:, j]
            ordered = np.sort(column[~np.isnan(column)])
            edge_list[j] = _quantile_edges(ordered, max_bins)
    edge_start = np.zeros(n_features + 1, dtype=np.int64)
    edge_start[1:] = np.cumsum([len(e) for e in edge_list])
    grids = [
        _grid(e) if len(e) else (np.zeros(2, dtype=np.int64), 0.0) for e in edge_list
    ]
    cell_start_at = np.zeros(n_features + 1, dtype=np.int64)
    cell_start_at[1:] = np.cumsum([len(g[0]) for g in grids])
    nominal_bins = np.array(
        [
            len(spec.categories[j]) if spec.is_nominal[j] else 0
            for j in range(n_features)
        ],
        dtype=np.int64,
    )
    largest_code = max(
        int(np.max(np.diff(edge_start) + 1, initial=0)), int(nominal_bins.max())
    )
    n_bins = np.where(
        numeric, np.diff(edge_start) + np.where(exact, 0, 1), nominal_bins
    ).astype(np.int64)
    return BinLayout(
        numeric=numeric,
        edges=np.concatenate(edge_list + [np.zeros(0)]),
        edge_start=edge_start,
        exact=exact,
        cells=np.concatenate([g[0] for g in grids] + [np.zeros(0, dtype=np.int64)]),
        cell_start_at=cell_start_at,
        scales=np.array([g[1] for g in grids], dtype=np.float64),
        nominal_bins=nominal_bins,
        n_bins=n_bins,
        n_flat=int(edge_start[-1] + n_features),
        dtype=np.uint8 if largest_code <= np.iinfo(np.uint8).max else np.uint16,
    )


def merge_binned_stats(a: dict, b: dict) -> dict:
    return {
        "n_rows": a["n_rows"] + b["n_rows"],
        "missing": a["missing"] or b["missing"],
        "whole": a["whole"] and b["whole"],
        "w_max": max(a["w_max"], b["w_max"]),
        "bin_min": np.fmin(a["bin_min"], b["bin_min"]),
        "bin_max": np.fmax(a["bin_max"], b["bin_max"]),
    }
