"""coman-graph: the Compartment Attractor Neural Network (ComAN), learning in a graph database."""

from pathlib import Path

__version__ = "0.1.0"

#: The repository root, which holds the named Cypher files and the migrations.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
CYPHER_DIR = PROJECT_ROOT / "cypher"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
