"""Skeleton stages: thin the figure, build its pixel graph, prune spurs, count its holes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi
from skimage.morphology import skeletonize

_FOUR = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)
_OFFSETS = ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


@dataclass(frozen=True)
class PixelGraph:
    """Skeleton pixels as nodes, in row-major order, with a CSR adjacency.

    Two pixels are adjacent if 4-connected, or diagonal with no common
    4-neighbour on the skeleton (so a staircase step is not a triangle).
    ``xy`` holds (column, row) of every pixel.
    """

    xy: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)

    @property
    def size(self) -> int:
        return len(self.xy)

    def neighbours(self, node: int) -> np.ndarray:
        return self.indices[self.indptr[node] : self.indptr[node + 1]]

    def total_length(self) -> float:
        """Sum of the pixel steps, 1 straight and sqrt(2) diagonal."""
        src = np.repeat(np.arange(self.size), self.degree)
        steps = np.abs(self.xy[src] - self.xy[self.indices]).sum(axis=1)
        return float(np.where(steps > 1, np.sqrt(2.0), 1.0).sum() / 2)


def skeleton_of(mask: np.ndarray) -> np.ndarray:
    """One-pixel-wide skeleton of a binary figure (scikit-image ``skeletonize``).

    Parameters
    ----------
    mask
        The cleaned binary figure.

    Returns
    -------
    numpy.ndarray
        The boolean skeleton, same shape.
    """
    return skeletonize(mask)


def pixel_graph(skeleton: np.ndarray) -> PixelGraph:
    """The adjacency graph of the skeleton pixels.

    Parameters
    ----------
    skeleton
        A boolean skeleton image.

    Returns
    -------
    PixelGraph
        Pixels in row-major order and their neighbours (see :class:`PixelGraph`).
    """
    rows, cols = np.nonzero(skeleton)
    pad = np.pad(skeleton, 1)
    index = np.full(pad.shape, -1, dtype=np.int64)
    index[rows + 1, cols + 1] = np.arange(len(rows))
    r, c = rows + 1, cols + 1
    sources, targets = [], []
    for dr, dc in _OFFSETS:
        target = index[r + dr, c + dc]
        ok = target >= 0
        if dr and dc:
            ok &= ~pad[r + dr, c] & ~pad[r, c + dc]
        sources.append(np.flatnonzero(ok))
        targets.append(target[ok])
    src, dst = np.concatenate(sources), np.concatenate(targets)
    order = np.lexsort((dst, src))
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=len(rows)), out=indptr[1:])
    xy = np.column_stack((cols, rows)).astype(np.float64)
    return PixelGraph(xy, indptr, dst[order])


def prune_spurs(skeleton: np.ndarray, fraction: float, min_length: float) -> np.ndarray:
    """Remove branches from an endpoint to a junction shorter than a threshold.

    The threshold is ``max(fraction * total skeleton length, min_length)``.
    A branch ending at another endpoint (a plain stroke) is never removed.
    The result is thinned again so no stub of a removed branch remains.

    Parameters
    ----------
    skeleton
        A boolean skeleton image.
    fraction
        Fraction of the total skeleton length.
    min_length
        Floor of the threshold, in px.

    Returns
    -------
    numpy.ndarray
        The pruned skeleton.
    """
    graph = pixel_graph(skeleton)
    degree = graph.degree
    limit = max(fraction * graph.total_length(), min_length)
    doomed: list[int] = []
    for end in np.flatnonzero(degree == 1):
        branch, previous, current, length = [], -1, int(end), 0.0
        while degree[current] <= 2:
            branch.append(current)
            following = [int(n) for n in graph.neighbours(current) if n != previous]
            if not following:
                branch = []  # reached the other end of a plain stroke
                break
            previous, current = current, following[0]
            length += float(np.hypot(*(graph.xy[current] - graph.xy[previous])))
            if length >= limit:
                branch = []
                break
        doomed.extend(branch)
    if not doomed:
        return skeleton
    pruned = skeleton.copy()
    cells = graph.xy[doomed].astype(np.int64)
    pruned[cells[:, 1], cells[:, 0]] = False
    return skeletonize(pruned)


def count_holes(skeleton: np.ndarray) -> int:
    """Number of closed contours: 4-connected background regions not reaching the border."""
    return int(ndi.label(~np.pad(skeleton, 1), structure=_FOUR)[1]) - 1
