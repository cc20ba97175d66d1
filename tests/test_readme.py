"""README's Python examples run as written, from a folder outside the project.

A user who installed entree copies a snippet into a script anywhere; it must not
depend on files beside this repository (such as ../shared).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import entree

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _python_blocks() -> list[str]:
    return _BLOCK.findall(README.read_text(encoding="utf-8"))


def _installed_env() -> dict[str, str]:
    """The environment of an installed entree: the package importable, no repo cwd."""
    env = dict(os.environ)
    package_parent = str(Path(entree.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(
        [package_parent, *filter(None, [env.get("PYTHONPATH")])]
    )
    env["MPLBACKEND"] = "Agg"
    return env


def test_readme_has_python_examples():
    assert len(_python_blocks()) >= 2


@pytest.mark.parametrize(
    "index", range(len(_python_blocks())), ids=lambda i: f"block{i}"
)
def test_readme_python_block_runs_from_any_folder(index, tmp_path):
    code = _python_blocks()[index]
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=outside,
        env=_installed_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (
        f"README block {index} failed:\n{code}\n--- stderr ---\n{result.stderr}"
    )
