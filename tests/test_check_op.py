"""check_op: a battery of deliberately broken ops, each caught with the property
it breaks; correct ops (smooth, kinked, broadcasting, reducing) never flagged.

The ops here are applied, never registered (except where registration itself is
tested, and removed again), so the registry tests never see them.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mlp as ag
from autograd_mlp.op import REGISTRY
from autograd_mlp.testing import GradcheckError, check_op, set_default_examples
from autograd_mlp.testing.strategies import NoStrategyError, known_signatures


def cube_reference(x):
    return x**3


# --------------------------------------------------------------------------- correct ops
class Cube(ag.Op):
    """``x³``.

    Derivative: 3x²
    """

    name = "test_cube"
    signature = "unary"
    reference = staticmethod(cube_reference)

    def forward(self, x):
        return x**3

    def backward(self, g, out, x):
        return (3 * g * x * x,)


class Magnitude(ag.Op):
    """``|x|``, kinked at 0.

    Derivative: sign(x)
    """

    name = "test_magnitude"
    signature = "unary"
    reference = staticmethod(np.abs)
    kinks = (0.0,)

    def forward(self, x):
        self.save(sign=np.sign(x))
        return np.abs(x)

    def backward(self, g, out, x):
        return (g * self.saved.sign,)  # a constant: |x|'' = 0 away from the kink


class MulAdd(ag.Op):
    """``x·y + x``, broadcasting.

    Derivative: (y + 1, x)
    """

    name = "test_muladd"
    signature = "binary"
    reference = staticmethod(lambda x, y: x * y + x)

    def forward(self, x, y):
        return x * y + x

    def backward(self, g, out, x, y):
        return g * (y + 1), g * x  # broadcast shapes: the engine sums them down


class SumSquares(ag.Op):
    """``sum(x², axis)``.

    Derivative: 2x
    """

    name = "test_sum_squares"
    signature = "reduce"

    @staticmethod
    def reference(x, axis=None, keepdims=False):
        return np.sum(x * x, axis=axis, keepdims=keepdims)

    def forward(self, x, axis=None, keepdims=False):
        self.save(axis=axis, keepdims=keepdims)
        return np.asarray(np.sum(x * x, axis=axis, keepdims=keepdims))

    def backward(self, g, out, x):
        axis, keepdims = self.saved.axis, self.saved.keepdims
        if not keepdims and axis is not None:
            axes = (axis,) if isinstance(axis, int) else axis
            g = g.reshape([1 if i in {a % x.ndim for a in axes} else n for i, n in
                           enumerate(x.shape)])  # fmt: skip
        elif not keepdims:
            g = g.reshape([1] * x.ndim)
        return (2 * g * x,)


@pytest.mark.parametrize("op", [Cube, Magnitude, MulAdd, SumSquares], ids=lambda c: c.name)
def test_correct_ops_never_raise(op) -> None:
    assert check_op(op, examples=200) is True


# --------------------------------------------------------------------------- broken ops
class WrongFactor(Cube):
    """Derivative: (wrong on purpose) 2x² instead of 3x²"""

    name = "test_wrong_factor"

    def backward(self, g, out, x):
        return (2 * g * x * x,)


class FrozenSlope(Cube):
    """Right first derivative, but 3x² saved as a constant: second order lost.

    Derivative: 3x²
    """

    name = "test_frozen_slope"

    def forward(self, x):
        self.save(slope=3 * x * x)
        return x**3

    def backward(self, g, out, x):
        return (g * self.saved.slope,)


class WrongShape(Cube):
    """Derivative: 3x², returned with an extra axis"""

    name = "test_wrong_shape"

    def backward(self, g, out, x):
        return ((3 * g * x * x)[..., None],)


class MutatesInput(Cube):
    """Derivative: 3x² (forward scribbles on its input)"""

    name = "test_mutates_input"

    def forward(self, x):
        out = x**3
        x *= 1.5
        return out


class MutatesInBackward(Cube):
    """Derivative: 3x² (backward writes into the output it was given)"""

    name = "test_mutates_in_backward"

    def backward(self, g, out, x):
        out *= 0
        return (3 * g * x * x,)


class AliasesOutput(ag.Op):
    """``exp(x)`` whose backward hands the output buffer back as the gradient.

    Derivative: exp(x) (but g is ignored)
    """

    name = "test_aliases_output"
    signature = "unary"
    reference = staticmethod(np.exp)

    def forward(self, x):
        return np.exp(x)

    def backward(self, g, out, x):
        return (out,)


class OffReference(Cube):
    """Derivative: 3x² (the forward is off by a little)"""

    name = "test_off_reference"

    def forward(self, x):
        return x**3 + 1e-6


@pytest.mark.parametrize(
    "op, prop",
    [
        (WrongFactor, "first order"),
        (FrozenSlope, "second order"),
        (WrongShape, "gradients have the inputs' shapes"),
        (MutatesInput, "forward does not mutate its inputs"),
        (MutatesInBackward, "backward does not mutate"),
        (AliasesOutput, "gradients share no memory"),
        (OffReference, "forward matches reference"),
    ],
    ids=lambda v: v.name if isinstance(v, type) else None,
)
def test_broken_ops_are_caught(op, prop) -> None:
    with pytest.raises(GradcheckError) as info:
        check_op(op, examples=50)
    err = info.value
    assert err.property == prop, str(err)
    assert f"check_op({op.name}): property '{prop}'" in str(err)
    assert err.counterexample and "input 0: shape" in err.counterexample
    assert err.counterexample in str(err)


def test_counter_example_is_shrunk() -> None:
    with pytest.raises(GradcheckError) as info:
        check_op(WrongShape, examples=50)
    # the smallest input for which an extra axis cannot be fitted: one side of 2
    assert "input 0: shape (2,)" in info.value.counterexample


# --------------------------------------------------------------------------- describing an op
def test_registered_op_uses_its_registry_entry() -> None:
    @ag.register_op("unary", reference=lambda x: x**3)
    class RegisteredCube(ag.Op):
        """Derivative: 3x²"""

        name = "test_registered_cube"

        def forward(self, x):
            return x**3

        def backward(self, g, out, x):
            return (2 * g * x * x,)  # wrong: check_op must find it from the registry alone

    try:
        with pytest.raises(GradcheckError, match="first order"):
            check_op(RegisteredCube, examples=20)
    finally:
        REGISTRY.pop("test_registered_cube")


def test_keywords_describe_a_bare_op_and_override_attributes() -> None:
    class Bare(ag.Op):
        """Derivative: 1/x"""

        name = "test_bare_log"

        def forward(self, x):
            return np.log(x)

        def backward(self, g, out, x):
            return (g / x,)

    assert check_op(Bare, signature="unary", reference=np.log, domain="positive", examples=20)
    with pytest.raises(GradcheckError, match="forward matches reference"):
        check_op(Cube, reference=lambda x: x**2, examples=5)
    # declaring Cube non-smooth skips the second order, so FrozenSlope passes
    assert check_op(FrozenSlope, smooth=False, examples=20)


def test_op_without_signature_lists_the_signatures_that_exist() -> None:
    class NoSignature(ag.Op):
        name = "test_no_signature"

        def forward(self, x):
            return x

        def backward(self, g, out, x):
            return (g,)

    with pytest.raises(NoStrategyError) as info:
        check_op(NoSignature)
    message = str(info.value)
    assert "NoSignature" in message and "has no signature" in message
    for signature in ("unary", "binary", "reduce"):
        assert repr(signature) in message
    assert set(known_signatures()) >= {"unary", "binary", "reduce"}
    with pytest.raises(NoStrategyError, match="no_such_kind.*known signatures"):
        check_op(NoSignature, signature="no_such_kind")


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((int,), TypeError, "subclass of ag.Op"),
        ((Cube,), ValueError, "examples must be an int >= 1"),
    ],
)
def test_bad_arguments(args, error, match) -> None:
    kwargs = {"examples": 0} if error is ValueError else {}
    with pytest.raises(error, match=match):
        check_op(*args, **kwargs)


def test_default_example_count_can_be_set_for_a_run() -> None:
    calls = []

    def counting_reference(x):  # called once per example
        calls.append(1)
        return x**3

    def examples_run(n):
        calls.clear()
        previous = set_default_examples(n)
        try:
            check_op(Cube, reference=counting_reference, smooth=False)
        finally:
            set_default_examples(previous)
        return len(calls)

    assert 1 <= examples_run(3) <= 3
    assert 3 < examples_run(12) <= 12
    assert repr(check_op.__kwdefaults__["examples"]) == "50"
    with pytest.raises(ValueError, match=">= 1"):
        set_default_examples(0)


def test_an_op_with_integer_output_is_checked_for_its_forward_only() -> None:
    class Sign(ag.Op):
        """Derivative: none (integer output)"""

        name = "test_int_sign"
        signature = "unary"
        reference = staticmethod(lambda x: np.sign(x).astype(np.int64))

        def forward(self, x):
            return np.sign(x).astype(np.int64)

        def backward(self, g, out, x):
            raise AssertionError("never called: an integer output has no gradient")

    assert check_op(Sign, examples=10)
    with pytest.raises(GradcheckError, match="forward matches reference"):
        check_op(Sign, reference=lambda x: np.sign(x), examples=10)  # float64: wrong dtype
