"""Record, or compare against, every fitted tree and predict_proba of the engine.

An engine change (a port, a faster kernel) must not move any tree it did not mean to.
``record`` fits a fixed set of models on the shared corpus (all rows of each of the 22
datasets, plus fold 0 held out) and on the synthetic benchmark data, and stores each
tree's arrays and predict_proba in one .npz; ``compare`` refits and reports anything that
differs: structure exactly, numbers to 1e-9.

    python benchmarks/engine_snapshot.py record snapshot.npz
    python benchmarks/engine_snapshot.py compare snapshot.npz

The corpus lives beside the project at ../shared/bench (set ENTREE_BENCH_DIR to point
elsewhere; see --help); without it only the synthetic sets are used.
"""

from __future__ import annotations

import argparse
import sys
import time

import _corpus
import numpy as np
from sklearn.datasets import make_classification

from entree import C45Classifier, ID3Classifier
from entree.tree._tree import NODE_ARRAYS

INTEGER_ARRAYS = ("feature", "children_ptr", "children", "branch_category")
FLOAT_ARRAYS = tuple(name for name in NODE_ARRAYS if name not in INTEGER_ARRAYS)

# C45Classifier's defaults when the reference was recorded (pruned, m-estimate, soft
# bands followed to any share); "c45" and the fold-0 model use them
RECORDED_DEFAULT = dict(
    pruning="error_based",
    smoothing="m_estimate",
    soft_min_share=0.0,
    soft_min_change=0.0,
    min_samples_leaf=2,
)

MODELS = {
    # "c45" was C45Classifier's default when the reference was recorded
    "c45": lambda: C45Classifier(**RECORDED_DEFAULT),
    "id3": lambda: ID3Classifier(),
    "c45_raising": lambda: C45Classifier(**RECORDED_DEFAULT, subtree_raising=True),
    "c45_hard_laplace": lambda: C45Classifier(
        **{**RECORDED_DEFAULT, "soft_thresholds": 0.0, "smoothing": "laplace"}
    ),
    "c45_bins16_depth6": lambda: C45Classifier(
        **RECORDED_DEFAULT, max_bins=16, max_depth=6
    ),
}


def datasets(include_corpus: bool = True):
    """(name, X_train, y_train, X_test, weights) for every case recorded."""
    if include_corpus and _corpus.available():
        benchdata = _corpus.import_corpus_module("benchdata")
        for name in benchdata.names():
            X, y, _ = benchdata.load(name)
            folds = benchdata.folds(name)
            yield f"{name}/all", X, y, X, None
            train = folds != 0
            yield f"{name}/fold0", X[train], y[train], X[~train], None
    elif include_corpus:
        print(
            f"note: {_corpus.missing_message()} Using the synthetic sets only.",
            file=sys.stderr,
        )
    for n in (10_000, 50_000):
        X, y = make_classification(
            n, n_features=20, n_informative=10, n_classes=5, random_state=0
        )
        yield f"synthetic{n}", X[: n * 3 // 4], y[: n * 3 // 4], X[n * 3 // 4 :], None
    # missing values and fractional weights: C4.5's fractional cases
    rng = np.random.default_rng(7)
    X, y = make_classification(
        8000, n_features=12, n_classes=3, n_informative=6, random_state=3
    )
    X[rng.random(X.shape) < 0.1] = np.nan
    weights = rng.uniform(0.2, 3.0, X.shape[0])
    yield "synthetic_missing_weighted", X, y, X, weights


def fit_all(include_corpus: bool = True):
    for data_name, X, y, X_test, weights in datasets(include_corpus):
        for model_name, make in MODELS.items():
            if model_name != "c45" and data_name.endswith("/fold0"):
                continue  # the all-rows fit covers the other settings
            model = make().fit(X, y, sample_weight=weights)
            yield f"{data_name}/{model_name}", model, model.predict_proba(X_test)


def arrays_of(model, proba) -> dict[str, np.ndarray]:
    tree = model.tree_
    out = {name: np.asarray(getattr(tree, name)) for name in INTEGER_ARRAYS}
    for name in FLOAT_ARRAYS:
        value = getattr(tree, name, None)
        if value is not None:
            out[name] = np.asarray(value, dtype=np.float64)
    out["proba"] = proba
    return out


def record(path: str, include_corpus: bool) -> None:
    stored = {}
    for key, model, proba in fit_all(include_corpus):
        for name, array in arrays_of(model, proba).items():
            stored[f"{key}:{name}"] = array
        print(key, model.tree_.node_count, "nodes")
    np.savez_compressed(path, **stored)


def compare(path: str, include_corpus: bool) -> int:
    stored = np.load(path)
    n_cases = n_bad = 0
    for key, model, proba in fit_all(include_corpus):
        n_cases += 1
        problems = []
        for name, array in arrays_of(model, proba).items():
            stored_key = f"{key}:{name}"
            if stored_key not in stored:
                problems.append(f"{name}: not recorded")
                continue
            expected = stored[stored_key]
            if array.shape != expected.shape:
                problems.append(f"{name}: shape {array.shape} != {expected.shape}")
            elif name in INTEGER_ARRAYS:
                if not np.array_equal(array, expected):
                    problems.append(f"{name}: differs")
            elif not np.allclose(array, expected, rtol=1e-9, atol=1e-9, equal_nan=True):
                worst = np.nanmax(np.abs(array - expected))
                problems.append(f"{name}: max difference {worst:.3g}")
        if problems:
            n_bad += 1
            print(f"DIFF {key}: " + "; ".join(problems))
    print(f"{n_cases - n_bad} of {n_cases} fits match")
    return 1 if n_bad else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog=_corpus.help_text()
    )
    parser.add_argument("action", choices=["record", "compare"])
    parser.add_argument("path")
    parser.add_argument("--synthetic-only", action="store_true")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.action == "record":
        record(args.path, not args.synthetic_only)
        status = 0
    else:
        status = compare(args.path, not args.synthetic_only)
    print(f"{time.perf_counter() - start:.1f} s")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
