"""Two ways from a skeleton to a PointGraph: GNG units, or the skeleton pixels themselves.

Both give a graph with the skeleton's topology: its points are joined when
they are neighbours along the skeleton, and loops beyond the skeleton's holes
(where three strokes meet) are contracted away.
"""

from __future__ import annotations

import numba
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from coman_graph.sensing.gng import fit_gng
from coman_graph.sensing.params import SensingParams
from coman_graph.sensing.point_graph import PointGraph, contract, make_graph, repair_loops
from coman_graph.sensing.skeleton import PixelGraph


@numba.njit(cache=True)
def _geodesic_labels(indptr: np.ndarray, indices: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Multi-source breadth-first labelling of graph nodes by their nearest seed along the graph."""
    label = np.full(len(indptr) - 1, -1, dtype=np.int64)
    queue = np.empty(len(indptr) - 1, dtype=np.int64)
    tail = 0
    for k in range(len(seeds)):
        label[seeds[k]] = k
        queue[tail] = seeds[k]
        tail += 1
    head = 0
    while head < tail:
        node = queue[head]
        head += 1
        for p in range(indptr[node], indptr[node + 1]):
            other = indices[p]
            if label[other] < 0:
                label[other] = label[node]
                queue[tail] = other
                tail += 1
    return label


def gng_graph(pixels: PixelGraph, seed: int, params: SensingParams, holes: int) -> PointGraph:
    """Fit a GNG to the skeleton pixels; join units whose skeleton territories touch.

    Each unit's territory is the set of skeleton pixels nearer to it along the
    skeleton than to any other unit (a geodesic Voronoi cell grown from the
    pixel nearest the unit); two units are joined when their territories are
    adjacent. This is the topology-preserving map of Martinetz and Schulten
    restricted to the skeleton: unlike the raw GNG edges it never bridges a gap
    between two strokes, and it does not vary with the GNG's edge ageing.

    Parameters
    ----------
    pixels
        The pruned skeleton's pixel graph.
    seed
        GNG seed.
    params
        GNG parameters.
    holes
        Loops of the skeleton; extra loops where strokes meet are contracted.

    Returns
    -------
    PointGraph
        GNG units (positions as fitted) and their skeleton adjacency.
    """
    units, _ = fit_gng(pixels.xy, seed, params)
    squared = ((units[:, None, :] - pixels.xy[None, :, :]) ** 2).sum(axis=2)
    nearest = squared.argmin(axis=1)
    nearest, first = np.unique(nearest, return_index=True)
    keep = np.sort(first)
    seeds = squared[keep].argmin(axis=1)
    label = _geodesic_labels(pixels.indptr, pixels.indices, seeds)
    src = np.repeat(np.arange(pixels.size), pixels.degree)
    a, b = label[src], label[pixels.indices]
    touching = (a != b) & (a >= 0) & (b >= 0)
    graph = make_graph(units[keep], zip(a[touching], b[touching], strict=True))
    return repair_loops(graph, holes)


def skeleton_graph(pixels: PixelGraph, holes: int) -> PointGraph:
    """The skeleton pixels as points, each cluster of adjacent junction pixels made one point.

    Parameters
    ----------
    pixels
        The pruned skeleton's pixel graph.
    holes
        Loops of the skeleton; extra loops inside junction clusters are contracted.

    Returns
    -------
    PointGraph
        Pixels (junction clusters merged) and their adjacency.
    """
    src = np.repeat(np.arange(pixels.size), pixels.degree)
    graph = make_graph(pixels.xy, zip(src, pixels.indices, strict=True))
    junction = np.flatnonzero(pixels.degree >= 3)
    position = np.full(pixels.size, -1, dtype=np.int64)
    position[junction] = np.arange(len(junction))
    a, b = position[src], position[pixels.indices]
    inner = (a >= 0) & (b >= 0)
    links = coo_matrix((np.ones(inner.sum()), (a[inner], b[inner])), shape=(len(junction),) * 2)
    count, cluster = connected_components(links, directed=False)
    groups = [junction[cluster == c].tolist() for c in range(count)]
    merged = [group for group in groups if len(group) > 1]
    return repair_loops(contract(graph, merged) if merged else graph, holes)
