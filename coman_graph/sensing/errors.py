"""The one error sensing raises for an image it cannot turn into a structural graph."""

from __future__ import annotations


class SensingError(ValueError):
    """Bad input to sensing: wrong shape or dtype, empty, full, a single dot, or disconnected.

    The message is one line saying which, so a caller can log it and skip the image.
    """
