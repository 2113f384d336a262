"""Every registered op, enumerated from the registry and checked by ``check_op``,
the same one-line property test users run on their own ops: forward against its
numpy reference (float64 and float32), no mutated inputs, gradient shapes,
dtypes and memory, first derivatives by gradcheck, second derivatives by
gradgradcheck for smooth ops (see ``autograd_mlp/testing/check.py``).

Nothing here names an op: registering a new op adds it to every test below, and
an op whose signature has no input strategy fails ``test_op_is_covered``. The
number of examples per op is the hypothesis profile's (25), or
``--gradcheck-examples N``.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograd_mlp.op import REGISTRY
from autograd_mlp.testing import check_op
from autograd_mlp.testing.strategies import NoStrategyError, has_strategy, op_inputs

OPS = sorted(REGISTRY)


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


@pytest.mark.parametrize("name", OPS)
def test_check_op(name: str) -> None:
    assert check_op(REGISTRY[name].cls)


@pytest.mark.parametrize("name", OPS)
def test_check_op_float32(name: str) -> None:
    assert check_op(REGISTRY[name].cls, dtype=np.float32)
