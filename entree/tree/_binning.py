"""Encoded X (floats, NaN = missing) -> compact bin codes for the builder, and back.

A numeric column gets one bin per distinct value when it has at most ``max_bins`` of
them (exact: every cut C4.5 would try is a candidate); otherwise bins at quantiles of a
fixed subsample. A nominal column's bins are its category codes. The code
``n_bins[f]`` means missing. Per bin we keep the smallest and largest training value so
that a cut between two bins becomes a threshold in raw units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

MAX_BINS_LIMIT = 65535  # uint16 codes, one value kept for "missing"
_SUBSAMPLE = 50_000  # rows used to place quantile bin edges on large data


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


@numba.njit(cache=True)
def _codes_and_ranges(column, edges, exact, out_codes, bin_min, bin_max):
    """Bin one column by binary search; returns False if `exact` edges miss a value."""
    n_edges = edges.shape[0]
    missing = n_edges if exact else n_edges + 1
    # A uniform grid over the edges' range narrows each search to a few edges.
    n_cells = 4 * n_edges + 1
    first = edges[0] if n_edges else 0.0
    span = edges[n_edges - 1] - first if n_edges else 0.0
    scale = n_cells / span if span > 0.0 else 0.0
    cell_start = np.empty(n_cells + 1, dtype=np.int64)  # first edge >= cell start
    j = 0
    for g in range(n_cells + 1):
        bound = first + g / scale if scale > 0.0 else first
        while j < n_edges and edges[j] < bound:
            j += 1
        cell_start[g] = j
    for i in range(column.shape[0]):
        x = column[i]
        if np.isnan(x):
            out_codes[i] = missing
            continue
        lo = 0
        hi = n_edges
        if scale > 0.0 and first < x <= edges[n_edges - 1]:
            g = np.int64((x - first) * scale)
            # one cell of slack either side absorbs rounding in the cell index
            lo = cell_start[max(g - 1, 0)]
            hi = cell_start[min(g + 2, n_cells)]
        elif x > first:  # beyond the last edge
            lo = n_edges
        else:  # at or below the first edge
            hi = 0
        while lo < hi:  # first edge >= x
            mid = (lo + hi) >> 1
            if edges[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        if exact and (lo == n_edges or edges[lo] != x):
            return False
        out_codes[i] = lo
        if x < bin_min[lo]:
            bin_min[lo] = x
        if x > bin_max[lo]:
            bin_max[lo] = x
    return True


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


def fit_bins(X: np.ndarray, is_nominal: np.ndarray, categories: list, max_bins: int):
    """Bin every column of the encoded training matrix.

    Returns (codes uint16 (n_samples, n_features) C-ordered, BinMapper).
    """
    n_samples, n_features = X.shape
    codes = np.empty((n_samples, n_features), dtype=np.uint16)
    n_bins = np.zeros(n_features, dtype=np.int64)
    bin_min, bin_max = [], []
    column_codes = np.empty(n_samples, dtype=np.uint16)
    X = np.asfortranarray(X)  # one pass, then every column is contiguous
    sample_rows = _subsample_rows(n_samples)
    for j in range(n_features):
        column = X[:, j]
        if is_nominal[j]:
            nb = len(categories[j])
            col = np.where(np.isnan(column), nb, column)
            codes[:, j] = col.astype(np.uint16)
            n_bins[j] = nb
            bin_min.append(np.zeros(0))
            bin_max.append(np.zeros(0))
            continue
        sample = column if sample_rows is None else column[sample_rows]
        ordered = np.sort(sample[~np.isnan(sample)])
        exact = False
        n_distinct = (
            int(np.count_nonzero(np.diff(ordered))) + 1 if ordered.shape[0] else 0
        )
        if n_distinct <= max_bins:
            distinct = np.unique(ordered)
            edges = distinct
            lo_arr = np.full(edges.shape[0], np.inf)
            hi_arr = np.full(edges.shape[0], -np.inf)
            exact = _codes_and_ranges(column, edges, True, column_codes, lo_arr, hi_arr)
            nb = edges.shape[0]
        if not exact:
            edges = _quantile_edges(ordered, max_bins)
            nb = edges.shape[0] + 1
            lo_arr = np.full(nb, np.inf)
            hi_arr = np.full(nb, -np.inf)
            _codes_and_ranges(column, edges, False, column_codes, lo_arr, hi_arr)
        codes[:, j] = column_codes
        n_bins[j] = nb
        bin_min.append(lo_arr)
        bin_max.append(hi_arr)
    return codes, BinMapper(n_bins=n_bins, bin_min=bin_min, bin_max=bin_max)
