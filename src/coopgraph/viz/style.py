"""How the data looks: colour by country, shape by class, and the legend symbols that match."""

from __future__ import annotations

# Colour-blind friendly palette (Okabe-Ito, then Tableau), assigned to countries in sorted order.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#4E79A7",
           "#F28E2B", "#59A14F", "#B07AA1", "#9C755F", "#EDC948", "#76B7B2", "#FF9DA7")
NO_COUNTRY = "#9E9E9E"
MULTI_COUNTRY = "#6A3D9A"  # shared by two or more countries (bi-national bodies)
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
SHAPES = {kind: shape for shape, kinds in _FAMILIES.items() for kind in kinds}
FALLBACK_SHAPES = ("dot", "diamond", "square", "triangle", "star", "triangleDown", "hexagon")
# What the legend draws for each shape (text, so no image or font is needed).
SYMBOLS = {"dot": "\u25cf", "diamond": "\u25c6", "square": "\u25a0", "triangle": "\u25b2", "star": "\u2605",
           "triangleDown": "\u25bc", "hexagon": "\u2b22"}


def split_countries(country: str) -> list[str]:
    return [part.strip() for part in (country or "").split(";") if part.strip()]


def country_colours(values: list[str]) -> dict[str, str]:
    """A colour per country value: single countries from the palette, several together share one colour."""
    singles = sorted({parts[0] for v in values if len(parts := split_countries(v)) == 1})
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(singles)}
    for value in values:
        parts = split_countries(value)
        if not parts:
            colours[value] = NO_COUNTRY
        elif len(parts) > 1:
            colours[value] = MULTI_COUNTRY
    return colours


def shape_for(kind: str) -> str:
    if kind == "group":
        return "dot"
    if kind in SHAPES:
        return SHAPES[kind]
    return FALLBACK_SHAPES[sum(map(ord, kind)) % len(FALLBACK_SHAPES)]
