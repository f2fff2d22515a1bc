"""Write an output folder all at once: build in a staging folder beside it, then swap it into place.

A failed or interrupted run leaves the previous output exactly as it was. The folder replaced must be one this
code wrote (it holds the MARKER file) or be empty, so `--out .` or `--out ~` can never delete someone's files.

The MARKER lists the files the run wrote. Anything else in the folder (notes, `coopgraph docs --out out/docs`,
`coopgraph reason --out out/inferred.ttl`) is the user's: it is carried into the new output (hard links, so
nothing is copied), and a build that would write a file where the user keeps one refuses and says which.

The swap is one atomic exchange of the two folders (Linux renameat2 RENAME_EXCHANGE): at every instant there is
a complete out/, the old one or the new one, whatever kills the process. Where the exchange is not available
(another system, a file system without it) it is two renames; a kill between them leaves the old output in
`.NAME.previous-PID`, which recover_interrupted() puts back at the start of the next coopgraph command.
"""

from __future__ import annotations

import ctypes
import errno
import glob
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from coopgraph.errors import CoopgraphError, InputError, machine_error

MARKER = ".coopgraph-output"
_MARKER_HEADER = "written by coopgraph; on the next run these files are replaced, any others are kept:\n"


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
        written = sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if not p.is_dir())
        _carry_over(target, staging)
        (staging / MARKER).write_text(_MARKER_HEADER + "".join(f"{name}\n" for name in written), encoding="utf-8")
        _swap(staging, target)
    except OSError as error:  # a full disk while writing: name the output folder, not the staging folder
        shutil.rmtree(staging, ignore_errors=True)
        inside = error.filename is None or str(error.filename).startswith(str(staging))
        raise machine_error(error, target if inside else None, "the previous output is unchanged") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def written_by_us(target: Path) -> set[str] | None:
    """The files (relative paths) the last run wrote into target, from its MARKER; None for an older MARKER."""
    try:
        lines = (target / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if not lines or lines[0] + "\n" != _MARKER_HEADER:
        return None
    return set(lines[1:])


def _carry_over(target: Path, staging: Path) -> None:
    """Link every file of target that no run of ours wrote into staging; refuse when the new output has one there.

    An older MARKER does not list its files: then the files the new output replaces count as ours, and all
    others are kept.
    """
    if not target.is_dir():
        return
    listed = written_by_us(target)
    ours = listed or set()
    for directory, subdirs, names in os.walk(target):
        here = Path(directory)
        relative = here.relative_to(target)
        for name in subdirs + names:
            path = here / name
            rel = str(relative / name) if str(relative) != "." else name
            if path.is_dir() and not path.is_symlink():
                if not any(path.iterdir()):
                    (staging / rel).mkdir(parents=True, exist_ok=True)  # an empty folder: only the user makes one
                continue
            if rel == MARKER or rel in ours:
                continue
            destination = staging / rel
            if (destination.exists() or destination.is_symlink()) and listed is None:
                continue
            if destination.exists() or destination.is_symlink():
                raise InputError(path, None, "this file was not written by coopgraph, and the new output has one "
                                 "of the same name", "move or rename it, then build again")
            destination.parent.mkdir(parents=True, exist_ok=True)
            if path.is_symlink():
                os.symlink(os.readlink(path), destination)
            else:
                try:
                    os.link(path, destination)
                except OSError:
                    shutil.copy2(path, destination)
        subdirs[:] = [d for d in subdirs if not (here / d).is_symlink()]


def _check_replaceable(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InputError(target, None, "the output path exists and is not a folder",
                         "choose a new or empty folder with --out")
    if target.is_dir() and not (target / MARKER).is_file() and any(target.iterdir()):
        raise InputError(target, None, f"refusing to build in a folder that coopgraph did not write (no {MARKER} "
                         "in it)", "choose a new or empty folder with --out")
    cwd = Path.cwd().resolve()
    if target.exists() and (cwd == target.resolve() or target.resolve() in cwd.parents):
        raise InputError(target, None, "the output folder holds the current directory",
                         "choose a folder beside or below it with --out")


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False when this system or file system cannot."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    result = function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _swap(staging: Path, target: Path) -> None:
    """Put the new output in place of the old in one exchange, else by two renames; then delete the old."""
    if target.exists():
        try:
            exchanged = _exchange(staging, target)
        except OSError as error:
            raise CoopgraphError(f"{target}: could not move the new output into place ({error.strerror or error}); "
                                 "the previous output is unchanged") from None
        if exchanged:
            shutil.rmtree(staging, ignore_errors=True)  # the old output, now under the staging name
            return
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
    """Undo what a run killed mid-swap or mid-build left beside target: restore a lone previous, drop stagings."""
    if not target.parent.is_dir():
        return
    name = glob.escape(target.name)
    for leftover in sorted(target.parent.glob(f".{name}.previous-*")):
        if _alive(leftover.name.rsplit("-", 1)[-1]):
            continue
        if not target.exists():
            leftover.rename(target)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in target.parent.glob(f".{name}.staging-*"):
        pid = leftover.name.removeprefix(f".{target.name}.staging-").split("-", 1)[0]
        if not _alive(pid):
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in target.parent.glob(f".{name}.partial-*"):
        pid = leftover.name.removeprefix(f".{target.name}.partial-").split("-", 1)[0]
        if not _alive(pid):
            leftover.unlink(missing_ok=True)


def recover_interrupted(folders: Iterable[Path]) -> None:
    """At the start of any command: finish what killed runs left in these folders (never raises).

    A lone `.NAME.previous-PID` of a dead process goes back to NAME (a build killed mid-swap), dead staging
    folders and `.NAME.partial-PID-*` files (an import or page killed before its rename) are removed.
    """
    seen: set[Path] = set()
    for folder in folders:
        with suppress(OSError):
            folder = Path(os.path.abspath(folder))
            if folder in seen or not folder.is_dir():
                continue
            seen.add(folder)
            for entry in folder.iterdir():
                name = entry.name
                for kind in (".previous-", ".staging-", ".partial-"):
                    if name.startswith(".") and kind in name:
                        with suppress(OSError):
                            _recover(folder / name[1:name.rindex(kind)])
                        break


def _alive(pid: str) -> bool:
    """Whether the process that named a leftover still runs (then the leftover is in use)."""
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
    # The pid in the name lets recover_interrupted() remove it if this process is killed before the rename.
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.partial-{os.getpid()}-", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        make_shareable(temporary)
        temporary.replace(target)
    except OSError as error:  # a full disk: name the file meant, not its temporary
        temporary.unlink(missing_ok=True)
        ours = error.filename is None or str(error.filename) == str(temporary)
        raise machine_error(error, target if ours else None, "nothing was written") from None
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
