"""Atomic file writing: readers never see a half-written file.

Data is written to a temporary file in the destination directory (same
filesystem, so the final rename is atomic) and moved into place with
:func:`os.replace` only once it is complete. On any error the temporary file is
removed, so a failed write leaves nothing behind. Every file the package writes
(checkpoints, drawings, figures, downloads) goes through :func:`atomic_write`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_write"]


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a temporary binary file that replaces ``path`` when the block succeeds.

    Parameters
    ----------
    path : str or PathLike
        Final destination. Its directory must exist.

    Yields
    ------
    BinaryIO
        A writable binary file object; ``f.name`` is the temporary path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x"
    >>> with atomic_write(p) as f:
    ...     _ = f.write(b"ok")
    >>> p.read_bytes()
    b'ok'
    """
    path = Path(path)
    # The dot prefix and .part suffix keep a crash's leftover out of globs like *.gz.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    tmp = Path(tmp_name)
    os.close(fd)
    try:
        # mkstemp creates 0600 files; data files should be readable like any other.
        os.chmod(tmp, 0o644)
        # Reopened by name so ``f.name`` is the temporary path, which callers may
        # reopen to verify the content before it is moved into place.
        with open(tmp, "wb") as f:
            yield f
            f.flush()
            # fsync before the rename, or a power cut can leave an empty file in place.
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
