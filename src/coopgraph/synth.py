"""Synthetic data sets of any size, under the same ontology and shapes as the shipped data.

Everything written here is labelled synthetic (labels, titles, publisher, confidence); none of it is a fact.
The mix of entities mirrors the shipped data: countries, border places, agencies with parents, bilateral
mechanisms with member roles (coop:Participation nodes), agreements with parties, operations, plans with
pillars and measures, observations and sources. The same seed gives byte-identical files.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from coopgraph.namespaces import PREFIXES, instance_iri, turtle_prefix_block

# Shipped vocabulary the contract names (docs/model.md); defined in vocab.ttl only when the ontology lacks them.
THREATS = (
    "drugs", "synthetic-opioids", "fentanyl", "methamphetamine", "precursor-chemicals", "firearms-smuggling",
    "human-smuggling", "human-trafficking", "irregular-migration", "organised-crime", "money-laundering",
    "terrorism",
)
THREAT_BROADER = {"synthetic-opioids": "drugs", "fentanyl": "synthetic-opioids", "methamphetamine": "drugs"}
ROLES = ("lead", "co-lead", "member", "support", "chair", "co-chair", "party", "signatory")
UNITS = ("pound", "percent", "cad")
# Synthetic indicators: their own slugs, so they never collide with the shipped ones.
INDICATORS = {
    "synthetic-seizures": "pound",
    "synthetic-interceptions-share": "percent",
    "synthetic-funding": "cad",
}

AGENCY_CLASSES = (
    "PoliceAgency", "BorderAgency", "IntelligenceAgency", "FinancialIntelligenceUnit", "RegulatoryAgency",
    "CoastGuard", "MilitaryOrganisation", "ProsecutionService", "CrownCorporation",
)
MECHANISM_CLASSES = ("TaskForce", "Forum", "Committee", "Centre", "Dialogue")
AGREEMENT_CLASSES = (
    "Treaty", "Protocol", "Arrangement", "MemorandumOfUnderstanding", "ActionPlan", "Declaration", "Strategy",
)

# Share of the triple budget per kind, and the triples one instance of it takes (measured on the output).
SHARES = {
    "agency": 0.15, "mechanism": 0.30, "agreement": 0.08, "operation": 0.12, "observation": 0.20,
    "plan": 0.07, "source": 0.05,
}
TRIPLES_PER = {
    "agency": 6.9, "mechanism": 46.0, "agreement": 33.4, "operation": 38.2, "observation": 12.1,
    "plan": 9.5, "source": 7.0,
}
AGENCIES_PER_COUNTRY = 80
FIRST_YEAR, LAST_YEAR = 1995, 2025


@dataclass
class SynthResult:
    out: Path
    seed: int
    triples: int
    counts: dict[str, int]
    samples: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def manifest(self) -> dict[str, object]:
        return {"seed": self.seed, "triples": self.triples, "counts": self.counts, "samples": self.samples,
                "files": [p.name for p in self.files]}


class _Writer:
    """Turtle statements into one file, counting triples as they are written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = path.open("w", encoding="utf-8")
        self.handle.write("# Synthetic data written by `coopgraph synth`: not facts.\n")
        self.handle.write(turtle_prefix_block())
        self.triples = 0
        self._buffer: list[str] = []

    def subject(self, subject: str, pairs: Iterable[tuple[str, str | tuple[str, ...]]]) -> None:
        """One subject block; an object given as a tuple is an object list (`p a, b`)."""
        parts = []
        for predicate, obj in pairs:
            if isinstance(obj, tuple):
                self.triples += len(obj)
                obj = ", ".join(obj)
            else:
                self.triples += 1
            parts.append(f"{predicate} {obj}")
        body = " ;\n    ".join(parts)
        self._buffer.append(f"\n{subject} {body} .\n")
        if len(self._buffer) >= 2000:
            self.flush()

    def flush(self) -> None:
        self.handle.write("".join(self._buffer))
        self._buffer.clear()

    def close(self) -> None:
        self.flush()
        self.handle.close()


def _en(text: str) -> str:
    return f'"{text}"@en'


def _date(year: int, month: int, day: int) -> str:
    return f'"{year:04d}-{month:02d}-{day:02d}"^^xsd:date'


def plan(triples: int) -> dict[str, int]:
    """How many instances of each kind make about `triples` triples."""
    whole = sum(SHARES.values())
    counts = {kind: max(1, round(triples * share / whole / TRIPLES_PER[kind])) for kind, share in SHARES.items()}
    counts["agency"] = max(counts["agency"], 8)
    counts["country"] = min(len(string.ascii_lowercase) ** 2, max(2, round(counts["agency"] / AGENCIES_PER_COUNTRY)))
    return counts


def defined_terms(ontology_dir: Path | None) -> set[str]:
    """IRIs given an rdf:type anywhere in the ontology folder (so vocab.ttl does not define them twice)."""
    if ontology_dir is None or not Path(ontology_dir).is_dir():
        return set()
    import pyoxigraph as ox

    typed: set[str] = set()
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
    for path in sorted(Path(ontology_dir).rglob("*.ttl")):
        if path.name.endswith("shapes.ttl"):
            continue
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if triple.predicate == rdf_type and isinstance(triple.subject, ox.NamedNode):
                typed.add(triple.subject.value)
    return typed


def generate(out: Path, triples: int, seed: int = 0, ontology_dir: Path | None = None) -> SynthResult:
    """Write about `triples` triples of synthetic data as Turtle files in `out` (created; files replaced).

    Threats, roles and units that `ontology_dir` (default: the shipped ontology) defines are reused, not redefined.
    """
    from coopgraph import paths

    ontology_dir = ontology_dir if ontology_dir is not None else paths.ontology_dir()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    counts = plan(triples)
    world = _World(rng, counts, out, defined_terms(ontology_dir))
    world.write_all()
    result = SynthResult(out=out, seed=seed, triples=world.total, counts=world.written, samples=world.samples,
                         files=world.files)
    (out / "synth.json").write_text(json.dumps(result.manifest(), indent=2, sort_keys=True) + "\n",
                                    encoding="utf-8")
    return result


class _World:
    def __init__(self, rng: random.Random, counts: dict[str, int], out: Path, defined: set[str]) -> None:
        self.rng = rng
        self.counts = counts
        self.out = out
        self.defined = defined
        self.total = 0
        self.written: dict[str, int] = {}
        self.samples: dict[str, str] = {}
        self.files: list[Path] = []
        letters = string.ascii_lowercase
        codes = [a + b for a in letters for b in letters]
        self.countries = codes[: counts["country"]]
        self.n_sources = counts["source"]
        # Agencies per country, as slugs; index 0..k are the departments at the top of each tree.
        self.agencies: dict[str, list[str]] = {c: [] for c in self.countries}
        self.member_count: dict[str, int] = {}
        self._index = {c: i for i, c in enumerate(self.countries)}

    # helpers -------------------------------------------------------------------------------------
    def _open(self, name: str) -> _Writer:
        path = self.out / name
        self.files.append(path)
        return _Writer(path)

    def _close(self, writer: _Writer, kind: str, instances: int) -> None:
        writer.close()
        self.total += writer.triples
        self.written[kind] = self.written.get(kind, 0) + instances

    def source(self) -> str:
        return f"source:synthetic-{self.rng.randrange(self.n_sources)}"

    def threat(self) -> str:
        return f"threat:{self.rng.choice(THREATS)}"

    def year(self) -> int:
        return self.rng.randint(FIRST_YEAR, LAST_YEAR)

    def day(self, year: int | None = None) -> str:
        return _date(year or self.year(), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def neighbour(self, country: str) -> str:
        """A partner country near `country` in a ring, so cross-border ties stay local as in real data."""
        if len(self.countries) == 1:
            return country
        i = self._index[country]
        step = self.rng.choice((1, 1, 1, 2, 3)) * self.rng.choice((-1, 1))
        j = (i + step) % len(self.countries)
        if j == i:
            j = (i + 1) % len(self.countries)
        return self.countries[j]

    def agency_of(self, country: str) -> str:
        """An agency of `country`, skewed towards the big ones (low indexes) so hubs exist."""
        pool = self.agencies[country]
        return pool[int(len(pool) * self.rng.random() ** 2)]

    # the world -----------------------------------------------------------------------------------
    def write_all(self) -> None:
        self.write_vocab()
        self.write_places()
        self.write_agencies()
        self.write_mechanisms()
        self.write_agreements()
        self.write_operations()
        self.write_plans()
        self.write_observations()
        self.write_sources()
        top = max(self.member_count, key=lambda a: (self.member_count[a], a)) if self.member_count else None
        if top:
            self.samples["agency"] = instance_iri("agency", top)
        self.samples["country"] = instance_iri("country", self.countries[0])
        self.samples["threat"] = instance_iri("threat", "fentanyl")
        self.samples["indicator"] = instance_iri("indicator", next(iter(INDICATORS)))

    def write_vocab(self) -> None:
        w = self._open("vocab.ttl")
        n = 0
        for slug in THREATS:
            if instance_iri("threat", slug) in self.defined:
                continue
            label = slug.replace("-", " ")
            pairs = [("a", ("coop:Threat", "skos:Concept")), ("skos:prefLabel", _en(label)), ("rdfs:label", _en(label)),
                     ("skos:definition", _en(f"The threat category {label}.")), ("skos:inScheme", "threat:scheme")]
            if slug in THREAT_BROADER:
                pairs.append(("skos:broader", f"threat:{THREAT_BROADER[slug]}"))
            else:
                pairs.append(("skos:topConceptOf", "threat:scheme"))
            w.subject(f"threat:{slug}", pairs)
            n += 1
        if n and instance_iri("threat", "scheme") not in self.defined:
            w.subject("threat:scheme", [("a", "skos:ConceptScheme"), ("rdfs:label", _en("Threat taxonomy"))])
        for slug in ROLES:
            if instance_iri("role", slug) not in self.defined:
                w.subject(f"role:{slug}", [("a", ("coop:Role", "skos:Concept")), ("rdfs:label", _en(slug)),
                                           ("skos:prefLabel", _en(slug)),
                                           ("skos:definition", _en(f"The role {slug} in a participation."))])
        for slug in UNITS:
            if instance_iri("unit", slug) not in self.defined:
                w.subject(f"unit:{slug}", [("a", ("coop:Unit", "skos:Concept")), ("rdfs:label", _en(slug)),
                                           ("skos:prefLabel", _en(slug)),
                                           ("skos:definition", _en(f"The unit of measure {slug}."))])
        for slug in INDICATORS:
            label = slug.replace("-", " ")
            w.subject(f"indicator:{slug}", [("a", ("coop:Indicator", "skos:Concept")), ("rdfs:label", _en(label)),
                                            ("skos:prefLabel", _en(label)),
                                            ("skos:definition", _en(f"A synthetic indicator: {label}."))])
        self._close(w, "vocab", n)

    def write_places(self) -> None:
        w = self._open("places.ttl")
        for code in self.countries:
            w.subject(f"country:{code}", [
                ("a", "coop:Country"), ("rdfs:label", _en(f"Synthetic country {code.upper()}")),
                ("dcterms:description", _en(f"A synthetic country with the code {code.upper()}.")),
                ("coop:isoCode", f'"{code.upper()}"'),
            ])
        borders = 0
        if len(self.countries) > 1:
            for i, code in enumerate(self.countries):
                other = self.countries[(i + 1) % len(self.countries)]
                if other == code or (len(self.countries) == 2 and i == 1):
                    continue
                w.subject(f"place:{code}-{other}-border", [
                    ("a", "coop:Place"), ("rdfs:label", _en(f"Synthetic border {code.upper()}-{other.upper()}")),
                    ("dcterms:description", _en("A synthetic land border between two synthetic countries.")),
                    ("coop:country", (f"country:{code}", f"country:{other}")),
                ])
                borders += 1
        self._close(w, "country", len(self.countries))
        self.written["place"] = borders

    def write_agencies(self) -> None:
        w = self._open("agencies.ttl")
        total = self.counts["agency"]
        per = max(2, total // len(self.countries))
        n = 0
        for code in self.countries:
            departments = max(1, per // 10)
            for k in range(per):
                slug = f"{code}-{k}"
                self.agencies[code].append(slug)
                if k < departments:
                    cls, label = "coop:PolicyDepartment", f"Synthetic department {k} of {code.upper()}"
                else:
                    cls = "coop:" + self.rng.choice(AGENCY_CLASSES)
                    label = f"Synthetic agency {k} of {code.upper()}"
                pairs = [("a", cls), ("rdfs:label", _en(label)), ("skos:altLabel", _en(f"S{code.upper()}{k}")),
                         ("dcterms:description", _en(f"A synthetic government body of {code.upper()}.")),
                         ("coop:country", f"country:{code}")]
                if k >= departments:
                    # Parents sit earlier in the list, so chains of parentOrganisation end at a department.
                    parent = int(k * self.rng.random() ** 2)
                    pairs.append(("coop:parentOrganisation", f"agency:{code}-{parent}"))
                pairs.append(("dcterms:source", self.source()))
                w.subject(f"agency:{slug}", pairs)
                n += 1
        self._close(w, "agency", n)

    def _participations(self, w: _Writer, thing: str, members: list[tuple[str, str]], start: str) -> int:
        local = thing.partition(":")[2]
        for participant, role in members:
            w.subject(f"participation:{local}--{participant.partition(':')[2]}", [
                ("a", "coop:Participation"), ("coop:participant", participant), ("coop:participationIn", thing),
                ("coop:role", f"role:{role}"), ("coop:startDate", start), ("dcterms:source", self.source()),
            ])
            if participant.startswith("agency:"):
                key = participant.partition(":")[2]
                self.member_count[key] = self.member_count.get(key, 0) + 1
        return len(members)

    def _members(self, countries: tuple[str, ...], size: int, roles: tuple[str, ...]) -> list[tuple[str, str]]:
        chosen: dict[str, None] = {}
        for i in range(size * 2):
            if len(chosen) >= size:
                break
            chosen.setdefault("agency:" + self.agency_of(countries[i % len(countries)]), None)
        members = list(chosen)
        # The first member gets the leading role, the others one of the rest.
        return [(a, roles[0] if i == 0 else self.rng.choice(roles[1:])) for i, a in enumerate(members)]

    def write_mechanisms(self) -> None:
        w = self._open("mechanisms.ttl")
        n = 0
        for m in range(self.counts["mechanism"]):
            a = self.rng.choice(self.countries)
            b = self.neighbour(a)
            cls = self.rng.choice(MECHANISM_CLASSES)
            slug = f"mechanism:m{m}"
            year = self.year()
            start = self.day(year)
            label = f"Synthetic {cls} {m} ({a.upper()}-{b.upper()})"
            countries = (f"country:{a}", f"country:{b}") if a != b else (f"country:{a}",)
            w.subject(slug, [
                ("a", f"coop:{cls}"), ("rdfs:label", _en(label)), ("skos:altLabel", _en(f"SM{m}")),
                ("dcterms:description", _en("A synthetic bilateral coordination mechanism.")),
                ("coop:country", countries), ("coop:targets", self.threat()),
                ("coop:established", start), ("coop:startDate", start), ("dcterms:source", self.source()),
            ])
            lead = self.rng.choice(("lead", "chair", "co-lead", "co-chair"))
            members = self._members((a, b), self.rng.randint(3, 9), (lead, "member", "member", "support"))
            self._participations(w, slug, members, start)
            if n == 0 or len(members) > 6 and "mechanism" not in self.samples:
                self.samples["mechanism"] = instance_iri("mechanism", slug.partition(":")[2])
            n += 1
        self._close(w, "mechanism", n)

    def write_agreements(self) -> None:
        w = self._open("agreements.ttl")
        n = 0
        for g in range(self.counts["agreement"]):
            a = self.rng.choice(self.countries)
            parties = {a, self.neighbour(a)}
            if self.rng.random() < 0.15:
                parties.add(self.neighbour(a))
            cls = self.rng.choice(AGREEMENT_CLASSES)
            slug = f"agreement:g{g}"
            year = self.year()
            signed = self.day(year)
            names = "-".join(sorted(p.upper() for p in parties))
            w.subject(slug, [
                ("a", f"coop:{cls}"), ("rdfs:label", _en(f"Synthetic {cls} {g} ({names})")),
                ("dcterms:description", _en("A synthetic agreement between synthetic countries.")),
                ("coop:dateSigned", signed), ("coop:dateInForce", self.day(min(LAST_YEAR, year + 1))),
                ("coop:startDate", signed), ("coop:targets", self.threat()), ("dcterms:source", self.source()),
            ])
            members = [(f"country:{p}", "party") for p in sorted(parties)]
            members += [("agency:" + self.agency_of(p), "signatory") for p in sorted(parties)]
            self._participations(w, slug, list(dict.fromkeys(members)), signed)
            self.samples.setdefault("agreement", instance_iri("agreement", slug.partition(":")[2]))
            n += 1
        self._close(w, "agreement", n)

    def write_operations(self) -> None:
        w = self._open("operations.ttl")
        n = 0
        for o in range(self.counts["operation"]):
            a = self.rng.choice(self.countries)
            b = self.neighbour(a)
            slug = f"operation:o{o}"
            year = self.year()
            start = self.day(year)
            w.subject(slug, [
                ("a", "coop:Operation"), ("rdfs:label", _en(f"Synthetic operation {o} ({a.upper()}-{b.upper()})")),
                ("dcterms:description", _en("A synthetic joint operation.")),
                ("coop:startDate", start), ("coop:endDate", self.day(min(LAST_YEAR, year + 1))),
                ("coop:targets", self.threat()), ("coop:outcome", _en(f"Synthetic outcome {o}.")),
                ("dcterms:source", self.source()),
            ])
            members = self._members((a, b), self.rng.randint(2, 8), ("lead", "member", "support"))
            self._participations(w, slug, members, start)
            self.samples.setdefault("operation", instance_iri("operation", slug.partition(":")[2]))
            n += 1
        self._close(w, "operation", n)

    def write_plans(self) -> None:
        """Initiatives with pillars and measures: a tenth of the budget goes to initiatives and pillars."""
        w = self._open("measures.ttl")
        budget = self.counts["plan"]
        initiatives = max(1, budget // 20)
        n = 0
        for i in range(initiatives):
            code = self.countries[i % len(self.countries)]
            init = f"initiative:p{i}"
            year = self.year()
            w.subject(init, [
                ("a", "coop:Initiative"), ("rdfs:label", _en(f"Synthetic plan {i} of {code.upper()}")),
                ("dcterms:description", _en("A synthetic security plan.")), ("coop:startDate", self.day(year)),
                ("dcterms:source", self.source()),
            ])
            self.samples.setdefault("initiative", instance_iri("initiative", init.partition(":")[2]))
            for p in range(1, 4):
                pillar = f"initiative:p{i}-pillar-{p}"
                w.subject(pillar, [
                    ("a", "coop:Pillar"), ("rdfs:label", _en(f"Synthetic plan {i} pillar {p}")),
                    ("dcterms:description", _en("A synthetic pillar of a plan.")), ("coop:partOf", init),
                    ("coop:pillarNumber", f'"{p}"^^xsd:positiveInteger'), ("dcterms:source", self.source()),
                ])
                for k in range(5):
                    measure = f"measure:p{i}-{p}-{k}"
                    cls = "coop:Capability" if k % 2 else "coop:Measure"
                    w.subject(measure, [
                        ("a", cls), ("rdfs:label", _en(f"Synthetic measure {i}.{p}.{k}")),
                        ("dcterms:description", _en("A synthetic funded measure.")), ("coop:partOf", pillar),
                        ("coop:fundedBy", init), ("coop:implementedBy", "agency:" + self.agency_of(code)),
                        ("coop:targets", self.threat()), ("dcterms:source", self.source()),
                    ])
                    self.samples.setdefault("measure", instance_iri("measure", measure.partition(":")[2]))
                    n += 1
        self._close(w, "measure", n)

    def write_observations(self) -> None:
        w = self._open("statistics.ttl")
        indicators = list(INDICATORS.items())
        n = 0
        for s in range(self.counts["observation"]):
            code = self.rng.choice(self.countries)
            indicator, unit = self.rng.choice(indicators)
            year = self.year()
            if unit == "percent":
                value = f'"{self.rng.randint(0, 1000) / 10:.1f}"^^xsd:decimal'
            else:
                value = f'"{self.rng.randint(1, 5_000_000)}"^^xsd:integer'
            pairs = [
                ("a", "coop:Observation"),
                ("rdfs:label", _en(f"Synthetic {indicator.replace('-', ' ')} {s}, {code.upper()}, {year}")),
                ("coop:value", value), ("coop:unit", f"unit:{unit}"), ("coop:indicator", f"indicator:{indicator}"),
                ("coop:periodStart", f'"{year}"^^xsd:gYear'), ("coop:periodEnd", f'"{year}"^^xsd:gYear'),
                ("coop:periodLabel", f'"{year}"'), ("coop:refArea", f"country:{code}"),
                ("coop:aboutThreat", self.threat()), ("coop:aboutEntity", "agency:" + self.agency_of(code)),
                ("dcterms:source", self.source()),
            ]
            if s % 7 == 0:
                pairs.append(("coop:qualifier", '"about"'))
            w.subject(f"observation:s{s}", pairs)
            n += 1
        self._close(w, "observation", n)

    def write_sources(self) -> None:
        w = self._open("sources.ttl")
        for s in range(self.n_sources):
            self.year()  # drawn and dropped, so the random stream (and every other file) stays as before
            # Issued in the last year: an observation of any year may cite any source (qc:observation-after-source).
            year = LAST_YEAR
            w.subject(f"source:synthetic-{s}", [
                ("a", "coop:Source"), ("rdfs:label", _en(f"Synthetic source {s}")),
                ("dcterms:title", f'"Synthetic source {s}"'), ("dcterms:publisher", '"coopgraph synth"'),
                ("dcterms:issued", self.day(year)),
                ("coop:url", f'"https://example.org/coopgraph/synthetic/{s}"^^xsd:anyURI'),
                ("coop:confidence", '"low"'),
            ])
        self._close(w, "source", self.n_sources)
