"""Read standard IDX files (raw or gzip-compressed) into numpy arrays, validating them."""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from coman_graph.errors import InputError

#: IDX element type byte -> numpy dtype (big-endian, as the format stores them).
_IDX_DTYPES: dict[int, str] = {
    0x08: "u1",
    0x09: "i1",
    0x0B: ">i2",
    0x0C: ">i4",
    0x0D: ">f4",
    0x0E: ">f8",
}


class IdxError(InputError):
    """An IDX file that is missing, truncated or not IDX at all."""


def read_idx(path: str | Path, expected_ndim: int | None = None) -> np.ndarray:
    """Read one IDX file.

    Parameters
    ----------
    path:
        The file; a name ending in ``.gz`` is decompressed.
    expected_ndim:
        If given, the number of dimensions the file must declare (1 for
        labels, 3 for images).

    Returns
    -------
    numpy.ndarray
        The data with the declared shape, in native byte order.

    Raises
    ------
    IdxError
        With a one-line message naming the file and what is wrong with it.
    """
    path = Path(path)
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except FileNotFoundError:
        raise IdxError(f"{path}: no such IDX file") from None
    except (OSError, EOFError, zlib.error) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise IdxError(f"{path}: cannot be read as an IDX file ({reason})") from None
    if len(raw) < 4:
        raise IdxError(f"{path}: truncated IDX file ({len(raw)} bytes, no header)")
    zero0, zero1, type_code, ndim = raw[0], raw[1], raw[2], raw[3]
    if zero0 or zero1 or type_code not in _IDX_DTYPES or ndim == 0:
        raise IdxError(f"{path}: not an IDX file (bad magic number {raw[:4].hex()})")
    if expected_ndim is not None and ndim != expected_ndim:
        raise IdxError(f"{path}: expected {expected_ndim} dimensions, the header declares {ndim}")
    header_len = 4 + 4 * ndim
    if len(raw) < header_len:
        raise IdxError(f"{path}: truncated IDX header")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[type_code])
    expected = math.prod(shape) * dtype.itemsize
    body = len(raw) - header_len
    if body != expected:
        what = "truncated" if body < expected else "has trailing bytes"
        raise IdxError(
            f"{path}: {what}: header declares shape {shape} ({expected} bytes), "
            f"file holds {body} bytes of data"
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header_len).reshape(shape)
    return data.astype(dtype.newbyteorder("="), copy=True)
