"""Numerical gradient checks: the engine's derivatives against finite differences.

The checks perturb **the caller's own tensors** (the inputs, a module's
parameters, and any ``params=`` that ``fn`` closes over), so a function that
reads a tensor from its closure is checked as surely as one that reads its
arguments. For the duration of the check each of those tensors holds a private
float64 copy of its value (float32 parameters included, for precision); the
original array object is put back afterwards, bit for bit and with the same
dtype, also when the check fails or ``fn`` raises. ``.grad`` is never touched.

An element passes when ``|analytic - numeric| <= atol + rtol * |numeric|``
(``numpy.allclose``'s rule). A check never passes without checking: a tensor
the output does not depend on (no gradient reaches it and perturbing it changes
nothing) is an error unless ``allow_unused=True``.

How much is checked depends on the sizes involved (one threshold,
:data:`FULL_JACOBIAN_MAX`):

* **Full Jacobian** — when the output and every checked tensor have at most
  ``FULL_JACOBIAN_MAX`` elements: one backward pass per output element (rows) and
  two evaluations of ``fn`` per input element (columns). A failure names the
  output element and the input element.
* **Vector-Jacobian product** — when the output is larger: the output is
  contracted with a fixed random vector ``v`` (one backward pass), and ``vᵀJ`` is
  checked element by element for every tensor of at most ``FULL_JACOBIAN_MAX``
  elements.
* **Random projection** (HIPS autograd's check) — for a tensor larger than the
  threshold: ``⟨v, J u⟩`` computed both ways for :data:`N_PROJECTIONS` random
  directions ``u``, two evaluations of ``fn`` each. A failure names the tensor;
  the element is then found by finite differences if the tensor is not huge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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
Call = Callable[[], Tensor]


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with finite differences (or could not be
    checked at all).

    Attributes
    ----------
    input_index : int or None
        Position of the offending tensor in ``inputs`` (``None`` for a parameter).
    input_name : str or None
        Its ``Tensor.name``, or the parameter's name (``"layers.2.weight"``).
    param_name : str or None
        The parameter's name when the offending tensor is a parameter.
    input_shape : tuple of int
    element : tuple of int or None
        The element with the worst disagreement (``None`` if it could not be
        localised: a huge input checked by random projection only).
    where : str or None
        That element written out, e.g. ``"layers.2.weight[3, 7]"``.
    output_element : tuple of int or None
        The output element of that worst Jacobian entry (full-Jacobian mode).
    analytic, numeric : float
        The two values compared there.
    atol, rtol : float
        The tolerance used.
    order : int
        1 for :func:`gradcheck`, 2 for :func:`gradgradcheck`.
    unused : bool
        True when the error is that the output does not depend on the tensor.
    located : BadOpReport or None
        The first recorded op whose own backward is wrong (see
        :func:`autograd_mlp.testing.locate_bad_op`), when that search ran.
    property : str or None
        For :func:`~autograd_mlp.testing.check_op`: which property broke.
    counterexample : str or None
        For :func:`~autograd_mlp.testing.check_op`: the shrunk failing inputs.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.testing import GradcheckError, gradcheck
    >>> class BadSquare(ag.Op):
    ...     name = "bad_square_example"
    ...     def forward(self, x):
    ...         return x * x
    ...     def backward(self, g, out, x):
    ...         return (g * x,)  # wrong: the derivative is 2 x
    >>> x = ag.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    >>> try:
    ...     gradcheck(lambda t: BadSquare.apply(t).sum(), [x])
    ... except GradcheckError as e:
    ...     print(e.input_index, e.element, e.analytic, round(e.numeric, 6), e.located.op)
    0 (1,) 2.0 4.0 bad_square_example
    """

    def __init__(self, message: str, mismatch: _Mismatch | None = None, **extra: Any) -> None:
        super().__init__(message)
        m = mismatch
        target = m.target if m else extra.get("target")
        self.input_index = target.index if target else None
        self.input_name = target.name if target else None
        self.param_name = target.name if target and target.kind == "parameter" else None
        self.input_shape = tuple(target.tensor.shape) if target else None
        self.element = m.element if m else None
        self.where = target.at(m.element) if m and target and m.element is not None else None
        self.output_element = m.output_element if m else None
        self.analytic = m.analytic if m else None
        self.numeric = m.numeric if m else None
        self.mode = m.mode if m else None
        self.atol = extra.get("atol")
        self.rtol = extra.get("rtol")
        self.order = extra.get("order", 1)
        self.unused = bool(extra.get("unused", False))
        self.located = extra.get("located")
        self.property = extra.get("property")
        self.counterexample = extra.get("counterexample")


@dataclass
class _Target:
    """A tensor whose gradient is checked, and how to name it in messages."""

    tensor: Tensor
    kind: str  # "input" or "parameter"
    index: int | None
    name: str | None

    @property
    def label(self) -> str:
        if self.kind == "parameter":
            return f"parameter {self.name!r}"
        return f"input {self.index}" + (f" {self.name!r}" if self.name else "")

    def at(self, element: tuple[int, ...]) -> str:
        base = self.name or f"inputs[{self.index}]"
        return f"{base}[{', '.join(str(i) for i in element)}]" if element else base


@dataclass
class _Mismatch:
    """The worst disagreement found for one checked tensor."""

    target: _Target
    element: tuple[int, ...] | None
    output_element: tuple[int, ...] | None
    analytic: float
    numeric: float
    bound: float
    mode: str

    def describe(self, what: str, atol: float, rtol: float) -> str:
        t = self.target
        where = ""
        if self.output_element is not None:
            where += f" of output element {self.output_element}"
        if self.element is None:
            where += " (element not localised)"
        elif t.kind == "parameter":
            where += f" w.r.t. {t.at(self.element)}"
        else:
            where += f" w.r.t. input element {self.element}"
        return (
            f"{what} for {t.label} of shape {tuple(t.tensor.shape)} "
            f"[{self.mode}]: worst entry{where}: analytic {self.analytic:.8g} vs numeric "
            f"{self.numeric:.8g}, |diff| {abs(self.analytic - self.numeric):.3g} > tolerance "
            f"{self.bound:.3g} (atol={atol:g} + rtol={rtol:g} * |numeric|)"
        )


# --------------------------------------------------------------------------- the tensors checked
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


def _put(t: Tensor, array: np.ndarray) -> None:
    """Point ``t`` at ``array``, possibly of another dtype (a float32 parameter
    holds float64 for the duration of a check), bypassing the ``.data`` setter's
    same-dtype rule where there is one: the original goes back right after."""
    if hasattr(t, "_data"):  # .data is a validating property over this slot
        t._data = array
    else:
        t.data = array


@contextmanager
def _float64_in_place(tensors: Sequence[Tensor]) -> Iterator[None]:
    """Give each tensor a private float64 copy of its value; put the original
    array object (and version counter) back afterwards, whatever happens.

    Swapping the array, rather than writing into it, means the caller's buffer
    is never written, so a view or a ``from_numpy`` array elsewhere never sees a
    perturbation."""
    saved: list[tuple[Tensor, np.ndarray, Any]] = []
    try:
        for t in tensors:
            saved.append((t, t.data, getattr(t, "_version", None)))
            _put(t, np.array(t.data, dtype=np.float64))
        yield
    finally:
        for t, data, version in reversed(saved):
            _put(t, data)
            if version is not None:
                t._version = version


def _named_params(params: Any, who: str) -> list[tuple[str | None, Any]]:
    """``params`` as (name, tensor) pairs: a Module, a mapping, (name, tensor)
    pairs (``named_parameters()``) or plain tensors."""
    if hasattr(params, "named_parameters"):
        return list(params.named_parameters())
    if isinstance(params, Tensor):
        params = [params]
    if isinstance(params, Mapping):
        return [(str(k), v) for k, v in params.items()]
    pairs: list[tuple[str | None, Any]] = []
    for p in params:
        if isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str):
            pairs.append(p)
        else:
            pairs.append((None, p))
    return pairs


def _param_targets(params: Any, who: str) -> list[_Target]:
    targets = []
    for k, (name, p) in enumerate(_named_params(params, who)):
        label = name or (p.name if isinstance(p, Tensor) and p.name else f"params[{k}]")
        if not isinstance(p, Tensor) or p.dtype.kind != "f":
            kind = f"Tensor of dtype {p.dtype}" if isinstance(p, Tensor) else type(p).__name__
            raise TypeError(f"{who}: params entry {label!r} must be a floating Tensor, got {kind}")
        if not p.requires_grad:
            raise ValueError(
                f"{who}: params entry {label!r} does not require grad, so its gradient "
                "cannot be checked; set requires_grad=True or leave it out"
            )
        targets.append(_Target(p, "parameter", None, label))
    return targets


def _describe_args(args: Sequence[Any]) -> str:
    parts = []
    for i, x in enumerate(args):
        if isinstance(x, Tensor):
            parts.append(f"input {i}: Tensor {x.dtype} requires_grad={x.requires_grad}")
        else:
            parts.append(f"input {i}: {type(x).__name__}")
    return "; ".join(parts) or "no inputs"


def _prepare(
    fn: Any, args: list[Any], params: Any, who: str
) -> tuple[Call, list[_Target], list[Tensor]]:
    """The zero-argument call, the tensors to check, and every floating tensor to
    hold in float64 while checking (the checked ones and the constants)."""
    targets = [
        _Target(x, "input", i, x.name)
        for i, x in enumerate(args)
        if isinstance(x, Tensor) and x.requires_grad
    ]
    swap = [x for x in args if isinstance(x, Tensor) and x.dtype.kind == "f"]
    if hasattr(fn, "named_parameters"):  # an nn.Module: its parameters are checked too
        every = list(fn.named_parameters())
        swap += [p for _, p in every if p.dtype.kind == "f"]
        targets += [_Target(p, "parameter", None, name) for name, p in every if p.requires_grad]
    if params is not None:
        extra = _param_targets(params, who)
        targets += extra
        swap += [t.tensor for t in extra]
    if not callable(fn):
        raise TypeError(f"{who}: fn must be callable (a function or an nn.Module), got {fn!r}")
    unique: dict[int, _Target] = {}
    for t in targets:
        unique.setdefault(id(t.tensor), t)
    if not unique:
        raise ValueError(
            f"{who}: no input requires grad, so there is nothing to check: every tensor "
            "to check must be a floating Tensor with requires_grad=True "
            f"({_describe_args(args)})"
        )
    swap_unique = list({id(t): t for t in swap}.values())

    def call() -> Tensor:
        return fn(*args)

    return call, list(unique.values()), swap_unique


def _call(call: Call, who: str) -> Tensor:
    out = call()
    if not isinstance(out, Tensor):
        raise TypeError(f"{who}: fn must return a Tensor, got {type(out).__name__}")
    if out.dtype.kind != "f":
        raise TypeError(f"{who}: fn must return a floating-point Tensor, got dtype {out.dtype}")
    return out


def _check_tolerances(who: str, eps: float, atol: float, rtol: float) -> None:
    if not (isinstance(eps, (int, float)) and np.isfinite(eps) and eps > 0):
        raise ValueError(f"{who}: eps must be a positive finite number, got {eps!r}")
    for name, value in (("atol", atol), ("rtol", rtol)):
        if not (isinstance(value, (int, float)) and value >= 0):
            raise ValueError(f"{who}: {name} must be a number >= 0, got {value!r}")


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


def _evaluate(call: Call, target: _Target, data: np.ndarray, record: bool, who: str) -> np.ndarray:
    """``call()`` (flattened, float64) with ``target`` holding ``data``."""
    base = target.tensor.data
    _put(target.tensor, data)
    try:
        with enable_grad() if record else no_grad():
            value = _call(call, who).data
    finally:
        _put(target.tensor, base)
    return np.asarray(value, dtype=np.float64).reshape(-1)


def _require_dependence(
    call: Call, targets: list[_Target], eps: float, seed: int, who: str
) -> None:
    """Raise if the output does not depend on a checked tensor: no gradient
    reaches it *and* perturbing it along a random direction changes nothing.

    Without this a check of ``fn`` that ignores its arguments would compare
    zeros with zeros and pass, whatever the gradients of what it really uses."""
    with enable_grad():
        out = _call(call, who)
    if out.requires_grad:
        v = np.ones(out.shape, dtype=out.dtype)
        grads = _grad(
            out, [t.tensor for t in targets], grad_outputs=v, retain_graph=False, allow_unused=True
        )
    else:
        grads = tuple(None for _ in targets)
    rng = np.random.default_rng(seed + 2)
    for t, g in zip(targets, grads):
        if g is not None:
            continue
        u = rng.standard_normal(t.tensor.shape)
        base = t.tensor.data
        step = max(eps, 1e-3)  # large: any dependence at all must show
        hi = _evaluate(call, t, base + step * u, False, who)
        lo = _evaluate(call, t, base - step * u, False, who)
        if np.array_equal(hi, lo):
            raise GradcheckError(
                f"{who}: the output does not depend on {t.label} of shape "
                f"{tuple(t.tensor.shape)}: no gradient reaches it and perturbing it changes "
                "nothing, so its gradient would be checked vacuously. Does fn ignore this "
                "argument and close over other tensors? Pass those as params=[...] (or "
                "check the nn.Module itself), or pass allow_unused=True to accept it.",
                target=t,
                unused=True,
            )


# --------------------------------------------------------------------------- the core check
def _first_mismatch(
    call: Call,
    targets: list[_Target],
    eps: float,
    atol: float,
    rtol: float,
    *,
    seed: int,
    record_numeric: bool,
    project_output: bool,
    who: str,
    full_max: int = FULL_JACOBIAN_MAX,
) -> _Mismatch | None:
    """Check the first derivatives of ``call()`` with respect to each target (all
    holding float64 data); return the first with a disagreement, or None.
    Targets of more than ``full_max`` elements are checked by projections."""
    rng = np.random.default_rng(seed)
    with enable_grad():
        out = _call(call, who)
    step = _step(eps, out.dtype)
    m = out.size
    full = not project_output and m <= full_max and all(t.tensor.size <= full_max for t in targets)
    # Rows of the Jacobian we compare: every output element, or one random v.
    if full:
        rows = np.eye(m, dtype=np.float64).reshape((m, *out.shape))
    else:
        rows = rng.standard_normal((1, *out.shape))
    row_matrix = rows.reshape(len(rows), m)

    # Analytic: one backward pass per row, on the graph the call recorded.
    analytic = [np.zeros((len(rows), t.tensor.size)) for t in targets]
    if out.requires_grad:
        for r, row in enumerate(rows):
            grads = _grad(
                out,
                [t.tensor for t in targets],
                grad_outputs=np.asarray(row, dtype=out.dtype),
                retain_graph=True,
                allow_unused=True,
            )
            for k, g in enumerate(grads):
                if g is not None:
                    analytic[k][r] = np.asarray(g.data, dtype=np.float64).reshape(-1)
    del out  # the numeric evaluations need not keep this graph alive

    def directional(t: _Target, u: np.ndarray) -> np.ndarray:
        """Row-projected numeric derivative along direction u (shape of t)."""
        base = t.tensor.data
        hi = _evaluate(call, t, base + step * u, record_numeric, who)
        lo = _evaluate(call, t, base - step * u, record_numeric, who)
        return row_matrix @ ((hi - lo) / (2 * step))

    def per_element(t: _Target) -> np.ndarray:
        n = t.tensor.size
        numeric = np.zeros((len(rows), n))
        for j in range(n):
            u = np.zeros(n)
            u[j] = 1.0
            numeric[:, j] = directional(t, u.reshape(t.tensor.shape))
        return numeric

    for k, t in enumerate(targets):
        x = t.tensor
        if x.size <= full_max:
            numeric = per_element(t)
            found = _compare(analytic[k], numeric, atol, rtol)
            if found is None:
                continue
            flat, bound = found
            r, j = divmod(flat, x.size)
            return _Mismatch(
                t,
                _unravel(j, x.shape),
                _unravel(r, tuple(rows.shape[1:])) if full and rows.ndim > 1 else None,
                float(analytic[k][r, j]),
                float(numeric[r, j]),
                bound,
                "full Jacobian" if full else "vector-Jacobian product",
            )
        mismatch = _by_projection(t, analytic[k], directional, per_element, rng, atol, rtol)
        if mismatch is not None:
            return mismatch
    return None


def _by_projection(
    t: _Target,
    analytic: np.ndarray,
    directional: Callable[[_Target, np.ndarray], np.ndarray],
    per_element: Callable[[_Target], np.ndarray],
    rng: np.random.Generator,
    atol: float,
    rtol: float,
) -> _Mismatch | None:
    """``<v, J u>`` both ways for random directions ``u``; on a failure, find the
    element too if the tensor is small enough for ``2n`` more evaluations."""
    x = t.tensor
    for _ in range(N_PROJECTIONS):
        u = rng.standard_normal(x.shape)
        a = analytic @ u.reshape(-1)
        n = directional(t, u)
        found = _compare(a, n, atol, rtol)
        if found is None:
            continue
        flat, bound = found
        mismatch = _Mismatch(
            t, None, None, float(a[flat]), float(n[flat]), bound, "random projection <v, J u>"
        )
        if x.size <= LOCALISE_ELEMENT_MAX:  # worth the 2n evaluations now it failed
            numeric = per_element(t)
            located = _compare(analytic, numeric, atol, rtol)
            if located is not None:
                j = located[0] % x.size
                mismatch.element = _unravel(j, x.shape)
                mismatch.analytic = float(analytic[0, j])
                mismatch.numeric = float(numeric[0, j])
                mismatch.bound = located[1]
        return mismatch
    return None


def _second_order_call(call: Call, targets: list[_Target], seed: int, who: str) -> Call:
    """``() -> d<v, call()>/dx`` (all targets, flattened and joined), with a fixed
    random ``v``, recorded with create_graph so it can be differentiated."""
    tensors = [t.tensor for t in targets]

    def first_derivative() -> Tensor:
        out = _call(call, who)
        v = np.random.default_rng(seed + 1).standard_normal(out.shape).astype(out.dtype)
        if not out.requires_grad:
            return Tensor(np.zeros(sum(x.size for x in tensors)), dtype=np.float64)
        grads = _grad(out, tensors, grad_outputs=v, create_graph=True, allow_unused=True)
        flat = [
            Tensor(np.zeros(x.size), dtype=x.dtype) if g is None else g.reshape(-1)
            for x, g in zip(tensors, grads)
        ]
        return flat[0] if len(flat) == 1 else _concatenate(flat)

    return first_derivative


def _mismatch(
    call: Call,
    targets: list[_Target],
    order: int,
    eps: float,
    atol: float,
    rtol: float,
    seed: int,
    who: str,
    full_max: int = FULL_JACOBIAN_MAX,
) -> _Mismatch | None:
    """The first target whose derivatives of ``order`` (1 or 2) disagree with
    finite differences, or None.

    Order 2 treats the gradient ``d<v, fn>/dx`` (recorded with create_graph) as
    a function in its own right and checks *its* derivative, contracted with
    another random vector, against central differences of that gradient.
    """
    second = order == 2
    return _first_mismatch(
        _second_order_call(call, targets, seed, who) if second else call,
        targets,
        eps,
        atol,
        rtol,
        seed=seed,
        record_numeric=second,
        project_output=second,
        who=who,
        full_max=full_max,
    )


# --------------------------------------------------------------------------- public API
def _check(
    fn: Any,
    inputs: Tensor | Sequence[Any],
    order: int,
    eps: float,
    atol: float,
    rtol: float,
    *,
    params: Any,
    allow_unused: bool,
    seed: int,
    locate: bool,
    full_max: int = FULL_JACOBIAN_MAX,
) -> bool:
    """:func:`gradcheck` (``order=1``) and :func:`gradgradcheck` (``order=2``);
    ``full_max`` is the size above which a tensor is checked by projections."""
    who = "gradcheck" if order == 1 else "gradgradcheck"
    _check_tolerances(who, eps, atol, rtol)
    call, targets, swap = _prepare(fn, _as_inputs(inputs), params, who)
    with _float64_in_place(swap):
        if not allow_unused:
            _require_dependence(call, targets, eps, seed, who)
        mismatch = _mismatch(call, targets, order, eps, atol, rtol, seed, who, full_max)
        if mismatch is None:
            return True
        what = f"{who} failed"
        if order == 2:
            what += ": second derivative d<w, d<v, fn>/dx>/dx"
        message = mismatch.describe(what, atol, rtol)
        located = None
        if locate:
            # imported late: localize builds on this module
            from .localize import locate_bad_op

            try:
                with enable_grad():
                    root = _call(call, who)
                located = locate_bad_op(root, eps=eps, atol=atol, rtol=rtol, order=order)
            except Exception as exc:  # the end-to-end failure must still be reported
                message += f"\nlocalisation could not run: {exc!r}"
            else:
                message += "\n" + located.details
    raise GradcheckError(message, mismatch, atol=atol, rtol=rtol, order=order, located=located)


def gradcheck(
    fn: Fn | Any,
    inputs: Tensor | Sequence[Any] = (),
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    *,
    params: Any = None,
    allow_unused: bool = False,
    seed: int = 0,
    locate: bool = True,
) -> bool:
    """Check first derivatives against central finite differences.

    Parameters
    ----------
    fn : callable or nn.Module
        Called as ``fn(*inputs)``; must return a floating Tensor of any shape.
        An ``nn.Module`` has its parameters (``named_parameters()``, those with
        ``requires_grad``) checked as well as the inputs.
    inputs : Tensor or sequence
        The arguments. Every floating Tensor with ``requires_grad=True`` is
        checked. Other arguments (integer targets, arrays, numbers) pass
        unchanged.
    eps : float
        Finite-difference step, > 0 (raised automatically when ``fn`` returns a
        lower-precision float, see the module notes).
    atol, rtol : float
        An entry passes when ``|analytic - numeric| <= atol + rtol * |numeric|``.
    params : sequence, mapping or nn.Module, optional
        Further tensors to check that ``fn`` reads from its closure (each a
        floating Tensor requiring grad); a mapping or ``named_parameters()``
        names them in messages.
    allow_unused : bool
        Accept a checked tensor the output does not depend on (otherwise that
        is a :class:`GradcheckError`: the check would pass without checking).
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
        Naming the tensor (``input 1 'x'`` or ``parameter 'layers.2.weight'``),
        its worst element, both values and the tolerance; or saying that the
        output does not depend on a tensor.
    TypeError, ValueError
        ``fn`` returns a non-Tensor or a non-floating Tensor; nothing requires
        grad; a bad ``params`` entry; ``eps <= 0``.

    Notes
    -----
    The tensors are perturbed in place: each holds a float64 copy of its value
    during the check and gets its original array back afterwards (also when the
    check fails or ``fn`` raises), so closures and modules see the
    perturbations. ``.grad`` is never touched.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.testing import gradcheck
    >>> x = ag.tensor([0.5, -1.0, 2.0], requires_grad=True)
    >>> gradcheck(lambda t: (t * t.tanh()).sum(), [x])
    True
    >>> net = ag.nn.MLP([3, 4, 2], activation="tanh")
    >>> gradcheck(net, [ag.tensor([[0.1, 0.2, -0.3]])])   # checks its 4 parameters too
    True
    >>> w = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> gradcheck(lambda t: (t * w).sum().tanh(), [x], params=[w])  # w read from the closure
    True
    """
    return _check(
        fn, inputs, 1, eps, atol, rtol,
        params=params, allow_unused=allow_unused, seed=seed, locate=locate,
    )  # fmt: skip


def gradgradcheck(
    fn: Fn | Any,
    inputs: Tensor | Sequence[Any] = (),
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    *,
    params: Any = None,
    allow_unused: bool = False,
    seed: int = 0,
    locate: bool = True,
) -> bool:
    """Check second derivatives against finite differences of the first.

    The gradient ``G(x) = d<v, fn(x)>/dx`` (``v`` a fixed random vector, ``x``
    every checked tensor) is computed with ``create_graph=True``, contracted
    with another fixed random vector ``w``, and ``d<w, G(x)>/dx`` from the
    recorded graph is compared with central differences of ``G`` itself. This
    catches backward formulas that treat a value as a constant when it is not.

    Parameters are those of :func:`gradcheck` (modules, ``params=`` and
    ``allow_unused`` included).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.testing import gradgradcheck
    >>> x = ag.tensor([0.5, -1.0, 2.0], requires_grad=True)
    >>> gradgradcheck(lambda t: t.sigmoid() * t, [x])
    True
    """
    return _check(
        fn, inputs, 2, eps, atol, rtol,
        params=params, allow_unused=allow_unused, seed=seed, locate=locate,
    )  # fmt: skip
