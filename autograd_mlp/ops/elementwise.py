"""Elementwise ops: arithmetic with broadcasting, and the unary functions.

Each backward returns the gradient at the *broadcast* shape; the engine sums it
back to each input's shape (see :func:`autograd_mlp.engine.sum_to_shape`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..op import Op, dispatch, register
from ..tensor import Tensor


@register("binary", np.add)
class Add(Op):
    """Sum ``x + y``.

    Derivative: d/dx = 1, d/dy = 1
    """

    name = "add"
    uses_inputs = False
    uses_output = False

    def forward(self, x, y):
        return x + y

    def backward(self, g, out, x, y):
        return g, g


@register("binary", np.subtract)
class Sub(Op):
    """Difference ``x - y``.

    Derivative: d/dx = 1, d/dy = -1
    """

    name = "sub"
    uses_inputs = False
    uses_output = False

    def forward(self, x, y):
        return x - y

    def backward(self, g, out, x, y):
        return g, -g


@register("binary", np.multiply)
class Mul(Op):
    """Product ``x * y``.

    Derivative: d/dx = y, d/dy = x
    """

    name = "mul"
    uses_output = False

    def forward(self, x, y):
        return x * y

    def backward(self, g, out, x, y):
        need_x, need_y = self.needs_input_grad
        return (g * y if need_x else None), (g * x if need_y else None)


@register("binary", np.divide, domain="nonzero")
class Div(Op):
    """Quotient ``x / y``.

    Derivative: d/dx = 1/y, d/dy = -x/y² = -out/y
    """

    name = "div"

    def forward(self, x, y):
        return x / y

    def backward(self, g, out, x, y):
        need_x, need_y = self.needs_input_grad
        gx = g / y
        return (gx if need_x else None), (-gx * out if need_y else None)


@register("binary", np.power, domain="positive")
class Pow(Op):
    """Power ``x ** y``; the base must be positive wherever ``y`` needs a gradient.

    Derivative: d/dx = y·x^(y-1) (0 where y = 0), d/dy = out·log(x) (0 where x = 0 and y ≥ 0)
    """

    name = "pow"

    def forward(self, x, y):
        return x**y

    def backward(self, g, out, x, y):
        # PyTorch's masks: where the derivative is 0 by continuity (x**0, 0**y)
        # the formula's 0·inf is replaced by 0. The masked-out branch also gets
        # a harmless base (1), so higher orders see no inf or NaN either.
        need_x, need_y = self.needs_input_grad
        gx = gy = None
        if need_x:
            if isinstance(y, (int, float)):
                gx = _zeros(x) if y == 0 else g * y * x ** (y - 1)
            else:
                zero = _value(y) == 0
                gx = where(g * y * where(x, 1, cond=~zero) ** (y - 1), 0, cond=~zero)
        if need_y:
            flat = (_value(x) == 0) & (_value(y) >= 0)
            gy = where(g * out * log(where(x, 1, cond=~flat)), 0, cond=~flat)
        return gx, gy


def _value(a: Any) -> Any:
    """The array behind a Tensor (or the array or number itself): masks are constants."""
    return a.data if isinstance(a, Tensor) else np.asarray(a)


def _zeros(like: Any) -> np.ndarray:
    """A constant zero gradient of ``like``'s shape and float dtype."""
    v = _value(like)
    return np.zeros(v.shape, dtype=v.dtype if v.dtype.kind == "f" else np.float64)


@register("unary", np.negative)
class Neg(Op):
    """Negation ``-x``.

    Derivative: d/dx = -1
    """

    name = "neg"
    uses_inputs = False
    uses_output = False

    def forward(self, x):
        return -x

    def backward(self, g, out, x):
        return (-g,)


@register("unary", np.exp)
class Exp(Op):
    """Exponential ``e**x``.

    Derivative: d/dx = e**x = out
    """

    name = "exp"
    uses_inputs = False

    def forward(self, x):
        return np.exp(x)

    def backward(self, g, out, x):
        return (g * out,)


@register("unary", np.log, domain="positive")
class Log(Op):
    """Natural logarithm, defined for ``x > 0``.

    Derivative: d/dx = 1/x
    """

    name = "log"
    uses_output = False

    def forward(self, x):
        return np.log(x)

    def backward(self, g, out, x):
        return (g / x,)


@register("unary", np.sqrt, domain="positive")
class Sqrt(Op):
    """Square root, differentiable for ``x > 0``.

    Derivative: d/dx = 1 / (2·sqrt(x)) = 0.5 / out
    """

    name = "sqrt"
    uses_inputs = False

    def forward(self, x):
        return np.sqrt(x)

    def backward(self, g, out, x):
        return (g * 0.5 / out,)


@register("unary", np.abs, kinks=(0.0,))
class Abs(Op):
    """Absolute value ``|x|``.

    Derivative: d/dx = sign(x); at the kink x = 0 we return 0, as PyTorch does
    """

    name = "abs"
    uses_output = False

    def forward(self, x):
        return np.abs(x)

    def backward(self, g, out, x):
        return (g * np.sign(_value(x)),)


@register("unary", lambda x: np.maximum(x, 0), kinks=(0.0,))
class Relu(Op):
    """Rectified linear unit ``max(x, 0)``.

    Derivative: d/dx = 1 where x > 0, else 0 (also at the kink x = 0, as PyTorch)
    """

    name = "relu"
    uses_inputs = False

    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, g, out, x):
        # out > 0 exactly where x > 0: no mask is computed or kept by forward,
        # so inference (no_grad) pays only for the maximum. The mask is cast to
        # g's dtype first: numpy multiplies float by bool through a buffered
        # cast, which measured slower than the cast plus a float multiply.
        return (g * (out > 0).astype(g.dtype),)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # exp of a non-positive number never overflows, and neither branch divides
    # two tiny numbers, so this is exact-ish for every float including ±1e4.
    # One division, 1/(1+e) or e/(1+e) by sign: the same values as two
    # divisions picked by np.where, 12 % cheaper on a batch of 8.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


@register("unary", _sigmoid)
class Sigmoid(Op):
    """Logistic function ``1 / (1 + e**-x)``, computed without overflow.

    Derivative: d/dx = out·(1 - out)
    """

    name = "sigmoid"
    uses_inputs = False

    def forward(self, x):
        return _sigmoid(x)

    def backward(self, g, out, x):
        return (g * out * (1 - out),)


@register("unary", np.tanh)
class Tanh(Op):
    """Hyperbolic tangent.

    Derivative: d/dx = 1 - tanh(x)² = 1 - out²
    """

    name = "tanh"
    uses_inputs = False

    def forward(self, x):
        return np.tanh(x)

    def backward(self, g, out, x):
        return (g * (1 - out * out),)


@register("clip", lambda x, lo, hi: np.clip(x, lo, hi))
class Clip(Op):
    """Clamp to ``[lo, hi]``; either bound may be ``None``.

    Derivative: d/dx = 1 where lo ≤ x ≤ hi, else 0 (bounds inclusive, as torch.clamp)
    """

    name = "clip"
    uses_output = False

    def forward(self, x, lo=None, hi=None):
        if lo is not None and hi is not None and np.any(np.asarray(lo) > np.asarray(hi)):
            raise ValueError(f"lower bound {lo} is above upper bound {hi}")
        return np.clip(x, lo, hi)

    def backward(self, g, out, x):
        # The mask is a constant (the derivative of a mask is 0 almost everywhere).
        x, lo, hi = _value(x), self.attrs.get("lo"), self.attrs.get("hi")
        mask = np.ones(x.shape, dtype=bool)
        if lo is not None:
            mask &= x >= lo
        if hi is not None:
            mask &= x <= hi
        return (g * mask,)


@register("astype", lambda x, dtype: x.astype(dtype), internal=True)
class AsType(Op):
    """Cast to another dtype.

    Derivative: d/dx = 1 (the gradient is cast back to the input's dtype)
    """

    name = "astype"
    uses_inputs = False
    uses_output = False

    def forward(self, x, dtype):
        return x.astype(dtype)

    def backward(self, g, out, x):
        return (g,)


@register("where", lambda a, b, cond: np.asarray(np.where(cond, a, b)))
class Where(Op):
    """Elementwise choice ``cond ? a : b`` (``cond`` a constant boolean mask).

    Derivative: d/da = 1 where cond, else 0; d/db = 1 where not cond, else 0
    """

    name = "where"
    uses_inputs = False
    uses_output = False

    def forward(self, a, b, cond):
        return np.where(cond, a, b)

    def backward(self, g, out, a, b):
        cond = self.attrs["cond"]
        need_a, need_b = self.needs_input_grad
        return (where(g, 0, cond=cond) if need_a else None), (
            where(0, g, cond=cond) if need_b else None
        )


class _Extremum2(Op):
    """maximum and minimum: where ``x`` and ``y`` tie, each gets half the
    gradient, as ``torch.maximum`` does."""

    uses_inputs = False
    uses_output = False
    pick: Any = None

    def forward(self, x, y):
        out = self.pick(x, y)
        wins = (out == x).astype(np.result_type(out.dtype, np.float32))
        # (out == y) as well: a tie gives each side 0.5
        wins -= 0.5 * ((out == y) & (x == y))
        self.save(share=wins)
        return out

    def backward(self, g, out, x, y):
        share = self.saved.share
        need_x, need_y = self.needs_input_grad
        return (g * share if need_x else None), (g * (1 - share) if need_y else None)


@register("binary_ties", np.maximum, ties=True)
class Maximum(_Extremum2):
    """Elementwise larger of ``x`` and ``y``.

    Derivative: d/dx = 1 where x > y, 0 where x < y, ½ at ties (d/dy likewise)
    """

    name = "maximum"
    pick = staticmethod(np.maximum)


@register("binary_ties", np.minimum, ties=True)
class Minimum(_Extremum2):
    """Elementwise smaller of ``x`` and ``y``.

    Derivative: d/dx = 1 where x < y, 0 where x > y, ½ at ties (d/dy likewise)
    """

    name = "minimum"
    pick = staticmethod(np.minimum)


@register("unary", np.sign, kinks=(0.0,), smooth=False)
class Sign(Op):
    """Sign of ``x``: -1, 0 or 1.

    Derivative: d/dx = 0 everywhere (also at x = 0, as PyTorch)
    """

    name = "sign"
    uses_inputs = False
    uses_output = False

    def forward(self, x):
        return np.sign(x)

    def backward(self, g, out, x):
        return (_zeros(g),)


@register("unary", np.log1p, domain="positive")
class Log1p(Op):
    """``log(1 + x)``, accurate for tiny ``x``; defined for ``x > -1``.

    Derivative: d/dx = 1 / (1 + x)
    """

    name = "log1p"
    uses_output = False

    def forward(self, x):
        return np.log1p(x)

    def backward(self, g, out, x):
        return (g / (1 + x),)


@register("unary", np.expm1)
class Expm1(Op):
    """``e**x - 1``, accurate for tiny ``x``.

    Derivative: d/dx = e**x = out + 1
    """

    name = "expm1"
    uses_inputs = False

    def forward(self, x):
        return np.expm1(x)

    def backward(self, g, out, x):
        return (g * (out + 1),)


@register("unary", np.sin)
class Sin(Op):
    """Sine.

    Derivative: d/dx = cos(x)
    """

    name = "sin"
    uses_output = False

    def forward(self, x):
        return np.sin(x)

    def backward(self, g, out, x):
        return (g * cos(x),)


@register("unary", np.cos)
class Cos(Op):
    """Cosine.

    Derivative: d/dx = -sin(x)
    """

    name = "cos"
    uses_output = False

    def forward(self, x):
        return np.cos(x)

    def backward(self, g, out, x):
        return (-(g * sin(x)),)


@register("unary", np.tan, kinks=(-np.pi / 2, np.pi / 2))
class Tan(Op):
    """Tangent (poles at odd multiples of π/2).

    Derivative: d/dx = 1 + tan(x)² = 1 + out²
    """

    name = "tan"
    uses_inputs = False

    def forward(self, x):
        return np.tan(x)

    def backward(self, g, out, x):
        return (g * (1 + out * out),)


_math_erf = np.frompyfunc(math.erf, 1, 1)


def _erf(x: np.ndarray) -> np.ndarray:
    # numpy has no erf; math.erf is correctly rounded to float64 (a C libm call
    # per element: fine for the sizes an erf-based GELU sees in this package).
    x = np.asarray(x)
    # integer/bool input promotes as np.exp's does (casting back would truncate)
    dtype = x.dtype if x.dtype.kind == "f" else np.result_type(x.dtype, np.float16)
    return np.asarray(_math_erf(x), dtype=np.float64).astype(dtype, copy=False)


@register("unary", _erf)
class Erf(Op):
    """The error function ``2/√π ∫₀ˣ e^(-t²) dt``.

    Derivative: d/dx = 2/√π · e^(-x²)
    """

    name = "erf"
    uses_output = False

    def forward(self, x):
        return _erf(x)

    def backward(self, g, out, x):
        return (g * _TWO_OVER_SQRT_PI * exp(-(x * x)),)


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


# The functional forms. Each takes Tensors (recording a node) or plain arrays
# (computing the value only), which is what lets backward formulas call them.
def add(x: Any, y: Any) -> Any:
    return dispatch(Add, x, y)


def sub(x: Any, y: Any) -> Any:
    return dispatch(Sub, x, y)


def mul(x: Any, y: Any) -> Any:
    return dispatch(Mul, x, y)


def div(x: Any, y: Any) -> Any:
    return dispatch(Div, x, y)


def pow(x: Any, y: Any) -> Any:  # noqa: A001 - mirrors operator.pow
    return dispatch(Pow, x, y)


def neg(x: Any) -> Any:
    return dispatch(Neg, x)


def exp(x: Any) -> Any:
    return dispatch(Exp, x)


def log(x: Any) -> Any:
    return dispatch(Log, x)


def sqrt(x: Any) -> Any:
    return dispatch(Sqrt, x)


def abs(x: Any) -> Any:  # noqa: A001
    return dispatch(Abs, x)


def relu(x: Any) -> Any:
    return dispatch(Relu, x)


def sigmoid(x: Any) -> Any:
    return dispatch(Sigmoid, x)


def tanh(x: Any) -> Any:
    return dispatch(Tanh, x)


def clip(x: Any, lo: Any = None, hi: Any = None) -> Any:
    return dispatch(Clip, x, lo=lo, hi=hi)


def astype(x: Any, dtype: Any) -> Any:
    return dispatch(AsType, x, dtype=dtype)


def where(a: Any, b: Any, cond: Any) -> Any:
    return dispatch(Where, a, b, cond=cond)


def maximum(x: Any, y: Any) -> Any:
    return dispatch(Maximum, x, y)


def minimum(x: Any, y: Any) -> Any:
    return dispatch(Minimum, x, y)


def sign(x: Any) -> Any:
    return dispatch(Sign, x)


def log1p(x: Any) -> Any:
    return dispatch(Log1p, x)


def expm1(x: Any) -> Any:
    return dispatch(Expm1, x)


def sin(x: Any) -> Any:
    return dispatch(Sin, x)


def cos(x: Any) -> Any:
    return dispatch(Cos, x)


def tan(x: Any) -> Any:
    return dispatch(Tan, x)


def erf(x: Any) -> Any:
    return dispatch(Erf, x)


# Compositions: exact in terms of the primitives above, so no rules of their own.
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


def log2(x: Any) -> Any:
    return log(x) * (1.0 / _LN2)


def log10(x: Any) -> Any:
    return log(x) * (1.0 / _LN10)


def exp2(x: Any) -> Any:
    return exp(x * _LN2)


def reciprocal(x: Any) -> Any:
    return div(1.0, x)


def rsqrt(x: Any) -> Any:
    return pow(x, -0.5)


def square(x: Any) -> Any:
    return mul(x, x)
