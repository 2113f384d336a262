"""Every registered op, enumerated from the registry: forward against its numpy
reference, first derivatives by gradcheck, second derivatives by gradgradcheck.

Nothing here names an op: registering a new op adds it to every test below, and
an op whose signature has no input strategy fails ``test_op_is_covered``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from autograd_mlp import Tensor
from autograd_mlp.op import REGISTRY, apply
from autograd_mlp.testing import gradcheck, gradgradcheck
from autograd_mlp.testing.strategies import NoStrategyError, has_strategy, op_inputs

OPS = sorted(REGISTRY)
SMOOTH = [name for name in OPS if REGISTRY[name].smooth]
# Forward tolerances: the op and its reference may round differently (fused vs
# composed formulas), by a few ulps of the dtype.
FORWARD_TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=2e-5, atol=1e-6)}


def _arrays(args: tuple) -> list:
    return [a.data if isinstance(a, Tensor) else a for a in args]


def _applied(spec, attrs):
    def fn(*xs):
        return apply(spec.cls, xs, attrs)

    return fn


@pytest.mark.parametrize("name", OPS)
def test_op_is_covered(name: str) -> None:
    spec = REGISTRY[name]
    if not has_strategy(spec):
        pytest.fail(
            f"op {name!r} has signature {spec.signature!r} with no input strategy in "
            "autograd_mlp.testing.strategies; add one with register_signature"
        )
    assert spec.reference is not None, f"op {name!r} has no numpy reference"
    doc = spec.cls.__doc__ or ""
    assert any(line.strip().startswith("Derivative:") for line in doc.splitlines()), (
        f"op {name!r}: its docstring needs a 'Derivative:' line (the docs' op table reads it)"
    )
    assert spec.derivative, f"op {name!r}: the 'Derivative:' line is empty"


def test_unknown_signature_has_no_strategy() -> None:
    fake = REGISTRY["exp"].__class__(
        name="fake", cls=REGISTRY["exp"].cls, signature="no_such_signature", reference=None
    )
    with pytest.raises(NoStrategyError, match="'fake'.*no_such_signature"):
        op_inputs(fake)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", OPS)
def test_forward_matches_reference(name: str, dtype: type) -> None:
    spec = REGISTRY[name]

    @given(op_inputs(spec, dtype=dtype))
    def check(inputs: tuple) -> None:
        args, attrs = inputs
        before = [a.copy() for a in _arrays(args)]
        out = apply(spec.cls, args, attrs)
        expected = np.asarray(spec.reference(*before, **attrs))
        assert out.shape == expected.shape, f"{name}: shape {out.shape} != {expected.shape}"
        assert out.dtype == expected.dtype, f"{name}: dtype {out.dtype} != {expected.dtype}"
        np.testing.assert_allclose(out.data, expected, **FORWARD_TOL[dtype], err_msg=name)
        for a, b in zip(_arrays(args), before):
            np.testing.assert_array_equal(a, b, err_msg=f"{name} modified its input")

    check()


@pytest.mark.parametrize("name", OPS)
def test_gradient_shapes_and_dtypes(name: str) -> None:
    # float32 inputs: every input's gradient comes back with its own shape and dtype.
    spec = REGISTRY[name]

    @given(op_inputs(spec, dtype=np.float32))
    def check(inputs: tuple) -> None:
        args, attrs = inputs
        out = apply(spec.cls, args, attrs)
        out.backward(np.ones(out.shape, dtype=out.dtype))
        for i, a in enumerate(args):
            assert a.grad is not None, f"{name}: input {i} got no gradient"
            assert a.grad.shape == a.shape, f"{name}: input {i} grad shape {a.grad.shape}"
            assert a.grad.dtype == a.dtype, f"{name}: input {i} grad dtype {a.grad.dtype}"

    check()


@pytest.mark.parametrize("name", OPS)
def test_gradcheck(name: str) -> None:
    spec = REGISTRY[name]

    @given(op_inputs(spec))
    def check(inputs: tuple) -> None:
        args, attrs = inputs
        assert gradcheck(_applied(spec, attrs), args)

    check()


@pytest.mark.parametrize("name", SMOOTH)
def test_gradgradcheck(name: str) -> None:
    spec = REGISTRY[name]

    @given(op_inputs(spec))
    def check(inputs: tuple) -> None:
        args, attrs = inputs
        assert gradgradcheck(_applied(spec, attrs), args)

    check()
