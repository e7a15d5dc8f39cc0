"""Junction merging and point typing on a simplified PointGraph."""

from __future__ import annotations

import math

import numpy as np

from coman_graph.sensing.point_graph import PointGraph, contract


def merge_junctions(graph: PointGraph, max_length: float) -> PointGraph:
    """Contract edges joining two junctions (degree >= 3) shorter than ``max_length``.

    An edge is contracted only when its two ends share no neighbour (so the
    graph stays simple and no loop is lost), shortest first, until none is
    left: two junctions a stroke width apart (the waist of an 8) become one.

    Parameters
    ----------
    graph
        A simplified graph.
    max_length
        Longest edge contracted, in px.

    Returns
    -------
    PointGraph
        The graph with those junction pairs merged at their midpoint.
    """
    while True:
        degree = graph.degree()
        adjacent = [set(n) for n in graph.adjacency()]
        candidates = sorted(
            (graph.length(i, j), i, j)
            for i, j in graph.edges
            if degree[i] >= 3 and degree[j] >= 3 and not adjacent[i] & adjacent[j]
        )
        if not candidates or candidates[0][0] >= max_length:
            return graph
        _, i, j = candidates[0]
        graph = contract(graph, [[i, j]])


def interior_angle(graph: PointGraph, point: int, a: int, b: int) -> float:
    """Angle in degrees at ``point`` between its edges to ``a`` and ``b`` (180 = straight)."""
    u, v = graph.xy[a] - graph.xy[point], graph.xy[b] - graph.xy[point]
    cosine = float(np.dot(u, v) / (np.hypot(*u) * np.hypot(*v)))
    return math.degrees(math.acos(min(1.0, max(-1.0, cosine))))


def point_kinds(graph: PointGraph, corner_angle: float) -> list[str]:
    """Kind of every point: EndPoint, JunctionPoint, CornerPoint or Point.

    Parameters
    ----------
    graph
        The final graph.
    corner_angle
        A degree-2 point whose interior angle is below this (degrees) is a corner.

    Returns
    -------
    list
        One kind per point, in point order.
    """
    kinds = []
    for point, neighbours in enumerate(graph.adjacency()):
        if len(neighbours) == 1:
            kinds.append("EndPoint")
        elif len(neighbours) >= 3:
            kinds.append("JunctionPoint")
        elif interior_angle(graph, point, *neighbours) < corner_angle:
            kinds.append("CornerPoint")
        else:
            kinds.append("Point")
    return kinds
