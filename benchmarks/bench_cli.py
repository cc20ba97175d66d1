"""`entree predict` on a big CSV against pandas doing the same work, in one run.

The reference is what a user would write by hand: ``pd.read_csv`` + the model's
``predict_proba`` + ``DataFrame.to_csv`` of the predicted class and the class
probabilities (rounded to 6 digits, as the CLI writes them). ``entree predict MODEL DATA --proba --out FILE`` does the same work
and also checks every column against the model. Both are timed

- in one process (imports done): ``entree._cli.main([...])`` against the pandas
  lines, which isolates reading, checking and writing; and
- as fresh processes (``python -m entree predict ...`` against ``python -c`` with
  the pandas lines), which adds interpreter start-up and imports to both.

Median of ``--repeats`` runs; the ratio is entree / pandas (target: at most 1.5).

    python benchmarks/bench_cli.py                     # 200k rows x 20 numeric columns
    python benchmarks/bench_cli.py --rows 50000 --nominal 5 --repeats 5
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification

import entree
from entree._cli import main as entree_main

PANDAS_LINES = """
import sys
import pandas as pd
import entree
model = entree.load_model(sys.argv[1])
frame = pd.read_csv(sys.argv[2])
proba = model.predict_proba(frame[list(model.feature_names_in_)])
out = pd.DataFrame(proba.round(6), columns=[f"proba_{c}" for c in model.classes_])
out.insert(0, "prediction", model.classes_[proba.argmax(axis=1)])
out.to_csv(sys.argv[3], index=False)
"""


def make_data(folder: Path, n_rows: int, n_features: int, n_nominal: int):
    """A CSV of make_classification data (some columns as words) and a model of it."""
    X, y = make_classification(
        n_rows,
        n_features=n_features,
        n_informative=min(10, n_features),
        n_classes=5,
        random_state=0,
    )
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(n_features)])
    for j in range(n_nominal):
        bins = np.digitize(X[:, j], [-1.0, 0.0, 1.0])
        frame[f"x{j}"] = np.array(["low", "mid", "high", "top"])[bins]
    frame["class"] = np.array(["a", "b", "c", "d", "e"])[y]
    data = folder / "data.csv"
    frame.to_csv(data, index=False)
    model_path = folder / "model.json"
    with contextlib.redirect_stdout(io.StringIO()):
        entree_main(["fit", str(data), "--out", str(model_path), "--max-depth", "12"])
    return data, model_path


def pandas_in_process(model, data: Path, out: Path) -> None:
    frame = pd.read_csv(data)
    proba = model.predict_proba(frame[list(model.feature_names_in_)])
    result = pd.DataFrame(
        proba.round(6), columns=[f"proba_{c}" for c in model.classes_]
    )
    result.insert(0, "prediction", model.classes_[proba.argmax(axis=1)])
    result.to_csv(out, index=False)


def median_seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--nominal", type=int, default=0, help="columns as words")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        data, model_path = make_data(folder, args.rows, args.features, args.nominal)
        size = data.stat().st_size / 2**20
        model = entree.load_model(model_path)
        out_entree, out_pandas = folder / "entree.csv", folder / "pandas.csv"
        argv_predict = ["predict", str(model_path), str(data), "--proba"]

        def entree_in_process():
            with contextlib.redirect_stdout(io.StringIO()):
                assert entree_main([*argv_predict, "--out", str(out_entree)]) == 0

        # warm up both (first calls compile and fill caches)
        entree_in_process()
        pandas_in_process(model, data, out_pandas)
        same = (
            pd.read_csv(out_entree)["prediction"]
            .astype(str)
            .equals(pd.read_csv(out_pandas)["prediction"].astype(str))
        )

        rows = []
        t_entree = median_seconds(entree_in_process, args.repeats)
        t_pandas = median_seconds(
            lambda: pandas_in_process(model, data, out_pandas), args.repeats
        )
        rows.append(("in one process", t_entree, t_pandas))
        t_entree = median_seconds(
            lambda: run(
                [
                    sys.executable,
                    "-m",
                    "entree",
                    *argv_predict,
                    "--out",
                    str(out_entree),
                ]
            ),
            args.repeats,
        )
        t_pandas = median_seconds(
            lambda: run(
                [
                    sys.executable,
                    "-c",
                    PANDAS_LINES,
                    str(model_path),
                    str(data),
                    str(out_pandas),
                ]
            ),
            args.repeats,
        )
        rows.append(("fresh processes", t_entree, t_pandas))

    print(
        f"{args.rows} rows x {args.features} features ({args.nominal} nominal), "
        f"CSV {size:.0f} MiB, model {model.tree_.node_count} nodes; "
        f"median of {args.repeats}; same predictions: {same}"
    )
    print(f"{'':16} {'entree predict s':>16} {'pandas s':>9} {'ratio':>6}")
    for label, t_entree, t_pandas in rows:
        print(f"{label:16} {t_entree:16.3f} {t_pandas:9.3f} {t_entree / t_pandas:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
