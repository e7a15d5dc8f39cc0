"""`coman-graph model ...`: export the trained model of some classes to a portable file, and
import such a file (coman_graph/model_file.py, docs/model-format.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from coman_graph.cli.context import cli_context, console
from coman_graph.datasets.selection import parse_classes
from coman_graph.model_file import export_model, import_model, read_model, write_model

app = typer.Typer(
    help="Export the trained model to a portable file, or import one (both engines).",
    no_args_is_help=True,
)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {section.replace('_', ' ')}" for section, count in counts.items())


@app.command("export")
def export_command(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="The model file to write (gzip'd JSON)."),
    classes: str = typer.Option(
        None, help="Classes to export, e.g. 0,1 (default: every class with active concepts)."
    ),
) -> None:
    """Write the active concepts of the classes, with the scales, to a checksummed file."""
    wanted = parse_classes(classes) if classes else None
    with cli_context(ctx).store() as store:
        model = export_model(store, wanted)
    write_model(model, out)
    header = model["header"]
    console.print(f"exported classes {header['classes']} to {out}: {_counts(header['counts'])}")
    console.print(f"checksum (SHA-256): {header['checksum']}")


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A model file written by `model export`."),
) -> None:
    """Replace the concepts of the file's classes by its own, in one transaction."""
    model = read_model(file)
    with cli_context(ctx).store() as store:
        summary = import_model(store, model)
    console.print(
        f"imported classes {summary.classes} from {file}: {_counts(summary.counts)}; "
        f"{summary.removed} concept(s) replaced"
    )
    console.print(f"checksum (SHA-256): {summary.checksum}")
