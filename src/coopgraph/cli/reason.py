"""`coopgraph reason`: derive the shortcut links, check consistency with HermiT, write what was inferred."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pyoxigraph as ox

from coopgraph import paths
from coopgraph.cli.options import graph_options
from coopgraph.errors import FINDINGS, CoopgraphError, InputError
from coopgraph.graph import open_graph, rules_for
from coopgraph.namespaces import PREFIXES, RDF_TYPE, shorten
from coopgraph.reason import check_consistency, derive
from coopgraph.validate import ERROR, Finding, shorten_text


@click.command()
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("out/inferred.ttl"), show_default=True, help="Turtle file for the inferred triples.")
@click.option("--cache/--no-cache", default=True, show_default=True, help="Reuse HermiT's cached verdict.")
@graph_options
def command(out_file: Path, cache: bool, ontology_dir: Path | None, data_dir: Path | None) -> None:
    """Run the rules and HermiT; exit 1 naming the individuals when the graph is inconsistent."""
    graph = open_graph(ontology_dir, data_dir, rules=False)
    derived = derive(graph.store, rules_for(ontology_dir or paths.ontology_dir()))
    result = check_consistency(graph, use_cache=cache)
    if not result.consistent:
        for clash in result.clashes:
            file, line = graph.locate(clash.subject) or (None, None)
            finding = Finding("owl:consistency", ERROR, clash.subject, shorten_text(clash.message), file, line)
            click.echo(finding.to_text(), err=True)
        names = ", ".join(shorten(iri) for iri in result.entities) or "no single individual found"
        raise CoopgraphError(f"{result.message}; involved: {names}", FINDINGS)

    inferred = ox.Store()
    inferred.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in derived)
    rdf_type = ox.NamedNode(RDF_TYPE)
    for individual, cls in result.inferred_types:
        quad = ox.Quad(ox.NamedNode(individual), rdf_type, ox.NamedNode(cls), ox.DefaultGraph())
        if quad not in graph.store:
            inferred.add(quad)
    _write_atomically(inferred, out_file)
    verdict = "cached" if result.cached else f"{result.seconds:.1f} s"
    click.echo(f"consistent (HermiT, {verdict}); {len(derived)} triples derived by the rules, "
               f"{len(inferred) - len(derived)} types added by HermiT; wrote {out_file}")


def _write_atomically(store: ox.Store, out_file: Path) -> None:
    """Write to a temporary file beside the target, then rename: never a half-written output."""
    try:
        out_file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(out_file.parent, None, f"cannot write here: {error.strerror or error}",
                         "choose another --out") from None
    temporary = out_file.with_name(f".{out_file.name}.{os.getpid()}.tmp")
    try:
        store.dump(str(temporary), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                   prefixes=dict(PREFIXES))
        temporary.replace(out_file)
    finally:
        temporary.unlink(missing_ok=True)
