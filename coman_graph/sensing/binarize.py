"""Image stages: validate, upscale, binarize, clean, and lower the threshold until connected."""

from __future__ import annotations

import numpy as np
from PIL import Image
from scipy import ndimage as ndi

from coman_graph.sensing.errors import SensingError
from coman_graph.sensing.params import SensingParams

IMAGE_SHAPE = (28, 28)
_EIGHT = np.ones((3, 3), dtype=bool)


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


def count_components(mask: np.ndarray) -> int:
    """Number of 8-connected foreground components."""
    return int(ndi.label(mask, structure=_EIGHT)[1])


def binarize_connected(grey: np.ndarray, params: SensingParams) -> tuple[np.ndarray, int]:
    """Threshold and clean, lowering the threshold by steps while the figure is disconnected.

    Parameters
    ----------
    grey
        The upscaled grey image.
    params
        Threshold start, step and floor; speck size; closing size; dot extent.

    Returns
    -------
    tuple
        The cleaned, connected binary figure and the threshold that gave it.

    Raises
    ------
    SensingError
        Still disconnected (or empty) at the lowest threshold, or a single dot.
    """
    components = 0
    for threshold in range(
        params.threshold_start, params.threshold_min - 1, -params.threshold_step
    ):
        mask = clean(grey >= threshold, params.speck_px, params.closing_size)
        components = count_components(mask)
        if components == 1:
            rows, cols = np.nonzero(mask)
            extent = max(rows.max() - rows.min(), cols.max() - cols.min()) + 1
            if extent < params.dot_extent:
                raise SensingError(f"a single dot: the figure spans only {extent} px")
            return mask, threshold
    if components == 0:
        raise SensingError(f"no figure: nothing above threshold {params.threshold_min}")
    raise SensingError(
        f"disconnected figure: {components} parts at threshold {params.threshold_min}"
    )
