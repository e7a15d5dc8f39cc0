"""Read a user's digit image (PNG, JPEG, ...) as a 28x28 uint8 MNIST-like array."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image

from coman_graph.errors import InputError

#: Images of more pixels than this are refused before they are decoded (a digit needs few).
MAX_PIXELS = 4096 * 4096


@contextmanager
def _quiet_decoders() -> Iterator[None]:
    """Pillow's notes on odd files off: its warnings, and what its C decoders (libtiff)
    print to stderr themselves; the result, or the error raised, says what matters."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull, warnings.catch_warnings():
            os.dup2(devnull.fileno(), 2)
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def read_digit_image(path: str | Path) -> np.ndarray:
    """Greyscale, resized to 28x28 if needed, inverted if it is dark ink on light paper.

    Raises
    ------
    InputError
        One line naming the file, for a file that is missing, not an image, truncated,
        corrupt or too large.
    """
    path = Path(path)
    try:
        with _quiet_decoders(), Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise InputError(
                    f"{path}: image of {width}x{height} pixels is too large "
                    f"(at most {MAX_PIXELS} pixels)"
                )
            grey = image.convert("L")
            if grey.size != (28, 28):
                grey = grey.resize((28, 28), Image.Resampling.LANCZOS)
            pixels = np.asarray(grey, dtype=np.uint8)
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(f"{path}: no such image file") from None
    except Exception as exc:  # Pillow's decoders fail in many ways on a bad file
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(f"{path}: not a readable image ({reason})") from None
    if pixels.mean() > 127:
        pixels = 255 - pixels
    return pixels
