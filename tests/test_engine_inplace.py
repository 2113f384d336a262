"""In-place ops, version counters and the ``.data`` setter (issue 9, item 3 and 5).

Every in-place case runs twice, here and in PyTorch, from the same values; the
gradients must agree, and agree with central finite differences of the forward.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag
from autograd_mlp import AutogradError

X1 = np.array([0.3, -0.7, 1.2, 0.1])
X2 = np.array([[0.3, -0.7, 1.2, 0.1], [0.5, 0.9, -1.1, 0.4], [-0.2, 0.6, 0.8, -1.3]])


class AG:
    @staticmethod
    def leaf(a):
        return ag.tensor(a, requires_grad=True, dtype=np.float64)

    @staticmethod
    def const(a):
        return ag.tensor(a, dtype=np.float64)

    idx = staticmethod(lambda a: np.asarray(a))


class Torch:
    def __init__(self):
        self.torch = optional("torch", "torch")

    def leaf(self, a):
        return self.torch.tensor(a, dtype=self.torch.float64, requires_grad=True)

    def const(self, a):
        return self.torch.tensor(a, dtype=self.torch.float64)

    def idx(self, a):
        return self.torch.as_tensor(np.asarray(a))


def mul_after_copy(T, x):
    y = x * 1
    y.mul_(2)
    return (y * y).sum()


def used_before_and_after(T, x):
    # the pitfall: y saw t's old value, z sees both
    t = x * 1
    y = t * 1
    t.mul_(2)
    return (y + t).sum()


def non_leaf_reduced_before(T, x):
    t = x * 2
    a = t.sum()
    t.mul_(3)
    return a + (t * x).sum()


def setitem_slice(T, x):
    t = x * 1
    t[1:3] = 0.0
    return (t * t).sum()


def setitem_int_array_tensor_value(T, x):
    t = x * 2
    t[T.idx([0, 2])] = x[1:3] * 5
    return (t * t).sum()


def setitem_mask(T, x):
    t = x.exp()
    t = t * 1
    t[T.idx([True, False, True, False])] = 0.5
    return (t * x).sum()


def chain(T, x):
    t = x * 1
    t.add_(x)
    t.mul_(x)
    t.clamp_(min=-0.5, max=1.5)
    return (t * t).sum()


def fill_with_tensor(T, x):
    t = x * 1
    t.fill_(x.sum())
    return (t * x).sum()


def zero_then_add(T, x):
    t = x * 1
    t.zero_()
    t += x * x
    return t.sum()


def divide_in_place(T, x):
    t = x * 1 + 2
    t /= x + 3
    t -= x
    return (t * t).sum()


def buffer_filled_from_graph(T, x):
    buf = T.const(np.zeros(4))
    buf[T.idx([1, 2])] = x[1:3] * 3
    buf += 1
    return (buf * buf).sum()


def two_d_column(T, x):
    t = x * 1
    t[:, 1] = x[:, 0] * 2
    t -= x[0]
    return (t * t).sum()


CASES = [
    (mul_after_copy, X1),
    (used_before_and_after, X1),
    (non_leaf_reduced_before, X1),
    (setitem_slice, X1),
    (setitem_int_array_tensor_value, X1),
    (setitem_mask, X1),
    (chain, X1),
    (fill_with_tensor, X1),
    (zero_then_add, X1),
    (divide_in_place, X1),
    (buffer_filled_from_graph, X1),
    (two_d_column, X2),
]


def _ours(fn, x0):
    x = AG.leaf(x0)
    out = fn(AG, x)
    out.backward()
    return out.item(), x.grad.data


def _numeric(fn, x0, eps=1e-6):
    grad = np.zeros_like(x0)
    for i in np.ndindex(x0.shape):
        hi, lo = x0.copy(), x0.copy()
        hi[i] += eps
        lo[i] -= eps
        grad[i] = (fn(AG, AG.const(hi)).item() - fn(AG, AG.const(lo)).item()) / (2 * eps)
    return grad


@pytest.mark.parametrize("fn, x0", CASES, ids=[f.__name__ for f, _ in CASES])
def test_in_place_gradients_match_torch(fn, x0) -> None:
    T = Torch()
    value, grad = _ours(fn, x0)
    tx = T.leaf(x0)
    tout = fn(T, tx)
    tout.backward()
    np.testing.assert_allclose(value, tout.item(), rtol=1e-12)
    np.testing.assert_allclose(grad, tx.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fn, x0", CASES, ids=[f.__name__ for f, _ in CASES])
def test_in_place_gradients_match_finite_differences(fn, x0) -> None:
    _, grad = _ours(fn, x0)
    np.testing.assert_allclose(grad, _numeric(fn, x0), rtol=1e-5, atol=1e-7)


# --------------------------------------------------------------------------- semantics
def test_iadd_mutates_in_place_instead_of_rebinding() -> None:
    t = ag.tensor([1.0, 2.0])
    alias, data = t, t.data
    t += 1
    t *= 2
    assert t is alias and t.data is data
    np.testing.assert_array_equal(data, [4.0, 6.0])


def test_setitem_writes_into_the_tensor() -> None:
    t = ag.tensor(np.zeros((2, 3)))
    t[0, 1:] = 5.0
    t[ag.tensor([1]), ag.tensor([0])] = ag.tensor([7.0])
    np.testing.assert_array_equal(t.data, [[0, 5, 5], [7, 0, 0]])


@pytest.mark.parametrize(
    "modify",
    [
        lambda w: w.add_(1.0),
        lambda w: w.mul_(2.0),
        lambda w: w.clamp_(min=0.0),
        lambda w: w.fill_(0.0),
        lambda w: w.zero_(),
        lambda w: w.__setitem__(0, 1.0),
        lambda w: w.__iadd__(1.0),
    ],
)
def test_in_place_on_leaf_requiring_grad_is_an_error_naming_it(modify) -> None:
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    w.name = "weight"
    with pytest.raises(AutogradError, match="'weight' is a leaf that requires grad"):
        modify(w)
    np.testing.assert_array_equal(w.data, [1.0, 2.0])
    assert w._version == 0


def test_in_place_on_leaf_under_no_grad_mutates_and_bumps_version() -> None:
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    data = w.data
    with ag.no_grad():
        w.mul_(3.0)
        w -= 1.0
        w[0] = 0.0
    assert w.data is data and w.is_leaf and w.grad_fn is None
    np.testing.assert_array_equal(w.data, [0.0, 5.0])
    assert w._version == 3


def test_optimiser_step_between_forward_and_backward_raises() -> None:
    w = ag.tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    w.name = "w"
    loss = (w * w).sum()
    with ag.no_grad():
        w -= 0.1 * ag.tensor([1.0, 1.0], dtype=np.float64)  # what opt.step() does
    with pytest.raises(AutogradError) as info:
        loss.backward()
    message = str(info.value)
    assert "'mul'" in message and "'w'" in message
    assert "modified by an in-place operation: is at version 1, expected 0" in message


def test_manual_data_write_with_version_bump_raises() -> None:
    p = ag.tensor([[1.0, 2.0]], requires_grad=True, dtype=np.float64)
    x = ag.tensor([[3.0], [4.0]], requires_grad=True, dtype=np.float64)
    loss = (p @ x).sum()  # x's gradient reads p
    p.data -= 0.5
    p._version += 1
    with pytest.raises(AutogradError, match="shape \\(1, 2\\).*version 1, expected 0"):
        loss.backward()


def test_saved_output_modified_in_place_raises_like_torch() -> None:
    x = ag.tensor([0.5, 1.0], requires_grad=True)
    t = x.exp()
    t.mul_(2.0)
    with pytest.raises(AutogradError, match="op 'exp' needs its output.*version 1, expected 0"):
        t.sum().backward()


def test_saved_input_modified_in_place_raises() -> None:
    x = ag.tensor([0.5, 1.0], requires_grad=True)
    t = x * 1
    y = t * x  # x's gradient needs t's value
    t.add_(1.0)
    with pytest.raises(AutogradError, match="op 'mul' needs its input 0"):
        y.sum().backward()


def test_unread_modified_input_does_not_raise() -> None:
    x = ag.tensor([0.5, 1.0], requires_grad=True, dtype=np.float64)
    t = x * 1
    y = t + x  # add reads no values
    t.mul_(5.0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])


def test_in_place_on_a_view_in_the_graph_is_an_error() -> None:
    x = ag.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    v = (x * 1).reshape(2, 2)
    with pytest.raises(AutogradError, match="view"):
        v.mul_(2.0)


def test_in_place_that_would_change_shape_or_dtype_is_an_error() -> None:
    t = ag.tensor([1.0, 2.0])
    with pytest.raises(ag.OpError, match="shape"):
        t += ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    i = ag.tensor([1, 2])
    with pytest.raises(TypeError, match="in-place add"):
        i += 0.5
    assert isinstance(pytest.raises(IndexError, t.__setitem__, 5, 1.0).value, ag.OpError)


def test_retain_grad_moves_to_the_new_version() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    t = x * 1
    t.retain_grad()
    t.mul_(3.0)
    (t * t).sum().backward()
    np.testing.assert_allclose(t.grad.data, 2 * 3 * x.data)  # d/dt of t*t at the new t


def test_clamp_in_place_takes_tensor_bounds_like_clamp() -> None:
    # Tensor bounds are constants, as for clamp(); they used to reach the backward
    # as Tensors and fail there.
    x = ag.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    y = x * 1
    y.clamp_(ag.tensor(0.0), ag.tensor(1.0))
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, 0.0])


# --------------------------------------------------------------------------- .data
def test_data_setter_rejects_a_list_naming_the_tensor() -> None:
    x = ag.tensor([1.0, 2.0])
    x.name = "x"
    with pytest.raises(ag.OpTypeError, match="'x'.data must be a numpy.ndarray"):
        x.data = [1.0, 2.0]
    np.testing.assert_array_equal((x * 2).data, [2.0, 4.0])


def test_data_setter_checks_shape_and_dtype() -> None:
    x = ag.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="shape \\(3,\\), expected \\(2,\\)"):
        x.data = np.zeros(3, np.float32)
    with pytest.raises(TypeError, match="dtype float64, expected float32"):
        x.data = np.zeros(2)
    new = np.array([5.0, 6.0], np.float32)
    x.data = new
    assert x.data is new
