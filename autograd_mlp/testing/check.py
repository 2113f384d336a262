"""``check_op``: the one-line property test for an op, registered or not.

It is the tool this project's own ``tests/test_ops.py`` runs over the whole
registry. For each of ``examples`` inputs drawn by hypothesis from the op's
signature (keeping to its domain, away from its kinks, distinct where ties
matter), it checks, in this order:

1. ``forward runs`` and ``forward does not mutate its inputs``;
2. ``forward matches reference``: same shape, same dtype, values within
   :data:`FORWARD_TOL` (skipped when the op has no reference);
3. ``backward returns one gradient per input``, each of a shape that fits its
   input (the input's own, or one the engine may legitimately reduce or
   broadcast to it);
4. ``backward does not mutate`` its inputs, the output or ``g``;
5. ``gradients have the inputs' shapes and dtypes`` (after the engine's
   bookkeeping, as ``.grad``) and ``share no memory`` with the inputs, the
   output, ``g`` or one another;
6. ``first order``: :func:`~autograd_mlp.testing.gradcheck`;
7. ``second order``: :func:`~autograd_mlp.testing.gradgradcheck`, for smooth ops
   (element by element up to :data:`SECOND_ORDER_FULL_MAX` elements, by random
   projections above, to keep an example in milliseconds).

An op with an integer or bool output (``argmax``, a comparison) is checked up to
its reference only. The first property that breaks fails the example; hypothesis
then shrinks it, and :class:`~autograd_mlp.testing.GradcheckError` reports the
shrunk counter-example and the property.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..op import REGISTRY, Op, OpSpec, apply
from ..tensor import Tensor
from .gradcheck import FULL_JACOBIAN_MAX, GradcheckError, _check

#: Second order is checked element by element for inputs up to this size, and by
#: random projections above it: each element costs a create_graph backward.
SECOND_ORDER_FULL_MAX = 16

#: check_op's default number of examples (``--gradcheck-examples`` overrides it).
DEFAULT_EXAMPLES = 50
#: Forward against reference: the two may round differently (a fused formula
#: against a composed one) by a few ulps of the dtype.
FORWARD_TOL = {
    np.dtype(np.float64): dict(rtol=1e-10, atol=1e-12),
    np.dtype(np.float32): dict(rtol=2e-5, atol=1e-6),
}
#: The op description fields check_op reads; class attributes of these names
#: describe an op that is not registered.
SPEC_FIELDS = ("signature", "reference", "domain", "kinks", "smooth", "ties")


class _DefaultExamples(int):
    """``examples``' default: 50 (it prints as 50), unless a run overrides it."""

    def __repr__(self) -> str:
        return str(int(self))


_DEFAULT = _DefaultExamples(DEFAULT_EXAMPLES)
_run_default = [DEFAULT_EXAMPLES]


def set_default_examples(n: int | None) -> int:
    """Set how many examples :func:`check_op` draws when not told (``None``
    restores :data:`DEFAULT_EXAMPLES`); returns the previous value. The pytest
    plugin's ``--gradcheck-examples N`` calls this.

    Examples
    --------
    >>> from autograd_mlp.testing import set_default_examples
    >>> previous = set_default_examples(10)
    >>> set_default_examples(previous)
    10
    """
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ValueError(f"check_op: the number of examples must be an int >= 1, got {n!r}")
    previous = _run_default[0]
    _run_default[0] = DEFAULT_EXAMPLES if n is None else n
    return previous


class _Broken(AssertionError):
    """One property failed on one example (hypothesis shrinks on it)."""

    def __init__(self, prop: str, detail: str, example: str) -> None:
        super().__init__(f"{prop}: {detail}")
        self.prop, self.detail, self.example = prop, detail, example


# --------------------------------------------------------------------------- the op's description
def _known_signatures() -> list[str]:
    from .strategies import known_signatures

    return known_signatures()


def op_spec(op_cls: type[Op], **overrides: Any) -> OpSpec:
    """The description :func:`check_op` works from: the registry's entry for
    ``op_cls`` if it is registered, else its class attributes (``signature``,
    ``reference``, ``domain``, ``kinks``, ``smooth``, ``ties``), with any
    non-None keyword ``overrides`` on top.

    Examples
    --------
    >>> from autograd_mlp.ops import Exp
    >>> from autograd_mlp.testing.check import op_spec
    >>> op_spec(Exp).signature, op_spec(Exp, smooth=False).smooth
    ('unary', False)
    """
    if not (isinstance(op_cls, type) and issubclass(op_cls, Op)):
        raise TypeError(f"check_op: expected a subclass of ag.Op, got {op_cls!r}")
    given = {k: v for k, v in overrides.items() if v is not None}
    unknown = sorted(set(given) - set(SPEC_FIELDS))
    if unknown:
        raise TypeError(f"check_op: unknown op description field(s) {unknown}")
    if "kinks" in given:
        given["kinks"] = tuple(float(k) for k in given["kinks"])
    registered = next((s for s in REGISTRY.values() if s.cls is op_cls), None)
    if registered is not None:
        return dataclasses.replace(registered, **given)
    fields: dict[str, Any] = {"domain": "real", "kinks": (), "smooth": True, "ties": False}
    for name in SPEC_FIELDS:
        if name in op_cls.__dict__ or any(name in c.__dict__ for c in op_cls.__mro__[1:-1]):
            value = getattr(op_cls, name)
            if value is not None:
                fields[name] = value
    fields.update(given)
    if fields.get("signature") is None:
        raise _no_signature(op_cls)
    fields["kinks"] = tuple(float(k) for k in fields["kinks"])
    return OpSpec(
        name=getattr(op_cls, "name", op_cls.__name__),
        cls=op_cls,
        signature=fields["signature"],
        reference=fields.get("reference"),
        domain=fields["domain"],
        kinks=fields["kinks"],
        smooth=bool(fields["smooth"]),
        ties=bool(fields["ties"]),
    )


def _no_signature(op_cls: type) -> Exception:
    from .strategies import NoStrategyError

    return NoStrategyError(
        f"check_op: op {op_cls.__name__} ({getattr(op_cls, 'name', '?')!r}) has no signature, "
        "so there is no telling what inputs to draw. Register it with "
        "ag.register_op(signature, reference=...), give the class a `signature = ...` "
        f"attribute, or pass check_op(..., signature=...). Known signatures: "
        f"{_known_signatures()}"
    )


# --------------------------------------------------------------------------- one example
def _arrays(args: Sequence[Any]) -> list[Any]:
    return [a.data if isinstance(a, Tensor) else a for a in args]


def _snapshot(values: Sequence[Any]) -> list[Any]:
    return [np.array(v, copy=True) if isinstance(v, np.ndarray) else v for v in values]


def _unchanged(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and before.shape == after.shape
            and before.dtype == after.dtype
            and np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")
        )
    return True


def _render(args: Sequence[Any], attrs: dict[str, Any]) -> str:
    parts = []
    for i, a in enumerate(args):
        if isinstance(a, (Tensor, np.ndarray)):
            data = np.asarray(a.data if isinstance(a, Tensor) else a)
            values = np.array2string(data, separator=", ", precision=17, threshold=64)
            parts.append(f"  input {i}: shape {data.shape}, {data.dtype}: {values}")
        else:
            parts.append(f"  input {i}: {a!r}")
    parts.append(f"  attrs: {attrs!r}")
    return "\n".join(parts)


def _fits(grad_shape: tuple[int, ...], shape: tuple[int, ...]) -> bool:
    """A raw gradient shape the engine may legitimately fit to ``shape``: the
    input's own, a broadcast of it (summed down) or one it broadcasts up from."""
    try:
        joint = np.broadcast_shapes(grad_shape, shape)
    except ValueError:
        return False
    return joint in (grad_shape, shape)


class _Example:
    """The properties of one op on one drawn ``(args, attrs)``."""

    def __init__(self, spec: OpSpec, args: tuple[Any, ...], attrs: dict[str, Any]) -> None:
        self.spec, self.args, self.attrs = spec, args, attrs
        self.before = _snapshot(_arrays(args))
        self.text = _render(args, attrs)

    def fail(self, prop: str, detail: str) -> None:
        raise _Broken(prop, detail, self.text)

    def mutated(self, when: str) -> None:
        for i, (b, a) in enumerate(zip(self.before, _arrays(self.args))):
            if not _unchanged(b, a):
                self.fail(f"{when} does not mutate its inputs", f"{when} changed input {i}")

    def forward(self) -> Tensor:
        try:
            out = apply(self.spec.cls, self.args, self.attrs)
        except Exception as exc:
            self.fail("forward runs", f"forward raised {exc!r}")
        self.mutated("forward")
        reference = self.spec.reference
        if reference is None:
            return out
        expected = np.asarray(reference(*_snapshot(self.before), **self.attrs))
        if out.shape != expected.shape or out.dtype != expected.dtype:
            self.fail(
                "forward matches reference",
                f"output shape {out.shape} dtype {out.dtype}, reference shape "
                f"{expected.shape} dtype {expected.dtype}",
            )
        tol = FORWARD_TOL.get(out.dtype, FORWARD_TOL[np.dtype(np.float32)])
        if not np.allclose(out.data, expected, equal_nan=True, **tol):
            diff = np.abs(np.asarray(out.data, np.float64) - expected)
            worst = np.unravel_index(int(np.nanargmax(diff)), diff.shape) if diff.size else ()
            self.fail(
                "forward matches reference",
                f"at output element {tuple(int(i) for i in worst)}: op "
                f"{out.data[worst]!r} vs reference {expected[worst]!r} (rtol={tol['rtol']:g}, "
                f"atol={tol['atol']:g})",
            )
        return out

    def raw_backward(self, out: Tensor, g: np.ndarray) -> None:
        """The op's own backward on copies: its return value, and what it wrote."""
        node = out.grad_fn
        if node is None:
            return
        arrays = list(getattr(node, "arrays", None) or _arrays(self.args))
        g_in, out_in, arrays_in = g.copy(), out.data.copy(), _snapshot(arrays)
        try:
            raw = node.backward(g_in, out_in, *arrays_in)
        except Exception as exc:
            self.fail("backward runs", f"backward raised {exc!r}")
        if not _unchanged(g, g_in):
            self.fail("backward does not mutate", "backward changed the incoming gradient g")
        if not _unchanged(out.data, out_in):
            self.fail("backward does not mutate", "backward changed the op's output")
        for i, (b, a) in enumerate(zip(arrays, arrays_in)):
            if not _unchanged(b, a):
                self.fail("backward does not mutate its inputs", f"backward changed input {i}")
        # Trailing Nones are fine: they stand for optional inputs not given
        # (a linear op without bias).
        n = len(self.args)
        if (
            not isinstance(raw, (tuple, list))
            or len(raw) < n
            or any(gx is not None for gx in raw[n:])
        ):
            count = len(raw) if isinstance(raw, (tuple, list)) else type(raw).__name__
            self.fail(
                "backward returns one gradient per input",
                f"got {count} for {n} input(s)",
            )
        self.raw_gradients(raw, out, out_in, arrays_in)

    def raw_gradients(
        self, raw: Sequence[Any], out: Tensor, out_in: np.ndarray, arrays_in: list[Any]
    ) -> None:
        """Each raw gradient: no memory of the output or an input, a shape that fits."""
        # A view of g is fine (add hands g on as it is); one of the output or an
        # input is not: a gradient is linear in g, so it cannot be their value.
        owners = [("the output", out_in)] + [
            (f"input {k}", a) for k, a in enumerate(arrays_in) if isinstance(a, np.ndarray)
        ]
        for i, (gx, x) in enumerate(zip(raw, self.args)):
            if gx is None or not isinstance(x, Tensor):
                continue
            for who, data in owners:
                if isinstance(gx, np.ndarray) and np.shares_memory(gx, data):
                    self.fail(
                        "gradients share no memory",
                        f"backward returned, for input {i}, a gradient that is {who}'s memory",
                    )
            shape = tuple(np.shape(gx))
            if not _fits(shape, x.shape):
                self.fail(
                    "gradients have the inputs' shapes",
                    f"backward returned a gradient of shape {shape} for input {i} of shape "
                    f"{x.shape} (output shape {out.shape})",
                )

    def backward(self, out: Tensor, g: np.ndarray) -> None:
        g_before, out_before = g.copy(), out.data.copy()
        try:
            out.backward(g)
        except Exception as exc:
            self.fail("backward runs", f"backward raised {exc!r}")
        self.mutated("backward")
        if not _unchanged(out_before, out.data):
            self.fail("backward does not mutate", "backward changed the op's output")
        if not _unchanged(g_before, g):
            self.fail("backward does not mutate", "backward changed the incoming gradient g")
        owners = [("the output", out.data), ("g", g)]
        owners += [(f"input {i}", a.data) for i, a in enumerate(self.args) if isinstance(a, Tensor)]
        for i, x in enumerate(self.args):
            if not isinstance(x, Tensor) or x.grad is None:
                continue
            gx = x.grad.data
            if gx.shape != x.shape or gx.dtype != x.dtype:
                self.fail(
                    "gradients have the inputs' shapes and dtypes",
                    f"input {i} has shape {x.shape} dtype {x.dtype}, its .grad shape "
                    f"{gx.shape} dtype {gx.dtype}",
                )
            for who, data in owners:
                if np.shares_memory(gx, data):
                    self.fail("gradients share no memory", f"input {i}'s .grad aliases {who}")
            owners.append((f"input {i}'s gradient", gx))

    def orders(self, second: bool, atol: float, rtol: float) -> None:
        cls, attrs = self.spec.cls, self.attrs

        def fn(*xs: Any) -> Tensor:
            return apply(cls, xs, attrs)

        for order, prop in ((1, "first order"), (2, "second order")):
            if order == 2 and not second:
                break
            try:
                _check(
                    fn, list(self.args), order, 1e-6, atol, rtol,
                    params=None, allow_unused=False, seed=0, locate=False,
                    full_max=FULL_JACOBIAN_MAX if order == 1 else SECOND_ORDER_FULL_MAX,
                )  # fmt: skip
            except GradcheckError as err:
                self.fail(prop, str(err))


def _check_example(
    spec: OpSpec, inputs: tuple[tuple[Any, ...], dict[str, Any]], atol: float, rtol: float
) -> None:
    args, attrs = inputs
    ex = _Example(spec, tuple(args), dict(attrs))
    out = ex.forward()
    # An integer or bool output (argmax, a comparison) has no gradient to check.
    if out.dtype.kind != "f" or not any(isinstance(a, Tensor) and a.requires_grad for a in ex.args):
        return
    g = np.random.default_rng(0).standard_normal(out.shape).astype(out.dtype)
    ex.raw_backward(out, g)
    ex.backward(out, g)
    ex.orders(spec.smooth, atol, rtol)


# --------------------------------------------------------------------------- the public check
def check_op(
    op_cls: type[Op],
    *,
    examples: int = _DEFAULT,
    dtype: Any = np.float64,
    signature: str | None = None,
    reference: Callable[..., np.ndarray] | None = None,
    domain: str | None = None,
    kinks: Sequence[float] | None = None,
    smooth: bool | None = None,
    ties: bool | None = None,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Property-test an op's forward, backward and second derivative in one line.

    Parameters
    ----------
    op_cls : subclass of ag.Op
        The op, registered with ``ag.register_op`` or not.
    examples : int
        How many inputs hypothesis draws: 50 unless the pytest option
        ``--gradcheck-examples N`` (or :func:`set_default_examples`) says otherwise.
    dtype : numpy float dtype
        The inputs' dtype (float64 by default). Gradient checks always run in
        float64; float32 checks the forward and the gradients' dtypes in float32.
    signature, reference, domain, kinks, smooth, ties
        The op's description (see ``ag.register_op``). Read from the registry
        for a registered op, else from class attributes of the same names
        (``reference`` as a ``staticmethod``); a keyword given here wins.
        Without a signature there is no telling what to draw: an error lists
        the signatures that exist.
    atol, rtol : float
        Gradient-check tolerance, as for :func:`~autograd_mlp.testing.gradcheck`.

    Returns
    -------
    bool
        ``True``; a broken property raises instead.

    Raises
    ------
    GradcheckError
        With ``.property`` (which property broke, e.g. ``"second order"``) and
        ``.counterexample`` (hypothesis's shrunk inputs, written out).
    NoStrategyError
        The op has no signature, or one with no input strategy.

    Examples
    --------
    >>> import numpy as np
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.testing import check_op
    >>> class Cube(ag.Op):
    ...     '''``x³``.
    ...
    ...     Derivative: 3x²
    ...     '''
    ...     name = "cube"
    ...     signature = "unary"
    ...     reference = staticmethod(lambda x: x**3)
    ...     def forward(self, x):
    ...         return x**3
    ...     def backward(self, g, out, x):
    ...         return (3 * g * x * x,)
    >>> check_op(Cube, examples=5)
    True
    """
    try:
        from hypothesis import HealthCheck, given, settings
    except ImportError as exc:  # a test dependency, not a runtime one
        raise ImportError(
            "check_op draws its inputs with hypothesis, which is not installed: "
            "python -m pip install 'autograd_mlp[test]'"
        ) from exc

    from .strategies import op_inputs

    n = _run_default[0] if examples is _DEFAULT else examples
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"check_op: examples must be an int >= 1, got {examples!r}")
    spec = op_spec(
        op_cls,
        signature=signature,
        reference=reference,
        domain=domain,
        kinks=kinks,
        smooth=smooth,
        ties=ties,
    )
    strategy = op_inputs(spec, dtype=dtype)

    @settings(
        settings.default,
        max_examples=n,
        deadline=None,
        database=None,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(inputs: tuple[tuple[Any, ...], dict[str, Any]]) -> None:
        _check_example(spec, inputs, atol, rtol)

    try:
        run()
    except _Broken as broken:
        raise GradcheckError(
            f"check_op({spec.name}): property '{broken.prop}' failed on the shrunk "
            f"counter-example\n{broken.example}\n{broken.detail}",
            property=broken.prop,
            counterexample=broken.example,
        ) from None
    return True
