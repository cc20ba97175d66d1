"""Access to the shared real-data corpus (../shared/bench beside the checkout).

CI clones the project with shared/ beside it; ENTREE_BENCH_DIR points elsewhere.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(
    os.environ.get(
        "ENTREE_BENCH_DIR", Path(__file__).resolve().parents[2] / "shared" / "bench"
    )
)

if not (BENCH_DIR / "benchdata.py").exists():
    pytest.skip(
        f"the shared corpus is not at {BENCH_DIR} (set ENTREE_BENCH_DIR to the "
        "folder that holds benchdata.py, the shared/bench folder beside the repo)",
        allow_module_level=True,
    )

sys.path.insert(0, str(BENCH_DIR))
benchdata = importlib.import_module("benchdata")
