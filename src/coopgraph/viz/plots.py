"""Static PNG plots for the build report (matplotlib's object API: no pyplot state, no display needed)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

TIMELINE_SERIES = ("nodes", "edges", "cross_border_edges", "components")
DISTRIBUTIONS = ("degree", "weighted_degree", "betweenness", "pagerank", "cross_border_share")


def timeline(frame: pd.DataFrame, path: Path) -> Path | None:
    """Nodes, edges, cross-border edges and components per year; None when there is nothing to draw."""
    if frame is None or frame.empty or "year" not in frame:
        return None
    series = [c for c in TIMELINE_SERIES if c in frame]
    if not series:
        return None
    data = frame.sort_values("year")
    figure = Figure(figsize=(8, 4), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    for column in series:
        values = pd.to_numeric(data[column], errors="coerce")
        axes.plot(data["year"], values, marker="o", label=column.replace("_", " "))
    axes.set_xlabel("year")
    axes.set_ylabel("count")
    axes.set_title("The cooperation network over time")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.grid(alpha=0.3)
    axes.legend()
    figure.savefig(path, format="png", metadata={"Software": None})
    return path


def distributions(metrics: pd.DataFrame, path: Path) -> Path | None:
    """A histogram per agency metric present in the table; None when the table is empty."""
    if metrics is None or metrics.empty:
        return None
    columns = [c for c in DISTRIBUTIONS if c in metrics and pd.to_numeric(metrics[c], errors="coerce").notna().any()]
    if not columns:
        return None
    figure = Figure(figsize=(4 * len(columns), 3.2), dpi=100, layout="constrained")
    for index, column in enumerate(columns, start=1):
        axes = figure.add_subplot(1, len(columns), index)
        axes.hist(pd.to_numeric(metrics[column], errors="coerce").dropna(), bins=20, color="#0072B2")
        axes.set_title(column.replace("_", " "))
        axes.set_ylabel("agencies")
        axes.grid(alpha=0.3)
    figure.savefig(path, format="png", metadata={"Software": None})
    return path
