"""Benchmark stages that call other parts of coopgraph: each is optional, so a missing one is reported, not fatal."""

from __future__ import annotations

import resource
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Stage:
    status: str  # "ok", "not available", "skipped", "error"
    seconds: float | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory so far (ru_maxrss is KiB on Linux, bytes on macOS).

    With `children`, the larger of this process's and its largest forked child's: a child forked to run one query
    holds the parent's pages plus the query's own, so its peak is what the process would have reached.
    """
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if children:
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def run(function: Callable[[], str | None]) -> Stage:
    """Time one stage; a missing function is "not available", an exception is "error" with its last line."""
    started = time.perf_counter()
    try:
        detail = function()
    except _NotAvailable as missing:
        return Stage("not available", None, str(missing))
    except _Skipped as skipped:
        return Stage("skipped", None, str(skipped))
    except Exception as error:  # noqa: BLE001 - a benchmark reports a failing stage and goes on
        last = traceback.format_exception_only(type(error), error)[-1].strip()
        return Stage("error", round(time.perf_counter() - started, 3), last[:300])
    return Stage("ok", round(time.perf_counter() - started, 3), detail or "")


class _NotAvailable(Exception):
    pass


class _Skipped(Exception):
    pass


def not_available(what: str) -> None:
    raise _NotAvailable(what)


def skipped(why: str) -> None:
    raise _Skipped(why)
