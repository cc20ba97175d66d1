"""Where the benchmark scripts find the shared real-data corpus, and what to say if not.

The corpus (22 datasets with fixed folds, reference scores and the loader
``benchdata.py``) is not part of the entree package: it is the ``shared/bench``
folder that sits beside the entree repository in its development setup
(``../shared/bench`` from the project root). ``ENTREE_BENCH_DIR`` points elsewhere.
"""

from __future__ import annotations

import importlib
import os
import sys
import textwrap
from pathlib import Path

VARIABLE = "ENTREE_BENCH_DIR"
DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "bench"

HELP = (
    f"The corpus is read from ${VARIABLE}, by default {DEFAULT} (the shared/bench "
    "folder beside the entree repository in its development setup; it is not part "
    "of the entree package). Point the variable at the folder that holds "
    "benchdata.py, e.g. ENTREE_BENCH_DIR=/path/to/shared/bench."
)


def help_text() -> str:
    """HELP wrapped for an argparse epilog."""
    return textwrap.fill(HELP, width=79) + "\n"


def corpus_dir() -> Path:
    """The corpus folder: ``$ENTREE_BENCH_DIR``, or ../shared/bench beside the repo."""
    return Path(os.environ.get(VARIABLE, DEFAULT))


def available() -> bool:
    return (corpus_dir() / "benchdata.py").exists()


def missing_message() -> str:
    return f"the shared corpus is not at {corpus_dir()} (no benchdata.py there). {HELP}"


def import_corpus_module(name: str):
    """Import ``benchdata`` or ``corpus`` from the corpus folder; exit 1 if absent."""
    if not available():
        print(f"error: {missing_message()}", file=sys.stderr)
        raise SystemExit(1)
    directory = str(corpus_dir())
    if directory not in sys.path:
        sys.path.insert(0, directory)
    return importlib.import_module(name)
