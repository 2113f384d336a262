"""Gradients at non-differentiable points: our conventions, pinned down.

Property tests keep inputs away from kinks and ties (see
``autograd_mlp.testing.strategies``); these tests visit them on purpose, once
each, with hard-coded expectations that follow PyTorch:

==================  ==========================================================
point               gradient
==================  ==========================================================
relu at 0           0 (``torch.relu``)
abs at 0            0 (``torch.abs``: sign(0) = 0)
clip at lo or hi    1: the bounds are inside the interval (``torch.clamp``)
max/min ties        shared equally among the tied elements (``torch.amax``)
maximum/minimum     ½ each where the two operands tie (``torch.maximum``)
clamp at min/max    1: the bounds are inside the interval (``torch.clamp``)
sign                0 everywhere, at 0 too (``torch.sign``)
argmax/argmin ties  the first index (``torch.argmax``); no gradient at all
norm at 0           0 (``torch.linalg.vector_norm``)
pow at base 0       0 where x**0 or 0**y is flat (``torch.pow``'s masks)
==================  ==========================================================

When torch is installed, the same points are also compared with it; those
comparisons are skipped otherwise, the hard-coded ones always run.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag


def grad_of(fn, values):
    x = ag.tensor(values, requires_grad=True, dtype=np.float64)
    fn(x).sum().backward()
    return x.grad.data


def test_relu_derivative_at_zero_is_zero() -> None:
    np.testing.assert_array_equal(
        grad_of(lambda x: x.relu(), [-1.0, 0.0, -0.0, 2.0]), [0.0, 0.0, 0.0, 1.0]
    )


def test_abs_derivative_at_zero_is_zero() -> None:
    np.testing.assert_array_equal(
        grad_of(lambda x: x.abs(), [-1.0, 0.0, -0.0, 2.0]), [-1.0, 0.0, 0.0, 1.0]
    )


def test_clip_bounds_are_inclusive() -> None:
    values = [-2.0, -1.0, 0.0, 1.0, 2.0]
    np.testing.assert_array_equal(
        grad_of(lambda x: x.clip(-1.0, 1.0), values), [0.0, 1.0, 1.0, 1.0, 0.0]
    )
    np.testing.assert_array_equal(
        grad_of(lambda x: x.clip(-1.0, None), values), [0.0, 1.0, 1.0, 1.0, 1.0]
    )
    np.testing.assert_array_equal(
        grad_of(lambda x: x.clip(None, 1.0), values), [1.0, 1.0, 1.0, 1.0, 0.0]
    )
    # lo == hi: the single point is inside
    np.testing.assert_array_equal(
        grad_of(lambda x: x.clip(0.0, 0.0), [-1.0, 0.0, 1.0]), [0.0, 1.0, 0.0]
    )


def test_max_ties_share_the_gradient_equally() -> None:
    np.testing.assert_array_equal(grad_of(lambda x: x.max(), [1.0, 3.0, 3.0]), [0.0, 0.5, 0.5])
    np.testing.assert_array_equal(grad_of(lambda x: x.max(), [2.0] * 4), [0.25] * 4)
    np.testing.assert_array_equal(
        grad_of(lambda x: x.max(axis=1), [[1.0, 1.0], [2.0, 0.0]]), [[0.5, 0.5], [1.0, 0.0]]
    )
    np.testing.assert_array_equal(
        grad_of(lambda x: x.max(axis=0, keepdims=True), [[5.0, 1.0], [5.0, 0.0], [5.0, 1.0]]),
        [[1 / 3, 0.5], [1 / 3, 0.0], [1 / 3, 0.5]],
    )


def test_min_ties_share_the_gradient_equally() -> None:
    np.testing.assert_array_equal(grad_of(lambda x: x.min(), [1.0, 1.0, 3.0]), [0.5, 0.5, 0.0])
    np.testing.assert_array_equal(
        grad_of(lambda x: x.min(axis=-1), [[0.0, 0.0, 0.0], [2.0, 1.0, 3.0]]),
        [[1 / 3, 1 / 3, 1 / 3], [0.0, 1.0, 0.0]],
    )


def test_tie_share_scales_the_incoming_gradient() -> None:
    x = ag.tensor([[4.0, 4.0], [1.0, 2.0]], requires_grad=True, dtype=np.float64)
    x.max(axis=1).backward(np.array([10.0, -3.0]))
    np.testing.assert_array_equal(x.grad.data, [[5.0, 5.0], [0.0, -3.0]])


def test_norm_at_zero_and_pow_at_base_zero_are_flat() -> None:
    # The table's last two rows, hard-coded too (not only compared with torch).
    np.testing.assert_array_equal(
        grad_of(lambda x: x.norm(axis=1), [[0.0, 0.0], [3.0, 4.0]]), [[0.0, 0.0], [0.6, 0.8]]
    )
    np.testing.assert_array_equal(grad_of(lambda x: x**0.0, [0.0, 1.0]), [0.0, 0.0])
    np.testing.assert_array_equal(grad_of(lambda y: 0.0**y, [0.0, 1.0, 2.0]), [0.0] * 3)


# --------------------------------------------------------------------------- against torch
CASES = [
    ("relu", lambda x: x.relu(), lambda t, x: t.relu(x), [-1.0, 0.0, 2.0]),
    ("abs", lambda x: x.abs(), lambda t, x: t.abs(x), [-1.0, 0.0, 2.0]),
    (
        "clip",
        lambda x: x.clip(-1.0, 1.0),
        lambda t, x: t.clamp(x, -1.0, 1.0),
        [-2.0, -1.0, 0.0, 1.0, 2.0],
    ),
    ("max", lambda x: x.max(), lambda t, x: t.amax(x), [1.0, 3.0, 3.0]),
    ("max axis", lambda x: x.max(axis=1), lambda t, x: t.amax(x, dim=1), [[1.0, 1.0], [2.0, 0.0]]),
    ("min", lambda x: x.min(), lambda t, x: t.amin(x), [1.0, 1.0, 3.0]),
    (
        "maximum ties",
        lambda x: ag.maximum(x, ag.tensor([1.0, 0.0, 3.0], dtype=np.float64)),
        lambda t, x: t.maximum(x, t.tensor([1.0, 0.0, 3.0], dtype=t.float64)),
        [1.0, 2.0, 3.0],
    ),
    (
        "minimum ties",
        lambda x: ag.minimum(x, 2.0 - x),
        lambda t, x: t.minimum(x, 2.0 - x),
        [1.0, 0.0, 3.0],
    ),
    (
        "clamp",
        lambda x: x.clamp(min=-1.0, max=1.0),
        lambda t, x: t.clamp(x, min=-1.0, max=1.0),
        [-2.0, -1.0, 0.0, 1.0, 2.0],
    ),
    ("clamp min", lambda x: x.clamp(min=0.0), lambda t, x: t.clamp(x, min=0.0), [-1.0, 0.0, 1.0]),
    ("sign", lambda x: x.sign(), lambda t, x: t.sign(x), [-1.0, 0.0, -0.0, 2.0]),
    (
        "norm at 0",
        lambda x: x.norm(axis=1),
        lambda t, x: t.linalg.vector_norm(x, dim=1),
        [[0.0, 0.0], [3.0, 4.0]],
    ),
    ("pow x**0 at 0", lambda x: x**0.0, lambda t, x: x**0.0, [0.0, 1.0]),
    ("pow 0**y", lambda y: 0.0**y, lambda t, y: 0.0**y, [0.0, 1.0, 2.0]),
]


def test_maximum_minimum_ties_share_the_gradient() -> None:
    a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True, dtype=np.float64)
    b = ag.tensor([1.0, 0.0, 3.0], requires_grad=True, dtype=np.float64)
    ag.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [0.5, 1.0, 0.5])
    np.testing.assert_array_equal(b.grad.data, [0.5, 0.0, 0.5])
    np.testing.assert_array_equal(
        grad_of(lambda x: ag.minimum(x, 1.0), [1.0, 0.0, 2.0]), [0.5, 1.0, 0.0]
    )


def test_clamp_bounds_are_inclusive_and_sign_is_flat() -> None:
    np.testing.assert_array_equal(
        grad_of(lambda x: x.clamp(-1.0, 1.0), [-2.0, -1.0, 1.0, 2.0]), [0.0, 1.0, 1.0, 0.0]
    )
    np.testing.assert_array_equal(grad_of(lambda x: x.sign(), [-1.0, 0.0, 3.0]), [0.0] * 3)


def test_argmax_of_ties_is_the_first() -> None:
    x = ag.tensor([[2.0, 5.0, 5.0], [1.0, 1.0, 1.0]], requires_grad=True)
    assert x.argmax(axis=1).tolist() == [1, 0]
    assert x.argmin(axis=1).tolist() == [0, 0]
    assert x.argmax().item() == 1
    assert not x.argmax().requires_grad


@pytest.mark.parametrize("name, ours, theirs, values", CASES, ids=[c[0] for c in CASES])
def test_conventions_match_torch(name, ours, theirs, values) -> None:
    torch = optional("torch", "torch")
    x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    theirs(torch, x).sum().backward()
    np.testing.assert_array_equal(grad_of(ours, values), x.grad.numpy())
