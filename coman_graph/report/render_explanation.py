"""Draw an explained decision: matched concept and sample units over the digit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _frame(image: np.ndarray) -> tuple[float, float, float]:
    """Centre and half diagonal of the digit's bounding box, as sensing normalises."""
    rows, cols = np.nonzero(image > 110)
    if not len(rows):
        return 13.5, 13.5, 10.0
    cx, cy = (cols.min() + cols.max()) / 2, (rows.min() + rows.max()) / 2
    half = max(np.hypot(cols.max() - cols.min(), rows.max() - rows.min()) / 2, 1.0)
    return float(cx), float(cy), float(half)


def render_explanation(
    image: np.ndarray, pairs: list[dict[str, Any]], path: str | Path, title: str
) -> Path:
    """The digit with each matched sample unit marked and linked to its concept unit.

    Sample units are drawn where the sample has them, concept units where the concept's
    founding example had them (both in the normalised frame, mapped onto the 28x28 grid);
    the line between them shows the correspondence, labelled with the energy filled.
    """
    cx0, cy0, half = _frame(image)

    def _to_pixels(x: float, y: float) -> tuple[float, float]:
        return cx0 + half * x, cy0 + half * y

    figure, axes = plt.subplots(figsize=(5, 5))
    axes.imshow(image, cmap="gray_r")
    for pair in pairs:
        sx, sy = _to_pixels(pair["sx"], pair["sy"])
        cx, cy = _to_pixels(pair["cx"], pair["cy"])
        segment = pair["sample_kind"] == "Segment"
        colour = "tab:blue" if segment else "tab:red"
        axes.plot([cx, sx], [cy, sy], color=colour, linewidth=0.8, alpha=0.6)
        axes.scatter([sx], [sy], s=30, color=colour, marker="s" if segment else "o")
        axes.scatter([cx], [cy], s=30, facecolors="none", edgecolors=colour)
        axes.annotate(f"{pair['score']:.0f}", (sx, sy), fontsize=6, color=colour)
    axes.set_title(title, fontsize=9)
    axes.set_axis_off()
    path = Path(path)
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
    return path
