"""Seeded augmentation of MNIST digits: small affine changes and stroke-width changes.

Each augmentation rotates (within +-12 degrees), scales (0.9-1.1) and shears
(+-0.15) the digit about its centre of mass, then sometimes thins or thickens
its strokes by a grey-level dilation, or an erosion averaged with the image
(a full erosion breaks MNIST's thinnest strokes). Everything is drawn from the
given generator, so a seed fixes the result.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi
from skimage.transform import AffineTransform, warp

MAX_ROTATION_DEG = 12.0
SCALE_RANGE = (0.9, 1.1)
MAX_SHEAR = 0.15
#: Probabilities of thinning and of thickening the strokes (else unchanged).
THIN_PROBABILITY = 0.2
THICKEN_PROBABILITY = 0.2
#: Structuring element of the stroke-width change: a 3x3 cross (one pixel each way).
_CROSS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)


def _affine_about(centre: np.ndarray, angle: float, scale: float, shear: float) -> AffineTransform:
    """Rotation, shear and scale about ``centre`` (x, y), as one affine map."""
    cos, sin = np.cos(angle), np.sin(angle)
    linear = np.array([[cos, -sin], [sin, cos]]) @ np.array([[1.0, shear], [0.0, 1.0]]) * scale
    matrix = np.eye(3)
    matrix[:2, :2] = linear
    matrix[:2, 2] = centre - linear @ centre
    return AffineTransform(matrix=matrix)


def augment(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One random variant of a digit.

    Parameters
    ----------
    image
        A 2-D uint8 grey image (MNIST: 28x28, white digit on black).
    rng
        The generator every random choice is drawn from.

    Returns
    -------
    numpy.ndarray
        A new uint8 image of the same shape.
    """
    angle = np.deg2rad(rng.uniform(-MAX_ROTATION_DEG, MAX_ROTATION_DEG))
    scale = rng.uniform(*SCALE_RANGE)
    shear = rng.uniform(-MAX_SHEAR, MAX_SHEAR)
    stroke = rng.uniform()
    if image.any():
        row, col = ndi.center_of_mass(image.astype(np.float64))
    else:
        row, col = (np.array(image.shape) - 1) / 2
    transform = _affine_about(np.array([col, row]), angle, scale, shear)
    warped = warp(image.astype(np.float64), transform.inverse, order=1, preserve_range=True)
    result = np.clip(np.rint(warped), 0, 255).astype(np.uint8)
    if stroke < THIN_PROBABILITY:
        eroded = ndi.grey_erosion(result, footprint=_CROSS)
        result = ((result.astype(np.uint16) + eroded) // 2).astype(np.uint8)
    elif stroke < THIN_PROBABILITY + THICKEN_PROBABILITY:
        result = ndi.grey_dilation(result, footprint=_CROSS)
    return result


def augmentations(image: np.ndarray, n: int, seed: int) -> list[np.ndarray]:
    """``n`` variants of ``image``, the same for the same seed.

    Parameters
    ----------
    image
        A 2-D uint8 grey image.
    n
        Number of variants.
    seed
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    list
        ``n`` new uint8 images.
    """
    rng = np.random.default_rng(seed)
    return [augment(image, rng) for _ in range(n)]
