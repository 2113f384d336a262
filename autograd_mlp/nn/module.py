"""``Module`` and ``Parameter``: the building blocks of networks.

A module registers the :class:`Parameter` s, buffers and sub-modules assigned to
its attributes, in assignment order, so ``parameters()`` and ``state_dict()`` are
deterministic and named as in PyTorch. Each sub-module learns its qualified name
(``"layers.0"``) when it is first assigned to a parent; ``Module.__call__``
publishes that name while its ``forward`` runs, so every graph node records which
layer made it (``node.scope``, used by the graph drawer to group nodes per module).

Every module also remembers how it was built: the arguments of the outermost
``__init__`` call, bound to its signature with defaults filled in, are kept in
``module._init_args`` and returned by :meth:`Module._constructor` as
``(cls, kwargs)``, and ``cls._from_init_args(kwargs)`` (which spreads ``*args``
parameters) builds the same architecture again; arguments that are modules
(``Sequential``'s) have their own ``_constructor()``. Checkpoints use this to
rebuild a saved model.
"""

from __future__ import annotations

import functools
import inspect
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
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
    """``load_state_dict`` got keys or shapes that do not fit the module.

    Examples
    --------
    >>> from autograd_mlp import nn
    >>> try:
    ...     nn.Linear(2, 1).load_state_dict({"weight": nn.Linear(3, 1).weight.data})
    ... except nn.StateDictError as e:
    ...     print(isinstance(e, ValueError), "wrong shapes" in str(e))
    True True
    """


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` did not match (PyTorch's ``_IncompatibleKeys``).

    Examples
    --------
    >>> from autograd_mlp import nn
    >>> m = nn.Linear(2, 1)
    >>> m.load_state_dict({"weight": m.weight.data}, strict=False)
    IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])
    """

    missing_keys: list[str]
    unexpected_keys: list[str]


# Marks a module whose outermost __init__ is still running (see _record_init_args).
_BUILDING: Any = object()


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _bound_arguments(signature: inspect.Signature, args: tuple, kwargs: dict) -> dict[str, Any]:
    """``{parameter name: value}`` for one call, defaults filled in; ``*args``
    parameters become lists, ``**kwargs`` parameters dicts (shallow copies, so a
    caller mutating its list later does not change the record)."""
    bound = signature.bind(None, *args, **kwargs)  # None stands for self
    bound.apply_defaults()
    recorded: dict[str, Any] = {}
    for i, (name, value) in enumerate(bound.arguments.items()):
        if i == 0:
            continue
        if signature.parameters[name].kind is inspect.Parameter.VAR_POSITIONAL:
            value = list(value)
        elif isinstance(value, list):
            value = list(value)
        elif isinstance(value, dict):
            value = dict(value)
        recorded[name] = value
    return recorded


def _record_init_args(init: Callable[..., None]) -> Callable[..., None]:
    """Wrap a subclass ``__init__`` so the outermost call records its arguments."""
    signature = inspect.signature(init)

    @functools.wraps(init)
    def __init__(self: Module, *args: Any, **kwargs: Any) -> None:  # noqa: N807
        d = self.__dict__
        if "_init_args" in d:  # an inner call: super().__init__(...) of a subclass
            init(self, *args, **kwargs)
            return
        d["_init_args"] = _BUILDING
        try:
            init(self, *args, **kwargs)
        except BaseException:
            d.pop("_init_args", None)
            raise
        d["_init_args"] = _bound_arguments(signature, args, kwargs)

    return __init__


class Module:
    """Base class of layers and networks.

    Subclasses call ``super().__init__()`` first, assign parameters, buffers and
    sub-modules as attributes, and define ``forward``. Calling the module runs
    ``forward``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp import nn
    >>> class Affine(nn.Module):
    ...     def __init__(self, scale=2.0):
    ...         super().__init__()
    ...         self.scale = nn.Parameter([scale])
    ...         self.shift = nn.Parameter([1.0])
    ...     def forward(self, x):
    ...         return x * self.scale + self.shift
    >>> m = Affine()
    >>> [name for name, _ in m.named_parameters()]
    ['scale', 'shift']
    >>> m(ag.tensor([3.0]))
    tensor([7.], grad_fn=<add>)
    >>> m._constructor()
    (<class 'autograd_mlp.nn.module.Affine'>, {'scale': 2.0})
    """

    # Written through __dict__ in __init__ (so __setattr__'s registration is
    # bypassed); declared here for readers and type checkers.
    training: bool
    _init_args: dict[str, Any]
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _non_persistent_buffers: set[str]
    _modules: dict[str, Module]
    _name: str
    _owner: Module | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = _record_init_args(cls.__dict__["__init__"])  # type: ignore[method-assign]

    def __init__(self) -> None:
        d = self.__dict__
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers"] = set()
        d["_modules"] = {}
        d["training"] = True
        d.setdefault("_init_args", {})  # a subclass without its own __init__
        # Qualified name from the root ("" for a root), and the parent that named it.
        d["_name"] = ""
        d["_owner"] = None

    def _constructor(self) -> tuple[type[Module], dict[str, Any]]:
        """``(class, arguments)`` that build this module's architecture again.

        The arguments are those of the outermost ``__init__`` call, by parameter
        name, defaults included; a ``*args`` parameter (``Sequential(*modules)``)
        is a list under its name. Containers report their current children.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> nn.Linear(3, 2)._constructor()[1]
        {'in_features': 3, 'out_features': 2, 'bias': True, 'rng': None}
        """
        args = self.__dict__.get("_init_args")
        if args is None or args is _BUILDING:
            args = {}
        return type(self), dict(args)

    @classmethod
    def _from_init_args(cls, arguments: Mapping[str, Any]) -> Module:
        """Build ``cls`` from arguments as :meth:`_constructor` reports them
        (``*args`` lists spread, ``**kwargs`` dicts merged).

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
        >>> cls, args = net._constructor()
        >>> cls._from_init_args(args)
        Sequential(
          (0): Linear(in_features=2, out_features=3, bias=True)
          (1): ReLU()
        )
        """
        signature = inspect.signature(cls.__init__)
        bound = signature.bind_partial(None)
        for name in list(signature.parameters)[1:]:
            if name in arguments:
                bound.arguments[name] = arguments[name]
        unknown = sorted(set(arguments) - set(signature.parameters))
        if unknown:
            raise TypeError(f"{cls.__name__}: unexpected constructor arguments {unknown}")
        return cls(*bound.args[1:], **bound.kwargs)

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
        d = self.__dict__
        if isinstance(value, (Parameter, Module)) or name in d.get("_parameters", ()):
            self._register(name, value)
        elif name in d.get("_modules", ()):
            self._register(name, value)
        elif name in d.get("_buffers", ()):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"{type(self).__name__}: cannot assign {type(value).__name__} to buffer "
                    f"{name!r} (a Tensor or None expected)"
                )
            d["_buffers"][name] = value
            object.__setattr__(self, name, value)
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        params, modules = self._registries()
        params.pop(name, None)
        modules.pop(name, None)
        self.__dict__["_buffers"].pop(name, None)
        self.__dict__["_non_persistent_buffers"].discard(name)
        object.__delattr__(self, name)

    def _register(self, name: str, value: Any) -> None:
        params, modules = self._registries()
        if isinstance(value, (Parameter, Module)):
            self.__dict__["_buffers"].pop(name, None)
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
        # Iterative: a deep chain of modules must not hit the recursion limit.
        stack = [(self, qualified)]
        while stack:
            module, name = stack.pop()
            module.__dict__["_name"] = name
            stack.extend(
                (child, _join(name, child_name))
                for child_name, child in module._modules.items()
                if child._owner is module
            )

    def _check_new_name(self, fn: str, name: Any, registry: Mapping[str, Any]) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{fn}: name must be a string, got {type(name).__name__}")
        if not name or "." in name:
            raise KeyError(f"{fn}: name must be non-empty and contain no '.', got {name!r}")
        if name not in registry and hasattr(self, name):
            raise KeyError(f"{fn}: attribute {name!r} already exists on {type(self).__name__}")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or an empty slot, ``None``) under ``name``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp import nn
        >>> m = nn.Module()
        >>> m.register_parameter("scale", nn.Parameter(ag.ones(1)))
        >>> [name for name, _ in m.named_parameters()]
        ['scale']
        """
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter: {name!r} must be a Parameter or None, "
                f"got {type(param).__name__}"
            )
        self._registries()[0][name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a Tensor that is state but not a parameter (e.g. running means).

        Buffers are listed by :meth:`buffers` and, when ``persistent``, saved in
        :meth:`state_dict` after the module's own parameters, as in PyTorch.
        Optimisers never see them.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp import nn
        >>> m = nn.Linear(2, 1)
        >>> m.register_buffer("count", ag.tensor(0))
        >>> list(m.state_dict())
        ['weight', 'bias', 'count']
        """
        if "_buffers" not in self.__dict__:
            self._registries()  # raises the "super().__init__()" error
        buffers = self.__dict__["_buffers"]
        self._check_new_name("register_buffer", name, buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"register_buffer: cannot assign {type(tensor).__name__} to buffer {name!r} "
                "(a Tensor or None expected)"
            )
        buffers[name] = tensor
        if persistent:
            self.__dict__["_non_persistent_buffers"].discard(name)
        else:
            self.__dict__["_non_persistent_buffers"].add(name)
        object.__setattr__(self, name, tensor)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as a sub-module called ``name``.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> m = nn.Module()
        >>> m.add_module("fc", nn.Linear(2, 1))
        >>> [name for name, _ in m.named_children()]
        ['fc']
        """
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module, got {type(module).__name__}")
        if module is None:
            self._registries()[1][name] = None  # type: ignore[assignment]
            object.__setattr__(self, name, None)
            return
        self._register(name, module)

    register_module = add_module

    # ------------------------------------------------------------------ running
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The module's computation; subclasses define it, callers use ``module(x)``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp import nn
        >>> class Double(nn.Module):
        ...     def forward(self, x):
        ...         return 2 * x
        >>> Double()(ag.tensor([1.0, 2.0])).tolist()
        [2.0, 4.0]
        """
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # The module scope names the nodes forward records (for drawings). The
        # qualified name was computed at registration, not here.
        _scope.append(self._name)
        try:
            return self.forward(*args, **kwargs)
        finally:
            _scope.pop()

    # ------------------------------------------------------------------ traversal
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct sub-modules with their attribute names, each once.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
        >>> [(name, type(m).__name__) for name, m in net.named_children()]
        [('0', 'Linear'), ('1', 'ReLU')]
        """
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """Direct sub-modules.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> [type(m).__name__ for m in nn.MLP([2, 3, 1]).children()]
        ['Sequential']
        """
        for _, module in self.named_children():
            yield module

    def named_modules(
        self, memo: set[Any] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module (named ``prefix``) and all sub-modules, depth first (PyTorch's order).

        A module reachable twice is listed once unless ``remove_duplicate`` is False.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> [name for name, _ in nn.MLP([2, 3, 1]).named_modules()]
        ['', 'layers', 'layers.0', 'layers.1', 'layers.2']
        """
        seen: set[Any] = set() if memo is None else memo
        # (name, module, ids of its ancestors): the ancestors stop a cycle when
        # duplicates are kept.
        stack: list[tuple[str, Module, frozenset[int]]] = [(prefix, self, frozenset())]
        while stack:
            name, module, above = stack.pop()
            if remove_duplicate:
                if module in seen:
                    continue
                seen.add(module)
            elif id(module) in above:
                continue
            yield name, module
            inner = above | {id(module)}
            stack.extend(
                (_join(name, child_name), child, inner)
                for child_name, child in reversed(module._modules.items())
                if child is not None
            )

    def modules(self) -> Iterator[Module]:
        """This module and all sub-modules.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> [type(m).__name__ for m in nn.Sequential(nn.Linear(2, 1), nn.ReLU()).modules()]
        ['Sequential', 'Linear', 'ReLU']
        """
        for _, module in self.named_modules():
            yield module

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Tensor]]:
        seen: set[int] = set()
        if recurse:
            modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        else:
            modules = iter([(prefix, self)])
        for module_name, module in modules:
            for name, value in module.__dict__[registry].items():
                if value is None:
                    continue
                if remove_duplicate:
                    if id(value) in seen:
                        continue
                    seen.add(id(value))
                yield _join(module_name, name), value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Parameters with dotted names (``"layers.0.weight"``), in registration order.

        A parameter shared by two modules is listed once unless ``remove_duplicate``
        is False.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> [name for name, _ in nn.MLP([2, 3, 1]).named_parameters()]
        ['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']
        """
        yield from self._named_members(  # type: ignore[misc]
            "_parameters", prefix, recurse, remove_duplicate
        )

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """All parameters, each once, in registration order.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> [p.shape for p in nn.Linear(2, 3).parameters()]
        [(3, 2), (3,)]
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """Buffers with dotted names (``"1.running_mean"``), in registration order.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> [name for name, _ in nn.BatchNorm1d(3).named_buffers()]
        ['running_mean', 'running_var', 'num_batches_tracked']
        """
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """All buffers, each once.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> [b.shape for b in nn.BatchNorm1d(3).buffers()]
        [(3,), (3,), ()]
        """
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every sub-module (children first) and then on self; returns self.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> seen = []
        >>> net = nn.Sequential(nn.Linear(1, 1), nn.ReLU())
        >>> _ = net.apply(lambda m: seen.append(type(m).__name__))
        >>> seen
        ['Linear', 'ReLU', 'Sequential']
        """
        # Iterative post-order: (module, whether its children are already queued).
        stack: list[tuple[Module, bool]] = [(self, False)]
        while stack:
            module, expanded = stack.pop()
            if expanded:
                fn(module)
                continue
            stack.append((module, True))
            stack.extend((child, False) for child in reversed(list(module.children())))
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Switch gradient recording for every parameter on or off; returns self.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> m = nn.Linear(2, 1).requires_grad_(False)
        >>> [p.requires_grad for p in m.parameters()]
        [False, False]
        """
        for param in self.parameters():
            param.requires_grad = requires_grad
        return self

    # ------------------------------------------------------------------ state
    def zero_grad(self) -> None:
        """Forget every parameter's gradient (set ``.grad`` to None).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp import nn
        >>> m = nn.Linear(2, 1)
        >>> m(ag.ones(1, 2)).sum().backward()
        >>> m.zero_grad()
        >>> m.weight.grad is None, m.bias.grad is None
        (True, True)
        """
        for param in self.parameters():
            param.grad = None

    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and all sub-modules; returns self.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
        >>> net.train(False)[1].training, net.train()[1].training
        (False, True)
        """
        if not isinstance(mode, (bool, np.bool_)):
            raise ValueError(f"train: mode must be a bool, got {mode!r}")
        for module in self.modules():
            module.__dict__["training"] = bool(mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (``train(False)``); returns self.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5)).eval()
        >>> [m.training for m in net.modules()]
        [False, False, False]
        """
        return self.train(False)

    def _state_tensors(self) -> OrderedDict[str, Tensor]:
        """What the state dict holds, by key: each module's parameters, then its
        persistent buffers, then its children's (PyTorch's order and names)."""
        items: OrderedDict[str, Tensor] = OrderedDict()
        for module_name, module in self.named_modules(remove_duplicate=False):
            for name, param in module._parameters.items():
                if param is not None:
                    items[_join(module_name, name)] = param
            skip = module._non_persistent_buffers
            for name, buf in module._buffers.items():
                if buf is not None and name not in skip:
                    items[_join(module_name, name)] = buf
        return items

    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """Copies of all parameter and persistent buffer values, by dotted name.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> list(nn.Linear(2, 3).state_dict())
        ['weight', 'bias']
        """
        return OrderedDict((name, t.data.copy()) for name, t in self._state_tensors().items())

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy values from ``state_dict`` into the parameters and buffers, in place.

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

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> nn.Linear(2, 3).load_state_dict(nn.Linear(2, 3).state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict: expected a mapping of names to arrays, got "
                f"{type(state_dict).__name__}"
            )
        own = self._state_tensors()
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        values: dict[str, np.ndarray] = {}
        wrong: list[str] = []
        for name, target in own.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            array = value.data if isinstance(value, Tensor) else np.asarray(value)
            if array.shape != target.shape:
                wrong.append(f"{name}: checkpoint {array.shape} vs model {target.shape}")
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
            own[name]._version += 1  # an in-place write, like any other
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ display
    def extra_repr(self) -> str:
        """The text between the parentheses of this module's repr line.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> nn.Linear(2, 3).extra_repr()
        'in_features=2, out_features=3, bias=True'
        >>> nn.Module().extra_repr()
        ''
        """
        return ""

    def __repr__(self) -> str:
        lines = [
            f"({name}): " + repr(module).replace("\n", "\n  ")
            for name, module in self._modules.items()
            if module is not None
        ]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"
