"""The energy-based baselines on real MNIST: classical Hopfield network and modern Hopfield.

Retrieval of stored digits from corrupted copies, energy descent along the dynamics,
and the classifiers of the registry on few-shot training images scored on held-out
train images (the validation set), never the test split.
"""

from __future__ import annotations

import numpy as np
import pytest

from coman_graph.baselines import (
    BASELINES,
    binarise,
    dense_associative_memory,
    dense_energy,
    dense_retrieve,
    hebbian_weights,
    hopfield_energy,
    hopfield_network,
    hopfield_retrieve,
    unit_features,
)
from coman_graph.datasets.protocols import PROTOCOLS, training_specs, validation_specs
from coman_graph.datasets.selection import pick_per_class

#: Share of pixels flipped (Hopfield) or blanked (dense memory) in a corrupted copy.
CORRUPTION = 0.15


def flip_pixels(patterns: np.ndarray, share: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noisy = patterns.copy()
    for row in noisy:
        row[rng.choice(row.size, int(share * row.size), replace=False)] *= -1
    return noisy


@pytest.fixture(scope="module")
def four_digits(mnist_train):
    """One binarised image each of 0, 1, 3 and 7 (seed 3)."""
    return binarise(mnist_train.images[pick_per_class(mnist_train, (0, 1, 3, 7), 1, 3)])


@pytest.fixture(scope="module")
def few_shot(mnist_train):
    """P10 with 5 per class (seed 0): training images with augmentations, 300 held out."""
    protocol = PROTOCOLS["P10"]
    specs = training_specs(protocol, mnist_train, 0)
    held_out = validation_specs(protocol, mnist_train, 0, 300)
    return (
        np.stack([spec.image(mnist_train) for spec in specs]),
        np.array([spec.label for spec in specs]),
        mnist_train.images[[spec.index for spec in held_out]],
        np.array([spec.label for spec in held_out]),
    )


# --- classical Hopfield -----------------------------------------------------------------------


def test_hebbian_weights_are_symmetric_with_zero_diagonal(four_digits):
    for centre in (True, False):
        weights, bias = hebbian_weights(four_digits, centre)
        assert weights.shape == (784, 784) and bias.shape == (784,)
        assert np.array_equal(weights, weights.T)
        assert not np.diag(weights).any()
    plain, zero = hebbian_weights(four_digits, centre=False)
    expected = four_digits.T @ four_digits / 784
    np.fill_diagonal(expected, 0)
    assert np.allclose(plain, expected) and not zero.any()


def test_hopfield_recalls_stored_digits_from_corrupted_copies(four_digits):
    weights, bias = hebbian_weights(four_digits)
    assert (((four_digits @ weights + bias) * four_digits) >= 0).all()  # stored = fixed points
    noisy = flip_pixels(four_digits, CORRUPTION, seed=1)
    assert ((noisy * four_digits).mean(axis=1) < 0.75).all()
    recalled = hopfield_retrieve(weights, bias, noisy)
    assert np.array_equal(recalled, four_digits)


def test_hopfield_classifies_corrupted_copies_by_the_pattern_it_settles_on(
    mnist_train, four_digits
):
    index = pick_per_class(mnist_train, (0, 1, 3, 7), 1, 3)
    images = mnist_train.images[index]
    labels = mnist_train.labels[index]
    # corrupt the grey images: ink where the flipped binary copy has ink
    noisy = np.where(flip_pixels(four_digits, CORRUPTION, seed=2) > 0, 255, 0).astype(np.uint8)
    predicted = hopfield_network(images, labels, noisy.reshape(-1, 28, 28))
    assert np.array_equal(predicted, labels)


def test_hopfield_energy_never_rises_along_its_dynamics(few_shot):
    train_x, _, held_x, _ = few_shot
    patterns = binarise(train_x)
    weights, bias = hebbian_weights(patterns)
    states = binarise(held_x[:100])
    energies = [hopfield_energy(weights, bias, states)]
    for sweeps in range(1, 60):
        energies.append(
            hopfield_energy(weights, bias, hopfield_retrieve(weights, bias, states, sweeps))
        )
        if np.array_equal(energies[-1], energies[-2]) and sweeps > 1:
            break
    steps = np.diff(np.stack(energies), axis=0)
    assert (steps <= 1e-5 * np.abs(np.stack(energies[:-1])).max()).all()  # float32 rounding
    assert (energies[-1] < energies[0]).all()  # every state moved downhill
    settled = hopfield_retrieve(weights, bias, states)
    assert (((settled @ weights + bias) * settled) >= 0).all()  # a fixed point: no flip left
    # the first sweeps do not depend on how many more are allowed
    assert np.array_equal(hopfield_retrieve(weights, bias, states, sweeps), settled)


# --- dense associative memory -----------------------------------------------------------------


def test_dense_memory_retrieves_the_stored_digit_from_a_corrupted_copy(mnist_train):
    index = pick_per_class(mnist_train, tuple(range(10)), 10, 4)
    patterns = unit_features(mnist_train.images[index])
    rng = np.random.default_rng(5)
    corrupted = mnist_train.images[index].reshape(len(index), -1).copy()
    for row in corrupted:
        row[rng.choice(row.size, int(CORRUPTION * row.size), replace=False)] = 0
        row[rng.choice(row.size, int(CORRUPTION * row.size), replace=False)] = 255
    queries = unit_features(corrupted.reshape(-1, 28, 28))
    retrieved = dense_retrieve(patterns, queries, beta=100.0, steps=3)
    assert np.array_equal(np.argmax(retrieved @ patterns.T, axis=1), np.arange(len(index)))
    # it lands on the stored pattern itself, not a mixture
    assert (np.einsum("ij,ij->i", retrieved, patterns) > 0.99).mean() > 0.9


def test_dense_energy_never_rises_along_its_updates(few_shot):
    train_x, _, held_x, _ = few_shot
    patterns = unit_features(train_x)
    for beta in (5.0, 20.0, 100.0):
        states = unit_features(held_x[:200])
        energies = [dense_energy(patterns, states, beta)]
        for _ in range(5):
            states = dense_retrieve(patterns, states, beta, 1)
            energies.append(dense_energy(patterns, states, beta))
        steps = np.diff(np.stack(energies), axis=0)
        assert (steps <= 1e-5).all(), beta
        assert (np.stack(energies) >= -1e-5).all()  # the constants make it non-negative


# --- the registry -----------------------------------------------------------------------------


def test_every_registered_baseline_classifies_held_out_images(few_shot):
    train_x, train_y, held_x, held_y = few_shot
    assert list(BASELINES)[:2] == ["1-NN pixels", "RBF SVM"]
    assert BASELINES["Hopfield (Hebbian)"] is hopfield_network
    assert BASELINES["modern Hopfield"] is dense_associative_memory
    accuracy = {}
    for name, predict in BASELINES.items():
        predicted = predict(train_x, train_y, held_x)
        assert predicted.shape == held_y.shape
        assert set(predicted) <= set(train_y)
        accuracy[name] = float(np.mean(predicted == held_y))
    print(accuracy)
    assert accuracy["modern Hopfield"] > 0.6  # chance is 0.1
    assert accuracy["modern Hopfield"] >= accuracy["1-NN pixels"] - 0.02
    with pytest.raises(ValueError):
        hopfield_network(train_x, train_y[:-1], held_x)
    with pytest.raises(ValueError):
        dense_associative_memory(train_x, train_y, held_x[:, :20])
