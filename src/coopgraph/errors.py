"""Errors meant for people: the CLI prints the message and exits with the code, never a traceback."""

from __future__ import annotations

import errno
import re
from pathlib import Path

# Exit codes, documented in the README.
OK = 0
FINDINGS = 1  # the input was read but breaks a rule (validation violations, inconsistency)
INPUT_ERROR = 2  # the input could not be read (syntax error, missing file, bad option value)
REMOTE_ERROR = 3  # a remote endpoint was down or answered an error
LIMIT_ERROR = 4  # a query hit its timeout or row cap
INTERNAL_ERROR = 70  # a bug of ours (EX_SOFTWARE): reported in one line, traceback with COOPGRAPH_DEBUG=1


# Characters that would break a one-line message or reorder what a terminal shows: C0 and C1 controls, DEL, line
# and paragraph separators, and the bidirectional marks, embeddings, overrides and isolates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: object) -> str:
    """Text (a file name) safe to print in a one-line message: those characters written as escapes (\\n, \\u202e)."""
    return _UNPRINTABLE.sub(lambda m: _NAMED.get(m.group(), f"\\u{ord(m.group()):04x}"), str(text))


class CoopgraphError(Exception):
    """A problem to report to a person: what is wrong, where, and how to fix it."""

    def __init__(self, message: str, exit_code: int = INPUT_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class InputError(CoopgraphError):
    """A file that cannot be read or parsed, with its line when known."""

    def __init__(self, path: Path | str, line: int | None, problem: str, hint: str = "") -> None:
        where = f"{printable(path)}:{line}" if line else printable(path)
        message = f"{where}: {problem}"
        if hint:
            message += f"; {hint}"
        super().__init__(message, INPUT_ERROR)
        self.path = Path(path)
        self.line = line
        self.problem = problem


_HINTS = {
    errno.ENOSPC: "free some space on that disk (or write to another disk), then run the command again",
    errno.EDQUOT: "your disk quota is used up: free some space, then run the command again",
    errno.EACCES: "check the permissions of the file and its folder",
    errno.EPERM: "check the permissions of the file and its folder",
    errno.EROFS: "the disk is read-only: choose a folder on a writable disk",
    errno.ELOOP: "a symbolic link leads back to itself: fix or remove the link",
    errno.ENOENT: "check the path",
    errno.ENOTDIR: "a part of the path is a file, not a folder: check the path",
    errno.EISDIR: "give a file, not a folder",
    errno.EMFILE: "too many files open: close other programs or raise the limit (ulimit -n)",
    errno.ENFILE: "too many files open: close other programs or raise the limit (ulimit -n)",
    errno.ENOMEM: "out of memory: try a smaller input or a machine with more memory",
    errno.EIO: "the disk reported a read or write error: check the disk",
    errno.ENAMETOOLONG: "use a shorter file name or path",
}


def machine_error(error: OSError, path: Path | str | None = None, outcome: str = "") -> CoopgraphError:
    """An OSError (disk full, permissions, a link loop) as one line: the file, what happened, what to do.

    `path` names the file when the error's own is a temporary one; `outcome` says what state things are in.
    """
    where = path if path is not None else error.filename if error.filename is not None else ""
    what = error.strerror or str(error) or type(error).__name__
    code = error.errno
    rust = re.search(r" \(os error (\d+)\)$", what)  # pyoxigraph's OSErrors carry the code in the text only
    if rust:
        code, what = int(rust.group(1)), what[:rust.start()]
    if outcome:
        what += f" ({outcome})"
    hint = _HINTS.get(code or 0, "check the file, its folder and the disk")
    message = f"{printable(where)}: {what}; {hint}" if where else f"{what}; {hint}"
    return CoopgraphError(message, INPUT_ERROR)
