"""The coopgraph benchmark: `python -m bench [--triples N ...] [--json FILE]` from the repository root.

Each size runs in fresh subprocesses (so peak memory is per size): one for coopgraph (load, rules,
validation, queries on pyoxigraph directly and through coopgraph's select(), network, pages) and one for
a plain rdflib in-memory Graph (load, the same queries, each in a forked child killed at the cap).
"""
