"""The page's libraries, read from the files that ship inside the pyvis wheel and inlined (never a CDN)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from coopgraph.errors import CoopgraphError
from coopgraph.viz.escape import inline_script, inline_style

VIS_VERSION = "9.1.2"


def vis_folder() -> Path:
    import pyvis

    return Path(pyvis.__file__).resolve().parent / "templates" / "lib" / f"vis-{VIS_VERSION}"


def _read_vis(name: str) -> str:
    path = vis_folder() / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise CoopgraphError(
            f"{path}: cannot read vis-network {VIS_VERSION} from the pyvis package ({error}); "
            "reinstall pyvis 0.3.2 (`pip install --force-reinstall pyvis==0.3.2`)"
        ) from None


@cache
def vis_js() -> str:
    return inline_script(_read_vis("vis-network.min.js"))


@cache
def vis_css() -> str:
    return inline_style(_read_vis("vis-network.css"))


@cache
def page_js() -> str:
    """Our own page script (filters, legend, search, tooltips built from DOM nodes)."""
    return inline_script(resources.files("coopgraph.viz").joinpath("network.js").read_text(encoding="utf-8"))


@cache
def page_css() -> str:
    return inline_style(resources.files("coopgraph.viz").joinpath("page.css").read_text(encoding="utf-8"))
