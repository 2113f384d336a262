"""The speed-ups that replaced numpy helpers give numpy's values, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_mlp.engine import sum_to_shape
from autograd_mlp.ops.elementwise import _sigmoid
from autograd_mlp.ops.reductions import Mean


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_mean_is_np_mean_bit_for_bit(dtype):
    rng = np.random.default_rng(0)
    for _ in range(300):
        nd = int(rng.integers(1, 4))
        shape = tuple(int(n) for n in rng.integers(1, 30, nd))
        x = (rng.normal(size=shape) * rng.choice([1e-3, 1.0, 1e3])).astype(dtype)
        axis = [None, *range(-nd, nd), tuple(range(nd))][int(rng.integers(2 * nd + 2))]
        keepdims = bool(rng.integers(2))
        got = Mean().forward(x, axis=axis, keepdims=keepdims)
        want = np.asarray(np.mean(x, axis=axis, keepdims=keepdims))
        assert got.dtype == want.dtype and got.shape == want.shape
        assert np.array_equal(got, want), (shape, axis, keepdims)


def test_sigmoid_single_division_keeps_the_values():
    x = np.random.default_rng(1).normal(scale=30, size=10_000).astype(np.float32)
    e = np.exp(-np.abs(x))
    two_divisions = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    assert np.array_equal(_sigmoid(x), two_divisions)
    assert _sigmoid(np.float32([-1e4, 1e4])).tolist() == [0.0, 1.0]


def test_sum_to_shape_broadcasts_into_a_fresh_array():
    g = np.arange(3.0).reshape(3, 1)
    up = sum_to_shape(g, (2, 3, 4))
    assert np.array_equal(up, np.broadcast_to(g, (2, 3, 4)))
    assert up.base is None and up.flags.writeable  # a leaf may keep it as .grad
