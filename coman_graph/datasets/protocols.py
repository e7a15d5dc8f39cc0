"""The few-shot protocols of DESIGN.md §6: which images train, which test, in which order.

P6 (the ComAN paper's): classes 1,2,3,6,7,9; 6 unique training images per class,
10 augmentations each; tested on every MNIST test image of those classes (6,172).
P10: all classes; 5 unique per class, 10 augmentations each; all 10,000 test images.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from coman_graph.datasets.mnist import MnistSplit
from coman_graph.datasets.selection import SampleSpec, pick_per_class, specs_for
from coman_graph.errors import InputError


@dataclass(frozen=True)
class Protocol:
    name: str
    classes: tuple[int, ...]
    per_class: int
    augment: int

    def with_k(self, k: int | None) -> Protocol:
        """The protocol with ``k`` unique training images per class instead."""
        return self if k is None else replace(self, per_class=k)


PROTOCOLS: dict[str, Protocol] = {
    "P6": Protocol("P6", (1, 2, 3, 6, 7, 9), 6, 10),
    "P10": Protocol("P10", tuple(range(10)), 5, 10),
}


def get_protocol(name: str) -> Protocol:
    try:
        return PROTOCOLS[name.upper()]
    except KeyError:
        raise InputError(f"unknown protocol {name!r}: expected {', '.join(PROTOCOLS)}") from None


def training_specs(protocol: Protocol, train: MnistSplit, seed: int) -> list[SampleSpec]:
    """The unique training images (drawn with ``seed``) and their augmentations."""
    indices = pick_per_class(train, protocol.classes, protocol.per_class, seed)
    return specs_for(train, indices, protocol.augment, seed)


def test_specs(protocol: Protocol, test: MnistSplit, limit: int | None = None) -> list[SampleSpec]:
    """Every test image of the protocol's classes (the first ``limit`` of them if given)."""
    indices = [int(i) for i in test.indices_of(protocol.classes)]
    return specs_for(test, indices[:limit] if limit else indices)


def absorption_order(specs: list[SampleSpec], digit: int, seed: int) -> list[str]:
    """The fixed, seeded order in which a class absorbs its training samples."""
    ids = [spec.sample_id for spec in specs if spec.label == digit]
    order = np.random.default_rng([seed, digit]).permutation(len(ids))
    return [ids[i] for i in order]
