"""Tests of the command line: every command, and every error with its message."""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys

import pandas as pd
import pytest

import entree
from entree._cli import main

WEATHER = """outlook,temperature,humidity,windy,play
sunny,85,85,FALSE,no
sunny,80,90,TRUE,no
overcast,83,86,FALSE,yes
rainy,70,96,FALSE,yes
rainy,68,80,FALSE,yes
rainy,65,70,TRUE,no
overcast,64,65,TRUE,yes
sunny,72,95,FALSE,no
sunny,69,70,FALSE,yes
rainy,75,80,FALSE,yes
sunny,75,70,TRUE,yes
overcast,72,90,TRUE,yes
overcast,81,75,FALSE,yes
rainy,71,91,TRUE,no
"""


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


NOTES = ("entree: fitting ", "entree: reading ", "entree: predicting ")


def without_notes(err: str) -> list[str]:
    """Standard error less the notes a slow step prints (timing-dependent)."""
    return [line for line in err.strip().splitlines() if not line.startswith(NOTES)]


def assert_error(code, err, *fragments, exit_code=1):
    """One line 'entree: error: ...' naming the problem, no traceback."""
    assert code == exit_code
    lines = without_notes(err)
    assert len(lines) == 1, err
    assert lines[0].startswith("entree: error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.fixture
def weather_csv(tmp_path):
    path = tmp_path / "weather.csv"
    path.write_text(WEATHER)
    return path


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    """A C4.5 model of the CSV weather data, fitted through the CLI."""
    folder = tmp_path_factory.mktemp("model")
    data = folder / "weather.csv"
    data.write_text(WEATHER)
    path = folder / "weather.json"
    assert main(["fit", str(data), "--out", str(path)]) == 0
    return path


# -- version, help ---------------------------------------------------------------
def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"entree {entree.__version__}"


def test_python_dash_m_version():
    result = subprocess.run(
        [sys.executable, "-m", "entree", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"entree {entree.__version__}"
    assert result.stderr == ""


def test_no_command_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == 0
    for command in ("fit", "evaluate", "predict", "explain", "datasets"):
        assert command in out


def test_help_of_a_command(capsys):
    code, out, _ = run(capsys, "evaluate", "--help")
    assert code == 0
    assert "--cv" in out and "vote" in out


# -- datasets --------------------------------------------------------------------
def test_datasets_lists_bundled_data(capsys):
    code, out, err = run(capsys, "datasets")
    assert code == 0 and err == ""
    for name in entree.datasets.list_datasets():
        assert name in out
    assert "435" in out and "392" in out  # vote's rows and missing cells


def test_datasets_describes_one(capsys):
    code, out, _ = run(capsys, "datasets", "penguins")
    assert code == 0
    assert "Licence: CC0" in out and "Citation:" in out and "island" in out


def test_datasets_unknown_name(capsys):
    code, _, err = run(capsys, "datasets", "titanic")
    assert_error(code, err, "no bundled dataset 'titanic'", "vote")


# -- fit -------------------------------------------------------------------------
def test_fit_bundled_dataset_prints_tree_with_gains(capsys):
    code, out, err = run(capsys, "fit", "play_tennis")
    assert code == 0 and without_notes(err) == []
    assert "C4.5 tree for 'class' from bundled dataset 'play_tennis'" in out
    assert "outlook: n=14, entropy 0.940, gain 0.247" in out
    assert "|--- outlook = sunny" in out


def test_fit_csv_saves_model(capsys, weather_csv, tmp_path):
    out_path = tmp_path / "model.json"
    code, out, _ = run(capsys, "fit", weather_csv, "--out", out_path)
    assert code == 0
    assert "tree for 'play'" in out  # default target: the last column
    assert "humidity <= " in out  # a numeric column is split at a threshold
    assert f"saved the model to {out_path}" in out
    model = entree.load_model(out_path)
    assert list(model.feature_names_in_) == [
        "outlook",
        "temperature",
        "humidity",
        "windy",
    ]


def test_fit_id3_with_target_and_depth(capsys, weather_csv):
    code, out, _ = run(
        capsys,
        "fit",
        weather_csv,
        "--model",
        "id3",
        "--target",
        "windy",
        "--max-depth",
        "1",
    )
    assert code == 0
    assert out.startswith("ID3 tree for 'windy'")
    assert "depth 1" in out


def test_fit_reads_missing_and_nominal_cells(capsys, tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text(
        "size,colour,label\n1,red,a\n2,,a\n,blue,b\n4,blue,b\n5, red ,a\n6,blue,b\n"
    )
    model_path = tmp_path / "gaps.json"
    code, out, _ = run(capsys, "fit", path, "--model", "id3", "--out", model_path)
    assert code == 0
    document = json.loads(model_path.read_text())
    # empty cells are missing, spaces around values are dropped, text is nominal
    assert document["columns"]["is_nominal"] == [False, True]
    assert document["columns"]["categories"] == [None, ["blue", "red"]]
    assert "n=6" in out


# -- evaluate --------------------------------------------------------------------
def test_evaluate_default_dataset(capsys):
    code, out, err = run(capsys, "evaluate")
    assert code == 0
    assert "bundled dataset 'vote'" in out.splitlines()[0]
    assert "10-fold stratified cross-validation" in out
    for label in ("accuracy", "log-loss", "nats", "bits", "Brier score", "±"):
        assert label in out
    assert "fold" not in err  # no progress: stderr is not a terminal in tests


def test_evaluate_figures_match_the_metrics_module(capsys):
    code, out, _ = run(capsys, "evaluate", "penguins", "--cv", "5", "--model", "id3")
    assert code == 0
    X, y = entree.datasets.load_penguins(return_X_y=True, as_frame=True)
    scores = entree.metrics.evaluate(
        entree.ID3Classifier(), X, y.astype(str).to_numpy(object), cv=5
    )
    assert f"{scores['accuracy']:.4f} ± {scores['accuracy_std']:.4f}" in out
    assert f"{scores['log_loss_bits']:.4f}" in out


def test_evaluate_on_training_data(capsys, weather_csv):
    code, out, _ = run(capsys, "evaluate", weather_csv, "--cv", "0")
    assert code == 0
    assert "own training data" in out and "±" not in out


def test_evaluate_small_data_uses_fewer_folds_and_shows_progress(capsys):
    code, out, err = run(capsys, "evaluate", "play_tennis", "--progress")
    assert code == 0
    assert "9-fold" in out
    assert "using 9 folds instead of 10" in err
    assert "fold 1/9" in err and "fold 9/9" in err


def test_evaluate_impossible_cv(capsys, tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text("x,y\n1,a\n2,b\n")
    code, _, err = run(capsys, "evaluate", path)
    assert_error(code, err, "no class with 2 rows", "--cv 0")


# -- predict ---------------------------------------------------------------------
def test_predict_to_stdout(capsys, model_file, weather_csv):
    code, out, _ = run(capsys, "predict", model_file, weather_csv)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "prediction" and len(lines) == 15
    assert set(lines[1:]) <= {"yes", "no"}


def test_predict_proba_to_file(capsys, model_file, weather_csv, tmp_path):
    target = tmp_path / "predictions.csv"
    code, out, _ = run(
        capsys, "predict", model_file, weather_csv, "--proba", "--out", target
    )
    assert code == 0
    assert f"wrote 14 predictions to {target}" in out
    table = pd.read_csv(target)
    assert list(table.columns) == ["prediction", "proba_no", "proba_yes"]
    assert (table[["proba_no", "proba_yes"]].sum(axis=1) - 1).abs().max() < 1e-5


def test_predict_missing_and_unseen_values(capsys, model_file, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(
        "windy,humidity,outlook,temperature\nTRUE,,sunny,70\nFALSE,80,foggy,\n"
    )
    code, out, _ = run(capsys, "predict", model_file, path, "--proba")
    assert code == 0
    assert len(out.splitlines()) == 3


def test_predict_bundled_dataset_with_bundled_model(capsys, tmp_path):
    model = tmp_path / "vote.json"
    assert run(capsys, "fit", "vote", "--out", model)[0] == 0
    code, out, _ = run(capsys, "predict", model, "vote")
    assert code == 0 and len(out.splitlines()) == 436


# -- explain ---------------------------------------------------------------------
def test_explain_model_alone(capsys, model_file):
    code, out, _ = run(capsys, "explain", model_file)
    assert code == 0
    assert "C45Classifier from" in out
    assert "gain ratio" in out  # the tree with gains
    assert "splits (information in bits)" in out and "split_info" in out


def test_explain_rows(capsys, model_file, weather_csv):
    code, out, _ = run(capsys, "explain", model_file, weather_csv, "--rows", "2")
    assert code == 0
    assert "row 0: predicted" in out and "row 1: predicted" in out
    assert "row 2:" not in out


def test_explain_row_with_missing_value(capsys, model_file, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("outlook,temperature,humidity,windy\n,70,80,TRUE\n")
    code, out, _ = run(capsys, "explain", model_file, path)
    assert code == 0
    assert "outlook = missing" in out and "spread over 3 branches" in out


# -- errors: files and CSV -------------------------------------------------------
def test_error_missing_data_file(capsys):
    code, _, err = run(capsys, "fit", "no/such/file.csv")
    assert_error(code, err, "no/such/file.csv: no such file", "entree datasets")


def test_error_data_is_a_directory(capsys, tmp_path):
    code, _, err = run(capsys, "evaluate", tmp_path)
    assert_error(code, err, "is a directory")


def test_error_missing_target_column(capsys, weather_csv):
    code, _, err = run(capsys, "fit", weather_csv, "--target", "class")
    assert_error(
        code,
        err,
        "target column 'class' is not in",
        "columns are: outlook, temperature, humidity, windy, play",
    )


def test_error_ragged_csv(capsys, tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,x,yes\n3,z,no,extra\n")
    code, _, err = run(capsys, "fit", path)
    assert_error(code, err, "malformed CSV", "Expected 3 fields in line 3, saw 4")


def test_error_empty_file(capsys, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    code, _, err = run(capsys, "evaluate", path)
    assert_error(code, err, "empty.csv: empty file")


def test_error_header_only(capsys, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("a,b,class\n")
    code, _, err = run(capsys, "fit", path)
    assert_error(code, err, "no data rows")


def test_error_not_utf8(capsys, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("a,class\ncaf\xe9,x\n".encode("latin-1"))
    code, _, err = run(capsys, "fit", path)
    assert_error(code, err, "not a UTF-8 text file")


def test_error_only_target_column(capsys, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("class\na\nb\n")
    code, _, err = run(capsys, "fit", path)
    assert_error(code, err, "only the target column 'class'")


def test_error_missing_target_values(capsys, tmp_path):
    path = tmp_path / "gap.csv"
    path.write_text("x,class\n1,a\n2,\n3,b\n")
    code, _, err = run(capsys, "fit", path)
    assert_error(code, err, "target column 'class'", "1 missing value")


def test_error_single_class(capsys, tmp_path):
    path = tmp_path / "one_class.csv"
    path.write_text("x,class\n1,a\n2,a\n")
    code, _, err = run(capsys, "fit", path)
    assert_error(code, err, "at least 2 classes")


def test_error_unwritable_model_output(capsys, tmp_path):
    code, _, err = run(
        capsys, "fit", "play_tennis", "--out", tmp_path / "no" / "m.json"
    )
    assert_error(code, err, "cannot write the model")


# -- errors: model files ---------------------------------------------------------
def test_error_missing_model_file(capsys, weather_csv):
    code, _, err = run(capsys, "predict", "absent.json", weather_csv)
    assert_error(code, err, "absent.json: no such model file")


def test_error_model_file_is_a_csv(capsys, weather_csv):
    code, _, err = run(capsys, "predict", weather_csv, weather_csv)
    assert_error(code, err, "not valid JSON")


def test_error_model_file_is_other_json(capsys, tmp_path, weather_csv):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"format": "sklearn", "tree": []}))
    code, _, err = run(capsys, "explain", path)
    assert_error(code, err, str(path))


def test_error_model_file_is_a_pickle(capsys, tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"a": 1}))
    code, _, err = run(capsys, "explain", path)
    assert_error(code, err, "pickle")


# -- errors: data that does not fit the model ------------------------------------
def test_error_data_lacks_model_columns(capsys, model_file):
    code, _, err = run(capsys, "predict", model_file, "iris")
    assert_error(
        code,
        err,
        "lacks column(s) the model needs: outlook, temperature, humidity, windy",
        "it has: sepal length (cm)",
    )


def test_error_text_in_numeric_column(capsys, model_file, tmp_path):
    path = tmp_path / "text.csv"
    path.write_text("outlook,temperature,humidity,windy\nsunny,hot,85,TRUE\n")
    code, _, err = run(capsys, "explain", model_file, path)
    assert_error(code, err, "column 'temperature'", "'hot'", "numeric")


# -- usage errors (argparse: exit code 2) ----------------------------------------
@pytest.mark.parametrize(
    "argv, message",
    [
        (["evaluate", "--cv", "1"], "use K >= 2 folds"),
        (["evaluate", "--cv", "ten"], "not an integer"),
        (["fit"], "the following arguments are required: DATA"),
        (["fit", "vote", "--model", "cart"], "invalid choice: 'cart'"),
        (["explain", "m.json", "--rows", "0"], "must be at least 1"),
        (["grow", "vote"], "invalid choice: 'grow'"),
    ],
)
def test_usage_errors(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.splitlines()[-1].startswith("entree")
    assert "error:" in err and message in err
    assert "Traceback" not in err


def test_progress_rewrites_one_line_on_a_terminal():
    import io

    from entree._cli import _Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = _Progress(stream)
    for fold in range(3):
        progress(fold, 3)
    progress.close()
    text = stream.getvalue()
    assert text.startswith("\rfold 1/3\rfold 2/3\rfold 3/3")
    assert "\n" not in text and text.endswith("\r")


# -- files and interrupts ------------------------------------------------------------
def test_fit_saves_the_model_before_printing_the_tree(capsys, tmp_path, monkeypatch):
    """Ctrl-C (or a failure) while the tree prints must not lose the fitted model."""
    path = tmp_path / "m.json"

    def interrupted_print(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(entree, "export_text", interrupted_print)
    code, _, err = run(capsys, "fit", "play_tennis", "--out", path)
    assert code == 130
    assert err.strip() == "entree: interrupted"
    model = entree.load_model(path)
    assert model.get_n_leaves() == 5


@pytest.mark.parametrize(
    "argv, target",
    [
        (["fit", "play_tennis"], "_read_table"),
        (["evaluate", "play_tennis"], "_read_table"),
        (["predict", "MODEL", "play_tennis"], "_align"),
        (["explain", "MODEL", "play_tennis"], "_align"),
        (["explain", "MODEL"], "_summary"),
        (["datasets"], "dataset_info"),
    ],
)
def test_interrupt_in_any_command_is_one_line_and_130(
    capsys, monkeypatch, model_file, argv, target
):
    import entree._cli as cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    owner = entree.datasets if target == "dataset_info" else cli
    monkeypatch.setattr(owner, target, interrupted)
    code, _, err = run(capsys, *[model_file if a == "MODEL" else a for a in argv])
    assert code == 130
    assert err == "entree: interrupted\n"


def test_interrupt_surfacing_from_a_kernel_as_system_error(capsys, monkeypatch):
    """Ctrl-C inside compiled code can come back as SystemError: still 130."""

    def fit(self, X, y):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as interrupt:
            raise SystemError("returned a result with an exception set") from interrupt

    monkeypatch.setattr(entree.C45Classifier, "fit", fit)
    code, _, err = run(capsys, "fit", "play_tennis")
    assert code == 130
    assert err == "entree: interrupted\n"


def test_other_system_errors_are_not_hidden(capsys, monkeypatch):
    def fit(self, X, y):
        raise SystemError("a real bug")

    monkeypatch.setattr(entree.C45Classifier, "fit", fit)
    with pytest.raises(SystemError, match="a real bug"):
        main(["fit", "play_tennis"])


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_while_reading_a_big_csv(tmp_path):
    """SIGINT once the CLI says it is reading: exit 130, one line, no traceback."""
    import signal

    import numpy as np

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        rng.normal(size=(200_000, 8)), columns=[f"x{i}" for i in range(8)]
    )
    frame["class"] = rng.integers(0, 2, len(frame))
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    process = subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-m", "entree", "fit", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = process.stderr.readline()
    assert first.startswith(f"entree: reading {path} (")
    process.send_signal(signal.SIGINT)
    out, rest = process.communicate(timeout=300)
    assert process.returncode == 130
    lines = rest.splitlines()  # perhaps a note on a slow step, then one line
    assert lines[-1] == "entree: interrupted"
    assert all(line.startswith("entree: ") for line in lines), rest


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to this process")
def test_ctrl_c_during_a_csv_read_waits_for_the_read_to_end():
    """pandas' threaded reader must not be interrupted midway (it can crash)."""
    import os
    import signal

    from entree._cli import _interrupt_after

    finished = []
    with pytest.raises(KeyboardInterrupt):
        with _interrupt_after():
            os.kill(os.getpid(), signal.SIGINT)
            finished.append(True)
    assert finished == [True]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_slow_fit_says_what_it_is_doing(capsys, monkeypatch):
    import time

    import entree._cli as cli

    original = entree.C45Classifier.fit

    def slow_fit(self, X, y):
        time.sleep(0.5)
        return original(self, X, y)

    monkeypatch.setattr(cli, "_SLOW_AFTER_SECONDS", 0.05)
    monkeypatch.setattr(entree.C45Classifier, "fit", slow_fit)
    code, _, err = run(capsys, "fit", "play_tennis")
    assert code == 0
    assert err == "entree: fitting C4.5 on 14 rows x 4 features\n"


def test_a_quick_fit_prints_no_note(capsys, monkeypatch):
    import entree._cli as cli

    monkeypatch.setattr(cli, "_SLOW_AFTER_SECONDS", 60.0)
    code, _, err = run(capsys, "fit", "play_tennis")
    assert code == 0 and err == ""


def test_evaluate_names_the_brier_convention(capsys):
    code, out, _ = run(capsys, "evaluate", "vote", "--cv", "0")
    assert code == 0
    multiclass = re.search(r"Brier score \(multiclass sum, 0-2\)\s+([0-9.]+)", out)
    binary = re.search(r"Brier score \(binary, as sklearn, 0-1\)\s+([0-9.]+)", out)
    assert multiclass and binary, out
    assert float(binary.group(1)) == pytest.approx(
        float(multiclass.group(1)) / 2, abs=1e-4
    )


def test_evaluate_multiclass_has_no_binary_brier(capsys):
    code, out, _ = run(capsys, "evaluate", "iris", "--cv", "0")
    assert code == 0
    assert "Brier score (multiclass sum, 0-2)" in out
    assert "binary" not in out


# -- the CSV reader keeps its conventions at pandas speed ----------------------------
def test_csv_conventions(tmp_path, capsys):
    """Text as written ("TRUE", "007", "NA"), stripped; empty = missing; numbers."""
    from entree._cli import Table, _read_csv, _split_target

    path = tmp_path / "d.csv"
    path.write_text(
        "flag, code ,n,word,label\n"
        "TRUE,007,1,NA ,007\n"
        "FALSE,x,2,  ,1\n"
        ",008,,b,007\n"
        "TRUE,009,4,b,1\n"
    )
    frame = _read_csv(str(path), text_positions=(-1,))
    assert list(frame.columns) == ["flag", "code", "n", "word", "label"]
    X, y, target = _split_target(Table(frame, "d.csv", "label"), None)
    assert target == "label" and list(y) == ["007", "1", "007", "1"]
    assert X["flag"].dtype == "category"
    assert list(X["flag"].astype(object)[[0, 1, 3]]) == ["TRUE", "FALSE", "TRUE"]
    assert pd.isna(X["flag"][2])
    assert list(X["code"].astype(object)) == ["007", "x", "008", "009"]
    assert X["n"].dtype == "float64" and X["n"].isna().tolist() == [0, 0, 1, 0]
    assert X["word"].astype(object)[0] == "NA" and pd.isna(X["word"][1])


def test_predict_reads_nominal_columns_as_text(tmp_path, capsys):
    """A nominal column whose new values all look like numbers keeps its text."""
    train = tmp_path / "train.csv"
    train.write_text("code,class\n" + "01,a\n02,b\nxx,b\n" * 5)
    model = tmp_path / "m.json"
    assert main(["fit", str(train), "--out", str(model)]) == 0
    new = tmp_path / "new.csv"
    new.write_text("code\n01\n02\n")
    capsys.readouterr()
    code, out, _ = run(capsys, "predict", model, new)
    assert code == 0
    assert out.split() == ["prediction", "a", "b"]


# -- big trees print their first levels ----------------------------------------------
@pytest.fixture(scope="module")
def noisy_csv(tmp_path_factory):
    """Labels independent of the features: ID3 grows a tree of many hundred nodes."""
    import numpy as np

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(1500, 4)), columns=["a", "b", "c", "d"])
    frame["class"] = rng.choice(["x", "y"], size=len(frame))
    path = tmp_path_factory.mktemp("noisy") / "noisy.csv"
    frame.to_csv(path, index=False)
    return path


def _leaf_lines(out: str) -> int:
    return sum("--- class: " in line for line in out.splitlines())


def test_fit_big_tree_prints_its_first_levels(capsys, noisy_csv, tmp_path):
    out_path = tmp_path / "m.json"
    code, out, _ = run(capsys, "fit", noisy_csv, "--model", "id3", "--out", out_path)
    assert code == 0
    model = entree.load_model(out_path)
    assert model.tree_.node_count > 200
    note = out.strip().splitlines()[-1]
    match = re.fullmatch(
        r"\(the tree has (\d+) nodes and depth (\d+); shown to depth (\d+): "
        r"--full prints it all, --print-depth N to depth N\)",
        note,
    )
    assert match, note
    assert int(match[1]) == model.tree_.node_count
    assert int(match[2]) == model.get_depth()
    shown = int(match[3])
    depth = model.tree_.depth
    assert (depth <= shown).sum() <= 200 < (depth <= shown + 1).sum()
    assert "truncated branch" in out
    assert len(out.splitlines()) < 450


def test_fit_full_and_print_depth(capsys, noisy_csv, tmp_path):
    out_path = tmp_path / "m.json"
    code, out, _ = run(
        capsys, "fit", noisy_csv, "--model", "id3", "--full", "--out", out_path
    )
    assert code == 0
    assert _leaf_lines(out) == entree.load_model(out_path).get_n_leaves()
    assert "--full prints it all" not in out
    code, out, _ = run(capsys, "fit", noisy_csv, "--model", "id3", "--print-depth", "1")
    assert code == 0
    assert "shown to depth 1:" in out.splitlines()[-1]
    tree_lines = [line for line in out.splitlines() if line.startswith("|")]
    assert all(line.count("|") <= 2 for line in tree_lines)


def test_fit_small_tree_prints_all_without_a_note(capsys):
    code, out, _ = run(capsys, "fit", "play_tennis")
    assert code == 0
    assert _leaf_lines(out) == 5
    assert "--full" not in out


def test_fit_print_options_usage_errors(capsys):
    code, _, err = run(capsys, "fit", "vote", "--full", "--print-depth", "2")
    assert code == 2 and "not allowed with argument" in err
    code, _, err = run(capsys, "fit", "vote", "--print-depth", "-1")
    assert code == 2 and "must be at least 0, got -1" in err
