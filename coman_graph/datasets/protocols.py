"""The few-shot protocols of DESIGN.md §6: which images train, which test, in which order.

P6 (the ComAN paper's): classes 1,2,3,6,7,9; 6 unique training images per class,
10 augmentations each; tested on every MNIST test image of those classes (6,172).
P10: all classes; 5 unique per class, 10 augmentations each; all 10,000 test images.

Rules and parameters are chosen on a *validation set*: held-out original images of the
TRAIN split (:func:`validation_specs`), never on the test split.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from coman_graph.datasets.augment import augment
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


#: The augmentation seed of the views a classified image is matched through (``view_specs``):
#: no training run uses it, so no view is a training sample.
VIEW_SEED = 1000


def view_specs(specs: list[SampleSpec], views: int) -> list[SampleSpec]:
    """``views`` augmented copies of each original in ``specs``, for classification.

    Each copy is the training augmentation of the image drawn with :data:`VIEW_SEED`; a
    neuron's activation for the image is its mean over the image and its views
    (infer/activate, kernel/pool-views).
    """
    return [
        replace(spec, augmentation=view, aug_seed=VIEW_SEED)
        for spec in specs
        if not spec.augmentation
        for view in range(1, views + 1)
    ]


def view_pixels(pixels: np.ndarray, view: int) -> np.ndarray:
    """The ``view``-th view (1, 2, ...) of an image given by its pixels (a user's file): the
    training augmentation drawn with :data:`VIEW_SEED` and the view's number."""
    return augment(pixels, np.random.default_rng([VIEW_SEED, view]))


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


#: Seeds whose training picks every validation set avoids, so that one validation set
#: serves the runs of all of them.
RESERVED_SEEDS: tuple[int, ...] = (0, 1, 2)
#: Unique-images-per-class counts whose picks (at the reserved seeds) validation avoids.
RESERVED_K: tuple[int, ...] = tuple(range(1, 11))
#: Seed of the one fixed shuffle of the train split that validation images are taken from.
VALIDATION_SEED = 13
#: Validation images when no count is given.
VALIDATION_SIZE = 800


def reserved_train_indices(protocol: Protocol, train: MnistSplit, seed: int) -> set[int]:
    """Train-split indices a validation set must avoid for ``protocol`` at ``seed``.

    The training picks of ``protocol`` at ``seed``, and those of every named protocol
    (:data:`PROTOCOLS`) and of ``protocol``'s classes at each of the :data:`RESERVED_SEEDS`
    for every k in :data:`RESERVED_K`.
    """
    reserved = set(pick_per_class(train, protocol.classes, protocol.per_class, seed))
    class_sets = {p.classes for p in PROTOCOLS.values()} | {protocol.classes}
    for classes in class_sets:
        for reserved_seed in RESERVED_SEEDS:
            for k in RESERVED_K:
                reserved.update(pick_per_class(train, classes, k, reserved_seed))
    return reserved


def validation_specs(
    protocol: Protocol, train: MnistSplit, seed: int, count: int | None = None
) -> list[SampleSpec]:
    """``count`` held-out TRAIN-split images of the protocol's classes, for choosing rules.

    Parameters
    ----------
    protocol
        Its classes are the ones drawn; its ``per_class`` picks at ``seed`` are avoided.
    train
        The MNIST train split.
    seed
        The training seed of the runs this set validates.
    count
        How many images (default :data:`VALIDATION_SIZE`).

    Returns
    -------
    Original (unaugmented) images in a fixed order: the train split shuffled once with
    :data:`VALIDATION_SEED`, keeping the images of the protocol's classes that are not in
    :func:`reserved_train_indices`. The classes come in their natural proportions, as in
    the test split. The set never meets the training picks of ``seed``; for seeds 0, 1
    and 2 and k from 1 to 10 it is the same set, disjoint from all their picks, and a
    smaller ``count`` gives a prefix of a larger one.
    """
    count = VALIDATION_SIZE if count is None else count
    if count < 1:
        raise InputError(f"validation images: expected a positive count, got {count}")
    reserved = reserved_train_indices(protocol, train, seed)
    order = np.random.default_rng(VALIDATION_SEED).permutation(len(train))
    wanted = np.isin(train.labels[order], protocol.classes)
    free = ~np.isin(order, np.fromiter(reserved, dtype=np.int64, count=len(reserved)))
    held_out = order[wanted & free]
    if len(held_out) < count:
        raise InputError(
            f"validation images: asked for {count}, the train split holds {len(held_out)}"
        )
    return specs_for(train, [int(i) for i in held_out[:count]])


def absorption_order(specs: list[SampleSpec], digit: int, seed: int) -> list[str]:
    """The fixed, seeded order in which a class absorbs its training samples."""
    ids = [spec.sample_id for spec in specs if spec.label == digit]
    order = np.random.default_rng([seed, digit]).permutation(len(ids))
    return [ids[i] for i in order]
