"""Layers: ``Linear``, ``Identity``, ``Flatten`` and the ready-made ``MLP``.

The activations, containers, normalisation, dropout and embedding layers live
in their own modules and are re-exported here and from :mod:`autograd_mlp.nn`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import ops
from ..errors import ShapeError
from ..tensor import Tensor
from . import activation as _act
from . import init as _init
from .activation import LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .containers import Sequential
from .dropout import Dropout
from .module import Module, Parameter
from .norm import BatchNorm1d, LayerNorm

__all__ = [
    "MLP",
    "Flatten",
    "Identity",
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
        """Re-draw weight and bias with PyTorch's default initialisation.

        Examples
        --------
        >>> import numpy as np
        >>> from autograd_mlp import nn
        >>> m = nn.Linear(4, 2)
        >>> m.reset_parameters(np.random.default_rng(0)); w = m.weight.data.copy()
        >>> m.reset_parameters(np.random.default_rng(0))
        >>> bool((m.weight.data == w).all()), bool(abs(m.bias.data).max() <= 0.5)  # 1/sqrt(4)
        (True, True)
        """
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


class Identity(Module):
    """Returns its input unchanged (any constructor arguments are ignored, as in PyTorch).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> Identity(54, unused="x")(ag.tensor([1.0]))
    tensor([1.])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x


class Flatten(Module):
    """Merge axes ``start_dim`` to ``end_dim`` into one (by default all but the batch axis).

    Examples
    --------
    >>> import numpy as np
    >>> Flatten()(np.zeros((2, 3, 4))).shape
    (2, 12)
    >>> Flatten(0, 1)(np.zeros((2, 3, 4))).shape
    (6, 4)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x)
        n = max(x.ndim, 1)
        start = self.start_dim + n if self.start_dim < 0 else self.start_dim
        end = self.end_dim + n if self.end_dim < 0 else self.end_dim
        if not (0 <= start < n and 0 <= end < n):
            where = f"layer {self._name!r}" if self._name else "Flatten"
            raise ShapeError(
                f"{where} ({self.extra_repr()}): dimensions out of range for an input of "
                f"shape {x.shape}"
            )
        if start > end:
            where = f"layer {self._name!r}" if self._name else "Flatten"
            raise ShapeError(f"{where} ({self.extra_repr()}): start_dim comes after end_dim")
        shape = x.shape[:start] + (-1,) + x.shape[end + 1 :] if x.ndim else (1,)
        return x.reshape(*shape)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


# Names MLP accepts for its activation: PyTorch's function names.
_ACTIVATIONS: dict[str, type[Module]] = {
    "relu": ReLU,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "leaky_relu": _act.LeakyReLU,
    "elu": _act.ELU,
    "selu": _act.SELU,
    "celu": _act.CELU,
    "gelu": _act.GELU,
    "silu": _act.SiLU,
    "mish": _act.Mish,
    "softplus": _act.Softplus,
    "hardtanh": _act.Hardtanh,
    "relu6": _act.ReLU6,
    "hardswish": _act.Hardswish,
    "softsign": _act.Softsign,
}

_NORMS: dict[str, Callable[[int], Module]] = {"layer": LayerNorm, "batch": BatchNorm1d}

_INITS: dict[str, Callable[..., Any]] = {
    "xavier_uniform": _init.xavier_uniform_,
    "xavier_normal": _init.xavier_normal_,
    "kaiming_uniform": _init.kaiming_uniform_,
    "kaiming_normal": _init.kaiming_normal_,
}


class MLP(Module):
    """A multi-layer perceptron: ``Linear`` layers with an activation between them.

    Each hidden layer is ``Linear → norm → activation → dropout`` (the norm and
    dropout only when asked for); the last layer is a bare ``Linear``, so the
    network returns raw scores (logits): pair it with ``F.cross_entropy``.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, e.g. ``[784, 100, 10]``; at least two.
    activation : str or Module subclass
        The nonlinearity: ``"relu"`` (default), ``"sigmoid"``, ``"tanh"``,
        ``"leaky_relu"``, ``"gelu"``, ``"silu"``, ... (``F``'s names), or a class
        instantiated once per hidden layer.
    dropout : float
        Dropout probability after each hidden activation (0 adds no layer).
    norm : {None, "layer", "batch"}
        ``LayerNorm`` or ``BatchNorm1d`` after each hidden ``Linear``.
    init : {"xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal"} \
or callable, optional
        Weight initialisation; biases are then zeroed. Kaiming uses the gain of
        ``activation`` (relu for a custom class). A callable is applied to each
        weight Parameter as ``init(weight)``. ``None`` keeps ``Linear``'s default.
    rng : numpy.random.Generator, optional
        Generator for the initial values (default: the package's, which
        ``ag.manual_seed`` seeds).

    Notes
    -----
    The layers live in ``self.layers``, a :class:`Sequential`. Without norm and
    dropout it alternates ``Linear`` and activation, so parameters are named
    ``layers.0.weight``, ``layers.0.bias``, ``layers.2.weight``, ... (the names
    checkpoints rely on); each norm or dropout layer shifts the later indices.

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
    >>> [type(m).__name__ for m in MLP([4, 8, 2], dropout=0.1, norm="layer").layers]
    ['Linear', 'LayerNorm', 'ReLU', 'Dropout', 'Linear']
    """

    def __init__(
        self,
        sizes: Any,
        activation: str | type[Module] = "relu",
        dropout: float = 0.0,
        norm: str | None = None,
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
        act_cls = self._activation_class(activation)
        if norm is not None and norm not in _NORMS:
            raise ValueError(f"MLP: norm must be None, 'layer' or 'batch', got {norm!r}")
        Dropout(dropout)  # validates p with Dropout's own message
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
                if norm is not None:
                    layers.append(_NORMS[norm](n_out))
                layers.append(act_cls())
                if dropout:
                    layers.append(Dropout(dropout))
        self.sizes = sizes
        self.layers = Sequential(*layers)

    @staticmethod
    def _activation_class(activation: Any) -> type[Module]:
        if isinstance(activation, str):
            if activation not in _ACTIVATIONS:
                raise ValueError(
                    f"MLP: activation must be one of {sorted(_ACTIVATIONS)} or a Module "
                    f"class, got {activation!r}"
                )
            return _ACTIVATIONS[activation]
        if isinstance(activation, type) and issubclass(activation, Module):
            return activation
        raise TypeError(f"MLP: activation must be a name or a Module class, got {activation!r}")

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
            gains = ("relu", "leaky_relu", "tanh", "sigmoid", "selu")
            gain = activation if isinstance(activation, str) and activation in gains else "relu"
            return lambda w, rng: fn(w, nonlinearity=gain, rng=rng)
        return lambda w, rng: fn(w, rng=rng)

    def forward(self, x: Any) -> Tensor:
        return self.layers(x)
