"""The catalogue of the coman.* procedures: what the plugin declares, as Neo4j lists it.

``engines/neo4j/procedures/catalogue.json`` is the answer of ``SHOW PROCEDURES`` for the
plugin's procedures (written by ``scripts/procedure-catalogue``); ``scripts/lint-cypher``
hands it to Neo4j's linter, which then checks every ``CALL coman.*`` of ``cypher/`` against
the real signatures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coman_graph.graphstore.connection import GraphStore

#: The catalogue file, beside the plugin's source.
CATALOGUE = Path(__file__).resolve().parents[2] / "engines/neo4j/procedures/catalogue.json"
#: The columns of SHOW PROCEDURES kept: the rest (roles) depends on the server's users.
COLUMNS = (
    "name",
    "description",
    "mode",
    "worksOnSystem",
    "signature",
    "argumentDescription",
    "returnDescription",
    "admin",
    "isDeprecated",
    "deprecatedBy",
    "option",
)
LIST_PROCEDURES = "SHOW PROCEDURES YIELD * WHERE name STARTS WITH 'coman.' RETURN * ORDER BY name"


def server_catalogue(store: GraphStore) -> list[dict[str, Any]]:
    """The coman.* procedures the server has, as SHOW PROCEDURES lists them."""
    return [{column: row[column] for column in COLUMNS} for row in store.execute(LIST_PROCEDURES)]


def catalogue_json(procedures: list[dict[str, Any]]) -> str:
    """The catalogue file's text."""
    return json.dumps(procedures, indent=2, sort_keys=True) + "\n"
