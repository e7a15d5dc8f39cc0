"""Global CLI options (where the graph server is) and the store they open."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console

from coman_graph.graphstore.config import default_server_dir
from coman_graph.graphstore.connection import GraphStore
from coman_graph.graphstore.embedded import EmbeddedServer
from coman_graph.graphstore.open import open_store, resolve

console = Console()
err_console = Console(stderr=True, soft_wrap=True)


@dataclass
class CliContext:
    """Connection options given before the command name."""

    uri: str | None
    user: str | None
    password: str | None
    database: str | None
    server_dir: Path

    def embedded(self) -> EmbeddedServer:
        return EmbeddedServer(self.server_dir)

    def store(self, apply_migrations: bool = True) -> GraphStore:
        """Connect (starting the embedded server if no server is configured) and migrate."""
        config = resolve(self.uri, self.user, self.password, self.database, self.server_dir)
        return open_store(config, apply_migrations=apply_migrations)


def cli_context(ctx: typer.Context) -> CliContext:
    return ctx.ensure_object(CliContext)


def global_options(
    ctx: typer.Context,
    uri: str | None = typer.Option(
        None, envvar="NEO4J_URI", help="Bolt URI of a Neo4j 5 server; unset = embedded ArcadeDB."
    ),
    user: str | None = typer.Option(None, envvar="NEO4J_USER", help="User name (default neo4j)."),
    password: str | None = typer.Option(
        None,
        envvar="NEO4J_PASSWORD",
        help="Password (prefer the env variable).",
        show_default=False,
    ),
    database: str | None = typer.Option(
        None, envvar="NEO4J_DATABASE", help="Database name (default neo4j)."
    ),
    server_dir: Path = typer.Option(
        None,
        envvar="COMAN_SERVER_DIR",
        help="Data folder of the embedded server.",
        show_default="<user data dir>/coman-graph/server",
    ),
) -> None:
    """Graph-database-native ComAN: learn handwritten digits from a few examples, in Cypher."""
    ctx.obj = CliContext(uri, user, password, database, server_dir or default_server_dir())
