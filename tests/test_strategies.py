"""The hypothesis strategies produce what they promise.

Properties are checked with ``@given`` (every draw satisfies them); coverage
("every direction of broadcasting occurs") with ``hypothesis.find``, which fails
when no draw in its budget has the property.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

import autograd_mlp as ag
from autograd_mlp.op import REGISTRY, OpSpec
from autograd_mlp.testing import strategies as S

FIND = settings(
    max_examples=2000,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def exists(strategy, condition) -> None:
    """Fail unless some draw of ``strategy`` satisfies ``condition``."""
    find(strategy, condition, settings=FIND)


def draw_one(strategy):
    return find(strategy, lambda _: True, settings=FIND)


# --------------------------------------------------------------------------- shapes
@given(S.broadcastable_shapes())
def test_broadcastable_shapes_broadcast(shapes) -> None:
    a, b = shapes
    out = np.broadcast_shapes(a, b)
    assert len(out) <= S.MAX_DIMS and all(1 <= n <= S.MAX_SIDE for n in a + b)


@pytest.mark.parametrize(
    "what, condition",
    [
        ("a has more dims", lambda p: len(p[0]) > len(p[1])),
        ("b has more dims", lambda p: len(p[1]) > len(p[0])),
        ("a is 0-d", lambda p: p[0] == () and p[1] != ()),
        (
            "size 1 in a against n > 1 in b",
            lambda p: any(x == 1 and y > 1 for x, y in zip(p[0][::-1], p[1][::-1])),
        ),
        (
            "size 1 in b against n > 1 in a",
            lambda p: any(y == 1 and x > 1 for x, y in zip(p[0][::-1], p[1][::-1])),
        ),
        ("both broadcast at once", lambda p: np.broadcast_shapes(*p) not in p),
    ],
)
def test_broadcastable_shapes_cover_every_direction(what, condition) -> None:
    exists(S.broadcastable_shapes(), condition)


@given(S.matmul_shapes())
def test_matmul_shapes_are_valid(shapes) -> None:
    a, b = shapes
    np.matmul(np.ones(a), np.ones(b))


@pytest.mark.parametrize(
    "condition",
    [
        lambda p: len(p[0]) == len(p[1]) == 1,
        lambda p: len(p[0]) == 1 and len(p[1]) >= 3,
        lambda p: len(p[0]) >= 3 and len(p[1]) == 1,
        lambda p: len(p[0]) == len(p[1]) == 2,
        lambda p: len(p[0]) > 2 and len(p[1]) > 2 and p[0][:-2] != p[1][:-2],
    ],
    ids=["dot", "vec@batched", "batched@vec", "mat@mat", "broadcast batch"],
)
def test_matmul_shapes_cover_each_kind(condition) -> None:
    exists(S.matmul_shapes(), condition)


@given(st.data(), S.shapes())
def test_valid_axes_are_valid(data, shape) -> None:
    axis = data.draw(S.valid_axes(len(shape)))
    np.sum(np.zeros(shape), axis=axis)  # numpy accepts it
    ag.tensor(np.zeros(shape)).sum(axis=axis)  # so do we


@pytest.mark.parametrize(
    "condition",
    [
        lambda a: a is None,
        lambda a: isinstance(a, int) and a < 0,
        lambda a: isinstance(a, tuple) and len(a) >= 2 and min(a) < 0 <= max(a),
    ],
    ids=["None", "negative int", "mixed tuple"],
)
def test_valid_axes_cover_each_kind(condition) -> None:
    exists(S.valid_axes(3), condition)


@given(st.data(), S.shapes())
def test_index_expressions_are_valid(data, shape) -> None:
    index = data.draw(S.index_expressions(shape))
    np.zeros(shape)[index]


def _parts(index):
    return index if isinstance(index, tuple) else (index,)


@pytest.mark.parametrize(
    "condition",
    [
        lambda i: any(
            isinstance(p, np.ndarray) and len(set(p.tolist())) < p.size for p in _parts(i)
        ),
        lambda i: any(isinstance(p, slice) and (p.step or 1) < 0 for p in _parts(i)),
        lambda i: any(isinstance(p, slice) and (p.step or 1) > 1 for p in _parts(i)),
        lambda i: any(p is None for p in _parts(i)),
        lambda i: any(p is Ellipsis for p in _parts(i)),
        lambda i: any(isinstance(p, int) and p < 0 for p in _parts(i)),
        lambda i: sum(isinstance(p, np.ndarray) for p in _parts(i)) == 2,
    ],
    ids=[
        "repeated array",
        "negative step",
        "step > 1",
        "newaxis",
        "Ellipsis",
        "negative int",
        "two arrays",
    ],
)
def test_index_expressions_cover_each_kind(condition) -> None:
    exists(S.index_expressions((4, 3, 2)), condition)


# --------------------------------------------------------------------------- tensors
@given(S.tensors(domain="positive"))
def test_positive_domain(x) -> None:
    assert (x.data >= S.POSITIVE_MIN).all()


@given(S.tensors(domain="nonzero"))
def test_nonzero_domain(x) -> None:
    assert (np.abs(x.data) >= S.NONZERO_MARGIN).all()


@given(S.tensors(avoid=(0.0, 1.0)))
def test_kinks_avoided(x) -> None:
    for k in (0.0, 1.0):
        assert (np.abs(x.data - k) >= S.KINK_MARGIN).all()


def test_kinks_avoided_even_when_drawn_exactly() -> None:
    # Values exactly at (and just beside) a kink are what the push-away handles.
    exists(S.tensors(shape=(3,)), lambda x: (x.data == 0).any())
    values = S._push_away(np.array([0.0, -0.0, 1e-9, -1e-9, 0.5]), [(0.0, S.KINK_MARGIN)])
    assert (np.abs(values) >= S.KINK_MARGIN).all()
    assert np.sign(values).tolist() == [1, 1, 1, -1, 1]


@given(S.tensors(distinct=True, max_dims=4))
def test_distinct_values_are_distinct(x) -> None:
    values = np.sort(x.data.reshape(-1))
    assert (np.diff(values) >= S.DISTINCT_SPACING * 0.999).all()


@given(S.tensors(distinct=True, domain="positive", avoid=(1.0,), shape=(4, 4, 4, 4)))
def test_distinct_with_domain_and_kinks(x) -> None:
    assert (x.data >= S.POSITIVE_MIN).all()
    assert (np.abs(x.data - 1.0) >= S.KINK_MARGIN * 0.999).all()
    assert len(np.unique(x.data)) == x.size


@given(S.tensors(shape=(2, 3), dtype=np.float32, requires_grad=False))
def test_fixed_shape_dtype_and_flags(x) -> None:
    assert x.shape == (2, 3) and x.dtype == np.float32 and not x.requires_grad


@given(S.tensors(shape=S.shapes(min_dims=2, max_dims=2)))
def test_shape_strategy(x) -> None:
    assert x.ndim == 2 and x.requires_grad and x.dtype == np.float64


@given(S.tensors(dtype=np.int64, requires_grad=False, domain="nonzero"))
def test_integer_tensors(x) -> None:
    assert x.dtype == np.int64 and (x.data != 0).all()


@given(S.tensors(elements=st.sampled_from([-0.001, 2.0]), avoid=(0.0,), shape=(5,)))
def test_custom_elements_still_avoid_kinks(x) -> None:
    assert set(x.data.tolist()) <= {-S.KINK_MARGIN, 2.0}


def test_tensors_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="domain must be one of"):
        draw_one(S.tensors(domain="complex"))
    with pytest.raises(ValueError, match="requires_grad=True needs a float dtype"):
        draw_one(S.tensors(dtype=np.int32))


def test_zero_d_tensors_occur() -> None:
    exists(S.tensors(), lambda x: x.ndim == 0)


# --------------------------------------------------------------------------- op inputs
@given(S.op_inputs(REGISTRY["relu"]))
def test_op_inputs_avoid_kinks(inputs) -> None:
    (x,), attrs = inputs
    assert attrs == {} and (np.abs(x.data) >= S.KINK_MARGIN).all()


@given(S.op_inputs(REGISTRY["log"]))
def test_op_inputs_respect_domain(inputs) -> None:
    (x,), _ = inputs
    assert (x.data > 0).all()


@given(S.op_inputs(REGISTRY["div"]))
def test_op_inputs_nonzero_divisor(inputs) -> None:
    (_, y), _ = inputs
    assert (np.abs(y.data) >= S.NONZERO_MARGIN).all()


@given(S.op_inputs(REGISTRY["max"]))
def test_op_inputs_distinct_when_ties_matter(inputs) -> None:
    (x,), attrs = inputs
    assert len(np.unique(x.data)) == x.size
    assert set(attrs) == {"axis", "keepdims"}


@given(S.op_inputs(REGISTRY["clip"]))
def test_op_inputs_clip_away_from_bounds(inputs) -> None:
    (x,), attrs = inputs
    lo, hi = attrs["lo"], attrs["hi"]
    assert lo is not None or hi is not None
    if lo is not None and hi is not None:
        assert lo < hi
    for bound in (lo, hi):
        if bound is not None:
            assert (np.abs(x.data - bound) >= S.KINK_MARGIN * 0.999).all()


@given(S.op_inputs(REGISTRY["softmax_cross_entropy"]))
def test_op_inputs_cross_entropy(inputs) -> None:
    (x,), attrs = inputs
    n, c = x.shape
    t = attrs["target"]
    assert t.shape == (n,) and t.dtype.kind == "i" and ((0 <= t) & (t < c)).all()
    assert attrs["reduction"] in ("mean", "sum", "none")


@pytest.mark.parametrize(
    "name, condition",
    [
        ("sum", lambda i: i[1]["keepdims"] is True and i[1]["axis"] is not None),
        ("transpose", lambda i: i[1]["axes"] is None and i[0][0].ndim >= 2),
        ("transpose", lambda i: i[1]["axes"] is not None and i[0][0].ndim >= 3),
        (
            "getitem",
            lambda i: any(
                isinstance(p, np.ndarray) and len(set(p.tolist())) < p.size
                for p in _parts(i[1]["index"])
            ),
        ),
        ("reshape", lambda i: -1 in i[1]["shape"]),
        ("linear", lambda i: len(i[0]) == 3 and i[0][0].ndim >= 2),
        ("concatenate", lambda i: len(i[0]) >= 2 and i[1]["axis"] < 0),
        ("stack", lambda i: len(i[0]) >= 2),
        ("broadcast_to", lambda i: i[0][0].shape != i[1]["shape"]),
    ],
)
def test_op_inputs_cover_what_matters(name, condition) -> None:
    exists(S.op_inputs(REGISTRY[name]), condition)


def test_op_inputs_unknown_signature() -> None:
    spec = OpSpec("mystery", REGISTRY["exp"].cls, "mystery_signature", None)
    assert not S.has_strategy(spec)
    with pytest.raises(S.NoStrategyError, match="mystery_signature"):
        S.op_inputs(spec)


def test_register_signature_for_new_kind_of_op() -> None:
    spec = OpSpec("pairwise", REGISTRY["add"].cls, "same_shape_pair", np.add)

    @S.register_signature("same_shape_pair")
    def _pair(spec, dtype):
        return (
            S.shapes()
            .flatmap(
                lambda s: st.tuples(
                    S.tensors(shape=s, dtype=dtype), S.tensors(shape=s, dtype=dtype)
                )
            )
            .map(lambda xy: (xy, {}))
        )

    try:
        assert S.has_strategy(spec)
        (x, y), attrs = draw_one(S.op_inputs(spec))
        assert x.shape == y.shape and attrs == {}
    finally:
        del S._BUILDERS["same_shape_pair"]
    assert not S.has_strategy(spec)


# --------------------------------------------------------------------------- models, op classes
@settings(max_examples=10, deadline=None)
@given(S.modules(max_layers=3, max_width=3))
def test_modules_are_small_checkable_mlps(net_and_input) -> None:
    from autograd_mlp.testing import gradcheck

    net, x = net_and_input
    linears = [m for m in net.modules() if isinstance(m, ag.nn.Linear)]
    assert 1 <= len(linears) <= 3
    assert x.ndim == 2 and 1 <= x.shape[0] <= 3 and x.shape[1] == linears[0].weight.shape[1]
    assert all(p.dtype == np.float64 and (abs(p.numpy()) <= 1).all() for p in net.parameters())
    assert x.requires_grad and x.dtype == np.float64
    assert gradcheck(net, [x])


@pytest.mark.parametrize(
    "condition",
    [
        lambda nx: len(nx[0].layers) == 5,  # three Linear layers
        lambda nx: isinstance(nx[0].layers[-1], ag.nn.Linear) and len(nx[0].layers) == 1,
        lambda nx: any(isinstance(m, ag.nn.Sigmoid) for m in nx[0].modules()),
        lambda nx: nx[1].shape[0] == 3,
    ],
    ids=["deep", "single_layer", "sigmoid", "batch_3"],
)
def test_modules_cover_each_kind(condition) -> None:
    # found, not shrunk: building an MLP per shrink step would cost seconds
    find(S.modules(), condition, settings=settings(FIND, max_examples=300, phases=[Phase.generate]))


def test_modules_options() -> None:
    net, x = S.modules(min_layers=2, max_layers=2, activations=("relu",),
                       dtype=np.float32, requires_grad=False).example()  # fmt: skip
    assert isinstance(net.layers[1], ag.nn.ReLU) and len(net.layers) == 3
    assert x.dtype == np.float32 and not x.requires_grad
    assert all(p.dtype == np.float32 for p in net.parameters())
    with pytest.raises(ValueError, match="min_layers <= max_layers"):
        S.modules(min_layers=3, max_layers=2).example()


def test_op_inputs_accepts_an_op_class() -> None:
    (x,), attrs = S.op_inputs(ag.ops.Log).example()  # registered: read from the registry
    assert attrs == {} and (x.numpy() > 0).all()

    class Described(ag.Op):
        name = "described"
        signature = "reduce"
        domain = "positive"

    (y,), attrs = S.op_inputs(Described).example()  # not registered: its class attributes
    assert set(attrs) == {"axis", "keepdims"} and (y.numpy() > 0).all()
    assert "reduce" in S.known_signatures() and S.known_signatures() == sorted(S._BUILDERS)
