"""Errors meant for people: the CLI prints the message and exits with the code, never a traceback."""

from __future__ import annotations

from pathlib import Path

# Exit codes, documented in the README.
OK = 0
FINDINGS = 1  # the input was read but breaks a rule (validation violations, inconsistency)
INPUT_ERROR = 2  # the input could not be read (syntax error, missing file, bad option value)
REMOTE_ERROR = 3  # a remote endpoint was down or answered an error
LIMIT_ERROR = 4  # a query hit its timeout or row cap
INTERNAL_ERROR = 70  # a bug of ours (EX_SOFTWARE): reported in one line, traceback with COOPGRAPH_DEBUG=1


class CoopgraphError(Exception):
    """A problem to report to a person: what is wrong, where, and how to fix it."""

    def __init__(self, message: str, exit_code: int = INPUT_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class InputError(CoopgraphError):
    """A file that cannot be read or parsed, with its line when known."""

    def __init__(self, path: Path | str, line: int | None, problem: str, hint: str = "") -> None:
        where = f"{path}:{line}" if line else f"{path}"
        message = f"{where}: {problem}"
        if hint:
            message += f"; {hint}"
        super().__init__(message, INPUT_ERROR)
        self.path = Path(path)
        self.line = line
        self.problem = problem
