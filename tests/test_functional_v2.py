"""The v2 activations of autograd_mlp.functional against PyTorch (float64):
values, gradients and second derivatives, stability at large |x|, the dim=
alias, dropout, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag
import autograd_mlp.functional as F
from autograd_mlp.errors import OpError
from autograd_mlp.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(7)
# Away from every kink (0, ±1, ±3, 6) by at least 0.05, so finite differences
# never straddle one; the kinks themselves are pinned in test_conventions_activations.
X = np.array([-7.3, -4.1, -2.6, -1.4, -0.7, -0.2, 0.3, 0.8, 1.6, 2.4, 3.7, 5.2, 6.6, 9.1])

# (name in ours, kwargs, name in torch.nn.functional, torch kwargs)
ACTIVATIONS = [
    ("leaky_relu", {}, "leaky_relu", {}),
    ("leaky_relu", {"negative_slope": 0.2}, "leaky_relu", {"negative_slope": 0.2}),
    ("elu", {}, "elu", {}),
    ("elu", {"alpha": 0.5}, "elu", {"alpha": 0.5}),
    ("selu", {}, "selu", {}),
    ("celu", {}, "celu", {}),
    ("celu", {"alpha": 2.0}, "celu", {"alpha": 2.0}),
    ("gelu", {}, "gelu", {}),
    ("gelu", {"approximate": "tanh"}, "gelu", {"approximate": "tanh"}),
    ("silu", {}, "silu", {}),
    ("mish", {}, "mish", {}),
    ("softplus", {}, "softplus", {}),
    ("softplus", {"beta": 2.0, "threshold": 5.0}, "softplus", {"beta": 2.0, "threshold": 5.0}),
    ("log_sigmoid", {}, "logsigmoid", {}),
    ("hardtanh", {}, "hardtanh", {}),
    ("hardtanh", {"min_val": -2.0, "max_val": 0.5}, "hardtanh", {"min_val": -2.0, "max_val": 0.5}),
    ("relu6", {}, "relu6", {}),
    ("hardsigmoid", {}, "hardsigmoid", {}),
    ("hardswish", {}, "hardswish", {}),
    ("softsign", {}, "softsign", {}),
]
IDS = [
    f"{name}{'-' + '-'.join(map(str, kw.values())) if kw else ''}" for name, kw, _, _ in ACTIVATIONS
]
# Piecewise-linear ones have a zero second derivative: nothing to compare at order 2.
SMOOTH = {
    "elu",
    "selu",
    "celu",
    "gelu",
    "silu",
    "mish",
    "softplus",
    "log_sigmoid",
    "softsign",
    "hardswish",
}


def t64(x, requires_grad=True):
    return ag.tensor(x, requires_grad=requires_grad, dtype=np.float64)


def _torch():
    return optional("torch", "torch")


@pytest.mark.parametrize(("name", "kwargs", "tname", "tkwargs"), ACTIVATIONS, ids=IDS)
def test_activation_value_gradient_and_second_derivative_match_torch(name, kwargs, tname, tkwargs):
    torch = _torch()
    ours, theirs = getattr(F, name), getattr(torch.nn.functional, tname)
    x = t64(X)
    tx = torch.tensor(X, requires_grad=True)
    y, ty = ours(x, **kwargs), theirs(tx, **tkwargs)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12, atol=1e-14)
    (g,) = ag.grad(y.sum(), x, create_graph=True)
    (tg,) = torch.autograd.grad(ty.sum(), tx, create_graph=True)
    # torch's hardsigmoid slope is the float32 constant 1/6, even in float64
    rtol = 1e-7 if name == "hardsigmoid" else 1e-12
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=rtol, atol=1e-14)
    if name in SMOOTH:
        (h,) = ag.grad(g.sum(), x)
        (th,) = torch.autograd.grad(tg.sum(), tx)
        np.testing.assert_allclose(h.data, th.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("name", "kwargs", "tname", "tkwargs"), ACTIVATIONS, ids=IDS)
def test_activation_gradcheck_and_float32(name, kwargs, tname, tkwargs):
    fn = getattr(F, name)
    x = t64(X[::3])
    assert gradcheck(lambda a: fn(a, **kwargs), [x])
    if name in SMOOTH:
        assert gradgradcheck(lambda a: fn(a, **kwargs), [x])
    y = fn(ag.tensor(X, requires_grad=True), **kwargs)  # float32 stays float32
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, fn(t64(X), **kwargs).data, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("name", "kwargs", "tname", "tkwargs"), ACTIVATIONS, ids=IDS)
def test_activation_is_stable_at_large_inputs(name, kwargs, tname, tkwargs):
    torch = _torch()
    big = np.array([-1e4, -800.0, -40.0, 40.0, 800.0, 1e4])
    for dtype in (np.float64, np.float32):
        x = ag.tensor(big, requires_grad=True, dtype=dtype)
        y = getattr(F, name)(x, **kwargs)
        y.sum().backward()
        assert np.isfinite(y.data).all() and np.isfinite(x.grad.data).all(), dtype
    tx = torch.tensor(big, requires_grad=True)
    ty = getattr(torch.nn.functional, tname)(tx, **tkwargs)
    ty.sum().backward()
    x = t64(big)
    y = getattr(F, name)(x, **kwargs)
    y.sum().backward()
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-300)


def test_gelu_tails_are_accurate():
    # x·Φ(x) from scipy.special.ndtr (an independent implementation), hard-coded:
    # in the left tail 1 + erf(x/√2) cancels (torch's value at -8 is 2 % off).
    x = np.array([-20.0, -8.0, -3.0, 8.0])
    expected = [-5.507248237212311e-88, -4.976768459417392e-15, -0.00404969409489028, 8.0]
    np.testing.assert_allclose(F.gelu(t64(x)).data, expected, rtol=1e-13)
    assert F.gelu(t64([-38.0])).item() < 0  # not flushed to 0


# --------------------------------------------------------------------------- axis functions
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmin_matches_torch(axis):
    torch = _torch()
    a = RNG.normal(size=(3, 4))
    x, tx = t64(a), torch.tensor(a, requires_grad=True)
    y, ty = F.softmin(x, dim=axis), torch.nn.functional.softmin(tx, dim=axis)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12)
    w = RNG.normal(size=(3, 4))
    (y * w).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(F.softmin(a, axis).data, y.data, rtol=1e-6)  # float32


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5, float("inf")])
@pytest.mark.parametrize("axis", [1, 0, -1])
def test_normalize_matches_torch(p, axis):
    torch = _torch()
    a = RNG.normal(size=(3, 4))
    a[1] = 0.0  # a zero row: the eps branch
    a[0, 2] = 0.0  # a zero element: |x|^p has an infinite slope there for p < 1
    x, tx = t64(a), torch.tensor(a, requires_grad=True)
    y = F.normalize(x, p=p, dim=axis)
    ty = torch.nn.functional.normalize(tx, p=p, dim=axis)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12)
    w = RNG.normal(size=(3, 4))
    (y * w).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_normalize_gradients_by_finite_differences():
    a = t64(RNG.normal(size=(2, 3)))
    assert gradcheck(lambda x: F.normalize(x, p=2.0, axis=1), [a])
    assert gradgradcheck(lambda x: F.normalize(x, p=3.0, axis=0), [a])


@pytest.mark.parametrize(
    "call",
    [
        lambda x: F.softmax(x, axis=1, dim=1),
        lambda x: F.log_softmax(x, axis=0, dim=1),
        lambda x: F.softmin(x, 1, dim=1),
        lambda x: F.normalize(x, 2.0, 1, dim=1),
    ],
)
def test_axis_and_dim_together_are_a_type_error(call):
    x = np.zeros((2, 3))
    with pytest.raises(TypeError, match=r"got both axis=.* and dim="):
        call(x)
    with pytest.raises(OpError):
        call(x)


def test_dim_alias_equals_axis():
    a = RNG.normal(size=(2, 3))
    for fn in (F.softmax, F.log_softmax, F.softmin):
        np.testing.assert_array_equal(fn(a, dim=0).data, fn(a, axis=0).data)
        np.testing.assert_array_equal(fn(a, dim=0).data, fn(a, 0).data)
    np.testing.assert_array_equal(F.normalize(a, dim=0).data, F.normalize(a, axis=0).data)


# --------------------------------------------------------------------------- dropout
def test_dropout_is_inverted_and_seeded():
    from autograd_mlp import random

    x = t64(np.ones((50, 40)))
    random.manual_seed(3)
    y = F.dropout(x, p=0.3)
    random.manual_seed(3)
    np.testing.assert_array_equal(F.dropout(x, p=0.3).data, y.data)
    values = set(np.unique(y.data).tolist())
    assert values <= {0.0, 1 / 0.7} and len(values) == 2
    kept = (y.data != 0).mean()
    assert 0.6 < kept < 0.8  # 2000 draws: the keep rate 0.7 within ±0.1
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.data)  # gradient = the same mask / (1-p)


def test_dropout_edge_cases():
    x = t64([1.0, 2.0, 3.0])
    assert F.dropout(x, p=0.5, training=False) is x
    assert F.dropout(x, p=0.0) is x
    y = F.dropout(x, p=1.0)
    np.testing.assert_array_equal(y.data, [0.0, 0.0, 0.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0])
    for p in (-0.1, 1.5):
        with pytest.raises(
            ValueError, match=rf"dropout: probability p has to be between 0 and 1, got {p}"
        ):
            F.dropout(x, p=p)


# --------------------------------------------------------------------------- errors
def test_activation_argument_errors():
    with pytest.raises(ValueError, match=r"gelu: approximate must be 'none' or 'tanh', got 'erf'"):
        F.gelu([1.0], approximate="erf")
    with pytest.raises(ValueError, match=r"hardtanh: min_val=1.0 is greater than max_val=0.0"):
        F.hardtanh([1.0], 1.0, 0.0)
    with pytest.raises(ValueError, match=r"celu: alpha cannot be 0"):
        F.celu([1.0], alpha=0.0)
    with pytest.raises(ValueError, match=r"softplus: beta must be positive"):
        F.softplus([1.0], beta=0.0)
    with pytest.raises(ValueError, match=r"normalize: p must be positive"):
        F.normalize([[1.0]], p=0.0)


def test_activations_accept_arrays_and_lists():
    for name, kwargs, _, _ in ACTIVATIONS:
        out = getattr(F, name)([[-1.5, 0.5]], **kwargs)
        assert isinstance(out, ag.Tensor) and out.shape == (1, 2), name


def test_vectorised_erfc_matches_math_erfc():
    import math

    from autograd_mlp.ops.activations import _erfc_nonnegative

    z = np.concatenate([np.linspace(0.0, 26.0, 20001), [1e-300, 1e-8, 1.5, 1.5 + 1e-12]])
    expected = np.array([math.erfc(v) for v in z])
    np.testing.assert_allclose(_erfc_nonnegative(z), expected, rtol=1e-13, atol=0)
    x = np.array([-40.0, -5.0, 0.0, 5.0, 40.0, np.inf, -np.inf])
    expected_cdf = [0.5 * math.erfc(-v / math.sqrt(2)) for v in x]
    np.testing.assert_allclose(F.gelu(t64(x[:5])).data, x[:5] * expected_cdf[:5], rtol=1e-13)
