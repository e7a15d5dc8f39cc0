"""PNG renders of confusion matrices: one, or two side by side (e.g. two activation rules).

Cells show counts; colour is the row-normalised fraction (share of each true
class), so a small class reads as clearly as a large one. A matrix with one
more column than classes has its last column labelled 'none' (no decision).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from coman_graph.report.metrics import NONE_LABEL  # noqa: E402

_CMAP = "Blues"


def _columns(matrix: np.ndarray, classes: Sequence[object]) -> list[str]:
    rows, cols = matrix.shape
    if rows != len(classes) or cols not in (len(classes), len(classes) + 1):
        raise ValueError(f"a {rows}x{cols} matrix does not fit {len(classes)} classes")
    names = [str(c) for c in classes]
    return names + [NONE_LABEL] if cols > len(classes) else names


def _accuracy(matrix: np.ndarray) -> float:
    n = matrix.shape[0]
    total = matrix.sum()
    return float(np.trace(matrix[:, :n]) / total) if total else 0.0


def _draw(axes: plt.Axes, matrix: np.ndarray, classes: Sequence[object], title: str) -> object:
    matrix = np.asarray(matrix, dtype=np.int64)
    columns = _columns(matrix, classes)
    support = matrix.sum(axis=1, keepdims=True)
    share = np.divide(matrix, support, out=np.zeros(matrix.shape), where=support > 0)
    image = axes.imshow(share, cmap=_CMAP, vmin=0.0, vmax=1.0, aspect="equal")
    size = 9 if max(matrix.shape) <= 11 else 7
    for (r, c), count in np.ndenumerate(matrix):
        if count:
            colour = "white" if share[r, c] > 0.55 else "black"
            weight = "bold" if r == c else "normal"
            axes.text(
                c,
                r,
                str(count),
                ha="center",
                va="center",
                fontsize=size,
                color=colour,
                fontweight=weight,
            )
    axes.set_xticks(range(len(columns)), columns)
    axes.set_yticks(range(len(classes)), [str(c) for c in classes])
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    if len(columns) > len(classes):
        axes.axvline(len(classes) - 0.5, color="gray", linewidth=1)
    axes.set_title(f"{title}\naccuracy {_accuracy(matrix):.2%} of {int(matrix.sum())}".strip())
    return image


def render_confusion(
    matrix: np.ndarray, classes: Sequence[object], path: str | Path, title: str = ""
) -> Path:
    """Write one confusion matrix (rows true, columns predicted, counts in cells) to a PNG.

    Parameters
    ----------
    matrix
        Integer counts, ``len(classes)`` rows and ``len(classes)`` columns, or one
        more column for 'none' (no decision).
    classes
        Class labels in matrix order.
    path
        Where to write the PNG.
    title
        Figure title; the accuracy is appended.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    n = len(classes)
    side = max(4.5, 0.55 * n + 2.5)
    figure, axes = plt.subplots(figsize=(side + 1.2, side))
    image = _draw(axes, matrix, classes, title)
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04, label="share of true class")
    figure.tight_layout()
    path = Path(path)
    figure.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(figure)
    return path


def render_confusion_pair(
    left: np.ndarray,
    right: np.ndarray,
    classes: Sequence[object],
    path: str | Path,
    title: str = "",
    left_title: str = "",
    right_title: str = "",
) -> Path:
    """Write two confusion matrices side by side with a shared title and colour bar.

    Used to show the effect of one change, e.g. the activation rule 'fill'
    (left) against 'fill_coverage' (right), on the same test images.
    """
    n = len(classes)
    side = max(4.5, 0.55 * n + 2.5)
    figure, (a, b) = plt.subplots(1, 2, figsize=(2 * side + 1.5, side + 0.4))
    _draw(a, left, classes, left_title)
    image = _draw(b, right, classes, right_title)
    figure.colorbar(image, ax=[a, b], fraction=0.025, pad=0.03, label="share of true class")
    if title:
        figure.suptitle(title)
    path = Path(path)
    figure.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(figure)
    return path
