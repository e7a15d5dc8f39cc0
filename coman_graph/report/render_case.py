"""PNG render of one classified sample for the audit: the digit, its stored graph, and the
winning and the true class's compartments with the units each matched.

Everything but the digit is drawn in the normalised frame sensing uses (centre of the
figure's bounding box at 0, half its diagonal at 1, y downwards): the sample's graph from
the rows of ``audit/sample-graph``, a compartment as :func:`draw_concept` draws it, and
each matched pair of ``infer/explain`` as a line from the concept unit (where its founding
example had it) to the sample unit it matched, labelled with the energy it filled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from coman_graph.report.render_concept import ConceptView, draw_concept  # noqa: E402
from coman_graph.report.render_sample import KIND_COLOURS, mark_start_point  # noqa: E402

SEGMENT = "Segment"
MATCH_COLOUR = "tab:green"


@dataclass(frozen=True)
class CasePanel:
    """One compartment beside the sample: which class, how active, what it matched."""

    title: str
    concept: ConceptView | None
    pairs: Sequence[Mapping[str, Any]] = ()
    note: str = ""


def _draw_sample_graph(axes: plt.Axes, rows: Sequence[Mapping[str, Any]], faint: bool) -> None:
    """The stored units: segments as lines between their bounding points, points by kind."""
    points = {r["key"]: r for r in rows if r["kind"] != SEGMENT}
    alpha = 0.25 if faint else 1.0
    for row in rows:
        ends = [points[k] for k in row.get("bounded_by") or [] if k in points]
        if row["kind"] == SEGMENT and len(ends) == 2:
            (a, b) = (e["params"] for e in ends)
            axes.plot([a["x"], b["x"]], [a["y"], b["y"]], color="black", lw=2, alpha=alpha)
    for row in points.values():
        unit = row["params"]
        axes.scatter(
            [unit["x"]],
            [unit["y"]],
            s=40 if not faint else 20,
            color=KIND_COLOURS.get(row["kind"], "gray"),
            alpha=alpha,
            zorder=3,
        )
        if row.get("start") and not faint:
            mark_start_point(axes, unit["x"], unit["y"], 160, zorder=4)


def _frame(axes: plt.Axes) -> None:
    axes.set_xlim(-1.15, 1.15)
    axes.set_ylim(1.15, -1.15)
    axes.set_aspect("equal")
    axes.set_xticks([])
    axes.set_yticks([])


def _draw_panel(axes: plt.Axes, panel: CasePanel, graph: Sequence[Mapping[str, Any]]) -> None:
    if panel.concept is not None:
        draw_concept(axes, panel.concept, links=False)
    _draw_sample_graph(axes, graph, faint=True)
    for pair in panel.pairs:
        axes.plot(
            [pair["cx"], pair["sx"]],
            [pair["cy"], pair["sy"]],
            color=MATCH_COLOUR,
            lw=1.0,
            alpha=0.8,
            zorder=6,
        )
        axes.scatter(
            [pair["sx"]],
            [pair["sy"]],
            s=26,
            marker="s" if pair["sample_kind"] == SEGMENT else "o",
            color=MATCH_COLOUR,
            zorder=7,
        )
        axes.annotate(
            f"{pair['score']:.0f}", (pair["sx"], pair["sy"]), fontsize=6, color="darkgreen"
        )
    if panel.concept is None:
        axes.text(0, 0, panel.note or "no compartment", ha="center", va="center", fontsize=8)
    _frame(axes)
    axes.set_title(panel.title, fontsize=8)


def render_case(
    image: np.ndarray | None,
    graph: Sequence[Mapping[str, Any]],
    panels: Sequence[CasePanel],
    path: str | Path,
    title: str,
) -> Path:
    """Write the digit, its graph and one panel per compartment side by side to a PNG.

    Parameters
    ----------
    image
        The 28x28 pixels, or None when the MNIST files are not at hand.
    graph
        Rows of ``audit/sample-graph`` for the sample.
    panels
        Usually two: the winning class's compartment and the true class's best one.
    path
        Where to write the PNG.
    title
        A line above the panels.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    figure, axes = plt.subplots(1, 2 + len(panels), figsize=(3.0 * (2 + len(panels)), 3.4))
    if image is not None:
        axes[0].imshow(image, cmap="gray_r")
    else:
        axes[0].text(0.5, 0.5, "pixels not available", ha="center", va="center", fontsize=8)
    axes[0].set_xticks([])
    axes[0].set_yticks([])
    axes[0].set_title("digit", fontsize=8)
    _draw_sample_graph(axes[1], graph, faint=False)
    _frame(axes[1])
    segments = sum(1 for r in graph if r["kind"] == SEGMENT)
    axes[1].set_title(f"graph: {len(graph) - segments} points, {segments} segments", fontsize=8)
    for ax, panel in zip(axes[2:], panels, strict=True):
        _draw_panel(ax, panel, graph)
    figure.suptitle(title, fontsize=9)
    figure.tight_layout(rect=(0, 0, 1, 0.9))
    path = Path(path)
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return path
