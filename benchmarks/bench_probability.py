"""Leaf-probability estimators and pruning choices on the 22-dataset corpus.

Scores every (tree, smoothing) variant on the corpus in ../shared/bench with its fixed
folds and its scoring code (corpus.score: accuracy of the argmax, log-loss in nats with
sklearn's clipping, Brier 0..2, each a mean over folds, then a mean over datasets).
Each tree is fitted once per fold; the smoothing variants only recompute the node
probabilities of that fitted tree, so one run covers the whole table.

    python benchmarks/bench_probability.py                  # everything, ~5 min on 2 cores
    python benchmarks/bench_probability.py --datasets vote,iris --jobs 1
    python benchmarks/bench_probability.py --trees pruned --no-soft --out probs.csv
    python benchmarks/bench_probability.py --no-soft --smoothings laplace,m_est_cv,shrink_cv  # slow

Variants: the leaf estimators of entree.tree._leaf_proba ("none", "laplace", m-estimate
toward the root and hierarchical shrinkage toward the parent, at fixed strengths, at
"auto" = closed-form leave-one-out, and "*_cv" = internal 5-fold CV on the training
fold), on pruned (CF 0.25, 0.5) and unpruned trees; and a prototype of C4.5's soft
thresholds at predict time (hard_m2 / soft0.1_m2 / soft_cv: sigmoid routing across
numeric thresholds, width alpha * std of the column at the node, alpha and the
m-estimate's m chosen by internal 5-fold CV on the training fold).

Besides the summary it prints the per-dataset log-loss of the recommended default
against J48 -A (reference.csv, column j48_laplace) and, for the datasets with missing
values, the log-loss of test rows with and without a missing value, pooled over folds.
Nothing is tuned per dataset: "auto" strengths come from each training fold alone.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(
    os.environ.get(
        "ENTREE_BENCH", Path(__file__).resolve().parents[2] / "shared" / "bench"
    )
)
sys.path.insert(0, str(BENCH))
import benchdata  # noqa: E402
import corpus  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from entree import C45Classifier  # noqa: E402
from entree.tree._leaf_proba import (  # noqa: E402
    AUTO_GRID,
    auto_strength,
    heldout_log_loss,
    node_probabilities,
)

# Tree variants: name -> C45Classifier parameters (smoothing is replaced afterwards).
TREES = {
    "pruned": dict(pruning="error_based", confidence=0.25),
    "cf0.5": dict(pruning="error_based", confidence=0.5),
    "unpruned": dict(pruning=None),
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


RECOMMENDED = ("pruned", "soft_cv")
BASELINE = ("pruned", "laplace")


def row_log_loss(P: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Per-row -log p(true class), clipped as sklearn's log_loss does."""
    eps = np.finfo(np.float64).eps
    p = np.clip(P[np.arange(len(idx)), idx], eps, 1.0)
    return -np.log(p)


def evaluate(name: str, trees: list[str], smoothings: list[str]) -> dict:
    """All variants on one dataset: fold-mean metrics, missing split, chosen strengths."""
    X, y, meta = benchdata.load(name)
    folds = benchdata.folds(name)
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
                per_fold[s].append(corpus.score(y[te], P, classes))
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


# -- prototype: soft thresholds (C4.5's probabilistic thresholds, release 8 "-p") ------
# Not in entree yet. At a numeric split with threshold t, a row with value x goes left
# with weight sigmoid((t - x) / s) and right with the rest, s = alpha * (weighted std of
# the column among the training cases at that node); alpha = 0 is the hard split.
# Missing values and nominal splits are routed as in entree (branch_weight shares).
SOFT_ALPHAS = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)
SOFT_MS = (0.5, 1.0, 2.0)


def route(tree, X, is_nominal, scale=None):
    """{node: (row ids, weights)} for every node the rows of encoded X reach."""
    n = X.shape[0]
    reach = {0: (np.arange(n), np.ones(n))}
    for node in range(tree.node_count):
        if tree.feature[node] < 0 or node not in reach:
            continue
        idx, w = reach[node]
        f = tree.feature[node]
        x = X[idx, f]
        miss = np.isnan(x)
        kids = tree.children_of(node)
        if not is_nominal[f]:
            t = tree.threshold[node]
            if scale is None or scale[node] <= 0:
                left = (x <= t).astype(float)
            else:
                left = 1.0 / (1.0 + np.exp(-np.clip((t - x) / scale[node], -50, 50)))
            right = 1.0 - left
            left[miss] = tree.branch_weight[kids[0]]
            right[miss] = tree.branch_weight[kids[1]]
            shares = [left, right]
        else:
            matched = np.zeros(len(idx), bool)
            shares = []
            for k in kids:
                m = x == tree.branch_category[k]
                matched |= m
                shares.append(m.astype(float))
            for share, k in zip(shares, kids):
                share[~matched] = tree.branch_weight[k]
        for share, k in zip(shares, kids):
            ww = w * share
            keep = ww > 1e-9
            reach[int(k)] = (idx[keep], ww[keep])
    return reach


def node_scales(tree, X_train, is_nominal, alpha):
    """alpha * weighted std of the split column among the training cases at each node."""
    reach = route(tree, X_train, is_nominal)
    scale = np.zeros(tree.node_count)
    for node in range(tree.node_count):
        f = tree.feature[node]
        if f < 0 or is_nominal[f]:
            continue
        idx, w = reach[node]
        x = X_train[idx, f]
        ok = ~np.isnan(x)
        if ok.sum() >= 2:
            mu = np.average(x[ok], weights=w[ok])
            scale[node] = alpha * np.sqrt(np.average((x[ok] - mu) ** 2, weights=w[ok]))
    return scale


def soft_weights(tree, X, is_nominal, scale):
    """Weight of each row at each node (non-zero only at leaves)."""
    W = np.zeros((X.shape[0], tree.node_count))
    for node, (idx, w) in route(tree, X, is_nominal, scale).items():
        if tree.feature[node] < 0:
            W[idx, node] += w
    return W


def choose_soft(X, y, params, k=CV_FOLDS):
    """(alpha, m) with the smallest internal k-fold CV log-loss on the training set."""
    loss = np.zeros((len(SOFT_ALPHAS), len(SOFT_MS)))
    for sub, held in StratifiedKFold(k, shuffle=True, random_state=0).split(
        np.zeros(len(y)), y
    ):
        est = C45Classifier(**params).fit(X.iloc[sub], y[sub])
        known = np.isin(y[held], est.classes_)
        nom = est._columns.is_nominal
        X_sub = est._encoded(X.iloc[sub])
        X_held = est._encoded(X.iloc[held[known]])
        y_held = np.searchsorted(est.classes_, y[held[known]])
        rows = np.arange(len(y_held))
        probas = [
            node_probabilities(est.tree_, method="m_estimate", strength=m)
            for m in SOFT_MS
        ]
        for i, alpha in enumerate(SOFT_ALPHAS):
            scale = node_scales(est.tree_, X_sub, nom, alpha) if alpha > 0 else None
            W = soft_weights(est.tree_, X_held, nom, scale)
            for j, proba in enumerate(probas):
                loss[i, j] -= np.log(
                    np.maximum((W @ proba)[rows, y_held], 1e-300)
                ).sum()
    i, j = np.unravel_index(np.argmin(loss), loss.shape)
    return SOFT_ALPHAS[i], SOFT_MS[j]


SOFT_VARIANTS = ("hard_m2", "soft0.1_m2", "soft_cv")


def evaluate_soft(name: str, tree_name: str = "pruned") -> dict:
    X, y, meta = benchdata.load(name)
    folds = benchdata.folds(name)
    classes = np.asarray(meta["classes"])
    params = TREES[tree_name]
    per_fold = {v: [] for v in SOFT_VARIANTS}
    picks = []
    has_missing = X.isna().any(axis=1).to_numpy()
    pooled = {v: np.zeros(len(y)) for v in SOFT_VARIANTS}
    for k in np.unique(folds):
        tr, te = folds != k, folds == k
        est = C45Classifier(**params).fit(X.loc[tr], y[tr])
        nom = est._columns.is_nominal
        X_tr, X_te = est._encoded(X.loc[tr]), est._encoded(X.loc[te])
        pos = np.searchsorted(classes, np.asarray(est.classes_).astype(str))
        alpha_cv, m_cv = choose_soft(X.loc[tr], y[tr], params)
        picks.append((alpha_cv, m_cv))
        for v, (alpha, m) in zip(
            SOFT_VARIANTS, [(0.0, 2.0), (0.1, 2.0), (alpha_cv, m_cv)]
        ):
            scale = node_scales(est.tree_, X_tr, nom, alpha) if alpha > 0 else None
            proba = node_probabilities(est.tree_, method="m_estimate", strength=m)
            p = soft_weights(est.tree_, X_te, nom, scale) @ proba
            P = np.zeros((te.sum(), len(classes)))
            P[:, pos] = p / p.sum(axis=1, keepdims=True)
            per_fold[v].append(corpus.score(y[te], P, classes))
            pooled[v][te] = row_log_loss(P, np.searchsorted(classes, y[te]))
    results = {}
    for v in SOFT_VARIANTS:
        results[(tree_name, v)] = {
            m: float(np.mean([f[m] for f in per_fold[v]])) for m in per_fold[v][0]
        }
        results[(tree_name, v)]["leaves"] = np.nan
        if has_missing.any():
            results[(tree_name, v)]["ll_missing_rows"] = float(
                pooled[v][has_missing].mean()
            )
            results[(tree_name, v)]["ll_complete_rows"] = float(
                pooled[v][~has_missing].mean()
            )
            results[(tree_name, v)]["n_missing_rows"] = int(has_missing.sum())
    results[(tree_name, "soft_cv")]["picks"] = picks
    return {"dataset": name, "results": results}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
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
        "--no-soft",
        dest="soft",
        action="store_false",
        help="skip the soft-threshold prototype (pruned tree; ~2-3 min)",
    )
    ap.add_argument(
        "--out", help="write one row per (dataset, tree, smoothing) to this CSV"
    )
    args = ap.parse_args(argv)
    trees = args.trees.split(",")
    smoothings = args.smoothings.split(",")
    names = benchdata.names()
    if args.datasets:
        names = [n for n in names if n in args.datasets.split(",")]
    # Big data sets first so the pool stays busy.
    sizes = pd.read_csv(BENCH / "data" / "MANIFEST.csv").set_index("name")["rows"]
    work = sorted(names, key=lambda n: -sizes[n])
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args.jobs > 1:
            with Pool(args.jobs) as pool:
                done = pool.starmap(evaluate, [(n, trees, smoothings) for n in work])
        else:
            done = [evaluate(n, trees, smoothings) for n in work]
        if args.soft:
            if args.jobs > 1:
                with Pool(args.jobs) as pool:
                    soft_done = pool.map(evaluate_soft, work)
            else:
                soft_done = [evaluate_soft(n) for n in work]
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

    ref = pd.read_csv(BENCH / "reference.csv")
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
            ("pruned", "soft0.1_m2"),
            RECOMMENDED,
        )
        if c in table.columns
    ]
    if cols:
        print("\nper-dataset log-loss (nats)")
        print(
            f"  {'dataset':16s} {'J48 -A':>8s} "
            + " ".join(f"{t[:8] + '+' + s:>20s}" for t, s in cols)
            + "   median CV pick"
        )
        for n in names:
            picks = by_name[n].get(RECOMMENDED, {}).get("picks", [])
            strength = (
                ""
                if not picks
                else "alpha {:.2f} m {:.1f}".format(*np.median(np.array(picks), axis=0))
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
