"""Creation functions and the package's one random generator, against numpy
and PyTorch's conventions (dtypes, shapes, shared memory, seeding)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag
from autograd_mlp.random import default_generator


@pytest.mark.parametrize("fn, value", [(ag.zeros, 0.0), (ag.ones, 1.0)])
def test_filled(fn, value) -> None:
    for t in (fn(2, 3), fn((2, 3)), fn([2, 3])):
        assert t.shape == (2, 3) and t.dtype == np.float32 and (t.data == value).all()
    assert fn(3, dtype=np.float64).dtype == np.float64
    assert fn().shape == ()
    g = fn(2, requires_grad=True)
    assert g.requires_grad and g.is_leaf
    assert fn(2, dtype=np.int64).dtype == np.int64


def test_empty_full_and_like() -> None:
    assert ag.empty(2, 2).shape == (2, 2)
    assert ag.full((2, 2), 3.5).tolist() == [[3.5, 3.5], [3.5, 3.5]]
    assert ag.full((2,), 3).dtype == np.int64 and ag.full((1,), True).dtype == bool
    assert ag.full(3, 1.0, dtype=np.float64).dtype == np.float64
    x = ag.tensor([[1.0, 2.0]], dtype=np.float64)
    for t, v in [(ag.zeros_like(x), 0.0), (ag.ones_like(x), 1.0), (ag.full_like(x, 7), 7.0)]:
        assert t.shape == x.shape and t.dtype == np.float64 and (t.data == v).all()
    assert ag.zeros_like(np.zeros(3, np.int32)).dtype == np.int32
    assert ag.ones_like(x, requires_grad=True).requires_grad


def test_ranges_match_torch() -> None:
    torch = optional("torch", "torch")
    for ours, theirs in [
        (ag.arange(5), torch.arange(5)),
        (ag.arange(2, 9, 3), torch.arange(2, 9, 3)),
        (ag.arange(0, 1, 0.25), torch.arange(0, 1, 0.25)),
        (ag.arange(5, 0, -2), torch.arange(5, 0, -2)),
        (ag.linspace(-1, 1, 5), torch.linspace(-1, 1, 5)),
        (ag.linspace(0, 1, 1), torch.linspace(0, 1, 1)),
        (ag.eye(3), torch.eye(3)),
        (ag.eye(2, 4), torch.eye(2, 4)),
    ]:
        assert ours.shape == tuple(theirs.shape)
        assert ours.dtype == theirs.numpy().dtype, (ours.dtype, theirs.dtype)
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)
    assert ag.arange(3, dtype=np.float64).dtype == np.float64


def test_random_shapes_ranges_and_dtypes() -> None:
    r, n = ag.rand(200, 3), ag.randn(2, 3, dtype=np.float64)
    assert r.shape == (200, 3) and r.dtype == np.float32 and 0 <= r.data.min() and r.data.max() < 1
    assert n.shape == (2, 3) and n.dtype == np.float64
    i = ag.randint(2, 5, (100,))
    assert i.dtype == np.int64 and set(np.unique(i.data)) <= {2, 3, 4} and not i.requires_grad
    assert ag.randint(3, shape=(4,)).data.max() < 3
    assert ag.randn(3, requires_grad=True).requires_grad


def test_manual_seed_reproduces_every_random_function() -> None:
    def draw():
        return ag.rand(3).data, ag.randn(2, 2).data, ag.randint(0, 100, (5,)).data

    ag.manual_seed(123)
    first = draw()
    ag.manual_seed(123)
    second = draw()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    ag.manual_seed(124)
    assert not np.array_equal(draw()[0], first[0])
    # one generator: what other modules draw from is what manual_seed reset
    ag.manual_seed(7)
    a = default_generator().random()
    ag.manual_seed(7)
    assert default_generator().random() == a


def test_manual_seed_rejects_non_integers() -> None:
    with pytest.raises(TypeError, match="manual_seed"):
        ag.manual_seed(1.5)


def test_from_numpy_shares_memory_and_keeps_the_dtype() -> None:
    a = np.arange(4.0)
    t = ag.from_numpy(a)
    assert t.dtype == np.float64 and np.shares_memory(t.data, a)
    a[0] = 10.0
    assert t.tolist()[0] == 10.0
    with pytest.raises(TypeError, match="from_numpy"):
        ag.from_numpy([1.0, 2.0])


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="randint: empty range"):
        ag.randint(3, 3, (2,))
    with pytest.raises(ValueError, match="arange: step"):
        ag.arange(0, 3, 0)
    with pytest.raises(ValueError, match="linspace"):
        ag.linspace(0, 1, -1)
    with pytest.raises(ag.AutogradError):
        ag.zeros(2, dtype=np.int64, requires_grad=True)
