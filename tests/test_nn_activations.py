"""Activation modules against torch.nn, values and float64 gradients.

They wrap the v2 activations of ``F`` (from the functional branch), so this file
only passes once both are merged."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag
from autograd_mlp import nn
from autograd_mlp.testing import gradcheck

CASES = [
    ("LeakyReLU", {}),
    ("LeakyReLU", {"negative_slope": 0.2}),
    ("ELU", {}),
    ("ELU", {"alpha": 0.5}),
    ("SELU", {}),
    ("CELU", {"alpha": 2.0}),
    ("GELU", {}),
    ("GELU", {"approximate": "tanh"}),
    ("SiLU", {}),
    ("Mish", {}),
    ("Softplus", {}),
    ("Softplus", {"beta": 2.0, "threshold": 5.0}),
    ("LogSigmoid", {}),
    ("Hardtanh", {}),
    ("Hardtanh", {"min_val": -0.5, "max_val": 2.0}),
    ("ReLU6", {}),
    ("Hardsigmoid", {}),
    ("Hardswish", {}),
    ("Softsign", {}),
]

# Away from the kinks of the piecewise ones (0, ±1, ±3, 6, thresholds).
X = np.array(
    [[-7.3, -3.6, -2.2, -0.7, -0.3], [0.2, 0.6, 1.4, 2.7, 3.3], [4.1, 5.2, 6.4, 8.9, 25.0]]
)


@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_matches_torch(name, kwargs):
    torch = optional("torch", "torch")
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    x = ag.tensor(X, requires_grad=True, dtype=np.float64)
    tx = torch.tensor(X, requires_grad=True)
    y, ty = ours(x), theirs(tx)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.linspace(-1, 1, X.size).reshape(X.shape)
    (y * g).sum().backward()
    (ty * torch.tensor(g)).sum().backward()
    # torch's float64 hardsigmoid backward uses a single-precision 1/6 (3e-8 off).
    rtol = 1e-7 if name == "Hardsigmoid" else 1e-9
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=1e-12)
    assert repr(ours).replace("'", "") == repr(theirs).replace("'", "")


@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_gradcheck(name, kwargs):
    module = getattr(nn, name)(**kwargs)
    x = ag.tensor(X[:, :4] / 2, requires_grad=True, dtype=np.float64)
    assert gradcheck(lambda t: module(t).sum(), [x])


def test_gelu_rejects_an_unknown_approximation():
    with pytest.raises(ValueError, match=r"GELU: approximate must be 'none' or 'tanh'"):
        nn.GELU("erf")
