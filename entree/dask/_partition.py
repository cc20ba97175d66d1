"""What runs on one partition: read it, summarize it, bin it, route and count it.

Every function here is a pure function of its arguments (a raw or binned partition
and small plans made on the client), so dask can run it on any worker and run it
again after a worker is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from entree.dask._inputs import as_frame_or_array, as_vector
from entree.tree._binning import _bin_rows
from entree.tree._builder import grow_tree
from entree.tree._columns import _holds_text_or_bool, _missing_mask, encode_transform
from entree.tree._kernels import _levelwise
from entree.tree._kernels._soft import row_hashes as _row_hashes
from entree.tree._soft import CV_SEED

# -- pass 1: what fit must know before encoding --------------------------------------


def survey(X_part, y_part, w_part, index, meta, category_columns, detect_columns):
    """Row count, y's values, the values of nominal columns, weight extremes.

    ``category_columns``: columns whose categories need a pass over the data;
    ``detect_columns``: columns of an object array to test for text or bools.
    """
    X_part = as_frame_or_array(X_part, meta)
    n_rows = X_part.shape[0]
    y = as_vector(y_part, "y", n_rows, index)
    if (
        y.dtype.kind == "O"
        and pd.isna(y).any()
        or y.dtype.kind == "f"
        and (np.isnan(y).any())
    ):
        raise ValueError(
            f"partition {index}: Input y contains NaN or None (or y's index does "
            "not match X's: y must be aligned with X's partitions)."
        )
    values = {}
    for j, name in category_columns:
        column = X_part.iloc[:, j] if isinstance(X_part, pd.DataFrame) else X_part[:, j]
        if isinstance(column, pd.Series) and isinstance(
            column.dtype, pd.CategoricalDtype
        ):
            values[j] = np.asarray(column.cat.categories, dtype=object)
            continue
        objects = np.asarray(column, dtype=object)
        try:
            values[j] = pd.unique(objects[~_missing_mask(objects)])
        except TypeError as exc:
            raise ValueError(
                f"Column {name!r} holds values that cannot be categorized ({exc}); "
                "nominal columns need hashable values such as text, numbers or "
                "bools: convert the column or drop it."
            ) from exc
    detected = {j: _holds_text_or_bool(X_part[:, j]) for j in detect_columns}
    weights = None
    if w_part is not None:
        w = np.asarray(as_vector(w_part, "sample_weight", n_rows, index), np.float64)
        if not np.isfinite(w).all():
            raise ValueError(
                f"partition {index}: sample_weight contains NaN or infinity."
            )
        if (w < 0).any():
            raise ValueError(
                f"partition {index}: Negative values in data passed to sample_weight."
            )
        positive = w[w > 0]
        weights = (
            float(w.max()) if n_rows else 0.0,
            float(positive.min()) if positive.size else np.inf,
            int(positive.size),
        )
    try:
        y_values = np.unique(y)
    except TypeError:  # mixed types: kept as they are, sorted on the client
        y_values = pd.unique(np.asarray(y, dtype=object))
    return {
        "n_rows": n_rows,
        "y_values": y_values,
        "categories": values,
        "detected": detected,
        "weights": weights,
    }


# -- reading a partition as the in-memory estimator encodes it -----------------------


@dataclass
class WeightRule:
    """How raw sample weights become case weights (see ``case_weights`` of fit).

    ``whole``: each weight is ``round(w / w_max / smallest)``; else ``w / w_max *
    rescale``. Then times ``class_factor[y]`` (class_weight) and ``final_factor``.
    """

    given: bool = False
    w_max: float = 1.0
    smallest: float = 1.0
    whole: bool = True
    rescale: float = 1.0
    class_factor: np.ndarray | None = None
    final_factor: float | None = None


def _relative(w, rule: WeightRule):
    return w / rule.w_max


def _base_weights(w, rule: WeightRule):
    relative = _relative(w, rule)
    if rule.whole:
        with np.errstate(over="ignore"):
            return np.round(relative / rule.smallest)
    return relative * rule.rescale


def read_partition(X_part, y_part, w_part, index, meta, spec, classes):
    """(encoded X float matrix, y class indices, raw weights or None)."""
    X_part = as_frame_or_array(X_part, meta)
    n_rows = X_part.shape[0]
    encoded = (
        encode_transform(X_part, spec)
        if n_rows
        else np.empty((0, len(spec.is_nominal)))
    )
    y = as_vector(y_part, "y", n_rows, index)
    y_codes = np.searchsorted(classes, y) if n_rows else np.zeros(0, np.intp)
    y_codes = np.asarray(y_codes, dtype=np.int64)
    w = None
    if w_part is not None:
        w = np.asarray(as_vector(w_part, "sample_weight", n_rows, index), np.float64)
    return np.ascontiguousarray(encoded, dtype=np.float64), y_codes, w


def case_weights(w, y_codes, rule: WeightRule, n_rows: int):
    """Per-row case weights, as the in-memory fit computes them."""
    weights = np.ones(n_rows) if w is None else _base_weights(w, rule)
    if rule.class_factor is not None:
        weights = weights * rule.class_factor[y_codes]
        if rule.final_factor is not None:
            weights *= rule.final_factor
    return weights


# -- pass 2: bin edges, a bounded sample, weight totals ------------------------------


def summarize(
    X_part, y_part, w_part, index, meta, spec, classes, rule, max_bins, sample_size
):
    """Per-partition summaries merged on the client (see ``_summary``).

    Distinct values of each numeric column among the rows of positive weight (None
    past ``max_bins``), each numeric column's extremes, the rows with the
    ``sample_size`` smallest content hashes, and the sums the weight rule needs.
    """
    X, y, w = read_partition(X_part, y_part, w_part, index, meta, spec, classes)
    n_classes = len(classes)
    out = {"n_rows": X.shape[0], "class_rows": np.bincount(y, minlength=n_classes)}
    if w is not None:
        relative = _relative(w, rule)
        positive = w > 0
        with np.errstate(over="ignore"):
            counts = relative / rule.smallest
        whole = np.round(counts)
        out["whole"] = bool(
            np.isfinite(counts).all()
            and (np.abs(counts - whole) <= 1e-9 * np.maximum(counts, 1.0)).all()
        )
        out["relative_sum"] = np.bincount(y, weights=relative, minlength=n_classes)
        out["whole_sum"] = np.bincount(
            y, weights=np.where(positive, whole, 0.0), minlength=n_classes
        )
        out["n_positive"] = int(positive.sum())
        keep = positive
    else:
        keep = np.ones(X.shape[0], dtype=bool)
    if rule.class_factor is not None:
        keep &= rule.class_factor[y] > 0
    X, y = X[keep], y[keep]
    rows = np.flatnonzero(keep)
    numeric = np.flatnonzero(~spec.is_nominal)
    distinct = {}
    extremes = {}
    for j in numeric:
        column = X[:, j]
        present = column[~np.isnan(column)]
        extremes[int(j)] = (
            (float(present.min()), float(present.max())) if present.size else None
        )
        # a continuous column shows more than max_bins values in its first rows:
        # no need to sort all of them
        if np.unique(present[: 16 * (max_bins + 1)]).shape[0] > max_bins:
            distinct[int(j)] = None
            continue
        values = np.unique(present)
        distinct[int(j)] = values if values.shape[0] <= max_bins else None
    out["distinct"] = distinct
    out["extremes"] = extremes
    hashes = _row_hashes(X, X.view(np.uint64), y, CV_SEED)
    take = np.argsort(hashes, kind="stable")[:sample_size]
    out["sample"] = (
        hashes[take],
        np.full(take.shape[0], index, dtype=np.int64),
        rows[take].astype(np.int64),
        X[take],
        y[take],
        None if w is None else w[keep][take],
    )
    return out


# -- pass 3: the binned partition the growth reads -----------------------------------


@dataclass
class BinnedPartition:
    """A partition's rows of positive weight: bin codes, classes, case weights."""

    codes: np.ndarray  # (n, n_features) uint8 or uint16, C-ordered
    y: np.ndarray  # int64 class indices
    weights: np.ndarray  # float64 case weights, all > 0
    bin_min: np.ndarray  # smallest raw value per bin (flat, as fit_bins lays it)
    bin_max: np.ndarray


def bin_partition(X_part, y_part, w_part, index, meta, spec, classes, rule, layout):
    """Encode and bin one partition; keeps only the rows of positive weight."""
    X, y, w = read_partition(X_part, y_part, w_part, index, meta, spec, classes)
    weights = case_weights(w, y, rule, X.shape[0])
    keep = weights > 0
    if not keep.all():
        X, y, weights = X[keep], y[keep], weights[keep]
    codes = np.empty(X.shape, dtype=layout.dtype)
    bin_min = np.full(layout.n_flat, np.inf)
    bin_max = np.full(layout.n_flat, -np.inf)
    failed = np.zeros(X.shape[1], dtype=bool)
    if X.shape[0]:
        _bin_rows(
            X,
            layout.numeric,
            layout.edges,
            layout.edge_start,
            layout.exact,
            layout.cells,
            layout.cell_start_at,
            layout.scales,
            layout.nominal_bins,
            codes,
            bin_min,
            bin_max,
            failed,
        )
    if failed.any():
        j = int(np.flatnonzero(failed)[0])
        raise RuntimeError(
            f"partition {index}: column {spec.feature_names[j]!r} holds a value "
            "that the first pass did not see; was the data changed between passes?"
        )
    return BinnedPartition(np.ascontiguousarray(codes), y, weights, bin_min, bin_max)


def binned_stats(part: BinnedPartition, layout):
    """Per-bin extremes (for thresholds), missing values, largest weight, rows."""
    codes = part.codes
    missing = bool((codes == layout.n_bins).any()) if codes.size else False
    whole = bool(
        np.all((part.weights >= 1.0) & (part.weights == np.floor(part.weights)))
    )
    return {
        "n_rows": codes.shape[0],
        "missing": missing,
        "whole": whole,
        "w_max": float(part.weights.max()) if part.weights.size else 0.0,
        "bin_min": part.bin_min,
        "bin_max": part.bin_max,
    }


# -- growth: the instance list and the histograms ------------------------------------


@dataclass
class Instances:
    """A partition's instance list at one level: (row, node, weight) entries."""

    rows: np.ndarray  # int32
    nodes: np.ndarray  # int64
    weights: np.ndarray  # float64


def root_instances(part: BinnedPartition) -> Instances:
    n = part.codes.shape[0]
    return Instances(
        np.arange(n, dtype=np.int32), np.zeros(n, dtype=np.int64), part.weights.copy()
    )


def root_value(part: BinnedPartition, n_classes: int, scale: float):
    """Class weights of the root in fixed point (int64 per class)."""
    return _levelwise.fixed_class_sums(part.y, part.weights, n_classes, scale)


def route(part: BinnedPartition, inst: Instances, plan) -> Instances:
    """The instance list one level down, by the level's splits (see RoutePlan)."""
    rows, nodes, weights = _levelwise.route_instances(
        part.codes,
        inst.rows,
        inst.nodes,
        inst.weights,
        plan.node_base,
        plan.feature,
        plan.lo,
        plan.n_bins,
        plan.first_child,
        plan.n_branch,
        plan.bin_start,
        plan.branch_of_bin,
        plan.frac_start,
        plan.frac,
    )
    return Instances(rows, nodes, weights)


def node_counts(inst: Instances, node_base: int, n_nodes: int):
    """Instances per node of the level (int64)."""
    return np.bincount(inst.nodes - node_base, minlength=n_nodes).astype(np.int64)


def histograms(
    part: BinnedPartition,
    inst: Instances,
    node_base,
    slot_of_node,
    n_slots,
    bin_offset,
    n_classes,
    scale,
):
    """Fixed-point histograms of the batch's nodes over this partition."""
    hist, _ = _levelwise.fixed_histograms(
        part.codes,
        part.y,
        inst.rows,
        inst.nodes,
        inst.weights,
        node_base,
        slot_of_node,
        n_slots,
        bin_offset,
        n_classes,
        scale,
    )
    return hist


# -- small nodes: gathered to one task and grown by the local depth-first driver ------


def gather_instances(part: BinnedPartition, inst: Instances, node_base, slot_of_node):
    """The instances of the selected nodes: (slot, codes, y, weights) per instance."""
    slot = slot_of_node[inst.nodes - node_base]
    keep = slot >= 0
    rows = inst.rows[keep]
    return slot[keep], part.codes[rows], part.y[rows], inst.weights[keep]


def grow_subtrees(
    n_slots, n_bins, is_nominal, options, max_depths, whole_data, *pieces
):
    """Grow each gathered node's subtree with the local driver (grow_tree).

    The instances of a node come in partition order. When the training set is not
    "whole" (fractional weights or missing values somewhere), a row of weight 0 with
    every value missing is added, so that the local driver never takes its path for
    whole counts where the whole fit does not; that row adds nothing to any count,
    only one instance to every node, taken off again.
    """
    slots = np.concatenate([p[0] for p in pieces])
    codes = np.concatenate([p[1] for p in pieces])
    y = np.concatenate([p[2] for p in pieces])
    weights = np.concatenate([p[3] for p in pieces])
    order = np.argsort(slots, kind="stable")
    bounds = np.searchsorted(slots[order], np.arange(n_slots + 1))
    n_bins = np.asarray(n_bins, dtype=np.int64)
    results = []
    for s in range(n_slots):
        take = order[bounds[s] : bounds[s + 1]]
        node_codes, node_y, node_w = codes[take], y[take], weights[take]
        if not whole_data:
            node_codes = np.vstack(
                [node_codes, n_bins.astype(codes.dtype).reshape(1, -1)]
            )
            node_y = np.append(node_y, 0)
            node_w = np.append(node_w, 0.0)
        grown = list(
            grow_tree(
                node_codes,
                node_y,
                node_w,
                n_bins,
                is_nominal,
                options.n_classes,
                options.criterion,
                options.min_cases,
                options.min_samples_split,
                int(max_depths[s]),
                options.min_gain,
                options.mdl,
                n_threads=1,
            )
        )
        if not whole_data:
            grown[8] = grown[8] - 1  # the added row's instance at every node
        results.append(tuple(grown))
    return results
