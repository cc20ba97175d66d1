"""entree.dask on data written as parquet: wall time, memory and bytes per level.

Writes ``--rows`` x ``--features`` float64 rows (binary classes from a noisy rule) as
parquet files, one per partition, then fits in a fresh child process each:

- ``DaskC45Classifier`` on ``dd.read_parquet`` with a 2-worker LocalCluster
  (processes, 1 thread each) whose ``memory_limit`` per worker is below the size of
  the float data, reporting the client's peak resident size, the workers' peaks and
  the bytes sent to and from the workers at each level;
- ``C45Classifier`` on the same rows read into memory;
- ``xgboost.dask`` training one tree of the same depth on the same cluster setup
  (when xgboost is installed).

Accuracy is measured on held-out rows of the same rule.

    python benchmarks/bench_dask.py --rows 200000          # a quick run
    python benchmarks/bench_dask.py                        # 10M x 20 (several minutes)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def _rule(X: np.ndarray, rng) -> np.ndarray:
    score = X[:, 0] + 0.8 * X[:, 1] * X[:, 2] - 0.6 * np.abs(X[:, 3]) + 0.5 * X[:, 4]
    return (score + rng.normal(scale=0.7, size=X.shape[0]) > 0).astype(np.int64)


def write_data(folder: Path, rows: int, features: int, partitions: int, seed=0):
    """Parquet files of the training rows (one per partition) and a test file."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = [f"f{j}" for j in range(features)]
    bounds = np.linspace(0, rows, partitions + 1).astype(np.int64)
    for i in range(partitions):
        rng = np.random.default_rng([seed, i])
        n = int(bounds[i + 1] - bounds[i])
        X = rng.normal(size=(n, features))
        frame = pd.DataFrame(X, columns=columns)
        frame["y"] = _rule(X, rng)
        frame.to_parquet(folder / f"part-{i:04d}.parquet", index=False)
    rng = np.random.default_rng([seed, 10**6])
    X = rng.normal(size=(min(200_000, max(rows // 5, 1000)), features))
    test = pd.DataFrame(X, columns=columns)
    test["y"] = _rule(X, rng)
    test.to_parquet(folder.parent / "test.parquet", index=False)


PEAK = """
def peak_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
"""

CLUSTER = """
from distributed import Client, LocalCluster
cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                       memory_limit={memory_limit}, dashboard_address=":0",
                       silence_logs=40)
client = Client(cluster)


def worker_peaks_mib():
    import resource
    peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return sorted(round(v / 1024, 1) for v in peaks.values())
"""

CHILD_DASK = (
    PEAK
    + CLUSTER
    + """
import json, time
import dask.dataframe as dd
import pandas as pd
from entree.dask import DaskC45Classifier
data = dd.read_parquet({train!r})
X, y = data.drop(columns="y"), data["y"]
start = time.perf_counter()
model = DaskC45Classifier(max_depth={depth}, client=client).fit(X, y)
seconds = time.perf_counter() - start
test = pd.read_parquet({test!r})
accuracy = float((model.predict(test.drop(columns="y")) == test["y"]).mean())
print(json.dumps({{"seconds": seconds, "client_peak_mib": peak_mib(),
                  "worker_peaks_mib": worker_peaks_mib(), "accuracy": accuracy,
                  "partitions": data.npartitions, "leaves": model.get_n_leaves(),
                  "passes": model.pass_report_, "levels": model.level_report_}}))
client.close(); cluster.close()
"""
)

CHILD_MEMORY = (
    PEAK
    + """
import json, time
import pandas as pd
from entree import C45Classifier
frame = pd.read_parquet({train!r})
X, y = frame.drop(columns="y").to_numpy(), frame["y"].to_numpy()
del frame
start = time.perf_counter()
model = C45Classifier(max_depth={depth}).fit(X, y)
seconds = time.perf_counter() - start
test = pd.read_parquet({test!r})
accuracy = float((model.predict(test.drop(columns="y").to_numpy()) == test["y"]).mean())
print(json.dumps({{"seconds": seconds, "peak_mib": peak_mib(), "accuracy": accuracy,
                  "leaves": model.get_n_leaves()}}))
"""
)

CHILD_XGBOOST = (
    PEAK
    + CLUSTER
    + """
import json, time
import dask.dataframe as dd
import pandas as pd
import xgboost.dask as dxgb
# read apart, dask would read y in fewer partitions than X (a projected parquet
# read merges files), which xgboost refuses: an opaque step keeps them aligned
data = dd.read_parquet({train!r}).map_partitions(lambda frame: frame)
X, y = data.drop(columns="y"), data["y"]
start = time.perf_counter()
matrix = dxgb.DaskQuantileDMatrix(client, X, y, max_bin=255)
booster = dxgb.train(
    client,
    {{"tree_method": "hist", "max_depth": {depth}, "objective": "binary:logistic",
      "eta": 1.0, "nthread": 1, "max_bin": 255}},
    matrix,
    num_boost_round=1,
)["booster"]
seconds = time.perf_counter() - start
test = pd.read_parquet({test!r})
proba = booster.inplace_predict(test.drop(columns="y").to_numpy())
accuracy = float(((proba > 0.5).astype(int) == test["y"].to_numpy()).mean())
print(json.dumps({{"seconds": seconds, "client_peak_mib": peak_mib(),
                  "worker_peaks_mib": worker_peaks_mib(), "accuracy": accuracy}}))
client.close(); cluster.close()
"""
)


_EXCEPTION_LINE = re.compile(r"^[\w.]*(Error|Exception|KilledWorker)\b")


def run_child(code: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=7200
    )
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        raised = [line for line in lines if _EXCEPTION_LINE.match(line)]
        return {"error": (raised or lines or ["failed"])[-1:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--partitions", type=int, default=20)
    parser.add_argument("--max-depth", type=int, default=10)
    parser.add_argument(
        "--memory-limit",
        type=float,
        default=None,
        help="bytes per worker (default: 3/4 of the float data's size, at least "
        "600 MB)",
    )
    parser.add_argument("--data", type=Path, default=None, help="keep data here")
    parser.add_argument(
        "--skip", default="", help="comma-separated parts to skip: memory,xgboost"
    )
    args = parser.parse_args(argv)
    if args.features < 5:
        parser.error("--features must be at least 5 (the rule reads 5 columns)")
    float_bytes = args.rows * args.features * 8
    limit = args.memory_limit or max(0.75 * float_bytes, 600e6)
    workdir = args.data or Path(tempfile.mkdtemp(prefix="entree-bench-dask-"))
    train = workdir / "train"
    test = workdir / "test.parquet"
    try:
        if not (train.exists() and test.exists()):
            start = time.perf_counter()
            write_data(train, args.rows, args.features, args.partitions)
            print(
                f"wrote {args.rows} x {args.features} rows as parquet in "
                f"{time.perf_counter() - start:.1f} s",
                flush=True,
            )
        fmt = dict(
            train=str(train),
            test=str(test),
            depth=args.max_depth,
            memory_limit=int(limit),
        )
        skip = set(filter(None, args.skip.split(",")))
        results = {"dask": run_child(CHILD_DASK.format(**fmt))}
        if "memory" not in skip:
            results["memory"] = run_child(CHILD_MEMORY.format(**fmt))
        if "xgboost" not in skip:
            try:
                import xgboost  # noqa: F401
            except ImportError:
                results["xgboost"] = {"error": ["xgboost is not installed"]}
            else:
                results["xgboost"] = run_child(CHILD_XGBOOST.format(**fmt))
                if "error" in results["xgboost"]:
                    # what it takes without the limit (0: none)
                    unlimited = dict(fmt, memory_limit=0)
                    results["xgboost, no memory limit"] = run_child(
                        CHILD_XGBOOST.format(**unlimited)
                    )
    finally:
        if args.data is None:
            shutil.rmtree(workdir, ignore_errors=True)
    report(results, args, float_bytes, limit)
    return 0 if "error" not in results["dask"] else 1


def report(results, args, float_bytes, limit) -> None:
    mib = 1 << 20
    print(
        f"\n{args.rows} x {args.features} float64 rows ({float_bytes / mib:.0f} MiB), "
        f"max_depth={args.max_depth}; dask: 2 workers x 1 thread, memory_limit "
        f"{limit / mib:.0f} MiB each\n"
    )
    print("| fit | wall s | client peak MiB | worker peaks MiB | accuracy |")
    print("|---|---:|---:|---:|---:|")
    names = {
        "dask": "entree DaskC45Classifier (dask, parquet)",
        "memory": "entree C45Classifier (in memory)",
        "xgboost": "xgboost.dask, 1 tree",
        "xgboost, no memory limit": "xgboost.dask, 1 tree, no memory limit",
    }
    for key, result in results.items():
        if "error" in result:
            print(f"| {names[key]} | failed: {result['error'][0][:100]} | | | |")
            continue
        peak = result.get("client_peak_mib", result.get("peak_mib"))
        workers = result.get("worker_peaks_mib", "-")
        print(
            f"| {names[key]} | {result['seconds']:.1f} | {peak:.0f} | {workers} | "
            f"{result['accuracy']:.4f} |"
        )
    passes = results["dask"].get("passes", [])
    if passes:
        print(
            "\ndask passes (seconds since fit began): "
            + ", ".join(f"{p['pass']} {p['seconds']:.1f}" for p in passes)
        )
    levels = results["dask"].get("levels", [])
    if levels:
        print(
            "\n| level | nodes | histograms (+ subtracted) | splits | "
            "finished locally | KiB to workers | KiB back | s |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in levels:
            print(
                f"| {r['level']} | {r['nodes']} | {r['histograms']} "
                f"(+{r['subtracted']}) | {r['splits']} | {r['finished_locally']} | "
                f"{r['bytes_to_workers'] / 1024:.1f} | "
                f"{r['bytes_from_workers'] / 1024:.1f} | {r['seconds']:.2f} |"
            )


if __name__ == "__main__":
    raise SystemExit(main())
