"""The outputs of an animation: a self-contained HTML player and GIF/APNG files.

The player is one HTML file with the SVG frames inside ``<template>`` elements
and a few lines of script: play/pause, step back and forth, a slider, the
frame's explanation in words. It loads nothing from the network. The URL hash
picks the frame to open at (``player.html#frame=3``, ``#frame=last``), which
is also how the browser test steps it.
"""

from __future__ import annotations

import html
import io
import itertools
import re
from collections.abc import Sequence
from typing import Any

#: Widest GIF/APNG frame, in pixels; wider drawings are scaled down to fit.
MAX_IMAGE_WIDTH = 1400
#: Milliseconds per frame in GIF/APNG; the last frame stays three times as long.
FRAME_MS = 1200

_player_ids = itertools.count()

_CSS = """
body { font-family: Helvetica, Arial, sans-serif; margin: 1em; color: #222; }
.agm-controls { display: flex; gap: .5em; align-items: center; flex-wrap: wrap; }
.agm-controls button { font-size: 1em; padding: .2em .7em; }
.agm-controls input[type=range] { flex: 1; min-width: 10em; }
.agm-explain { min-height: 3em; margin: .6em 0; font-size: 1.05em; }
.agm-stage svg { max-width: 100%; height: auto; }
"""

_JS = """
(function () {
  var root = document.getElementById("%(id)s");
  var frames = root.querySelectorAll("template.agm-frame");
  var stage = root.querySelector(".agm-stage");
  var explain = root.querySelector(".agm-explain");
  var slider = root.querySelector(".agm-slider");
  var counter = root.querySelector(".agm-counter");
  var play = root.querySelector(".agm-play");
  var timer = null, current = 0, n = frames.length;
  function show(i) {
    current = Math.max(0, Math.min(n - 1, i));
    var t = frames[current];
    stage.innerHTML = "";
    stage.appendChild(t.content.cloneNode(true));
    stage.setAttribute("data-frame", String(current));
    explain.textContent = t.getAttribute("data-text");
    slider.value = String(current);
    counter.textContent = "step " + (current + 1) + " of " + n;
  }
  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    play.textContent = "\\u25b6 play";
  }
  function start() {
    if (current >= n - 1) { show(0); }
    play.textContent = "\\u275a\\u275a pause";
    timer = setInterval(function () {
      if (current >= n - 1) { stop(); } else { show(current + 1); }
    }, %(ms)d);
  }
  play.onclick = function () { if (timer) { stop(); } else { start(); } };
  root.querySelector(".agm-prev").onclick = function () { stop(); show(current - 1); };
  root.querySelector(".agm-next").onclick = function () { stop(); show(current + 1); };
  root.querySelector(".agm-first").onclick = function () { stop(); show(0); };
  root.querySelector(".agm-last").onclick = function () { stop(); show(n - 1); };
  slider.oninput = function () { stop(); show(parseInt(slider.value, 10)); };
  function fromHash() {
    var m = /frame=(last|\\d+)/.exec(window.location.hash || "");
    if (!m) { return 0; }
    return m[1] === "last" ? n - 1 : parseInt(m[1], 10);
  }
  if (%(hash)s) {
    window.addEventListener("hashchange", function () { stop(); show(fromHash()); });
  }
  show(%(hash)s ? fromHash() : 0);
})();
"""


def _svg_body(svg: str) -> str:
    """An SVG document without its XML prolog, DOCTYPE and comments (for inlining)."""
    start = svg.find("<svg")
    body = svg[start:] if start >= 0 else svg
    return re.sub(r"<!--.*?-->\n?", "", body, flags=re.S)


def player_body(svgs: Sequence[str], texts: Sequence[str], embed: bool = False) -> str:
    """The player's markup and script (a ``<div>``), for a page or a notebook cell."""
    pid = f"agm-player-{next(_player_ids)}"
    templates = "\n".join(
        f'<template class="agm-frame" data-text="{html.escape(t, quote=True)}">'
        f"{_svg_body(s)}</template>"
        for s, t in zip(svgs, texts)
    )
    n = len(svgs)
    controls = (
        '<div class="agm-controls">'
        '<button class="agm-first" title="first step">\u25c0\u25c0</button>'
        '<button class="agm-prev" title="previous step">\u25c0</button>'
        '<button class="agm-play">\u25b6 play</button>'
        '<button class="agm-next" title="next step">\u25b6</button>'
        '<button class="agm-last" title="last step">\u25b6\u25b6</button>'
        f'<input class="agm-slider" type="range" min="0" max="{max(n - 1, 0)}" value="0" '
        'aria-label="step">'
        '<span class="agm-counter"></span></div>'
    )
    script = _JS % {"id": pid, "ms": FRAME_MS, "hash": "false" if embed else "true"}
    style = f"<style>{_CSS}</style>" if embed else ""
    return (
        f'<div class="agm-player" id="{pid}">{style}{controls}'
        '<p class="agm-explain" aria-live="polite"></p>'
        f'<div class="agm-stage"></div>{templates}</div>'
        f"<script>{script}</script>"
    )


def player_html(svgs: Sequence[str], texts: Sequence[str], title: str, embed: bool = False) -> str:
    """A whole HTML page (or, ``embed=True``, a fragment for Jupyter) playing the frames.

    Examples
    --------
    >>> page = player_html(["<svg></svg>"], ["step one"], "demo")
    >>> page.startswith("<!DOCTYPE html>") and "step one" in page and "http" not in page
    True
    """
    body = player_body(svgs, texts, embed=embed)
    if embed:
        return body
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )


def _png_frames(frames: Sequence[Any]) -> list[Any]:
    """Each frame rendered by ``dot`` as a PIL image, all padded to one size."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(
            "saving an animation as GIF/APNG needs pillow: pip install pillow "
            "(or, in a checkout: pip install -e '.[plot]')"
        ) from None
    from .render import to_bytes

    images = [Image.open(io.BytesIO(to_bytes(f, "png"))).convert("RGB") for f in frames]
    width = max(im.width for im in images)
    height = max(im.height for im in images)
    scale = min(1.0, MAX_IMAGE_WIDTH / width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    out = []
    for im in images:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(im, (0, 0))
        out.append(canvas.resize(size, Image.Resampling.LANCZOS) if scale < 1 else canvas)
    return out


def animated_image(frames: Sequence[Any], fmt: str) -> bytes:
    """The frames as an animated GIF (``fmt="gif"``) or APNG (``"png"``) file's bytes."""
    if not frames:
        raise ValueError("animated_image: no frames to save")
    images = _png_frames(frames)
    durations = [FRAME_MS] * (len(images) - 1) + [3 * FRAME_MS]
    buf = io.BytesIO()
    kw: dict[str, Any] = {"save_all": True, "append_images": images[1:], "loop": 0}
    if fmt == "gif":
        images = [im.convert("P", palette=1, colors=255) for im in images]  # 1 = ADAPTIVE
        kw["append_images"] = images[1:]
        images[0].save(buf, format="GIF", duration=durations, disposal=1, **kw)
    else:
        images[0].save(buf, format="PNG", duration=durations, default_image=False, **kw)
    return buf.getvalue()


__all__ = ["animated_image", "player_body", "player_html"]
