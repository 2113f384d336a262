"""Hooks, retain_grad, gradient ownership, error classes, ``grad_outputs`` checks
and the ``observe`` walk hook (issue 9, items 4-5)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag
from autograd_mlp import AutogradError, OpError, engine

X = np.array([0.5, -1.5, 2.0])


def leaf(values=X):
    return ag.tensor(values, requires_grad=True, dtype=np.float64)


def torch_leaf(values=X):
    torch = optional("torch", "torch")
    return torch.tensor(values, dtype=torch.float64, requires_grad=True)


# --------------------------------------------------------------------------- hooks vs torch
def _hook_program(x, log):
    """The same program in both frameworks: hooks on a leaf and a non-leaf."""
    x.register_hook(lambda g: log.append(("x", g.numpy().copy())) or g * 2)
    x.register_hook(lambda g: g + 1)  # sees the doubled gradient
    h = x * x
    h.register_hook(lambda g: log.append(("h", g.numpy().copy())) or g * 3)
    h.retain_grad()
    y = (h * 2).sum() + h.sum() + (x * 4).sum()
    y.backward()
    return x.grad.numpy(), h.grad.numpy()


def test_hooks_and_retain_grad_match_torch() -> None:
    ours_log, theirs_log = [], []
    ours = _hook_program(leaf(), ours_log)
    theirs = _hook_program(torch_leaf(), theirs_log)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)  # retained after hooks
    assert [k for k, _ in ours_log] == [k for k, _ in theirs_log] == ["h", "x"]
    for (_, a), (_, b) in zip(ours_log, theirs_log):
        np.testing.assert_allclose(a, b, rtol=1e-12)  # each hook sees the complete sum


def test_leaf_hook_runs_before_accumulation() -> None:
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    seen = []
    x.register_hook(lambda g: seen.append(g.numpy().copy()))
    (x * 5).sum().backward()
    np.testing.assert_array_equal(seen[0], [5.0, 5.0])  # not 8: before adding to .grad
    np.testing.assert_array_equal(x.grad.data, [8.0, 8.0])


def test_hook_handle_remove() -> None:
    x = leaf([1.0])
    handle = x.register_hook(lambda g: g * 100)
    handle.remove()
    handle.remove()
    (x * 2).sum().backward()
    assert x.grad.item() == 2.0


def test_hook_returning_wrong_shape_is_a_clear_error() -> None:
    x = leaf([1.0, 2.0])
    x.name = "x"

    def widen(g):
        return ag.tensor(np.zeros(3))

    x.register_hook(widen)
    expected = "hook 'widen' on tensor 'x'.*shape \\(3,\\), expected \\(2,\\)"
    with pytest.raises(AutogradError, match=expected):
        (x * 2).sum().backward()


def test_register_hook_needs_requires_grad() -> None:
    with pytest.raises(AutogradError, match="does not require grad"):
        ag.tensor([1.0]).register_hook(lambda g: g)


def test_retain_grad_on_leaf_is_harmless_and_non_leaf_accumulates() -> None:
    x = leaf([1.0, 2.0])
    x.retain_grad()
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward(retain_graph=True)
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.data, 2 * 2 * h.data)
    np.testing.assert_allclose(x.grad.data, 2 * 2 * h.data * 3)


# --------------------------------------------------------------------------- ownership
class ReturnsOut(ag.Op):
    """exp, whose backward hands back ``out`` itself when the gradient is ones.

    Derivative: exp(x)
    """

    name = "test_returns_out"

    def forward(self, x):
        return np.exp(x)

    def backward(self, g, out, x):
        return (out if np.all(g == 1) else g * out,)


class ReturnsG(ag.Op):
    """Identity whose backward hands back the incoming gradient itself.

    Derivative: 1
    """

    name = "test_returns_g"

    def forward(self, x):
        return x.copy()

    def backward(self, g, out, x):
        return (g,)


class ReturnsInput(ag.Op):
    """``x**2 / 2``, whose backward hands back the input array when g is ones.

    Derivative: x
    """

    name = "test_returns_input"

    def forward(self, x):
        return x * x / 2

    def backward(self, g, out, x):
        return (x if np.all(g == 1) else g * x,)


def test_grad_does_not_alias_the_output() -> None:
    x = leaf([1.0, 2.0])
    y = ReturnsOut.apply(x)
    expected = np.exp(x.data)
    y.backward(np.ones(2), retain_graph=True)
    y.backward(np.ones(2))
    np.testing.assert_allclose(y.data, expected)  # was [2, 4]x corrupted before
    np.testing.assert_allclose(x.grad.data, 2 * expected)


def test_grad_does_not_alias_the_seed() -> None:
    x = leaf([1.0, 2.0])
    y = ReturnsG.apply(x)
    seed = np.ones(2)
    y.backward(seed, retain_graph=True)
    y.backward(seed)
    np.testing.assert_array_equal(seed, [1.0, 1.0])
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])
    assert not np.shares_memory(x.grad.data, seed)


def test_grad_of_a_leaf_root_does_not_alias_the_seed() -> None:
    x = leaf([1.0, 2.0])
    seed = ag.tensor([1.0, 1.0], dtype=np.float64)
    x.backward(seed)
    x.backward(seed)
    np.testing.assert_array_equal(seed.data, [1.0, 1.0])
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])


def test_grad_does_not_alias_an_input() -> None:
    x = leaf([1.0, 2.0])
    y = ReturnsInput.apply(x)
    y.backward(np.ones(2), retain_graph=True)
    y.backward(np.ones(2))
    np.testing.assert_array_equal(x.data, [1.0, 2.0])
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])


def test_fresh_gradient_is_kept_without_a_copy_and_accumulated_in_place() -> None:
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    buffer = x.grad.data
    (x * 3).sum().backward()
    assert x.grad.data is buffer
    np.testing.assert_array_equal(buffer, [6.0, 6.0])


# --------------------------------------------------------------------------- error classes
def test_index_error_is_an_index_error_and_an_op_error() -> None:
    x = ag.tensor([1.0, 2.0, 3.0])
    with pytest.raises(IndexError) as info:
        x[5]
    assert isinstance(info.value, OpError) and isinstance(info.value, ag.OpIndexError)
    assert "getitem" in str(info.value) and "(3,)" in str(info.value)


def test_axis_error_is_numpys_axis_error_and_an_op_error() -> None:
    x = ag.tensor([1.0, 2.0])
    with pytest.raises(np.exceptions.AxisError) as info:
        x.sum(axis=3)
    assert isinstance(info.value, OpError) and "sum" in str(info.value)


def test_type_error_is_a_type_error_and_an_op_error() -> None:
    x = ag.tensor([1.0, 2.0])
    with pytest.raises(TypeError) as info:
        x.reshape(None, "two")
    assert isinstance(info.value, ag.OpTypeError) and "reshape" in str(info.value)


def test_module_and_op_errors_are_the_same_classes() -> None:
    # One set of combined classes, in autograd_mlp.errors: ops and modules use them.
    from autograd_mlp.ops import _errors as ops_errors

    assert ops_errors.OpIndexError is ag.OpIndexError
    assert ops_errors.OpTypeError is ag.OpTypeError
    assert ops_errors.OpAxisError is ag.OpAxisError
    emb = ag.nn.Embedding(3, 2)
    with pytest.raises(ag.OpIndexError, match="out of range"):
        emb(np.array([3]))
    with pytest.raises(ag.OpTypeError, match="must be integers"):
        emb(np.array([0.5]))


def test_backward_returning_too_few_gradients_names_the_op() -> None:
    class Broken(ag.Op):
        name = "test_broken"

        def forward(self, x, y):
            return x + y

        def backward(self, g, out, x, y):
            return (g,)

    y = Broken.apply(leaf([1.0]), leaf([2.0]))
    with pytest.raises(AutogradError, match="'test_broken' must return a tuple of 2"):
        y.backward(np.ones(1))


# --------------------------------------------------------------------------- grad_outputs
def test_grad_outputs_shorter_than_outputs_is_an_error() -> None:
    x = leaf([1.0, 2.0])
    y = x * 2
    with pytest.raises(AutogradError, match="2 outputs but 1 grad_outputs"):
        ag.grad([y, y], x, grad_outputs=[np.ones(2)])


def test_grad_outputs_longer_than_outputs_is_an_error() -> None:
    x = leaf([1.0, 2.0])
    with pytest.raises(AutogradError, match="1 outputs but 2 grad_outputs"):
        ag.grad(x * 2, x, grad_outputs=[np.ones(2), np.ones(2)])


def test_grad_outputs_one_per_output() -> None:
    x = leaf([1.0, 2.0])
    y = x * 2
    (gx,) = ag.grad([y, y * y], x, grad_outputs=[np.ones(2), np.array([1.0, 0.0])])
    np.testing.assert_allclose(gx.data, [2 + 8 * 1.0, 2.0])
    (gx,) = ag.grad(x * 2, x, grad_outputs=[np.ones(2)])
    np.testing.assert_allclose(gx.data, [2.0, 2.0])


# --------------------------------------------------------------------------- observe
def test_observe_reports_every_step_in_order() -> None:
    x = leaf([1.0, 2.0])
    h = x * x
    y = h.sum()
    steps: list = []
    with engine.observe(steps.append):
        y.backward()
    assert [s.node.name if s.node else "leaf" for s in steps] == ["sum", "mul", "leaf"]
    sum_step, mul_step, leaf_step = steps
    assert float(sum_step.grad) == 1.0 and sum_step.node is y.grad_fn
    np.testing.assert_array_equal(mul_step.grad, [1.0, 1.0])
    assert mul_step.node is h.grad_fn and mul_step.tensor.grad_fn is h.grad_fn
    np.testing.assert_array_equal(mul_step.input_grads[0], [1.0, 2.0])
    np.testing.assert_array_equal(mul_step.input_grads[1], [1.0, 2.0])
    assert leaf_step.tensor is x and leaf_step.input_grads == ()
    np.testing.assert_array_equal(leaf_step.grad, [2.0, 4.0])  # both uses, summed
    (x * 2).sum().backward()
    assert len(steps) == 3  # the observer is gone after the block


def test_observe_is_per_thread() -> None:
    steps: list = []

    def other():
        z = leaf([1.0])
        (z * 2).sum().backward()

    with engine.observe(steps.append):
        t = threading.Thread(target=other)
        t.start()
        t.join(30)
    assert steps == []


def test_create_graph_seed_tensor_is_not_kept_as_grad() -> None:
    x = leaf([1.0, 2.0])
    seed = ag.tensor([1.0, 1.0], dtype=np.float64)
    ReturnsG.apply(x).backward(seed, create_graph=True)
    (x * 1).sum().backward()  # accumulates into x.grad in place
    np.testing.assert_array_equal(seed.data, [1.0, 1.0])
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])


def test_a_gradient_nothing_else_holds_becomes_grad_without_a_copy() -> None:
    made = []

    class Twice(ag.Op):
        name = "test_twice"

        def forward(self, x):
            return x * 2

        def backward(self, g, out, x):
            r = g * 2
            made.append(id(r))  # the id only: a reference would make it shared
            return (r,)

    x = leaf([1.0, 2.0])
    Twice.apply(x).backward(np.ones(2))
    assert id(x.grad.data) == made[0]


def test_engine_backward_refuses_fewer_gradients_than_roots() -> None:
    """Two roots and one seed: an error, not a silently dropped root."""
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ag.AutogradError, match="1 gradients given for 2 roots"):
        ag.engine.backward([x * 2, x * 3], [np.ones(2)])
    assert x.grad is None
