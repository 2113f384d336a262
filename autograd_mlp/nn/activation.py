"""Activation layers: a :class:`~autograd_mlp.nn.Module` for each function of ``F``.

Constructor arguments, defaults and ``repr`` are PyTorch's. ``inplace`` is
accepted for compatibility; the result is always a new tensor (the value is the
same, the input is left as it was).
"""

from __future__ import annotations

from typing import Any

from .. import functional as F
from ..tensor import Tensor
from .module import Module

__all__ = [
    "CELU",
    "ELU",
    "GELU",
    "SELU",
    "Hardsigmoid",
    "Hardswish",
    "Hardtanh",
    "LeakyReLU",
    "LogSigmoid",
    "LogSoftmax",
    "Mish",
    "ReLU",
    "ReLU6",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Softsign",
    "Tanh",
]


def _axis(owner: str, axis: int | None, dim: int | None) -> int:
    if dim is not None and axis is not None and axis != -1:
        raise TypeError(f"{owner}: pass axis= or dim=, not both")
    value = dim if dim is not None else axis
    return -1 if value is None else int(value)


class _Inplace(Module):
    """An activation with PyTorch's (ignored) ``inplace`` flag."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = bool(inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class ReLU(_Inplace):
    """Elementwise ``max(x, 0)``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ReLU()(ag.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def forward(self, x: Any) -> Tensor:
        return F.relu(x)


class Sigmoid(Module):
    """Elementwise logistic function ``1 / (1 + exp(-x))``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.nn.Sigmoid()(ag.tensor([0.0])).tolist()
    [0.5]
    """

    def forward(self, x: Any) -> Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    """Elementwise hyperbolic tangent.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.nn.Tanh()(ag.tensor([0.0])).tolist()
    [0.0]
    """

    def forward(self, x: Any) -> Tensor:
        return F.tanh(x)


class Softmax(Module):
    """Softmax along ``axis`` (PyTorch's ``dim`` also accepted; default the last).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> Softmax(dim=0)(ag.tensor([0.0, 0.0]))
    tensor([0.5, 0.5])
    """

    def __init__(self, axis: int | None = -1, *, dim: int | None = None) -> None:
        super().__init__()
        self.axis = _axis(type(self).__name__, axis, dim)

    def forward(self, x: Any) -> Tensor:
        return F.softmax(x, axis=self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class LogSoftmax(Softmax):
    """Log-softmax along ``axis`` (default the last).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> m = ag.nn.LogSoftmax(dim=1)
    >>> m
    LogSoftmax(axis=1)
    >>> m(ag.tensor([[1.0, 1.0]])).exp().tolist()
    [[0.5, 0.5]]
    """

    def forward(self, x: Any) -> Tensor:
        return F.log_softmax(x, axis=self.axis)


class LeakyReLU(_Inplace):
    """``x`` for ``x >= 0``, ``negative_slope * x`` below.

    Examples
    --------
    >>> LeakyReLU(0.2)
    LeakyReLU(negative_slope=0.2)
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.negative_slope = negative_slope

    def forward(self, x: Any) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(_Inplace):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` below.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.nn.ELU(alpha=2.0)(ag.tensor([3.0, -100.0])).tolist()
    [3.0, -2.0]
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.alpha = alpha

    def forward(self, x: Any) -> Tensor:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class CELU(ELU):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.nn.CELU(alpha=2.0)(ag.tensor([3.0, -100.0])).tolist()
    [3.0, -2.0]
    """

    def forward(self, x: Any) -> Tensor:
        return F.celu(x, self.alpha)


class SELU(_Inplace):
    """Scaled ELU with the self-normalising constants of Klambauer et al.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> round(ag.nn.SELU()(ag.tensor([1.0])).item(), 4)
    1.0507
    """

    def forward(self, x: Any) -> Tensor:
        return F.selu(x)


class GELU(Module):
    """``x * Φ(x)``; ``approximate="tanh"`` uses the tanh approximation.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.nn.GELU(approximate="tanh")
    GELU(approximate='tanh')
    >>> ag.nn.GELU()(ag.tensor([0.0, 10.0])).tolist()
    [0.0, 10.0]
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Any) -> Tensor:
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(_Inplace):
    """``x * sigmoid(x)`` (swish).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.nn.SiLU()(ag.tensor([0.0, 20.0])).tolist()
    [0.0, 20.0]
    """

    def forward(self, x: Any) -> Tensor:
        return F.silu(x)


class Mish(_Inplace):
    """``x * tanh(softplus(x))``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.nn.Mish()(ag.tensor([0.0, 20.0])).tolist()
    [0.0, 20.0]
    """

    def forward(self, x: Any) -> Tensor:
        return F.mish(x)


class Softplus(Module):
    """``log(1 + exp(beta * x)) / beta``, linear above ``threshold``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> m = ag.nn.Softplus()
    >>> m
    Softplus(beta=1.0, threshold=20.0)
    >>> m(ag.tensor([30.0])).tolist(), round(m(ag.tensor([0.0])).item(), 4)
    ([30.0], 0.6931)
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Any) -> Tensor:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class LogSigmoid(Module):
    """``log(sigmoid(x))``, computed stably.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> round(ag.nn.LogSigmoid()(ag.tensor([0.0])).item(), 4)
    -0.6931
    """

    def forward(self, x: Any) -> Tensor:
        return F.log_sigmoid(x)


class Hardtanh(_Inplace):
    """``x`` clipped to ``[min_val, max_val]``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.nn.Hardtanh()(ag.tensor([-2.0, 0.5, 2.0])).tolist()
    [-1.0, 0.5, 1.0]
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace)
        if max_val <= min_val:
            raise ValueError(
                f"Hardtanh: max_val must be greater than min_val, got {min_val}, {max_val}"
            )
        self.min_val, self.max_val = min_val, max_val

    def forward(self, x: Any) -> Tensor:
        return F.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + (
            ", inplace=True" if self.inplace else ""
        )


class ReLU6(_Inplace):
    """``min(max(x, 0), 6)``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.nn.ReLU6()(ag.tensor([-1.0, 3.0, 8.0])).tolist()
    [0.0, 3.0, 6.0]
    """

    def forward(self, x: Any) -> Tensor:
        return F.relu6(x)


class Hardsigmoid(_Inplace):
    """``clip(x / 6 + 1/2, 0, 1)``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.nn.Hardsigmoid()(ag.tensor([-3.0, 0.0, 3.0])).tolist()
    [0.0, 0.5, 1.0]
    """

    def forward(self, x: Any) -> Tensor:
        return F.hardsigmoid(x)


class Hardswish(_Inplace):
    """``x * hardsigmoid(x)``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.nn.Hardswish()(ag.tensor([0.0, 1.5, 3.0])).tolist()
    [0.0, 1.125, 3.0]
    """

    def forward(self, x: Any) -> Tensor:
        return F.hardswish(x)


class Softsign(Module):
    """``x / (1 + |x|)``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.nn.Softsign()(ag.tensor([-1.0, 0.0, 3.0])).tolist()
    [-0.5, 0.0, 0.75]
    """

    def forward(self, x: Any) -> Tensor:
        return F.softsign(x)
