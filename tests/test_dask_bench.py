"""benchmarks/bench_dask.py answers --help and writes the data it benchmarks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "bench_dask.py"


def test_help():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "--rows" in result.stdout and "--memory-limit" in result.stdout


def test_too_few_features_is_refused():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--features", "3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "--features must be at least 5" in result.stderr


def test_data_is_written_as_one_parquet_file_per_partition(tmp_path):
    pytest.importorskip("pyarrow")
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import bench_dask
    finally:
        sys.path.remove(str(SCRIPT.parent))
    bench_dask.write_data(tmp_path / "train", rows=1000, features=5, partitions=4)
    files = sorted((tmp_path / "train").glob("*.parquet"))
    assert len(files) == 4
    frame = pd.read_parquet(tmp_path / "train")
    assert frame.shape == (1000, 6) and set(frame["y"]) == {0, 1}
    assert pd.read_parquet(tmp_path / "test.parquet").shape == (1000, 6)
