"""The CSV layout of each kind of row and how one row maps to triples (docs/model.md is the vocabulary).

A column holding several values separates them with ';'. A reference is a slug (rcmp), a CURIE (country:ca)
or a full IRI. A participants cell lists `agent=role` pairs (`rcmp=co-lead; atf=co-lead`); the role defaults
to the kind's usual one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from coopgraph.importer.cells import Reference, Row
from coopgraph.namespaces import ONTOLOGY, PREFIXES, instance_iri

Resolver = Callable[[Reference], "ox.NamedNode | None"]
# The template's example row says so in its label; a row that still does was not filled in, and is refused.
TEMPLATE_MARK = "(replace this row)"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    example: str = ""


@dataclass
class Builder:
    """Collects the triples of one row; references go through the resolver, which records what is unknown."""

    row: Row
    subject: ox.NamedNode
    resolve: Resolver
    classes: set[str]
    triples: list[ox.Triple] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # predicate IRI -> the column it came from

    def add(self, predicate: str, obj: ox.NamedNode | ox.Literal | None, subject: ox.NamedNode | None = None,
            column: str = "") -> None:
        if obj is not None:
            self.triples.append(ox.Triple(subject or self.subject, term(predicate), obj))
        if column:
            self.columns.setdefault(term(predicate).value, column)

    def column_of(self, predicate: str) -> str:
        """The column a validation finding on `predicate` points at (empty when no column made it)."""
        return self.columns.get(predicate, "")

    def typed(self, base: str) -> None:
        """rdf:type from the `type` column: the base class or any subclass of it in the ontology."""
        name = self.row.text("type") or base
        if ONTOLOGY + name.removeprefix("coop:") not in self.classes:
            allowed = sorted(c.removeprefix(ONTOLOGY) for c in self.classes)
            self.row.problem("type", f"{name!r} is not {base} or one of its subclasses; use one of: "
                                     f"{', '.join(allowed)}")
            return
        self.add("rdf:type", term("coop:" + name.removeprefix("coop:")), column="type")

    def text(self, predicate: str, column: str, required: bool = False, lang: str | None = "en",
             many: bool = False) -> None:
        values = self.row.texts(column, required) if many else [self.row.text(column, required)]
        for value in values:
            if value is not None and TEMPLATE_MARK in value:
                self.row.problem(column, f"still the template's example row ({value!r}); put your own values in "
                                         "it, or delete the row")
            elif value is not None:
                self.add(predicate, ox.Literal(value, language=lang) if lang else ox.Literal(value), column=column)

    def literal(self, predicate: str, column: str, literal: ox.Literal | None) -> None:
        self.add(predicate, literal, column=column)

    def date(self, predicate: str, column: str, required: bool = False) -> None:
        self.literal(predicate, column, self.row.date(column, required))

    def refs(self, predicate: str, column: str, kinds: tuple[str, ...], required: bool = False) -> None:
        for reference in self.row.refs(column, kinds, required):
            self.add(predicate, self.resolve(reference), column=column)

    def ref(self, predicate: str, column: str, kinds: tuple[str, ...], required: bool = False) -> None:
        reference = self.row.ref(column, kinds, required)
        if reference is not None:
            self.add(predicate, self.resolve(reference), column=column)

    def common(self, base: str) -> None:
        """What every kind except sources has: type, label, acronyms, description, sources."""
        self.typed(base)
        self.text("rdfs:label", "label", required=True)
        self.text("skos:altLabel", "alt_label", many=True)
        self.text("dcterms:description", "description")

    def sources(self) -> list[ox.NamedNode]:
        found = [self.resolve(r) for r in self.row.refs("source", ("source",), required=True)]
        nodes = [node for node in found if node is not None]
        for node in nodes:
            self.add("dcterms:source", node, column="source")
        return nodes

    def participants(self, column: str, agent_kinds: tuple[str, ...], default_role: str) -> None:
        """One coop:Participation per `agent=role` pair, sourced like the row (docs/model.md)."""
        cites = term("dcterms:source")
        sources = [t.object for t in self.triples if t.subject == self.subject and t.predicate == cites]
        seen: set[str] = set()
        for item in self.row.texts(column):
            agent_text, _, role_text = (part.strip() for part in item.partition("="))
            agent = self.resolve(Reference(column, agent_text, agent_kinds))
            role = self.resolve(Reference(column, role_text or default_role, ("role",)))
            if agent is None or role is None:
                continue
            agent_slug = agent.value.rstrip("/").rsplit("/", 1)[-1]
            if agent_slug in seen:
                self.row.problem(column, f"{agent_text!r} is listed twice; give each participant once")
                continue
            seen.add(agent_slug)
            node = ox.NamedNode(instance_iri("participation", f"{local(self.subject)}--{agent_slug}"))
            self.add("rdf:type", term("coop:Participation"), node, column=column)
            self.add("coop:participant", agent, node, column=column)
            self.add("coop:participationIn", self.subject, node)
            self.add("coop:role", role, node, column=column)
            for source in sources:
                self.add("dcterms:source", source, node)


@dataclass(frozen=True)
class Kind:
    name: str
    namespace: str  # the instance kind of the row's id (agency, observation, ...)
    base_class: str  # the `type` column takes this class or a subclass
    columns: tuple[Column, ...]
    build: Callable[[Builder], None]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def term(curie: str) -> ox.NamedNode:
    prefix, _, name = curie.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + name)


def local(node: ox.NamedNode) -> str:
    return node.value.rsplit("/", 1)[-1]


AGENTS = ("agency", "country")
VEHICLES = ("mechanism", "agreement", "operation", "initiative")
ANY_INSTANCE = ("agency", "mechanism", "agreement", "operation", "initiative", "measure", "place", "country",
                "observation")


def _id(help_: str, example: str) -> Column:
    return Column("id", True, f"slug of the new {help_}: lower-case ASCII words joined by '-'", example)


def _common(what: str, example_label: str, type_help: str, type_example: str = "") -> tuple[Column, ...]:
    return (
        Column("label", True, f"the {what}'s name in English", example_label),
        Column("type", False, type_help, type_example),
        Column("alt_label", False, "acronyms or other names, ';'-separated"),
        Column("description", False, "what it does, in plain words"),
    )


SOURCE_COLUMN = Column("source", True, "source ids (data/ca-us/sources.ttl), ';'-separated", "seed-report")


def _agency(b: Builder) -> None:
    b.common("Agency")
    b.refs("coop:country", "country", ("country",), required=True)
    b.ref("coop:parentOrganisation", "parent", ("agency",))
    b.ref("coop:jurisdiction", "jurisdiction", ("place", "country"))
    b.sources()


def _mechanism(b: Builder) -> None:
    b.common("CoordinationMechanism")
    b.refs("coop:country", "country", ("country",))
    b.date("coop:established", "established")
    b.refs("coop:targets", "targets", ("threat",))
    b.ref("coop:establishedBy", "established_by", ("agreement", "initiative", "agency"))
    b.refs("coop:fundedBy", "funded_by", ("initiative",))
    b.sources()
    b.participants("participants", AGENTS, "member")


def _agreement(b: Builder) -> None:
    b.common("Agreement")
    b.date("coop:dateSigned", "date_signed")
    b.date("coop:dateInForce", "date_in_force")
    b.date("coop:startDate", "start_date")
    b.date("coop:endDate", "end_date")
    b.refs("coop:targets", "targets", ("threat",))
    b.sources()
    b.participants("parties", AGENTS, "party")


def _operation(b: Builder) -> None:
    b.common("Operation")
    b.date("coop:startDate", "start_date")
    b.date("coop:endDate", "end_date")
    b.refs("coop:targets", "targets", ("threat",))
    b.text("coop:outcome", "outcome")
    b.sources()
    b.participants("participants", AGENTS, "member")


def _statistic(b: Builder) -> None:
    b.common("Observation")
    b.ref("coop:indicator", "indicator", ("indicator",), required=True)
    b.literal("coop:value", "value", b.row.number("value", required=True))
    b.literal("coop:upperValue", "upper_value", b.row.number("upper_value"))
    qualifier = b.row.choice("qualifier", ("about", "more than", "less than"))
    b.literal("coop:qualifier", "qualifier", ox.Literal(qualifier) if qualifier else None)
    b.ref("coop:unit", "unit", ("unit",), required=True)
    b.date("coop:periodStart", "period_start")
    b.date("coop:periodEnd", "period_end")
    b.text("coop:periodLabel", "period_label", lang=None)
    b.ref("coop:refArea", "ref_area", ("place", "country"))
    b.refs("coop:aboutThreat", "about_threat", ("threat",))
    b.refs("coop:aboutEntity", "about_entity", ANY_INSTANCE)
    b.sources()


def _source(b: Builder) -> None:
    b.typed("Source")
    b.text("rdfs:label", "label", required=True)
    b.text("dcterms:title", "title", required=True, lang=None)
    b.text("dcterms:publisher", "publisher", lang=None)
    b.date("dcterms:issued", "issued")
    b.literal("coop:url", "url", b.row.url("url"))
    confidence = b.row.choice("confidence", ("confirmed", "confirmed (secondary)", "partly confirmed", "seed"))
    b.literal("coop:confidence", "confidence", ox.Literal(confidence) if confidence else None)
    b.text("dcterms:description", "description")


_TYPE_HELP = "class: {base} (default) or a subclass such as {sub}"

KINDS: dict[str, Kind] = {
    "agency": Kind("agency", "agency", "Agency", (
        _id("agency", "example-border-agency"),
        *_common("agency", "Example Border Agency (replace this row)",
                 _TYPE_HELP.format(base="Agency", sub="PoliceAgency, BorderAgency"), "BorderAgency"),
        Column("country", True, "country ids (ISO 3166-1 alpha-2, lower case), ';'-separated", "ca"),
        Column("parent", False, "id of the parent agency"),
        Column("jurisdiction", False, "place id, when narrower than the country"),
        SOURCE_COLUMN,
    ), _agency),
    "mechanism": Kind("mechanism", "mechanism", "CoordinationMechanism", (
        _id("mechanism", "example-task-force"),
        *_common("mechanism", "Example Task Force (replace this row)",
                 _TYPE_HELP.format(base="CoordinationMechanism", sub="TaskForce, Forum"), "TaskForce"),
        Column("country", False, "country ids, ';'-separated (both for a bi-national one)", "ca;us"),
        Column("established", False, "when it was set up: YYYY-MM-DD, YYYY-MM or YYYY", "2024"),
        Column("targets", False, "threat ids, ';'-separated", "firearms-smuggling"),
        Column("established_by", False, "id of the agreement, initiative or agency that set it up"),
        Column("funded_by", False, "initiative ids, ';'-separated"),
        Column("participants", False, "agent=role pairs, ';'-separated; role defaults to member",
               "rcmp=co-lead;cbsa"),
        SOURCE_COLUMN,
    ), _mechanism),
    "agreement": Kind("agreement", "agreement", "Agreement", (
        _id("agreement", "example-arrangement"),
        *_common("agreement", "Example Arrangement (replace this row)",
                 _TYPE_HELP.format(base="Agreement", sub="Treaty, MemorandumOfUnderstanding"), "Arrangement"),
        Column("date_signed", False, "YYYY-MM-DD, YYYY-MM or YYYY", "2024-06"),
        Column("date_in_force", False, "YYYY-MM-DD, YYYY-MM or YYYY"),
        Column("start_date", False, "YYYY-MM-DD, YYYY-MM or YYYY"),
        Column("end_date", False, "YYYY-MM-DD, YYYY-MM or YYYY"),
        Column("targets", False, "threat ids, ';'-separated"),
        Column("parties", False, "agent=role pairs (countries as country:ca), ';'-separated; role defaults "
                                 "to party", "country:ca;country:us"),
        SOURCE_COLUMN,
    ), _agreement),
    "operation": Kind("operation", "operation", "Operation", (
        _id("operation", "example-operation"),
        *_common("operation", "Example Operation (replace this row)",
                 _TYPE_HELP.format(base="Operation", sub="a subclass in the ontology"), ""),
        Column("start_date", False, "YYYY-MM-DD, YYYY-MM or YYYY", "2024"),
        Column("end_date", False, "YYYY-MM-DD, YYYY-MM or YYYY"),
        Column("targets", False, "threat ids, ';'-separated", "fentanyl"),
        Column("outcome", False, "what came of it"),
        Column("participants", False, "agent=role pairs, ';'-separated; role defaults to member",
               "rcmp=lead;cbsa=support"),
        SOURCE_COLUMN,
    ), _operation),
    "statistic": Kind("statistic", "observation", "Observation", (
        _id("observation", "example-statistic"),
        *_common("statistic", "Example statistic (replace this row)", "class: Observation", ""),
        Column("indicator", True, "indicator id: what was measured", "fentanyl-seized"),
        Column("value", True, "the number: digits and an optional '.', no separators", "0"),
        Column("upper_value", False, "the upper end, when the source gives a range"),
        Column("qualifier", False, "'about', 'more than' or 'less than' when the source hedges"),
        Column("unit", True, "unit id", "pound"),
        Column("period_start", False, "YYYY-MM-DD, YYYY-MM or YYYY", "2024"),
        Column("period_end", False, "YYYY-MM-DD, YYYY-MM or YYYY"),
        Column("period_label", False, "the period as the source says it (FY2024)"),
        Column("ref_area", False, "place or country id", "ca-us-border"),
        Column("about_threat", False, "threat ids, ';'-separated", "fentanyl"),
        Column("about_entity", False, "ids (CURIEs) of what it counts, ';'-separated"),
        SOURCE_COLUMN,
    ), _statistic),
    "source": Kind("source", "source", "Source", (
        _id("source", "example-publisher-topic-2025-01-31"),
        Column("label", True, "a short label", "Example source (replace this row)"),
        Column("type", False, "class: Source", ""),
        Column("title", True, "the document's own title", "Example title"),
        Column("publisher", False, "who issued it", "Example publisher"),
        Column("issued", False, "YYYY-MM-DD, YYYY-MM or YYYY", "2025-01-31"),
        Column("url", False, "http(s) address of the copy read", "https://example.org/document"),
        Column("confidence", False, "confirmed, confirmed (secondary), partly confirmed or seed", "confirmed"),
        Column("description", False, "what it is; where the copy was read"),
    ), _source),
}
