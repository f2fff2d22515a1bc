"""The bad-input corpus (tests/bad_inputs/cases.json): every case through the real CLI, as a separate process.

For each case: the documented exit code, one message naming the file (and line) and the problem, no traceback,
no partial output (a build's previous out/ is byte for byte as before) and no request to the network (a local
HTTP server stands in for "the internet": the corpus points its URLs at it and it must receive nothing).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fixtures.http import local_server, recorder
from fixtures.messages import problem_lines

from coopgraph import paths
from coopgraph.output import MARKER

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
PREFIXES = (
    "@prefix agency: <https://w3id.org/coopgraph/id/agency/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
)


@pytest.fixture(scope="module")
def network() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """A local HTTP server standing in for every remote URL of the corpus; it records what it is asked."""
    context = b'{"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"}}'
    with local_server(recorder(context, "application/ld+json")) as endpoint:
        yield endpoint.url.removeprefix("http://"), endpoint.requests


# Cases made at test time: too big, binary, or not files at all (links, pipes).

def _binary_file(data: Path, tmp: Path) -> None:
    (data / "logo.ttl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)))


def _utf16_file(data: Path, tmp: Path) -> None:
    (data / "notes.ttl").write_bytes((PREFIXES + 'agency:corpus-test rdfs:label "x"@en .\n').encode("utf-16"))


def _literal(size: int) -> Callable[[Path, Path], None]:
    def make(data: Path, tmp: Path) -> None:
        with (data / "big.ttl").open("w", encoding="utf-8") as handle:
            handle.write(PREFIXES + 'agency:corpus-big rdfs:comment "')
            handle.write("x" * size)
            handle.write('" .\n')
    return make


def _symlink_file_outside(data: Path, tmp: Path) -> None:
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "secret.ttl").write_text(PREFIXES + 'agency:secret rdfs:label "not yours"@en .\n', encoding="utf-8")
    (data / "secret.ttl").symlink_to(outside / "secret.ttl")


def _symlink_folder_outside(data: Path, tmp: Path) -> None:
    outside = tmp / "elsewhere"
    outside.mkdir()
    (outside / "more.ttl").write_text(PREFIXES, encoding="utf-8")
    (data / "more").symlink_to(outside, target_is_directory=True)


def _symlink_inside(data: Path, tmp: Path) -> None:
    (data / "sub").mkdir()
    (data / "sub" / "alias.ttl").symlink_to(data / "ca-us" / "agencies.ttl")


def _symlink_loop(data: Path, tmp: Path) -> None:
    (data / "a.ttl").symlink_to("b.ttl")
    (data / "b.ttl").symlink_to("a.ttl")


def _fifo(data: Path, tmp: Path) -> None:
    os.mkfifo(data / "pipe.ttl")  # a reader that opened it would wait for ever


def _missing_folder(data: Path, tmp: Path) -> None:
    shutil.rmtree(data)


def _other_files(data: Path, tmp: Path) -> None:
    (data / "README.md").write_text("# notes, not RDF\n", encoding="utf-8")
    (data / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (data / "rows.csv").write_text("a,b\n1,2\n", encoding="utf-8")


def _deep_nesting(depth: int) -> Callable[[Path, Path], None]:
    """Blank nodes and lists nested `depth` deep: far past Python's recursion limit (1,000)."""
    def make(data: Path, tmp: Path) -> None:
        (data / "deep.ttl").write_text(
            PREFIXES
            + "agency:corpus-deep rdfs:seeAlso " + "[ rdfs:seeAlso " * depth + "agency:corpus-deep" + " ]" * depth
            + " .\nagency:corpus-list rdfs:seeAlso " + "( " * depth + ")" * depth + " .\n",
            encoding="utf-8")
    return make


def _deep_jsonld(depth: int) -> Callable[[Path, Path], None]:
    """Objects nested `depth` deep (5,000 crashed the JSON-LD parser with SIGSEGV: a 29 KiB file)."""
    def make(data: Path, tmp: Path) -> None:
        (data / "deep.jsonld").write_text(
            '{"@id": "https://w3id.org/coopgraph/id/agency/corpus-deep",\n'
            + '"http://www.w3.org/2000/01/rdf-schema#seeAlso": {' * depth + '"@id": "urn:x"' + "}" * depth + "}\n",
            encoding="utf-8")
    return make


def _deep_rdfxml(depth: int) -> Callable[[Path, Path], None]:
    """Elements nested `depth` deep (100,000 kept the RDF/XML parser busy for minutes: a 4 MiB file)."""
    def make(data: Path, tmp: Path) -> None:
        (data / "deep.rdf").write_text(
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
            '         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
            + "<rdf:Description><rdfs:seeAlso>" * (depth // 2) + "</rdfs:seeAlso></rdf:Description>" * (depth // 2)
            + "\n</rdf:RDF>\n", encoding="utf-8")
    return make


def _odd_name(name: str) -> Callable[[Path, Path], None]:
    """A file whose name holds a newline or a right-to-left override, with a syntax error to report."""
    def make(data: Path, tmp: Path) -> None:
        (data / name).write_text(PREFIXES + "agency:corpus-odd rdfs:label .\n", encoding="utf-8")
    return make


def _hours_query(data: Path, tmp: Path) -> None:
    folder = tmp / "query-runs-for-hours"
    folder.mkdir()
    # Four independent scans of every triple: (3,000 triples)^4 rows to count, hours of work.
    (folder / "hours.rq").write_text("# title: A query that runs for hours\nSELECT (COUNT(*) AS ?n) WHERE "
                                     "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }\n", encoding="utf-8")


GENERATORS: dict[str, Callable[[Path, Path], None]] = {
    "binary_file": _binary_file,
    "utf16_file": _utf16_file,
    "literal_50mb": _literal(50 * 1024 * 1024),
    "literal_2mb": _literal(2_000_000),
    "symlink_file_outside": _symlink_file_outside,
    "symlink_folder_outside": _symlink_folder_outside,
    "symlink_inside": _symlink_inside,
    "fifo": _fifo,
    "symlink_loop": _symlink_loop,
    "missing_folder": _missing_folder,
    "other_files": _other_files,
    "deep_nesting": _deep_nesting(100_000),
    "deep_nesting_5000": _deep_nesting(5_000),  # validate's cost grows with size; depth is what is tested
    "hours_query": _hours_query,
    "newline_in_name": _odd_name("two\nlines.ttl"),
    "bidi_in_name": _odd_name("report\u202eltt.exe.ttl"),
    "deep_jsonld_5000": _deep_jsonld(5_000),
    "deep_jsonld_200": _deep_jsonld(200),
    "deep_rdfxml_100000": _deep_rdfxml(100_000),
    "nothing": lambda data, tmp: None,
}


def _run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    # A cache of its own: a cached reasoner verdict would skip the very loading a case tests.
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "NO_COLOR": "1", "COOPGRAPH_CACHE": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "coopgraph", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _prepare(case: dict, tmp: Path, host: str) -> Path:
    """The shipped data plus the case's files (URLs pointed at the local server) in a fresh folder."""
    data = tmp / "data"
    shutil.copytree(paths.data_dir(), data)
    folder = CORPUS / case["case"]
    if folder.is_dir():
        for source in folder.iterdir():
            if source.suffix == ".rq":
                continue
            content = source.read_bytes().replace(b"127.0.0.1:PORT", host.encode())
            (data / source.name).write_bytes(content)
        queries = tmp / case["case"]
        queries.mkdir(exist_ok=True)
        for source in folder.glob("*.rq"):
            (queries / source.name).write_bytes(source.read_bytes().replace(b"127.0.0.1:PORT", host.encode()))
    if "generate" in case:
        GENERATORS[case["generate"]](data, tmp)
    return data


def _params() -> list:
    """One test per case; a case with "xfail" names a known fault in someone's module and its fix."""
    return [pytest.param(c, id=c.get("id", c["case"]),
                         marks=[pytest.mark.xfail(reason=c["xfail"], strict=True)] if "xfail" in c else [])
            for c in CASES]


@pytest.mark.parametrize("case", _params())
def test_bad_input(case: dict, tmp_path: Path, network: tuple[str, list[str]]) -> None:
    host, requests = network
    asked_before = len(requests)
    data = _prepare(case, tmp_path, host)

    command = case["command"]
    args = [command]
    out = tmp_path / "out"
    if command == "build":
        out.mkdir()
        (out / MARKER).write_text("a previous build\n", encoding="utf-8")
        (out / "index.html").write_text("<p>the previous report</p>\n", encoding="utf-8")
        args += ["--out", str(out)]
        before = _snapshot(out)
    args += [a.replace("{case}", str(tmp_path / case["case"])) for a in case.get("args", [])]
    args += ["--data", str(data)]

    result = _run(args, cwd=tmp_path)
    output = result.stdout + result.stderr

    expected = case["exit"] if isinstance(case["exit"], list) else [case["exit"]]
    assert result.returncode in expected, f"exit {result.returncode}, expected {expected}:\n{output[-3000:]}"
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    for fragment in case["message"]:
        assert fragment in output, f"{fragment!r} not in the output:\n{output[-3000:]}"
    if result.returncode >= 2:
        errors = problem_lines(result.stderr)
        assert len(errors) == 1 and errors[0].startswith("error: "), result.stderr[-3000:]
    if command == "build":
        assert _snapshot(out) == before, "the previous output changed"
        assert sorted(p.name for p in tmp_path.glob(".out.*")) == [], "a staging folder was left behind"
    assert requests[asked_before:] == [], f"the network was asked for {requests[asked_before:]}"


def test_allow_service_lets_the_named_endpoint_only(tmp_path: Path, network: tuple[str, list[str]]) -> None:
    """--allow-service opens exactly the endpoint it names: the listener is asked once, by the allowed query."""
    host, requests = network
    query = tmp_path / "service.rq"
    allowed = f"http://{host}/sparql-allowed"
    query.write_text(f"SELECT * WHERE {{ SERVICE SILENT <{allowed}> {{ ?s ?p ?o }} }}\n", encoding="utf-8")
    asked_before = len(requests)
    refused = _run(["query", str(query), "--allow-service", f"http://{host}/other"], cwd=tmp_path)
    assert refused.returncode == 2 and "refused" in refused.stderr
    assert requests[asked_before:] == []
    _run(["query", str(query), "--allow-service", allowed], cwd=tmp_path)
    assert [path for _, path in requests[asked_before:]] == ["/sparql-allowed"]
