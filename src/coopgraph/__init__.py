"""coopgraph: a knowledge graph of bilateral security cooperation."""

__version__ = "0.1.0"
