"""`coman-graph show-sample N`: sense one MNIST image and render its stages to a PNG."""

from __future__ import annotations

from pathlib import Path

import typer

from coman_graph.cli.context import console
from coman_graph.datasets.mnist import load_split
from coman_graph.report.render_sample import render_sample
from coman_graph.sensing.pipeline import METHODS, sense_traced
from coman_graph.sensing.structural_graph import UNIT_KINDS


def show_sample(
    index: int = typer.Option(..., "--index", help="Index of the image in the split."),
    split: str = typer.Option("test", help="MNIST split: train or test."),
    png: Path = typer.Option(Path("sample.png"), help="Where to write the PNG."),
    seed: int = typer.Option(0, help="Seed of the GNG fit."),
    method: str = typer.Option("gng", help="Graph builder: gng or skeleton."),
) -> None:
    """Sense image INDEX: write the digit, its figure, skeleton and typed graph to a PNG."""
    if method not in METHODS:
        raise typer.BadParameter(f"expected one of {', '.join(METHODS)}", param_hint="--method")
    data = load_split(split)
    if not 0 <= index < len(data):
        raise typer.BadParameter(f"{split} has {len(data)} images", param_hint="INDEX")
    image, label = data.images[index], int(data.labels[index])
    trace = sense_traced(image, seed=seed, method=method)
    graph = trace.graph
    render_sample(image, trace, png, title=f"{split}[{index}] label {label}")
    counts = ", ".join(f"{graph.count(kind)} {kind}" for kind in UNIT_KINDS if graph.count(kind))
    console.print(
        f"{split}[{index}] label {label}: {counts}; loops {graph.loops}; "
        f"threshold {graph.threshold}; {len(trace.bridges)} fragment bridges, "
        f"{len(trace.gaps)} closed gaps; {trace.method} -> {png}",
        highlight=False,
    )
