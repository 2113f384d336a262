"""Read and write IDX files, the format the MNIST files are distributed in.

An IDX file is a 4-byte magic number ``0x00 0x00 <dtype> <ndim>``, then ``ndim``
big-endian uint32 dimension sizes, then the row-major payload. MNIST uses dtype
``0x08`` (unsigned byte): labels are ``0x00000801`` (1-D) and images
``0x00000803`` (3-D). Files may be gzipped; that is detected from the gzip magic
bytes, never from the file name.

Examples
--------
>>> import tempfile, pathlib, numpy as np
>>> p = pathlib.Path(tempfile.mkdtemp()) / "labels-idx1-ubyte.gz"
>>> _ = write_idx(p, np.array([3, 1, 4], dtype=np.uint8))
>>> read_idx(p)
array([3, 1, 4], dtype=uint8)
"""

from __future__ import annotations

import gzip as _gzip
import math
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from ._atomic import atomic_write
from .errors import IDXError

__all__ = ["IDXError", "read_idx", "write_idx"]

GZIP_MAGIC = b"\x1f\x8b"
UBYTE = 0x08
# Other IDX element types; only named so an error can say what the file holds.
_DTYPE_NAMES = {
    0x08: "unsigned byte",
    0x09: "signed byte",
    0x0B: "int16",
    0x0C: "int32",
    0x0D: "float32",
    0x0E: "float64",
}


def read_idx(path: str | os.PathLike[str], *, ndim: int | None = None) -> np.ndarray:
    """Read an unsigned-byte IDX file, gzipped or not, into a uint8 array.

    Parameters
    ----------
    path : str or PathLike
        The file. Gzip compression is detected from its first two bytes.
    ndim : int, optional
        If given, the number of dimensions the header must declare (1 for MNIST
        labels, 3 for MNIST images).

    Returns
    -------
    numpy.ndarray
        A writable ``uint8`` array with the shape declared in the header.

    Raises
    ------
    IDXError
        If the gzip stream is corrupt, the magic number is wrong, the element type
        is not unsigned byte, the dimension count is unexpected, or the payload is
        shorter (truncated) or longer (trailing bytes) than the header promises.
        The message names the file.
    FileNotFoundError
        If ``path`` does not exist.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "images-idx3-ubyte"
    >>> _ = write_idx(p, np.zeros((2, 28, 28), dtype=np.uint8), gzip=False)
    >>> read_idx(p, ndim=3).shape
    (2, 28, 28)
    """
    path = Path(path)
    with open(path, "rb") as f:
        start = f.read(2)
        f.seek(0)
        if start == GZIP_MAGIC:
            raw = _gunzip_capped(f, path, ndim, os.fstat(f.fileno()).st_size)
        else:
            raw = _read_plain(f, path, ndim, os.fstat(f.fileno()).st_size)
    return _parse(raw, path, ndim)


# Deflate cannot expand data by more than about 1032:1.
_MAX_RATIO = 1032


def _header(head: bytes, path: Path, ndim: int | None) -> tuple[tuple[int, ...], int] | None:
    """(shape, header size) once ``head`` holds the whole header; None if it needs more."""
    if len(head) < 4:
        return None
    _check_magic(head, path, ndim)
    size = 4 + 4 * head[3]
    if len(head) < size:
        return None
    return struct.unpack(f">{head[3]}I", head[4:size]), size


def _read_plain(f: Any, path: Path, ndim: int | None, length: int) -> bytes:
    head = f.read(4 + 4 * 255)
    parsed = _header(head, path, ndim)
    if parsed is not None:
        shape, size = parsed
        expected = math.prod(shape)
        if size + expected != length:
            # Checked before reading the payload: a header claiming terabytes costs nothing.
            problem = "file is truncated" if length < size + expected else "trailing bytes"
            raise IDXError(
                f"{path}: {problem}: header shape {shape} needs a payload of {expected} bytes "
                f"but the file holds {length - size} bytes after the {size}-byte header"
            )
    return head + f.read()


def _gunzip_capped(f: Any, path: Path, ndim: int | None, compressed: int) -> bytes:
    """Decompress, never beyond what the IDX header declares (a gzip bomb stops early)."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    limit: int | None = None
    try:
        while not d.eof:
            data = d.unconsumed_tail or f.read(1 << 16)
            if not data:
                raise EOFError("compressed file ended before the end-of-stream marker")
            cap = (1 << 16) if limit is None else limit + 1 - len(out)
            out += d.decompress(data, max(cap, 1))
            if limit is None:
                limit = _limit(out, path, ndim, compressed)
            if limit is not None and len(out) > limit:
                raise IDXError(
                    f"{path}: trailing bytes after the data: the gzip stream holds more than "
                    f"the {limit} bytes its IDX header declares"
                )
    except (zlib.error, EOFError) as exc:
        raise IDXError(f"{path}: corrupt gzip data ({exc})") from exc
    if d.unused_data or f.read(1):
        raise IDXError(f"{path}: trailing bytes after the gzip stream")
    return bytes(out)


def _limit(out: bytearray, path: Path, ndim: int | None, compressed: int) -> int | None:
    parsed = _header(bytes(out[: 4 + 4 * 255]), path, ndim)
    if parsed is None:
        return None
    shape, size = parsed
    total = size + math.prod(shape)
    if total > compressed * _MAX_RATIO + (1 << 16):
        raise IDXError(
            f"{path}: header shape {shape} declares {total} bytes, more than a gzip file of "
            f"{compressed} bytes can hold; corrupt (or a gzip bomb)"
        )
    return total


def _check_magic(raw: bytes, path: Path, ndim: int | None) -> None:
    zero0, zero1, dtype_code, n_dims = raw[0], raw[1], raw[2], raw[3]
    magic = int.from_bytes(raw[:4], "big")
    if zero0 != 0 or zero1 != 0:
        raise IDXError(
            f"{path}: bad IDX magic number 0x{magic:08X} (must start with two zero bytes, "
            "e.g. 0x00000801 for labels or 0x00000803 for images); not an IDX file?"
        )
    if dtype_code != UBYTE:
        kind = _DTYPE_NAMES.get(dtype_code, "unknown type")
        raise IDXError(
            f"{path}: IDX element type 0x{dtype_code:02X} ({kind}) in magic 0x{magic:08X} "
            "is not supported; only 0x08 (unsigned byte, as in MNIST) is"
        )
    if n_dims == 0:
        raise IDXError(f"{path}: IDX magic 0x{magic:08X} declares 0 dimensions")
    if ndim is not None and n_dims != ndim:
        raise IDXError(
            f"{path}: expected a {ndim}-D IDX file (magic 0x{0x800 | ndim:08X}) "
            f"but the magic 0x{magic:08X} declares {n_dims}-D"
        )


def _parse(raw: bytes, path: Path, ndim: int | None) -> np.ndarray:
    if len(raw) < 4:
        raise IDXError(
            f"{path}: file is {len(raw)} bytes, too short for the 4-byte IDX magic number"
        )
    _check_magic(raw, path, ndim)
    n_dims = raw[3]
    header_size = 4 + 4 * n_dims
    if len(raw) < header_size:
        raise IDXError(
            f"{path}: truncated header: {n_dims} dimensions need a {header_size}-byte "
            f"header but the file is {len(raw)} bytes"
        )
    shape = struct.unpack(f">{n_dims}I", raw[4:header_size])
    expected = math.prod(shape)
    actual = len(raw) - header_size
    if actual != expected:
        problem = "file is truncated" if actual < expected else "trailing bytes after the data"
        raise IDXError(
            f"{path}: {problem}: header shape {shape} needs a payload of {expected} bytes "
            f"but the file holds {actual} bytes after the {header_size}-byte header"
        )
    # Copy so callers get an ordinary writable array, not a view of immutable bytes.
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape).copy()


def write_idx(path: str | os.PathLike[str], array: np.ndarray, gzip: bool = True) -> Path:
    """Write ``array`` as an unsigned-byte IDX file, atomically.

    Parameters
    ----------
    path : str or PathLike
        Destination; its directory must exist. The name is not inspected, so
        choose a ``.gz`` suffix yourself when ``gzip=True``.
    array : array_like
        Integer (or bool) values in ``[0, 255]``, with at least one dimension.
    gzip : bool, default True
        Gzip the file (with a zero timestamp, so output is byte-reproducible).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        If the array is 0-D, not integer-valued, or has values outside ``[0, 255]``.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t-idx1-ubyte.gz"
    >>> write_idx(p, np.arange(5, dtype=np.uint8)).name
    't-idx1-ubyte.gz'
    """
    path = Path(path)
    data = _as_ubyte(np.asarray(array), path)
    if any(d > 0xFFFFFFFF for d in data.shape):
        raise ValueError(f"write_idx({path}): dimension sizes {data.shape} exceed uint32")
    header = bytes([0, 0, UBYTE, data.ndim]) + struct.pack(f">{data.ndim}I", *data.shape)
    payload = header + np.ascontiguousarray(data).tobytes()
    if gzip:
        payload = _gzip.compress(payload, mtime=0)
    with atomic_write(path) as f:
        f.write(payload)
    return path


def _as_ubyte(array: np.ndarray, path: Path) -> np.ndarray:
    if array.ndim == 0:
        raise ValueError(f"write_idx({path}): array must have at least 1 dimension, got 0-D")
    if array.ndim > 255:
        raise ValueError(f"write_idx({path}): IDX allows at most 255 dimensions")
    if array.dtype == np.uint8:
        return array
    if not (np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_):
        raise ValueError(
            f"write_idx({path}): IDX unsigned-byte files hold integers in [0, 255], "
            f"got dtype {array.dtype}"
        )
    if array.size and (array.min() < 0 or array.max() > 255):
        raise ValueError(
            f"write_idx({path}): values must lie in [0, 255], got range "
            f"[{array.min()}, {array.max()}]"
        )
    return array.astype(np.uint8)
