"""Read a user's digit image (PNG, JPEG, ...) as a 28x28 uint8 MNIST-like array."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from coman_graph.errors import InputError


def read_digit_image(path: str | Path) -> np.ndarray:
    """Greyscale, resized to 28x28 if needed, inverted if it is dark ink on light paper."""
    path = Path(path)
    try:
        with Image.open(path) as image:
            grey = image.convert("L")
            if grey.size != (28, 28):
                grey = grey.resize((28, 28), Image.Resampling.LANCZOS)
            pixels = np.asarray(grey, dtype=np.uint8)
    except FileNotFoundError:
        raise InputError(f"{path}: no such image file") from None
    except (UnidentifiedImageError, OSError) as exc:
        raise InputError(f"{path}: not a readable image ({exc})") from None
    if pixels.mean() > 127:
        pixels = 255 - pixels
    return pixels
