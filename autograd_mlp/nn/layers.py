"""Layers: ``Linear``, the activations, ``Sequential`` and the ready-made ``MLP``."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .. import functional as F
from .. import ops
from ..errors import ShapeError
from ..tensor import Tensor
from . import init as _init
from .module import Module, Parameter

__all__ = [
    "MLP",
    "Linear",
    "LogSoftmax",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
]


def _positive_int(owner: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{owner}: {name} must be a positive integer, got {value!r}")
    return int(value)


class Linear(Module):
    """Affine layer ``y = x @ weight.T + bias``.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of each input and output sample.
    bias : bool
        Whether to learn an additive bias.
    rng : numpy.random.Generator, optional
        Generator for the initial values; defaults to :mod:`nn.init`'s, which
        ``nn.init.manual_seed`` makes reproducible.

    Attributes
    ----------
    weight : Parameter
        Shape ``(out_features, in_features)``, as in PyTorch, initialised from
        ``U(-1/√in_features, 1/√in_features)`` (PyTorch's default,
        ``kaiming_uniform_`` with ``a=√5``).
    bias : Parameter or None
        Shape ``(out_features,)``, from the same distribution.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Linear(3, 2)
    >>> layer.weight.shape, layer(np.ones((5, 3))).shape
    ((2, 3), (5, 2))
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        self.in_features = _positive_int("Linear", "in_features", in_features)
        self.out_features = _positive_int("Linear", "out_features", out_features)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), np.float32))
        self.bias = Parameter(np.empty(self.out_features, np.float32)) if bias else None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """Re-draw weight and bias with PyTorch's default initialisation."""
        _init.kaiming_uniform_(self.weight, a=math.sqrt(5), nonlinearity="leaky_relu", rng=rng)
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features)
            _init.uniform_(self.bias, -bound, bound, rng=rng)

    def forward(self, x: Any) -> Tensor:
        try:
            return ops.linear(x, self.weight, self.bias)  # (bias None: no bias input)
        except ShapeError as exc:
            # The op's message has the shapes; add which layer it was.
            where = f"layer {self._name!r}" if self._name else "Linear"
            raise ShapeError(f"{where} ({self.extra_repr()}): {exc}") from None

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class ReLU(Module):
    """Elementwise ``max(x, 0)``."""

    def forward(self, x: Any) -> Tensor:
        return F.relu(x)


class Sigmoid(Module):
    """Elementwise logistic function."""

    def forward(self, x: Any) -> Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    """Elementwise hyperbolic tangent."""

    def forward(self, x: Any) -> Tensor:
        return F.tanh(x)


class Softmax(Module):
    """Softmax along ``axis`` (default the last)."""

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = axis

    def forward(self, x: Any) -> Tensor:
        return F.softmax(x, axis=self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class LogSoftmax(Softmax):
    """Log-softmax along ``axis`` (default the last)."""

    def forward(self, x: Any) -> Tensor:
        return F.log_softmax(x, axis=self.axis)


class Sequential(Module):
    """Modules applied one after another; indexable, with sub-modules named ``"0"``, ``"1"``...

    Examples
    --------
    >>> net = Sequential(Linear(2, 4), ReLU(), Linear(4, 1))
    >>> len(net), type(net[1]).__name__, [n for n, _ in net.named_parameters()][:2]
    (3, 'ReLU', ['0.weight', '0.bias'])
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for i, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(
                    f"Sequential: argument {i} must be a Module, got {type(module).__name__}"
                )
            self._register(str(i), module)

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)
        return x

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, index: int | slice) -> Any:
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*modules[index])
        try:
            return modules[index]
        except (IndexError, TypeError):
            raise IndexError(
                f"Sequential: index {index!r} out of range for {len(modules)} modules"
            ) from None


_ACTIVATIONS: dict[str, type[Module]] = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}

_INITS: dict[str, Callable[..., Any]] = {
    "xavier_uniform": _init.xavier_uniform_,
    "xavier_normal": _init.xavier_normal_,
    "kaiming_uniform": _init.kaiming_uniform_,
    "kaiming_normal": _init.kaiming_normal_,
}


class MLP(Module):
    """A multi-layer perceptron: ``Linear`` layers with an activation between them.

    The activation follows every layer but the last, so the network returns raw
    scores (logits): pair it with ``F.cross_entropy``.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, e.g. ``[784, 100, 10]``; at least two.
    activation : {"relu", "sigmoid", "tanh"} or Module subclass
        The nonlinearity (a class is instantiated once per hidden layer).
    init : {"xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal"} \
or callable, optional
        Weight initialisation; biases are then zeroed. Kaiming uses the gain of
        ``activation`` (relu for a custom class). A callable is applied to each
        weight Parameter as ``init(weight)``. ``None`` keeps ``Linear``'s default.
    rng : numpy.random.Generator, optional
        Generator for the initial values (default: :mod:`nn.init`'s).

    Notes
    -----
    The layers live in ``self.layers``, a :class:`Sequential` alternating
    ``Linear`` and activation, so parameters are named ``layers.0.weight``,
    ``layers.0.bias``, ``layers.2.weight``, ... (even indices are the ``Linear``
    layers; ``layers.{2k}`` is the k-th one).

    Examples
    --------
    >>> net = MLP([784, 100, 10])
    >>> [name for name, _ in net.named_parameters()]
    ['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']
    >>> net
    MLP(
      (layers): Sequential(
        (0): Linear(in_features=784, out_features=100, bias=True)
        (1): ReLU()
        (2): Linear(in_features=100, out_features=10, bias=True)
      )
    )
    """

    def __init__(
        self,
        sizes: Any,
        activation: str | type[Module] = "relu",
        init: str | Callable[[Parameter], Any] | None = None,
        *,
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        sizes = list(sizes) if isinstance(sizes, (list, tuple, np.ndarray)) else sizes
        if not isinstance(sizes, list) or len(sizes) < 2:
            raise ValueError(
                f"MLP: sizes must be a list of at least two layer widths, got {sizes!r}"
            )
        sizes = [_positive_int("MLP", f"sizes[{i}]", n) for i, n in enumerate(sizes)]
        if isinstance(activation, str):
            if activation not in _ACTIVATIONS:
                raise ValueError(
                    f"MLP: activation must be one of {sorted(_ACTIVATIONS)} or a Module "
                    f"class, got {activation!r}"
                )
            act_cls = _ACTIVATIONS[activation]
        elif isinstance(activation, type) and issubclass(activation, Module):
            act_cls = activation
        else:
            raise TypeError(f"MLP: activation must be a name or a Module class, got {activation!r}")
        init_fn = self._init_function(init, activation)

        layers: list[Module] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layer = Linear(n_in, n_out, rng=rng)
            if init_fn is not None:
                init_fn(layer.weight, rng)
                if layer.bias is not None:
                    _init.zeros_(layer.bias)
            layers.append(layer)
            if i < len(sizes) - 2:
                layers.append(act_cls())
        self.sizes = sizes
        self.layers = Sequential(*layers)

    @staticmethod
    def _init_function(
        init: Any, activation: Any
    ) -> Callable[[Parameter, np.random.Generator | None], Any] | None:
        if init is None:
            return None
        if callable(init):
            return lambda w, rng: init(w)
        if init not in _INITS:
            raise ValueError(
                f"MLP: init must be one of {sorted(_INITS)}, a callable or None, got {init!r}"
            )
        fn = _INITS[init]
        if init.startswith("kaiming"):
            gain = activation if isinstance(activation, str) else "relu"
            return lambda w, rng: fn(w, nonlinearity=gain, rng=rng)
        return lambda w, rng: fn(w, rng=rng)

    def forward(self, x: Any) -> Tensor:
        # The Sequential's loop, run here: calling self.layers(x) would add a
        # Module.__call__ per step, and each op records its own layer's name anyway.
        for layer in self.layers._modules.values():
            x = layer(x)
        return x
