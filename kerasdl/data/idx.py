"""Reader for the IDX files in which MNIST and Fashion-MNIST are distributed (LeCun's format).

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of dimensions),
one big-endian uint32 size per dimension, then the values in row-major order. Both data sets use
type 0x08 (unsigned byte): images have 3 dimensions (N, 28, 28), labels 1 (N,).
"""

import gzip
import math
import zlib

import numpy as np

from kerasdl.data.catalog import non_finite_note
from kerasdl.data.errors import CorruptDataError

_UNSIGNED_BYTE = 0x08
_OTHER_TYPES = {0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path, ndim):
    """Reads an IDX file of unsigned bytes, gzip-compressed when its name ends in `.gz`.

    Args:
        path: a `pathlib.Path`.
        ndim: the number of dimensions the file must have (3 for images, 1 for labels).

    Returns:
        A read-only uint8 array of the shape the header gives.

    Raises:
        CorruptDataError: unreadable gzip, wrong magic number, or a payload of the wrong length.
    """
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                raw = f.read()
        else:
            raw = path.read_bytes()
    except (OSError, EOFError, zlib.error) as error:
        raise CorruptDataError(f"{path}: cannot be read ({error})") from error

    expected_magic = bytes((0, 0, _UNSIGNED_BYTE, ndim))
    if raw[:4] != expected_magic:
        raise CorruptDataError(
            f"{path}: not an IDX file of {ndim}-dimensional unsigned bytes "
            f"(magic number {raw[:4].hex() or 'missing'}, expected {expected_magic.hex()})"
            f"{_other_type(raw)}"
        )
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise CorruptDataError(f"{path}: truncated inside its header")
    shape = tuple(int(n) for n in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    payload = len(raw) - header_size
    if payload != math.prod(shape):
        raise CorruptDataError(
            f"{path}: header promises shape {shape} ({math.prod(shape)} bytes) "
            f"but {payload} bytes follow; the file is truncated or padded"
        )
    return np.frombuffer(raw, np.uint8, offset=header_size).reshape(shape)


def _other_type(raw):
    """What an IDX file of another value type holds, e.g. "; it holds float32 values", or ""."""
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] not in _OTHER_TYPES:
        return ""
    dtype, ndim = np.dtype(_OTHER_TYPES[raw[2]]), raw[3]
    note = ""
    if dtype.kind == "f" and len(raw) >= 4 + 4 * ndim:
        values = np.frombuffer(raw, dtype, offset=4 + 4 * ndim, count=(len(raw) - 4 - 4 * ndim) // dtype.itemsize)
        note = non_finite_note(values)
    return f"; it holds {dtype.name} values{note}"
