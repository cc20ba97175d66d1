"""Fit and predict_proba time of entree against sklearn's entropy tree, same run.

Data: sklearn's make_classification (5 classes, 10 informative of 20 features), a 75/25
split. Times are process CPU seconds with one thread for every library
(threadpoolctl's limit, which entree's OpenMP kernels honour), the median of --repeats
runs; accuracy is on the held-out quarter. "C4.5 previous" is C45Classifier with the
defaults it had before the probabilities work (C4.5's branch minimum 2, pruned,
m-estimate, every soft band followed), beside the current default in the same run.
``--threads N`` instead runs entree with N threads and prints wall-clock seconds of its fit beside the one-thread wall time (the tree
is the same for any thread count); the one- and N-thread fits alternate.

    python benchmarks/bench_speed.py                     # 10k, 200k and 1M rows
    python benchmarks/bench_speed.py --sizes 10000 --repeats 5
    python benchmarks/bench_speed.py --sizes 1000000 --threads 2
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial

import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

from entree import C45Classifier, ID3Classifier

# C45Classifier's defaults before unpruned trees with the pruning average
PREVIOUS_DEFAULT = dict(
    min_samples_leaf=2,
    pruning="error_based",
    smoothing="m_estimate",
    soft_min_share=0.0,
    soft_min_change=0.0,
    subtree_min_change=0.0,
)


def cpu_time(fn):
    start = time.process_time()
    result = fn()
    return time.process_time() - start, result


def measure(make_model, X_train, y_train, X_test, y_test, repeats):
    fit_times, predict_times = [], []
    for _ in range(repeats):
        model = make_model()
        t_fit, _ = cpu_time(partial(model.fit, X_train, y_train))
        t_pred, proba = cpu_time(partial(model.predict_proba, X_test))
        fit_times.append(t_fit)
        predict_times.append(t_pred)
    accuracy = float(np.mean(model.classes_[proba.argmax(axis=1)] == y_test))
    return {
        "fit": statistics.median(fit_times),
        "predict": statistics.median(predict_times),
        "accuracy": accuracy,
        "leaves": model.get_n_leaves(),
    }


def wall_fits(model, X, y, n_threads, repeats):
    """Median wall seconds of fitting ``model`` with 1 and with ``n_threads``
    threads, the two alternating so that a slow spell of a shared machine weighs
    on both; also the last tree of each."""
    times = {1: [], n_threads: []}
    trees = {}
    for _ in range(repeats):
        for threads in (1, n_threads):
            with threadpool_limits(threads):
                start = time.perf_counter()
                fitted = clone(model).fit(X, y)
                times[threads].append(time.perf_counter() - start)
            trees[threads] = fitted.tree_
    return (
        statistics.median(times[1]),
        statistics.median(times[n_threads]),
        trees[1],
        trees[n_threads],
    )


def split_data(n):
    """n training rows of the benchmark data and a held-out quarter."""
    X, y = make_classification(
        n_samples=int(n / 0.75),
        n_features=20,
        n_informative=10,
        n_classes=5,
        random_state=0,
    )
    return train_test_split(X, y, train_size=n, random_state=0)


def thread_scaling(sizes, n_threads, repeats):
    print(
        f"{'rows':>9} {'model':12} {'1 thread s':>10} {n_threads} threads s  speed-up"
    )
    for n in sizes:
        X, _, y, _ = split_data(n)
        for name, model in (("C4.5", C45Classifier()), ("ID3", ID3Classifier())):
            one, many, tree_one, tree_many = wall_fits(model, X, y, n_threads, repeats)
            same = np.array_equal(tree_one.feature, tree_many.feature) and (
                np.array_equal(tree_one.threshold, tree_many.threshold)
            )
            print(
                f"{n:>9} {name:12} {one:10.3f} {many:12.3f} {one / many:9.2f}x"
                f"{'' if same else '  TREES DIFFER'}",
                flush=True,
            )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,200000,1000000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.threads:
        thread_scaling(sizes, args.threads, args.repeats)
        return

    # load the kernels and fill caches outside the timed runs
    warm_X, warm_y = make_classification(200, n_features=20, random_state=1)
    C45Classifier().fit(warm_X, warm_y).predict_proba(warm_X)

    models = {
        "sklearn entropy": lambda: DecisionTreeClassifier(
            criterion="entropy", random_state=0
        ),
        "entree C4.5": C45Classifier,
        "entree ID3": ID3Classifier,
        # the C4.5 default before the probabilities work (issue #12), to show what
        # the new default costs in the same run
        "C4.5 previous": partial(C45Classifier, **PREVIOUS_DEFAULT),
    }
    print(
        f"{'rows':>9} {'model':16} {'fit s':>8} {'x faster':>8} {'proba s':>8} "
        f"{'x faster':>8} {'accuracy':>8} {'leaves':>7}"
    )
    for n in sizes:
        X_train, X_test, y_train, y_test = split_data(n)
        repeats = args.repeats if n < 500_000 else 1
        with threadpool_limits(1):
            results = {
                name: measure(make, X_train, y_train, X_test, y_test, repeats)
                for name, make in models.items()
            }
        base = results["sklearn entropy"]
        for name, r in results.items():
            print(
                f"{n:>9} {name:16} {r['fit']:8.3f} {base['fit'] / r['fit']:8.1f} "
                f"{r['predict']:8.4f} {base['predict'] / r['predict']:8.1f} "
                f"{r['accuracy']:8.4f} {r['leaves']:>7}",
                flush=True,
            )


if __name__ == "__main__":
    main()
