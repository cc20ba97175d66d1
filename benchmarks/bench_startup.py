"""Start-up cost of a fresh process: import, fit iris, predict_proba; entree vs sklearn.

Each run is a new ``python -c`` subprocess (wall seconds, including interpreter start):

    (a) ``import entree``, ``C45Classifier().fit(iris)``, ``predict_proba``;
    (b) the same with sklearn's ``DecisionTreeClassifier(criterion="entropy")``.

The two are run alternately ``--repeats`` times (5) and the medians and their ratio are
printed (target: entree <= 1.2x sklearn); then ``entree --help`` (the console script,
in a subprocess) is timed, median of ``--repeats``.

"Empty caches" here means:

* ``NUMBA_CACHE_DIR`` points to a new empty temporary directory for every timed run,
  so any numba-compiled code is compiled from scratch, as in a fresh install, a new
  container or a worker without a writable cache (with ``--warm-jit`` one directory is
  shared and filled by an untimed warm-up run: what every later process pays to load
  it). A compiled (Cython) engine has no such cache and does not care.
* ``PYTHONPYCACHEPREFIX`` points to one temporary directory, empty at the start and
  filled by one untimed warm-up run of each script: byte-code is compiled once, as
  ``pip install`` does, so neither library is charged for compiling its ``.py`` files
  and neither reads the ``__pycache__`` of the source tree.

    python benchmarks/bench_startup.py
    python benchmarks/bench_startup.py --repeats 3 --warm-jit
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIT_IRIS = """
from sklearn.datasets import load_iris
X, y = load_iris(return_X_y=True)
{make}
model.fit(X, y).predict_proba(X)
"""

SCRIPTS = {
    "entree": FIT_IRIS.format(
        make="import entree\nfrom entree import C45Classifier\nmodel = C45Classifier()"
    ),
    "sklearn": FIT_IRIS.format(
        make="from sklearn.tree import DecisionTreeClassifier\n"
        'model = DecisionTreeClassifier(criterion="entropy")'
    ),
}


def _console_script() -> list[str]:
    """The ``entree`` console script next to this interpreter (or on PATH)."""
    here = Path(sys.executable).with_name("entree")
    found = str(here) if here.exists() else shutil.which("entree")
    if found is None:
        raise SystemExit("the `entree` console script is not installed")
    return [found, "--help"]


def run(command: list[str], env: dict, cwd: Path) -> float:
    """Wall seconds of one subprocess."""
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--warm-jit",
        action="store_true",
        help="share one NUMBA_CACHE_DIR, filled by the warm-up run",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="entree-startup-") as tmp:
        tmp = Path(tmp)
        # run from an empty directory: the current one must not shadow the install
        cwd = tmp / "cwd"
        cwd.mkdir()
        base_env = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp / "pycache")}
        base_env.pop("PYTHONDONTWRITEBYTECODE", None)
        runs = 0

        def env() -> dict:
            nonlocal runs
            runs += 1
            jit = "numba-shared" if args.warm_jit else f"numba-{runs}"
            return {**base_env, "NUMBA_CACHE_DIR": str(tmp / jit)}

        def python(script: str) -> list[str]:
            return [sys.executable, "-c", script]

        # untimed: fills the byte-code cache (and the shared JIT cache with --warm-jit)
        help_command = _console_script()
        for command in [*map(python, SCRIPTS.values()), help_command]:
            run(command, env(), cwd)

        times = {name: [] for name in SCRIPTS}
        for _ in range(args.repeats):
            for name, script in SCRIPTS.items():
                times[name].append(run(python(script), env(), cwd))
        help_times = [run(help_command, env(), cwd) for _ in range(args.repeats)]

    entree_s = statistics.median(times["entree"])
    sklearn_s = statistics.median(times["sklearn"])
    jit = "shared, warm" if args.warm_jit else "empty per run"
    print(f"fresh process, import + fit iris + predict_proba (JIT cache {jit}):")
    for name, values in times.items():
        runs_s = " ".join(f"{v:.2f}" for v in values)
        print(f"  {name:8} median {statistics.median(values):6.2f} s  ({runs_s})")
    print(f"  ratio entree / sklearn: {entree_s / sklearn_s:.2f}x (target <= 1.2x)")
    print(f"entree --help: median {statistics.median(help_times):.2f} s")


if __name__ == "__main__":
    main()
