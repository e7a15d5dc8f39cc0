"""Image stages: validate, upscale, binarize, clean, lower the threshold, bridge fragments."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage as ndi
from skimage import draw

from coman_graph.sensing.errors import SensingError
from coman_graph.sensing.params import SensingParams

IMAGE_SHAPE = (28, 28)
_EIGHT = np.ones((3, 3), dtype=bool)
_FOUR = ndi.generate_binary_structure(2, 1)


def validate_image(image: object, params: SensingParams) -> np.ndarray:
    """Check that ``image`` is a 28x28 uint8 array holding something drawable.

    Parameters
    ----------
    image
        The candidate MNIST image.
    params
        Gives the first threshold and the "full image" fraction.

    Returns
    -------
    numpy.ndarray
        The same image, as an array.

    Raises
    ------
    SensingError
        Not an array, wrong shape or dtype, all zero, or mostly foreground.
    """
    if not isinstance(image, np.ndarray):
        raise SensingError(f"expected a numpy array, got {type(image).__name__}")
    if image.shape != IMAGE_SHAPE:
        raise SensingError(f"expected a 28x28 image, got shape {image.shape}")
    if image.dtype != np.uint8:
        raise SensingError(f"expected dtype uint8, got {image.dtype}")
    if not image.any():
        raise SensingError("empty image: every pixel is zero")
    if np.mean(image >= params.threshold_start) > params.full_fraction:
        raise SensingError(
            f"full image: more than {params.full_fraction:.0%} of the pixels are foreground"
        )
    return image


def upscale(image: np.ndarray, size: int) -> np.ndarray:
    """LANCZOS-resample a grey image to ``size`` x ``size`` (uint8).

    Parameters
    ----------
    image
        A 2-D uint8 image.
    size
        The working scale in px.

    Returns
    -------
    numpy.ndarray
        The upscaled uint8 image.
    """
    return np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.LANCZOS))


def clean(mask: np.ndarray, max_speck_px: float, closing_size: int) -> np.ndarray:
    """Remove 8-connected specks of at most ``max_speck_px`` px, then close with a square.

    Parameters
    ----------
    mask
        A binary image.
    max_speck_px
        Blobs of this many px or fewer are removed.
    closing_size
        Side of the square structuring element of the closing.

    Returns
    -------
    numpy.ndarray
        The cleaned binary image (same shape).
    """
    labels, count = ndi.label(mask, structure=_EIGHT)
    if count:
        sizes = np.bincount(labels.ravel())
        keep = sizes > max_speck_px
        keep[0] = False
        mask = keep[labels]
    pad = closing_size
    padded = np.pad(mask, pad)
    closed = ndi.binary_closing(padded, structure=np.ones((closing_size, closing_size), bool))
    return closed[pad:-pad, pad:-pad]


def drop_fragments(mask: np.ndarray, min_fraction: float) -> tuple[np.ndarray, int]:
    """Remove 8-connected components smaller than ``min_fraction`` of the largest one.

    Parameters
    ----------
    mask
        A binary image.
    min_fraction
        A component of fewer px than this fraction of the largest is a stray mark.

    Returns
    -------
    tuple
        The binary image without its stray marks (the same array if there are
        none) and the number of components left.
    """
    labels, count = ndi.label(mask, structure=_EIGHT)
    if count < 2:
        return mask, int(count)
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    keep = sizes >= min_fraction * sizes.max()
    keep[0] = False
    return keep[labels], int(keep.sum())


Bridge = tuple[tuple[int, int], tuple[int, int]]
"""A straight bridge drawn into a figure: ((column, row), (column, row)) of its two ends."""


def draw_bridge(mask: np.ndarray, start: tuple[int, int], end: tuple[int, int]) -> None:
    """Draw a straight, 4-connected line 3 px wide from ``start`` to ``end`` into ``mask``.

    ``start`` and ``end`` are (column, row) pixels inside ``mask``.
    """
    rows, cols = draw.line(start[1], start[0], end[1], end[0])
    line = np.zeros_like(mask)
    line[rows, cols] = True
    mask |= ndi.binary_dilation(line, structure=_FOUR)


def bridge_components(mask: np.ndarray) -> tuple[np.ndarray, list[Bridge]]:
    """Join every component to the figure by the shortest straight bridge, nearest first.

    Grows the figure from its largest component (Prim's algorithm on the gaps
    between components): at each step the component nearest to the figure is
    joined by a bridge between the two closest pixels. The bridges form a
    tree, so they add no loop.

    Parameters
    ----------
    mask
        A binary image with one or more 8-connected components.

    Returns
    -------
    tuple
        The connected figure and the bridges drawn, in the order drawn.
    """
    labels, count = ndi.label(mask, structure=_EIGHT)
    if count < 2:
        return mask, []
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    joined = labels == sizes.argmax()
    mask = mask.copy()
    bridges: list[Bridge] = []
    outside = mask & ~joined
    while outside.any():
        distance, (near_rows, near_cols) = ndi.distance_transform_edt(~joined, return_indices=True)
        flat = int(np.argmin(np.where(outside, distance, np.inf)))
        row, col = divmod(flat, mask.shape[1])
        bridge = ((col, row), (int(near_cols[row, col]), int(near_rows[row, col])))
        draw_bridge(mask, *bridge)
        bridges.append(bridge)
        joined = _component_of(mask, bridge[1])
        outside = mask & ~joined
    return mask, bridges


def _component_of(mask: np.ndarray, pixel: tuple[int, int]) -> np.ndarray:
    """The 8-connected component of ``mask`` holding the (column, row) ``pixel``."""
    labels = ndi.label(mask, structure=_EIGHT)[0]
    return labels == labels[pixel[1], pixel[0]]


@dataclass(frozen=True)
class Figure:
    """The binary figure of an image: one 8-connected component, and how it was made.

    ``threshold`` is the grey level it was cut at; ``bridges`` are the straight
    bridges that joined fragments the threshold left apart.
    """

    mask: np.ndarray
    threshold: int
    bridges: tuple[Bridge, ...] = ()


def binarize_connected(grey: np.ndarray, params: SensingParams) -> Figure:
    """Threshold and clean, lowering the threshold while the figure is disconnected; bridge gaps.

    At each threshold, from ``threshold_start`` down to ``threshold_min``, the
    image is cut and cleaned and its stray marks (components smaller than
    ``fragment_min_fraction`` of the largest) are dropped; the first connected
    result is the figure. If none is connected, the fragments at
    ``threshold_start`` are joined by straight bridges (see
    :func:`bridge_components`): a stroke the pen left broken still gives one figure.

    Parameters
    ----------
    grey
        The upscaled grey image.
    params
        Threshold start, step and floor; speck size; closing size; fragment
        fraction; dot extent.

    Returns
    -------
    Figure
        The cleaned, connected binary figure, its threshold and its bridges.

    Raises
    ------
    SensingError
        Nothing above the lowest threshold, or a single dot.
    """
    first: np.ndarray | None = None
    figure: Figure | None = None
    for threshold in range(
        params.threshold_start, params.threshold_min - 1, -params.threshold_step
    ):
        mask, components = drop_fragments(
            clean(grey >= threshold, params.speck_px, params.closing_size),
            params.fragment_min_fraction,
        )
        if first is None and components:
            first = mask
        if components == 1:
            figure = Figure(mask, threshold)
            break
    if figure is None:
        if first is None:
            raise SensingError(f"no figure: nothing above threshold {params.threshold_min}")
        mask, bridges = bridge_components(first)
        figure = Figure(mask, params.threshold_start, tuple(bridges))
    rows, cols = np.nonzero(figure.mask)
    extent = max(rows.max() - rows.min(), cols.max() - cols.min()) + 1
    if extent < params.dot_extent:
        raise SensingError(f"a single dot: the figure spans only {extent} px")
    return figure
