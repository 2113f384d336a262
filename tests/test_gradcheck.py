"""The gradient checkers themselves: they pass correct gradients, and they catch,
describe and localise wrong ones.

The wrong ops below are test-local ``Op`` subclasses applied with
``autograd_mlp.op.apply``; they are never registered, so the global registry
(and tests/test_ops.py) never sees them.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mlp as ag
from autograd_mlp.op import REGISTRY, Op, apply
from autograd_mlp.testing import (
    FULL_JACOBIAN_MAX,
    BadOpReport,
    GradcheckError,
    gradcheck,
    gradgradcheck,
    locate_bad_op,
)


class WrongSquare(Op):
    """``x²`` with the classic bug: the factor 2 forgotten in backward.

    Derivative: (wrong on purpose) x instead of 2x
    """

    name = "wrong_square"

    def forward(self, x):
        return x * x

    def backward(self, g, out, x):
        return (g * x,)


class FrozenCube(Op):
    """``x³`` whose backward is right to first order, but uses ``3x²`` saved as a
    plain array: a constant to create_graph, so the second derivative is lost.

    Derivative: 3x² (second derivative wrong on purpose: 0 instead of 6x)
    """

    name = "frozen_cube"

    def forward(self, x):
        self.slope = 3 * x * x
        return x**3

    def backward(self, g, out, x):
        return (g * self.slope,)


def wrong_square(x):
    return apply(WrongSquare, (x,), {})


def frozen_cube(x):
    return apply(FrozenCube, (x,), {})


def t64(values, name=None, requires_grad=True):
    t = ag.tensor(values, requires_grad=requires_grad, dtype=np.float64)
    t.name = name
    return t


# --------------------------------------------------------------------------- passing
@pytest.mark.parametrize(
    "fn, shapes",
    [
        (lambda x: (x * x.tanh()).sum(), [(3,)]),
        (lambda x, w: (x @ w).sigmoid(), [(2, 3), (3, 4)]),  # non-scalar output
        (lambda x, y: x / y + (x * y).exp(), [(2, 1), (3,)]),  # broadcasting both ways
        (lambda x: x.log_softmax(axis=0)[[0, 0, 1]], [(3, 2)]),  # repeated indices
        (lambda x: x.logsumexp(axis=1, keepdims=True) * x, [(2, 3)]),
        (lambda x: x.sum(), [()]),  # 0-d input
    ],
)
def test_gradcheck_passes_correct_functions(fn, shapes) -> None:
    rng = np.random.default_rng(0)
    inputs = [t64(rng.uniform(0.5, 2.0, s)) for s in shapes]
    assert gradcheck(fn, inputs) is True
    assert gradgradcheck(fn, inputs) is True


def test_gradcheck_leaves_inputs_untouched_and_accepts_float32() -> None:
    x = ag.tensor([0.3, -1.2, 2.0], requires_grad=True)  # float32
    before = x.data.copy()
    assert gradcheck(lambda t: (t * t).exp().sum(), x)  # a single Tensor is fine too
    assert x.grad is None and x.dtype == np.float32
    np.testing.assert_array_equal(x.data, before)


def test_gradcheck_passes_unused_and_constant_inputs_when_allowed() -> None:
    x, unused = t64([1.0, 2.0]), t64([5.0])
    mask = np.array([1.0, 0.0])  # an ndarray argument passes through unchanged
    assert gradcheck(lambda a, b, m: (a * m).sum(), [x, unused, mask], allow_unused=True)
    with pytest.raises(GradcheckError, match="does not depend on input 1") as info:
        gradcheck(lambda a, b, m: (a * m).sum(), [x, unused, mask])
    assert info.value.unused and info.value.input_index == 1


def test_gradcheck_raises_step_for_float32_outputs() -> None:
    # The output is rounded to float32; with a 1e-6 step that rounding alone would
    # be a 5% error, so gradcheck uses float32's optimal step instead.
    x = t64([0.3, -1.2, 2.0])
    assert gradcheck(lambda t: t.astype(np.float32).tanh() * 3, [x])


# --------------------------------------------------------------------------- failing
def test_gradcheck_error_names_input_element_and_values() -> None:
    x = t64([1.0, 2.0, 3.0], name="x")
    y = t64([0.5], name="y")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda y, x: (wrong_square(x) * y).sum(), [y, x], locate=False)
    err = info.value
    assert isinstance(err, AssertionError)
    # d/dx_j of 0.5 * sum(x²) is x_j; the wrong op gives half of it. Relative to
    # the tolerance the largest x is the worst element.
    assert (err.input_index, err.input_name, err.input_shape) == (1, "x", (3,))
    assert err.element == (2,)
    assert err.analytic == pytest.approx(1.5)
    assert err.numeric == pytest.approx(3.0, rel=1e-6)
    assert (err.atol, err.rtol, err.order, err.located) == (1e-5, 1e-3, 1, None)
    message = str(err)
    for piece in [
        "input 1 'x'",
        "shape (3,)",
        "input element (2,)",
        "analytic 1.5",
        "numeric 3",
        "atol=1e-05",
        "rtol=0.001",
    ]:
        assert piece in message, f"{piece!r} missing from: {message}"


def test_gradcheck_reports_output_element_in_full_jacobian_mode() -> None:
    x = t64([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_square, [x], locate=False)
    assert info.value.mode == "full Jacobian"
    assert info.value.element == info.value.output_element == (1, 1)


def test_gradcheck_on_wrong_op_includes_localisation() -> None:
    x = t64([0.2, -0.4, 0.9], name="x")
    w = t64([[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8]], name="w")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, w: wrong_square((x @ w).tanh()).sum().exp(), [x, w])
    located = info.value.located
    assert isinstance(located, BadOpReport)
    assert not located.ok and located.op == "wrong_square"
    assert isinstance(located.node, WrongSquare)
    assert "localised: op 'wrong_square'" in str(info.value)


def test_gradgradcheck_catches_wrong_second_derivative() -> None:
    x = t64([0.5, -1.0, 2.0])
    fn = lambda x: frozen_cube(x).sum()  # noqa: E731
    assert gradcheck(fn, [x])  # first order is right...
    with pytest.raises(GradcheckError) as info:
        gradgradcheck(fn, [x])  # ...the second is not
    err = info.value
    assert err.order == 2 and "gradgradcheck failed" in str(err)
    assert err.analytic == pytest.approx(0.0, abs=1e-12)  # the frozen constant
    assert err.located is not None and err.located.op == "frozen_cube"


# --------------------------------------------------------------------------- localising
def test_locate_bad_op_names_the_broken_op_not_its_neighbours() -> None:
    seen = {}

    def fn(x, w, b):
        h = (x @ w + b).relu()
        seen["bad"] = bad = wrong_square(h.sigmoid())
        return (bad.mean(axis=0) * b).sum() + x.exp().sum()

    rng = np.random.default_rng(1)
    inputs = [t64(rng.normal(size=s)) for s in [(4, 3), (3, 2), (2,)]]
    report = locate_bad_op(fn, inputs)
    assert not report.ok
    assert report.op == "wrong_square"
    assert report.node is seen["bad"].grad_fn  # the node itself, for drawings
    assert report.input_shapes == ((4, 2),)
    assert report.attrs == {}
    assert report.analytic == pytest.approx(report.numeric / 2, rel=1e-4)
    # matmul, add, relu and sigmoid were checked before it, and passed
    assert report.checked == 5
    assert "op 'wrong_square'" in str(report) and "input shapes [(4, 2)]" in report.details


def test_locate_bad_op_on_an_already_recorded_graph() -> None:
    x = t64([0.3, -0.8, 1.1])
    bad = wrong_square(x.exp())
    root = (bad * 2).sum()
    report = locate_bad_op(root)  # the user's own graph, checked in place
    assert report.op == "wrong_square" and report.node is bad.grad_fn
    assert report.output is root
    root.backward()
    with pytest.raises(ag.AutogradError, match="retain_graph"):
        locate_bad_op(root)  # a freed graph cannot be checked
    with pytest.raises(TypeError, match="either fn and inputs"):
        locate_bad_op(root, [x])


def test_locate_bad_op_reports_attrs() -> None:
    class WrongSum(Op):
        """Sum whose backward forgets to broadcast along the reduced axis correctly.

        Derivative: (wrong on purpose) 2 instead of 1
        """

        name = "wrong_sum"

        def forward(self, x, axis=None):
            return np.asarray(x.sum(axis=axis, keepdims=True))

        def backward(self, g, out, x):
            return (2 * g,)

    x = t64(np.arange(6.0).reshape(2, 3))
    report = locate_bad_op(lambda x: apply(WrongSum, (x.tanh(),), {"axis": 1}).exp(), [x])
    assert report.op == "wrong_sum" and report.attrs == {"axis": 1}
    assert "axis=1" in report.details


def test_locate_bad_op_passes_correct_graph() -> None:
    x = t64([0.5, 1.5])
    report = locate_bad_op(lambda t: (t.exp() * t).sum(), [x])
    assert report.ok and report.op is None and report.node is None
    assert report.checked == 3  # exp, mul, sum


def test_locate_bad_op_order_two_finds_frozen_constant() -> None:
    x = t64([0.5, -1.0])
    fn = lambda x: frozen_cube(x.tanh()).sum()  # noqa: E731
    assert locate_bad_op(fn, [x]).ok
    report = locate_bad_op(fn, [x], order=2)
    assert report.op == "frozen_cube"
    assert "second derivative" in report.details


def test_locate_bad_op_without_graph() -> None:
    x = t64([1.0], requires_grad=False)
    y = t64([1.0])
    assert locate_bad_op(lambda x, y: x * 2, [x, y]).ok


# --------------------------------------------------------------------------- large inputs
def test_projection_mode_on_large_input() -> None:
    rng = np.random.default_rng(2)
    big = t64(rng.normal(size=(20, 20)))
    assert big.size > FULL_JACOBIAN_MAX
    assert gradcheck(lambda b: (b @ b).sigmoid(), [big])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda b: wrong_square(b).sum(), [big])
    err = info.value
    assert err.mode.startswith("random projection")
    # after the projection failed, the element was found as well (values are
    # entries of v^T J for the random output vector v: the wrong op halves them)
    assert err.element is not None and len(err.element) == 2
    assert err.analytic == pytest.approx(err.numeric / 2, rel=1e-5)
    assert err.located.op == "wrong_square"


def test_projection_mode_on_huge_input_names_input_only() -> None:
    huge = t64(np.linspace(-1, 1, 5000))
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda b: wrong_square(b).sum(), [huge], locate=False)
    assert info.value.element is None and "element not localised" in str(info.value)


def test_vector_jacobian_mode_for_large_output() -> None:
    x = t64([0.5, -1.0, 2.0])
    ones = np.ones((3, 100))
    assert gradcheck(lambda x: (x.reshape(3, 1) * ones).tanh(), [x])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: wrong_square(x.reshape(3, 1) * ones), [x], locate=False)
    assert info.value.mode == "vector-Jacobian product"


# --------------------------------------------------------------------------- misuse
def test_gradcheck_rejects_bad_fn_and_inputs() -> None:
    x = t64([1.0])
    with pytest.raises(TypeError, match="must return a Tensor"):
        gradcheck(lambda x: x.data, [x])
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(lambda x: x * 2, [t64([1.0], requires_grad=False)])
    with pytest.raises(ValueError, match="order must be 1 or 2"):
        locate_bad_op(lambda x: x, [x], order=3)


def test_test_ops_never_registered() -> None:
    assert "wrong_square" not in REGISTRY and "frozen_cube" not in REGISTRY


# ------------------------------------------------------------------ issue 11: no vacuous pass
class Doubler(ag.nn.Module):
    """A module whose one op has a wrong backward (the factor 2 of x² forgotten)."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = ag.nn.Parameter(np.array([[0.5, -1.0], [1.5, 0.25]]), dtype=np.float64)

    def forward(self, x):
        return wrong_square(x @ self.weight).sum()


def test_closure_over_the_checked_tensor_is_really_checked() -> None:
    # Today gradcheck perturbs float64 copies, so fn (which closes over x) never
    # sees a perturbation: analytic and numeric are both 0 and the check "passes".
    x = t64([0.5, -1.0, 2.0])
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: wrong_square(x).sum(), [x], locate=False)
    assert gradcheck(lambda t: (x * 3).sum(), [x])  # and a right closure passes for real


def test_output_not_depending_on_an_input_raises() -> None:
    x, other = t64([0.5, -1.0, 2.0], name="x"), t64([1.0, 2.0, 3.0])
    with pytest.raises(GradcheckError, match="does not depend on input 0 'x'"):
        gradcheck(lambda t: (other * 3).sum(), [x])
    with pytest.raises(GradcheckError, match="does not depend on input 0 'x'"):
        gradgradcheck(lambda t: (other * other).sum(), [x])
    assert gradcheck(lambda t: (other * 3).sum() + t.sum(), [x])
    y = t64([4.0])
    assert gradcheck(lambda t, u: (t * 2).sum(), [x, y], allow_unused=True)


def test_model_parameters_passed_as_inputs_are_really_checked() -> None:
    # The PyTorch idiom: gradcheck(f, list(net.parameters())) where f calls net.
    net = Doubler()
    x = t64([[0.3, -0.7]], requires_grad=False)
    with pytest.raises(GradcheckError):
        gradcheck(lambda *params: net(x), list(net.parameters()), locate=False)


def test_module_parameters_are_checked_and_named() -> None:
    rng = np.random.default_rng(3)
    net = ag.nn.MLP([3, 5, 4, 2], activation="tanh")
    x = t64(rng.normal(size=(2, 3)), requires_grad=False)
    assert gradcheck(net, [x]) and gradgradcheck(net, [x])
    # break one weight's gradient by routing it through the wrong op
    bad = net.layers[2]
    bad.forward = lambda h: h @ (wrong_square(bad.weight) * 0.5).T + bad.bias
    with pytest.raises(GradcheckError) as info:
        gradcheck(net, [x])
    err = info.value
    assert err.param_name == "layers.2.weight" and err.input_index is None
    assert err.where is not None and err.where.startswith("layers.2.weight[")
    assert "parameter 'layers.2.weight'" in str(err) and err.where in str(err)
    assert err.located is not None and err.located.op == "wrong_square"


def test_float32_parameters_are_checked_in_float64_and_restored_exactly() -> None:
    net = ag.nn.MLP([2, 3, 1], activation="sigmoid")
    before = {n: (p, p.data, p.data.copy(), p._version) for n, p in net.named_parameters()}
    x = ag.tensor([[0.4, -0.2]])  # float32, no grad
    x_data = x.data
    assert gradcheck(net, [x])
    assert x.data is x_data and x.dtype == np.float32
    for name, p in net.named_parameters():
        obj, array, copy, version = before[name]
        assert p is obj and p.data is array and p.dtype == np.float32  # the same buffer back
        np.testing.assert_array_equal(p.data, copy)
        assert p._version == version and p.grad is None


def test_parameters_restored_when_the_check_fails_or_fn_raises() -> None:
    w = t64([0.5, -1.5], name="w")
    array, copy = w.data, w.data.copy()
    with pytest.raises(GradcheckError):
        gradcheck(lambda: wrong_square(w).sum(), [], params=[w])
    assert w.data is array
    np.testing.assert_array_equal(w.data, copy)
    calls = []

    def explodes():
        calls.append(1)
        if len(calls) > 2:
            raise RuntimeError("boom")
        return (w * w).sum()

    with pytest.raises(RuntimeError, match="boom"):
        gradcheck(explodes, [], params=[w])
    assert w.data is array and w.dtype == np.float64
    np.testing.assert_array_equal(w.data, copy)


def test_params_closed_over_are_checked_and_named() -> None:
    x = t64([0.2, 0.4])
    w = t64([1.0, -2.0])
    assert gradcheck(lambda t: (t * w).tanh().sum(), [x], params=[w])
    with pytest.raises(GradcheckError, match="parameter 'scale'") as info:
        gradcheck(lambda t: (t * wrong_square(w)).sum(), [x], params={"scale": w}, locate=False)
    assert info.value.where in ("scale[0]", "scale[1]")


def test_params_that_fn_does_not_use_are_an_error() -> None:
    x, w = t64([0.2, 0.4]), t64([1.0])
    with pytest.raises(GradcheckError, match="does not depend on parameter 'params\\[0\\]'"):
        gradcheck(lambda t: t.exp().sum(), [x], params=[w])
    assert gradcheck(lambda t: t.exp().sum(), [x], params=[w], allow_unused=True)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(fn=lambda x: x.data), TypeError, "must return a Tensor"),
        (dict(fn=lambda x: x > 0), TypeError, "floating-point Tensor, got dtype bool"),
        (dict(inputs=[ag.tensor([1, 2])]), ValueError, "no input requires grad.*int64"),
        (dict(eps=0.0), ValueError, "eps must be a positive"),
        (dict(eps=-1e-6), ValueError, "eps must be a positive"),
        (dict(atol=-1.0), ValueError, "atol must be"),
        (dict(params=[ag.tensor([1, 2])]), TypeError, "params entry 'params\\[0\\]'.*int64"),
        (dict(params=[t64([1.0], requires_grad=False)]), ValueError, "does not require grad"),
        (dict(fn=3), TypeError, "fn must be callable"),
    ],
)
def test_bad_input_gets_a_clear_error(kwargs, error, match) -> None:
    for check in (gradcheck, gradgradcheck):
        call = dict(fn=lambda x: x * 2, inputs=[t64([1.0])])
        call.update(kwargs)
        with pytest.raises(error, match=match):
            check(call.pop("fn"), call.pop("inputs"), **call)
