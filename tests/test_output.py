"""Safe output: a build replaces its folder whole or not at all, and never a folder it did not write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coopgraph.errors import INPUT_ERROR, InputError
from coopgraph.output import MARKER, staged_folder, write_file_atomically


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(parent: Path, name: str) -> list[Path]:
    return sorted(parent.glob(f".{name}.*"))


def _write_output(target: Path, text: str) -> None:
    with staged_folder(target) as staging:
        (staging / "index.html").write_text(text, encoding="utf-8")


def test_success_replaces_what_it_wrote_and_keeps_the_users_files(tmp_path):
    out = tmp_path / "out"
    with staged_folder(out) as staging:
        (staging / "index.html").write_text("first", encoding="utf-8")
        (staging / "queries").mkdir()
        (staging / "queries" / "gone-next-time.csv").write_text("a,b\n", encoding="utf-8")
    # What people put in out/ (the README's own tour writes out/docs and out/inferred.ttl).
    (out / "my-notes.txt").write_text("mine", encoding="utf-8")
    (out / "docs").mkdir()
    (out / "docs" / "index.html").write_text("docs", encoding="utf-8")
    (out / "queries" / "mine.csv").write_text("kept", encoding="utf-8")
    (out / "empty-folder").mkdir()
    (out / "link").symlink_to("my-notes.txt")
    _write_output(out, "second")
    assert (out / "index.html").read_text(encoding="utf-8") == "second"
    assert not (out / "queries" / "gone-next-time.csv").exists()  # ours, and not written this time
    assert (out / "my-notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "docs" / "index.html").read_text(encoding="utf-8") == "docs"
    assert (out / "queries" / "mine.csv").read_text(encoding="utf-8") == "kept"
    assert (out / "empty-folder").is_dir() and os.readlink(out / "link") == "my-notes.txt"
    assert (out / MARKER).is_file()
    assert _leftovers(tmp_path, "out") == []


def test_refuses_to_overwrite_a_users_file_and_says_which(tmp_path):
    out = tmp_path / "out"
    _write_output(out, "first")
    (out / "summary.txt").write_text("the user's own summary", encoding="utf-8")
    before = _snapshot(out)
    with pytest.raises(InputError) as caught, staged_folder(out) as staging:
        (staging / "summary.txt").write_text("a new output of ours", encoding="utf-8")
    assert "summary.txt" in caught.value.message and "not written by coopgraph" in caught.value.message
    assert _snapshot(out) == before
    assert _leftovers(tmp_path, "out") == []


def test_an_older_marker_keeps_what_the_new_output_does_not_replace(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text("written by coopgraph; the whole folder is replaced on the next run\n")
    (out / "index.html").write_text("old", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    _write_output(out, "new")
    assert (out / "index.html").read_text(encoding="utf-8") == "new"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_failure_leaves_the_previous_output_as_it_was(tmp_path):
    out = tmp_path / "out"
    _write_output(out, "good")
    before = _snapshot(out)
    with pytest.raises(RuntimeError), staged_folder(out) as staging:
        (staging / "index.html").write_text("half", encoding="utf-8")
        raise RuntimeError("the build failed half way")
    assert _snapshot(out) == before
    assert _leftovers(tmp_path, "out") == []


def test_an_interrupt_leaves_the_previous_output_as_it_was(tmp_path):
    out = tmp_path / "out"
    _write_output(out, "good")
    before = _snapshot(out)
    with pytest.raises(KeyboardInterrupt), staged_folder(out) as staging:
        (staging / "index.html").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt
    assert _snapshot(out) == before


@pytest.mark.parametrize("where", ["cwd", "home-like"])
def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path, monkeypatch, where):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_bytes(b"years of work")
    if where == "cwd":
        monkeypatch.chdir(precious)
        target = Path(".")
    else:
        target = precious
    with pytest.raises(InputError) as caught, staged_folder(target):
        pytest.fail("must not get to build")
    assert caught.value.exit_code == INPUT_ERROR
    assert "did not write" in caught.value.message or "current directory" in caught.value.message
    assert (precious / "thesis.docx").read_bytes() == b"years of work"


def test_refuses_a_file_as_output(tmp_path):
    target = tmp_path / "out"
    target.write_text("a file", encoding="utf-8")
    with pytest.raises(InputError, match="not a folder"), staged_folder(target):
        pass
    assert target.read_text(encoding="utf-8") == "a file"


def test_an_empty_folder_is_fine(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    _write_output(out, "x")
    assert (out / "index.html").is_file()


def test_recovers_from_a_run_killed_mid_swap(tmp_path):
    out = tmp_path / "out"
    _write_output(out, "good")
    dead = _dead_pid()
    # What a kill between "move the old aside" and "move the new in" leaves: no out/, the old one aside,
    # and an orphaned staging folder.
    out.rename(tmp_path / f".out.previous-{dead}")
    (tmp_path / f".out.staging-{dead}-abc").mkdir()
    with pytest.raises(RuntimeError), staged_folder(out):
        raise RuntimeError("fail after recovery")
    assert (out / "index.html").read_text(encoding="utf-8") == "good"
    assert _leftovers(tmp_path, "out") == []


def test_the_next_command_puts_back_an_output_killed_mid_swap(tmp_path):
    """Any command, at its start: a lone .out.previous-PID of a dead run goes back to out/, a dead import's
    temporary file goes away. (The swap itself is one atomic exchange where Linux has renameat2; this is the
    state the two-rename fallback leaves when killed between its renames.)"""
    out = tmp_path / "out"
    _write_output(out, "good")
    before = _snapshot(out)
    dead = _dead_pid()
    out.rename(tmp_path / f".out.previous-{dead}")
    data = tmp_path / "data"
    data.mkdir()
    (data / f".imported-agency-x.ttl.partial-{dead}-k2j4").write_text("half", encoding="utf-8")
    (data / f".imported-agency-x.ttl.partial-{os.getpid()}-live").write_text("in use", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "coopgraph", "info", "--data", str(data)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert _snapshot(out) == before
    assert _leftovers(tmp_path, "out") == []
    assert sorted(p.name for p in data.iterdir()) == [f".imported-agency-x.ttl.partial-{os.getpid()}-live"]


def test_the_swap_is_one_exchange_here(tmp_path):
    from coopgraph.output import _exchange

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_text("a")
    (tmp_path / "b").mkdir()
    if not _exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("this kernel or file system has no renameat2 exchange; the two-rename fallback is used")
    assert (tmp_path / "b" / "x").read_text() == "a" and not (tmp_path / "a" / "x").exists()


def test_write_file_atomically(tmp_path):
    target = tmp_path / "a" / "file.txt"
    write_file_atomically(target, "one")
    write_file_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["file.txt"]


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_build_killed_half_way_leaves_out_untouched(tmp_path):
    """The real CLI, killed with SIGKILL while it writes the staging folder: out/ is as before, and the
    next run clears the orphaned staging folder."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "coopgraph", "build", "--out", str(out)]
    first = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert first.returncode in (0, 1), first.stderr
    before = _snapshot(out)

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not list(tmp_path.glob(".out.staging-*")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    if process.poll() is not None:
        pytest.skip("the build finished before it could be killed")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert _snapshot(out) == before

    again = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert again.returncode in (0, 1), again.stderr
    assert _leftovers(tmp_path, "out") == []


def test_outputs_get_the_permissions_a_plain_write_would(tmp_path):
    """tempfile makes files 0600 and folders 0700; written output is meant to be read by others."""
    import os

    from coopgraph.output import staged_folder, write_file_atomically

    mask = os.umask(0o022)
    try:
        with staged_folder(tmp_path / "out") as staging:
            write_file_atomically(staging / "page.html", "<p>x</p>")
        assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755
        assert (tmp_path / "out" / "page.html").stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(mask)


def test_csv_cells_that_spreadsheets_would_run_get_an_apostrophe():
    import pandas as pd

    from coopgraph.results import ResultTable, Value, spreadsheet_safe, spreadsheet_safe_frame

    for cell in ("=1+1", "+1+A1", "-A1", "@SUM(A1)", "\tx", "\rx", "-1-1"):
        assert spreadsheet_safe(cell) == "'" + cell
    for cell in ("plain", "-3", "+1.5e3", "0.25", "", "a=b"):
        assert spreadsheet_safe(cell) == cell
    table = ResultTable(["label", "n"], [(Value("=HYPERLINK(\"x\")", "literal"), Value("-1", "literal"))])
    assert table.to_csv() == "label,n\n\"'=HYPERLINK(\"\"x\"\")\",-1\n"
    frame = pd.DataFrame({"label": ["=cmd|' /C calc'!A0", "ok"], "betweenness": [-0.5, 1.0]})
    written = spreadsheet_safe_frame(frame).to_csv(index=False)
    assert written.splitlines() == ["label,betweenness", "'=cmd|' /C calc'!A0,-0.5", "ok,1.0"]


def test_a_full_disk_during_build_is_exit_2_and_keeps_the_previous_output(small_disk):
    """A real 1 MiB tmpfs (needs root; skipped elsewhere): the build's output does not fit."""
    disk = small_disk
    out = disk / "out"
    _write_output(out, "the previous report")
    before = _snapshot(out)
    result = subprocess.run([sys.executable, "-m", "coopgraph", "build", "--out", str(out)], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 2, result.stderr
    assert f"{out}: No space left on device (the previous output is unchanged)" in result.stderr
    assert "free some space" in result.stderr and "Traceback" not in result.stderr
    assert _snapshot(out) == before
    assert _leftovers(disk, "out") == []
