"""The benchmark scripts run without the shared corpus as far as they can.

``--help`` works anywhere; a script that needs the corpus and cannot find it says
where it looked, what the corpus is and which variable points at it. One variable,
``ENTREE_BENCH_DIR``, names the corpus folder everywhere.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS_SCRIPTS = ["bench_probability.py", "engine_snapshot.py"]


def _run(script: str, *args: str, bench_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, ENTREE_BENCH_DIR=str(bench_dir))
    env.pop("ENTREE_BENCH", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        cwd=bench_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize("script", CORPUS_SCRIPTS)
def test_help_without_corpus(script, tmp_path):
    result = _run(script, "--help", bench_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ENTREE_BENCH_DIR" in result.stdout


def test_bench_probability_without_corpus_says_where_to_point(tmp_path):
    result = _run(
        "bench_probability.py",
        "--datasets",
        "vote",
        "--jobs",
        "1",
        "--estimators",
        "",
        bench_dir=tmp_path,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(tmp_path) in result.stderr
    assert "ENTREE_BENCH_DIR" in result.stderr
    assert "benchdata.py" in result.stderr


def test_one_variable_names_the_corpus():
    """No file reads the corpus location from another variable (e.g. ENTREE_BENCH)."""
    other = re.compile(r"ENTREE_BENCH(?!_DIR)")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("entree", "benchmarks", "tests", "docs", "examples")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".md"}
        and path != Path(__file__).resolve()
        and other.search(path.read_text("utf-8"))
    ]
    offenders += ["README.md"] if other.search((ROOT / "README.md").read_text()) else []
    assert offenders == []
