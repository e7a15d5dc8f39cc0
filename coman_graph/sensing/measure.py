"""Parameter measurement: a typed PointGraph -> the units and interconnections of a StructuralGraph.

Points are numbered in breadth-first order from the canonical StartPoint
(``p0``), segments in the order that traversal meets them, so two graphs of
the same shape get the same keys. An interconnection joins two segments that
share a point; its source is the segment met first. Comparisons read
"source versus target": ``length_cmp`` greater = the source is longer,
``x_cmp``/``y_cmp`` greater = the source's midpoint is further right/lower.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np

from coman_graph.sensing.params import SensingParams
from coman_graph.sensing.point_graph import PointGraph
from coman_graph.sensing.projection import (
    length_codes,
    offset_codes,
    orientation_codes,
    position_codes,
    ratio_codes,
    rel_position_codes,
    shifted_orientation_codes,
    shifted_position_codes,
    shifted_rel_position_codes,
    turn_codes,
)
from coman_graph.sensing.structural_graph import (
    SEGMENT_KIND,
    Interconnection,
    StructuralGraph,
    Unit,
)


def normalise(xy: np.ndarray) -> np.ndarray:
    """Centre on the bounding box of the points and divide by half its diagonal."""
    low, high = xy.min(axis=0), xy.max(axis=0)
    half_diagonal = float(np.hypot(*(high - low))) / 2
    return (xy - (low + high) / 2) / (half_diagonal or 1.0)


def start_point(kinds: list[str], xy: np.ndarray) -> int:
    """The topmost EndPoint, else the topmost JunctionPoint or CornerPoint, else topmost point.

    Ties go to the leftmost.
    """
    for wanted in (("EndPoint",), ("JunctionPoint", "CornerPoint"), ("Point",)):
        candidates = [i for i, kind in enumerate(kinds) if kind in wanted]
        if candidates:
            return min(candidates, key=lambda i: (xy[i, 1], xy[i, 0]))
    raise ValueError("a graph without points has no StartPoint")


def traversal(graph: PointGraph, start: int) -> tuple[list[int], list[tuple[int, int]]]:
    """Breadth-first order of the points from ``start`` and the order edges are met.

    Neighbours are visited top to bottom, then left to right. Each edge is
    returned as (point met first, other point).
    """
    adjacent = graph.adjacency()
    xy = graph.xy
    order, seen, edges, met = [start], {start}, [], set()
    for node in order:
        for other in sorted(adjacent[node], key=lambda n: (xy[n, 1], xy[n, 0])):
            key = (min(node, other), max(node, other))
            if key not in met:
                met.add(key)
                edges.append((node, other))
            if other not in seen:
                seen.add(other)
                order.append(other)
    return order, edges


def _direction(dx: float, dy: float) -> float:
    """Angle in degrees of a vector given in image axes (y down), measured with y up."""
    return math.degrees(math.atan2(-dy, dx))


def measure(
    graph: PointGraph, kinds: list[str], threshold: int, params: SensingParams
) -> StructuralGraph:
    """Measure every parameter and project it on its scale.

    Parameters
    ----------
    graph
        The final, connected graph in working px.
    kinds
        The kind of every point (see :func:`coman_graph.sensing.junctions.point_kinds`).
    threshold
        The binarisation threshold used, recorded on the graph.
    params
        Equality tolerances of the comparison scales.

    Returns
    -------
    StructuralGraph
        Points, segments, segment-segment interconnections, StartPoint and loops.
    """
    xy = normalise(graph.xy)
    start = start_point(kinds, xy)
    order, edges = traversal(graph, start)
    rank = {node: i for i, node in enumerate(order)}
    sx, sy = xy[start]
    units = [
        Unit(
            f"p{rank[node]}",
            kinds[node],
            float(xy[node, 0]),
            float(xy[node, 1]),
            {
                "position": position_codes(xy[node, 0], xy[node, 1]),
                "position_shift": shifted_position_codes(xy[node, 0], xy[node, 1]),
                "rel_position": rel_position_codes(xy[node, 0] - sx, xy[node, 1] - sy),
                "rel_position_shift": shifted_rel_position_codes(
                    xy[node, 0] - sx, xy[node, 1] - sy
                ),
            },
        )
        for node in order
    ]
    lengths = [max(float(np.hypot(*(xy[a] - xy[b]))), 1e-9) for a, b in edges]
    longest = max(lengths)
    middles = [(xy[a] + xy[b]) / 2 for a, b in edges]
    for s, ((a, b), length, middle) in enumerate(zip(edges, lengths, middles, strict=True)):
        dx, dy = xy[b] - xy[a]
        units.append(
            Unit(
                f"s{s}",
                SEGMENT_KIND,
                float(middle[0]),
                float(middle[1]),
                {
                    "position": position_codes(middle[0], middle[1]),
                    "position_shift": shifted_position_codes(middle[0], middle[1]),
                    "orientation": orientation_codes(_direction(dx, dy) % 180.0),
                    "orientation_shift": shifted_orientation_codes(_direction(dx, dy) % 180.0),
                    "length": length_codes(length / longest),
                },
                (f"p{rank[a]}", f"p{rank[b]}"),
            )
        )
    incident: dict[int, list[int]] = {}
    for s, (a, b) in enumerate(edges):
        incident.setdefault(a, []).append(s)
        incident.setdefault(b, []).append(s)
    links = []
    for point in order:
        for s, t in combinations(incident[point], 2):
            (a, b), (c, d) = edges[s], edges[t]
            before = a if b == point else b
            after = d if c == point else c
            turn = _direction(*(xy[after] - xy[point])) - _direction(*(xy[point] - xy[before]))
            links.append(
                Interconnection(
                    f"s{s}",
                    f"s{t}",
                    {
                        "turn": turn_codes((turn + 180.0) % 360.0 - 180.0),
                        "length_cmp": ratio_codes(lengths[s] / lengths[t], params.equal_ratio),
                        "x_cmp": offset_codes(middles[s][0] - middles[t][0], params.equal_offset),
                        "y_cmp": offset_codes(middles[s][1] - middles[t][1], params.equal_offset),
                    },
                )
            )
    return StructuralGraph(tuple(units), tuple(links), units[0].key, graph.loops, threshold)
