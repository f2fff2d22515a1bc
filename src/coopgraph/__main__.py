"""`python -m coopgraph`: the same command as the `coopgraph` console script."""

from coopgraph.cli import main

if __name__ == "__main__":
    main()
