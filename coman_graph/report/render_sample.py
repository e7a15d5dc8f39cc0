"""PNG render of one sensed sample: the digit, its figure, its skeleton and its typed graph."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from coman_graph.sensing.pipeline import SensingTrace  # noqa: E402
from coman_graph.sensing.structural_graph import POINT_KINDS, StructuralGraph  # noqa: E402

KIND_COLOURS = {
    "EndPoint": "tab:red",
    "CornerPoint": "tab:orange",
    "JunctionPoint": "tab:blue",
    "Point": "tab:gray",
}


START_COLOUR = "green"


def mark_start_point(axes: plt.Axes, x: float, y: float, size: float, **style: object) -> None:
    """Ring the StartPoint at (x, y): the same mark in sample, concept and case renders."""
    axes.scatter(
        [x],
        [y],
        s=size,
        facecolors="none",
        edgecolors=START_COLOUR,
        **style,
    )


def _draw_graph(axes: plt.Axes, graph: StructuralGraph) -> None:
    points = {u.key: u for u in graph.units if not u.is_segment}
    for unit in graph.units:
        if unit.is_segment and unit.ends:
            a, b = (points[key] for key in unit.ends)
            axes.plot([a.x, b.x], [a.y, b.y], color="black", linewidth=2, zorder=1)
            axes.annotate(unit.key, (unit.x, unit.y), fontsize=6, color="dimgray")
    for kind in POINT_KINDS:
        members = [u for u in points.values() if u.kind == kind]
        if members:
            axes.scatter(
                [u.x for u in members],
                [u.y for u in members],
                s=60,
                color=KIND_COLOURS[kind],
                label=f"{kind} ({len(members)})",
                zorder=2,
            )
    if graph.start_point is not None:
        start = points[graph.start_point]
        mark_start_point(axes, start.x, start.y, 260, linewidths=2, label="StartPoint", zorder=3)
    axes.set_xlim(-1.15, 1.15)
    axes.set_ylim(1.15, -1.15)
    axes.set_aspect("equal")
    axes.legend(loc="upper left", fontsize=8, bbox_to_anchor=(1.02, 1.0))


def _draw_bridges(axes: plt.Axes, bridges: tuple, colour: str, label: str) -> None:
    for n, ((x0, y0), (x1, y1)) in enumerate(bridges):
        axes.plot([x0, x1], [y0, y1], color=colour, linewidth=2.5, label=label if n == 0 else None)


def render_sample(
    image: np.ndarray,
    trace: SensingTrace,
    path: str | Path,
    title: str = "",
) -> Path:
    """Write a four-panel PNG: the digit, its figure, its skeleton and its typed graph.

    Parameters
    ----------
    image
        The 28x28 digit.
    trace
        What sensing made of it (:func:`coman_graph.sensing.pipeline.sense_traced`): the
        figure panel shows the binary figure with the bridges that joined its fragments
        (blue) and the gaps closed at stroke ends (red).
    path
        Where to write the PNG.
    title
        Figure title.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    graph = trace.graph
    figure, (digit, cut, thin, typed) = plt.subplots(1, 4, figsize=(16, 4))
    digit.imshow(image, cmap="gray_r")
    digit.set_title("digit")
    cut.imshow(trace.mask, cmap="gray_r", interpolation="nearest")
    _draw_bridges(cut, trace.bridges, "tab:blue", f"fragment bridges ({len(trace.bridges)})")
    _draw_bridges(cut, trace.gaps, "tab:red", f"closed gaps ({len(trace.gaps)})")
    if trace.bridges or trace.gaps:
        cut.legend(loc="lower left", fontsize=7)
    cut.set_title(f"figure (threshold {graph.threshold})")
    thin.imshow(trace.skeleton, cmap="gray_r", interpolation="nearest")
    thin.set_title(f"skeleton ({int(trace.skeleton.sum())} px)")
    _draw_graph(typed, graph)
    typed.set_title(f"graph: loops {graph.loops}, {trace.method}")
    for axes in (digit, cut, thin):
        axes.set_xticks([])
        axes.set_yticks([])
    figure.suptitle(title)
    figure.tight_layout()
    path = Path(path)
    figure.savefig(path, dpi=80, bbox_inches="tight")
    plt.close(figure)
    return path
