"""Headless Chromium, for checking and photographing the HTML player.

Used by the tests (``tests/test_browser.py``) and by ``scripts/make_gallery.py``
for the screenshot on the Visualisation page. Nothing here runs at import.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def find_chromium() -> str | None:
    """Path of a Chromium-like browser on ``PATH``, or None."""
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(browser: str, args: list[str], url: str, timeout: float) -> bytes:
    with tempfile.TemporaryDirectory(prefix="agm-chromium-") as profile:
        cmd = [browser, *FLAGS, f"--user-data-dir={profile}", *args, url]
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"{browser} failed ({done.returncode}): {done.stderr.decode(errors='replace')[-800:]}"
        )
    return done.stdout


def dump_dom(browser: str, url: str, timeout: float = 60) -> str:
    """The page's DOM after its scripts ran on load, as HTML text."""
    return _run(browser, ["--dump-dom"], url, timeout).decode("utf-8", errors="replace")


def screenshot(
    browser: str, url: str, path: Path, size: tuple[int, int] = (1000, 1100), timeout: float = 60
) -> Path:
    """A PNG of the page at ``url``, ``size`` pixels (width, height), written to ``path``."""
    from ..data._atomic import atomic_write

    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="agm-shot-") as tmp:
        shot = Path(tmp) / "shot.png"
        _run(browser, [f"--screenshot={shot}", f"--window-size={size[0]},{size[1]}"], url, timeout)
        if not shot.exists():
            raise RuntimeError(f"{browser} wrote no screenshot for {url}")
        with atomic_write(path) as f:
            f.write(shot.read_bytes())
    return path


__all__ = ["dump_dom", "find_chromium", "screenshot"]
