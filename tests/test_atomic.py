"""Atomic writes: a failure midway leaves the previous file whole (issue 13.8)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

import entree
from entree._atomic import atomic_write
from entree._cli import main

resource = pytest.importorskip("resource")  # RLIMIT_FSIZE: POSIX only


def _leftovers(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def test_atomic_write_replaces_on_success(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old\n")
    with atomic_write(path) as file:
        file.write("new\n")
        assert path.read_text() == "old\n"  # not visible until complete
    assert path.read_text() == "new\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_atomic_write_failure_keeps_the_old_file(tmp_path, error):
    path = tmp_path / "out.txt"
    path.write_text("old\n")
    with pytest.raises(type(error)):
        with atomic_write(path) as file:
            file.write("half a")
            file.flush()
            raise error
    assert path.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


def test_atomic_write_failure_without_an_old_file_leaves_nothing(tmp_path):
    path = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_write(path) as file:
            file.write("half")
            raise RuntimeError
    assert os.listdir(tmp_path) == []


def test_atomic_write_keeps_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.txt"
        with atomic_write(fresh) as file:
            file.write("x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        existing = tmp_path / "existing.txt"
        existing.write_text("x")
        existing.chmod(0o600)
        with atomic_write(existing) as file:
            file.write("y")
        assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    finally:
        os.umask(umask)


def test_atomic_write_through_a_symlink(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with atomic_write(link) as file:
        file.write("new")
    assert link.is_symlink() and real.read_text() == "new"


def test_atomic_write_binary_and_bad_mode(tmp_path):
    path = tmp_path / "b.bin"
    with atomic_write(path, "wb") as file:
        file.write(b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    with pytest.raises(ValueError, match="mode must be 'w' or 'wb', got 'a'"):
        with atomic_write(path, "a"):
            pass


def _limited(limit: int):
    """preexec_fn: a file size limit, with SIGXFSZ ignored so write() gets EFBIG."""

    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _entree(*argv, limit: int) -> subprocess.CompletedProcess:
    """``python -m entree ARGV`` under a file size limit."""
    return subprocess.run(
        [sys.executable, "-m", "entree", *map(str, argv)],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limited(limit),
    )


def _model_files(tmp_path):
    """A small model saved at old.json and a larger one at big.json."""
    small = entree.C45Classifier().fit(
        *entree.datasets.load_play_tennis(return_X_y=True, as_frame=True)
    )
    big = entree.ID3Classifier().fit(
        *entree.datasets.load_vote(return_X_y=True, as_frame=True)
    )
    old, new = tmp_path / "old.json", tmp_path / "big.json"
    entree.save_model(small, old)
    entree.save_model(big, new)
    assert new.stat().st_size > 2 * old.stat().st_size
    return old, new


def test_save_model_beyond_the_file_size_limit_keeps_the_old_file(tmp_path):
    old, new = _model_files(tmp_path)
    before = old.read_bytes()
    script = textwrap.dedent(
        f"""
        import entree
        model = entree.load_model({str(new)!r})
        entree.save_model(model, {str(old)!r})
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limited(old.stat().st_size + 100),
    )
    assert result.returncode != 0
    assert "File too large" in result.stderr
    assert old.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_cli_fit_out_beyond_the_file_size_limit_keeps_the_old_file(tmp_path):
    old, _ = _model_files(tmp_path)
    before = old.read_bytes()
    result = _entree(
        "fit", "vote", "--model", "id3", "--out", old, limit=old.stat().st_size + 100
    )
    assert result.returncode == 1
    # the last line (a slow fit may say "entree: fitting ..." first)
    assert result.stderr.strip().splitlines()[-1] == (
        f"entree: error: {old}: cannot write the model: File too large"
    )
    assert old.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_cli_predict_out_beyond_the_file_size_limit_keeps_the_old_file(tmp_path):
    old, model = _model_files(tmp_path)
    out = tmp_path / "predictions.csv"
    out.write_text("prediction\nyes\n")
    # the CSV takes about 20 kB
    result = _entree("predict", model, "vote", "--proba", "--out", out, limit=2000)
    assert result.returncode == 1
    assert "File too large" in result.stderr
    assert out.read_text() == "prediction\nyes\n"
    assert _leftovers(tmp_path) == []


def test_cli_predict_out_interrupted_keeps_the_old_file(tmp_path, capsys, monkeypatch):
    """Ctrl-C while the CSV is written: no partial CSV that looks valid."""
    _, model = _model_files(tmp_path)
    out = tmp_path / "predictions.csv"
    out.write_text("prediction\nyes\n")
    original = pd.DataFrame.to_csv

    def interrupted(frame, buffer, **kwargs):
        original(frame.iloc[:10], buffer, **kwargs)  # some whole rows, then Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
    code = main(["predict", str(model), "vote", "--out", str(out)])
    assert code == 130
    assert capsys.readouterr().err.strip() == "entree: interrupted"
    assert out.read_text() == "prediction\nyes\n"
    assert _leftovers(tmp_path) == []
