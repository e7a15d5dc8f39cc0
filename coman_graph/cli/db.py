"""`coman-graph db ...`: the local server's lifecycle (Neo4j or ArcadeDB) and schema migrations."""

from __future__ import annotations

import typer

from coman_graph.cli.context import cli_context, console
from coman_graph.graphstore.servers import ENGINES, LocalServer, ServerState

app = typer.Typer(
    help="Manage the local graph server (Neo4j or ArcadeDB) and the schema.", no_args_is_help=True
)

ENGINE_OPTION = typer.Option(
    None, "--engine", help=f"{' or '.join(ENGINES)}; default: the global --engine / COMAN_ENGINE."
)


def _print_where(server: LocalServer, state: ServerState) -> None:
    console.print(
        f"Bolt:   {state.bolt_uri}  (user {server.user}, password in {server.password_file})"
    )
    console.print(f"Web:    {server.web_url(state)}  ({server.web_name})")


@app.command()
def start(ctx: typer.Context, engine: str = ENGINE_OPTION) -> None:
    """Start the local server (harmless if it already runs); it stays up until `db stop`."""
    server = cli_context(ctx).local(engine)
    state, started = server.start()
    verb = "Started" if started else "Already running:"
    console.print(f"{verb} {server.engine} (pid {state.pid}), data folder {server.root}")
    _print_where(server, state)


@app.command()
def stop(ctx: typer.Context, engine: str = ENGINE_OPTION) -> None:
    """Stop the local server (a clean shutdown)."""
    server = cli_context(ctx).local(engine)
    console.print(f"Stopped {server.engine}" if server.stop() else f"{server.engine} not running")


@app.command()
def status(ctx: typer.Context, engine: str = ENGINE_OPTION) -> None:
    """Say whether the local server runs, and where. Exit code 1 if it does not."""
    server = cli_context(ctx).local(engine)
    state = server.status()
    if state is None:
        console.print(f"{server.engine} not running (data folder {server.root})")
        raise typer.Exit(1)
    console.print(f"Running {server.engine} (pid {state.pid}), data folder {server.root}")
    _print_where(server, state)


@app.command("migrate")
def migrate_command(ctx: typer.Context) -> None:
    """Apply pending schema migrations (each exactly once)."""
    from coman_graph.graphstore.migrations import migrate

    with cli_context(ctx).store(apply_migrations=False) as store:
        applied = migrate(store)
    for migration in applied:
        console.print(f"applied V{migration.version:03d}__{migration.name}")
    console.print(f"{len(applied)} migration(s) applied; schema up to date")


@app.command()
def ping(ctx: typer.Context) -> None:
    """Run a smoke query against the configured server."""
    with cli_context(ctx).store() as store:
        rows = store.execute("MATCH (m:Migration) RETURN count(m) AS migrations")
        kernel = store.kernel
    console.print(
        f"server answers; {rows[0]['migrations']} migration(s) recorded; matching kernel: {kernel}"
    )
