"""`entree --help` answers without importing numpy, pandas, scikit-learn or numba.

The package's public names resolve on first use (PEP 562), so ``import entree`` and
the command line's parser are cheap; a command imports what it needs when it runs.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    "numpy",
    "pandas",
    "sklearn",
    "scipy",
    "numba",
    "matplotlib",
    "dask",
    "distributed",
)


def _imported_after(code: str) -> list[str]:
    probe = (
        code
        + "\nimport sys\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules}"
        + f" & {set(HEAVY)!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["fit", "--help"], []])
def test_cli_parser_imports_nothing_heavy(argv):
    code = (
        "import contextlib, io\n"
        "from entree._cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main({argv!r}) == 0\n"
    )
    assert _imported_after(code) == []


def test_python_dash_m_entree_help_imports_nothing_heavy():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "entree", "--help"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0
    assert "usage: entree" in result.stdout
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert imported & set(HEAVY) == set()


def test_import_entree_is_light():
    assert _imported_after("import entree") == []


def test_public_names_still_resolve():
    code = """
import entree
from entree import C45Classifier, ID3Classifier, export_text, load_model, save_model
from entree import ModelFileError, explain, rank_splits, split_report, plot_tree
from entree import export_graphviz, entropy, metrics
from entree.tree import C45Classifier as direct
assert C45Classifier is direct
assert entree.C45Classifier is direct
for name in entree.__all__:
    getattr(entree, name)
assert set(entree.__all__) <= set(dir(entree))
assert entree.datasets.load_vote().data.shape == (435, 16)
assert entree.metrics.log_loss([0, 1], [[0.5, 0.5], [0.5, 0.5]]) > 0
"""
    assert "sklearn" in _imported_after(code)


def test_unknown_attribute_is_an_attribute_error():
    import entree

    with pytest.raises(AttributeError, match="module 'entree' has no attribute 'C50'"):
        entree.C50  # noqa: B018
    assert not hasattr(entree, "C50")


def test_in_memory_fit_never_imports_dask():
    """dask is an optional extra: only entree.dask imports it."""
    code = """
from entree import C45Classifier, ID3Classifier, export_text
from entree.datasets import load_iris
X, y = load_iris(return_X_y=True)
export_text(C45Classifier().fit(X, y))
ID3Classifier().fit(X, y)
"""
    imported = _imported_after(code)
    assert "sklearn" in imported
    assert "dask" not in imported and "distributed" not in imported
    assert "dask" in _imported_after("import entree.dask")
