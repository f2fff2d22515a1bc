"""What the graph tells, for the whole graph and for each country pair: the first screen of the build report.

Each finding is a sentence generated from the data, the numbers behind it (a small frame the report plots), the
catalogue queries whose rows produced it, and the sources of the entities it names. Every number comes from the
network projections (coopgraph.network), built from the rows of the network-* catalogue queries.

A scope is the whole graph or one declared country pair (coop:CountryPair); a pair's network keeps the ties through
that pair's vehicles (coop:inPair), so a trilateral mechanism counts in both of its pairs.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from coopgraph.network.metrics import agency_metrics
from coopgraph.network.projections import SEPARATOR, NetworkRows, projection
from coopgraph.network.timeline import Presence, presence
from coopgraph.network.whatif import what_if

TOP = 5  # names in a sentence
MAX_CUT_POINTS = 12  # what-if runs per scope (articulation points, most central first)
MAX_SOURCES = 6  # sources listed under a finding; the Sources section has all of them
MAX_PAIRS = 8  # pairs with findings of their own (most cross-border ties first); a synthetic set has hundreds


@dataclass
class Finding:
    key: str  # size, brokers, cut, threats, growth
    title: str
    sentence: str
    queries: list[str]
    sources: list[dict[str, str]] = field(default_factory=list)
    more_sources: int = 0  # sources beyond those listed
    frame: pd.DataFrame | None = None  # the numbers the plot draws


@dataclass
class Scope:
    """The whole graph, or one country pair."""

    slug: str
    title: str
    countries: tuple[str, ...]
    graph: nx.Graph
    findings: list[Finding] = field(default_factory=list)
    figures: dict[str, float | int] = field(default_factory=dict)  # the pair comparison's numbers


def country_pairs(collaboration: nx.Graph) -> list[tuple[str, str]]:
    """The country pairs the data holds: any two countries with a cross-border tie between their agencies.

    Most ties first. One function so that pairs declared in the data (coop:CountryPair) can replace it.
    """
    counts: dict[tuple[str, str], int] = {}
    for a, b, cross in collaboration.edges(data="cross_border"):
        if not cross:
            continue
        left, right = _countries(collaboration, a), _countries(collaboration, b)
        for x in left:
            for y in right:
                if x != y:
                    key = (min(x, y), max(x, y))
                    counts[key] = counts.get(key, 0) + 1
    return [pair for pair, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def declared_pairs(rows: NetworkRows, whole: nx.Graph) -> list[Scope]:
    """A scope per country pair of the data (coop:CountryPair): the ties through that pair's vehicles (coop:inPair),
    most cross-border ties first. Data that declares no pair (a synthetic set) falls back to country_pairs."""
    declared = rows.pairs()
    if not declared:
        found = []
        for a, b in country_pairs(whole):
            keep = [n for n in whole if _countries(whole, n) and _countries(whole, n) <= {a, b}]
            graph = whole.subgraph(keep).copy()
            graph.graph.update(whole.graph)
            found.append(Scope(f"pair-{_slug(a)}-{_slug(b)}", f"{a} \u2013 {b}", (a, b), graph))
        return found
    countries: dict[str, list[str]] = {}
    for record in rows.backend.internal("pair-countries", max_rows=None).records():
        countries.setdefault(str(record["pair"]), []).append(str(record["countryLabel"]))
    found = [Scope(f"pair-{_slug(iri.rsplit('/', 1)[-1])}", label, tuple(countries.get(iri, ())),
                   projection(rows, "collaboration", pair=iri)) for iri, label in declared.items()]
    return sorted(found, key=lambda s: (-sum(1 for *_, c in s.graph.edges(data="cross_border") if c), s.title))


def scopes(rows: NetworkRows, max_pairs: int = MAX_PAIRS, years: Presence | None = None) -> list[Scope]:
    """The whole graph, then each country pair (at most `max_pairs`, most ties first), each with its findings.

    The whole graph's figures say how many pairs the data holds ("country_pairs") and how many were left out.
    `years`: presence(rows, "collaboration") when the caller already has it.
    """
    whole = projection(rows, "collaboration")
    years = years if years is not None else presence(rows, "collaboration")
    threats = _threat_vehicles(rows)
    found = [Scope("all", "Whole graph", (), whole)]
    pairs = declared_pairs(rows, whole)
    found[0].figures.update(country_pairs=len(pairs), pairs_not_shown=max(0, len(pairs) - max_pairs))
    found += pairs[:max_pairs]
    for scope in found:
        scope.findings = _findings(scope, rows, years, threats)
    return found


# --- the five findings ------------------------------------------------------------------------------------


def _findings(scope: Scope, rows: NetworkRows, years: Presence, threats: pd.DataFrame) -> list[Finding]:
    graph = scope.graph
    metrics = agency_metrics(graph)
    return [_size(scope, metrics), _brokers(graph, metrics), _cut_points(scope, metrics),
            _threats(scope, threats, rows), _growth(scope, years)]


def _size(scope: Scope, metrics: pd.DataFrame) -> Finding:
    graph = scope.graph
    cross = sum(1 for *_, c in graph.edges(data="cross_border") if c)
    per_country = (metrics.assign(country=metrics["country"].replace("", "no country"))
                   .groupby("country").size().sort_values(ascending=False))
    countries = [c for c in per_country.index if SEPARATOR not in c and c != "no country"]
    share = f" ({cross / graph.number_of_edges():.0%})" if graph.number_of_edges() else ""
    components = nx.number_connected_components(graph)
    sentence = (f"{len(metrics)} agencies from {len(countries)} "
                f"{'country' if len(countries) == 1 else 'countries'} share {graph.number_of_edges()} ties "
                f"through common mechanisms, agreements and operations; {cross} of the ties "
                f"{'crosses' if cross == 1 else 'cross'} a border"
                f"{share}. The network falls into {components} separate "
                f"{'part' if components == 1 else 'parts'}.")
    scope.figures.update(agencies=len(metrics), ties=graph.number_of_edges(), cross_border_ties=cross,
                         components=components)
    frame = per_country.rename("agencies").reset_index()
    return Finding("size", "Agencies and ties", sentence, ["network-entities", "network-collaboration"],
                   *_sources(graph, graph.nodes), frame=frame)


def _brokers(graph: nx.Graph, metrics: pd.DataFrame) -> Finding:
    top = metrics[metrics["betweenness"] >= 0.005].head(10)  # what rounds to 0.00 brokers nothing
    if top.empty:
        sentence = "No agency stands between others: every agency reaches every other it can reach directly."
    else:
        names = [f"{_short(graph, iri)} ({value:.2f})" for iri, value in
                 zip(top["iri"].head(TOP), top["betweenness"].head(TOP), strict=True)]
        lead = top.iloc[0]
        sentence = (f"The brokers, by betweenness: {_join(names)}. {_short(graph, lead['iri'])} lies on "
                    f"{lead['betweenness']:.0%} of the shortest paths between other agencies.")
    frame = pd.DataFrame({"agency": [_short(graph, i) for i in top["iri"]], "betweenness": top["betweenness"]})
    return Finding("brokers", "Brokers", sentence, ["network-collaboration"],
                   *_sources(graph, top["iri"].head(TOP)), frame=frame)


def _cut_points(scope: Scope, metrics: pd.DataFrame) -> Finding:
    graph = scope.graph
    cut = metrics[metrics["articulation_point"]].head(MAX_CUT_POINTS)
    records = []
    for iri in cut["iri"]:
        result = what_if(graph, iri)
        records.append({"agency": _short(graph, iri), "iri": iri,
                        "cut_off": result["nodes_after"] - result["largest_component_after"]
                        - (result["nodes_before"] - result["largest_component_before"]),
                        "components_before": result["components_before"],
                        "components_after": result["components_after"],
                        "cross_border_ties_lost": result["cross_border_ties_lost"],
                        "isolated": result["agencies_isolated"]})
    frame = pd.DataFrame.from_records(records, columns=["agency", "iri", "cut_off", "components_before",
                                                        "components_after", "cross_border_ties_lost",
                                                        "isolated"])
    scope.figures["single_points_of_failure"] = len(frame)
    if frame.empty:
        sentence = ("No agency is a single point of failure: removing any one of them splits none of the "
                    "network's parts.")
        return Finding("cut", "Single points of failure", sentence, ["network-collaboration"], frame=frame)
    frame = frame.sort_values(["components_after", "cross_border_ties_lost"], ascending=False, kind="stable")
    parts = []
    for record in frame.head(3).itertuples(index=False):
        isolated = list(record.isolated)
        more = f" and {len(isolated) - TOP} more" if len(isolated) > TOP else ""
        lost = (f"{_join(isolated[:TOP])}{more} {'loses' if len(isolated) == 1 else 'lose'} every tie"
                if isolated else "no agency is left without a tie")
        parts.append(f"without {record.agency} the network splits from {record.components_before} into "
                     f"{record.components_after} parts, {lost}, and {record.cross_border_ties_lost} cross-border "
                     f"{'tie is' if record.cross_border_ties_lost == 1 else 'ties are'} lost")
    count = len(frame)
    sentence = (f"{count} {'agency is a single point' if count == 1 else 'agencies are single points'} of "
                f"failure (articulation points): " + "; ".join(parts) + ".")
    return Finding("cut", "Single points of failure", sentence, ["network-collaboration"],
                   *_sources(graph, frame["iri"].head(3)), frame=frame.drop(columns=["iri"]))


def _threats(scope: Scope, threats: pd.DataFrame, rows: NetworkRows) -> Finding:
    """Joint coverage: vehicles aimed at the threat whose parties span two countries (the pair's two)."""
    if threats.empty:
        return Finding("threats", "Thinnest joint coverage", "The data records no threat targeted by a vehicle.",
                       ["network-threats"], frame=pd.DataFrame(columns=["threat", "joint"]))
    wanted = set(scope.countries)
    joint = threats["countries"].map(lambda c: wanted <= c if wanted else len(c) > 1)
    covered = threats[joint].groupby("threatLabel")["vehicle"].nunique()
    labels = sorted(threats["threatLabel"].unique())
    frame = pd.DataFrame({"threat": labels, "joint": [int(covered.get(t, 0)) for t in labels]})
    frame = frame.sort_values(["joint", "threat"], kind="stable").reset_index(drop=True)
    none = frame[frame["joint"] == 0]["threat"].tolist()
    thin = frame[frame["joint"] > 0].head(3)
    who = f"{' and '.join(scope.countries)}" if scope.countries else "two or more countries"
    start = (f"{len(none)} of {len(frame)} threats have no mechanism, agreement, operation or measure with "
             f"parties from {who}: {_join(none[:TOP])}{' and more' if len(none) > TOP else ''}. "
             if none else f"Every one of the {len(frame)} threats has a joint vehicle. ")
    thinnest = ", ".join(f"{t} ({n})" for t, n in zip(thin["threat"], thin["joint"], strict=True))
    sentence = start + (f"The thinnest covered otherwise: {thinnest}." if thinnest else "")
    # The threats named, and the vehicles aimed at them: their sources say what the coverage rests on.
    named = threats[threats["threatLabel"].isin(none[:TOP] + thin["threat"].tolist())]
    named = list(named["threat"].unique()) + list(named["vehicle"].unique())
    return Finding("threats", "Thinnest joint coverage", sentence,
                   ["network-threats", "threats-fewest-joint-mechanisms"],
                   *_sources_of(rows, named), frame=frame)


def _growth(scope: Scope, years: Presence) -> Finding:
    graph = scope.graph
    if years.first is None:
        return Finding("growth", "Growth over time", "No tie in the data carries a date.", ["network-participations"],
                       frame=pd.DataFrame(columns=["year", "agencies", "ties", "cross_border_ties"]))
    records = []
    for year in range(years.first, years.last + 1):
        nodes = {n for n in graph if _stands(years.node_years(n), year)}
        ties = [(a, b, c) for a, b, c in graph.edges(data="cross_border")
                if _stands(years.edge_years(a, b), year)]
        records.append({"year": year, "agencies": len(nodes), "ties": len(ties),
                        "cross_border_ties": sum(1 for *_, c in ties if c)})
    frame = pd.DataFrame.from_records(records)
    active = frame[frame["agencies"] > 0]
    undated = sum(1 for n in graph if not years.node_years(n))
    if active.empty:
        sentence = "None of these agencies has a dated tie."
        return Finding("growth", "Growth over time", sentence, ["network-participations"], frame=frame)
    first, last = active.iloc[0], active.iloc[-1]
    steps = frame.set_index("year")["agencies"].diff().fillna(0)
    step_year = int(steps.idxmax())
    sentence = (f"From {int(first['year'])} to {int(last['year'])} the network grew from {int(first['agencies'])} "
                f"to {int(last['agencies'])} agencies, from {int(first['ties'])} to {int(last['ties'])} ties and "
                f"from {int(first['cross_border_ties'])} to {int(last['cross_border_ties'])} cross-border ties; "
                f"the largest step was {step_year} (+{int(steps.max())} agencies).")
    if undated:
        sentence += (f" {undated} {'agency has' if undated == 1 else 'agencies have'} no dated tie and "
                     f"{'is' if undated == 1 else 'are'} counted only under all years.")
    joined = [n for n in graph if any(r[0] == step_year for r in years.node_years(n))]
    return Finding("growth", "Growth over time", sentence, ["network-participations", "network-collaboration"],
                   *_sources(graph, joined), frame=frame)


# --- helpers ---------------------------------------------------------------------------------------------


def _threat_vehicles(rows: NetworkRows) -> pd.DataFrame:
    """threat, threatLabel, vehicle, countries (the vehicle's own and its agencies' countries)."""
    table = rows.table("threats")
    if table.empty:
        return pd.DataFrame(columns=["threat", "threatLabel", "vehicle", "countries"])
    nodes = rows.nodes

    def countries_of(iri: object) -> frozenset[str]:
        value = (nodes.get(str(iri)) or {}).get("country", "") if iri else ""
        return frozenset(p for p in value.split(SEPARATOR) if p)

    frame = table.assign(threatLabel=table["threatLabel"].fillna(table["threat"]))
    frame = frame.assign(agencyCountries=frame["agency"].map(countries_of))
    grouped = frame.groupby(["threat", "threatLabel", "vehicle"], sort=True)["agencyCountries"].agg(
        lambda sets: frozenset().union(*sets))
    result = grouped.reset_index().rename(columns={"agencyCountries": "countries"})
    result["countries"] = [c | countries_of(v) for c, v in zip(result["countries"], result["vehicle"], strict=True)]
    return result


def _countries(graph: nx.Graph, node: Hashable) -> set[str]:
    return {p for p in str(graph.nodes[node].get("country") or "").split(SEPARATOR) if p}


def _stands(ranges: list[list[int]], year: int) -> bool:
    return any(a <= year <= b for a, b in ranges)


def _short(graph: nx.Graph, iri: Hashable) -> str:
    data = graph.nodes[iri]
    return str(data.get("acronym") or data.get("label") or iri)


def _join(names: list[str]) -> str:
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _sources(graph: nx.Graph, nodes: Iterable[Hashable]) -> tuple[list[dict[str, str]], int]:
    return _collect(graph.nodes[n].get("sources") for n in nodes if n in graph)


def _sources_of(rows: NetworkRows, iris: Iterable[str]) -> tuple[list[dict[str, str]], int]:
    return _collect((rows.nodes.get(str(i)) or {}).get("sources") for i in iris)


def _collect(values: Iterable[object]) -> tuple[list[dict[str, str]], int]:
    """Distinct sources (most cited first), at most MAX_SOURCES, and how many more there are."""
    counts: dict[tuple[str, str], int] = {}
    for value in values:
        try:
            items = json.loads(value) if isinstance(value, str) and value else []
        except json.JSONDecodeError:
            items = []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                key = (str(item.get("title") or item.get("url") or ""), str(item.get("url") or ""))
                counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    return [{"title": t, "url": u} for t, u in ranked[:MAX_SOURCES]], max(0, len(ranked) - MAX_SOURCES)


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.casefold()).strip("-")
