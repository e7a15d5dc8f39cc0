"""PNG render of a class's learned concepts: one panel per compartment, plus energy trajectories.

A concept unit is drawn at the level its parameters were generalised to:

- a point is the shaded cell of its position code at its position level (an
  8x8 cell, a 4x4 cell, a quadrant, a top/bottom half; nothing for '*'), with a
  small marker where the founding example had it, coloured by kind ('family'
  level — any point — grey, '*' light grey); the StartPoint is ringed green;
- a segment is a line between its bounding points (a bound removed by training
  is replaced by the mirror of the other one through the segment's midpoint),
  solid while its orientation is at the finest level, dashed and thinner as the
  orientation is generalised, dotted at '*';
- interconnections (optional) are thin arcs between unit anchors;
- the spread: every fine cell an example of the concept filled (the unit's ``seen`` table
  slots) is drawn too: for a point, each 8x8 cell of its position, hatched in its colour;
  for a segment, each of its orientations (32 directions) as a faint line through its
  midpoint. A unit one example founded shows one cell and one direction.

The input is the rows of ``audit/concept-units`` and ``audit/concept-trajectory``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle  # noqa: E402

from coman_graph.encoding import SCALE_OF, UNIVERSES  # noqa: E402
from coman_graph.report.render_sample import KIND_COLOURS as SAMPLE_KIND_COLOURS  # noqa: E402
from coman_graph.report.render_sample import mark_start_point  # noqa: E402
from coman_graph.sensing.structural_graph import SEGMENT_KIND, WILDCARD  # noqa: E402

KIND_PARAMETER = "kind_code"
#: As in sample renders, but a plain Point is olive so that grey means "kind lowered".
KIND_COLOURS = {**SAMPLE_KIND_COLOURS, "Point": "tab:olive"}
FAMILY_COLOUR = "dimgray"
WILDCARD_COLOUR = "silver"
#: Alpha of a point's shaded cell by position level: finer cells are darker.
CELL_ALPHA = (0.55, 0.35, 0.2, 0.12)
#: Alpha of the spread: the cells and directions a concept's examples filled.
SPREAD_ALPHA = 0.45
#: (line style, width) of a segment by orientation level; the last is the wildcard.
SEGMENT_STYLE = (("-", 2.6), ("--", 2.0), ("--", 1.6), ("--", 1.2), (":", 1.0))
_GRID_CODE = re.compile(r"^(\d+):r(\d+)c(\d+)$")
_QUADRANT = {
    "top-left": (-1.0, -1.0),
    "top-right": (0.0, -1.0),
    "bottom-left": (-1.0, 0.0),
    "bottom-right": (0.0, 0.0),
}
_HALF = {"top": (-1.0, -1.0, 1.0, 0.0), "bottom": (-1.0, 0.0, 1.0, 1.0)}


@dataclass(frozen=True)
class ConceptUnitView:
    """One concept unit: its founding geometry and each parameter's codes and level."""

    key: str
    kind: str
    x: float
    y: float
    start: bool
    codes: Mapping[str, list[str]]
    levels: Mapping[str, int]
    bounded_by: tuple[str, ...] = ()
    interconnects: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    #: Parameter -> the finest codes of the cells its examples filled (the spread).
    seen: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_segment(self) -> bool:
        return self.kind == SEGMENT_KIND

    def level(self, parameter: str) -> int | None:
        return self.levels.get(parameter)

    def code(self, parameter: str) -> str | None:
        """The parameter's code at its current level (None if the unit lacks it)."""
        level = self.levels.get(parameter)
        codes = self.codes.get(parameter)
        if level is None or not codes:
            return None
        return codes[min(level, len(codes) - 1)]

    @property
    def effective_kind(self) -> str:
        """The kind at its level: e.g. 'EndPoint', 'point' (lowered to family) or '*'."""
        return self.code(KIND_PARAMETER) or self.kind


@dataclass
class ConceptView:
    """One compartment: its summary, its units and its absorption steps."""

    concept_id: str
    compartment: int
    energy: float
    examples_seen: int
    stable_since: int
    units: list[ConceptUnitView] = field(default_factory=list)
    #: (step, energy_before, energy_after, operators, sample_id), in step order.
    trajectory: list[tuple[int, float, float, list[str], str]] = field(default_factory=list)

    def unit(self, key: str) -> ConceptUnitView | None:
        return next((u for u in self.units if u.key == key), None)

    @property
    def links(self) -> int:
        return sum(len(u.interconnects) for u in self.units)

    def kind_counts(self) -> Counter[str]:
        return Counter(u.effective_kind for u in self.units)


def seen_codes(params: list[str], seen: Iterable[int]) -> dict[str, tuple[str, ...]]:
    """Parameter -> the finest codes of the table slots in ``seen`` (a part's spread).

    Parameters
    ----------
    params
        The part's parameters, in table order.
    seen
        Its ``seen`` table slots (train/create-concept, R_uc, R_sp).
    """
    found: dict[str, tuple[str, ...]] = {}
    slots, offset = sorted(seen), 0
    for name in params:
        universe = UNIVERSES[SCALE_OF[name]]
        found[name] = tuple(
            universe[s - offset][0] for s in slots if offset <= s < offset + len(universe)
        )
        offset += len(universe)
    return found


def concepts_from_rows(
    unit_rows: Iterable[Mapping[str, Any]], trajectory_rows: Iterable[Mapping[str, Any]] = ()
) -> list[ConceptView]:
    """Build the concept views from the rows of audit/concept-units and concept-trajectory."""
    concepts: dict[str, ConceptView] = {}
    for row in unit_rows:
        concept = concepts.get(row["concept_id"])
        if concept is None:
            concept = concepts[row["concept_id"]] = ConceptView(
                row["concept_id"],
                int(row["compartment"]),
                float(row["energy"] or 0.0),
                int(row["examples_seen"] or 0),
                int(row["stable_since"] or 0),
            )
        unit = row.get("unit")
        if not unit:
            continue
        params = list(unit.get("params") or [])
        levels = list(unit.get("levels") or [0] * len(params))
        concept.units.append(
            ConceptUnitView(
                key=row["key"],
                kind=row["kind"],
                x=float(row["x"]),
                y=float(row["y"]),
                start=bool(row["start"]),
                codes={p: list(unit[p]) for p in params if p in unit},
                levels=dict(zip(params, (int(v) for v in levels), strict=False)),
                bounded_by=tuple(row.get("bounded_by") or ()),
                interconnects=tuple(
                    (link["target"], link["link"])
                    for link in row.get("interconnects") or ()
                    if link
                ),
                seen=seen_codes(params, unit.get("seen") or ()),
            )
        )
    for row in trajectory_rows:
        concept = concepts.get(row["concept_id"])
        if concept is not None:
            concept.trajectory.append(
                (
                    int(row["step"]),
                    float(row["energy_before"]),
                    float(row["energy_after"]),
                    list(row["operators"] or []),
                    row["sample_id"],
                )
            )
    for concept in concepts.values():
        concept.trajectory.sort()
    return sorted(concepts.values(), key=lambda c: c.compartment)


def position_cell(code: str | None) -> tuple[float, float, float, float] | None:
    """The region (x0, y0, x1, y1) of the normalised square a position code names.

    '8:r0c3' and '4:r1c2' are cells of the 8x8 and 4x4 grids over [-1, 1]^2
    (row 0 at the top); 'top-left' etc. are quadrants, 'top'/'bottom' halves;
    '*' (or an unknown code) is None.
    """
    if not code or code == WILDCARD:
        return None
    grid = _GRID_CODE.match(code)
    if grid:
        cells, row, col = (int(g) for g in grid.groups())
        size = 2.0 / cells
        x0, y0 = -1.0 + col * size, -1.0 + row * size
        return (x0, y0, x0 + size, y0 + size)
    if code in _QUADRANT:
        x0, y0 = _QUADRANT[code]
        return (x0, y0, x0 + 1.0, y0 + 1.0)
    return _HALF.get(code)


def _kind_colour(unit: ConceptUnitView) -> str:
    level = unit.level(KIND_PARAMETER) or 0
    if level == 0:
        return "black" if unit.is_segment else KIND_COLOURS.get(unit.kind, FAMILY_COLOUR)
    if unit.effective_kind == WILDCARD:
        return WILDCARD_COLOUR
    return "black" if unit.is_segment else FAMILY_COLOUR


def _segment_ends(
    segment: ConceptUnitView, concept: ConceptView
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Its two bounding points; a missing bound mirrors the other through the midpoint."""
    points = [concept.unit(k) for k in segment.bounded_by]
    ends = [(p.x, p.y) for p in points if p is not None]
    if len(ends) >= 2:
        return ends[0], ends[1]
    if len(ends) == 1:
        (x, y) = ends[0]
        return (x, y), (2 * segment.x - x, 2 * segment.y - y)
    # No bound left: a short stroke through the midpoint along the founding direction.
    return _direction_through(segment, (segment.codes.get("orientation") or ["32:0"])[0])


def _direction_through(
    segment: ConceptUnitView, code: str, half_length: float = 0.15
) -> tuple[tuple[float, float], tuple[float, float]]:
    """A stroke through the segment's midpoint in the direction a fine orientation code names."""
    bins = int(code.split(":")[0]) if ":" in code else 32
    index = int(code.split(":")[1]) if ":" in code else 0
    degrees = (index + 0.5) * 180.0 / bins - 22.5
    dx = half_length * math.cos(math.radians(degrees))
    dy = -half_length * math.sin(math.radians(degrees))
    return (segment.x - dx, segment.y - dy), (segment.x + dx, segment.y + dy)


def draw_concept(axes: plt.Axes, concept: ConceptView, links: bool) -> None:
    """Draw one compartment on ``axes`` in the normalised frame (see the module docstring)."""
    axes.add_patch(Rectangle((-1, -1), 2, 2, fill=False, edgecolor="lightgray", linewidth=0.8))
    for t in (-0.5, 0.0, 0.5):
        axes.plot([t, t], [-1, 1], color="whitesmoke", linewidth=0.6, zorder=0)
        axes.plot([-1, 1], [t, t], color="whitesmoke", linewidth=0.6, zorder=0)
    points = [u for u in concept.units if not u.is_segment]
    segments = [u for u in concept.units if u.is_segment]
    for unit in sorted(points, key=lambda u: -(u.level("position") or 0)):
        cell = position_cell(unit.code("position"))
        if cell is not None:
            level = min(unit.level("position") or 0, len(CELL_ALPHA) - 1)
            x0, y0, x1, y1 = cell
            colour = _kind_colour(unit)
            axes.add_patch(
                Rectangle(
                    (x0, y0),
                    x1 - x0,
                    y1 - y0,
                    facecolor=colour,
                    alpha=CELL_ALPHA[level],
                    edgecolor=colour,
                    linewidth=0.8,
                    zorder=1,
                )
            )
    for unit in points:
        colour = _kind_colour(unit)
        for code in unit.seen.get("position", ()):
            x0, y0, x1, y1 = position_cell(code) or (0.0, 0.0, 0.0, 0.0)
            axes.add_patch(
                Rectangle(
                    (x0, y0),
                    x1 - x0,
                    y1 - y0,
                    fill=False,
                    hatch="////",
                    edgecolor=colour,
                    linewidth=0.0,
                    alpha=SPREAD_ALPHA,
                    zorder=1,
                )
            )
    for segment in segments:
        for code in segment.seen.get("orientation", ()):
            (ax, ay), (bx, by) = _direction_through(segment, code)
            axes.plot(
                [ax, bx],
                [ay, by],
                linewidth=0.8,
                color=_kind_colour(segment),
                alpha=SPREAD_ALPHA,
                zorder=2,
            )
    for segment in segments:
        level = min(segment.level("orientation") or 0, len(SEGMENT_STYLE) - 1)
        style, width = SEGMENT_STYLE[level]
        (ax, ay), (bx, by) = _segment_ends(segment, concept)
        axes.plot(
            [ax, bx],
            [ay, by],
            linestyle=style,
            linewidth=width,
            color=_kind_colour(segment),
            zorder=3,
            solid_capstyle="round",
        )
    if links:
        for unit in concept.units:
            for target_key, _ in unit.interconnects:
                target = concept.unit(target_key)
                if target is not None:
                    axes.add_patch(
                        FancyArrowPatch(
                            (unit.x, unit.y),
                            (target.x, target.y),
                            connectionstyle="arc3,rad=0.35",
                            arrowstyle="-",
                            color="tab:purple",
                            alpha=0.5,
                            linewidth=0.7,
                            zorder=2,
                        )
                    )
    for unit in points:
        fine = (unit.level("position") or 0) == 0
        colour = _kind_colour(unit)
        axes.scatter(
            [unit.x],
            [unit.y],
            s=38 if fine else 22,
            zorder=4,
            linewidths=1.2,
            facecolors=colour if fine else "white",
            edgecolors=colour,
        )
        if unit.start:
            mark_start_point(axes, unit.x, unit.y, 170, linewidths=1.6, zorder=5)
    if not concept.units:
        axes.text(0, 0, "no units", ha="center", va="center", color="gray")
    axes.set_xlim(-1.15, 1.15)
    axes.set_ylim(1.15, -1.15)
    axes.set_aspect("equal")
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_title(
        f"c{concept.compartment}: E {concept.energy:.1f}, {concept.examples_seen} ex., "
        f"stable since {concept.stable_since}\n{concept_kinds_text(concept, short=True)}",
        fontsize=8,
    )


_SHORT = {
    "EndPoint": "End",
    "CornerPoint": "Corner",
    "JunctionPoint": "Junct",
    "Point": "Pt",
    "point": "pt*",
    SEGMENT_KIND: "Seg",
}


def concept_kinds_text(concept: ConceptView, short: bool = False) -> str:
    """How many units of each (effective) kind, e.g. '2 EndPoint, 1 Segment'."""
    counts = concept.kind_counts()
    order = ["EndPoint", "CornerPoint", "JunctionPoint", "Point", "point", SEGMENT_KIND, WILDCARD]
    names = sorted(counts, key=lambda k: order.index(k) if k in order else len(order))
    if short:
        return " ".join(f"{counts[k]} {_SHORT.get(k, k)}" for k in names) or "no units"
    return ", ".join(f"{counts[k]} {k}" for k in names) or "no units"


def _draw_trajectories(axes: plt.Axes, concepts: list[ConceptView]) -> None:
    colours = plt.get_cmap("tab20")
    for i, concept in enumerate(concepts):
        if not concept.trajectory:
            continue
        steps = [step for step, *_ in concept.trajectory]
        energies = [after for _, _, after, _, _ in concept.trajectory]
        axes.plot(
            steps,
            energies,
            marker="o",
            markersize=3,
            linewidth=1.2,
            color=colours(i % 20),
            label=f"c{concept.compartment}",
        )
    axes.set_xlabel("absorption step")
    axes.set_ylabel("energy (bits)")
    axes.set_title("energy trajectories", fontsize=9)
    axes.grid(alpha=0.3)
    axes.set_ylim(bottom=0)
    axes.xaxis.get_major_locator().set_params(integer=True)
    if any(c.trajectory for c in concepts):
        axes.legend(fontsize=6, ncol=2 if len(concepts) > 7 else 1, loc="upper right")


def _legend_handles() -> list[object]:
    handles: list[object] = [
        Patch(facecolor=KIND_COLOURS[k], alpha=0.6, label=k)
        for k in ("EndPoint", "CornerPoint", "JunctionPoint", "Point")
    ]
    handles += [
        Patch(facecolor=FAMILY_COLOUR, alpha=0.6, label="point (kind lowered)"),
        Line2D([], [], color="black", linewidth=2.6, label="segment, orientation fine"),
        Line2D([], [], color="black", linestyle="--", linewidth=1.6, label="orientation coarser"),
        Line2D([], [], color="black", linestyle=":", linewidth=1.0, label="orientation '*'"),
        Patch(fill=False, hatch="////", edgecolor="black", label="cells its examples filled"),
        Line2D([], [], color="black", alpha=SPREAD_ALPHA, linewidth=0.8, label="their directions"),
        Line2D(
            [],
            [],
            marker="o",
            color="green",
            markerfacecolor="none",
            linestyle="",
            markersize=9,
            label="StartPoint",
        ),
    ]
    return handles


def render_concepts(
    digit: int, concepts: list[ConceptView], path: str | Path, links: bool = False
) -> Path:
    """Write one panel per compartment and one of energy trajectories to a PNG.

    Parameters
    ----------
    digit
        The class, for the title.
    concepts
        From :func:`concepts_from_rows`, in compartment order.
    path
        Where to write the PNG.
    links
        Also draw interconnections as thin arcs.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    panels = len(concepts) + 1
    cols = min(5, panels)
    rows = math.ceil(panels / cols)
    figure, grid = plt.subplots(
        rows,
        cols,
        figsize=(3.0 * cols, 3.4 * rows + 0.6),
        squeeze=False,
        layout="constrained",
    )
    flat = list(grid.flat)
    for axes, concept in zip(flat, concepts, strict=False):
        draw_concept(axes, concept, links)
    _draw_trajectories(flat[len(concepts)], concepts)
    for axes in flat[panels:]:
        axes.axis("off")
    figure.suptitle(
        f"class {digit}: {len(concepts)} compartment(s), "
        f"{sum(c.examples_seen for c in concepts)} examples absorbed",
        fontsize=11,
    )
    figure.legend(
        handles=_legend_handles(), loc="outside lower center", ncol=5, fontsize=7, frameon=False
    )
    path = Path(path)
    figure.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(figure)
    return path


def concept_summary(digit: int, concepts: list[ConceptView]) -> list[str]:
    """A few lines of text: each compartment's energy, examples, stability and unit kinds."""
    lines = [f"class {digit}: {len(concepts)} active compartment(s)"]
    for c in concepts:
        lines.append(
            f"  c{c.compartment}: energy {c.energy:.1f}, {c.examples_seen} example(s), "
            f"stable since step {c.stable_since}, {len(c.units)} units "
            f"({concept_kinds_text(c)}), {c.links} interconnections"
        )
    return lines
