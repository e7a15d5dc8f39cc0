"""The `coman-graph` command line: one typer app, a module per command group."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from coman_graph.cli import data, db, gds
from coman_graph.cli.audit import audit_command
from coman_graph.cli.classify import classify_command
from coman_graph.cli.concept import show_concept
from coman_graph.cli.context import err_console, global_options
from coman_graph.cli.evaluate import evaluate_command
from coman_graph.cli.ingest import ingest_command
from coman_graph.cli.query import query_command
from coman_graph.cli.sample import show_sample
from coman_graph.cli.train import train_command
from coman_graph.datasets.idx import IdxError
from coman_graph.errors import ComanError

app = typer.Typer(
    name="coman-graph",
    help="Graph-database-native ComAN: learn handwritten digits from a few examples, in Cypher.\n\n"
    "Exit codes: 0 ok, 1 failure, 2 usage, 3 graph server, 4 bad input, 5 migration,"
    " 6 GDS not available.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.callback()(global_options)
app.add_typer(db.app, name="db")
app.add_typer(data.app, name="data")
app.add_typer(gds.app, name="gds")
app.command("ingest")(ingest_command)
app.command("train")(train_command)
app.command("classify")(classify_command)
app.command("evaluate")(evaluate_command)
app.command("query")(query_command)
app.command("show-sample")(show_sample)
app.command("show-concept")(show_concept)
app.command("audit")(audit_command)


def _fail(message: object, code: int) -> None:
    err_console.print(f"[red]error:[/red] {escape(str(message))}", highlight=False)
    sys.exit(code)


def main() -> None:
    """Entry point: run the app, turning known errors into one line and an exit code."""
    try:
        app()
    except ComanError as exc:
        _fail(exc, exc.exit_code)
    except IdxError as exc:
        _fail(exc, 4)
    except ValueError as exc:
        if type(exc).__name__ != "SensingError":
            raise
        _fail(exc, 4)
