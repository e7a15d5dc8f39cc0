"""MNIST as read from a folder of the four original IDX files (raw or .gz)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import platformdirs

from coman_graph.datasets.idx import IdxError, read_idx
from coman_graph.errors import InputError

Split = Literal["train", "test"]
SPLITS: tuple[Split, ...] = ("train", "test")

_FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
#: What genuine MNIST holds: image counts and the first label of each split.
GENUINE = {"train": (60_000, 5), "test": (10_000, 7)}


def default_data_dir() -> Path:
    """``$COMAN_MNIST_DIR`` if set, else ``<user data dir>/coman-graph/mnist``."""
    env = os.environ.get("COMAN_MNIST_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir("coman-graph")) / "mnist"


@dataclass(frozen=True)
class MnistSplit:
    """Images (N x 28 x 28, uint8) and labels (N, uint8) of one split."""

    split: Split
    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def indices_of(self, classes: tuple[int, ...]) -> np.ndarray:
        """The indices of every image whose label is one of ``classes``, in order."""
        return np.flatnonzero(np.isin(self.labels, classes))


def _find(folder: Path, name: str) -> Path:
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.exists():
            return candidate
    raise IdxError(
        f"{folder / name}: MNIST file not found "
        "(run `coman-graph data fetch` or set COMAN_MNIST_DIR)"
    )


def load_split(split: Split, data_dir: str | Path | None = None) -> MnistSplit:
    """Read one split from ``data_dir`` (default :func:`default_data_dir`), validated."""
    if split not in _FILES:
        raise InputError(f"unknown split {split!r}: expected one of {', '.join(SPLITS)}")
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    return _load_cached(split, folder.resolve())


@lru_cache(maxsize=4)
def _load_cached(split: Split, folder: Path) -> MnistSplit:
    image_file, label_file = (_find(folder, name) for name in _FILES[split])
    images = read_idx(image_file, expected_ndim=3)
    labels = read_idx(label_file, expected_ndim=1)
    if images.dtype != np.uint8 or images.shape[1:] != (28, 28):
        raise IdxError(f"{image_file}: expected 28x28 uint8 images, found {images.shape[1:]}")
    if len(images) != len(labels):
        raise IdxError(
            f"{image_file}: {len(images)} images but {label_file.name} holds {len(labels)} labels"
        )
    if labels.dtype != np.uint8:
        raise IdxError(f"{label_file}: expected uint8 labels, found {labels.dtype}")
    if labels.size and labels.max() > 9:
        raise IdxError(f"{label_file}: labels must be digits 0-9, found {int(labels.max())}")
    return MnistSplit(split, images, labels)


def verify_genuine(data_dir: str | Path | None = None) -> None:
    """Raise IdxError unless the folder holds genuine MNIST (counts and first labels)."""
    for split, (count, first_label) in GENUINE.items():
        data = load_split(split, data_dir)
        if len(data) != count or int(data.labels[0]) != first_label:
            raise IdxError(
                f"{split} split is not genuine MNIST: {len(data)} images, first label "
                f"{int(data.labels[0])} (expected {count} and {first_label})"
            )
