"""The one writer for every file the package writes: atomic and careful with what is there.

Data is written to a temporary ``.part`` file in the destination directory (same
filesystem, so the final rename is atomic) and moved into place with
:func:`os.replace` only once it is complete and synced. On any failure, including
Ctrl-C (``KeyboardInterrupt``), the ``.part`` file is removed, so a failed write
leaves the previous file intact and nothing else behind. (``kill -9`` cannot be
caught: it may leave a ``.part`` file, never a half-written destination.)

What is already at the path is respected (see :func:`check_target`):

- a directory, FIFO, socket or device is refused (:class:`UnsafeTargetError`);
- a symlink is followed: its *target* is replaced, the link stays a link;
- a read-only file (no write permission for its owner, e.g. 0444) is refused,
  even with ``overwrite=True``: the user made it read-only on purpose;
- the replacement gets the old file's permission bits (0600 stays 0600); a new
  file gets the usual ``0666 & ~umask``;
- with ``overwrite=False``, an existing file is replaced only if ``ours(path)``
  says it is one of the package's own files (e.g. a checkpoint), else
  :class:`FileExistsError`.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["UnsafeTargetError", "atomic_write", "check_target", "resolve_target", "write_bytes"]


class UnsafeTargetError(OSError, ValueError):
    """The destination is something the package must not replace."""


def resolve_target(path: str | os.PathLike[str]) -> Path:
    """Where a write to ``path`` lands: symlinks followed, ``~`` expanded.

    Examples
    --------
    >>> resolve_target("x.npz").name
    'x.npz'
    """
    return Path(os.path.realpath(Path(path).expanduser()))


def _umask() -> int:
    try:  # Linux says it without changing it (os.umask would, for every thread)
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_target(
    path: str | os.PathLike[str],
    *,
    overwrite: bool = True,
    ours: Callable[[Path], bool] | None = None,
    what: str = "",
) -> tuple[Path, int]:
    """Check that ``path`` may be written; return (real target, permission bits to give it).

    Raises
    ------
    FileNotFoundError
        The target's directory does not exist.
    UnsafeTargetError
        The target is a directory, FIFO, socket or device, or is read-only.
    FileExistsError
        ``overwrite`` is False and the existing file is not ``ours``.
    PermissionError
        The directory is not writable.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> check_target(d)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    UnsafeTargetError: ... is a directory
    """
    label = f"{what} {path}" if what else str(path)
    target = resolve_target(path)
    parent = target.parent
    if not parent.is_dir():
        raise FileNotFoundError(f"{label}: directory {parent} does not exist")
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is None:
        if not os.access(parent, os.W_OK | os.X_OK):
            raise PermissionError(f"{label}: directory {parent} is not writable")
        return target, 0o666 & ~_umask()
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise UnsafeTargetError(f"{label} is a directory; give a file name")
    if not stat.S_ISREG(mode):
        kind = "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
        raise UnsafeTargetError(f"{label} is a {kind}, not a regular file; not replaced")
    if not mode & stat.S_IWUSR:
        raise UnsafeTargetError(f"{label} is read-only; not replaced (make it writable first)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError(f"{label}: directory {parent} is not writable")
    if not overwrite and not (ours is not None and ours(target)):
        raise FileExistsError(
            f"{label} exists and is not a file this package wrote; not replaced "
            "(pass --overwrite / overwrite=True to replace it)"
        )
    return target, stat.S_IMODE(mode)


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str],
    *,
    overwrite: bool = True,
    ours: Callable[[Path], bool] | None = None,
) -> Iterator[BinaryIO]:
    """Open a temporary binary file that replaces ``path`` when the block succeeds.

    Parameters
    ----------
    path : str or PathLike
        Final destination (a symlink is followed). Its directory must exist.
    overwrite : bool, default True
        Whether an existing file that is not ``ours`` may be replaced.
    ours : callable, optional
        ``ours(path) -> bool``: whether an existing file is one of the package's.

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
    target, mode = check_target(path, overwrite=overwrite, ours=ours)
    # The dot prefix and .part suffix keep a crash's leftover out of globs like *.gz.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        os.close(fd)
        os.chmod(tmp, mode)
        # Reopened by name so ``f.name`` is the temporary path, which callers may
        # reopen to verify the content before it is moved into place.
        with open(tmp, "wb") as f:
            yield f
            f.flush()
            # fsync before the rename, or a power cut can leave an empty file in place.
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    overwrite: bool = True,
    ours: Callable[[Path], bool] | None = None,
) -> Path:
    """Write ``data`` to ``path`` through :func:`atomic_write`; return the real target.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "y"
    >>> write_bytes(p, b"hi").read_bytes()
    b'hi'
    """
    with atomic_write(path, overwrite=overwrite, ours=ours) as f:
        f.write(data)
    return resolve_target(path)
