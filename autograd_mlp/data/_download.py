"""Fetch one file from a list of mirrors, verify it, and store it atomically.

Verification hashes the *decompressed* content, not the downloaded bytes: the same
data is gzipped differently by different mirrors and re-packagers (the gzip
header carries a timestamp and file name), while the content hash is the one
thing every correct copy shares.

Examples
--------
>>> fetch_verified  # doctest: +ELLIPSIS
<function fetch_verified at ...>
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from ._atomic import atomic_write
from .errors import DownloadError

__all__ = ["fetch_verified"]

_CHUNK = 1 << 16
_TIMEOUT_S = 30.0  # per socket operation
# Per file and mirror, overall: a mirror trickling bytes slowly is abandoned.
DEADLINE_S = 600.0
# Headroom over the raw size for a stored (uncompressed) or badly compressed copy.
_SIZE_SLACK = 1 << 20
_USER_AGENT = "autograd_mlp-data/0.1 (+https://pypi.org/project/autograd_mlp/)"


class _BadContent(Exception):
    """A mirror answered, but with the wrong bytes."""


def fetch_verified(
    name: str,
    dest_dir: Path,
    mirrors: Sequence[str],
    sha256: str,
    size: int,
    progress: bool = True,
) -> Path:
    """Download ``name`` from the first mirror that serves the right content.

    Parameters
    ----------
    name : str
        File name on the mirrors, e.g. ``"train-labels-idx1-ubyte.gz"``.
    dest_dir : pathlib.Path
        Existing directory to store the file in, under the same name (minus a
        ``.gz`` suffix if a mirror serves it uncompressed).
    mirrors : sequence of str
        Base URLs, tried in order.
    sha256 : str
        Hex SHA-256 of the decompressed content.
    size : int
        Byte size of the decompressed content.
    progress : bool, default True
        Show a tqdm progress bar if tqdm is installed.

    Returns
    -------
    pathlib.Path
        Where the verified file was stored.

    Raises
    ------
    DownloadError
        If no mirror served the expected content; the message lists every
        mirror's failure. Nothing is left in ``dest_dir`` in that case.

    Examples
    --------
    >>> fetch_verified("x.gz", Path("."), [], "0" * 64, 1)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    DownloadError: ...
    """
    failures = []
    for base in mirrors:
        url = base.rstrip("/") + "/" + name
        try:
            return _fetch_one(url, name, dest_dir, sha256, size, progress)
        except _BadContent as exc:
            failures.append(f"  - {url}: {exc}")
        # URLError/HTTPError/timeouts are OSErrors; a dropped connection mid-body
        # raises http.client.IncompleteRead; a malformed mirror URL raises ValueError.
        except (OSError, http.client.HTTPException, ValueError) as exc:
            failures.append(f"  - {url}: {type(exc).__name__}: {exc}")
    tried = "\n".join(failures) if failures else "  (no mirrors configured)"
    raise DownloadError(
        f"could not download {name} from any of {len(mirrors)} mirror(s); tried:\n{tried}"
    )


def _fetch_one(url: str, name: str, dest_dir: Path, sha256: str, size: int, progress: bool) -> Path:
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    # Looked up at call time so tests can monkeypatch urllib.request.urlopen.
    with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as response:
        total = _content_length(response)
        # The final name depends on whether the body is gzipped, which we only know
        # after downloading, so download into a temporary name first.
        staging = dest_dir / name
        with atomic_write(staging) as out:
            first = _copy(response, out, total, size + _SIZE_SLACK, name, progress)
            out.flush()
            is_gzip = first[:2] == b"\x1f\x8b"
            _verify(Path(out.name), is_gzip, sha256, size)
    if not is_gzip and name.endswith(".gz"):
        plain = dest_dir / name[: -len(".gz")]
        staging.replace(plain)
        return plain
    return staging


def _content_length(response: object) -> int | None:
    headers = getattr(response, "headers", None)
    value = headers.get("Content-Length") if headers is not None else None
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _copy(
    src: BinaryIO, dst: BinaryIO, total: int | None, limit: int, name: str, progress: bool
) -> bytes:
    """Stream ``src`` into ``dst``; return the first chunk (for format sniffing)."""
    bar = _progress_bar(total, name) if progress else None
    first = b""
    written = 0
    deadline = time.monotonic() + DEADLINE_S
    # read1 returns what one receive brought, so the deadline is checked even when a
    # mirror trickles bytes (read(n) would block until n bytes arrived).
    read = getattr(src, "read1", src.read)
    try:
        while chunk := read(_CHUNK):
            if time.monotonic() > deadline:
                raise _BadContent(
                    f"too slow: {written + len(chunk)} bytes in {DEADLINE_S:g} s; abandoned"
                )
            if not first:
                first = chunk
            written += len(chunk)
            if written > limit:
                # A mirror serving an HTML page or a huge file must not fill the disk.
                raise _BadContent(f"response exceeds {limit} bytes; not the expected file")
            dst.write(chunk)
            if bar is not None:
                bar.update(len(chunk))
    finally:
        if bar is not None:
            bar.close()
    if total is not None and written != total:
        raise _BadContent(f"connection closed after {written} of {total} bytes")
    return first


def _progress_bar(total: int | None, name: str) -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError:
        # tqdm is an optional extra; without it downloads are simply silent.
        return None
    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=name, leave=False)


def _verify(path: Path, is_gzip: bool, sha256: str, size: int) -> None:
    digest = hashlib.sha256()
    n = 0
    try:
        with gzip.open(path, "rb") if is_gzip else path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                n += len(chunk)
                if n > size:
                    raise _BadContent(f"content is larger than the expected {size} bytes")
                digest.update(chunk)
    except (OSError, EOFError, zlib.error) as exc:
        raise _BadContent(f"corrupt gzip data ({exc})") from exc
    got = digest.hexdigest()
    if got != sha256:
        raise _BadContent(
            f"sha256 mismatch: expected {sha256}, got {got} ({n} bytes of content; expected {size})"
        )
