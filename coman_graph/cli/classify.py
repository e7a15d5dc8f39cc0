"""`coman-graph classify`: one image through the learned concepts, with its explanation."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from coman_graph.cli.context import cli_context, console
from coman_graph.datasets.image_file import read_digit_image
from coman_graph.datasets.mnist import load_split
from coman_graph.datasets.protocols import view_specs
from coman_graph.datasets.selection import SampleSpec
from coman_graph.errors import InputError
from coman_graph.inference import DEFAULT_RULE, RULES, check_rule, classify, fill
from coman_graph.inference import explain as explain_match
from coman_graph.ingest import ingest, ingest_image, ingest_image_views, link_views
from coman_graph.report.render_explanation import render_explanation


def classify_command(
    ctx: typer.Context,
    image: Path = typer.Argument(None, help="A digit image (PNG...); resized to 28x28."),
    index: int = typer.Option(None, help="Or: the index of an MNIST image."),
    split: str = typer.Option("test", help="Split of --index: train or test."),
    rule: str = typer.Option(DEFAULT_RULE, help=f"Activation rule: {', '.join(RULES)}."),
    views: int = typer.Option(
        0,
        min=0,
        help="Match the image through N augmented copies of it too and pool each neuron's "
        "activation over them (see evaluate --views).",
    ),
    explain: bool = typer.Option(False, help="List which concept units matched which units."),
    png: Path = typer.Option(None, help="With --explain: draw the match over the digit."),
) -> None:
    """Classify one image: the winning class and every neuron's activation."""
    if (image is None) == (index is None):
        raise InputError("give exactly one of IMAGE or --index")
    check_rule(rule)
    # the input is read (and refused if bad) before any server is contacted
    if image is not None:
        pixels, spec = read_digit_image(image), None
    else:
        data = load_split(split)  # type: ignore[arg-type]
        if not 0 <= index < len(data):
            raise InputError(f"--index {index}: {split} holds indices 0-{len(data) - 1}")
        spec = SampleSpec(split, index, int(data.labels[index]))
        pixels = spec.image(data)
    with cli_context(ctx).store() as store:
        if spec is None:
            sample_id = ingest_image(store, pixels, str(image))
            ingest_image_views(store, pixels, str(image), sample_id, views)
        else:
            sample_id, copies = spec.sample_id, view_specs([spec], views)
            summary = ingest(store, [spec, *copies], workers=1)
            for failed, reason in summary.failed:
                if failed == sample_id:
                    raise InputError(f"{sample_id}: {reason}")
            link_views(store, copies)
        decisions = classify(store, [sample_id], rule=rule, workers=1, views=views)
        if not decisions or decisions[0].winner is None:
            raise InputError("no trained concepts: run `coman-graph train` first")
        decision = decisions[0]
        label = f" (label {decision.label})" if decision.label is not None else ""
        console.print(f"{sample_id}{label}: class [bold]{decision.winner}[/bold]")
        console.print(
            f"matching kernel: {store.kernel}"
            + (f"; activations pooled over the image and {views} views" if views else "")
        )
        table = Table("neuron", "activation", "best compartment", "fill", "coverage")
        for row in decision.ranked:
            table.add_row(
                str(row["class"]),
                f"{row['activation']:.3f}",
                row["concept_id"],
                f"{row['fill']:.3f}",
                f"{row['coverage']:.3f}",
            )
        console.print(table)
        if explain:
            winner = decision.ranked[0]["concept_id"]
            pairs = explain_match(store, sample_id, winner)
            matched = Table("concept unit", "kind", "sample unit", "kind", "energy filled")
            for pair in pairs:
                matched.add_row(
                    pair["concept_unit"],
                    pair["concept_kind"],
                    pair["sample_unit"],
                    pair["sample_kind"],
                    f"{pair['score']:.1f}",
                )
            filled = fill(store, sample_id, winner)
            console.print(
                f"winner {winner}: {filled['pairs']} unit pairs fill {filled['unit_energy']:.1f}"
                f" bits, {filled['links']} interconnections {filled['link_energy']:.1f}, of its"
                f" {filled['energy']:.1f}"
            )
            console.print(matched)
            if png is not None:
                render_explanation(pixels, pairs, png, f"{sample_id} -> {winner}")
                console.print(f"-> {png}")
