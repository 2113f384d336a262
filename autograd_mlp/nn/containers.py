"""Containers: ``Sequential``, ``ModuleList`` and ``ModuleDict``, as in PyTorch.

Each registers what it holds as sub-modules, so their parameters are found and
named ``"0.weight"``, ``"blocks.1.bias"``, ``"heads.cls.weight"``...
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .module import Module

__all__ = ["ModuleDict", "ModuleList", "Sequential"]


def _check_module(owner: str, where: str, module: Any) -> Module:
    if not isinstance(module, Module):
        raise TypeError(f"{owner}: {where} must be a Module, got {type(module).__name__}")
    return module


def _index(owner: str, index: Any, n: int) -> int:
    try:
        i = operator.index(index)
    except TypeError:
        raise TypeError(
            f"{owner}: indices must be integers or slices, got {type(index).__name__}"
        ) from None
    if not -n <= i < n:
        raise IndexError(f"{owner}: index {i} out of range for {n} modules")
    return i + n if i < 0 else i


class Sequential(Module):
    """Modules applied one after another; indexable, with sub-modules named ``"0"``, ``"1"``...

    Also accepts one ``OrderedDict`` of name → module, as PyTorch does.

    Examples
    --------
    >>> from autograd_mlp.nn import Linear, ReLU
    >>> net = Sequential(Linear(2, 4), ReLU(), Linear(4, 1))
    >>> len(net), type(net[1]).__name__, [n for n, _ in net.named_parameters()][:2]
    (3, 'ReLU', ['0.weight', '0.bias'])
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self._register(name, _check_module("Sequential", f"module {name!r}", module))
            return
        for i, module in enumerate(modules):
            self._register(str(i), _check_module("Sequential", f"argument {i}", module))

    def _constructor(self) -> tuple[type[Module], dict[str, Any]]:
        names = list(self._modules)
        if names == [str(i) for i in range(len(names))]:
            return type(self), {"modules": list(self._modules.values())}
        return type(self), {"modules": [OrderedDict(self._modules)]}

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)
        return x

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end; returns self.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> net = nn.Sequential(nn.Linear(2, 3)).append(nn.ReLU())
        >>> len(net), type(net[1]).__name__
        (2, 'ReLU')
        """
        self._register(str(len(self._modules)), _check_module("Sequential", "appended", module))
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, index: int | slice) -> Any:
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*modules[index])
        return modules[_index("Sequential", index, len(modules))]


class ModuleList(Module):
    """A list of modules, registered as sub-modules ``"0"``, ``"1"``...

    It has no ``forward``: the owner decides how to call them.

    Examples
    --------
    >>> from autograd_mlp import nn
    >>> blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    >>> blocks.append(nn.ReLU())
    ModuleList(
      (0): Linear(in_features=2, out_features=2, bias=True)
      (1): Linear(in_features=2, out_features=2, bias=True)
      (2): Linear(in_features=2, out_features=2, bias=True)
      (3): ReLU()
    )
    >>> len(blocks), len(list(blocks.parameters()))
    (4, 6)
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _constructor(self) -> tuple[type[Module], dict[str, Any]]:
        return type(self), {"modules": list(self._modules.values())}

    def _relabel(self, modules: list[Module]) -> None:
        self._modules.clear()
        for i, module in enumerate(modules):
            self._register(str(i), module)

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end; returns self.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> layers = nn.ModuleList().append(nn.Linear(2, 2))
        >>> [name for name, _ in layers.named_parameters()]
        ['0.weight', '0.bias']
        """
        n = len(self._modules)
        self._register(str(n), _check_module("ModuleList", f"item {n}", module))
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append every module of ``modules``; returns self.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> layers = nn.ModuleList([nn.ReLU()]).extend([nn.Tanh(), nn.Sigmoid()])
        >>> [type(m).__name__ for m in layers]
        ['ReLU', 'Tanh', 'Sigmoid']
        """
        if isinstance(modules, Module) and not isinstance(modules, (ModuleList, Sequential)):
            raise TypeError("ModuleList.extend: expected an iterable of Modules, got a Module")
        items = list(modules)
        n = len(self._modules)
        for i, module in enumerate(items):
            _check_module("ModuleList", f"item {n + i}", module)
        for module in items:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> layers = nn.ModuleList([nn.ReLU(), nn.Sigmoid()])
        >>> layers.insert(1, nn.Tanh())
        >>> [name + ':' + type(m).__name__ for name, m in layers.named_children()]
        ['0:ReLU', '1:Tanh', '2:Sigmoid']
        """
        modules = list(self._modules.values())
        modules.insert(index, _check_module("ModuleList", "inserted item", module))
        self._relabel(modules)

    def __getitem__(self, index: int | slice) -> Any:
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(modules[index])
        return modules[_index("ModuleList", index, len(modules))]

    def __setitem__(self, index: int, module: Module) -> None:
        i = _index("ModuleList", index, len(self._modules))
        self._register(str(i), _check_module("ModuleList", f"item {i}", module))

    def __delitem__(self, index: int | slice) -> None:
        modules = list(self._modules.values())
        if isinstance(index, slice):
            del modules[index]
        else:
            del modules[_index("ModuleList", index, len(modules))]
        for name in list(self._modules):
            object.__delattr__(self, name)
        self._relabel(modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)


class ModuleDict(Module):
    """A dict of modules, registered as sub-modules under their keys, in insertion order.

    Examples
    --------
    >>> from autograd_mlp import nn
    >>> heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "reg": nn.Linear(4, 1)})
    >>> list(heads), [n for n, _ in heads.named_parameters()][:2]
    (['cls', 'reg'], ['cls.weight', 'cls.bias'])
    """

    def __init__(
        self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
    ) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def _constructor(self) -> tuple[type[Module], dict[str, Any]]:
        return type(self), {"modules": dict(self._modules)}

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add (or replace) every name → module pair of ``modules``.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> heads = nn.ModuleDict({"a": nn.ReLU()})
        >>> heads.update({"a": nn.Tanh(), "b": nn.Sigmoid()})
        >>> [(k, type(m).__name__) for k, m in heads.items()]
        [('a', 'Tanh'), ('b', 'Sigmoid')]
        """
        items = modules.items() if isinstance(modules, Mapping) else modules
        for entry in items:
            try:
                name, module = entry
            except (TypeError, ValueError):
                raise TypeError(
                    f"ModuleDict.update: expected (name, module) pairs, got {entry!r}"
                ) from None
            self[name] = module

    def __setitem__(self, name: str, module: Module) -> None:
        self._check_new_name("ModuleDict", name, self._modules)
        self._register(name, _check_module("ModuleDict", f"value for {name!r}", module))

    def __getitem__(self, name: str) -> Module:
        try:
            return self._modules[name]
        except KeyError:
            keys = list(self._modules)
            raise KeyError(f"ModuleDict: no module {name!r}; keys are {keys}") from None

    def __delitem__(self, name: str) -> None:
        self[name]  # noqa: B018 - raises the KeyError naming the keys
        delattr(self, name)

    def pop(self, name: str) -> Module:
        """Remove and return the module called ``name``.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> heads = nn.ModuleDict({"a": nn.ReLU(), "b": nn.Tanh()})
        >>> type(heads.pop("a")).__name__, list(heads)
        ('ReLU', ['b'])
        """
        module = self[name]
        del self[name]
        return module

    def clear(self) -> None:
        """Remove every module.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> heads = nn.ModuleDict({"a": nn.ReLU()})
        >>> heads.clear()
        >>> len(heads), list(heads.children())
        (0, [])
        """
        for name in list(self._modules):
            del self[name]

    def keys(self) -> Iterable[str]:
        """The names, in insertion order.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> list(nn.ModuleDict({"b": nn.ReLU(), "a": nn.Tanh()}).keys())
        ['b', 'a']
        """
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        """The modules, in insertion order.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> [type(m).__name__ for m in nn.ModuleDict({"b": nn.ReLU(), "a": nn.Tanh()}).values()]
        ['ReLU', 'Tanh']
        """
        return self._modules.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        """``(name, module)`` pairs, in insertion order.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> [(k, type(m).__name__) for k, m in nn.ModuleDict({"b": nn.ReLU()}).items()]
        [('b', 'ReLU')]
        """
        return self._modules.items()

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def __contains__(self, name: object) -> bool:
        return name in self._modules
