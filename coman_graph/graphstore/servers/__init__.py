"""Local graph servers coman-graph starts itself, one class per engine, one lifecycle.

``local_server(engine, root)`` gives the server of ``engine`` (``neo4j`` or
``arcadedb``) living in the data folder ``root``; see :mod:`.base` for the
contract they share.
"""

from __future__ import annotations

from pathlib import Path

from coman_graph.errors import InputError
from coman_graph.graphstore.servers.arcadedb import ArcadeDbServer
from coman_graph.graphstore.servers.base import ENGINE_FILE, STATE_FILE, LocalServer, ServerState
from coman_graph.graphstore.servers.neo4j import Neo4jServer

ENGINES: dict[str, type[LocalServer]] = {"neo4j": Neo4jServer, "arcadedb": ArcadeDbServer}


def engine_class(engine: str) -> type[LocalServer]:
    try:
        return ENGINES[engine]
    except KeyError:
        raise InputError(
            f"unknown engine {engine!r}: expected one of {', '.join(ENGINES)}"
        ) from None


def local_server(engine: str, root: Path, heap: str | None = None) -> LocalServer:
    """The local server of ``engine`` whose data folder is ``root``."""
    return engine_class(engine)(root, heap)


def stop_servers_under(folder: Path) -> int:
    """Stop every local server whose data folder lies under ``folder`` (e.g. the model
    replicas of a Dask cluster's workers, killed ones included); how many were running."""
    stopped = 0
    for state in folder.rglob(STATE_FILE):
        root = state.parent
        stopped += local_server((root / ENGINE_FILE).read_text().strip(), root).stop()
    return stopped


__all__ = [
    "ENGINES",
    "LocalServer",
    "ServerState",
    "engine_class",
    "local_server",
    "stop_servers_under",
]
