"""Smoke tests: every script in examples/ runs and prints its key results."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# script -> lines (or fragments of lines) its story must print
KEY_LINES = {
    "quickstart_pipeline.py": [
        "penguins: 344 rows, 6 features, 19 missing values",
        "10-fold cross-validation of Pipeline(units -> C45Classifier):",
        "bits per penguin",
        "root split: ",
    ],
    "play_tennis_gains.py": [
        "H(play) = 0.940 bits",
        "outlook      0.247       1.577       0.156",
        "gain       tree_ 0.247  by hand 0.247  agree",
        "gain_ratio tree_ 0.156  by hand 0.156  agree",
        "rank_splits agrees with the gains computed by hand.",
    ],
    "logloss_vs_sklearn.py": [
        "10-fold stratified cross-validation (same folds for both models):",
        "entree C45Classifier",
        "sklearn entropy tree",
        "the log-loss of entree's.",
    ],
    "missing_and_nominal.py": [
        "435 congressmen, 16 votes each, 392 votes missing",
        "physician-fee-freeze = missing",
        "spread over 2 branches",
        "leaves reached and the share of the row in each:",
        "predict_proba: democrat",
        "(a level never seen in training)",
    ],
}


def test_every_example_has_a_smoke_test():
    scripts = {path.name for path in EXAMPLES.glob("*.py")}
    assert scripts == set(KEY_LINES)


@pytest.mark.parametrize("script", sorted(KEY_LINES))
def test_example_runs(script, capsys):
    runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    out = capsys.readouterr().out
    for line in KEY_LINES[script]:
        assert line in out, f"{script} did not print {line!r}"


def test_logloss_example_favours_smoothed_leaves(capsys):
    runpy.run_path(str(EXAMPLES / "logloss_vs_sklearn.py"), run_name="__main__")
    out = capsys.readouterr().out
    ratio = float(out.split("leaves cost ")[1].split("x the")[0])
    assert ratio > 1.0
