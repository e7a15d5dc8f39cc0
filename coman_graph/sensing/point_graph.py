"""A small undirected geometric graph (points in working px, straight edges) and its edits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PointGraph:
    """Points ``xy`` (n x 2: column, row in working px) and simple edges ``(i, j)``, i < j."""

    xy: np.ndarray
    edges: tuple[tuple[int, int], ...]

    @property
    def size(self) -> int:
        return len(self.xy)

    def adjacency(self) -> list[list[int]]:
        """Sorted neighbour lists."""
        adjacent: list[list[int]] = [[] for _ in range(self.size)]
        for i, j in self.edges:
            adjacent[i].append(j)
            adjacent[j].append(i)
        for neighbours in adjacent:
            neighbours.sort()
        return adjacent

    def degree(self) -> np.ndarray:
        counts = np.zeros(self.size, dtype=np.int64)
        for i, j in self.edges:
            counts[i] += 1
            counts[j] += 1
        return counts

    def length(self, i: int, j: int) -> float:
        return float(np.hypot(*(self.xy[i] - self.xy[j])))

    def components(self) -> int:
        """Number of connected components (union-find)."""
        parent = list(range(self.size))

        def root(node: int) -> int:
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        count = self.size
        for i, j in self.edges:
            ri, rj = root(i), root(j)
            if ri != rj:
                parent[ri] = rj
                count -= 1
        return count

    @property
    def loops(self) -> int:
        """Independent cycles: edges - points + components."""
        return len(self.edges) - self.size + self.components()


def make_graph(xy: np.ndarray, edges: object) -> PointGraph:
    """A PointGraph from any edge list: self-loops dropped, duplicates merged, sorted."""
    unique = {(min(int(i), int(j)), max(int(i), int(j))) for i, j in edges if int(i) != int(j)}
    return PointGraph(np.asarray(xy, dtype=np.float64), tuple(sorted(unique)))


def contract(graph: PointGraph, groups: list[list[int]]) -> PointGraph:
    """Replace each group of points by one point at their mean; other points are kept.

    Points keep their relative order (a group takes the place of its first member).
    """
    target = np.arange(graph.size)
    for group in groups:
        target[group] = min(group)
    kept = np.flatnonzero(target == np.arange(graph.size))
    renumber = np.full(graph.size, -1, dtype=np.int64)
    renumber[kept] = np.arange(len(kept))
    xy = graph.xy[kept].copy()
    for group in groups:
        xy[renumber[min(group)]] = graph.xy[group].mean(axis=0)
    edges = ((renumber[target[i]], renumber[target[j]]) for i, j in graph.edges)
    return make_graph(xy, edges)


def smallest_triangle(graph: PointGraph) -> list[int] | None:
    """The three points of the triangle of least perimeter, or None if there is none."""
    adjacent = [set(n) for n in graph.adjacency()]
    best: tuple[float, list[int]] | None = None
    for i, j in graph.edges:
        for k in adjacent[i] & adjacent[j]:
            if k > j:
                perimeter = graph.length(i, j) + graph.length(j, k) + graph.length(i, k)
                if best is None or perimeter < best[0]:
                    best = (perimeter, [i, j, k])
    return None if best is None else best[1]


def repair_loops(graph: PointGraph, target: int) -> PointGraph:
    """Contract the smallest triangles while the graph has more loops than ``target``.

    Such triangles are where three or more strokes meet at one junction; the
    loops of the figure are known from its skeleton (the target).
    """
    while graph.loops > target:
        triangle = smallest_triangle(graph)
        if triangle is None:
            break
        graph = contract(graph, [triangle])
    return graph
