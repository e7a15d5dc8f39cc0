"""Bad input, fuzzed: the IDX reader and the image-file reader under property-based testing.

Whatever the bytes, a reader either returns what the format promises (an array of the
declared shape; a 28x28 uint8 digit) or raises a one-line InputError naming the file,
never another exception. The command line turns such an error into exit code 4 and one
line on stderr, before it touches a graph server.
"""

from __future__ import annotations

import gzip
import io
import os
import struct
import subprocess
import tempfile
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import CLI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from coman_graph.datasets.idx import IdxError, read_idx
from coman_graph.datasets.image_file import read_digit_image
from coman_graph.datasets.mnist import load_split
from coman_graph.errors import BAD_INPUT, InputError

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: IDX type byte -> numpy dtype, as the format defines them.
IDX_TYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def in_file(data: bytes, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    path = folder / name
    path.write_bytes(data)
    return path


def assert_one_line_naming(error: BaseException, path: Path) -> None:
    assert isinstance(error, InputError), repr(error)
    message = str(error)
    assert "\n" not in message and message.startswith(f"{path}: "), message


def read_or_error(reader, path: Path, **kwargs):
    """``reader(path)``, or None if it raised a one-line InputError naming ``path``. Any other
    exception, a warning that escapes the reader, or anything a C decoder prints on stderr
    fails the property."""
    with tempfile.TemporaryFile() as printed, warnings.catch_warnings():
        warnings.simplefilter("error")
        saved = os.dup(2)
        os.dup2(printed.fileno(), 2)
        try:
            return reader(path, **kwargs)
        except Exception as exc:
            assert_one_line_naming(exc, path)
            return None
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            printed.seek(0)
            assert printed.read() == b"", "the reader printed on stderr"


# -- IDX -----------------------------------------------------------------------------------


@st.composite
def idx_files(draw) -> bytes:
    """Mostly well-formed IDX: a valid or nearly valid header, a body of about the right size."""
    type_code = draw(st.sampled_from([*IDX_TYPES, draw(st.integers(0, 255))]))
    ndim = draw(st.integers(0, 4))
    dims = draw(st.lists(st.integers(0, 6), min_size=ndim, max_size=ndim))
    if draw(st.booleans()):
        dims = draw(st.lists(st.integers(0, 2**32 - 1), min_size=ndim, max_size=ndim))
    magic = draw(st.sampled_from([b"\x00\x00", b"\x00\x01", b"\x01\x00"]))
    header = magic + bytes([type_code, ndim]) + b"".join(struct.pack(">I", d) for d in dims)
    itemsize = np.dtype(IDX_TYPES.get(type_code, "u1")).itemsize
    size = int(np.prod(dims, dtype=object)) * itemsize if dims else 0
    body_len = size + draw(st.integers(-3, 3)) if size < 10_000 else draw(st.integers(0, 64))
    body = draw(st.binary(min_size=max(0, body_len), max_size=max(0, body_len)))
    data = header + body
    cut = draw(st.integers(0, len(data)))
    return data if draw(st.booleans()) else data[:cut]


@FUZZ
@given(st.binary(max_size=512))
def test_idx_reader_on_arbitrary_bytes(data):
    array = read_or_error(read_idx, in_file(data, "blob-idx"))
    assert array is None or isinstance(array, np.ndarray)


@FUZZ
@given(idx_files(), st.sampled_from([None, 1, 3]))
def test_idx_reader_on_nearly_valid_files(data, expected_ndim):
    array = read_or_error(read_idx, in_file(data, "nearly-idx3-ubyte"), expected_ndim=expected_ndim)
    if array is not None:
        dims = struct.unpack(f">{data[3]}I", data[4 : 4 + 4 * data[3]])
        assert array.shape == dims and array.dtype.isnative
        assert expected_ndim in (None, array.ndim)
        raw = np.frombuffer(data[4 + 4 * data[3] :], dtype=IDX_TYPES[data[2]])
        assert np.array_equal(array.ravel(), raw, equal_nan=array.dtype.kind == "f")


@FUZZ
@given(st.one_of(st.binary(max_size=256), idx_files().map(gzip.compress)), st.integers(0, 300))
def test_idx_reader_on_damaged_gzip(data, cut):
    damaged = data[:cut] if cut < len(data) else data
    array = read_or_error(read_idx, in_file(damaged, "t10k-labels-idx1-ubyte.gz"))
    assert array is None or isinstance(array, np.ndarray)


@settings(max_examples=150, deadline=None)
@given(idx_files(), idx_files())
def test_a_fuzzed_mnist_folder_is_mnist_or_one_clear_error(images, labels):
    folder = Path(tempfile.mkdtemp(prefix="fuzz-mnist-"))
    (folder / "t10k-images-idx3-ubyte").write_bytes(images)
    (folder / "t10k-labels-idx1-ubyte").write_bytes(labels)
    try:
        split = load_split("test", folder)
    except Exception as exc:
        assert isinstance(exc, IdxError), repr(exc)
        assert "\n" not in str(exc) and str(folder) in str(exc), str(exc)
        return
    assert split.images.shape[1:] == (28, 28) and split.images.dtype == np.uint8
    assert len(split.images) == len(split.labels) and split.labels.dtype == np.uint8
    assert split.labels.size == 0 or split.labels.max() <= 9


# -- image files ---------------------------------------------------------------------------

FORMATS = ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP")
MODES = ("L", "RGB", "RGBA", "P", "1", "I;16", "I", "F", "LA", "CMYK")


@st.composite
def images(draw) -> tuple[bytes, str]:
    """A real image file of some format, mode and size, possibly damaged: (bytes, format)."""
    fmt = draw(st.sampled_from(FORMATS))
    mode = draw(st.sampled_from(MODES))
    width, height = draw(st.integers(1, 120)), draw(st.integers(1, 120))
    seed = draw(st.integers(0, 2**32 - 1))
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    image = Image.fromarray(pixels).convert(mode)
    buffer = io.BytesIO()
    try:
        image.save(buffer, format=fmt)
    except (OSError, ValueError, KeyError):
        image.convert("RGB").save(buffer, format=fmt)  # a mode the format cannot store
    data = buffer.getvalue()
    damage = draw(st.sampled_from(["none", "truncate", "flip", "splice"]))
    if damage == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "flip":
        at = draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=8))
        flipped = bytearray(data)
        for i in at:
            flipped[i] ^= draw(st.integers(1, 255))
        data = bytes(flipped)
    elif damage == "splice":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=64)) + data[at:]
    return data, fmt


def assert_digit(pixels) -> None:
    assert isinstance(pixels, np.ndarray)
    assert pixels.shape == (28, 28) and pixels.dtype == np.uint8
    assert pixels.mean() < 128  # white ink on black, like MNIST (dark paper is inverted)


@FUZZ
@given(st.binary(max_size=1024))
def test_image_reader_on_arbitrary_bytes(data):
    pixels = read_or_error(read_digit_image, in_file(data, "digit.png"))
    if pixels is not None:
        assert_digit(pixels)


@settings(max_examples=300, deadline=None)
@given(images())
def test_image_reader_on_real_and_damaged_images(image):
    data, fmt = image
    pixels = read_or_error(read_digit_image, in_file(data, f"digit.{fmt.lower()}"))
    if pixels is not None:
        assert_digit(pixels)


def test_image_reader_refuses_a_decompression_bomb():
    # a valid PNG header declaring 100000 x 100000 pixels (the data itself is never read)
    width = height = 100_000
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    png = (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )
    path = in_file(png, "bomb.png")
    with pytest.raises(InputError, match="too large|not a readable image") as raised:
        read_digit_image(path)
    assert_one_line_naming(raised.value, path)


# -- through the command line --------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data",
    [
        ("empty.png", b""),
        ("truncated.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
    ],
)
def test_classify_refuses_a_bad_image_file_in_one_line(name, data, tmp_path):
    path = tmp_path / name
    path.write_bytes(data)
    # no server is configured or started: bad input is refused before any connection
    env = {"COMAN_SERVER_DIR": str(tmp_path / "no-server"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [*CLI, "classify", str(path)], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == BAD_INPUT, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: "), result.stderr
    assert not (tmp_path / "no-server").exists()
