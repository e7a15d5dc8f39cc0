"""`coman-graph audit --run RUN_ID --html out/`: a static HTML report of one recorded run."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from coman_graph.audit import write_audit_report
from coman_graph.cli.context import cli_context, console
from coman_graph.errors import InputError

LATEST = "latest"


def audit_command(
    ctx: typer.Context,
    run: str = typer.Option(
        None, "--run", help="The run id (printed by `evaluate`), or 'latest' for the newest."
    ),
    html: Path = typer.Option(Path("out/audit"), "--html", help="Folder to write the report to."),
    cases: int = typer.Option(24, min=0, help="How many misclassified images to explain."),
    seed: int = typer.Option(0, help="Seeds which misclassified images are shown."),
    list_runs: bool = typer.Option(False, "--list", help="List the recorded runs and stop."),
) -> None:
    """Write an HTML audit of a run: metrics, confusion matrix, every compartment of every
    neuron with its energy trajectory, and misclassified test images explained.

    The page (index.html, pictures under img/) needs no server to view.
    """
    with cli_context(ctx).store() as store:
        if list_runs:
            table = Table("run", "protocol", "recorded at")
            for row in store.run("audit/runs"):
                table.add_row(row["run_id"], row["protocol"], row["recorded_at"])
            console.print(table)
            return
        if not run:
            raise InputError("give --run RUN_ID (see `coman-graph audit --list`)")
        if run == LATEST:
            runs = store.run("audit/runs")
            if not runs:
                raise InputError("no runs recorded yet: run `coman-graph evaluate` first")
            run = runs[0]["run_id"]
        with console.status("writing the audit report") as status:
            index = write_audit_report(
                store,
                run,
                html,
                cases=cases,
                seed=seed,
                on_progress=lambda what: status.update(f"drawing {what}"),
            )
    console.print(f"audit of run {run} -> {index}", highlight=False)
