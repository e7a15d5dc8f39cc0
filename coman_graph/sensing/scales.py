"""The nested scales every parameter is measured on, and which parameter uses which.

A scale is a list of levels, finest first, each a partition of the parameter's
range that refines the next one (two values in one cell at level l share a
cell at every coarser level), followed by the wildcard ``'*'``. The energy of
a level is log2 of its number of cells (bits of specificity); the wildcard's
is 0. The codes themselves are computed in :mod:`coman_graph.sensing.projection`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """A named scale: level names and cell counts, finest first, wildcard excluded."""

    name: str
    level_names: tuple[str, ...]
    cells: tuple[int, ...]

    @property
    def energies(self) -> tuple[float, ...]:
        """log2(cells) of every level, then 0.0 for the wildcard."""
        return (*(math.log2(c) for c in self.cells), 0.0)

    @property
    def depth(self) -> int:
        """Number of codes of a parameter on this scale, wildcard included."""
        return len(self.cells) + 1


_GRID = ("grid8", "grid4", "quadrant", "half")

SCALES: dict[str, Scale] = {
    s.name: s
    for s in (
        # Absolute receptive field over the normalised square [-1, 1]^2:
        # 8x8 grid -> 4x4 sub-quadrant sectors -> quadrants -> top/bottom half.
        Scale("position", _GRID, (64, 16, 4, 2)),
        # Relative to the StartPoint, over [-2, 2]^2 around it:
        # 8x8 -> 4x4 -> quadrants around the StartPoint -> left/right of it.
        Scale("rel_position", _GRID, (64, 16, 4, 2)),
        # Undirected segment direction over 180 degrees; the 4 coarsest
        # directions are centred on horizontal, rising, vertical, falling.
        Scale("orientation", ("dir32", "dir16", "dir8", "dir4"), (32, 16, 8, 4)),
        # Segment length / longest segment length, in (0, 1]: 16 -> 8 -> 4 bins -> short/long.
        Scale("length", ("bin16", "bin8", "bin4", "half"), (16, 8, 4, 2)),
        # Signed turn from one segment to the next over 360 degrees; the 4
        # coarsest bins are centred on straight on, left, back, right.
        Scale("turn", ("turn32", "turn16", "turn8", "turn4"), (32, 16, 8, 4)),
        # log2 of a length ratio: 8 bins -> less/equal/greater.
        Scale("ratio", ("bin8", "gel"), (8, 3)),
        # Difference of two centre coordinates: 8 bins -> less/equal/greater.
        Scale("offset", ("bin8", "gel"), (8, 3)),
    )
}

#: Every parameter sensing puts on units or interconnections -> the name of its scale.
PARAMETER_SCALE: dict[str, str] = {
    "position": "position",
    "position_shift": "position",
    "rel_position": "rel_position",
    "rel_position_shift": "rel_position",
    "orientation": "orientation",
    "orientation_shift": "orientation",
    "length": "length",
    "turn": "turn",
    "length_cmp": "ratio",
    "x_cmp": "offset",
    "y_cmp": "offset",
}
