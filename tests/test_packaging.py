"""What an installed entree carries: its licence, its metadata, the docs it cites."""

from __future__ import annotations

import fnmatch
import re
from importlib import resources
from pathlib import Path

import pytest

import entree

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(entree.__file__).resolve().parent
_MD_MENTION = re.compile(r"[\w./-]+\.md\b")


def _pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_license_file_is_bsd_3_clause():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Copyright (c) 2026, the entree developers" in text
    assert "Redistribution and use in source and binary forms" in text
    assert "Neither the name of the copyright holder" in text


def test_project_metadata():
    project = _pyproject()["project"]
    # an SPDX expression (PEP 639), with the licence text shipped in every build
    assert project["license"] == "BSD-3-Clause"
    assert project["license-files"] == ["LICENSE"]
    assert project["authors"] == [{"name": "the entree developers"}]
    assert {"decision tree", "c4.5", "id3"} <= set(project["keywords"])
    assert any(
        c.startswith("Programming Language :: Python :: 3")
        for c in project["classifiers"]
    )


def _doc_mentions() -> dict[str, list[str]]:
    """Every *.md path named in the package's source, with the files naming it."""
    mentions: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for name in _MD_MENTION.findall(path.read_text(encoding="utf-8")):
            mentions.setdefault(name, []).append(path.name)
    return mentions


def test_package_cites_docs():
    assert "entree/_docs/probabilities.md" in _doc_mentions()
    assert "entree/_docs/datasets.md" in _doc_mentions()


def test_every_doc_the_package_cites_ships_with_it():
    """A docstring's doc path points inside the package and the file is there."""
    for name, where in _doc_mentions().items():
        assert name.startswith("entree/_docs/"), (
            f"{where} cite {name}, which is not installed with the package"
        )
        resource = resources.files("entree").joinpath(*name.split("/")[1:])
        assert resource.is_file(), f"{where} cite {name}, which does not exist"


def test_package_data_includes_the_docs():
    patterns = _pyproject()["tool"]["setuptools"]["package-data"]["entree"]
    shipped = [
        path.relative_to(PACKAGE).as_posix()
        for path in (PACKAGE / "_docs").iterdir()
        if path.suffix == ".md"
    ]
    assert shipped
    for name in shipped:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name
