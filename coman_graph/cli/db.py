"""`coman-graph db ...`: the embedded server's lifecycle and schema migrations."""

from __future__ import annotations

import typer

from coman_graph.cli.context import cli_context, console
from coman_graph.graphstore.migrations import migrate

app = typer.Typer(help="Manage the embedded graph server and the schema.", no_args_is_help=True)


@app.command()
def start(ctx: typer.Context) -> None:
    """Start the embedded ArcadeDB server (harmless if it already runs)."""
    server = cli_context(ctx).embedded()
    state, started = server.start()
    console.print(("Started" if started else "Already running") + f" (pid {state.pid})")
    console.print(f"Bolt:   {state.bolt_uri}  (user root, password in {server.password_file})")
    console.print(f"Studio: {state.studio_url}")


@app.command()
def stop(ctx: typer.Context) -> None:
    """Stop the embedded server."""
    stopped = cli_context(ctx).embedded().stop()
    console.print("Stopped" if stopped else "Not running")


@app.command()
def status(ctx: typer.Context) -> None:
    """Say whether the embedded server runs, and where. Exit code 1 if it does not."""
    server = cli_context(ctx).embedded()
    state = server.status()
    if state is None:
        console.print(f"Not running (data folder {server.root})")
        raise typer.Exit(1)
    console.print(f"Running (pid {state.pid}), data folder {server.root}")
    console.print(f"Bolt:   {state.bolt_uri}")
    console.print(f"Studio: {state.studio_url}")


@app.command("migrate")
def migrate_command(ctx: typer.Context) -> None:
    """Apply pending schema migrations (each exactly once)."""
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
    console.print(f"server answers; {rows[0]['migrations']} migration(s) recorded")
