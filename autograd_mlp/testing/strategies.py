"""Hypothesis strategies for testing autograd_mlp ops — ours and yours.

Everything is kept small by default (1 to 4 elements per side, at most 4
dimensions) so a property test runs in milliseconds, and values are kept where
derivatives exist: inside an op's domain, away from its kinks, and distinct
where ties would make it non-differentiable.

Examples
--------
>>> from hypothesis import given
>>> from autograd_mlp.testing.strategies import tensors
>>> @given(tensors(domain="positive"))
... def test_log_exp(x):
...     assert abs(x.log().exp().numpy() - x.numpy()).max() < 1e-9
>>> test_log_exp()
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import hypothesis.strategies as st
import numpy as np
from hypothesis.extra import numpy as hnp

from ..op import OpSpec
from ..tensor import Tensor

MIN_SIDE = 1
MAX_SIDE = 4
MAX_DIMS = 4
#: Drawn values lie in [-BOUND, BOUND] ("real"), [POSITIVE_MIN, BOUND] ("positive").
BOUND = 3.0
POSITIVE_MIN = 0.1
#: Values stay at least this far from a kink (and "nonzero" values from 0): four
#: orders of magnitude above gradcheck's step, so a difference never straddles it.
KINK_MARGIN = 1e-2
NONZERO_MARGIN = 0.1
#: Distinct values (``distinct=True``) are at least this far apart.
DISTINCT_SPACING = 1e-2

DOMAINS = ("real", "positive", "nonzero")


class NoStrategyError(LookupError):
    """An op's signature has no input strategy (see :func:`register_signature`).

    Examples
    --------
    >>> import dataclasses
    >>> from autograd_mlp.op import REGISTRY
    >>> from autograd_mlp.testing.strategies import NoStrategyError, op_inputs
    >>> odd = dataclasses.replace(REGISTRY["mul"], signature="no-such-signature")
    >>> try:
    ...     op_inputs(odd)
    ... except NoStrategyError as e:
    ...     print(isinstance(e, LookupError), "register_signature" in str(e))
    True True
    """


# --------------------------------------------------------------------------- shapes
def shapes(
    min_dims: int = 0,
    max_dims: int = MAX_DIMS,
    min_side: int = MIN_SIDE,
    max_side: int = MAX_SIDE,
) -> st.SearchStrategy[tuple[int, ...]]:
    """Array shapes, 0-d included by default.

    Examples
    --------
    >>> from autograd_mlp.testing.strategies import shapes
    >>> shapes(min_dims=2, max_dims=2).example().__len__()
    2
    """
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def _derived_shape(draw: Any, target: tuple[int, ...]) -> tuple[int, ...]:
    """A shape that broadcasts to ``target``: leading dims dropped, some sides set to 1."""
    drop = draw(st.integers(0, len(target)))
    kept = target[drop:]
    ones = draw(st.lists(st.booleans(), min_size=len(kept), max_size=len(kept)))
    return tuple(1 if one else n for one, n in zip(ones, kept))


@st.composite
def broadcastable_shapes(
    draw: Any,
    num_shapes: int = 2,
    min_dims: int = 0,
    max_dims: int = MAX_DIMS,
    min_side: int = MIN_SIDE,
    max_side: int = MAX_SIDE,
) -> tuple[tuple[int, ...], ...]:
    """Tuples of ``num_shapes`` shapes that broadcast together.

    Each shape is derived independently from a common result shape by dropping
    leading dimensions and setting sides to 1, so either operand may be the
    smaller one, both may broadcast at once, and 0-d shapes occur.

    Examples
    --------
    >>> import numpy as np
    >>> from autograd_mlp.testing.strategies import broadcastable_shapes
    >>> a, b = broadcastable_shapes().example()
    >>> isinstance(np.broadcast_shapes(a, b), tuple)
    True
    """
    target = draw(shapes(min_dims, max_dims, min_side, max_side))
    return tuple(_derived_shape(draw, target) for _ in range(num_shapes))


@st.composite
def matmul_shapes(
    draw: Any, max_side: int = MAX_SIDE, max_batch_dims: int = 2
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Pairs of shapes valid for ``a @ b``: 1-D·1-D, vector·matrix, matrix·vector,
    matrix·matrix and batched products whose batch dimensions broadcast.

    Examples
    --------
    >>> import numpy as np
    >>> from autograd_mlp.testing.strategies import matmul_shapes
    >>> a, b = matmul_shapes().example()
    >>> np.matmul(np.ones(a), np.ones(b)).ndim >= 0
    True
    """
    side = st.integers(1, max_side)
    n, k, m = draw(side), draw(side), draw(side)
    batch = shapes(0, max_batch_dims, 1, max_side)
    kind = draw(st.sampled_from(["dot", "vec@mat", "mat@vec", "mat@mat", "batched"]))
    if kind == "dot":
        return (k,), (k,)
    if kind == "vec@mat":
        return (k,), draw(batch) + (k, m)
    if kind == "mat@vec":
        return draw(batch) + (n, k), (k,)
    if kind == "mat@mat":
        return (n, k), (k, m)
    batch_a, batch_b = draw(broadcastable_shapes(2, 1, max_batch_dims, 1, max_side))
    return batch_a + (n, k), batch_b + (k, m)


@st.composite
def valid_axes(
    draw: Any, ndim: int, allow_none: bool = True, allow_tuple: bool = True
) -> int | tuple[int, ...] | None:
    """An ``axis`` argument valid for an array of ``ndim`` dimensions: ``None``, an
    int (negative ones too) or a tuple of distinct axes (possibly empty, mixed signs).

    Examples
    --------
    >>> from autograd_mlp.testing.strategies import valid_axes
    >>> valid_axes(0, allow_tuple=False).example() is None
    True
    """
    options: list[st.SearchStrategy[Any]] = []
    if allow_none:
        options.append(st.none())
    if ndim > 0:
        options.append(st.integers(-ndim, ndim - 1))
    if allow_tuple:
        options.append(st.just("tuple"))
    if not options:
        raise ValueError("valid_axes: no kind of axis allowed")
    choice = draw(st.one_of(options))
    if choice != "tuple":
        return choice
    axes = draw(st.lists(st.integers(0, max(ndim - 1, 0)), unique=True, max_size=ndim))
    return tuple(a - ndim if draw(st.booleans()) else a for a in axes)


def _basic_part(size: int) -> st.SearchStrategy[Any]:
    return st.one_of(st.integers(-size, size - 1), st.slices(size))


@st.composite
def index_expressions(draw: Any, shape: tuple[int, ...], allow_advanced: bool = True) -> Any:
    """Indices valid for an array of ``shape``.

    Basic: ints (negative too), slices with steps (negative too), ``None``
    (newaxis) and ``Ellipsis``. Advanced: integer arrays along one axis, or a pair
    of them along two axes, with repeated entries so that gradients must
    accumulate.

    Examples
    --------
    >>> import numpy as np
    >>> from autograd_mlp.testing.strategies import index_expressions
    >>> np.zeros((3, 4))[index_expressions((3, 4)).example()].dtype  # a valid index
    dtype('float64')
    """
    ndim = len(shape)
    if allow_advanced and ndim > 0 and draw(st.booleans()):
        axis = draw(st.integers(0, ndim - 1))
        size = shape[axis]
        picks = draw(st.lists(st.integers(-size, size - 1), min_size=1, max_size=5))
        if draw(st.booleans()):
            picks.append(picks[0])  # a repeat: its gradient must add up
        parts: list[Any] = [slice(None)] * axis + [np.array(picks)]
        if axis + 1 < ndim and draw(st.booleans()):
            # x[rows, cols]: a second array broadcast with the first
            other = shape[axis + 1]
            parts.append(
                np.array(draw(st.lists(st.integers(-other, other - 1), min_size=1, max_size=1)))
            )
        return tuple(parts)
    front = draw(st.integers(0, ndim))
    parts = [draw(_basic_part(shape[d])) for d in range(front)]
    if draw(st.booleans()):
        back = draw(st.integers(front, ndim))
        parts += [Ellipsis] + [draw(_basic_part(shape[d])) for d in range(back, ndim)]
    for _ in range(draw(st.integers(0, 2))):
        parts.insert(draw(st.integers(0, len(parts))), None)
    if len(parts) == 1 and draw(st.booleans()):
        return parts[0]  # x[i] as well as x[(i,)]
    return tuple(parts)


# --------------------------------------------------------------------------- values
def _bounds(domain: str) -> tuple[float, float]:
    return (POSITIVE_MIN, BOUND) if domain == "positive" else (-BOUND, BOUND)


def _margins(domain: str, avoid: Sequence[float]) -> list[tuple[float, float]]:
    points = [(float(k), KINK_MARGIN) for k in avoid]
    if domain == "nonzero":
        points.append((0.0, NONZERO_MARGIN))
    return points


def _push_away(values: np.ndarray, points: list[tuple[float, float]]) -> np.ndarray:
    """Move values within a margin of a kink to the margin's edge (the side they
    were on; exactly-at-kink values go up). Kinks must be > 2 margins apart."""
    values = np.array(values, dtype=np.float64)
    for k, margin in points:
        close = np.abs(values - k) < margin
        values[close] = k + np.where(values[close] >= k, margin, -margin)
    return values


@st.composite
def _distinct_values(
    draw: Any, shape: tuple[int, ...], domain: str, points: list[tuple[float, float]]
) -> np.ndarray:
    """Values on a grid of step DISTINCT_SPACING, each grid point used at most once."""
    lo, hi = _bounds(domain)
    n = int(np.prod(shape))
    grid = np.arange(lo, hi + DISTINCT_SPACING / 2, DISTINCT_SPACING)
    while True:
        for k, margin in points:
            grid = grid[np.abs(grid - k) >= margin]
        if len(grid) >= n:
            break
        # More values than the domain holds at this spacing: extend it upwards
        # rather than crowd them (an op's domain is never bounded above here).
        grid = np.arange(lo, lo + 2 * (grid[-1] - lo) + DISTINCT_SPACING, DISTINCT_SPACING)
    # Strictly increasing grid positions (gaps >= 0 between consecutive picks),
    # then shuffled, so the largest value can sit anywhere.
    gaps = draw(st.lists(st.integers(0, (len(grid) - n) // max(n, 1)), min_size=n, max_size=n))
    picks = np.cumsum(np.array(gaps, dtype=np.int64)) + np.arange(n)
    order = draw(st.permutations(range(n)))
    return grid[picks[np.array(order, dtype=np.int64)]].reshape(shape)


@st.composite
def tensors(
    draw: Any,
    shape: tuple[int, ...] | st.SearchStrategy[tuple[int, ...]] | None = None,
    dtype: Any = np.float64,
    elements: st.SearchStrategy[float] | None = None,
    min_dims: int = 0,
    max_dims: int = MAX_DIMS,
    min_side: int = MIN_SIDE,
    max_side: int = MAX_SIDE,
    requires_grad: bool = True,
    domain: str = "real",
    avoid: Sequence[float] = (),
    distinct: bool = False,
) -> Tensor:
    """Tensors whose values keep derivatives well defined.

    Parameters
    ----------
    shape : tuple, strategy or None
        A fixed shape, a strategy of shapes, or ``None`` for any shape within
        ``min_dims..max_dims`` and ``min_side..max_side``.
    dtype : numpy dtype
        float64 by default (for gradient checks); float32 or an integer dtype too.
    elements : strategy of floats, optional
        Replaces the default values (``domain``, ``avoid`` and ``distinct`` still apply).
    requires_grad : bool
        Set on the drawn tensor (must be False for integer dtypes).
    domain : {"real", "positive", "nonzero"}
        "real" draws from [-3, 3], "positive" from [0.1, 3], "nonzero" keeps
        |x| >= 0.1.
    avoid : sequence of float
        Kinks: values stay at least :data:`KINK_MARGIN` away from each.
    distinct : bool
        All values differ by at least :data:`DISTINCT_SPACING` (for max/min).

    Examples
    --------
    >>> from autograd_mlp.testing.strategies import tensors
    >>> x = tensors(shape=(3,), avoid=(0.0,)).example()
    >>> x.shape, bool((abs(x.numpy()) >= 0.01).all()), x.requires_grad
    ((3,), True, True)
    """
    dtype = np.dtype(dtype)
    if domain not in DOMAINS:
        raise ValueError(f"tensors: domain must be one of {DOMAINS}, got {domain!r}")
    if requires_grad and dtype.kind != "f":
        raise ValueError(f"tensors: requires_grad=True needs a float dtype, got {dtype}")
    if shape is None:
        shape = shapes(min_dims, max_dims, min_side, max_side)
    drawn: Any = draw(shape) if isinstance(shape, st.SearchStrategy) else shape
    shape = tuple(int(n) for n in drawn)
    if dtype.kind in "iu":
        ilo, ihi = (1, 3) if domain == "positive" else (-3, 3)
        ints = st.integers(ilo, ihi).filter(lambda v: domain != "nonzero" or v != 0)
        data = draw(hnp.arrays(dtype, shape, elements=ints, unique=distinct))
        return Tensor(data, dtype=dtype)
    points = _margins(domain, avoid)
    if elements is not None:
        values = draw(hnp.arrays(np.float64, shape, elements=elements, unique=distinct))
    elif distinct:
        values = draw(_distinct_values(shape, domain, points))
    else:
        lo, hi = _bounds(domain)
        floats = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
        values = draw(hnp.arrays(np.float64, shape, elements=floats))
    values = _push_away(values, points)
    return Tensor(values.astype(dtype), requires_grad=requires_grad, dtype=dtype)


# --------------------------------------------------------------------------- per-op inputs
Builder = Callable[[OpSpec, np.dtype], st.SearchStrategy[tuple[tuple[Any, ...], dict[str, Any]]]]
_BUILDERS: dict[str, Builder] = {}


def register_signature(signature: str) -> Callable[[Builder], Builder]:
    """Decorator adding an input strategy for ops of a new ``signature``.

    The builder gets the op's :class:`~autograd_mlp.op.OpSpec` and the float dtype
    to draw, and returns a strategy of ``(args, attrs)``.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import strategies as st
    >>> from autograd_mlp.testing.strategies import register_signature, tensors
    >>> @register_signature("pair_same_shape")
    ... def _pair(spec, dtype):
    ...     return st.tuples(tensors(shape=(2,), dtype=dtype), tensors(shape=(2,), dtype=dtype)
    ...                      ).map(lambda xy: (xy, {}))
    """

    def decorate(builder: Builder) -> Builder:
        _BUILDERS[signature] = builder
        return builder

    return decorate


def known_signatures() -> list[str]:
    """The signatures :func:`op_inputs` can draw inputs for, sorted.

    Examples
    --------
    >>> from autograd_mlp.testing.strategies import known_signatures
    >>> {"unary", "binary", "reduce"} <= set(known_signatures())
    True
    """
    return sorted(_BUILDERS)


def has_strategy(spec: OpSpec) -> bool:
    """Whether :func:`op_inputs` can draw inputs for ``spec``.

    Examples
    --------
    >>> import dataclasses
    >>> from autograd_mlp.op import REGISTRY
    >>> from autograd_mlp.testing.strategies import has_strategy
    >>> has_strategy(REGISTRY["mul"])
    True
    >>> has_strategy(dataclasses.replace(REGISTRY["mul"], signature="no-such-signature"))
    False
    """
    return spec.signature in _BUILDERS


def op_inputs(
    spec: OpSpec | type, dtype: Any = np.float64
) -> st.SearchStrategy[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Inputs ``(args, attrs)`` for the registered op ``spec``: call it as
    ``apply(spec.cls, args, attrs)`` or ``spec.reference(*arrays, **attrs)``.

    Reads ``spec.signature`` for the kind of inputs, and ``spec.domain``,
    ``spec.kinks`` and ``spec.ties`` to keep values where the op is
    differentiable. Tensors are ``dtype`` (float64 by default) and require grad.

    Raises
    ------
    NoStrategyError
        For a signature without a strategy, so a new kind of op cannot slip
        into the registry untested.

    Examples
    --------
    >>> from autograd_mlp.op import REGISTRY
    >>> from autograd_mlp.testing.strategies import op_inputs
    >>> args, attrs = op_inputs(REGISTRY["sum"]).example()
    >>> sorted(attrs)
    ['axis', 'keepdims']
    >>> from autograd_mlp.ops import Log
    >>> (x,), _ = op_inputs(Log).example()     # an op class works too
    >>> bool((x.numpy() > 0).all())             # log's domain: positive values only
    True
    """
    if not isinstance(spec, OpSpec):
        from .check import op_spec  # late: check builds on this module

        spec = op_spec(spec)
    builder = _BUILDERS.get(spec.signature)
    if builder is None:
        raise NoStrategyError(
            f"op_inputs: op {spec.name!r} has signature {spec.signature!r}, which has no input "
            f"strategy; known signatures: {sorted(_BUILDERS)}. Add one with "
            "autograd_mlp.testing.strategies.register_signature."
        )
    return builder(spec, np.dtype(dtype))


def _values_for(spec: OpSpec, dtype: np.dtype, **kwargs: Any) -> st.SearchStrategy[Tensor]:
    """Tensors respecting the op's domain, kinks and ties."""
    return tensors(dtype=dtype, domain=spec.domain, avoid=spec.kinks, distinct=spec.ties, **kwargs)


@register_signature("unary")
def _unary(spec: OpSpec, dtype: np.dtype) -> st.SearchStrategy:
    return _values_for(spec, dtype).map(lambda x: ((x,), {}))


@register_signature("binary")
@st.composite
def _binary(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    a, b = draw(broadcastable_shapes())
    return (draw(_values_for(spec, dtype, shape=a)), draw(_values_for(spec, dtype, shape=b))), {}


@register_signature("matmul")
@st.composite
def _matmul(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    a, b = draw(matmul_shapes())
    return (draw(_values_for(spec, dtype, shape=a)), draw(_values_for(spec, dtype, shape=b))), {}


@register_signature("reduce")
@st.composite
def _reduce(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    x = draw(_values_for(spec, dtype))
    return (x,), {"axis": draw(valid_axes(x.ndim)), "keepdims": draw(st.booleans())}


@register_signature("softmax")
@st.composite
def _softmax(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    x = draw(_values_for(spec, dtype, min_dims=1))
    return (x,), {"axis": draw(st.integers(-x.ndim, x.ndim - 1))}


def _prime_factors(n: int) -> list[int]:
    factors, p = [], 2
    while n > 1:
        while n % p == 0:
            factors.append(p)
            n //= p
        p += 1
    return factors


@register_signature("reshape")
@st.composite
def _reshape(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    x = draw(_values_for(spec, dtype))
    factors = _prime_factors(x.size)
    ndim = draw(st.integers(1 if factors else 0, MAX_DIMS))
    new = [1] * ndim
    for f in factors:
        new[draw(st.integers(0, ndim - 1))] *= f
    if ndim and draw(st.booleans()):
        new[draw(st.integers(0, ndim - 1))] = -1
    return (x,), {"shape": tuple(new)}


@register_signature("transpose")
@st.composite
def _transpose(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    x = draw(_values_for(spec, dtype))
    if draw(st.booleans()):
        return (x,), {"axes": None}
    perm = draw(st.permutations(list(range(x.ndim))))
    return (x,), {"axes": tuple(a - x.ndim if draw(st.booleans()) else a for a in perm)}


@register_signature("getitem")
@st.composite
def _getitem(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    x = draw(_values_for(spec, dtype))
    return (x,), {"index": draw(index_expressions(x.shape))}


@register_signature("broadcast_to")
@st.composite
def _broadcast_to(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    target = draw(shapes())
    x = draw(_values_for(spec, dtype, shape=_derived_shape(draw, target)))
    return (x,), {"shape": target}


@register_signature("concatenate")
@st.composite
def _concatenate(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    base = draw(shapes(min_dims=1))
    axis = draw(st.integers(-len(base), len(base) - 1))
    xs = []
    for _ in range(draw(st.integers(1, 3))):
        shape = list(base)
        shape[axis] = draw(st.integers(1, MAX_SIDE))
        xs.append(draw(_values_for(spec, dtype, shape=tuple(shape))))
    return tuple(xs), {"axis": axis}


@register_signature("stack")
@st.composite
def _stack(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    base = draw(shapes(max_dims=MAX_DIMS - 1))
    axis = draw(st.integers(-len(base) - 1, len(base)))
    xs = tuple(draw(_values_for(spec, dtype, shape=base)) for _ in range(draw(st.integers(1, 3))))
    return xs, {"axis": axis}


@register_signature("clip")
@st.composite
def _clip(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    # Bounds on a coarse grid, far apart, so both kinks can be avoided at once.
    lo_tenths = draw(st.integers(-20, 10))
    lo, hi = lo_tenths / 10, (lo_tenths + draw(st.integers(1, 20))) / 10
    lo, hi = draw(st.sampled_from([(lo, hi), (lo, None), (None, hi)]))
    kinks = tuple(b for b in (lo, hi) if b is not None) + tuple(spec.kinks)
    x = draw(tensors(dtype=dtype, domain=spec.domain, avoid=kinks, distinct=spec.ties))
    return (x,), {"lo": lo, "hi": hi}


@register_signature("astype")
@st.composite
def _astype(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    x = draw(_values_for(spec, dtype))
    return (x,), {"dtype": draw(st.sampled_from([np.dtype(np.float32), np.dtype(np.float64)]))}


@register_signature("linear")
@st.composite
def _linear(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    n_in, n_out = draw(st.integers(1, MAX_SIDE)), draw(st.integers(1, MAX_SIDE))
    batch = draw(shapes(0, 2))
    args = [
        draw(_values_for(spec, dtype, shape=batch + (n_in,))),
        draw(_values_for(spec, dtype, shape=(n_out, n_in))),
    ]
    if draw(st.booleans()):
        args.append(draw(_values_for(spec, dtype, shape=(n_out,))))
    return tuple(args), {}


@register_signature("scatter_add")
@st.composite
def _scatter_add(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    shape = draw(shapes())
    index = draw(index_expressions(shape))
    g = draw(_values_for(spec, dtype, shape=np.empty(shape)[index].shape))
    return (g,), {"index": index, "shape": shape}


@register_signature("cross_entropy")
@st.composite
def _cross_entropy(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    n, c = draw(st.integers(1, MAX_SIDE)), draw(st.integers(1, MAX_SIDE))
    x = draw(_values_for(spec, dtype, shape=(n, c)))
    target = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    reduction = draw(st.sampled_from(["mean", "sum", "none"]))
    return (x,), {"target": target, "reduction": reduction}


# --------------------------------------------------------------------------- models
@st.composite
def modules(
    draw: Any,
    min_layers: int = 1,
    max_layers: int = 3,
    max_width: int = MAX_SIDE,
    activations: Sequence[str] = ("tanh", "sigmoid"),
    max_batch: int = 3,
    dtype: Any = np.float64,
    requires_grad: bool = True,
) -> tuple[Any, Tensor]:
    """Small random MLPs with an input batch: ``(net, x)``, ready for
    ``gradcheck(net, [x])``.

    ``net`` is an :class:`~autograd_mlp.nn.MLP` of ``min_layers..max_layers``
    Linear layers of width ``1..max_width``, with one of ``activations``
    between them (smooth ones by default, so gradients are checkable
    everywhere; ``"relu"`` may be asked for). Its weights and biases are drawn
    by hypothesis in [-1, 1] (so they shrink with a failing example) as
    ``dtype`` Parameters; ``x`` has shape ``(batch, in_features)`` with
    ``batch`` in ``1..max_batch``, values in [-3, 3].

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from autograd_mlp.testing import gradcheck
    >>> from autograd_mlp.testing.strategies import modules
    >>> @settings(max_examples=5, deadline=None)
    ... @given(modules(max_layers=2))
    ... def test_mlp_gradients(net_and_input):
    ...     net, x = net_and_input
    ...     assert gradcheck(net, [x])
    >>> test_mlp_gradients()
    """
    from ..nn import MLP, Linear, Parameter  # late: strategies need not load nn

    if not 1 <= min_layers <= max_layers:
        raise ValueError(
            f"modules: need 1 <= min_layers <= max_layers, got {min_layers}, {max_layers}"
        )
    n_layers = draw(st.integers(min_layers, max_layers))
    sizes = [draw(st.integers(1, max_width)) for _ in range(n_layers + 1)]
    net = MLP(sizes, activation=draw(st.sampled_from(list(activations))))
    weights = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False)
    for layer in net.modules():
        if not isinstance(layer, Linear):
            continue
        for name, p in list(layer.named_parameters(recurse=False)):
            values = draw(hnp.arrays(np.float64, p.shape, elements=weights))
            setattr(layer, name, Parameter(values, dtype=dtype))
    batch = draw(st.integers(1, max_batch))
    x = draw(tensors(shape=(batch, sizes[0]), dtype=dtype, requires_grad=requires_grad))
    return net, x


__all__ = [
    "BOUND",
    "DISTINCT_SPACING",
    "KINK_MARGIN",
    "NoStrategyError",
    "broadcastable_shapes",
    "has_strategy",
    "index_expressions",
    "known_signatures",
    "matmul_shapes",
    "modules",
    "op_inputs",
    "register_signature",
    "shapes",
    "tensors",
    "valid_axes",
]
from . import loss_signatures as _loss_signatures  # noqa: E402,F401  (registers its signatures)
from . import op_signatures  # noqa: E402,F401  (registers the v2 signatures)
