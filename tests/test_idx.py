"""The IDX reader on the real MNIST files and on corrupted or truncated copies."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from coman_graph.datasets.idx import IdxError, read_idx
from coman_graph.datasets.mnist import load_split, verify_genuine


def test_genuine_mnist(mnist_dir, mnist_train, mnist_test):
    verify_genuine(mnist_dir)
    assert mnist_train.images.shape == (60_000, 28, 28)
    assert mnist_test.images.shape == (10_000, 28, 28)
    assert mnist_train.images.dtype == np.uint8
    assert int(mnist_train.labels[0]) == 5 and int(mnist_test.labels[0]) == 7
    assert np.bincount(mnist_test.labels).tolist()[:3] == [980, 1135, 1032]


def test_gzip_copy_reads_the_same(mnist_dir, mnist_test, tmp_path):
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress((mnist_dir / name).read_bytes()))
    copy = load_split("test", tmp_path)
    assert np.array_equal(copy.images, mnist_test.images)
    assert np.array_equal(copy.labels, mnist_test.labels)


def test_truncated_file_is_named(mnist_dir, tmp_path):
    broken = tmp_path / "t10k-images-idx3-ubyte"
    broken.write_bytes((mnist_dir / broken.name).read_bytes()[:-100])
    with pytest.raises(IdxError, match=r"t10k-images-idx3-ubyte: truncated"):
        read_idx(broken)


def test_bad_magic_number(mnist_dir, tmp_path):
    broken = tmp_path / "labels"
    data = bytearray((mnist_dir / "t10k-labels-idx1-ubyte").read_bytes())
    data[0] = 0x1F
    broken.write_bytes(bytes(data))
    with pytest.raises(IdxError, match="bad magic number"):
        read_idx(broken)


def test_wrong_dimensions(mnist_dir):
    with pytest.raises(IdxError, match="expected 3 dimensions"):
        read_idx(mnist_dir / "t10k-labels-idx1-ubyte", expected_ndim=3)


def test_corrupt_gzip(tmp_path):
    broken = tmp_path / "x.gz"
    broken.write_bytes(b"\x1f\x8b\x08garbage")
    with pytest.raises(IdxError, match="cannot be read"):
        read_idx(broken)


def test_labels_mismatch_images(mnist_dir, tmp_path):
    shutil.copy(mnist_dir / "t10k-images-idx3-ubyte", tmp_path)
    labels = (mnist_dir / "train-labels-idx1-ubyte").read_bytes()
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(labels)
    with pytest.raises(IdxError, match="10000 images but"):
        load_split("test", tmp_path)


def test_missing_folder(tmp_path):
    with pytest.raises(IdxError, match="MNIST file not found"):
        load_split("train", tmp_path)
