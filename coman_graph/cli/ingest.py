"""`coman-graph ingest`: sense MNIST images and store their structural graphs."""

from __future__ import annotations

import typer

from coman_graph.cli.context import cli_context, cluster_client, console, scheduler_option
from coman_graph.cli.progress import progress_bar
from coman_graph.cluster import cluster_senser
from coman_graph.datasets.mnist import load_split
from coman_graph.datasets.selection import parse_classes, pick_per_class, specs_for
from coman_graph.errors import InputError
from coman_graph.ingest import IngestSummary, ingest


def print_summary(summary: IngestSummary) -> None:
    console.print(
        f"samples written: {summary.written}, already present: {summary.skipped}, "
        f"failed: {len(summary.failed)}"
    )
    for sample_id, reason in summary.failed[:20]:
        console.print(f"  failed {sample_id}: {reason}", highlight=False)
    if len(summary.failed) > 20:
        console.print(f"  ... and {len(summary.failed) - 20} more")


def ingest_command(
    ctx: typer.Context,
    split: str = typer.Option("train", help="MNIST split: train or test."),
    classes: str = typer.Option(None, help="Digits to take, e.g. 1,2,3 (default all)."),
    per_class: int = typer.Option(None, help="Take K images per class, drawn with --seed."),
    indices: str = typer.Option(None, help="Explicit image indices, e.g. 0,5,17 (or 0-99)."),
    augment: int = typer.Option(0, help="Also store N seeded augmentations of each image."),
    seed: int = typer.Option(0, help="Seed of the per-class draw and of the augmentations."),
    method: str = typer.Option("gng", help="Graph builder: gng or skeleton."),
    workers: int = typer.Option(2, help="Sensing processes (without --scheduler)."),
    scheduler: str = scheduler_option(),
) -> None:
    """Sense MNIST images and write their structural hypergraphs (idempotent, resumable).

    Without --per-class or --indices, every image of the split (of --classes) is taken.
    With --scheduler, the images are sensed on the Dask cluster's workers and written here.
    """
    if split not in ("train", "test"):
        raise InputError(f"--split {split!r}: expected train or test")
    if method not in ("gng", "skeleton"):
        raise InputError(f"--method {method!r}: expected gng or skeleton")
    data = load_split(split)  # type: ignore[arg-type]
    wanted = parse_classes(classes)
    if indices:
        chosen = _parse_indices(indices)
    elif per_class:
        chosen = pick_per_class(data, wanted, per_class, seed)
    else:
        chosen = [int(i) for i in data.indices_of(wanted)]
    specs = specs_for(data, chosen, augment, seed)
    with (
        cluster_client(scheduler) as client,
        cli_context(ctx).store() as store,
        progress_bar() as bar,
    ):
        task = bar.add_task(f"ingest {split}", total=len(specs))
        summary = ingest(
            store,
            specs,
            method=method,
            workers=workers,
            on_progress=lambda n: bar.advance(task, n),
            senser=cluster_senser(client) if client is not None else None,
        )
    print_summary(summary)


def _parse_indices(text: str) -> list[int]:
    chosen: list[int] = []
    try:
        for part in text.split(","):
            if "-" in part:
                low, high = part.split("-")
                chosen.extend(range(int(low), int(high) + 1))
            elif part.strip():
                chosen.append(int(part))
    except ValueError:
        raise InputError(f"--indices {text!r}: expected numbers like 0,5,17 or 0-99") from None
    return chosen
