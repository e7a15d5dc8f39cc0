"""Chain walking and Ramer-Douglas-Peucker simplification of a PointGraph."""

from __future__ import annotations

import numpy as np

from coman_graph.sensing.point_graph import PointGraph, make_graph


def walk_chains(graph: PointGraph) -> list[list[int]]:
    """Split a graph into chains: maximal paths whose inner points have degree 2.

    A chain runs between two points of degree other than 2 (they may be the
    same point), or around a closed loop of degree-2 points, from its topmost
    point and back to it. Every edge is in exactly one chain.

    Parameters
    ----------
    graph
        Any simple graph.

    Returns
    -------
    list
        Chains as lists of point indices, in a deterministic order.
    """
    adjacent = graph.adjacency()
    is_key = [len(n) != 2 for n in adjacent]
    walked: set[tuple[int, int]] = set()
    chains: list[list[int]] = []

    def walk(start: int, first: int) -> list[int]:
        chain, previous, current = [start], start, first
        walked.add((min(start, first), max(start, first)))
        while not is_key[current] and current != start:
            chain.append(current)
            a, b = adjacent[current]
            previous, current = current, (b if a == previous else a)
            walked.add((min(previous, current), max(previous, current)))
        chain.append(current)
        return chain

    for start in (node for node in range(graph.size) if is_key[node]):
        for first in adjacent[start]:
            if (min(start, first), max(start, first)) not in walked:
                chains.append(walk(start, first))
    by_height = sorted(range(graph.size), key=lambda n: (graph.xy[n, 1], graph.xy[n, 0]))
    for start in by_height:
        for first in adjacent[start]:
            if (min(start, first), max(start, first)) not in walked:
                chains.append(walk(start, first))
    return chains


def rdp(points: np.ndarray, epsilon: float) -> list[int]:
    """Ramer-Douglas-Peucker: indices of the points kept, both ends always kept.

    Parameters
    ----------
    points
        A polyline (n x 2), n >= 2, first and last points distinct.
    epsilon
        Largest distance of a dropped point from the simplified line.

    Returns
    -------
    list
        Sorted indices into ``points``.
    """
    kept = [0]
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        index, distance = _farthest(points, first, last)
        if distance > epsilon:
            stack.append((index, last))
            stack.append((first, index))
        else:
            kept.append(last)
    return kept


def _farthest(points: np.ndarray, first: int, last: int) -> tuple[int, float]:
    """The inner point farthest from the line first-last, and its distance (-1 if none)."""
    if last - first < 2:
        return first, -1.0
    a, b = points[first], points[last]
    inner = points[first + 1 : last]
    dx, dy = b - a
    norm = np.hypot(dx, dy)
    if norm == 0:
        distances = np.hypot(*(inner - a).T)
    else:
        distances = np.abs(dx * (inner[:, 1] - a[1]) - dy * (inner[:, 0] - a[0])) / norm
    best = int(distances.argmax())
    return first + 1 + best, float(distances[best])


def _simplify_chain(points: np.ndarray, epsilon: float, closed: bool, taken: bool) -> list[int]:
    """RDP of one chain; a closed chain keeps >= 2 inner points, a taken edge >= 1."""
    if closed:
        split, _ = _farthest(points, 0, len(points) - 1)
        head = rdp(points[: split + 1], epsilon)
        tail = [split + i for i in rdp(points[split:], epsilon)[1:]]
        kept = head + tail
        if len(kept) < 4:
            longer = (0, split) if split >= len(points) - 1 - split else (split, len(points) - 1)
            kept = sorted({*kept, _farthest(points, *longer)[0]})
        return kept
    kept = rdp(points, epsilon)
    if taken and len(kept) == 2:
        kept = [0, _farthest(points, 0, len(points) - 1)[0], len(points) - 1]
    return kept


def simplify(graph: PointGraph, epsilon: float) -> PointGraph:
    """Simplify every chain with RDP, keeping chain ends; the result stays a simple graph.

    Parameters
    ----------
    graph
        A simple graph.
    epsilon
        RDP tolerance in px.

    Returns
    -------
    PointGraph
        The kept points (in their original order) and the straight edges between them.
    """
    chains = sorted(walk_chains(graph), key=lambda c: (len(c), c))
    edges: set[tuple[int, int]] = set()
    for chain in chains:
        closed = chain[0] == chain[-1]
        pair = (min(chain[0], chain[-1]), max(chain[0], chain[-1]))
        kept = _simplify_chain(graph.xy[chain], epsilon, closed, pair in edges)
        nodes = [chain[i] for i in kept]
        edges.update((min(a, b), max(a, b)) for a, b in zip(nodes, nodes[1:], strict=False))
    used = sorted({node for edge in edges for node in edge})
    renumber = {old: new for new, old in enumerate(used)}
    return make_graph(graph.xy[used], ((renumber[a], renumber[b]) for a, b in edges))
