"""Augmentation: new 28x28 uint8 digits, seeded, different from the original and each other."""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi

from coman_graph.datasets.augment import augment, augmentations
from coman_graph.sensing import SensingError
from coman_graph.sensing.pipeline import sense


def test_shape_dtype_and_count(mnist_train):
    image = mnist_train.images[0]
    variants = augmentations(image, 10, seed=1)
    assert len(variants) == 10
    for variant in variants:
        assert variant.shape == (28, 28) and variant.dtype == np.uint8
        assert variant is not image and variant.any()


def test_same_seed_same_variants(mnist_train):
    image = mnist_train.images[1]
    first, second = augmentations(image, 5, seed=7), augmentations(image, 5, seed=7)
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    again = augment(image, np.random.default_rng(7))
    assert np.array_equal(again, first[0])


def test_variants_differ_from_the_original_and_between_seeds(mnist_train):
    image = mnist_train.images[2]
    original = image.copy()
    seven, eight = augmentations(image, 5, seed=7), augmentations(image, 5, seed=8)
    assert np.array_equal(image, original)  # the input is left alone
    assert all(not np.array_equal(v, image) for v in seven + eight)
    assert all(not np.array_equal(a, b) for a, b in zip(seven, eight, strict=True))
    assert len({v.tobytes() for v in seven}) == 5


def test_changes_are_small(mnist_train):
    image = mnist_train.images[3]
    centre = np.array(ndi.center_of_mass(image.astype(float)))
    for variant in augmentations(image, 20, seed=0):
        moved = np.array(ndi.center_of_mass(variant.astype(float))) - centre
        assert np.hypot(*moved) < 2.0
        ink = (variant >= 110).sum() / (image >= 110).sum()
        assert 0.5 < ink < 2.0


def test_stroke_width_changes_happen(mnist_train):
    image = mnist_train.images[4]
    inks = [int((v >= 110).sum()) for v in augmentations(image, 40, seed=3)]
    base = int((image >= 110).sum())
    assert min(inks) < 0.85 * base and max(inks) > 1.25 * base


def test_a_clear_zero_keeps_its_loop(mnist_test):
    loops = []
    for variant in augmentations(mnist_test.images[10], 10, seed=0):
        try:
            loops.append(sense(variant).loops)
        except SensingError:
            loops.append(-1)
    assert loops.count(1) >= 9
