"""Encoded X (floats, NaN = missing) -> compact bin codes for the builder, and back.

A numeric column gets one bin per distinct value when it has at most ``max_bins`` of
them (exact: every cut C4.5 would try is a candidate); otherwise bins at quantiles of a
fixed subsample. A nominal column's bins are its category codes. The code
``n_bins[f]`` means missing. Per bin we keep the smallest and largest training value so
that a cut between two bins becomes a threshold in raw units.

On large data the work is threaded (within threadpoolctl's OpenMP limit): the columns'
edges are fitted side by side and blocks of rows are binned in parallel. Codes, edges
and bin extremes are the same for any number of threads.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from entree.tree._builder import _effective_n_threads
from entree.tree._kernels._binning import BLOCK_ROWS
from entree.tree._kernels._binning import bin_rows as _bin_rows_kernel
from entree.tree._kernels._binning import grid as _grid
from entree.tree._kernels._binning import has_inf as _has_inf

MAX_BINS_LIMIT = 65535  # uint16 codes, one value kept for "missing"
_SUBSAMPLE = 50_000  # rows used to place quantile bin edges on large data
# values (rows x features) from which binning is threaded: below, a parallel
# region costs about what it saves
_PARALLEL_MIN_VALUES = 1 << 18
_BLOCK_ROWS = BLOCK_ROWS  # rows a thread bins at a time


@dataclass
class BinMapper:
    """Bins learned at fit, per feature."""

    n_bins: np.ndarray  # int64 (n_features,)
    bin_min: list  # per feature: float64 array (n_bins,) of raw minima (numeric)
    bin_max: list  # per feature: float64 array (n_bins,) of raw maxima (numeric)

    def thresholds(self, features, cut_lo, cut_hi) -> np.ndarray:
        """Raw thresholds between bin cut_lo (left) and bin cut_hi (right)."""
        out = np.empty(len(features))
        for f in np.unique(features):
            at = features == f
            low = self.bin_max[f][cut_lo[at]]
            high = self.bin_min[f][cut_hi[at]]
            mid = low / 2.0 + high / 2.0
            # rounding can land on `high`, which would send it left: use `low`
            out[at] = np.where((mid >= high) | ~np.isfinite(mid), low, mid)
        return out


def _threads_for(n_values: int) -> int:
    return 1 if n_values < _PARALLEL_MIN_VALUES else _effective_n_threads()


def has_infinity(X: np.ndarray) -> bool:
    """Whether a float64 matrix holds +-inf (in parallel when it is C-ordered)."""
    # below the parallel size numpy's vectorised test is faster than the kernel's
    # setup (and its temporary is small); above it the kernel needs no temporary
    large = X.size >= _PARALLEL_MIN_VALUES
    if large and X.ndim == 2 and X.dtype == np.float64 and X.flags.c_contiguous:
        return bool(_has_inf(X, _threads_for(X.size)))
    return bool(np.isinf(X).any())


def _subsample_rows(n_samples: int):
    """Rows used to place bin edges: all of them, or a fixed random subset."""
    if n_samples <= _SUBSAMPLE:
        return None
    # a fixed generator: the same data always gives the same bins
    rng = np.random.default_rng(0)
    return np.sort(rng.choice(n_samples, _SUBSAMPLE, replace=False))


def _quantile_edges(ordered: np.ndarray, max_bins: int) -> np.ndarray:
    """max_bins - 1 cut points at evenly spaced percentiles of a sorted sample.

    Each cut is the midpoint of the two order statistics around the percentile, so
    no cut equals a sample value.
    """
    positions = np.linspace(0, ordered.shape[0] - 1, max_bins + 1)[1:-1]
    below = ordered[np.floor(positions).astype(np.int64)]
    above_idx = np.searchsorted(ordered, below, side="right")
    above = ordered[np.minimum(above_idx, ordered.shape[0] - 1)]
    edges = np.unique(below / 2.0 + above / 2.0)
    return edges[edges < ordered[-1]]


def _bin_rows(
    X,
    numeric,
    edges,
    edge_start,
    exact,
    cells,
    cell_start_at,
    scales,
    nominal_bins,
    codes,
    bin_min,
    bin_max,
    failed,
):
    """Bin every row of X (codes are row-major too), in blocks of rows in parallel.

    For numeric column j the edges are ``edges[edge_start[j]:edge_start[j + 1]]``;
    with ``exact[j]`` each value must equal an edge, else ``failed[j]`` is set.
    Per-bin raw minima and maxima (flat, at ``edge_start[j] + j``) are tracked.
    Every output is the same for any number of threads.
    """
    n_threads = _threads_for(X.size)
    _bin_rows_kernel(
        X,
        np.ascontiguousarray(numeric, dtype=np.bool_).view(np.uint8),
        edges,
        edge_start,
        np.ascontiguousarray(exact, dtype=np.bool_).view(np.uint8),
        cells,
        cell_start_at,
        scales,
        nominal_bins,
        codes,
        bin_min,
        bin_max,
        failed.view(np.uint8),
        n_threads,
        _BLOCK_ROWS,
    )


def codes_for(column: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin codes of one numeric column against quantile edges (missing = n + 1).

    The same search fit_bins runs over every column; equal to
    ``np.searchsorted(edges, column)`` for present values.
    """
    column = np.ascontiguousarray(column, dtype=np.float64).reshape(-1, 1)
    edges = np.ascontiguousarray(edges, dtype=np.float64)
    cells, scale = _grid(edges) if len(edges) else (np.zeros(2, np.int64), 0.0)
    codes = np.empty(column.shape, dtype=np.uint16)
    _bin_rows(
        column,
        np.ones(1, dtype=np.bool_),
        edges,
        np.array([0, len(edges)], dtype=np.int64),
        np.zeros(1, dtype=np.bool_),
        cells,
        np.array([0, len(cells)], dtype=np.int64),
        np.array([scale]),
        np.zeros(1, dtype=np.int64),
        codes,
        np.full(len(edges) + 1, np.inf),
        np.full(len(edges) + 1, -np.inf),
        np.zeros(1, dtype=np.bool_),
    )
    return codes[:, 0]


def _edges_for(ordered: np.ndarray, max_bins: int, force_quantiles: bool):
    """(edges, exact) for a sorted sample of one numeric column."""
    if ordered.shape[0] == 0:
        return ordered.copy(), not force_quantiles
    first = np.empty(ordered.shape[0], dtype=bool)  # first of each run of equal values
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    if np.count_nonzero(first) <= max_bins and not force_quantiles:
        return ordered[first], True
    return _quantile_edges(ordered, max_bins), False


def _fit_edges(sample: np.ndarray, numeric, max_bins: int, force):
    """(edges per column, exact per column) from the sample rows.

    Each numeric column's present values are sorted and cut on their own, so with
    several threads the columns are shared out (numpy's sort runs without the GIL);
    every column's edges are the same for any thread count.
    """
    n_features = sample.shape[1]
    edge_list = [np.zeros(0)] * n_features
    exact = np.zeros(n_features, dtype=bool)

    def fit_column(j):
        column = sample[:, j]
        ordered = np.sort(column[~np.isnan(column)])
        edge_list[j], exact[j] = _edges_for(ordered, max_bins, force[j])

    columns = np.flatnonzero(numeric).tolist()
    n_threads = min(_threads_for(sample.shape[0] * len(columns)), len(columns))
    if n_threads > 1:
        with ThreadPoolExecutor(n_threads) as pool:
            list(pool.map(fit_column, columns))
    else:
        for j in columns:
            fit_column(j)
    return edge_list, exact


def _overflowing_span(sample: np.ndarray, numeric: np.ndarray) -> np.ndarray:
    """Numeric columns whose largest minus smallest value overflows a float64."""
    if sample.shape[0] == 0:
        return np.zeros(sample.shape[1], dtype=bool)
    # fmin/fmax skip NaN (all-NaN columns give NaN, a finite-span column here)
    with np.errstate(invalid="ignore", over="ignore"):
        span = np.fmax.reduce(sample, axis=0) - np.fmin.reduce(sample, axis=0)
    return numeric & np.isinf(span)


def fit_bins(X: np.ndarray, is_nominal: np.ndarray, categories: list, max_bins: int):
    """Bin every column of the encoded training matrix.

    Returns (codes (n_samples, n_features) C-ordered, BinMapper). Codes are uint8
    when every column's codes fit a byte (``max_bins`` <= 255 and at most 255
    categories per nominal column), else uint16.
    """
    n_samples, n_features = X.shape
    X = np.ascontiguousarray(X, dtype=np.float64)
    sample_rows = _subsample_rows(n_samples)
    sample = X if sample_rows is None else X[sample_rows]
    numeric = ~np.asarray(is_nominal, dtype=bool)
    halved = _overflowing_span(sample, numeric)
    if halved.any():
        # binned at half scale, so that their span (and the kernel's arithmetic
        # on it) stays finite; exact for every normal float
        X = X.copy()
        X[:, halved] *= 0.5
        sample = X if sample_rows is None else X[sample_rows]
    force = np.zeros(n_features, dtype=bool)
    while True:
        edge_list, exact = _fit_edges(sample, numeric, max_bins, force)
        edge_start = np.zeros(n_features + 1, dtype=np.int64)
        edge_start[1:] = np.cumsum([len(e) for e in edge_list])
        grids = [
            _grid(e) if len(e) else (np.zeros(2, dtype=np.int64), 0.0)
            for e in edge_list
        ]
        cell_start_at = np.zeros(n_features + 1, dtype=np.int64)
        cell_start_at[1:] = np.cumsum([len(g[0]) for g in grids])
        n_flat = edge_start[-1] + n_features  # one more bin than edges, per column
        bin_min = np.full(n_flat, np.inf)
        bin_max = np.full(n_flat, -np.inf)
        failed = np.zeros(n_features, dtype=bool)
        nominal_bins = np.array(
            [len(categories[j]) if not numeric[j] else 0 for j in range(n_features)],
            dtype=np.int64,
        )
        # the largest code is a column's missing code, n_bins; one byte per code
        # when it fits halves the memory the builder reads at random
        largest_code = max(
            int(np.max(np.diff(edge_start) + 1, initial=0)), int(nominal_bins.max())
        )
        dtype = np.uint8 if largest_code <= np.iinfo(np.uint8).max else np.uint16
        codes = np.empty((n_samples, n_features), dtype=dtype)
        _bin_rows(
            X,
            numeric,
            np.concatenate(edge_list + [np.zeros(0)]),
            edge_start,
            exact,
            np.concatenate([g[0] for g in grids] + [np.zeros(0, dtype=np.int64)]),
            cell_start_at,
            np.array([g[1] for g in grids], dtype=np.float64),
            nominal_bins,
            codes,
            bin_min,
            bin_max,
            failed,
        )
        if not failed.any():
            break
        # the subsample missed values of these columns: bin them at quantiles
        force |= failed
    n_bins = np.where(
        numeric, np.diff(edge_start) + np.where(exact, 0, 1), nominal_bins
    ).astype(np.int64)
    starts = edge_start[:-1] + np.arange(n_features)
    for j in np.flatnonzero(halved):  # back to raw units
        a = starts[j]
        bin_min[a : a + n_bins[j]] *= 2.0
        bin_max[a : a + n_bins[j]] *= 2.0
    return codes, BinMapper(
        n_bins=n_bins,
        bin_min=[
            bin_min[a : a + nb] if numeric[j] else np.zeros(0)
            for j, (a, nb) in enumerate(zip(starts, n_bins))
        ],
        bin_max=[
            bin_max[a : a + nb] if numeric[j] else np.zeros(0)
            for j, (a, nb) in enumerate(zip(starts, n_bins))
        ],
    )
