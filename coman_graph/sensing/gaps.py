"""Gap closing: a stroke end that points at another stroke a short gap away is joined to it.

The pen often stops just short of closing a loop (the top of a 0, the waist of
an 8, the head of a 9). On the skeleton such a gap shows as an EndPoint whose
stroke, continued straight on, meets another part of the figure within a pen
width or two, while the way round along the skeleton is much longer. Such a
gap is bridged in the figure, closing the loop, when it is very short or
faintly inked all the way (the pen went on, lighter than the threshold): a
blank gap of two pen widths is usually meant, as in an open 3 or 5.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from skimage import draw

from coman_graph.sensing.binarize import Bridge
from coman_graph.sensing.params import SensingParams
from coman_graph.sensing.skeleton import PixelGraph


def _tangent_tail(pixels: PixelGraph, end: int, length: float) -> int:
    """The pixel ``length`` px back along the stroke from ``end`` (or where the stroke forks)."""
    degree = pixels.degree
    previous, current, walked = -1, end, 0.0
    while walked < length:
        following = [int(n) for n in pixels.neighbours(current) if n != previous]
        if len(following) != 1 or (degree[current] > 2 and current != end):
            break
        previous, current = current, following[0]
        walked += float(np.hypot(*(pixels.xy[current] - pixels.xy[previous])))
    return current


def _faintest(grey: np.ndarray, start: np.ndarray, end: np.ndarray) -> int:
    """The lowest grey level on the straight pixel line from ``start`` to ``end`` (column, row)."""
    rows, cols = draw.line(int(start[1]), int(start[0]), int(end[1]), int(end[0]))
    return int(grey[rows, cols].min())


def find_gaps(
    pixels: PixelGraph,
    grey: np.ndarray,
    width: float,
    params: SensingParams,
) -> list[Bridge]:
    """The gaps to bridge: from stroke ends to the nearest skeleton pixel straight ahead.

    A skeleton pixel q is a target of the EndPoint e when it lies within
    ``gap_cone_deg`` degrees of the direction the stroke arrives at e
    (measured over its last ``gap_tangent`` px), the way from e to q along the
    skeleton is more than ``gap_detour`` times longer than the gap (or there is
    none), and the gap is either short (at most ``gap_blank_widths`` pen
    widths) or faintly inked (at most ``gap_max_widths`` pen widths, and no
    pixel on it darker than ``gap_min_grey``: the pen went on, lighter than the
    threshold). Each end takes its nearest target; shorter gaps are taken
    first, and a gap whose end is nearer to the target of a gap already taken,
    or whose target is nearer to that gap's end, than its own length (two ends
    facing each other) is left out.

    Parameters
    ----------
    pixels
        The pruned skeleton's pixel graph.
    grey
        The upscaled grey image the skeleton was cut from.
    width
        The pen width in px (foreground px / skeleton px).
    params
        The ``gap_*`` settings.

    Returns
    -------
    list
        Bridges ((column, row) of the end, (column, row) of the target), shortest first.
    """
    ends = np.flatnonzero(pixels.degree == 1)
    longest = max(params.gap_max_widths, params.gap_blank_widths) * width
    if not len(ends) or longest <= 0:
        return []
    cosine = np.cos(np.radians(params.gap_cone_deg))
    ahead: list[tuple[int, np.ndarray, np.ndarray]] = []
    for end in ends:
        here = pixels.xy[end]
        heading = here - pixels.xy[_tangent_tail(pixels, int(end), params.gap_tangent)]
        norm = float(np.hypot(*heading))
        if norm == 0:
            continue
        offset = pixels.xy - here
        gap = np.hypot(offset[:, 0], offset[:, 1])
        near = np.flatnonzero(
            (gap > 0) & (gap <= longest) & (offset @ heading >= cosine * norm * gap)
        )
        if len(near):
            ahead.append((int(end), near, gap[near]))
    if not ahead:
        return []
    src = np.repeat(np.arange(pixels.size), pixels.degree)
    steps = np.hypot(*(pixels.xy[src] - pixels.xy[pixels.indices]).T)
    adjacency = csr_matrix((steps, pixels.indices, pixels.indptr), shape=(pixels.size,) * 2)
    around = dijkstra(
        adjacency,
        directed=False,
        indices=[end for end, _, _ in ahead],
        limit=params.gap_detour * longest,
    )
    candidates: list[tuple[float, int, int]] = []
    for row, (end, near, gap) in enumerate(ahead):
        for k in np.argsort(gap, kind="stable"):
            target, length = int(near[k]), float(gap[k])
            if around[row, target] <= params.gap_detour * length:
                continue
            if length <= params.gap_blank_widths * width or (
                length <= params.gap_max_widths * width
                and _faintest(grey, pixels.xy[end], pixels.xy[target]) >= params.gap_min_grey
            ):
                candidates.append((length, end, target))
                break
    bridges: list[Bridge] = []
    taken: list[tuple[np.ndarray, np.ndarray]] = []
    for length, end, target in sorted(candidates):
        here, there = pixels.xy[end], pixels.xy[target]
        if any(
            np.hypot(*(here - other)) < length or np.hypot(*(there - start)) < length
            for start, other in taken
        ):
            continue
        taken.append((here, there))
        bridges.append(((int(here[0]), int(here[1])), (int(there[0]), int(there[1]))))
    return bridges
