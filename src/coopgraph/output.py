"""Write an output folder all at once: build in a staging folder beside it, then swap it into place.

A failed or interrupted run leaves the previous output exactly as it was. The folder replaced must be one this
code wrote (it holds the MARKER file) or be empty, so `--out .` or `--out ~` can never delete someone's files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from coopgraph.errors import CoopgraphError, InputError

MARKER = ".coopgraph-output"


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success it replaces `target`, on any error it is removed."""
    target = Path(os.path.abspath(target))
    _recover(target)
    _check_replaceable(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-{os.getpid()}-", dir=target.parent))
        make_shareable(staging)
    except OSError as error:
        raise InputError(target.parent, None, f"cannot write the output here: {error.strerror or error}",
                         "choose another --out folder") from None
    try:
        yield staging
        (staging / MARKER).write_text("written by coopgraph; the whole folder is replaced on the next run\n",
                                      encoding="utf-8")
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _check_replaceable(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InputError(target, None, "the output path exists and is not a folder",
                         "choose a new or empty folder with --out")
    if target.is_dir() and not (target / MARKER).is_file() and any(target.iterdir()):
        raise InputError(target, None, f"refusing to replace a folder that coopgraph did not write (no {MARKER} in "
                         "it)", "choose a new or empty folder with --out, or remove this one yourself")
    cwd = Path.cwd().resolve()
    if target.exists() and (cwd == target.resolve() or target.resolve() in cwd.parents):
        raise InputError(target, None, "the output folder holds the current directory",
                         "choose a folder beside or below it with --out")


def _swap(staging: Path, target: Path) -> None:
    """Move the old output aside, the new one in, then delete the old; put the old back if the move fails."""
    previous = target.with_name(f".{target.name}.previous-{os.getpid()}")
    shutil.rmtree(previous, ignore_errors=True)
    had_previous = target.exists()
    if had_previous:
        target.rename(previous)
    try:
        staging.rename(target)
    except OSError as error:
        if had_previous:
            previous.rename(target)
        raise CoopgraphError(f"{target}: could not move the new output into place ({error.strerror or error}); "
                             "the previous output is unchanged") from None
    shutil.rmtree(previous, ignore_errors=True)


def _recover(target: Path) -> None:
    """Undo what a run killed mid-swap or mid-build left behind: restore a lone previous, drop dead stagings."""
    if not target.parent.is_dir():
        return
    for leftover in sorted(target.parent.glob(f".{target.name}.previous-*")):
        if _alive(leftover.name.rsplit("-", 1)[-1]):
            continue
        if not target.exists():
            leftover.rename(target)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in target.parent.glob(f".{target.name}.staging-*"):
        pid = leftover.name.removeprefix(f".{target.name}.staging-").split("-", 1)[0]
        if not _alive(pid):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: str) -> bool:
    """Whether the process that named a leftover folder still runs (then the folder is in use)."""
    if not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def make_shareable(path: Path) -> None:
    """Give a file or folder the permissions a plain open() or mkdir() would (tempfile makes them private)."""
    path.chmod((0o777 if path.is_dir() else 0o666) & ~_umask())


@contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` to write to; when the block succeeds it replaces `target` whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        make_shareable(temporary)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_file_atomically(target: Path, content: str | bytes) -> None:
    """Write a single file through a temporary file in the same folder and rename it into place."""
    with atomic_target(Path(target)) as temporary:
        if isinstance(content, bytes):
            temporary.write_bytes(content)
        else:
            temporary.write_text(content, encoding="utf-8")
