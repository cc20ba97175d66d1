"""Leaf-probability estimators and pruning choices on the 22-dataset corpus.

Scores every (tree, smoothing) variant on the shared corpus (the folder named by
ENTREE_BENCH_DIR, see the end of --help) with its fixed folds and its scoring code
(corpus.score: accuracy of the argmax, log-loss in nats with sklearn's clipping,
Brier 0..2, each a mean over folds, then a mean over datasets). Each tree is fitted
once per fold; the smoothing variants only recompute the node probabilities of that
fitted tree, so one run covers the whole table.

    python benchmarks/bench_probability.py                  # everything, ~30 min on 2 cores
    python benchmarks/bench_probability.py --datasets vote,iris --jobs 1
    python benchmarks/bench_probability.py --trees pruned --estimators "" --out probs.csv
    python benchmarks/bench_probability.py --estimators default,hard_m2 --smoothings laplace
    python benchmarks/bench_probability.py --estimators "" --smoothings laplace,m_est_cv,shrink_cv
    python benchmarks/bench_probability.py --trees "" --smoothings "" --estimators default \
        --stop-prior 0.8 --evidence-weight 1     # the pruning average before tempering

Two families of rows. Leaf estimators ("tree + smoothing"): one hard tree per fold
(soft_thresholds=0) whose node probabilities are recomputed by each estimator of
entree.tree._leaf_proba ("none", "laplace", m-estimate toward the root,
hierarchical shrinkage toward the parent and the average over prunings, at fixed
strengths, at "auto" = closed-form leave-one-out, and "*_cv" = internal 5-fold CV on
the training fold), on pruned (CF 0.25, 0.5) and unpruned trees. Whole estimators
("estimator + variant"): C45Classifier fitted per fold with the parameters in
ESTIMATORS, "default" being C45Classifier() itself (unpruned; branch minimum,
estimator, strength and soft width chosen by its internal CV on the training fold),
beside
"previous_default" (pruned, m-estimate, every soft band followed, C4.5's m = 2), the
new default's parts one at a time (min_samples_leaf 2 or 1 instead of "auto", pruning, the
pruning average, soft_min_share, subtree_min_change), and earlier alternatives on
the pruned tree (with m = 2, as the tree families above).

Besides the summary it prints the per-dataset log-loss of the recommended default
against J48 -A (reference.csv, column j48_laplace) and, for the datasets with missing
values, the log-loss of test rows with and without a missing value, pooled over folds.
Nothing is tuned per dataset: "auto" strengths come from each training fold alone.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from multiprocessing import Pool

import _corpus
import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from entree import C45Classifier
from entree.tree import _leaf_proba
from entree.tree._leaf_proba import (
    AUTO_GRID,
    auto_strength,
    heldout_log_loss,
    node_probabilities,
)


def _benchdata():
    return _corpus.import_corpus_module("benchdata")


def _score(*args):
    return _corpus.import_corpus_module("corpus").score(*args)


# Tree variants: name -> C45Classifier parameters (smoothing is replaced afterwards).
# Hard thresholds, one estimator and a fixed strength, so that fit does no internal CV.
# C4.5's m = 2 (the default before min_samples_leaf became 1), as J48 -M 2.
_HARD = dict(
    soft_thresholds=0.0,
    smoothing="m_estimate",
    smoothing_strength=2.0,
    min_samples_leaf=2,
)
TREES = {
    "pruned": dict(pruning="error_based", confidence=0.25, **_HARD),
    "cf0.5": dict(pruning="error_based", confidence=0.5, **_HARD),
    "unpruned": dict(pruning=None, **_HARD),
}

# Smoothing variants: name -> (method, strength).
SMOOTHINGS = {
    "none": ("none", None),
    "laplace": ("laplace", None),
    "m_est_auto": ("m_estimate", "auto"),
    "m_est_2": ("m_estimate", 2.0),
    "shrink_auto": ("shrinkage", "auto"),
    "shrink_1": ("shrinkage", 1.0),
    "shrink_3": ("shrinkage", 3.0),
    "shrink_10": ("shrinkage", 10.0),
    "pavg_1": ("pruning_average", 1.0),
    "pavg_2": ("pruning_average", 2.0),
    "m_est_cv": ("m_estimate", "cv"),
    "shrink_cv": ("shrinkage", "cv"),
}

CV_FOLDS = 5


def cv_strengths(est, X, y, methods, k=CV_FOLDS, grid=AUTO_GRID):
    """Strength per method by internal k-fold CV on the training set (X, y) only.

    Prototype of a ``smoothing_strength="cv"`` option: trees with est's parameters are
    grown on k-1 parts, the held-out part is routed to their leaves, and the strength
    with the smallest summed held-out log-loss over the k parts wins.
    """
    losses = {m: np.zeros(len(grid)) for m in methods}
    skf = StratifiedKFold(k, shuffle=True, random_state=0)
    for sub, held in skf.split(np.zeros(len(y)), y):
        inner = C45Classifier(**est.get_params()).fit(X.iloc[sub], y[sub])
        known = np.isin(y[held], inner.classes_)
        Xh = X.iloc[held[known]]
        yh = np.searchsorted(inner.classes_, y[held[known]])
        tree = inner.tree_
        weights = tree.predict_proba(
            inner._encoded(Xh), np.eye(tree.node_count), inner._columns.is_nominal
        )
        for m in methods:
            losses[m] += heldout_log_loss(tree, m, grid, weights, yh)
    return {
        m: float(grid[np.flatnonzero(v <= v.min() + 1e-9)[-1]])
        for m, v in losses.items()
    }


RECOMMENDED = ("estimator", "default")
BASELINE = ("pruned", "laplace")


def row_log_loss(P: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Per-row -log p(true class), clipped as sklearn's log_loss does."""
    eps = np.finfo(np.float64).eps
    p = np.clip(P[np.arange(len(idx)), idx], eps, 1.0)
    return -np.log(p)


def evaluate(name: str, trees: list[str], smoothings: list[str]) -> dict:
    """All variants on one dataset: fold-mean metrics, missing split, chosen strengths."""
    X, y, meta = _benchdata().load(name)
    folds = _benchdata().folds(name)
    classes = np.asarray(meta["classes"])
    has_missing = X.isna().any(axis=1).to_numpy()
    results = {}
    for tree_name in trees:
        per_fold = {s: [] for s in smoothings}
        pooled = {s: np.zeros(len(y)) for s in smoothings}
        strengths = {s: [] for s in smoothings}
        fit_s, leaves = 0.0, []
        for k in np.unique(folds):
            tr, te = folds != k, folds == k
            est = C45Classifier(**TREES[tree_name])
            t0 = time.perf_counter()
            est.fit(X.loc[tr], y[tr])
            fit_s += time.perf_counter() - t0
            leaves.append(est.get_n_leaves())
            pos = np.searchsorted(classes, np.asarray(est.classes_).astype(str))
            idx = np.searchsorted(classes, y[te])
            cv_methods = {
                SMOOTHINGS[s][0] for s in smoothings if SMOOTHINGS[s][1] == "cv"
            }
            cv = cv_strengths(est, X.loc[tr], y[tr], cv_methods) if cv_methods else {}
            for s in smoothings:
                method, strength = SMOOTHINGS[s]
                if strength == "auto":
                    strength = auto_strength(est.tree_, method)
                    strengths[s].append(strength)
                elif strength == "cv":
                    strength = cv[method]
                    strengths[s].append(strength)
                est._node_proba = node_probabilities(
                    est.tree_, method=method, strength=strength
                )
                p = np.asarray(est.predict_proba(X.loc[te]), dtype=np.float64)
                P = np.zeros((te.sum(), len(classes)))
                P[:, pos] = p
                per_fold[s].append(_score(y[te], P, classes))
                pooled[s][te] = row_log_loss(P, idx)
        for s in smoothings:
            out = {
                m: float(np.mean([f[m] for f in per_fold[s]])) for m in per_fold[s][0]
            }
            out["leaves"] = float(np.mean(leaves))
            out["fit_seconds"] = fit_s
            out["strength"] = float(np.median(strengths[s])) if strengths[s] else np.nan
            if has_missing.any():
                out["ll_missing_rows"] = float(pooled[s][has_missing].mean())
                out["ll_complete_rows"] = float(pooled[s][~has_missing].mean())
                out["n_missing_rows"] = int(has_missing.sum())
            results[(tree_name, s)] = out
    return {"dataset": name, "results": results}


# -- soft thresholds and the automatic choice: whole estimators, fitted per fold ------
# Each variant is C45Classifier with these parameters (the first is the default). The
# "auto" values are chosen inside fit by internal CV on the training fold alone.
# The previous default: the pruned tree, m-estimate leaves, every soft band followed.
_PREVIOUS = dict(
    pruning="error_based",
    smoothing="m_estimate",
    soft_min_share=0.0,
    soft_min_change=0.0,
    min_samples_leaf=2,
)
ESTIMATORS = {
    "default": {},
    "previous_default": _PREVIOUS,
    # the new default's parts, one at a time
    "min_leaf_2": dict(min_samples_leaf=2),
    "min_leaf_1": dict(min_samples_leaf=1),
    "unpruned_m_est": dict(smoothing="m_estimate"),
    "pruned_auto": dict(pruning="error_based"),
    "pavg_only": dict(smoothing="pruning_average"),
    "pavg_pruned": dict(pruning="error_based", smoothing="pruning_average"),
    # which sides of a soft band prediction follows (default: share 0.05, and
    # share x class gap 0.05)
    "every_band_side": dict(soft_min_share=0.0, soft_min_change=0.0),
    "min_share_only_0.05": dict(soft_min_change=0.0),
    "min_share_only_0.1": dict(soft_min_share=0.1, soft_min_change=0.0),
    "min_share_0.01": dict(soft_min_share=0.01),
    "min_share_0.1": dict(soft_min_share=0.1),
    "min_share_0.2": dict(soft_min_share=0.2),
    "soft_change_0.02": dict(soft_min_change=0.02),
    "soft_change_0.06": dict(soft_min_change=0.06),
    "soft_change_0.1": dict(soft_min_change=0.1),
    # the pruning average's subtrees cut off below this change (default 0.02)
    "min_change_0": dict(subtree_min_change=0.0),
    "min_change_0.005": dict(subtree_min_change=0.005),
    "min_change_0.01": dict(subtree_min_change=0.01),
    "min_change_0.05": dict(subtree_min_change=0.05),
    # earlier alternatives, on the previous default's pruned tree
    "hard_m2": dict(_PREVIOUS, soft_thresholds=0.0, smoothing_strength=2.0),
    "hard_auto": dict(_PREVIOUS, soft_thresholds=0.0, smoothing_strength="auto"),
    "soft0.1_m2": dict(_PREVIOUS, soft_thresholds=0.1, smoothing_strength=2.0),
    "soft0.3_m2": dict(_PREVIOUS, soft_thresholds=0.3, smoothing_strength=2.0),
    "soft_auto_m2": dict(_PREVIOUS, soft_thresholds="auto", smoothing_strength=2.0),
    "shrinkage": dict(_PREVIOUS, smoothing="shrinkage"),
}


def evaluate_estimators(name: str, variants: list[str]) -> dict:
    """C45Classifier variants on one dataset: fold-mean metrics and the auto picks."""
    X, y, meta = _benchdata().load(name)
    folds = _benchdata().folds(name)
    classes = np.asarray(meta["classes"])
    has_missing = X.isna().any(axis=1).to_numpy()
    results = {}
    for v in variants:
        per_fold, picks, leaves, fit_s = [], [], [], 0.0
        pooled = np.zeros(len(y))
        for k in np.unique(folds):
            tr, te = folds != k, folds == k
            est = C45Classifier(**ESTIMATORS[v])
            t0 = time.perf_counter()
            est.fit(X.loc[tr], y[tr])
            fit_s += time.perf_counter() - t0
            leaves.append(est.get_n_leaves())
            picks.append(
                (
                    est.soft_thresholds_,
                    est.smoothing_strength_ or np.nan,
                    float(est.smoothing_ == "pruning_average"),
                    float(est.min_samples_leaf_ == 1.0),
                )
            )
            pos = np.searchsorted(classes, np.asarray(est.classes_).astype(str))
            P = np.zeros((te.sum(), len(classes)))
            P[:, pos] = est.predict_proba(X.loc[te])
            per_fold.append(_score(y[te], P, classes))
            pooled[te] = row_log_loss(P, np.searchsorted(classes, y[te]))
        out = {m: float(np.mean([f[m] for f in per_fold])) for m in per_fold[0]}
        out["leaves"] = float(np.mean(leaves))
        out["fit_seconds"] = fit_s
        out["picks"] = picks
        if has_missing.any():
            out["ll_missing_rows"] = float(pooled[has_missing].mean())
            out["ll_complete_rows"] = float(pooled[~has_missing].mean())
            out["n_missing_rows"] = int(has_missing.sum())
        results[("estimator", v)] = out
    return {"dataset": name, "results": results}


def _set_average_constants(stop_prior: float, evidence_weight: float) -> None:
    """The pruning average's constants for this process (and the pool's workers)."""
    _leaf_proba.STOP_PRIOR = stop_prior
    _leaf_proba.EVIDENCE_WEIGHT = evidence_weight


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__,
        epilog=_corpus.help_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument(
        "--datasets", default="", help="comma-separated subset (default: all 22)"
    )
    ap.add_argument(
        "--trees", default=",".join(TREES), help="tree variants: " + ",".join(TREES)
    )
    ap.add_argument(
        "--smoothings",
        default=",".join(s for s in SMOOTHINGS if not s.endswith("_cv")),
        help="smoothing variants: " + ",".join(SMOOTHINGS),
    )
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument(
        "--estimators",
        default=",".join(ESTIMATORS),
        help="whole-estimator variants (soft thresholds, auto choices): "
        + ",".join(ESTIMATORS)
        + "; empty to skip",
    )
    ap.add_argument(
        "--out", help="write one row per (dataset, tree, smoothing) to this CSV"
    )
    ap.add_argument(
        "--stop-prior",
        type=float,
        default=_leaf_proba.STOP_PRIOR,
        help="the pruning average's prior a (default: entree's)",
    )
    ap.add_argument(
        "--evidence-weight",
        type=float,
        default=_leaf_proba.EVIDENCE_WEIGHT,
        help="the pruning average's power on the likelihoods (default: entree's)",
    )
    args = ap.parse_args(argv)
    _set_average_constants(args.stop_prior, args.evidence_weight)
    pool_args = dict(
        initializer=_set_average_constants,
        initargs=(args.stop_prior, args.evidence_weight),
    )
    trees = [t for t in args.trees.split(",") if t]
    smoothings = [s for s in args.smoothings.split(",") if s]
    names = _benchdata().names()
    if args.datasets:
        names = [n for n in names if n in args.datasets.split(",")]
    # Big data sets first so the pool stays busy.
    manifest = pd.read_csv(_corpus.corpus_dir() / "data" / "MANIFEST.csv")
    sizes = manifest.set_index("name")["rows"]
    work = sorted(names, key=lambda n: -sizes[n])
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args.jobs > 1:
            with Pool(args.jobs, **pool_args) as pool:
                done = pool.starmap(evaluate, [(n, trees, smoothings) for n in work])
        else:
            done = [evaluate(n, trees, smoothings) for n in work]
        variants = [v for v in args.estimators.split(",") if v]
        if variants:
            if args.jobs > 1:
                with Pool(args.jobs, **pool_args) as pool:
                    soft_done = pool.starmap(
                        evaluate_estimators, [(n, variants) for n in work]
                    )
            else:
                soft_done = [evaluate_estimators(n, variants) for n in work]
            for d, extra in zip(done, soft_done):
                d["results"].update(extra["results"])
    by_name = {d["dataset"]: d["results"] for d in done}

    rows = []
    for n in names:
        for (t, s), r in by_name[n].items():
            rows.append(
                {
                    "dataset": n,
                    "tree": t,
                    "smoothing": s,
                    **{key: val for key, val in r.items() if key != "picks"},
                }
            )
    df = pd.DataFrame(rows)
    if args.out:
        df.to_csv(args.out, index=False)

    ref = pd.read_csv(_corpus.corpus_dir() / "reference.csv")
    ref = ref[ref.dataset.isin(names)].pivot(
        index="dataset", columns="learner", values=["accuracy", "log_loss", "brier"]
    )
    print(f"{len(names)} datasets, {time.perf_counter() - t0:.0f} s\n")
    print(
        "mean over datasets            accuracy  log-loss   Brier   leaves  LL wins vs J48-A"
    )
    for learner in ("j48", "j48_laplace", "j48_unpruned_laplace"):
        if ("log_loss", learner) in ref:
            print(
                f"  {'ref ' + learner:28s} {ref['accuracy'][learner].mean():.4f}   "
                f"{ref['log_loss'][learner].mean():.4f}   {ref['brier'][learner].mean():.4f}"
            )
    j48a = (
        ref["log_loss"]["j48_laplace"] if ("log_loss", "j48_laplace") in ref else None
    )
    for (t, s), g in df.groupby(["tree", "smoothing"], sort=False):
        g = g.set_index("dataset").loc[names]
        wins = (
            ""
            if j48a is None
            else f"{int((g.log_loss < j48a.loc[names]).sum())}/{len(names)}"
        )
        print(
            f"  {t + ' + ' + s:28s} {g.accuracy.mean():.4f}   {g.log_loss.mean():.4f}   "
            f"{g.brier.mean():.4f}  {g.leaves.mean():7.1f}  {wins}"
        )

    table = df.pivot(
        index="dataset", columns=["tree", "smoothing"], values="log_loss"
    ).loc[names]
    cols = [
        c
        for c in (
            BASELINE,
            ("pruned", "m_est_2"),
            ("estimator", "previous_default"),
            RECOMMENDED,
        )
        if c in table.columns
    ]
    if cols:
        print("\nper-dataset log-loss (nats)")
        print(
            f"  {'dataset':16s} {'J48 -A':>8s} "
            + " ".join(f"{t[:8] + '+' + s:>20s}" for t, s in cols)
            + "   median auto pick"
        )
        for n in names:
            picks = by_name[n].get(RECOMMENDED, {}).get("picks", [])
            strength = (
                ""
                if not picks
                else (
                    "width {:.2f} m {:.1f}, pruning average in {:.0%}, "
                    "min_samples_leaf 1 in {:.0%}"
                ).format(
                    *np.nanmedian(np.array(picks, dtype=float)[:, :2], axis=0),
                    *np.mean(np.array(picks, dtype=float)[:, 2:], axis=0),
                )
            )
            ref_ll = j48a.loc[n] if j48a is not None else np.nan
            print(
                f"  {n:16s} {ref_ll:8.4f} "
                + " ".join(f"{table.loc[n, c]:20.4f}" for c in cols)
                + f"   {strength}"
            )

    miss = (
        df[df.get("n_missing_rows", pd.Series(dtype=float)).notna()]
        if "n_missing_rows" in df
        else df.iloc[:0]
    )
    if len(miss):
        print("\nrows with / without missing values (pooled log-loss over folds)")
        for n in miss.dataset.unique():
            for key in (BASELINE, ("pruned", "m_est_2"), RECOMMENDED):
                r = by_name[n].get(key)
                if r:
                    print(
                        f"  {n:14s} {key[0] + '+' + key[1]:24s} missing ({r['n_missing_rows']:3d} rows) "
                        f"{r['ll_missing_rows']:.4f}   complete {r['ll_complete_rows']:.4f}"
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
