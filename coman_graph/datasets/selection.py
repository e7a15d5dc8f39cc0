"""Which MNIST images (and which augmentations of them) a job works on, and their stable ids.

A sample is named by where its pixels come from: ``mnist/train/123`` is an
original image, ``mnist/train/123/aug7-3`` its 3rd augmentation drawn with seed 7.
Each augmentation has its own generator seeded by (seed, index, k), so it is
reproducible whatever else is selected.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import numpy as np

from coman_graph.datasets.augment import augment
from coman_graph.datasets.mnist import MnistSplit
from coman_graph.errors import InputError


@dataclass(frozen=True)
class SampleSpec:
    """One sample to sense: an MNIST image, optionally its k-th augmentation (k >= 1)."""

    split: str
    index: int
    label: int
    augmentation: int = 0
    aug_seed: int = 0

    @property
    def sample_id(self) -> str:
        base = f"mnist/{self.split}/{self.index}"
        return f"{base}/aug{self.aug_seed}-{self.augmentation}" if self.augmentation else base

    @property
    def original(self) -> SampleSpec:
        """The original image this sample was drawn from (itself if it is one)."""
        return replace(self, augmentation=0, aug_seed=0)

    def image(self, data: MnistSplit) -> np.ndarray:
        """The 28x28 uint8 pixels of this sample."""
        return self.from_original(data.images[self.index])

    def from_original(self, original: np.ndarray) -> np.ndarray:
        """This sample's pixels, given its original MNIST image (augmented if it is a copy)."""
        if not self.augmentation:
            return original
        rng = np.random.default_rng([self.aug_seed, self.index, self.augmentation])
        return augment(original, rng)


def content_hash(image: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(image).tobytes()).hexdigest()[:32]


def parse_classes(text: str | None) -> tuple[int, ...]:
    """``"1,2,3"`` -> (1, 2, 3); None -> all ten digits. Unknown classes are an InputError."""
    if not text:
        return tuple(range(10))
    try:
        classes = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise InputError(f"--classes {text!r}: expected digits separated by commas") from None
    bad = [c for c in classes if not 0 <= c <= 9]
    if bad or not classes:
        raise InputError(f"--classes {text!r}: unknown class {bad[0] if bad else '(none)'}")
    return classes


def pick_per_class(
    data: MnistSplit, classes: tuple[int, ...], per_class: int, seed: int
) -> list[int]:
    """``per_class`` image indices of each class, drawn without replacement with ``seed``."""
    rng = np.random.default_rng(seed)
    picked: list[int] = []
    for digit in classes:
        candidates = np.flatnonzero(data.labels == digit)
        if len(candidates) < per_class:
            raise InputError(f"class {digit}: only {len(candidates)} images in {data.split}")
        picked.extend(int(i) for i in rng.choice(candidates, size=per_class, replace=False))
    return picked


def specs_for(
    data: MnistSplit, indices: list[int], augment_count: int = 0, aug_seed: int = 0
) -> list[SampleSpec]:
    """Each index as an original sample followed by ``augment_count`` augmentations."""
    specs = []
    for index in indices:
        if not 0 <= index < len(data):
            raise InputError(f"index {index}: {data.split} split holds indices 0-{len(data) - 1}")
        label = int(data.labels[index])
        specs.append(SampleSpec(data.split, index, label))
        specs.extend(
            SampleSpec(data.split, index, label, k, aug_seed) for k in range(1, augment_count + 1)
        )
    return specs
