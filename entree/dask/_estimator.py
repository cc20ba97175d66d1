"""DaskC45Classifier, DaskID3Classifier: the in-memory estimators fitted on dask data.

fit reads the partitions three times (what the columns and classes are; bin edges, a
bounded sample and weight totals; the binned rows, kept on the workers), then grows
the tree level by level (``_levelwise``), prunes it and sets the leaf probabilities
on the client with the in-memory estimator's own code. The fitted model is an
in-memory ``C45Classifier``/``ID3Classifier`` (``to_local()``); prediction on dask
input is lazy, per partition.
"""

from __future__ import annotations

import copy
import sys
import time

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from entree.dask import _levelwise, _partition
from entree.dask._inputs import split_partitions
from entree.dask._levelwise import (
    GrowOptions,
    fixed_point_scale,
    grow_levelwise,
)
from entree.dask._moments import distributed_node_sd
from entree.dask._runner import make_runner
from entree.dask._summary import (
    SAMPLE_ROWS,
    bin_layout,
    column_spec,
    merge_binned_stats,
    merge_summaries,
    merge_surveys,
    sample_in_row_order,
)
from entree.tree._builder import CRITERION_GAIN, CRITERION_GAIN_RATIO
from entree.tree._classes import _check_class_weight
from entree.tree._columns import resolve_nominal_mask

_CRITERIA = {"gain": CRITERION_GAIN, "gain_ratio": CRITERION_GAIN_RATIO}


def _unknown_categories(dtype) -> bool:
    return isinstance(dtype, pd.CategoricalDtype) and (
        "__UNKNOWN_CATEGORIES__" in list(dtype.categories)
    )


class _DaskTreeMixin:
    """fit over dask partitions, prediction per partition, to_local()."""

    _local_class: type = None

    def _local_params(self) -> dict:
        params = self.get_params(deep=False)
        params.pop("client")
        params.pop("verbose")
        return params

    def fit(self, X, y, sample_weight=None):
        """Grow (and prune) the tree from dask partitions.

        Parameters
        ----------
        X : dask DataFrame or dask Array of shape (n_samples, n_features)
            Training data, read partition by partition (column kinds and NaN as in
            the in-memory estimator).
        y : dask Series or 1-D dask Array
            Class labels, partitioned as X (same partitions, same lengths).
        sample_weight : dask Series or 1-D dask Array, default=None
            Case weights, partitioned as X.

        Returns
        -------
        self : object
        """
        local = self._local_class(**self._local_params())
        local._validate_params()
        if local.pruning == "error_based" and local.subtree_raising:
            raise ValueError(
                "subtree_raising=True is not supported by the Dask estimators: "
                "raising re-routes the training cases on the client. Fit with "
                "subtree_raising=False."
            )
        if isinstance(local.class_weight, dict):
            _check_class_weight(local.class_weight)
        started = time.perf_counter()
        parts = split_partitions(X, y, sample_weight)
        runner = make_runner(self.client)
        self.pass_report_ = []
        self.level_report_ = []
        printer = self._reporter()

        def report(figures):
            kept = self.level_report_ if "level" in figures else self.pass_report_
            kept.append(figures)
            printer(figures)

        names = (
            parts.feature_names
            if parts.feature_names is not None
            else np.array([f"x{j}" for j in range(parts.n_features)], dtype=object)
        )
        meta = parts.meta
        detect = []
        if (
            not isinstance(meta, pd.DataFrame)
            and meta.dtype.kind == "O"
            and local.categorical_features is None
        ):
            detect = list(range(parts.n_features))
            nominal = np.zeros(parts.n_features, dtype=bool)
        else:
            nominal = resolve_nominal_mask(
                meta, local.categorical_features, parts.n_features, names
            )
        w_pieces = parts.weights or [None] * len(parts.X)

        # pass 1: classes, categories, weight extremes
        def category_columns(mask):
            out = []
            for j in np.flatnonzero(mask):
                dtype = meta.dtypes.iloc[j] if isinstance(meta, pd.DataFrame) else None
                if isinstance(dtype, pd.CategoricalDtype) and not _unknown_categories(
                    dtype
                ):
                    continue  # known from the dtype
                out.append((int(j), names[j]))
            return out

        surveys = runner.compute(
            [
                dask.delayed(_partition.survey, pure=False)(
                    x,
                    yy,
                    w,
                    i,
                    meta,
                    category_columns(nominal)
                    if not detect
                    else [(j, names[j]) for j in detect],
                    detect,
                )
                for i, (x, yy, w) in enumerate(zip(parts.X, parts.y, w_pieces))
            ]
        )
        survey = runner.reduce(surveys, merge_surveys)
        runner.release(surveys)
        if detect:
            nominal = np.array([survey["detected"][j] for j in detect], dtype=bool)
        report(
            {
                "pass": "survey",
                "rows": survey["n_rows"],
                "seconds": round(time.perf_counter() - started, 3),
            }
        )
        if survey["n_rows"] < 1:
            raise ValueError(
                "Found array with 0 sample(s) while a minimum of 1 is required."
            )
        classes = np.asarray(survey["y_values"])
        if classes.dtype == object:
            classes = np.unique(classes)
        check_classification_targets(classes)
        if classes.shape[0] < 2:
            raise ValueError(
                "The target y needs samples of at least 2 classes, but it contains "
                f"only one class: {classes[0]!r}."
            )
        n_classes = int(classes.shape[0])
        spec = column_spec(survey, nominal, names, meta)

        rule = _partition.WeightRule()
        if survey["weights"] is not None:
            w_max, w_min, n_positive = survey["weights"]
            if n_positive == 0:
                raise ValueError(
                    "The sample weights sum to zero; nothing to learn from."
                )
            rule.given = True
            rule.w_max = w_max
            rule.smallest = w_min / w_max
        if isinstance(local.class_weight, dict):
            rule.class_factor = compute_sample_weight(local.class_weight, classes)

        # pass 2: bin edges, the sample, weight totals
        summaries = runner.compute(
            [
                dask.delayed(_partition.summarize, pure=False)(
                    x,
                    yy,
                    w,
                    i,
                    meta,
                    spec,
                    classes,
                    rule,
                    local.max_bins,
                    SAMPLE_ROWS,
                )
                for i, (x, yy, w) in enumerate(zip(parts.X, parts.y, w_pieces))
            ]
        )
        summary = runner.reduce(
            summaries,
            _MergeSummaries(local.max_bins, SAMPLE_ROWS),
        )
        runner.release(summaries)
        _finish_weight_rule(rule, summary, local.class_weight, n_classes)
        X_sample, y_sample, w_sample = sample_in_row_order(summary["sample"])
        sample_weights = _partition.case_weights(
            w_sample, y_sample, rule, X_sample.shape[0]
        )
        layout = bin_layout(summary, spec, X_sample, local.max_bins)
        report(
            {
                "pass": "edges",
                "seconds": round(time.perf_counter() - started, 3),
                "exact_columns": int(layout.exact.sum()),
                "sketched_columns": int((layout.numeric & ~layout.exact).sum()),
            }
        )

        # pass 3: the binned rows, kept where they are
        binned = runner.compute(
            [
                dask.delayed(_partition.bin_partition, pure=False)(
                    x, yy, w, i, meta, spec, classes, rule, layout
                )
                for i, (x, yy, w) in enumerate(zip(parts.X, parts.y, w_pieces))
            ]
        )
        try:
            stats = runner.reduce(
                runner.map(_partition.binned_stats, binned, args=(layout,)),
                merge_binned_stats,
            )
            if stats["n_rows"] == 0:
                raise ValueError(
                    "The sample weights sum to zero; nothing to learn from."
                )
            report(
                {
                    "pass": "binned",
                    "rows": stats["n_rows"],
                    "seconds": round(time.perf_counter() - started, 3),
                }
            )
            scale = fixed_point_scale(stats["n_rows"], stats["w_max"])
            root_fixed = runner.sum(
                runner.map(_partition.root_value, binned, args=(n_classes, scale))
            )
            # "auto" settings (min_samples_leaf among them) by the in-memory CV on
            # the sample, before the tree is grown with the chosen minimum
            local._columns = spec
            local.classes_ = classes
            local.n_classes_ = n_classes
            width, method, strength, local.min_samples_leaf_ = (
                local._choose_probability_settings(
                    X_sample, y_sample, sample_weights, stats["n_rows"]
                )
            )
            options = GrowOptions(
                n_classes=n_classes,
                criterion=_CRITERIA[local.criterion],
                min_cases=float(local.min_samples_leaf_),
                min_samples_split=float(local.min_samples_split),
                max_depth=-1 if local.max_depth is None else int(local.max_depth),
                min_gain=float(local.min_gain),
                mdl=local.criterion == "gain_ratio",
            )

            grown = grow_levelwise(
                runner,
                binned,
                layout.n_bins,
                spec.is_nominal,
                options,
                root_value=root_fixed * (1.0 / scale),
                n_samples=stats["n_rows"],
                whole_data=not stats["missing"] and stats["whole"],
                scale=scale,
                hist_budget=_levelwise.HIST_BUDGET,
                local_rows=_levelwise.LOCAL_ROWS,
                report=report,
            )
        finally:
            runner.release(binned)

        # the fitted in-memory estimator: pruning, probabilities, as in its fit
        local.n_features_in_ = parts.n_features
        if parts.feature_names is not None:
            local.feature_names_in_ = parts.feature_names
        local.tree_ = local._tree_from_grown(
            grown, layout.mapper(stats["bin_min"], stats["bin_max"])
        )
        local._set_probabilities(
            width,
            method,
            strength,
            lambda tree: distributed_node_sd(
                runner, parts, w_pieces, meta, spec, classes, rule, tree
            ),
        )
        self._local = local
        for name in (
            "classes_",
            "n_classes_",
            "n_features_in_",
            "tree_",
            "smoothing_",
            "soft_thresholds_",
            "smoothing_strength_",
            "min_samples_leaf_",
        ):
            setattr(self, name, getattr(local, name))
        if parts.feature_names is not None:
            self.feature_names_in_ = parts.feature_names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return self

    def _reporter(self):
        verbose = self.verbose

        def report(figures):
            if not verbose:
                return
            if "level" in figures:
                text = (
                    f"level {figures['level']}: {figures['nodes']} nodes, "
                    f"{figures['expandable']} expandable, {figures['histograms']} "
                    f"histograms counted, {figures['subtracted']} by subtraction, "
                    f"{figures['splits']} split; {figures['bytes_to_workers']} B to "
                    f"workers, {figures['bytes_from_workers']} B back, "
                    f"{figures['seconds']:.2f} s"
                )
            else:
                text = ", ".join(f"{k}={v}" for k, v in figures.items())
            print(f"[{type(self).__name__}] {text}", file=sys.stderr, flush=True)

        return report

    # -- the fitted model -------------------------------------------------------------
    def to_local(self):
        """The fitted in-memory estimator (a copy): C45Classifier or ID3Classifier.

        Everything that works on an in-memory fit works on it: ``save_model``,
        ``export_text``, ``split_report``, ``explain``, pickling.
        """
        check_is_fitted(self, "_local")
        return copy.deepcopy(self._local)

    def get_depth(self) -> int:
        """Depth of the tree (the root alone has depth 0)."""
        check_is_fitted(self, "_local")
        return self._local.get_depth()

    def get_n_leaves(self) -> int:
        """Number of leaves."""
        check_is_fitted(self, "_local")
        return self._local.get_n_leaves()

    @property
    def feature_importances_(self) -> np.ndarray:
        """Total weighted information gain per feature, normalised to sum to 1."""
        check_is_fitted(self, "_local")
        return self._local.feature_importances_

    def predict_proba(self, X):
        """Class probabilities: a lazy dask Array for dask input, else numpy."""
        check_is_fitted(self, "_local")
        return self._per_partition(X, "predict_proba", self.n_classes_, np.float64)

    def predict(self, X):
        """Most probable class: a lazy dask Array for dask input, else numpy."""
        check_is_fitted(self, "_local")
        return self._per_partition(X, "predict", None, self.classes_.dtype)

    def predict_log_proba(self, X):
        """Natural logarithm of :meth:`predict_proba`."""
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba) if not isinstance(proba, da.Array) else da.log(proba)

    def _per_partition(self, X, method, n_columns, dtype):
        local = self._local
        shape = (0,) if n_columns is None else (0, n_columns)
        run = _PartitionPredictor(local, method, shape, dtype)
        if isinstance(X, dd.DataFrame):
            blocks = [
                da.from_delayed(
                    dask.delayed(run)(part),
                    shape=(np.nan,) + shape[1:],
                    dtype=dtype,
                    meta=np.empty(shape, dtype),
                )
                for part in X.to_delayed()
            ]
            return da.concatenate(blocks, axis=0)
        if isinstance(X, da.Array):
            if X.ndim != 2:
                raise ValueError(
                    f"Expected a 2-D dask Array for X, got {X.ndim} dimension(s)."
                )
            if len(X.chunks[1]) > 1:
                X = X.rechunk({1: -1})
            if n_columns is None:
                return X.map_blocks(
                    run, drop_axis=1, dtype=dtype, meta=np.empty(shape, dtype)
                )
            return X.map_blocks(
                run,
                chunks=(X.chunks[0], (n_columns,)),
                dtype=dtype,
                meta=np.empty(shape, dtype),
            )
        return getattr(local, method)(X)

    def score(self, X, y, sample_weight=None):
        """Accuracy (computed) on dask or in-memory data."""
        predicted = self.predict(X)
        if isinstance(predicted, da.Array):
            predicted = predicted.compute()
        if isinstance(y, (dd.Series, da.Array)):
            y = y.compute()
        from sklearn.metrics import accuracy_score

        if isinstance(sample_weight, (dd.Series, da.Array)):
            sample_weight = sample_weight.compute()
        return accuracy_score(np.asarray(y), predicted, sample_weight=sample_weight)


class _PartitionPredictor:
    """The fitted in-memory estimator's method on one partition (empty ones too)."""

    def __init__(self, local, method, empty_shape, dtype):
        self.local = local
        self.method = method
        self.empty_shape = empty_shape
        self.dtype = dtype

    def __call__(self, part):
        if part.shape[0] == 0:
            return np.empty(self.empty_shape, dtype=self.dtype)
        return getattr(self.local, self.method)(part)


class _MergeSummaries:
    """merge_summaries with its options, picklable for the workers."""

    def __init__(self, max_bins, sample_size):
        self.max_bins = max_bins
        self.sample_size = sample_size

    def __call__(self, a, b):
        return merge_summaries(
            a, b, max_bins=self.max_bins, sample_size=self.sample_size
        )


def _finish_weight_rule(rule, summary, class_weight, n_classes) -> None:
    """The global constants of the case weights (see case_weights of the local fit)."""
    if rule.given:
        rule.whole = summary["whole"]
        if not rule.whole:
            rule.rescale = summary["n_positive"] / summary["relative_sum"].sum()
        base = (
            summary["whole_sum"]
            if rule.whole
            else summary["relative_sum"] * rule.rescale
        )
    else:
        base = summary["class_rows"].astype(np.float64)
    if class_weight is None:
        rule.class_factor = None
        total = float(base.sum())
    else:
        if class_weight == "balanced":
            counts = summary["class_rows"]
            rule.class_factor = counts.sum() / (n_classes * counts.astype(np.float64))
        total = float(base.sum())
        new_total = float((base * rule.class_factor).sum())
        if new_total > 0 and new_total != total:
            rule.final_factor = total / new_total
        total = new_total
    if not total > 0:
        raise ValueError("The sample weights sum to zero; nothing to learn from.")
