"""Colours and compact text for drawings: value summaries, attribute lists, the
gradient-norm colour scale. Pure functions of numpy arrays and Python values,
so every drawing of the same program is the same text."""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np

#: Tensors with at most this many elements show their values; larger ones min/mean/max.
SMALL = 6

FONT = "Helvetica"

# Fill colours by role (pytorchviz's idea: the colour says what a node is).
FILL = {
    "parameter": "#a6cee3",  # blue: learnable weights
    "leaf": "#cab2d6",  # lavender: other tensors with requires_grad=True
    "input": "#eeeeee",  # grey: data, targets (no gradient)
    "intermediate": "#ffffff",
    "output": "#b2df8a",  # green: what was drawn (usually the loss)
    "freed": "#ffffff",
    "op": "#ffefa6",  # yellow: operations
    "const": "#ffffff",
    "module": "#e8f1e4",  # a collapsed module
    "cluster": "#f4f6fb",  # the box around a module's nodes
    "nan_origin": "#ffefa6",  # an op (yellow) with a red border: NaN/inf start here
    "error": "#fb9a99",  # red: NaN/inf, failed gradient check
}
# Border colours by role; in the gradient view the border keeps the role while the
# fill shows the gradient.
BORDER = {
    "parameter": "#1f78b4",
    "leaf": "#6a3d9a",
    "input": "#888888",
    "intermediate": "#555555",
    "output": "#33a02c",
    "freed": "#aaaaaa",
    "op": "#b59a2e",
    "const": "#aaaaaa",
    "module": "#4d7f3b",
    "cluster": "#7f8fa6",
    "nan_origin": "#d7191c",
    "error": "#d7191c",
}
LEGEND_TEXT = {
    "parameter": "parameter (named leaf)",
    "leaf": "leaf, requires grad",
    "input": "input / constant tensor",
    "intermediate": "intermediate tensor",
    "output": "output (root): what was drawn, e.g. the loss",
    "freed": "freed by backward()",
    "op": "operation",
    "const": "constant operand",
    "module": "collapsed module (one node per nn.Module)",
    "cluster": "box: the ops an nn.Module ran, with its parameters",
    "nan_origin": "op whose output has NaN/inf from finite inputs",
    "error": "NaN / inf / failed gradient check",
}
#: Legend rows, in this order; only the roles present in a drawing are listed.
LEGEND_ORDER = (
    "parameter",
    "leaf",
    "input",
    "intermediate",
    "freed",
    "output",
    "const",
    "op",
    "cluster",
    "module",
    "nan_origin",
    "error",
)
#: Roles whose fill keeps its meaning in the gradient-colour view.
UNPAINTED = frozenset({"op", "const", "module", "cluster", "nan_origin", "error"})
CLUSTER_FILL = FILL["cluster"]
CLUSTER_BORDER = BORDER["cluster"]
EDGE = "#666666"
ERROR_TEXT = "#c00000"

# Gradient L2 norm, small to large: pale yellow (vanishing) to deep blue (large).
GRAD_PALETTE = (
    "#ffffd9",
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
)
GRAD_ZERO = "#d9d9d9"


def esc(text: Any) -> str:
    """Escape text for a Graphviz HTML-like label."""
    return html.escape(str(text), quote=False)


def num(x: Any) -> str:
    """A number in at most 5 significant digits, exactly when that is enough.

    Short constants keep every digit (``1.0001``, ``0.00125``); others get 4
    (``0.1235``, ``1.5e-07``). A numpy scalar is judged in its own precision,
    so float32 ``1.0001`` is ``1.0001`` too.

    Examples
    --------
    >>> num(1.0001), num(2 / 3), num(-3.0), num(float("nan"))
    ('1.0001', '0.6667', '-3', 'nan')
    """
    v = x if isinstance(x, np.floating) else np.float64(float(x))
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    mantissa = np.format_float_scientific(v, unique=True, trim="-").split("e")[0]
    digits = len(mantissa.lstrip("-").replace(".", ""))
    return f"{float(v):.{digits if digits <= 5 else 4}g}"


def shape_str(shape: tuple[int, ...]) -> str:
    """``(4, 10)``, ``(3,)``, ``scalar`` for ``()``."""
    if len(shape) == 0:
        return "scalar"
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(n) for n in shape) + ")"


def _tiny(a: np.ndarray) -> str:
    """All values of a small array, nested like numpy: ``[[1, 2], [3, 4]]``."""
    if a.dtype.kind in "biu":
        flat = [str(v) for v in a.reshape(-1).tolist()]
    elif a.dtype.kind == "f":
        flat = [num(v) for v in a.reshape(-1)]  # numpy scalars: judged in their dtype
    else:
        flat = [num(v) for v in a.reshape(-1).tolist()]
    if a.ndim == 0:
        return flat[0]
    # Nest the flat list from the innermost axis outwards.
    parts = flat
    for n in reversed(a.shape):
        if n == 0:
            return "[]"
        parts = ["[" + ", ".join(parts[i : i + n]) + "]" for i in range(0, len(parts), n)]
    return parts[0]


def nonfinite(a: np.ndarray) -> str:
    """``"2 NaN, 1 inf"`` for an array with non-finite values, else ``""``."""
    if a.dtype.kind not in "fc":
        return ""
    n_nan = int(np.isnan(a).sum())
    n_inf = int(np.isinf(a).sum())
    parts = []
    if n_nan:
        parts.append(f"{n_nan} NaN")
    if n_inf:
        parts.append(f"{n_inf} inf")
    return ", ".join(parts)


def summarize(a: Any) -> str:
    """The values of a tiny array, or ``min · mean · max`` of a larger one
    (over the finite values; :func:`nonfinite` reports the others)."""
    a = np.asarray(a)
    if a.size == 0:
        return "(empty)"
    if a.size <= SMALL:
        return _tiny(a)
    if a.dtype.kind == "b":
        return f"{int(a.sum())} of {a.size} true"
    f = a.astype(np.float64)
    finite = np.isfinite(f)
    if not finite.all():
        f = f[finite]
        if f.size == 0:
            return "no finite values"
    lo, hi, mean = f.min(), f.max(), f.mean()
    # A mean that cancels to below the dtype's rounding noise (gradients of
    # softmax rows sum to zero) prints as ≈0, not as a machine-dependent 1e-9.
    eps = np.finfo(a.dtype).eps if a.dtype.kind == "f" else 0.0
    mean_text = "≈0" if 0 < abs(mean) <= 16 * eps * max(abs(lo), abs(hi)) else num(mean)
    return f"min {num(lo)} · mean {mean_text} · max {num(hi)}"


def l2norm(a: Any) -> float:
    """The L2 norm of an array, in float64."""
    f = np.asarray(a, dtype=np.float64).reshape(-1)
    return float(math.sqrt(float(np.dot(f, f)))) if f.size else 0.0


def _slice_text(v: slice) -> str:
    start = "" if v.start is None else str(v.start)
    stop = "" if v.stop is None else str(v.stop)
    step = "" if v.step is None else f":{v.step}"
    return f"{start}:{stop}{step}"


def _array_text(v: np.ndarray) -> str:
    return _tiny(v) if v.size <= SMALL else f"{v.dtype}{shape_str(v.shape)}"


def _sequence_text(v: tuple | list) -> str:
    inner = ", ".join(_attr_value(x) for x in v)
    if isinstance(v, list):
        return f"[{inner}]"
    return f"({inner},)" if len(v) == 1 else f"({inner})"


def _attr_value(v: Any) -> str:
    """An attribute value, compactly: arrays by dtype and shape unless tiny."""
    if isinstance(v, np.dtype) or (isinstance(v, type) and issubclass(v, np.generic)):
        return str(np.dtype(v))
    if v is Ellipsis:
        return "..."
    for kind, fmt in _ATTR_FORMATS:
        if isinstance(v, kind):
            return fmt(v)
    return str(v)


_ATTR_FORMATS: tuple[tuple[Any, Any], ...] = (
    (np.ndarray, _array_text),
    (slice, _slice_text),
    ((tuple, list), _sequence_text),
    (float, num),
    (np.generic, lambda v: _attr_value(v.item())),
)


def attrs_text(attrs: dict[str, Any]) -> list[str]:
    """An op's attributes as ``key=value`` strings, sorted by key. ``None`` and
    ``False`` are left out (they are defaults); ``True`` shows as the bare key."""
    out = []
    for key in sorted(attrs):
        v = attrs[key]
        if v is None or v is False:
            continue
        if v is True:
            out.append(key)
        else:
            out.append(f"{key}={_attr_value(v)}")
    return out


# --------------------------------------------------------------------------- gradient scale
class GradScale:
    """Maps gradient L2 norms to colours on a log scale.

    The bins are a quarter, half, one, two, ... decades wide: the narrowest
    width that covers the norms in the drawing with at most nine colours, so
    norms spanning one decade still get several colours while norms spanning
    twenty decades (vanishing gradients) fit too.
    """

    WIDTHS = (0.25, 0.5, 1, 2, 3, 4, 5, 10, 20, 50)

    def __init__(self, norms: list[float]) -> None:
        positive = [n for n in norms if math.isfinite(n) and n > 0]
        self.used = bool(positive)
        lo_log = math.log10(min(positive)) if positive else 0.0
        hi_log = math.log10(max(positive)) if positive else 0.0
        k = len(GRAD_PALETTE)
        for width in self.WIDTHS:
            lo = math.floor(lo_log / width)
            hi = math.floor(hi_log / width) + 1
            if hi - lo <= k:
                break
        self.width = width
        self.lo = lo
        self.n = hi - lo
        if self.n == 1:
            picks = [k // 2]
        else:
            picks = [round(i * (k - 1) / (self.n - 1)) for i in range(self.n)]
        self.colors = [GRAD_PALETTE[i] for i in picks]
        self.dark = [i >= 5 for i in picks]

    def index(self, norm: float) -> int:
        b = math.floor(math.log10(norm) / self.width) - self.lo
        return min(max(b, 0), self.n - 1)

    def color(self, norm: float) -> tuple[str, str]:
        """``(fill, font colour)`` for a norm."""
        if not math.isfinite(norm):
            return FILL["error"], "#000000"
        if norm == 0:
            return GRAD_ZERO, "#000000"
        i = self.index(norm)
        return self.colors[i], ("#ffffff" if self.dark[i] else "#000000")

    def bins(self) -> list[tuple[str, str, bool]]:
        """``(lower bound, colour, dark)`` per bin, e.g. ``("0.0032", "#c7e9b4", False)``."""
        out = []
        for i in range(self.n):
            bound = 10 ** ((self.lo + i) * self.width)
            out.append((f"{bound:.2g}", self.colors[i], self.dark[i]))
        return out
