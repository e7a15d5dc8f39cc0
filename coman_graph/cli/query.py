"""`coman-graph query NAME`: run a named audit query from cypher/audit/ and print a table."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from coman_graph.cli.context import cli_context, console
from coman_graph.errors import InputError
from coman_graph.graphstore.queries import load_query, query_names


def query_command(
    ctx: typer.Context,
    name: str = typer.Argument(
        None, help="Query name under cypher/audit/, e.g. samples-per-class."
    ),
    param: list[str] = typer.Option(
        None, "--param", "-p", help="k=v parameter; v is read as JSON if it parses (repeatable)."
    ),
) -> None:
    """Run an audit query (cypher/audit/NAME.cypher). Without NAME, list them."""
    names = [n.removeprefix("audit/") for n in query_names("audit")]
    if not name:
        for known in names:
            header = load_query(f"audit/{known}").text.splitlines()[0].lstrip("/ ")
            console.print(f"[bold]{known}[/bold]  {header}")
        return
    if name not in names:
        raise InputError(f"no audit query {name!r}; known: {', '.join(names)}")
    params = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--param {item!r}: expected k=v")
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    query = load_query(f"audit/{name}")
    missing = [p for p in query.parameters if p not in params]
    if missing:
        raise InputError(f"query {name} needs --param {missing[0]}=...")
    with cli_context(ctx).store() as store:
        rows = store.run(f"audit/{name}", **params)
    table = Table(*(rows[0].keys() if rows else ["(no rows)"]))
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    console.print(table)
