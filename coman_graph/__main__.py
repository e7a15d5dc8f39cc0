"""`python -m coman_graph` runs the command line."""

from coman_graph.cli import main

main()
