"""Losses of autograd_mlp.functional against PyTorch (float64): values, gradients
and reductions for every option, K-dim inputs, and the target defects of issue 9
(byte order, out-of-range indices, integer (N, C) targets)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag
import autograd_mlp.functional as F
from autograd_mlp.errors import OpError
from autograd_mlp.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(2024)
REDUCTIONS = ["mean", "sum", "none"]


def t64(x, requires_grad=True):
    return ag.tensor(x, requires_grad=requires_grad, dtype=np.float64)


def _torch():
    return optional("torch", "torch")


def _compare(ours, theirs, arrays, grads=(0,), rtol=1e-10, atol=1e-12):
    """Run ``ours`` on Tensors and ``theirs`` on torch tensors built from the same
    float64 ``arrays``; compare the values and the gradients of inputs ``grads``."""
    torch = _torch()
    mine = [t64(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    ref = [torch.tensor(a, dtype=torch.float64, requires_grad=i in grads)
           for i, a in enumerate(arrays)]
    out, expected = ours(*mine), theirs(*ref)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=rtol, atol=atol)
    assert out.shape == tuple(expected.shape)
    seed = RNG.normal(size=out.shape)
    out.backward(seed)
    expected.backward(torch.tensor(seed))
    for i in grads:
        np.testing.assert_allclose(mine[i].grad.data, ref[i].grad.numpy(), rtol=rtol, atol=atol,
                                   err_msg=f"gradient of input {i}")


# --------------------------------------------------------------------------- issue 9 defects
@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
def test_big_endian_class_targets_work(fn):
    x = RNG.normal(size=(3, 5))
    native = np.array([0, 4, 2])
    expected = fn(x, native).item()
    for dtype in (">i2", ">i8", ">u4", "<i4"):
        assert fn(x, native.astype(dtype)).item() == pytest.approx(expected, rel=1e-12), dtype


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
@pytest.mark.parametrize("bad", [-256, 256, 300, -1, -3])
def test_out_of_range_class_index_is_an_error_in_any_byte_order(fn, bad):
    x = RNG.normal(size=(3, 300))
    for dtype in (">i2", "<i2", "i8"):
        target = np.array([0, 1, bad], dtype=dtype)
        if bad == 300 or bad < 0:
            with pytest.raises(OpError, match=rf"{fn.__name__}: target\[2\] = {bad} is out of range"):
                fn(x, target)
        else:  # 256 is a valid class of 300
            assert np.isfinite(fn(x, target).item())
    with pytest.raises(IndexError, match=rf"{fn.__name__}: target\[2\] = 300"):
        fn(x, np.array([0, 1, 300]))


def test_integer_class_targets_of_shape_n_c_are_an_error():
    x = RNG.normal(size=(3, 3))
    with pytest.raises(OpError, match=r"cross_entropy: .*integer.*\(3, 3\)"):
        F.cross_entropy(x, np.eye(3, dtype=np.int64))
    with pytest.raises(TypeError, match=r"cross_entropy"):
        F.cross_entropy(x, np.eye(3, dtype=np.int64))
    # floats of that shape are class probabilities
    assert np.isfinite(F.cross_entropy(x, np.eye(3)).item())


def test_out_of_range_in_k_dim_target_names_the_position():
    x = RNG.normal(size=(2, 3, 4))
    t = np.zeros((2, 4), dtype=np.int64)
    t[1, 2] = 3
    with pytest.raises(OpError, match=r"nll_loss: target\[1, 2\] = 3 is out of range.*0\.\.2"):
        F.nll_loss(x, t)
