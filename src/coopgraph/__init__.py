"""coopgraph: a knowledge graph of bilateral security cooperation."""

# The released version at a release commit (tagged vX.Y.Z); between releases the next one with .dev0
# (docs/releasing.md).
__version__ = "0.2.0.dev0"
