"""Operand shapes that do not fit are a ``ShapeError`` (an ``OpError`` and a
``ValueError``) naming the op and the shapes, whichever op finds out."""

from __future__ import annotations

import pytest

import autograd_mlp as ag


@pytest.mark.parametrize(
    ("fn", "op"),
    [
        (lambda: ag.ones(2) * ag.ones(3), "mul: inputs (2,), (3,)"),
        (lambda: ag.ones(2).reshape(3), "reshape: inputs (2,)"),
        (lambda: ag.cat([ag.ones((2, 2)), ag.ones((3, 3))]), "concatenate: inputs (2, 2), (3, 3)"),
        (lambda: ag.stack([ag.ones(2), ag.ones(3)]), "stack: inputs (2,), (3,)"),
        (lambda: ag.ones(2).broadcast_to((3,)), "broadcast_to: inputs (2,)"),
        (lambda: ag.ones((32, 784)) @ ag.ones((128, 10)), "matmul: (32, 784) @ (128, 10)"),
    ],
)
def test_mismatched_shapes_are_shape_errors(fn, op) -> None:
    with pytest.raises(ag.ShapeError) as info:
        fn()
    assert isinstance(info.value, ValueError) and op in str(info.value)
