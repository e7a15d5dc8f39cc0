"""Where the graph server is: NEO4J_* variables, CLI options, or a local server of an engine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs


@dataclass(frozen=True)
class ConnectionConfig:
    """A Bolt server to talk to. ``repr`` hides the password."""

    uri: str
    user: str
    password: str
    database: str = "neo4j"

    def __repr__(self) -> str:
        return f"ConnectionConfig(uri={self.uri!r}, user={self.user!r}, database={self.database!r})"


#: The engine of the local server when neither ``--engine`` nor ``COMAN_ENGINE`` says:
#: Neo4j classifies 2.5x faster than ArcadeDB on the same images (scripts/bench-engines,
#: README) and scripts/setup installs it wherever Java 17 and Maven reach Maven Central.
DEFAULT_ENGINE = "neo4j"


def default_engine() -> str:
    """``$COMAN_ENGINE`` if set, else :data:`DEFAULT_ENGINE`."""
    return os.environ.get("COMAN_ENGINE") or DEFAULT_ENGINE


def default_server_dir(engine: str) -> Path:
    """``$COMAN_SERVER_DIR`` if set, else ``<user data dir>/coman-graph/<engine>``."""
    env = os.environ.get("COMAN_SERVER_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir("coman-graph")) / engine


def external_config(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> ConnectionConfig | None:
    """The configured external server (options first, then NEO4J_* variables), or None.

    None means no server is configured and a local one is to be used.
    """
    uri = uri or os.environ.get("NEO4J_URI")
    if not uri:
        return None
    return ConnectionConfig(
        uri=uri,
        user=user or os.environ.get("NEO4J_USER", "neo4j"),
        password=password if password is not None else os.environ.get("NEO4J_PASSWORD", ""),
        database=database or os.environ.get("NEO4J_DATABASE", "neo4j"),
    )
