"""The engine: accumulation, broadcasting, graph lifetime, grad modes, ag.grad,
higher order, dtypes and error messages. Expected values are worked out by hand
(or by finite differences), never read back from the engine."""

from __future__ import annotations

import sys
import weakref

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import autograd_mlp as ag
from autograd_mlp import AutogradError, OpError, ShapeError
from autograd_mlp.testing import gradcheck


def t64(values, requires_grad=True):
    return ag.tensor(values, requires_grad=requires_grad, dtype=np.float64)


# --------------------------------------------------------------------------- reuse & accumulation
def test_reused_leaf_accumulates() -> None:
    x = t64(3.0)
    (x * x + x).backward()
    assert x.grad.item() == 7.0  # 2x + 1


def test_reused_intermediate_accumulates() -> None:
    x = t64(1.5)
    c = x * 1.0
    c = c + c
    c = c + c
    c.backward()
    assert x.grad.item() == 4.0


def test_node_with_several_consumers() -> None:
    x = t64([0.5, -1.0])
    h = x.exp()
    y = (h * 3 + h * h + h.sum()).sum()
    y.backward()
    e = np.exp(x.data)
    # dy/dh_i = 3 + 2 h_i + 2 (h.sum() feeds both outputs), dh/dx = h
    np.testing.assert_allclose(x.grad.data, (3 + 2 * e + 2) * e, rtol=1e-12)


def test_retain_graph_backward_twice_accumulates() -> None:
    x = t64([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.data, [4.0, 8.0])  # 2 * 2x


def test_zeroing_by_setting_grad_to_none() -> None:
    x = t64([1.0, 2.0])
    (x * x).sum().backward()
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])


def test_gradients_of_two_leaves_are_separate_buffers() -> None:
    # add hands the same gradient array to both inputs: accumulating into one
    # leaf's .grad in place must not change the other's.
    x, z = t64([1.0, 1.0]), t64([1.0, 1.0])
    (x + z).sum().backward()
    (x * 5).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [6.0, 6.0])
    np.testing.assert_array_equal(z.grad.data, [1.0, 1.0])


def test_seed_gradient_array_is_not_mutated() -> None:
    x = t64([1.0, 2.0])
    g = np.array([1.0, 1.0])
    (x + 0.0).backward(g)
    (x + 0.0).backward(g)
    np.testing.assert_array_equal(g, [1.0, 1.0])
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])


# --------------------------------------------------------------------------- broadcasting
@pytest.mark.parametrize(
    "a, b",
    [
        ((3,), (2, 3)),  # leading dims on the right operand
        ((2, 3), (3,)),  # ... on the left
        ((2, 1), (1, 3)),  # both broadcast at once
        ((4, 1, 3), (2, 1)),  # leading and size-1 dims together
        ((1,), (3,)),
        ((), (2, 2)),  # 0-d against a matrix
        ((2, 2), ()),
    ],
)
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_broadcasting_gradients(a, b, op) -> None:
    rng = np.random.default_rng(0)
    x, y = t64(rng.uniform(0.5, 2, a)), t64(rng.uniform(0.5, 2, b))
    fn = {
        "add": lambda x, y: x + y,
        "sub": lambda x, y: x - y,
        "mul": lambda x, y: x * y,
        "div": lambda x, y: x / y,
    }[op]
    out = fn(x, y)
    assert out.shape == np.broadcast_shapes(a, b)
    out.backward(np.ones(out.shape))
    assert x.grad.shape == a and y.grad.shape == b
    assert gradcheck(fn, [x, y])


def test_broadcast_gradient_by_hand() -> None:
    x = t64(np.ones((2, 1)))
    y = t64([[1.0, 2.0, 3.0]])
    (x * y).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[6.0], [6.0]])  # sum of y per row
    np.testing.assert_array_equal(y.grad.data, [[2.0, 2.0, 2.0]])  # sum of x per column


@pytest.mark.parametrize(
    "fn, dx",
    [
        (lambda x: 2 * x, lambda x: np.full_like(x, 2.0)),
        (lambda x: x * 2, lambda x: np.full_like(x, 2.0)),
        (lambda x: 2 - x, lambda x: np.full_like(x, -1.0)),
        (lambda x: x - 2, lambda x: np.ones_like(x)),
        (lambda x: 1 / x, lambda x: -1 / x**2),
        (lambda x: x / 4, lambda x: np.full_like(x, 0.25)),
        (lambda x: x**2, lambda x: 2 * x),
        (lambda x: 2**x, lambda x: np.log(2) * 2**x),
        (lambda x: np.array([1.0, 2.0]) * x, lambda x: np.array([1.0, 2.0])),
        (lambda x: x + np.array([[1.0], [2.0]]), lambda x: np.full_like(x, 2.0)),
        (lambda x: np.array([3.0, 4.0]) - x, lambda x: -np.ones_like(x)),
        (lambda x: np.array([3.0, 4.0]) / x, lambda x: -np.array([3.0, 4.0]) / x**2),
        (lambda x: np.array([[1.0, 2.0]]) @ x, lambda x: np.array([1.0, 2.0])),
        (lambda x: x @ np.array([3.0, 4.0]), lambda x: np.array([3.0, 4.0])),
        (lambda x: -x, lambda x: -np.ones_like(x)),
    ],
)
def test_python_numbers_and_arrays_on_either_side(fn, dx) -> None:
    x = t64([0.5, 1.5])
    y = fn(x)
    assert isinstance(y, ag.Tensor), f"got {type(y).__name__}, not a Tensor"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, dx(x.data), rtol=1e-12)


def test_array_constant_adopts_tensor_dtype() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)  # float32
    y = x * np.array([0.5, 0.25])  # a float64 array
    assert y.dtype == np.float32
    assert (x * 2.0).dtype == np.float32  # Python floats are weakly typed


# --------------------------------------------------------------------------- 0-d tensors
def test_zero_d_tensors() -> None:
    x = t64(3.0)
    y = x * x
    assert y.shape == () and type(y.data) is np.ndarray
    y.backward()
    assert x.grad.shape == () and x.grad.item() == 6.0
    v = t64([1.0, 2.0])
    x.grad = None
    (x * v).sum().backward()  # 0-d broadcast against a vector
    assert x.grad.shape == () and x.grad.item() == 3.0
    assert x.sum().shape == () and x.sum(axis=()).shape == ()


def test_zero_d_results_are_ndarrays() -> None:
    x = t64(0.5)
    for y in (x.exp(), x + 1, x.tanh(), -x, x.relu(), x.clip(0, 1), x**2):
        assert type(y.data) is np.ndarray, y.grad_fn


# --------------------------------------------------------------------------- deep graphs
def test_hundred_thousand_op_chain() -> None:
    x = t64(0.5)
    y = x
    limit = sys.getrecursionlimit()
    for _ in range(50_000):
        y = y * 1.0
        y = y + 1.0
    assert y.item() == 50_000.5
    y.backward()  # would raise RecursionError with a recursive walk
    assert x.grad.item() == 1.0
    assert sys.getrecursionlimit() == limit  # no cheating by raising it


# --------------------------------------------------------------------------- graph freeing
def test_intermediate_dies_after_backward() -> None:
    x = t64([1.0, 2.0])
    h = x.exp()
    y = (h * 2).sum()
    ref = weakref.ref(h)
    del h
    assert ref() is not None  # the graph holds it...
    y.backward()
    assert ref() is None  # ...until backward frees the graph, without gc


def test_backward_twice_raises_and_names_retain_graph() -> None:
    x = t64([1.0, 2.0])
    y = (x.exp() * 2).sum()
    y.backward()
    with pytest.raises(AutogradError, match="retain_graph=True"):
        y.backward()
    # the structure stays, for drawing
    node = y.grad_fn
    assert node.freed and node.name == "sum" and len(node.parents) == 1
    assert node.shapes == ((2,),)


def test_retain_graph_allows_second_backward() -> None:
    x = t64([1.0, 2.0])
    y = (x.exp() * 2).sum()
    y.backward(retain_graph=True)
    assert not y.grad_fn.freed
    y.backward()
    np.testing.assert_allclose(x.grad.data, 4 * np.exp(x.data), rtol=1e-12)


# --------------------------------------------------------------------------- grad modes
def test_no_grad_records_nothing() -> None:
    x = t64([1.0, 2.0])
    with ag.no_grad():
        y = x * 2 + x.exp()
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    np.testing.assert_allclose(y.data, 2 * x.data + np.exp(x.data))


def test_no_grad_as_decorator_and_restored_after_exception() -> None:
    @ag.no_grad()
    def f(t):
        return t * 2

    x = t64([1.0])
    assert f(x).grad_fn is None
    with pytest.raises(ZeroDivisionError), ag.no_grad():
        raise ZeroDivisionError
    assert ag.is_grad_enabled() and (x * 2).grad_fn is not None


def test_enable_grad_inside_no_grad() -> None:
    x = t64([1.0])
    with ag.no_grad():
        with ag.enable_grad():
            y = x * 2
        z = x * 2
    assert y.requires_grad and y.grad_fn is not None
    assert z.grad_fn is None


def test_detach() -> None:
    x = t64([2.0, 3.0])
    d = x.detach()
    assert d.data is x.data and not d.requires_grad and d.is_leaf
    (x * x.detach()).sum().backward()  # no gradient through the detached factor
    np.testing.assert_array_equal(x.grad.data, [2.0, 3.0])


# --------------------------------------------------------------------------- ag.grad
def test_grad_does_not_touch_dot_grad() -> None:
    x = t64([1.0, 2.0])
    (gx,) = ag.grad((x * x).sum(), x)
    np.testing.assert_array_equal(gx.data, [2.0, 4.0])
    assert x.grad is None


def test_grad_with_respect_to_intermediate() -> None:
    x = t64([1.0, 2.0])
    h = x * 3
    gh, gx = ag.grad((h * h).sum(), [h, x])
    np.testing.assert_array_equal(gh.data, [6.0, 12.0])  # 2h
    np.testing.assert_array_equal(gx.data, [18.0, 36.0])  # 2h * 3


def test_grad_allow_unused() -> None:
    x, unused = t64([1.0]), t64([1.0])
    with pytest.raises(AutogradError, match="allow_unused=True"):
        ag.grad((x * 2).sum(), [x, unused])
    gx, gu = ag.grad((x * 2).sum(), [x, unused], allow_unused=True)
    assert gx.item() == 2.0 and gu is None


def test_grad_outputs_for_non_scalar() -> None:
    x = t64([1.0, 2.0, 3.0])
    (gx,) = ag.grad(x * x, x, grad_outputs=np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(gx.data, [2.0, 0.0, -6.0])


def test_grad_of_several_outputs_sums() -> None:
    x = t64(2.0)
    (gx,) = ag.grad([x * x, x * 3], x)
    assert gx.item() == 7.0


def test_grad_input_must_require_grad() -> None:
    with pytest.raises(AutogradError, match="input 0 does not require grad"):
        ag.grad(t64(1.0) * 2, t64(1.0, requires_grad=False))


# --------------------------------------------------------------------------- higher order
def test_hessian_vector_product() -> None:
    rng = np.random.default_rng(3)
    a = rng.normal(size=(4, 3))
    x = t64(rng.normal(size=3))
    v = rng.normal(size=3)
    f = (ag.tensor(a, dtype=np.float64) @ x).tanh().sum()
    (g,) = ag.grad(f, x, create_graph=True)
    (hv,) = ag.grad((g * v).sum(), x)
    # f = sum tanh(Ax): H = Aᵀ diag(-2 tanh(z) (1 - tanh(z)²)) A
    t = np.tanh(a @ x.data)
    hessian = a.T @ np.diag(-2 * t * (1 - t**2)) @ a
    np.testing.assert_allclose(hv.data, hessian @ v, rtol=1e-10)


def test_third_derivative() -> None:
    x = t64(0.7)
    (d1,) = ag.grad(x**4, x, create_graph=True)
    (d2,) = ag.grad(d1, x, create_graph=True)
    (d3,) = ag.grad(d2, x)
    assert d3.item() == pytest.approx(24 * 0.7)


def test_gradient_penalty() -> None:
    w = t64([0.5, -2.0])
    x = t64([1.5, 3.0])
    d = (w * x * x).sum()
    (gx,) = ag.grad(d, x, create_graph=True)  # 2 w x
    penalty = (gx * gx).sum()  # sum 4 w² x²
    penalty.backward()
    np.testing.assert_allclose(w.grad.data, 8 * w.data * x.data**2, rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, 8 * w.data**2 * x.data, rtol=1e-12)


def test_create_graph_backward_gives_differentiable_grad() -> None:
    x = t64([1.0, 2.0])
    (x**3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    (gg,) = ag.grad(x.grad.sum(), x)
    np.testing.assert_allclose(gg.data, 6 * x.data)


# --------------------------------------------------------------------------- dtypes
def test_default_float32_and_float64_on_request() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    assert x.dtype == np.float32
    (x * x).sum().backward()
    assert x.grad.dtype == np.float32
    y = ag.tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    (y * y).sum().backward()
    assert y.grad.dtype == np.float64


def test_float32_parameter_with_float64_input() -> None:
    w = ag.tensor([1.0, 2.0], requires_grad=True)  # float32
    x = t64([3.0, 4.0], requires_grad=False)
    out = (w * x).sum()
    assert out.dtype == np.float64  # numpy's promotion
    out.backward()
    assert w.grad.dtype == np.float32  # a gradient has its parameter's dtype
    np.testing.assert_array_equal(w.grad.data, [3.0, 4.0])


# --------------------------------------------------------------------------- error messages
def test_matmul_shape_mismatch_message() -> None:
    a = ag.tensor(np.zeros((32, 784)))
    b = ag.tensor(np.zeros((128, 10)))
    with pytest.raises(ShapeError) as info:
        a @ b
    assert str(info.value) == "matmul: (32, 784) @ (128, 10): inner dimensions 784 != 128"


def test_broadcast_mismatch_names_op_and_shapes() -> None:
    with pytest.raises(OpError) as info:
        ag.tensor(np.zeros((2, 3))) + ag.tensor(np.zeros(4))
    message = str(info.value)
    assert message.startswith("add:") and "(2, 3)" in message and "(4,)" in message


def test_backward_on_non_scalar_needs_grad() -> None:
    y = t64([1.0, 2.0]) * 2
    with pytest.raises(AutogradError, match=r"single-element.*shape \(2,\)"):
        y.backward()


def test_requires_grad_on_integer_tensor() -> None:
    with pytest.raises(AutogradError, match="floating-point.*int64"):
        ag.tensor([1, 2], requires_grad=True)


def test_backward_grad_of_wrong_shape() -> None:
    y = t64([1.0, 2.0]) * 2
    expected = r"grad has shape \(3,\) but the tensor has shape \(2,\)"
    with pytest.raises(AutogradError, match=expected):
        y.backward(np.ones(3))


@pytest.mark.parametrize("method", ["sum", "mean", "max", "min", "logsumexp"])
def test_reduction_axis_out_of_range(method) -> None:
    x = t64(np.ones((2, 3)))
    # names the op, the input's shape and the axis at fault
    with pytest.raises(OpError, match=rf"^{method}: .*\(2, 3\).*axis 2 is out of (range|bounds)"):
        getattr(x, method)(axis=2)


def test_backward_without_graph() -> None:
    with pytest.raises(AutogradError, match="does not require grad"):
        t64(1.0, requires_grad=False).backward()


def test_requires_grad_off_on_non_leaf() -> None:
    y = t64(1.0) * 2
    with pytest.raises(AutogradError, match="detach"):
        y.requires_grad = False


# --------------------------------------------------------------------------- random graphs
class RandomGraphs(RuleBasedStateMachine):
    """Random graphs over two leaves, checked against a naive reference: each
    node also carries a plain-numpy function of the leaves, whose derivatives
    are taken by central differences."""

    def __init__(self) -> None:
        super().__init__()
        rng = np.random.default_rng(0)
        self.leaves = [t64(rng.uniform(-1, 1, 3)), t64(rng.uniform(-1, 1, (2, 3)))]
        self.nodes = [(self.leaves[0], lambda a, b: a), (self.leaves[1], lambda a, b: b)]

    def _add(self, tensor, ref):
        self.nodes.append((tensor, ref))

    @rule(i=st.integers(0, 99), j=st.integers(0, 99), op=st.sampled_from("+-*"))
    def binary(self, i, j, op):
        (x, fx), (y, fy) = self.nodes[i % len(self.nodes)], self.nodes[j % len(self.nodes)]
        if op == "+":
            self._add(x + y, lambda a, b: fx(a, b) + fy(a, b))
        elif op == "-":
            self._add(x - y, lambda a, b: fx(a, b) - fy(a, b))
        else:
            self._add((x * y).tanh(), lambda a, b: np.tanh(fx(a, b) * fy(a, b)))

    @rule(i=st.integers(0, 99), op=st.sampled_from(["sigmoid", "scale", "sum0", "index"]))
    def unary(self, i, op):
        x, fx = self.nodes[i % len(self.nodes)]
        if op == "sigmoid":
            self._add(x.sigmoid(), lambda a, b: 1 / (1 + np.exp(-fx(a, b))))
        elif op == "scale":
            self._add(x * 0.5, lambda a, b: fx(a, b) * 0.5)
        elif op == "sum0" and x.ndim == 2:
            self._add(x.sum(axis=0, keepdims=True), lambda a, b: fx(a, b).sum(0, keepdims=True))
        elif op == "index":  # repeated index: gradients must add up
            self._add(x[..., [0, 0, 2]], lambda a, b: fx(a, b)[..., [0, 0, 2]])

    @precondition(lambda self: len(self.nodes) > 2)
    @invariant()
    def gradients_match_reference(self):
        y, fy = self.nodes[-1]
        if not y.requires_grad:
            return
        a, b = (leaf.data for leaf in self.leaves)
        weights = np.random.default_rng(len(self.nodes)).normal(size=y.shape)
        grads = ag.grad((y * weights).sum(), self.leaves, retain_graph=True, allow_unused=True)
        eps = 1e-6
        for k, (leaf, g) in enumerate(zip(self.leaves, grads)):
            numeric = np.zeros(leaf.shape)
            for idx in np.ndindex(leaf.shape):
                args = [a.copy(), b.copy()]
                args[k][idx] += eps
                hi = (fy(*args) * weights).sum()
                args[k][idx] -= 2 * eps
                lo = (fy(*args) * weights).sum()
                numeric[idx] = (hi - lo) / (2 * eps)
            analytic = np.zeros(leaf.shape) if g is None else g.data
            np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


TestRandomGraphs = RandomGraphs.TestCase
TestRandomGraphs.settings = settings(max_examples=15, stateful_step_count=12, deadline=None)
