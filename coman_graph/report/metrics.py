"""Classification metrics: accuracy, macro precision/recall/F1, per-class rows, confusion matrix.

Predictions outside ``classes`` (``None`` for "no decision", or an unknown
label) count as wrong for their true class and are collected in an extra
``'none'`` column of the confusion matrix, which exists only if any occur.
Precision of a class that was never predicted is 0 (and so is its F1); the
macro averages are unweighted means over ``classes``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

NONE_LABEL = "none"


@dataclass(frozen=True)
class ClassRow:
    """Scores of one class."""

    cls: Hashable
    precision: float
    recall: float
    f1: float
    support: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": _json_label(self.cls),
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "support": self.support,
        }


@dataclass(frozen=True)
class Metrics:
    """The scores of one set of predictions.

    confusion: rows are true classes, columns predicted classes, both in
    ``classes`` order; one more column (``columns[-1] == 'none'``) when some
    predictions fell outside ``classes``.
    """

    accuracy: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    per_class: tuple[ClassRow, ...]
    confusion: np.ndarray
    classes: tuple[Hashable, ...]
    columns: tuple[Hashable, ...]
    total: int
    undecided: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: plain floats, ints and lists."""
        return {
            "accuracy": self.accuracy,
            "macro_precision": self.macro_precision,
            "macro_recall": self.macro_recall,
            "macro_f1": self.macro_f1,
            "total": self.total,
            "undecided": self.undecided,
            "classes": [_json_label(c) for c in self.classes],
            "columns": [_json_label(c) for c in self.columns],
            "per_class": [row.to_dict() for row in self.per_class],
            "confusion": self.confusion.tolist(),
        }


def _json_label(label: Hashable) -> Any:
    if isinstance(label, np.generic):
        return label.item()
    return label


def _key(label: Any) -> Any:
    """numpy scalars -> Python scalars, so np.int64(3) and 3 name the same class."""
    return label.item() if isinstance(label, np.generic) else label


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else 0.0


def classification_metrics(
    y_true: Sequence[Hashable] | np.ndarray,
    y_pred: Sequence[Hashable | None] | np.ndarray,
    classes: Sequence[Hashable],
) -> Metrics:
    """Score predictions ``y_pred`` against ``y_true`` over ``classes`` (in that order).

    Every true label must be one of ``classes``; a prediction that is not
    (e.g. ``None``) is an abstention, counted in the 'none' column.
    """
    truth = [_key(t) for t in y_true]
    predicted = [_key(p) for p in y_pred]
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} true labels but {len(predicted)} predictions")
    order = tuple(_key(c) for c in classes)
    index = {c: i for i, c in enumerate(order)}
    if len(index) != len(order):
        raise ValueError("classes must be distinct")
    unknown = sorted({repr(t) for t in truth if t not in index})
    if unknown:
        raise ValueError(f"true labels outside classes: {', '.join(unknown)}")

    n = len(order)
    undecided = sum(1 for p in predicted if p not in index)
    confusion = np.zeros((n, n + 1 if undecided else n), dtype=np.int64)
    for t, p in zip(truth, predicted, strict=True):
        confusion[index[t], index.get(p, n)] += 1

    decided = confusion[:, :n]
    hits = np.diag(decided).astype(float)
    support = confusion.sum(axis=1)
    predicted_as = decided.sum(axis=0)
    rows = []
    for i, c in enumerate(order):
        precision = _ratio(hits[i], predicted_as[i])
        recall = _ratio(hits[i], support[i])
        f1 = _ratio(2 * precision * recall, precision + recall)
        rows.append(ClassRow(c, precision, recall, f1, int(support[i])))
    total = len(truth)
    return Metrics(
        accuracy=_ratio(hits.sum(), total),
        macro_precision=float(np.mean([r.precision for r in rows])) if rows else 0.0,
        macro_recall=float(np.mean([r.recall for r in rows])) if rows else 0.0,
        macro_f1=float(np.mean([r.f1 for r in rows])) if rows else 0.0,
        per_class=tuple(rows),
        confusion=confusion,
        classes=order,
        columns=(*order, NONE_LABEL) if undecided else order,
        total=total,
        undecided=undecided,
    )
