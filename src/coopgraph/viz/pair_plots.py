"""Static plots of the country-pair comparison (coopgraph.network.pairs.compare_pairs) for the report."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, never a window
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

# The measures drawn side by side, with the axis title each gets.
MEASURES = {
    "agencies": "Agencies",
    "ties": "Agency-agency ties",
    "density": "Density",
    "cross_border_share": "Share of cross-border ties",
    "articulation_points": "Single points of failure",
    "shared_agencies": "Agencies also in another pair",
}


def plot_pair_comparison(comparison: pd.DataFrame, out_file: Path) -> Path:
    """One small bar chart per measure, a bar per pair, written as a PNG; returns the path."""
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    figure, axes = plt.subplots(2, 3, figsize=(11, 6), constrained_layout=True)
    labels = comparison["label"].tolist()
    colours = plt.get_cmap("tab10").colors
    for axis, (column, title) in zip(axes.flat, MEASURES.items(), strict=True):
        values = comparison[column].astype(float).tolist()
        axis.bar(range(len(values)), values, color=[colours[i % len(colours)] for i in range(len(values))])
        axis.set_xticks(range(len(labels)), labels, rotation=15, ha="right", fontsize=8)
        axis.set_title(title, fontsize=10)
    figure.suptitle("Country pairs side by side (agency collaboration networks)")
    temporary = out_file.with_name(out_file.name + ".part")
    figure.savefig(temporary, format="png", dpi=110)
    plt.close(figure)
    temporary.replace(out_file)  # never a half-written file
    return out_file
