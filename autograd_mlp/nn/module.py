"""``Module`` and ``Parameter``: the building blocks of networks.

A module registers the :class:`Parameter` s and sub-modules assigned to its
attributes, in assignment order, so ``parameters()`` and ``state_dict()`` are
deterministic. Each sub-module learns its qualified name (``"layers.0"``) when it
is first assigned to a parent; ``Module.__call__`` publishes that name while its
``forward`` runs, so every graph node records which layer made it (``node.scope``,
used by the graph drawer to group nodes per module).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from ..op import _scope
from ..tensor import Tensor

__all__ = ["IncompatibleKeys", "Module", "Parameter", "StateDictError"]


class Parameter(Tensor):
    """A Tensor that is a learnable weight of a :class:`Module`.

    A leaf that requires grad. Values are stored as float32 unless ``dtype``
    says otherwise (e.g. float64 for gradient checks); integer data is converted.

    Examples
    --------
    >>> p = Parameter([1, 2])
    >>> p.requires_grad, p.dtype
    (True, dtype('float32'))
    """

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True, dtype: Any = None) -> None:
        if dtype is None and np.asarray(data).dtype.kind != "f":
            dtype = np.float32
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class StateDictError(ValueError):
    """``load_state_dict`` got keys or shapes that do not fit the module."""


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


# Stands for "no positional argument" in Module.__call__ (None is a valid input).
_NO_INPUT: Any = object()


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


class Module:
    """Base class of layers and networks.

    Subclasses call ``super().__init__()`` first, assign parameters and
    sub-modules as attributes, and define ``forward``. Calling the module runs
    ``forward``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp import nn
    >>> class Affine(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.scale = nn.Parameter([2.0])
    ...         self.shift = nn.Parameter([1.0])
    ...     def forward(self, x):
    ...         return x * self.scale + self.shift
    >>> m = Affine()
    >>> [name for name, _ in m.named_parameters()]
    ['scale', 'shift']
    >>> m(ag.tensor([3.0]))
    tensor([7.], grad_fn=<add>)
    """

    training: bool

    def __init__(self) -> None:
        d = self.__dict__
        d["_parameters"] = {}
        d["_modules"] = {}
        d["training"] = True
        # Qualified name from the root ("" for a root), and the parent that named it.
        d["_name"] = ""
        d["_owner"] = None

    # ------------------------------------------------------------------ registration
    def _registries(self) -> tuple[dict[str, Parameter | None], dict[str, Module]]:
        try:
            return self.__dict__["_parameters"], self.__dict__["_modules"]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__}: Module.__init__() was not called; call "
                "super().__init__() before assigning parameters or sub-modules"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, (Parameter, Module)) or name in self.__dict__.get("_parameters", ()):
            self._register(name, value)
        elif name in self.__dict__.get("_modules", ()):
            self._register(name, value)
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        params, modules = self._registries()
        params.pop(name, None)
        modules.pop(name, None)
        object.__delattr__(self, name)

    def _register(self, name: str, value: Any) -> None:
        params, modules = self._registries()
        if isinstance(value, Parameter):
            modules.pop(name, None)
            params[name] = value
        elif isinstance(value, Module):
            params.pop(name, None)
            modules[name] = value
            # A module shared into a second parent keeps the name it first got.
            if value._owner is None or value._owner is self:
                value.__dict__["_owner"] = self
                value._rename(_join(self._name, name))
        elif value is None:  # e.g. ``self.bias = None``: keep the slot, no parameter
            if name in params:
                params[name] = None
            else:
                modules.pop(name, None)
        else:
            kind = "parameter" if name in params else "sub-module"
            raise TypeError(
                f"{type(self).__name__}: cannot assign {type(value).__name__} to {kind} "
                f"{name!r} (a {'Parameter' if kind == 'parameter' else 'Module'} or None "
                "expected)"
            )
        object.__setattr__(self, name, value)

    def _rename(self, qualified: str) -> None:
        self.__dict__["_name"] = qualified
        for name, child in self._modules.items():
            if child._owner is self:
                child._rename(_join(qualified, name))

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or an empty slot, ``None``) under ``name``."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter: {name!r} must be a Parameter or None, "
                f"got {type(param).__name__}"
            )
        self._registries()[0][name] = param
        object.__setattr__(self, name, param)

    def add_module(self, name: str, module: Module) -> None:
        """Register ``module`` as a sub-module called ``name``."""
        if not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module, got {type(module).__name__}")
        self._register(name, module)

    # ------------------------------------------------------------------ running
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The module's computation; subclasses define it, callers use ``module(x)``."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, x: Any = _NO_INPUT, /, *args: Any, **kwargs: Any) -> Any:
        # Hot path, once per layer per step. The qualified name was computed at
        # registration, not here. The usual call, one positional input, goes on
        # as forward(x): re-spreading *args and **kwargs costs 0.1 µs a call.
        _scope.append(self._name)
        try:
            if not (args or kwargs or x is _NO_INPUT):
                return self.forward(x)
            if x is _NO_INPUT:
                return self.forward(*args, **kwargs)
            return self.forward(x, *args, **kwargs)
        finally:
            _scope.pop()

    # ------------------------------------------------------------------ traversal
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct sub-modules with their attribute names."""
        yield from self._modules.items()

    def children(self) -> Iterator[Module]:
        """Direct sub-modules."""
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module (named ``prefix``) and all sub-modules, depth first, each once.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> [name for name, _ in nn.MLP([2, 3, 1]).named_modules()]
        ['', 'layers', 'layers.0', 'layers.1', 'layers.2']
        """
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            stack.extend(
                (_join(name, child_name), child)
                for child_name, child in reversed(module._modules.items())
            )

    def modules(self) -> Iterator[Module]:
        """This module and all sub-modules."""
        for _, module in self.named_modules():
            yield module

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Parameters with dotted names (``"layers.0.weight"``), in registration order.

        A parameter shared by two modules is listed once unless ``remove_duplicate``
        is False.
        """
        seen: set[int] = set()
        modules = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for module_name, module in modules:
            for name, param in module._parameters.items():
                if param is None:
                    continue
                if remove_duplicate:
                    if id(param) in seen:
                        continue
                    seen.add(id(param))
                yield _join(module_name, name), param

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """All parameters, each once, in registration order."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    # ------------------------------------------------------------------ state
    def zero_grad(self) -> None:
        """Forget every parameter's gradient (set ``.grad`` to None)."""
        for param in self.parameters():
            param.grad = None

    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and all sub-modules; returns self."""
        for module in self.modules():
            module.__dict__["training"] = bool(mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (``train(False)``); returns self."""
        return self.train(False)

    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """Copies of all parameter values, by dotted name, in registration order.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> list(nn.Linear(2, 3).state_dict())
        ['weight', 'bias']
        """
        return OrderedDict(
            (name, param.data.copy())
            for name, param in self.named_parameters(remove_duplicate=False)
        )

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy values from ``state_dict`` into the parameters, in place.

        Parameters
        ----------
        state_dict : mapping
            Name → array (or Tensor), as produced by :meth:`state_dict`.
        strict : bool
            Require exactly the module's keys. Shapes must match either way.

        Returns
        -------
        IncompatibleKeys
            The missing and unexpected keys (both empty when ``strict``).

        Raises
        ------
        StateDictError
            Naming every missing, unexpected and wrongly shaped key; nothing is
            copied in that case.
        """
        own = OrderedDict(self.named_parameters(remove_duplicate=False))
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        values: dict[str, np.ndarray] = {}
        wrong: list[str] = []
        for name, param in own.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            array = value.data if isinstance(value, Tensor) else np.asarray(value)
            if array.shape != param.shape:
                wrong.append(f"{name}: checkpoint {array.shape} vs model {param.shape}")
            elif array.dtype.kind not in "biuf":
                wrong.append(f"{name}: dtype {array.dtype} is not numeric")
            else:
                values[name] = array
        problems = []
        if strict and missing:
            problems.append(f"missing keys: {missing}")
        if strict and unexpected:
            problems.append(f"unexpected keys: {unexpected}")
        if wrong:
            problems.append("wrong shapes: " + "; ".join(wrong))
        if problems:
            raise StateDictError(
                f"load_state_dict: state dict does not fit {type(self).__name__}: "
                + "; ".join(problems)
            )
        for name, array in values.items():
            own[name].data[...] = array
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ display
    def extra_repr(self) -> str:
        """The text between the parentheses of this module's repr line."""
        return ""

    def __repr__(self) -> str:
        lines = [
            f"({name}): " + repr(module).replace("\n", "\n  ")
            for name, module in self._modules.items()
        ]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"
