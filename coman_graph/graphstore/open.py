"""Open the configured graph store: an external Bolt server, or a local one.

With no ``NEO4J_URI`` (or ``--uri``), the local server of the chosen engine is
started on demand. Pending migrations are applied before first use, and the store's matching
kernel is chosen (``graphstore/kernel.py``).
"""

from __future__ import annotations

from pathlib import Path

from coman_graph.graphstore.config import (
    ConnectionConfig,
    default_engine,
    default_server_dir,
    external_config,
)
from coman_graph.graphstore.connection import GraphStore, connect
from coman_graph.graphstore.kernel import AUTO, choose_kernel
from coman_graph.graphstore.migrations import migrate
from coman_graph.graphstore.servers import local_server


def resolve(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    server_dir: Path | None = None,
    engine: str | None = None,
) -> ConnectionConfig:
    """The external server's settings, or the local server's (started if needed)."""
    config = external_config(uri, user, password, database)
    if config is not None:
        return config
    engine = engine or default_engine()
    server = local_server(engine, server_dir or default_server_dir(engine))
    server.start()
    return server.config()


def open_store(
    config: ConnectionConfig, apply_migrations: bool = True, kernel: str = AUTO
) -> GraphStore:
    """Connect to ``config``, bring its schema up to date and choose the matching kernel
    (``auto``, ``procedure`` or ``cypher``: ``graphstore/kernel.py``)."""
    store = connect(config)
    try:
        if apply_migrations:
            migrate(store)
        store.kernel = choose_kernel(store, kernel)
    except Exception:
        store.close()
        raise
    return store
