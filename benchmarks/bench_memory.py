"""Peak memory of fit: entree against sklearn's entropy tree on the same data.

Each fit runs in a fresh child process that loads the training data from a .npy file,
resets the kernel's peak resident set size to the current one (Linux's
/proc/self/clear_refs), fits, and reports how far the peak rose above the resident
size before the fit: the fit's own extra memory. Data as in bench_speed.py
(make_classification, 5 classes, 10 informative of 20 features, float64).

    python benchmarks/bench_memory.py                  # 200k and 1M rows
    python benchmarks/bench_memory.py --sizes 10000
    python benchmarks/bench_memory.py --threads 1      # every fit on one thread
    python benchmarks/bench_memory.py --many-classes   # 50k x 100, 100 classes; 5k x 60, 1000

``--many-classes`` runs the two cases where a histogram per tree level once cost
gigabytes (one histogram holds bins x features x classes counts), and reports the whole
process's peak resident size as well as the rise.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification

MODELS = {
    "sklearn entropy": (
        "from sklearn.tree import DecisionTreeClassifier\n"
        "model = DecisionTreeClassifier(criterion='entropy', random_state=0)"
    ),
    "entree C4.5": "from entree import C45Classifier\nmodel = C45Classifier()",
    "entree ID3": "from entree import ID3Classifier\nmodel = ID3Classifier()",
}

CHILD = """
import json, sys
import numpy as np
from threadpoolctl import threadpool_limits
{setup}


def status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])


X = np.load(sys.argv[1])
y = np.load(sys.argv[2])
model.fit(X[:200], y[:200])  # imports and the compiled kernels loaded before the peak
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")  # reset the peak (VmHWM) to the current RSS
before = status_kib("VmRSS")
with threadpool_limits({threads}):
    model.fit(X, y)
print(json.dumps({{"before_kib": before, "after_kib": status_kib("VmHWM")}}))
"""


def peak_mib(
    setup: str, x_path: Path, y_path: Path, threads: int | None = None
) -> tuple[float, float]:
    """(rise of the peak during fit, whole-process peak) in MiB; ``threads`` caps
    the fit's threads (None: the default count)."""
    child = CHILD.format(setup=setup, threads=threads)
    out = subprocess.run(
        [sys.executable, "-c", child, str(x_path), str(y_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    rise = (report["after_kib"] - report["before_kib"]) / 1024.0
    return rise, report["after_kib"] / 1024.0


def peak_rise_mib(setup: str, x_path: Path, y_path: Path, threads=None) -> float:
    return peak_mib(setup, x_path, y_path, threads)[0]


def save_data(tmp: str, X, y) -> tuple[Path, Path]:
    x_path, y_path = Path(tmp) / "X.npy", Path(tmp) / "y.npy"
    np.save(x_path, X)
    np.save(y_path, y)
    return x_path, y_path


def many_classes(tmp: str) -> None:
    cases = [(50_000, 100, 100, 30), (5_000, 60, 1000, 12)]
    print(
        f"{'rows':>7} {'features':>8} {'classes':>7} {'model':16} {'rise MiB':>9} "
        f"{'peak MiB':>9} {'peak x sklearn':>14}"
    )
    for n, n_features, n_classes, informative in cases:
        X, y = make_classification(
            n_samples=n,
            n_features=n_features,
            n_informative=informative,
            n_classes=n_classes,
            n_clusters_per_class=1,
            random_state=0,
        )
        x_path, y_path = save_data(tmp, X, y)
        results = {
            name: peak_mib(setup, x_path, y_path)
            for name, setup in MODELS.items()
            if name != "entree ID3"
        }
        base = results["sklearn entropy"][1]
        for name, (rise, peak) in results.items():
            print(
                f"{n:>7} {n_features:>8} {n_classes:>7} {name:16} {rise:9.1f} "
                f"{peak:9.1f} {peak / base:14.2f}",
                flush=True,
            )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200000,1000000")
    parser.add_argument("--many-classes", action="store_true")
    parser.add_argument(
        "--threads", type=int, default=None, help="cap every fit at N threads"
    )
    args = parser.parse_args(argv)
    if args.many_classes:
        with tempfile.TemporaryDirectory() as tmp:
            many_classes(tmp)
        return
    print(
        f"{'rows':>9} {'data MiB':>9} {'model':16} {'fit peak rise MiB':>18} {'x sklearn':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            X, y = make_classification(
                n_samples=n,
                n_features=20,
                n_informative=10,
                n_classes=5,
                random_state=0,
            )
            x_path, y_path = save_data(tmp, X, y)
            rises = {
                name: peak_rise_mib(setup, x_path, y_path, args.threads)
                for name, setup in MODELS.items()
            }
            base = rises["sklearn entropy"]
            for name, rise in rises.items():
                ratio = rise / base if base > 0 else float("nan")
                print(
                    f"{n:>9} {X.nbytes / 2**20:9.0f} {name:16} {rise:18.1f} {ratio:9.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
