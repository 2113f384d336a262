"""Make the pictures of docs/visualisation.md from the page's own code blocks.

A picture on the page, ``![...](gallery/NAME.png)`` (or ``.gif``), directly after
a ``python`` code block is produced by exactly that block: the page's blocks run
in order in one namespace (as tests/test_docs.py runs them), and after a block
with a picture the drawing it left in ``dot`` (a ``graphviz.Digraph``) or
``anim`` (a ``BackwardAnimation``) is written to docs/gallery/ as ``NAME.dot``
(the DOT text, which tests/test_viz_gallery.py compares with a fresh run) and
the picture (SVG and PNG, or GIF plus the HTML player and a browser screenshot);
a matplotlib figure left in ``fig`` is written as ``NAME.png``.

Run from anywhere (needs Graphviz ``dot``; the screenshot needs Chromium)::

    python scripts/make_gallery.py            # every picture
    python scripts/make_gallery.py --dot-only # only the DOT files
    python scripts/make_gallery.py --widths   # print each PNG's width in pixels
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "visualisation.md"
GALLERY = ROOT / "docs" / "gallery"
BLOCK = re.compile(r"^```python\n(.*?)^```\n", re.S | re.M)
#: What a block with a picture leaves: an animation, a drawing or a matplotlib figure.
KINDS = ("anim", "dot", "fig")
PICTURE = re.compile(r"\A\s*!\[[^\]]*\]\(gallery/([\w-]+)\.(png|gif|svg)\)")


@dataclass
class Block:
    code: str
    picture: str | None  # NAME of the picture right after the block


def blocks(page: Path = PAGE) -> list[Block]:
    """The page's python blocks, each with the name of the picture that follows it."""
    text = page.read_text(encoding="utf-8")
    out = []
    for m in BLOCK.finditer(text):
        code = m.group(1)
        if code.startswith("# doctest: skip"):
            continue
        pic = PICTURE.match(text[m.end() :])
        out.append(Block(code, pic.group(1) if pic else None))
    return out


def frames_text(anim: Any) -> str:
    """An animation's frames as one DOT text (frames separated by comments)."""
    return "".join(f"// frame {i}\n{f.source}" for i, f in enumerate(anim.frames))


@contextlib.contextmanager
def _in_tmp_dir() -> Iterator[None]:
    old = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="agm-gallery-") as tmp:
        os.chdir(tmp)
        try:
            yield
        finally:
            os.chdir(old)


def drawings(page: Path = PAGE) -> dict[str, Any]:
    """Run the page's blocks; ``NAME -> the Digraph or BackwardAnimation`` of each picture."""
    import numpy as np

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    found: dict[str, Any] = {}
    with _in_tmp_dir(), np.errstate(all="ignore"):
        for i, block in enumerate(blocks(page)):
            previous = {k: namespace.get(k) for k in KINDS}
            exec(compile(block.code, f"{page.name}[block {i}]", "exec"), namespace)
            if block.picture is None:
                continue
            fresh = [namespace[k] for k in KINDS if namespace.get(k) is not previous[k]]
            what = fresh[0] if fresh else None
            if what is None:
                raise RuntimeError(
                    f"{page.name} block {i} is followed by gallery/{block.picture} but "
                    "assigns no new `dot`, `anim` or `fig`"
                )
            found[block.picture] = what
    return found


def dot_text(what: Any) -> str | None:
    """The DOT text of a drawing or animation; None for a matplotlib figure."""
    if hasattr(what, "frames"):
        return frames_text(what)
    return getattr(what, "source", None)


def _write_animation(name: str, anim: Any, out: Path) -> None:
    from autograd_mlp.viz.browser import find_chromium, screenshot

    anim.save(out / f"{name}.gif")
    player = anim.save(out / f"{name}.html")
    browser = find_chromium()
    if browser:
        shot = screenshot(
            browser,
            player.resolve().as_uri() + "#frame=last",
            out / f"{name}_player.png",
            (1000, 1250),
        )
        print(f"wrote {shot}")


def write(name: str, what: Any, out: Path, dot_only: bool) -> None:
    from autograd_mlp.data._atomic import atomic_write
    from autograd_mlp.viz import render

    text = dot_text(what)
    if text is None:  # a matplotlib figure
        if not dot_only:
            with atomic_write(out / f"{name}.png") as f:
                what.savefig(f, format="png", dpi=100)
            print(f"wrote {name}")
        return
    with atomic_write(out / f"{name}.dot") as f:
        f.write(text.encode("utf-8"))
    if dot_only:
        return
    if hasattr(what, "frames"):
        _write_animation(name, what, out)
    else:
        render(what, out / f"{name}.svg")
        render(what, out / f"{name}.png")
    print(f"wrote {name}")


def widths(out: Path = GALLERY) -> dict[str, tuple[int, int]]:
    from PIL import Image

    sizes = {}
    for png in sorted([*out.glob("*.png"), *out.glob("*.gif")]):
        with Image.open(png) as im:
            sizes[png.name] = im.size
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=GALLERY)
    parser.add_argument("--dot-only", action="store_true", help="write only the DOT files")
    parser.add_argument("--widths", action="store_true", help="print picture sizes and stop")
    args = parser.parse_args(argv)
    if args.widths:
        for name, (w, h) in widths(args.out).items():
            print(f"{name:28s} {w:5d} x {h}")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, what in drawings().items():
        write(name, what, args.out, args.dot_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
