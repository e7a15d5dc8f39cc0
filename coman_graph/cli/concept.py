"""`coman-graph show-concept --class D`: draw a class's learned concepts to a PNG."""

from __future__ import annotations

from pathlib import Path

import typer

from coman_graph.audit import active_concepts
from coman_graph.cli.context import cli_context, console
from coman_graph.errors import InputError
from coman_graph.report.render_concept import concept_summary, render_concepts


def show_concept(
    ctx: typer.Context,
    digit: int = typer.Option(..., "--class", help="Digit class whose active concepts to draw."),
    png: Path = typer.Option(Path("concept.png"), help="Where to write the PNG."),
    links: bool = typer.Option(
        False, "--links/--no-links", help="Also draw interconnections as thin arcs."
    ),
) -> None:
    """Draw every active compartment of a class's detector neuron and its energy trajectory."""
    if not 0 <= digit <= 9:
        raise typer.BadParameter("expected a digit 0-9", param_hint="--class")
    with cli_context(ctx).store() as store:
        concepts = active_concepts(store, digit)
    if not concepts:
        raise InputError(f"class {digit} has no active concepts; train it first")
    render_concepts(digit, concepts, png, links=links)
    for line in concept_summary(digit, concepts):
        console.print(line, highlight=False, soft_wrap=True)
    console.print(f"-> {png}", highlight=False)
