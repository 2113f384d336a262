"""Exceptions raised by :mod:`autograd_mlp.data`.

Every data problem derives from :class:`DatasetError`, so ``except DatasetError``
catches all of them; each also derives from the builtin a caller would expect
(``ValueError`` for malformed content, ``FileNotFoundError`` for missing data).

Examples
--------
>>> from autograd_mlp.data import DatasetError, IDXError
>>> issubclass(IDXError, DatasetError) and issubclass(IDXError, ValueError)
True
"""

from __future__ import annotations

__all__ = ["DatasetError", "DatasetNotFoundError", "DownloadError", "IDXError"]


class DatasetError(Exception):
    """Base class for every error raised by :mod:`autograd_mlp.data`.

    Examples
    --------
    >>> from autograd_mlp.data import DatasetError, DownloadError, IDXError
    >>> issubclass(IDXError, DatasetError), issubclass(DownloadError, DatasetError)
    (True, True)
    """


class IDXError(DatasetError, ValueError):
    """An IDX file is malformed: bad magic, truncated, trailing bytes, corrupt gzip.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from autograd_mlp.data import IDXError, read_idx
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bad-idx1-ubyte"
    >>> _ = p.write_bytes(b"nonsense")
    >>> try:
    ...     read_idx(p)
    ... except IDXError as e:
    ...     print(isinstance(e, ValueError), "bad IDX magic number" in str(e))
    True True
    """


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """Dataset files are missing locally (and were not, or could not be, downloaded).

    Examples
    --------
    >>> from autograd_mlp.data import DatasetNotFoundError
    >>> issubclass(DatasetNotFoundError, FileNotFoundError)
    True
    """


class DownloadError(DatasetNotFoundError):
    """Every mirror failed for a file; the message lists each mirror's failure.

    Examples
    --------
    >>> from autograd_mlp.data import DatasetNotFoundError, DownloadError
    >>> issubclass(DownloadError, DatasetNotFoundError)  # caught as a missing dataset too
    True
    """
