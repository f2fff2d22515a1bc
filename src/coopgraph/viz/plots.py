"""Static PNG plots for the build report (matplotlib's object API: no pyplot state, no display needed).

Every plot has a title, axis labels and a source line naming the catalogue queries its numbers come from.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from coopgraph.viz.style import PALETTE

TIMELINE_SERIES = ("nodes", "edges", "cross_border_edges", "components")
GROWTH_SERIES = ("agencies", "ties", "cross_border_ties")
DISTRIBUTIONS = ("degree", "betweenness")
_GREY = "#52606d"


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _finish(figure: Figure, path: Path, source: str) -> Path:
    if source:
        figure.supxlabel(f"Source: {source}", fontsize=8, color=_GREY, x=0.01, ha="left")
    figure.savefig(path, format="png", metadata={"Software": None})
    return path


def timeline(frame: pd.DataFrame, path: Path, source: str = "coopgraph build, network/timeline.csv") -> Path | None:
    """Nodes, edges, cross-border edges and components per year; None when there is nothing to draw."""
    if frame is None or frame.empty or "year" not in frame:
        return None
    series = [c for c in TIMELINE_SERIES if c in frame]
    if not series:
        return None
    return _lines(frame, series, path, "The cooperation network over time", "count", source)


def growth(frame: pd.DataFrame, path: Path, title: str, source: str) -> Path | None:
    """Agencies, ties and cross-border ties standing in each year."""
    if frame is None or frame.empty or "year" not in frame:
        return None
    series = [c for c in GROWTH_SERIES if c in frame]
    return _lines(frame, series, path, title, "number standing that year", source) if series else None


def _lines(frame: pd.DataFrame, series: list[str], path: Path, title: str, ylabel: str, source: str) -> Path:
    data = frame.sort_values("year")
    figure = _figure(6.4, 3.4)
    axes = figure.add_subplot()
    for index, column in enumerate(series):
        values = pd.to_numeric(data[column], errors="coerce")
        axes.plot(data["year"], values, marker="o", markersize=3, color=PALETTE[index % len(PALETTE)],
                  label=column.replace("_", " "))
    axes.set_xlabel("year")
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    return _finish(figure, path, source)


def bars(labels: list[str], values: list[float], path: Path, title: str, xlabel: str, source: str,
         colour: str = PALETTE[0], fmt: str = "{:g}") -> Path | None:
    """Horizontal bars, the first label on top, each bar with its value written beside it."""
    if not labels:
        return None
    figure = _figure(6.4, max(1.8, 0.9 + 0.28 * len(labels)))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, values, color=colour)
    axes.set_yticks(positions, [_clip(label) for label in labels], fontsize=8)
    for y, value in zip(positions, values, strict=True):
        axes.text(value, y, " " + fmt.format(value), va="center", fontsize=8)
    top = max(values, default=0) or 1
    axes.set_xlim(0, top * 1.15)
    axes.set_xlabel(xlabel)
    axes.set_title(title)
    axes.grid(axis="x", alpha=0.3)
    return _finish(figure, path, source)


def distributions(metrics: pd.DataFrame, path: Path, source: str = "network-collaboration, network/metrics.csv",
                  ) -> Path | None:
    """Histograms of degree and betweenness over the agencies; None when the table is empty."""
    if metrics is None or metrics.empty:
        return None
    columns = [c for c in DISTRIBUTIONS if c in metrics and pd.to_numeric(metrics[c], errors="coerce").notna().any()]
    if not columns:
        return None
    figure = _figure(4 * len(columns), 3.2)
    for index, column in enumerate(columns, start=1):
        axes = figure.add_subplot(1, len(columns), index)
        axes.hist(pd.to_numeric(metrics[column], errors="coerce").dropna(), bins=20, color=PALETTE[index - 1])
        axes.set_title(f"{column.capitalize()} distribution")
        axes.set_xlabel(column + (" (ties)" if column == "degree" else " (share of shortest paths)"))
        axes.set_ylabel("agencies")
        axes.grid(alpha=0.3)
    return _finish(figure, path, source)


def pair_comparison(frame: pd.DataFrame, path: Path, source: str) -> Path | None:
    """Grouped bars: agencies, ties and cross-border ties per scope (the whole graph and each pair)."""
    if frame is None or frame.empty:
        return None
    series = {c.replace("_", " "): frame[c].tolist() for c in ("agencies", "ties", "cross_border_ties") if c in frame}
    return grouped(frame["scope"].tolist(), series, path, "The pairs side by side", "number", source)


def grouped(labels: list[str], series: dict[str, list[float]], path: Path, title: str, xlabel: str,
            source: str) -> Path | None:
    """Horizontal grouped bars: one group per label (the first on top), one bar per series, values written."""
    if not labels or not series:
        return None
    figure = _figure(6.4, max(2.0, 1.0 + 0.22 * len(series) * len(labels)))
    axes = figure.add_subplot()
    height = 0.8 / len(series)
    rows = list(range(len(labels)))[::-1]
    for index, (name, values) in enumerate(series.items()):
        at = [r + 0.4 - (index + 0.5) * height for r in rows]
        axes.barh(at, values, height=height, color=PALETTE[index % len(PALETTE)], label=name)
        for y, value in zip(at, values, strict=True):
            axes.text(value, y, f" {value:g}", va="center", fontsize=7)
    top = max((max(v, default=0) for v in series.values()), default=0) or 1
    axes.set_xlim(0, top * 1.12)
    axes.set_yticks(rows, [_clip(t) for t in labels], fontsize=8)
    axes.set_xlabel(xlabel)
    axes.set_title(title)
    figure.legend(fontsize=8, loc="outside upper center", ncols=len(series), frameon=False)  # clear of the bars
    axes.grid(axis="x", alpha=0.3)
    return _finish(figure, path, source)


def _clip(label: str, limit: int = 42) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"
