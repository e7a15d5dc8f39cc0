"""How units are laid out in the database for matching: scale cells, table slots, anchors.

Matching (``cypher/kernel/``) scores a concept unit against a sample unit with one
look-up per parameter. Every scale has a *universe*: its fine cells in index order,
each with its codes on every level (:func:`coman_graph.sensing.projection.universe`).
A concept unit's ``table`` (compiled in ``cypher/train/compile-matcher``) holds, for
each of its parameters in ``params`` order and each cell of that parameter's universe,
the energy a sample unit in that cell fills; a sample unit's ``slots`` are its cells'
positions in such a table, so the score of a pair is ``sum(table[slot] for slot in
slots)``. Candidate pairs come from *anchors*: a unit's family and its quadrant on the
main and on the shifted position grid (``anchor_keys``); only units sharing an anchor
are compared.

The figure as a whole (its number of loops, whether it is closed) is encoded the same
way, on a ``(:Figure)`` node of the sample and of each concept (:func:`figure_props`),
with the figure scales: a concept's figure parameters generalise like a unit's, and
each bit of them a sample does not fill lowers the activation (``FIGURE_WEIGHT``).
"""

from __future__ import annotations

from typing import Any

from coman_graph.sensing.projection import universe
from coman_graph.sensing.scales import PARAMETER_SCALE, SCALES, Scale
from coman_graph.sensing.structural_graph import SEGMENT_KIND, UNIT_KINDS, WILDCARD, Codes

#: The kind of a unit as a parameter: the exact kind (EndPoint, CornerPoint, JunctionPoint,
#: Point; Segment), then "any point" (or "any segment"), then the wildcard. Lowering a
#: concept unit's kind (operator R_sp) raises the level of this parameter.
KIND_PARAMETER = "kind_code"
KIND_SCALE = Scale("kind", ("kind", "family"), (4, 1))
#: Parameters whose code at ANCHOR_LEVEL (2 = quadrant) anchors a unit: pairs of units
#: that share no anchor (family and quadrant on the main or the shifted grid) never match.
ANCHOR_PARAMETERS = ("position", "position_shift")
ANCHOR_LEVEL = 2
#: Matching ranks a pair by its score minus this times the squared distance of the two units
#: (normalised coordinates, so at most 0.08: it only breaks ties between equal scores).
DISTANCE_WEIGHT = 0.01

#: Figure-level topology: the number of loops (0, 1, 2, 3 or more), then open (no loop) or
#: looped, then the wildcard; and closure (closed: a loop and no loose end; or open).
LOOPS_PARAMETER = "loops_code"
LOOPS_SCALE = Scale("loops", ("count", "looped"), (4, 2))
LOOPS_CELLS = ("0", "1", "2", "3+")
CLOSURE_PARAMETER = "closure_code"
CLOSURE_SCALE = Scale("closure", ("closure",), (2,))
FIGURE_PARAMETERS = (LOOPS_PARAMETER, CLOSURE_PARAMETER)
#: Activation is multiplied by 2 ** -(FIGURE_WEIGHT x the bits of the concept's figure
#: energy the sample does not fill) (docs/experiments.md: 0.25 chosen on validation).
FIGURE_WEIGHT = 0.25


def kind_codes(kind: str) -> list[str]:
    """The codes of a unit kind on the kind scale."""
    return [kind, family(kind), WILDCARD]


def family(kind: str) -> str:
    """``Segment`` for a segment, ``point`` for any point kind."""
    return SEGMENT_KIND if kind == SEGMENT_KIND else "point"


def loops_codes(loops: int) -> list[str]:
    """The codes of a figure's loop count on the loops scale."""
    count = LOOPS_CELLS[min(loops, len(LOOPS_CELLS) - 1)]
    return [count, "open" if loops == 0 else "looped", WILDCARD]


def closure_codes(closed: bool) -> list[str]:
    """The codes of a figure's closure on the closure scale."""
    return ["closed" if closed else "open", WILDCARD]


def figure_props(loops: int, closed: bool) -> dict[str, Any]:
    """The properties of a sample's ``(:Figure)``: codes, ``params`` and table ``slots``."""
    props: dict[str, Any] = {
        LOOPS_PARAMETER: loops_codes(loops),
        CLOSURE_PARAMETER: closure_codes(closed),
        "params": list(FIGURE_PARAMETERS),
    }
    props["slots"] = slots(props, props["params"])
    return props


def _universes() -> dict[str, tuple[Codes, ...]]:
    found = {name: universe(name, scale.cells[0]) for name, scale in SCALES.items()}
    found[KIND_SCALE.name] = tuple(tuple(kind_codes(kind)) for kind in UNIT_KINDS)
    found[LOOPS_SCALE.name] = tuple(tuple(loops_codes(n)) for n in range(len(LOOPS_CELLS)))
    found[CLOSURE_SCALE.name] = (tuple(closure_codes(True)), tuple(closure_codes(False)))
    return found


#: Scale name -> its cells in index order, each with its codes (finest first, wildcard last).
UNIVERSES: dict[str, tuple[Codes, ...]] = _universes()
#: Parameter -> the name of its scale.
SCALE_OF: dict[str, str] = {
    **PARAMETER_SCALE,
    KIND_PARAMETER: KIND_SCALE.name,
    LOOPS_PARAMETER: LOOPS_SCALE.name,
    CLOSURE_PARAMETER: CLOSURE_SCALE.name,
}
_CELL_INDEX: dict[str, dict[str, int]] = {
    name: {codes[0]: i for i, codes in enumerate(cells)} for name, cells in UNIVERSES.items()
}


def slots(codes: dict[str, Any], params: list[str]) -> list[int]:
    """The table positions of a unit's (or an interconnection's) cells.

    Parameters
    ----------
    codes
        Parameter -> its codes, finest first.
    params
        The parameters in table order (the unit's ``params``).

    Returns
    -------
    For each parameter, the index of its finest code in its scale's universe plus the
    sizes of the universes of the parameters before it.
    """
    found, offset = [], 0
    for name in params:
        scale = SCALE_OF[name]
        found.append(offset + _CELL_INDEX[scale][codes[name][0]])
        offset += len(UNIVERSES[scale])
    return found


def anchor_keys(kind: str, codes: dict[str, Any]) -> list[str]:
    """The anchor cells of a unit: ``family|parameter|quadrant code`` per anchor parameter."""
    return [f"{family(kind)}|{name}|{codes[name][ANCHOR_LEVEL]}" for name in ANCHOR_PARAMETERS]


def all_anchor_keys() -> list[str]:
    """Every anchor cell a unit can have (the ``(:Anchor)`` nodes)."""
    keys = set()
    for kind in UNIT_KINDS:
        for cell in UNIVERSES[SCALE_OF[ANCHOR_PARAMETERS[0]]]:
            keys.update(anchor_keys(kind, dict.fromkeys(ANCHOR_PARAMETERS, cell)))
    return sorted(keys)


def level_tables(scale: Scale) -> tuple[list[str], list[float]]:
    """Every table a parameter on ``scale`` compiles to, keyed by the concept's level and code.

    A concept's parameter at level ``l`` with code ``c`` fills, for a sample unit in fine cell
    ``k``, the energy of the finest level at or coarser than ``l`` at which their codes agree:
    the sum, over the levels ``l' >= l`` (wildcard excluded) at which cell ``k``'s code is the
    concept's, of ``E[l'] - E[l' + 1]``, added finest first. By nesting, the concept's codes at
    the coarser levels are ``c``'s ancestors, so the vector depends on (``l``, ``c``) only.

    Returns
    -------
    keys
        ``"<level>|<code>"`` for every level (wildcard included) and every code at it, levels
        finest first, codes in universe order.
    tables
        The vectors of ``keys``, in their order, flattened: the one of ``keys[i]`` is
        ``tables[i * cells : (i + 1) * cells]`` (``cells``: the scale's fine cells).
    """
    cells = UNIVERSES[scale.name]
    energies, depth = scale.energies, scale.depth
    keys: list[str] = []
    tables: list[float] = []
    for level in range(depth):
        for codes in cells:
            key = f"{level}|{codes[level]}"
            if key in keys:
                continue
            keys.append(key)
            for cell in cells:
                filled = 0.0
                for finer in range(level, depth - 1):
                    if cell[finer] == codes[finer]:
                        filled = filled + (energies[finer] - energies[finer + 1])
                tables.append(filled)
    return keys, tables


def scale_rows() -> list[dict[str, Any]]:
    """The ``ingest/write-scales`` rows: every scale with its levels, energies and universe."""
    users: dict[str, list[str]] = {}
    for parameter, scale_name in SCALE_OF.items():
        users.setdefault(scale_name, []).append(parameter)
    rows = []
    for s in (*SCALES.values(), KIND_SCALE, LOOPS_SCALE, CLOSURE_SCALE):
        keys, tables = level_tables(s)
        rows.append(
            {
                "name": s.name,
                "levels": [*s.level_names, WILDCARD],
                "cells": [*s.cells, 1],
                "energies": list(s.energies),
                "parameters": sorted(users.get(s.name, [])),
                # flattened: the codes of cell i are universe[i * depth : (i + 1) * depth]
                "universe": [code for cell in UNIVERSES[s.name] for code in cell],
                "table_keys": keys,
                "tables": tables,
            }
        )
    return rows
