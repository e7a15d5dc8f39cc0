"""Scale projection: a measured value -> its codes on every level of its scale.

Each function returns a tuple of strings, finest first, ending with the
wildcard, and derives every coarser code from the finest cell index, so the
levels are nested by construction (see :mod:`coman_graph.sensing.scales`).
Numeric codes are written ``"<cells>:<index>"`` so a code names its level.
:data:`CELL_CODES` gives, per scale, the codes of a fine cell from its index:
the projections use it, and so does :func:`universe`, every cell of a scale
with its codes, which matching compiles concept tables against.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable

from coman_graph.sensing.structural_graph import WILDCARD, Codes

_QUADRANTS = (("top-left", "top-right"), ("bottom-left", "bottom-right"))
_DIRECTIONS = ("horizontal", "rising", "vertical", "falling")
_TURNS = ("straight", "left", "back", "right")
_GEL = ("less", "equal", "greater")


def _bin(value: float, low: float, high: float, bins: int) -> int:
    """Index of ``value`` among ``bins`` equal cells of [low, high], clipped to the ends."""
    index = math.floor((value - low) / (high - low) * bins)
    return min(max(index, 0), bins - 1)


def _grid_cell(cell: int, half_by_row: bool) -> Codes:
    """Codes of fine cell ``cell`` = 8 * row + col of the 8x8 grid."""
    row, col = divmod(cell, 8)
    quadrant = _QUADRANTS[row >> 2][col >> 2]
    halves = ("top", "bottom") if half_by_row else ("left", "right")
    half = halves[(row if half_by_row else col) >> 2]
    return (f"8:r{row}c{col}", f"4:r{row >> 1}c{col >> 1}", quadrant, half, WILDCARD)


def _grid(x: float, y: float, extent: float, half_by_row: bool) -> Codes:
    row, col = _bin(y, -extent, extent, 8), _bin(x, -extent, extent, 8)
    return _grid_cell(8 * row + col, half_by_row)


def position_codes(x: float, y: float) -> Codes:
    """Absolute position (normalised, y down) on 8x8 -> 4x4 -> quadrant -> top/bottom."""
    return _grid(x, y, 1.0, half_by_row=True)


def shifted_position_codes(x: float, y: float) -> Codes:
    """:func:`position_codes` on the same nested grids moved by half a fine cell.

    A point near a cell border of one grid is well inside a cell of the other, so
    matching on both grids (two parameters) degrades smoothly with distance instead
    of dropping at arbitrary borders.
    """
    return _grid(x + 1.0 / 8, y + 1.0 / 8, 1.0, half_by_row=True)


def shifted_rel_position_codes(dx: float, dy: float) -> Codes:
    """:func:`rel_position_codes` on grids moved by half a fine cell."""
    return _grid(dx + 2.0 / 8, dy + 2.0 / 8, 2.0, half_by_row=False)


def rel_position_codes(dx: float, dy: float) -> Codes:
    """Offset from the StartPoint on 8x8 over [-2, 2]^2 -> 4x4 -> quadrant -> left/right."""
    return _grid(dx, dy, 2.0, half_by_row=False)


def _angular_cell(fine: int, names: tuple[str, ...]) -> Codes:
    return (f"32:{fine}", f"16:{fine >> 1}", f"8:{fine >> 2}", names[fine >> 3], WILDCARD)


def _angular(angle: float, period: float, names: tuple[str, ...]) -> Codes:
    """32 -> 16 -> 8 bins of a circular range, then 4 named bins centred on 0, 1/4, 1/2, 3/4."""
    shifted = (angle + period / 8) % period
    return _angular_cell(min(int(shifted / period * 32), 31), names)


def orientation_codes(degrees: float) -> Codes:
    """Undirected direction in degrees (y up, 0 = horizontal, 45 = rising)."""
    return _angular(degrees, 180.0, _DIRECTIONS)


def shifted_orientation_codes(degrees: float) -> Codes:
    """:func:`orientation_codes` on bins moved by half a fine bin."""
    return _angular(degrees + 180.0 / 64, 180.0, _DIRECTIONS)


def turn_codes(degrees: float) -> Codes:
    """Signed turn in degrees, positive = to the left (counter-clockwise, y up)."""
    return _angular(degrees, 360.0, _TURNS)


def _length_cell(fine: int) -> Codes:
    return (
        f"16:{fine}",
        f"8:{fine >> 1}",
        f"4:{fine >> 2}",
        "short" if fine < 8 else "long",
        WILDCARD,
    )


def length_codes(relative: float) -> Codes:
    """Length relative to the longest segment, in (0, 1]."""
    return _length_cell(_bin(relative, 0.0, 1.0, 16))


def _gel_cell(fine: int) -> Codes:
    return (f"8:{fine}", _GEL[0 if fine < 3 else (1 if fine < 5 else 2)], WILDCARD)


def _gel(value: float, equal: float, outer: tuple[float, float]) -> Codes:
    """8 bins (edges -o2, -o1, -equal, 0, equal, o1, o2) -> less/equal/greater."""
    edges = (-outer[1], -outer[0], -equal, 0.0, equal, outer[0], outer[1])
    return _gel_cell(bisect_right(edges, value))


def ratio_codes(ratio: float, equal_ratio: float) -> Codes:
    """A length ratio (source / target): equal within ``equal_ratio``, then x2, x4."""
    return _gel(math.log2(ratio), math.log2(equal_ratio), (1.0, 2.0))


def offset_codes(difference: float, equal_offset: float) -> Codes:
    """A difference of normalised coordinates (source - target): equal within ``equal_offset``."""
    return _gel(difference, equal_offset, (0.5, 1.0))


#: Scale name -> the codes of its fine cell number i (see :mod:`coman_graph.sensing.scales`).
CELL_CODES: dict[str, Callable[[int], Codes]] = {
    "position": lambda cell: _grid_cell(cell, half_by_row=True),
    "rel_position": lambda cell: _grid_cell(cell, half_by_row=False),
    "orientation": lambda fine: _angular_cell(fine, _DIRECTIONS),
    "turn": lambda fine: _angular_cell(fine, _TURNS),
    "length": _length_cell,
    "ratio": _gel_cell,
    "offset": _gel_cell,
}


def universe(scale: str, cells: int) -> tuple[Codes, ...]:
    """Every fine cell of ``scale`` (``cells`` of them), in index order, with its codes."""
    return tuple(CELL_CODES[scale](i) for i in range(cells))
