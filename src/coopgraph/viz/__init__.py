"""Interactive network pages (pyvis/vis-network, self-contained and offline), static plots and the build report."""

from coopgraph.viz.page import PageInfo, build_page, to_network, write_page

__all__ = ["PageInfo", "build_page", "to_network", "write_page"]
