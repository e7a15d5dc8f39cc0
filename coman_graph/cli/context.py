"""Global CLI options (where the graph server is) and the store they open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from coman_graph.graphstore.config import default_engine, default_server_dir
from coman_graph.graphstore.kernel import KERNELS, check_kernel, default_kernel
from coman_graph.graphstore.servers import ENGINES, LocalServer, local_server

if TYPE_CHECKING:  # the driver and Dask are imported only by commands that use them
    from distributed import Client

    from coman_graph.graphstore.connection import GraphStore

console = Console()
err_console = Console(stderr=True, soft_wrap=True)


@dataclass
class CliContext:
    """Connection options given before the command name."""

    uri: str | None
    user: str | None
    password: str | None
    database: str | None
    server_dir: Path | None
    engine: str
    kernel: str

    def local(self, engine: str | None = None) -> LocalServer:
        """The local server of ``engine`` (default: the chosen one) in its data folder."""
        engine = engine or self.engine
        return local_server(engine, self.server_dir or default_server_dir(engine))

    def store(self, apply_migrations: bool = True) -> GraphStore:
        """Connect (starting the local server if no server is configured), migrate and choose
        the matching kernel."""
        from coman_graph.graphstore.open import open_store, resolve

        config = resolve(
            self.uri, self.user, self.password, self.database, self.server_dir, self.engine
        )
        return open_store(config, apply_migrations=apply_migrations, kernel=self.kernel)


def cli_context(ctx: typer.Context) -> CliContext:
    return ctx.ensure_object(CliContext)


def global_options(
    ctx: typer.Context,
    uri: str | None = typer.Option(
        None, envvar="NEO4J_URI", help="Bolt URI of a Neo4j 5 server; unset = a local server."
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
        help="Data folder of the local server.",
        show_default="<user data dir>/coman-graph/<engine>",
    ),
    engine: str = typer.Option(
        None,
        envvar="COMAN_ENGINE",
        help=f"Engine of the local server: {' or '.join(ENGINES)}.",
        show_default=default_engine(),
    ),
    kernel: str = typer.Option(
        None,
        envvar="COMAN_KERNEL",
        help=f"Matching kernel: {', '.join(KERNELS)}. auto: the server's coman.* procedures "
        "when it has them (the local neo4j engine does), else the Cypher specification.",
        show_default=default_kernel(),
    ),
) -> None:
    """Graph-database-native ComAN: learn handwritten digits from a few examples, in Cypher."""
    ctx.obj = CliContext(
        uri,
        user,
        password,
        database,
        server_dir,
        engine or default_engine(),
        check_kernel(kernel or default_kernel()),
    )


def scheduler_option() -> str | None:
    """The ``--scheduler`` option of the commands that can run on a Dask cluster."""
    return typer.Option(
        None,
        help="Address of a Dask scheduler (tcp://host:port) to run the work on its workers "
        "(default: $COMAN_SCHEDULER; none: this machine).",
        show_default=False,
    )


@contextmanager
def cluster_client(option: str | None) -> Iterator[Client | None]:
    """A client of the scheduler of ``--scheduler`` / ``COMAN_SCHEDULER``, or None."""
    from coman_graph.cluster import connect, scheduler_address

    address = scheduler_address(option)
    if address is None:
        yield None
        return
    client = connect(address)
    try:
        yield client
    finally:
        client.close()
