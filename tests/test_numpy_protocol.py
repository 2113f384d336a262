"""numpy functions and ufuncs on Tensors go through the package's ops: they
return Tensors, record the graph and are differentiable; anything without an op
is a TypeError naming the numpy function, never a silent ndarray."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mlp as ag
from autograd_mlp.errors import OpError
from autograd_mlp.numpy_api import FUNCTIONS, UFUNCS

X = np.array([[0.5, 1.5, 2.0], [1.0, 0.25, 3.0]])
Y = np.array([[2.0, 0.5, 1.0], [1.5, 2.5, 0.75]])


def leaf(a=X):
    return ag.tensor(a, requires_grad=True, dtype=np.float64)


# (numpy call, the same through the package). Both get a fresh leaf.
CALLS = [
    ("exp", lambda x: np.exp(x), lambda x: x.exp()),
    ("log", lambda x: np.log(x), lambda x: x.log()),
    ("sqrt", lambda x: np.sqrt(x), lambda x: x.sqrt()),
    ("abs", lambda x: np.abs(x - 1), lambda x: (x - 1).abs()),
    ("tanh", lambda x: np.tanh(x), lambda x: x.tanh()),
    ("sin", lambda x: np.sin(x), lambda x: x.sin()),
    ("cos", lambda x: np.cos(x), lambda x: x.cos()),
    ("negative", lambda x: np.negative(x), lambda x: -x),
    ("add", lambda x: np.add(x, Y), lambda x: x + Y),
    ("add_reflected", lambda x: np.add(Y, x), lambda x: Y + x),
    ("subtract", lambda x: np.subtract(Y, x), lambda x: Y - x),
    ("multiply", lambda x: np.multiply(x, x), lambda x: x * x),
    ("divide", lambda x: np.divide(1.0, x), lambda x: 1.0 / x),
    ("power", lambda x: np.power(x, 3), lambda x: x**3),
    ("matmul", lambda x: np.matmul(x, Y.T), lambda x: x @ Y.T),
    ("maximum", lambda x: np.maximum(x, Y), lambda x: ag.maximum(x, Y)),
    ("minimum", lambda x: np.minimum(x, 1.0), lambda x: ag.minimum(x, 1.0)),
    ("where", lambda x: np.where(X > 1, x, -x), lambda x: ag.where(X > 1, x, -x)),
    ("sum", lambda x: np.sum(x, axis=0), lambda x: x.sum(axis=0)),
    ("sum_keepdims", lambda x: np.sum(x, 1, keepdims=True), lambda x: x.sum(1, keepdims=True)),
    ("mean", lambda x: np.mean(x), lambda x: x.mean()),
    ("max", lambda x: np.max(x, axis=1), lambda x: x.max(axis=1)),
    ("min", lambda x: np.min(x), lambda x: x.min()),
    ("prod", lambda x: np.prod(x, axis=0), lambda x: x.prod(axis=0)),
    ("concatenate", lambda x: np.concatenate([x, Y]), lambda x: ag.concatenate([x, Y])),
    ("concatenate_axis", lambda x: np.concatenate((x, x), axis=1), lambda x: ag.cat([x, x], 1)),
    ("stack", lambda x: np.stack([x, x * 2], axis=-1), lambda x: ag.stack([x, x * 2], axis=-1)),
    ("reshape", lambda x: np.reshape(x, (3, 2)), lambda x: x.reshape(3, 2)),
    ("transpose", lambda x: np.transpose(x), lambda x: x.T),
    ("clip", lambda x: np.clip(x, 0.6, 2.5), lambda x: x.clip(0.6, 2.5)),
    ("var", lambda x: np.var(x, axis=1), lambda x: x.var(axis=1, correction=0)),
    ("std_ddof", lambda x: np.std(x, ddof=1), lambda x: x.std()),
    ("cumsum", lambda x: np.cumsum(x, axis=1), lambda x: x.cumsum(1)),
    ("einsum", lambda x: np.einsum("ij,ij->i", x, Y), lambda x: ag.einsum("ij,ij->i", x, Y)),
    ("dot", lambda x: np.dot(x, Y.T), lambda x: x @ Y.T),
    ("squeeze", lambda x: np.squeeze(x[None]), lambda x: x),
    ("expand_dims", lambda x: np.expand_dims(x, 1), lambda x: x.unsqueeze(1)),
    ("flip", lambda x: np.flip(x, 1), lambda x: x.flip(1)),
    ("pad", lambda x: np.pad(x, 1), lambda x: ag.pad(x, 1)),
    ("tril", lambda x: np.tril(x), lambda x: ag.tril(x)),
    ("linalg_norm", lambda x: np.linalg.norm(x), lambda x: x.norm()),
    ("ravel", lambda x: np.ravel(x), lambda x: x.flatten()),
]


@pytest.mark.parametrize("name, numpy_call, ours", CALLS, ids=[c[0] for c in CALLS])
def test_numpy_calls_return_tensors_with_the_ops_gradient(name, numpy_call, ours) -> None:
    a, b = leaf(), leaf()
    out = numpy_call(a)
    expected = ours(b)
    assert isinstance(out, ag.Tensor), f"np.{name} returned {type(out).__name__}"
    assert out.requires_grad and out.grad_fn is not None
    np.testing.assert_allclose(out.data, expected.data, rtol=1e-12)
    w = np.linspace(-1.0, 1.0, out.size).reshape(out.shape)
    (out * w).sum().backward()
    (expected * w).sum().backward()
    np.testing.assert_allclose(a.grad.data, b.grad.data, rtol=1e-12, atol=1e-15)


def test_the_api_list_is_covered() -> None:
    for name in [
        "exp",
        "log",
        "sqrt",
        "absolute",
        "tanh",
        "sin",
        "cos",
        "negative",
        "add",
        "subtract",
        "multiply",
        "divide",
        "power",
        "matmul",
        "maximum",
        "minimum",
    ]:
        assert getattr(np, name) in UFUNCS, name
    for name in [
        "where",
        "sum",
        "mean",
        "max",
        "min",
        "prod",
        "concatenate",
        "stack",
        "reshape",
        "transpose",
        "clip",
    ]:
        assert getattr(np, name) in FUNCTIONS, name


def test_ndarray_operator_tensor_returns_a_tensor_with_a_graph() -> None:
    x = leaf()
    for out in [Y + x, Y - x, Y * x, Y / x, Y**x, Y @ x.T, np.float64(2.0) * x]:
        assert isinstance(out, ag.Tensor) and out.grad_fn is not None
    (Y * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, Y)


def test_comparisons_and_predicates_give_bool_tensors_without_grad() -> None:
    x = leaf()
    for out in [Y < x, np.greater(x, 1.0), np.isfinite(x), np.isnan(x), np.equal(x, Y)]:
        assert isinstance(out, ag.Tensor) and out.dtype == bool and not out.requires_grad
    np.testing.assert_array_equal((Y < x).data, Y < X)


def test_value_questions_are_answered_as_numpy() -> None:
    x = leaf()
    assert np.shape(x) == (2, 3) and np.ndim(x) == 2 and np.size(x) == 6
    assert np.allclose(x, X) and np.array_equal(x, X)
    assert np.asarray(x) is x.data
    assert np.argmax(x).item() == 5 and np.argmax(x, axis=0).tolist() == [1, 0, 1]


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda x: np.sort(x), "numpy.sort"),
        (lambda x: np.median(x), "numpy.median"),
        (lambda x: np.arctan2(x, x), "numpy.arctan2"),
        (lambda x: np.add.reduce(x), r"numpy.add.reduce"),
        (lambda x: np.add.at(x, [0], 1.0), r"numpy.add.at"),
        (lambda x: np.exp(x, out=np.empty((2, 3))), r"numpy.exp .*out="),
        (lambda x: np.sum(x, out=np.empty(3), axis=0), r"numpy.sum .*out="),
        (lambda x: np.exp(x, dtype=np.float32), r"numpy.exp .*with dtype="),
        (lambda x: np.where(x), r"numpy.where .*with one argument"),
        (lambda x: np.linalg.norm(x, 2), r"numpy.linalg.norm"),
        (lambda x: np.pad(x, 1, mode="edge"), r"numpy.pad .*with mode=.edge."),
    ],
)
def test_functions_without_an_op_are_a_type_error_naming_them(call, name) -> None:
    with pytest.raises(TypeError, match=name) as info:
        call(leaf())
    assert isinstance(info.value, OpError)


def test_numpy_dispatch_is_differentiable_to_second_order() -> None:
    x = leaf(np.array([0.5, 1.0]))
    (g,) = ag.grad(np.sum(np.sin(x) * x), x, create_graph=True)
    (h,) = ag.grad(g.sum(), x)
    v = x.data
    np.testing.assert_allclose(h.data, 2 * np.cos(v) - v * np.sin(v), rtol=1e-12)
