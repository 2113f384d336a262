"""Functional transforms, as in ``torch.func``: thin layers over :func:`ag.grad`.

Every transform calls ``f`` on the given tensors, records the graph, and asks
:func:`autograd_mlp.grad` for vector-Jacobian products; there is no second
engine and no forward mode (``jvp`` uses the double-vjp trick). A primal that
does not require grad is replaced by a fresh leaf sharing its data, so the
transforms work on any floating tensors, as ``torch.func``'s do.

Results are plain tensors, unless a primal (or cotangent) requires grad and grad
mode is on: then they are recorded too, so transforms nest
(``jacobian(grad(f))``) and a gradient can be differentiated again (gradient
penalties). Like ``torch.func``, a transform ignores an outer ``no_grad()``
for its own work.

Examples
--------
>>> import autograd_mlp as ag
>>> from autograd_mlp import func
>>> x = ag.tensor([1.0, 2.0])
>>> func.grad(lambda t: (t**3).sum())(x)
tensor([ 3., 12.])
>>> func.hessian(lambda t: (t**3).sum(), x)
tensor([[ 6.,  0.],
        [ 0., 12.]])
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .engine import grad as _grad
from .engine import toposort
from .grad_mode import enable_grad, is_grad_enabled
from .ops import stack
from .tensor import Tensor

__all__ = ["grad", "hessian", "hvp", "jacobian", "jvp", "value_and_grad", "vjp"]


# --------------------------------------------------------------------------- helpers
def _leaf(x: Any, who: str, i: int) -> Tensor:
    """``x`` itself if it requires grad (so an outer graph sees through), else a
    new leaf sharing its data."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{who}: argument {i} must be a Tensor, got {type(x).__name__}")
    if x.dtype.kind != "f":
        raise TypeError(f"{who}: argument {i} must be a floating Tensor, got dtype {x.dtype}")
    return x if x.requires_grad else Tensor(x.data, requires_grad=True, dtype=x.dtype)


def _recording(outer: bool, out: Tensor, own: Sequence[Tensor], *values: Any) -> bool:
    """Whether results must be differentiable: grad mode was on outside, and a
    value passed in requires grad or ``out`` depends on a tensor that does and
    that is not one of the transform's ``own`` fresh leaves (a closure's weights)."""
    if not outer:
        return False
    if any(isinstance(v, Tensor) and v.requires_grad for v in values):
        return True
    if not out.requires_grad:
        return False
    mine = {id(t) for t in own}
    return any(t.is_leaf and id(t) not in mine for t in toposort([out]))


def _output(out: Any, who: str) -> Tensor:
    if not isinstance(out, Tensor) or out.dtype.kind != "f":
        got = f"dtype {out.dtype}" if isinstance(out, Tensor) else type(out).__name__
        raise TypeError(f"{who}: f must return a floating Tensor, got {got}")
    return out


def _zeros(like: Tensor) -> Tensor:
    return Tensor(np.zeros(like.shape, dtype=like.dtype), dtype=like.dtype)


def _grads(out: Tensor, wrt: Sequence[Tensor], seed: Any, create: bool) -> list[Tensor]:
    """d<seed, out>/d wrt, zeros where ``out`` does not depend on an input."""
    if not out.requires_grad:
        return [_zeros(x) for x in wrt]
    gs = _grad(out, list(wrt), grad_outputs=seed, retain_graph=True, create_graph=create,
               allow_unused=True)  # fmt: skip
    return [_zeros(x) if g is None else g for x, g in zip(wrt, gs)]


def _jacobians(out: Tensor, wrt: Sequence[Tensor], create: bool) -> list[Tensor]:
    """One Jacobian per input, of shape ``out.shape + input.shape``: a vjp per
    output element."""
    rows: list[list[Tensor]] = [[] for _ in wrt]
    for k in range(out.size):
        e = np.zeros(out.size, dtype=out.dtype)
        e[k] = 1
        for row, g in zip(rows, _grads(out, wrt, e.reshape(out.shape), create)):
            row.append(g)
    jacs = []
    for x, row in zip(wrt, rows):
        shape = tuple(out.shape) + tuple(x.shape)
        if not row:
            jacs.append(Tensor(np.zeros(shape, dtype=x.dtype), dtype=x.dtype))
        elif create:
            jacs.append(stack(row).reshape(*shape) if shape else row[0].reshape(()))
        else:
            jacs.append(Tensor(np.stack([g.data for g in row]).reshape(shape), dtype=x.dtype))
    return jacs


def _as_tuple(values: Any, who: str, what: str) -> tuple[Any, ...]:
    if isinstance(values, Tensor):
        return (values,)
    if isinstance(values, (tuple, list)):
        return tuple(values)
    raise TypeError(f"{who}: {what} must be a Tensor or a tuple of Tensors, got "
                    f"{type(values).__name__}")  # fmt: skip


def _matching(primals: tuple[Any, ...], others: tuple[Any, ...], who: str, what: str) -> None:
    if len(others) != len(primals):
        raise ValueError(f"{who}: got {len(others)} {what} for {len(primals)} primals")
    for i, (p, t) in enumerate(zip(primals, others)):
        shape = np.shape(t.data if isinstance(t, Tensor) else t)
        if shape != p.shape:
            raise ValueError(
                f"{who}: {what} {i} has shape {shape}, but primal {i} has shape {p.shape}"
            )


# --------------------------------------------------------------------------- transforms
def vjp(f: Callable[..., Tensor], *primals: Tensor) -> tuple[Tensor, Callable[..., Any]]:
    """``(f(*primals), vjp_fn)``; ``vjp_fn(v)`` returns ``vᵀ ∂f/∂primal`` for each
    primal, as a tuple (``v`` has the output's shape).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.func import vjp
    >>> out, vjp_fn = vjp(lambda a, b: a * b, ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0]))
    >>> vjp_fn(ag.tensor([1.0, 10.0]))
    (tensor([ 3., 40.]), tensor([ 1., 20.]))
    """
    outer = is_grad_enabled()
    leaves = [_leaf(p, "vjp", i) for i, p in enumerate(primals)]
    with enable_grad():
        out = _output(f(*leaves), "vjp")
    create = _recording(outer, out, leaves, *primals)

    def vjp_fn(cotangent: Any) -> tuple[Tensor, ...]:
        _matching((out,), (cotangent,), "vjp_fn", "cotangent")
        again = create or (outer and isinstance(cotangent, Tensor) and cotangent.requires_grad)
        with enable_grad():
            return tuple(_grads(out, leaves, cotangent, again))

    return (out if create else out.detach()), vjp_fn


def jvp(f: Callable[..., Tensor], primals: Any, tangents: Any) -> tuple[Tensor, Tensor]:
    """``(f(*primals), J·tangents)``: the Jacobian-vector product, by the
    double-vjp trick (``u ↦ uᵀJ`` is linear in ``u``; its vjp with the tangents
    is ``J t``), so no forward mode is needed.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.func import jvp
    >>> out, tangent = jvp(lambda t: t**2, (ag.tensor([1.0, 3.0]),), (ag.tensor([1.0, 1.0]),))
    >>> tangent
    tensor([2., 6.])
    """
    primals = _as_tuple(primals, "jvp", "primals")
    tangents = _as_tuple(tangents, "jvp", "tangents")
    leaves = [_leaf(p, "jvp", i) for i, p in enumerate(primals)]
    _matching(tuple(leaves), tangents, "jvp", "tangents")
    outer = is_grad_enabled()
    with enable_grad():
        out = _output(f(*leaves), "jvp")
        create = _recording(outer, out, leaves, *primals, *tangents)
        result = _zeros(out)
        if out.requires_grad:
            u = Tensor(np.zeros(out.shape, dtype=out.dtype), requires_grad=True, dtype=out.dtype)
            gs = _grad(out, leaves, grad_outputs=u, retain_graph=True, create_graph=True,
                       allow_unused=True)  # fmt: skip
            pairs = [(g, t) for g, t in zip(gs, tangents) if g is not None and g.requires_grad]
            if pairs:
                seeds = [t if isinstance(t, Tensor) else np.asarray(t) for _, t in pairs]
                (jt,) = _grad([g for g, _ in pairs], [u], grad_outputs=seeds,
                              create_graph=create, allow_unused=True)  # fmt: skip
                if jt is not None:
                    result = jt
    return (out if create else out.detach()), result


def jacobian(f: Callable[..., Tensor], *inputs: Tensor) -> Any:
    """The Jacobian of ``f`` at ``inputs``: of shape ``out.shape + input.shape``
    for one input, a tuple of those for several (as ``torch.func.jacrev`` with
    ``argnums`` over all inputs).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.func import jacobian
    >>> jacobian(lambda t: t * t, ag.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    outer = is_grad_enabled()
    leaves = [_leaf(x, "jacobian", i) for i, x in enumerate(inputs)]
    with enable_grad():
        out = _output(f(*leaves), "jacobian")
        create = _recording(outer, out, leaves, *inputs)
        jacs = _jacobians(out, leaves, create)
    return jacs[0] if len(jacs) == 1 else tuple(jacs)


def hessian(f: Callable[..., Tensor], *inputs: Tensor) -> Any:
    """Second derivatives of ``f``: of shape ``out.shape + input.shape * 2`` for
    one input (``torch.func.hessian``), ``H[i][j]`` (a tuple of tuples) for
    several (``torch.autograd.functional.hessian``).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.func import hessian
    >>> hessian(lambda a, b: (a * b * b).sum(), ag.tensor([1.0]), ag.tensor([2.0]))[0][1]
    tensor([[4.]])
    """
    outer = is_grad_enabled()
    leaves = [_leaf(x, "hessian", i) for i, x in enumerate(inputs)]
    with enable_grad():
        out = _output(f(*leaves), "hessian")
        create = _recording(outer, out, leaves, *inputs)
        firsts = _jacobians(out, leaves, create=True)
        rows = [_jacobians(j, leaves, create) for j in firsts]
    return rows[0][0] if len(leaves) == 1 else tuple(tuple(row) for row in rows)


def hvp(f: Callable[..., Tensor], primals: Any, v: Any) -> Any:
    """The Hessian-vector product ``H v`` of a scalar ``f`` at ``primals``
    (a Tensor, or a tuple with ``v`` a matching tuple), without forming ``H``:
    one backward with ``create_graph`` and one through it. Returns ``H v`` in
    the structure of ``primals``, like the ``torch.func`` recipe
    ``jvp(grad(f), primals, v)[1]``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.func import hvp
    >>> hvp(lambda t: (t**3).sum(), ag.tensor([1.0, 2.0]), ag.tensor([1.0, 1.0]))
    tensor([ 6., 12.])
    """
    single = isinstance(primals, Tensor)
    ps = _as_tuple(primals, "hvp", "primals")
    vs = _as_tuple(v, "hvp", "v")
    leaves = [_leaf(p, "hvp", i) for i, p in enumerate(ps)]
    _matching(tuple(leaves), vs, "hvp", "v")
    outer = is_grad_enabled()
    with enable_grad():
        out = _output(f(*leaves), "hvp")
        create = _recording(outer, out, leaves, *ps, *vs)
        if out.size != 1:
            raise ValueError(f"hvp: f must return a single-element Tensor, got shape {out.shape}")
        gs = _grads(out, leaves, None, create=True)
        pairs = [(g, w) for g, w in zip(gs, vs) if g.requires_grad]
        result = [_zeros(x) for x in leaves]
        if pairs:
            hv = _grad([g for g, _ in pairs], leaves, grad_outputs=[w for _, w in pairs],
                       create_graph=create, allow_unused=True)  # fmt: skip
            result = [_zeros(x) if h is None else h for x, h in zip(leaves, hv)]
    return result[0] if single else tuple(result)


def _value_and_grad(
    f: Callable[..., Tensor], argnums: int | tuple[int, ...], args: tuple[Any, ...], who: str
) -> tuple[Tensor, Any]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums or any(not isinstance(n, int) or not -len(args) <= n < len(args) for n in nums):
        raise ValueError(f"{who}: argnums {argnums!r} out of range for {len(args)} argument(s)")
    nums = tuple(n % len(args) for n in nums)
    outer = is_grad_enabled()
    call = list(args)
    for n in nums:
        call[n] = _leaf(args[n], who, n)
    own = [call[n] for n in nums]
    with enable_grad():
        out = _output(f(*call), who)
        create = _recording(outer, out, own, *(args[n] for n in nums))
        if out.size != 1:
            raise ValueError(
                f"{who}: f must return a single-element Tensor (a loss), got shape {out.shape}"
            )
        gs = _grads(out, [call[n] for n in nums], None, create)
    value = out if create else out.detach()
    return value, (gs[0] if isinstance(argnums, int) else tuple(gs))


def grad(f: Callable[..., Tensor], argnums: int | tuple[int, ...] = 0) -> Callable[..., Any]:
    """A function returning the gradient of the scalar ``f`` with respect to
    argument ``argnums`` (a tuple of them for a tuple).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.func import grad
    >>> grad(lambda a, b: (a * b).sum(), argnums=1)(ag.tensor([2.0]), ag.tensor([5.0]))
    tensor([2.])
    """

    @functools.wraps(f)
    def gradient(*args: Any) -> Any:
        return _value_and_grad(f, argnums, args, "grad")[1]

    return gradient


def value_and_grad(
    f: Callable[..., Tensor], argnums: int | tuple[int, ...] = 0
) -> Callable[..., tuple[Tensor, Any]]:
    """A function returning ``(f(*args), gradient)`` (JAX's order; torch's
    ``grad_and_value`` returns the pair the other way round).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.func import value_and_grad
    >>> value_and_grad(lambda t: (t * t).sum())(ag.tensor([3.0]))
    (tensor(9.), tensor([6.]))
    """

    @functools.wraps(f)
    def both(*args: Any) -> tuple[Tensor, Any]:
        return _value_and_grad(f, argnums, args, "value_and_grad")

    return both
