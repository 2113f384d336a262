"""Numerical gradient checks: the engine's derivatives against finite differences.

Both checks work on float64 *copies* of the inputs, so the caller's tensors (and
their ``.grad``) are never touched, and compare with ``numpy.allclose``'s rule:
an element passes when ``|analytic - numeric| <= atol + rtol * |numeric|``.

How much is checked depends on the sizes involved (one threshold,
:data:`FULL_JACOBIAN_MAX`):

* **Full Jacobian** — when the output and every checked input have at most
  ``FULL_JACOBIAN_MAX`` elements: one backward pass per output element (rows) and
  two evaluations of ``fn`` per input element (columns). A failure names the
  output element and the input element.
* **Vector-Jacobian product** — when the output is larger: the output is
  contracted with a fixed random vector ``v`` (one backward pass), and ``vᵀJ`` is
  checked element by element for every input of at most ``FULL_JACOBIAN_MAX``
  elements.
* **Random projection** (HIPS autograd's check) — for an input larger than the
  threshold: ``⟨v, J u⟩`` computed both ways for :data:`N_PROJECTIONS` random
  directions ``u``, two evaluations of ``fn`` each. A failure names the input;
  the element is then found by finite differences if the input is not huge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import grad as _grad
from ..grad_mode import enable_grad, no_grad
from ..ops import concatenate as _concatenate
from ..tensor import Tensor

#: Inputs (and outputs) up to this many elements are checked element by element.
FULL_JACOBIAN_MAX = 256
#: Random directions tried per input larger than :data:`FULL_JACOBIAN_MAX`.
N_PROJECTIONS = 3
#: After a failed projection, find the worst element only up to this input size.
LOCALISE_ELEMENT_MAX = 4096

Fn = Callable[..., Tensor]


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with finite differences.

    Attributes
    ----------
    input_index : int
        Position of the offending input in ``inputs``.
    input_name : str or None
        Its ``Tensor.name``, if it has one.
    input_shape : tuple of int
    element : tuple of int or None
        The input element with the worst disagreement (``None`` if it could not
        be localised: a huge input checked by random projection only).
    output_element : tuple of int or None
        The output element of that worst Jacobian entry (full-Jacobian mode).
    analytic, numeric : float
        The two values compared there.
    atol, rtol : float
        The tolerance used.
    order : int
        1 for :func:`gradcheck`, 2 for :func:`gradgradcheck`.
    located : BadOpReport or None
        The first recorded op whose own backward is wrong (see
        :func:`autograd_mlp.testing.locate_bad_op`), when that search ran.
    """

    def __init__(self, message: str, mismatch: _Mismatch | None = None, **extra: Any) -> None:
        super().__init__(message)
        m = mismatch
        self.input_index = m.input_index if m else None
        self.input_name = m.input_name if m else None
        self.input_shape = m.input_shape if m else None
        self.element = m.element if m else None
        self.output_element = m.output_element if m else None
        self.analytic = m.analytic if m else None
        self.numeric = m.numeric if m else None
        self.mode = m.mode if m else None
        self.atol = extra.get("atol")
        self.rtol = extra.get("rtol")
        self.order = extra.get("order", 1)
        self.located = extra.get("located")


@dataclass
class _Mismatch:
    """The worst disagreement found for one input."""

    input_index: int
    input_name: str | None
    input_shape: tuple[int, ...]
    element: tuple[int, ...] | None
    output_element: tuple[int, ...] | None
    analytic: float
    numeric: float
    bound: float
    mode: str

    def describe(self, what: str, atol: float, rtol: float) -> str:
        name = f" {self.input_name!r}" if self.input_name else ""
        where = ""
        if self.output_element is not None:
            where += f" of output element {self.output_element}"
        if self.element is not None:
            where += f" w.r.t. input element {self.element}"
        else:
            where += " (element not localised)"
        return (
            f"{what} for input {self.input_index}{name} of shape {self.input_shape} "
            f"[{self.mode}]: worst entry{where}: analytic {self.analytic:.8g} vs numeric "
            f"{self.numeric:.8g}, |diff| {abs(self.analytic - self.numeric):.3g} > tolerance "
            f"{self.bound:.3g} (atol={atol:g} + rtol={rtol:g} * |numeric|)"
        )


# --------------------------------------------------------------------------- helpers
def _as_inputs(inputs: Any) -> list[Any]:
    if isinstance(inputs, Tensor):
        return [inputs]
    return list(inputs)


def _float64_copies(inputs: Sequence[Any]) -> list[Any]:
    """Fresh float64 leaves for floating Tensors (other arguments pass through)."""
    copies: list[Any] = []
    for x in inputs:
        if isinstance(x, Tensor) and x.dtype.kind == "f":
            data = np.array(x.data, dtype=np.float64)  # a copy: fn may not touch the original
            copy = Tensor(data, requires_grad=x.requires_grad, dtype=np.float64)
            copy.name = x.name
            copies.append(copy)
        else:
            copies.append(x)
    return copies


def _call(fn: Fn, args: Sequence[Any], who: str) -> Tensor:
    out = fn(*args)
    if not isinstance(out, Tensor):
        raise TypeError(f"{who}: fn must return a Tensor, got {type(out).__name__}")
    if out.dtype.kind != "f":
        raise TypeError(f"{who}: fn must return a floating-point Tensor, got dtype {out.dtype}")
    return out


def _step(eps: float, dtype: np.dtype) -> float:
    # A float32 (or float16) output rounds away most of a 1e-6 difference; the
    # textbook optimal central-difference step for that precision is eps**(1/3).
    if dtype == np.float64:
        return eps
    return max(eps, float(np.finfo(dtype).eps) ** (1 / 3))


def _compare(
    analytic: np.ndarray, numeric: np.ndarray, atol: float, rtol: float
) -> tuple[int, float] | None:
    """Flat index of the worst failing entry and its bound, or None if all pass."""
    diff = np.abs(analytic - numeric)
    bound = atol + rtol * np.abs(numeric)
    bad = ~(diff <= bound)  # also catches NaN on either side
    if not bad.any():
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        badness = np.where(bad, np.nan_to_num(diff / bound, nan=np.inf), -1.0)
    worst = int(np.argmax(badness))
    return worst, float(bound.flat[worst])


def _unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(flat, shape)) if shape else ()


# --------------------------------------------------------------------------- the core check
def _first_mismatch(
    fn: Fn,
    args: list[Any],
    eps: float,
    atol: float,
    rtol: float,
    *,
    seed: int,
    record_numeric: bool,
    project_output: bool,
    who: str,
) -> _Mismatch | None:
    """Check the first derivatives of ``fn`` at float64 ``args``; return the first
    input with a disagreement (its worst entry) or None."""
    wrt = [i for i, x in enumerate(args) if isinstance(x, Tensor) and x.requires_grad]
    if not wrt:
        raise ValueError(f"{who}: no input requires grad, so there is nothing to check")
    rng = np.random.default_rng(seed)
    with enable_grad():
        out = _call(fn, args, who)
    step = _step(eps, out.dtype)
    m = out.size
    full = (
        not project_output
        and m <= FULL_JACOBIAN_MAX
        and all(args[i].size <= FULL_JACOBIAN_MAX for i in wrt)
    )
    # Rows of the Jacobian we compare: every output element, or one random v.
    if full:
        rows = np.eye(m, dtype=np.float64).reshape((m, *out.shape))
    else:
        rows = rng.standard_normal((1, *out.shape))
    row_matrix = rows.reshape(len(rows), m)

    # Analytic: one backward pass per row, on the graph fn recorded.
    analytic = {i: np.zeros((len(rows), args[i].size)) for i in wrt}
    if out.requires_grad:
        for r, row in enumerate(rows):
            grads = _grad(
                out,
                [args[i] for i in wrt],
                grad_outputs=np.asarray(row, dtype=out.dtype),
                retain_graph=True,
                allow_unused=True,
            )
            for i, g in zip(wrt, grads):
                if g is not None:
                    analytic[i][r] = np.asarray(g.data, dtype=np.float64).reshape(-1)

    mode_ctx = enable_grad if record_numeric else no_grad

    def evaluate(i: int, data: np.ndarray) -> np.ndarray:
        shifted = list(args)
        shifted[i] = Tensor(data, requires_grad=args[i].requires_grad, dtype=data.dtype)
        with mode_ctx():
            value = _call(fn, shifted, who).data
        return np.asarray(value, dtype=np.float64).reshape(-1)

    def directional(i: int, u: np.ndarray) -> np.ndarray:
        """Row-projected numeric derivative along direction u (shape of args[i])."""
        base = args[i].data
        hi = evaluate(i, base + step * u)
        lo = evaluate(i, base - step * u)
        return row_matrix @ ((hi - lo) / (2 * step))

    def per_element(i: int) -> np.ndarray:
        x = args[i]
        numeric = np.zeros((len(rows), x.size))
        for j in range(x.size):
            u = np.zeros(x.size)
            u[j] = 1.0
            numeric[:, j] = directional(i, u.reshape(x.shape))
        return numeric

    for i in wrt:
        x = args[i]
        if x.size <= FULL_JACOBIAN_MAX:
            numeric = per_element(i)
            found = _compare(analytic[i], numeric, atol, rtol)
            if found is None:
                continue
            flat, bound = found
            r, j = divmod(flat, x.size)
            mode = "full Jacobian" if full else "vector-Jacobian product"
            return _Mismatch(
                i,
                x.name,
                tuple(x.shape),
                _unravel(j, x.shape),
                _unravel(r, out.shape) if full and out.ndim else None,
                float(analytic[i][r, j]),
                float(numeric[r, j]),
                bound,
                mode,
            )
        for _ in range(N_PROJECTIONS):
            u = rng.standard_normal(x.shape)
            a = analytic[i] @ u.reshape(-1)
            n = directional(i, u)
            found = _compare(a, n, atol, rtol)
            if found is None:
                continue
            flat, bound = found
            mismatch = _Mismatch(
                i,
                x.name,
                tuple(x.shape),
                None,
                None,
                float(a[flat]),
                float(n[flat]),
                bound,
                "random projection <v, J u>",
            )
            if x.size <= LOCALISE_ELEMENT_MAX:  # worth the 2n evaluations now it failed
                numeric = per_element(i)
                located = _compare(analytic[i], numeric, atol, rtol)
                if located is not None:
                    j = located[0] % x.size
                    mismatch.element = _unravel(j, x.shape)
                    mismatch.analytic = float(analytic[i][0, j])
                    mismatch.numeric = float(numeric[0, j])
                    mismatch.bound = located[1]
            return mismatch
    return None


def _second_order_fn(fn: Fn, seed: int, who: str) -> Fn:
    """``x -> d<v, fn(x)>/dx`` (all checked inputs, flattened and joined), with a
    fixed random ``v``, recorded with create_graph so it can be differentiated."""

    def first_derivative(*args: Any) -> Tensor:
        out = _call(fn, args, who)
        wrt = [x for x in args if isinstance(x, Tensor) and x.requires_grad]
        v = np.random.default_rng(seed + 1).standard_normal(out.shape).astype(out.dtype)
        if not out.requires_grad:
            return Tensor(np.zeros(sum(x.size for x in wrt)), dtype=np.float64)
        grads = _grad(out, wrt, grad_outputs=v, create_graph=True, allow_unused=True)
        flat = [
            Tensor(np.zeros(x.size), dtype=x.dtype) if g is None else g.reshape(-1)
            for x, g in zip(wrt, grads)
        ]
        return flat[0] if len(flat) == 1 else _concatenate(flat)

    return first_derivative


def _mismatch(
    fn: Fn, args: list[Any], order: int, eps: float, atol: float, rtol: float, seed: int, who: str
) -> _Mismatch | None:
    """The first input of ``fn`` whose derivatives of ``order`` (1 or 2) disagree
    with finite differences at float64 ``args``, or None.

    Order 2 treats the gradient ``d<v, fn>/dx`` (recorded with create_graph) as
    a function in its own right and checks *its* derivative, contracted with
    another random vector, against central differences of that gradient.
    """
    second = order == 2
    return _first_mismatch(
        _second_order_fn(fn, seed, who) if second else fn,
        args,
        eps,
        atol,
        rtol,
        seed=seed,
        record_numeric=second,
        project_output=second,
        who=who,
    )


# --------------------------------------------------------------------------- public API
def _check(
    fn: Fn,
    inputs: Tensor | Sequence[Any],
    order: int,
    eps: float,
    atol: float,
    rtol: float,
    seed: int,
    locate: bool,
) -> bool:
    """:func:`gradcheck` (``order=1``) and :func:`gradgradcheck` (``order=2``)."""
    who = "gradcheck" if order == 1 else "gradgradcheck"
    inputs = _as_inputs(inputs)
    mismatch = _mismatch(fn, _float64_copies(inputs), order, eps, atol, rtol, seed, who)
    if mismatch is None:
        return True
    what = f"{who} failed"
    if order == 2:
        what += ": second derivative d<w, d<v, fn>/dx>/dx"
    message = mismatch.describe(what, atol, rtol)
    located = None
    if locate:
        from .localize import locate_bad_op  # imported late: localize builds on this module

        try:
            located = locate_bad_op(fn, inputs, eps=eps, atol=atol, rtol=rtol, order=order)
        except Exception as exc:  # the end-to-end failure must still be reported
            message += f"\nlocalisation could not run: {exc!r}"
        else:
            message += "\n" + located.details
    raise GradcheckError(message, mismatch, atol=atol, rtol=rtol, order=order, located=located)


def gradcheck(
    fn: Fn,
    inputs: Tensor | Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    *,
    seed: int = 0,
    locate: bool = True,
) -> bool:
    """Check ``fn``'s first derivatives against central finite differences.

    Parameters
    ----------
    fn : callable
        Called as ``fn(*inputs)``; must return a floating Tensor of any shape.
    inputs : Tensor or sequence
        The arguments. Every floating Tensor is replaced by a float64 copy; those
        with ``requires_grad=True`` are checked. Other arguments pass unchanged.
    eps : float
        Finite-difference step (raised automatically when ``fn`` returns a
        lower-precision float, see the module notes).
    atol, rtol : float
        An entry passes when ``|analytic - numeric| <= atol + rtol * |numeric|``.
    seed : int
        Seed of the random projections (the check is deterministic).
    locate : bool
        On failure, also search the graph for the first op whose own backward is
        wrong (:func:`~autograd_mlp.testing.locate_bad_op`) and report it.

    Returns
    -------
    bool
        ``True``; a failure raises instead.

    Raises
    ------
    GradcheckError
        Naming the input, its worst element, both values and the tolerance.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.testing import gradcheck
    >>> x = ag.tensor([0.5, -1.0, 2.0], requires_grad=True)
    >>> gradcheck(lambda t: (t * t.tanh()).sum(), [x])
    True
    """
    return _check(fn, inputs, 1, eps, atol, rtol, seed, locate)


def gradgradcheck(
    fn: Fn,
    inputs: Tensor | Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    *,
    seed: int = 0,
    locate: bool = True,
) -> bool:
    """Check ``fn``'s second derivatives against finite differences of its first.

    The gradient ``G(x) = d<v, fn(x)>/dx`` (``v`` a fixed random vector) is
    computed with ``create_graph=True``, contracted with another fixed random
    vector ``w``, and ``d<w, G(x)>/dx`` from the recorded graph is compared with
    central differences of ``G`` itself. This catches backward formulas that
    treat a value as a constant when it is not.

    Parameters are those of :func:`gradcheck`.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.testing import gradgradcheck
    >>> x = ag.tensor([0.5, -1.0, 2.0], requires_grad=True)
    >>> gradgradcheck(lambda t: t.sigmoid() * t, [x])
    True
    """
    return _check(fn, inputs, 2, eps, atol, rtol, seed, locate)
