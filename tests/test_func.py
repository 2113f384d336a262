"""autograd_mlp.func against torch.func (and torch.autograd.functional where
torch.func has no such transform): same values, same shapes, same structure.

Each test function is written once with methods Tensors and torch tensors share
(``tanh``, ``sigmoid``, ``sum``, ``@``), and run in both libraries.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag
from autograd_mlp import func


def scalar(x):
    return (x.tanh() * x * x).sum()


def vector(x, w):
    return (x @ w).sigmoid() * x.sum()


def pair(a, b):
    return (a * b.tanh() * a).sum() + (a * b).sum() * (b * b).sum()


RNG = np.random.default_rng(0)
X = RNG.normal(size=(3,))
W = RNG.normal(size=(3, 2))
V = RNG.normal(size=(3,))


def ours(*arrays):
    return [ag.tensor(a, dtype=np.float64) for a in arrays]


def theirs(*arrays):
    torch = optional("torch", "torch")
    return [torch.tensor(a, dtype=torch.float64) for a in arrays]


def close(a, b, tol=1e-10):
    if isinstance(a, (tuple, list)):
        assert isinstance(b, (tuple, list)) and len(a) == len(b)
        for x, y in zip(a, b):
            close(x, y, tol)
        return
    assert isinstance(a, ag.Tensor), type(a)
    expected = b.detach().numpy()
    assert a.shape == expected.shape
    np.testing.assert_allclose(a.numpy(), expected, rtol=tol, atol=tol)


def test_vjp_matches_torch() -> None:
    torch = optional("torch", "torch")
    out, fn = func.vjp(vector, *ours(X, W))
    t_out, t_fn = torch.func.vjp(vector, *theirs(X, W))
    (ct,) = ours(np.array([1.0, -2.0]))
    close(out, t_out)
    close(fn(ct), t_fn(*theirs(np.array([1.0, -2.0]))))
    with pytest.raises(ValueError, match="cotangent 0 has shape \\(3,\\)"):
        fn(ag.tensor(np.ones(3)))


def test_jvp_matches_torch() -> None:
    torch = optional("torch", "torch")
    tx, tw = RNG.normal(size=X.shape), RNG.normal(size=W.shape)
    out, tangent = func.jvp(vector, tuple(ours(X, W)), tuple(ours(tx, tw)))
    t_out, t_tangent = torch.func.jvp(vector, tuple(theirs(X, W)), tuple(theirs(tx, tw)))
    close(out, t_out)
    close(tangent, t_tangent)
    with pytest.raises(ValueError, match="tangents 1 has shape"):
        func.jvp(vector, tuple(ours(X, W)), tuple(ours(tx, tx)))


def test_jacobian_matches_torch() -> None:
    torch = optional("torch", "torch")
    close(func.jacobian(vector, *ours(X, W)), torch.func.jacrev(vector, (0, 1))(*theirs(X, W)))
    single = func.jacobian(lambda x: vector(x, ours(W)[0]), *ours(X))
    assert single.shape == (2, 3)
    close(single, torch.func.jacrev(lambda x: vector(x, theirs(W)[0]))(*theirs(X)))


def test_hessian_matches_torch() -> None:
    torch = optional("torch", "torch")
    close(func.hessian(scalar, *ours(X)), torch.func.hessian(scalar)(*theirs(X)))
    # several inputs: H[i][j], as torch.autograd.functional.hessian
    close(
        func.hessian(pair, *ours(X, V)),
        torch.autograd.functional.hessian(pair, tuple(theirs(X, V))),
    )
    # a vector output: out.shape + in.shape + in.shape
    h = func.hessian(lambda x: x.tanh() * x, *ours(X))
    assert h.shape == (3, 3, 3)
    close(h, torch.func.hessian(lambda x: x.tanh() * x)(*theirs(X)))


def test_hvp_matches_torch() -> None:
    torch = optional("torch", "torch")
    close(
        func.hvp(scalar, ours(X)[0], ours(V)[0]),
        torch.autograd.functional.hvp(scalar, theirs(X)[0], theirs(V)[0])[1],
    )
    close(
        func.hvp(pair, tuple(ours(X, V)), tuple(ours(V, X))),
        torch.autograd.functional.hvp(pair, tuple(theirs(X, V)), tuple(theirs(V, X)))[1],
    )
    with pytest.raises(ValueError, match="single-element"):
        func.hvp(lambda x: x * 2, ours(X)[0], ours(V)[0])


@pytest.mark.parametrize("argnums", [0, 1, (0, 1), (1,), -1])
def test_grad_and_value_and_grad_match_torch(argnums) -> None:
    torch = optional("torch", "torch")
    close(func.grad(pair, argnums)(*ours(X, V)), torch.func.grad(pair, argnums)(*theirs(X, V)))
    value, g = func.value_and_grad(pair, argnums)(*ours(X, V))
    t_g, t_value = torch.func.grad_and_value(pair, argnums)(*theirs(X, V))
    close(value, t_value)
    close(g, t_g)


def test_transforms_nest_like_torch() -> None:
    torch = optional("torch", "torch")
    # jacobian of a gradient is the Hessian; grad of grad of a 1-d function
    close(func.jacobian(func.grad(scalar), *ours(X)), torch.func.hessian(scalar)(*theirs(X)))

    def cube(t):
        return (t**3).sum()

    x = ag.tensor(1.5, dtype=np.float64)
    assert func.grad(func.grad(cube))(x).item() == pytest.approx(9.0)


def test_gradient_penalty_is_differentiable() -> None:
    # ||d f / d x||² as a loss of the weights: the gradient must carry a graph.
    torch = optional("torch", "torch")
    x, w = ours(X, W)
    w.requires_grad = True
    g = func.grad(lambda t: vector(t, w).sum())(x)
    assert g.requires_grad
    (g * g).sum().backward()
    tx, tw = theirs(X, W)
    tw.requires_grad_(True)
    t_g = torch.func.grad(lambda t: vector(t, tw).sum())(tx)
    (t_g * t_g).sum().backward()
    close(w.grad, tw.grad)


def test_results_are_plain_when_nothing_requires_grad() -> None:
    x, v = ours(X, V)
    with ag.no_grad():  # a transform ignores an outer no_grad for its own work
        g = func.grad(scalar)(x)
    out, tangent = func.jvp(scalar, (x,), (v,))
    assert not (x.requires_grad or g.requires_grad or out.requires_grad or tangent.requires_grad)
    assert x.grad is None


def test_unused_input_gets_zeros() -> None:
    a, b = ours(X, V)
    g = func.grad(lambda a, b: (a * a).sum(), argnums=(0, 1))(a, b)
    np.testing.assert_array_equal(g[1].numpy(), np.zeros(3))
    _, tangent = func.jvp(lambda a, b: a * 2, (a, b), (b, a))
    np.testing.assert_allclose(tangent.numpy(), 2 * V)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: func.grad(lambda x: x * 2)(ag.tensor(X)), ValueError, "single-element"),
        (lambda: func.grad(scalar, argnums=2)(ag.tensor(X)), ValueError, "argnums 2 out of range"),
        (lambda: func.grad(scalar)(X), TypeError, "argument 0 must be a Tensor"),
        (lambda: func.grad(scalar)(ag.tensor([1, 2])), TypeError, "floating Tensor.*int64"),
        (lambda: func.jacobian(lambda x: 3.0, ag.tensor(X)), TypeError, "must return a floating"),
        (lambda: func.jvp(scalar, X, (X,)), TypeError, "primals must be a Tensor or a tuple"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()
