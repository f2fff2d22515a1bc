"""How the data looks: colour by country, shape by class, and the legend symbols that match."""

from __future__ import annotations

# Colour-blind safe colours, all distinct: Okabe-Ito (without black), then Paul Tol's muted scheme. Every country
# value of a page (single countries first, then bi- and multi-national combinations) gets its own colour.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#332288", "#117733",
           "#882255", "#44AA99", "#999933", "#AA4499", "#DDCC77", "#88CCEE", "#CC6677", "#F0E442")
NO_COUNTRY = "#BBBBBB"
GROUP_COLOUR = "#455A64"

# Class local names (docs/model.md) -> vis-network shape. Shapes with the label below them, so size shows.
_FAMILIES: dict[str, tuple[str, ...]] = {
    "dot": ("Agency", "PoliceAgency", "BorderAgency", "IntelligenceAgency", "FinancialIntelligenceUnit",
            "PolicyDepartment", "RegulatoryAgency", "CoastGuard", "MilitaryOrganisation", "ProsecutionService",
            "CrownCorporation"),
    "diamond": ("CoordinationMechanism", "TaskForce", "Forum", "Committee", "Centre", "Dialogue",
                "CooperationVehicle"),
    "square": ("Agreement", "Treaty", "Protocol", "Arrangement", "MemorandumOfUnderstanding", "ActionPlan",
               "Declaration", "Strategy"),
    "triangle": ("Operation",),
    "star": ("Initiative", "Pillar"),
    "triangleDown": ("Measure", "Capability"),
    "hexagon": ("Threat", "Country", "Place"),
}
_FAMILY_NAMES = {"dot": "agency", "diamond": "mechanism", "square": "agreement or plan", "triangle": "operation",
                 "star": "initiative", "triangleDown": "measure", "hexagon": "threat, country or place"}
SHAPES = {kind: shape for shape, kinds in _FAMILIES.items() for kind in kinds}
FALLBACK_SHAPES = ("dot", "diamond", "square", "triangle", "star", "triangleDown", "hexagon")
# What the legend draws for each shape (text, so no image or font is needed).
SYMBOLS = {"dot": "\u25cf", "diamond": "\u25c6", "square": "\u25a0", "triangle": "\u25b2", "star": "\u2605",
           "triangleDown": "\u25bc", "hexagon": "\u2b22"}


def split_countries(country: str) -> list[str]:
    return [part.strip() for part in (country or "").split(";") if part.strip()]


def country_colours(values: list[str]) -> dict[str, str]:
    """A distinct colour per country value: single countries first (sorted), then combinations (sorted).

    Beyond len(PALETTE) values the colours repeat; a legend that long is no longer read by colour anyway.
    """
    singles = sorted({v.strip() for v in values if len(split_countries(v)) == 1})
    combos = sorted({v for v in values if len(split_countries(v)) > 1})
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(singles + combos)}
    for value in values:
        if not split_countries(value):
            colours[value] = NO_COUNTRY
    return colours


def shape_family(kind: str) -> str:
    """What the legend calls a kind's shape: its family for a known class, else the kind itself."""
    if kind == "group":
        return "group"
    return _FAMILY_NAMES[SHAPES[kind]] if kind in SHAPES else kind


def shape_for(kind: str) -> str:
    if kind == "group":
        return "dot"
    if kind in SHAPES:
        return SHAPES[kind]
    return FALLBACK_SHAPES[sum(map(ord, kind)) % len(FALLBACK_SHAPES)]
