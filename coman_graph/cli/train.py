"""`coman-graph train`: form the concepts of each class from a few examples, in the database."""

from __future__ import annotations

import typer
from rich.table import Table

from coman_graph.cli.context import cli_context, console
from coman_graph.cli.ingest import print_summary
from coman_graph.cli.progress import phase_starter, progress_bar
from coman_graph.datasets.mnist import load_split
from coman_graph.datasets.protocols import Protocol, training_specs
from coman_graph.datasets.selection import parse_classes
from coman_graph.ingest import ingest
from coman_graph.learning import CONCEPT_FORMS, TrainingConfig, train_classes


def compartment_loss_option() -> float:
    """The ``--compartment-loss`` option of the commands that train."""
    return typer.Option(
        TrainingConfig.compartment_loss,
        help="Open a new compartment when absorbing an example would leave the best concept "
        "with less than (1 - this) of its founding energy.",
    )


def concept_form_option() -> str:
    """The ``--concept-form`` option of the commands that train."""
    return typer.Option(
        TrainingConfig.concept_form,
        help=f"How a concept scores the cells of a parameter ({', '.join(CONCEPT_FORMS)}): "
        "levels, by the finest level at which all its examples agree; spread, by the cover of "
        "the cells its examples filled.",
    )


def train_command(
    ctx: typer.Context,
    classes: str = typer.Option(None, help="Digits to train, e.g. 1,2,3 (default all)."),
    per_class: int = typer.Option(5, help="Unique training images per class."),
    augment: int = typer.Option(10, help="Seeded augmentations of each training image."),
    seed: int = typer.Option(0, help="Seed of the image draw, augmentations and absorption order."),
    compartment_loss: float = compartment_loss_option(),
    concept_form: str = concept_form_option(),
    workers: int = typer.Option(
        2, help="Sensing processes for missing samples, and classes trained at once."
    ),
) -> None:
    """Train each class's detector neuron: one pass, no backpropagation, inside the database.

    Missing training samples are sensed and ingested first. Re-running continues an
    interrupted training; a finished class's concepts are replaced atomically.
    """
    digits = parse_classes(classes)
    protocol = Protocol("custom", digits, per_class, augment)
    specs = training_specs(protocol, load_split("train"), seed)
    config = TrainingConfig(compartment_loss, concept_form)
    table = Table("class", "examples", "absorbed now", "compartments", "energies (bits)")
    with cli_context(ctx).store() as store, progress_bar() as bar:
        start = phase_starter(bar)
        summary = ingest(store, specs, workers=workers, on_progress=start("ingest", len(specs)))
        advance = start("train", len(specs))
        results = train_classes(
            store, specs, digits, seed, config, on_step=lambda: advance(1), workers=workers
        )
    for digit, result in results.items():
        energies = ", ".join(f"{c.energy:.0f}" for c in result.compartments)
        examples = sum(spec.label == digit for spec in specs)
        table.add_row(
            str(digit), str(examples), str(result.steps), str(len(result.compartments)), energies
        )
    print_summary(summary)
    console.print(table)
