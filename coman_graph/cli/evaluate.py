"""`coman-graph evaluate`: a protocol end to end, beside the pixel baselines."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer
from rich.table import Table

from coman_graph.cli.context import cli_context, cluster_client, console, scheduler_option
from coman_graph.cli.progress import phase_starter, progress_bar
from coman_graph.cli.train import compartment_loss_option, concept_form_option
from coman_graph.datasets.protocols import VALIDATION_SIZE, get_protocol
from coman_graph.datasets.selection import parse_classes
from coman_graph.errors import InputError
from coman_graph.evaluation import EVALUATION_SETS, TEST, VALIDATION, Evaluation, evaluate
from coman_graph.inference import DEFAULT_RULE, RULES, check_rule
from coman_graph.learning import TrainingConfig


def evaluate_command(
    ctx: typer.Context,
    protocol: str = typer.Option("P6", help="P6 (classes 1,2,3,6,7,9; 6 per class) or P10."),
    k: int = typer.Option(None, help="Unique training images per class (default: protocol's)."),
    seed: int = typer.Option(0, help="Seed of the training draw, augmentations and order."),
    classes: str = typer.Option(None, help="Override the protocol's classes, e.g. 1,7."),
    augment: int = typer.Option(None, help="Override the augmentations per image (10)."),
    on: str = typer.Option(
        TEST,
        help="test: the test split; validation: held-out TRAIN-split images, on which rules "
        "and parameters are chosen.",
    ),
    limit: int = typer.Option(
        None,
        help=f"Only the first N test images (default all); on validation, N held-out images "
        f"(default {VALIDATION_SIZE}).",
    ),
    rule: str = typer.Option(DEFAULT_RULE, help=f"Activation rule: {', '.join(RULES)}."),
    compare_rule: str = typer.Option(
        None, help="Also classify with this rule and draw both confusion matrices."
    ),
    compartment_loss: float = compartment_loss_option(),
    concept_form: str = concept_form_option(),
    views: int = typer.Option(
        0,
        min=0,
        help="Match each evaluated image through N augmented copies of it too and pool each "
        "neuron's activation over them: more accurate, at N+1 times the sensing and matching "
        "(docs/experiments.md).",
    ),
    out: Path = typer.Option(Path("out"), help="Folder for metrics.json and the PNGs."),
    workers: int = typer.Option(2, help="Sensing processes and classification sessions."),
    scheduler: str = scheduler_option(),
) -> None:
    """Ingest, train, classify the protocol's whole test set and print the table.

    With --scheduler, images are sensed on the Dask cluster's workers and the test images
    classified there, each worker on a replica of the trained model served by a local
    server of the chosen engine; this server stores everything and records the run.
    """
    chosen = get_protocol(protocol).with_k(k)
    if classes:
        chosen = replace(chosen, classes=parse_classes(classes))
    if augment is not None:
        chosen = replace(chosen, augment=augment)
    if on not in EVALUATION_SETS:
        raise InputError(f"--on {on!r}: expected one of {', '.join(EVALUATION_SETS)}")
    for name in (rule, compare_rule):
        if name is not None:
            check_rule(name)
    context = cli_context(ctx)
    with (
        cluster_client(scheduler) as client,
        context.store() as store,
        progress_bar() as bar,
    ):
        result = evaluate(
            store,
            chosen,
            seed=seed,
            limit=limit,
            on=on,
            rule=rule,
            compare_rule=compare_rule,
            config=TrainingConfig(compartment_loss, concept_form),
            workers=workers,
            out_dir=out,
            progress=phase_starter(bar),
            cluster=client,
            replica_engine=context.engine,
            views=views,
        )
    print_evaluation(result)


def print_evaluation(result: Evaluation) -> None:
    p = result.params
    if result.on == VALIDATION:
        console.print(
            "[bold reverse] VALIDATION run [/bold reverse] on held-out TRAIN-split images: "
            "for choosing rules and parameters, not a test result"
        )
    console.print(
        f"[bold]{result.run_id}[/bold]: classes {p['classes']}, {p['per_class']} unique x "
        f"(1 + {p['augment']} augmentations) per class, {p[f'{result.on}_images']} "
        f"{result.on} images (unfiltered; {len(result.ingest_failures)} unsensable, counted "
        f"as errors); matching kernel: {p.get('kernel', 'cypher')}"
        + (f"; each image pooled over {p['views']} views" if p.get("views") else "")
    )
    table = Table(
        "method",
        "accuracy",
        "macro P",
        "macro R",
        "macro F1",
        title="VALIDATION (held-out train images)" if result.on == VALIDATION else None,
    )
    rows = (
        {f"ComAN ({p['rule']})": result.metrics}
        | {f"ComAN ({name})": m for name, m in result.rule_metrics.items() if name != p["rule"]}
        | result.baselines
    )
    for name, m in rows.items():
        table.add_row(
            name,
            f"{m.accuracy:.2%}",
            f"{m.macro_precision:.3f}",
            f"{m.macro_recall:.3f}",
            f"{m.macro_f1:.3f}",
        )
    console.print(table)
    per_class = Table("class", "precision", "recall", "F1", "support", "compartments")
    for row in result.metrics.per_class:
        per_class.add_row(
            str(row.cls),
            f"{row.precision:.3f}",
            f"{row.recall:.3f}",
            f"{row.f1:.3f}",
            str(row.support),
            str(result.compartments.get(row.cls, "")),
        )
    console.print(per_class)
    phases = Table("phase", "items", "seconds", "items/s")
    for phase in result.phases:
        phases.add_row(phase.name, str(phase.items), f"{phase.seconds:.1f}", f"{phase.rate:.1f}")
    console.print(phases)
    for path in result.files:
        console.print(f"wrote {path}")
