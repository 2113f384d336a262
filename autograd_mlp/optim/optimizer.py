"""The ``Optimizer`` base class: parameter groups, per-parameter state, save/restore.

Subclasses declare their hyperparameters (``defaults`` and a validation rule for
each) and implement only :meth:`Optimizer._update`, the rule for one parameter;
the base class walks the groups, skips parameters without a gradient, bumps each
updated parameter's version counter (an optimiser step is an in-place change),
and turns state into plain numpy arrays and numbers for checkpoints.
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from ..tensor import Tensor

__all__ = ["Optimizer"]

# Keys a group may carry besides its hyperparameters (PyTorch's schedulers and
# tools write these); anything else is a typo, and an error.
_EXTRA_GROUP_KEYS = frozenset({"initial_lr", "param_names"})


def real(
    owner: str,
    name: str,
    value: Any,
    *,
    low: float = 0.0,
    high: float = math.inf,
    high_open: bool = False,
) -> float:
    """``value`` as a float if it is a finite real number in ``[low, high]``
    (``[low, high)`` when ``high_open``), else a ValueError naming the owner, the
    hyperparameter and the value. numpy scalars count as numbers (``np.float32(0.1)``);
    bools, strings, NaN and infinities do not.
    """
    number = (
        not isinstance(value, (bool, np.bool_))
        and isinstance(value, numbers.Real)
        and math.isfinite(float(value))
    )
    if number and low <= float(value) <= high and not (high_open and float(value) == high):
        return float(value)
    if high == math.inf:
        bounds = f"a number >= {low:g}"
    else:
        bounds = f"in [{low:g}, {high:g}{')' if high_open else ']'}"
    note = "" if number or not isinstance(value, numbers.Real) else " (not finite)"
    raise ValueError(f"{owner}: {name} must be {bounds}, got {value!r}{note}")


def flag(owner: str, name: str, value: Any) -> bool:
    """``value`` if it is a bool (numpy's too), else a ValueError."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{owner}: {name} must be True or False, got {value!r}")
    return bool(value)


class Optimizer:
    """Base class of optimisers.

    Parameters
    ----------
    params : iterable of Tensor, or of dict
        The tensors to optimise, or parameter groups: dicts with a ``"params"``
        list and hyperparameters overriding ``defaults`` for that group.
    defaults : dict
        Hyperparameters of every group (``lr`` among them).

    Attributes
    ----------
    param_groups : list of dict
        Each has ``"params"`` (a list of Tensors) and its hyperparameters.
    state : dict
        Per-parameter state (momentum buffers, step counts), keyed by ``id(param)``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.optim import SGD
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> b = ag.tensor([0.0], requires_grad=True)
    >>> opt = SGD([{"params": [w]}, {"params": [b], "lr": 0.1}], lr=0.5)
    >>> (w * 4 + b).sum().backward()
    >>> opt.step(); w, b
    (tensor([-1.], requires_grad=True), tensor([-0.1], requires_grad=True))
    """

    def __init__(self, params: Iterable[Any], defaults: Mapping[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: dict[int, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, (Tensor, set, frozenset, Mapping)):
            kind = (
                "a single Tensor; wrap it in a list"
                if isinstance(params, Tensor)
                else (f"a {type(params).__name__} (its order is not defined)")
            )
            raise TypeError(
                f"{self._name}: params must be an iterable of Tensors (e.g. "
                f"model.parameters()) or of parameter-group dicts, got {kind}"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{self._name}: got an empty parameter list")
        if not isinstance(groups[0], Mapping):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    @property
    def _name(self) -> str:
        return type(self).__name__

    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters.

        Missing hyperparameters take the optimiser's defaults. A parameter already
        in another group, or a key that is not a hyperparameter, is an error.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.optim import Adam
        >>> opt = Adam([ag.tensor([1.0], requires_grad=True)])
        >>> opt.add_param_group({"params": [ag.tensor([2.0], requires_grad=True)], "lr": 0.1})
        >>> [g["lr"] for g in opt.param_groups]
        [0.001, 0.1]
        """
        if not isinstance(param_group, Mapping) or "params" not in param_group:
            raise TypeError(f"{self._name}: a parameter group must be a dict with 'params'")
        unknown = sorted(set(param_group) - set(self.defaults) - _EXTRA_GROUP_KEYS - {"params"})
        if unknown:
            raise ValueError(
                f"{self._name}: unknown key(s) {unknown} in a parameter group; "
                f"hyperparameters are {sorted(self.defaults)}"
            )
        params = param_group["params"]
        if isinstance(params, (set, frozenset)):
            raise TypeError(f"{self._name}: a group's params must be a list, not a set")
        params = [params] if isinstance(params, Tensor) else list(params)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        mine: set[int] = set()
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"{self._name}: parameter {i} is a {type(p).__name__}, not a Tensor"
                )
            if not p.is_leaf:
                raise ValueError(
                    f"{self._name}: parameter {i} (shape {p.shape}) is not a leaf tensor; "
                    "optimise the tensors you created, not results of ops"
                )
            if id(p) in seen:
                raise ValueError(
                    f"{self._name}: parameter {i} (shape {p.shape}) is already in another "
                    "parameter group; a parameter may appear in only one"
                )
            if id(p) in mine:
                raise ValueError(
                    f"{self._name}: parameter {i} (shape {p.shape}) appears more than once"
                )
            mine.add(id(p))
        full = {**self.defaults, **{k: v for k, v in param_group.items() if k != "params"}}
        self._check_hyperparameters(full)
        full["params"] = params
        self.param_groups.append(full)

    # Hyperparameters the base class validates for a subclass, in this order:
    # non-negative finite reals, then bools. Anything else, the subclass checks.
    _nonnegative: tuple[str, ...] = ()
    _flags: tuple[str, ...] = ()

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        """Validate (and normalise, e.g. to float) the group's hyperparameters in
        place; raise a ValueError naming the bad one. Subclasses list theirs in
        ``_nonnegative`` and ``_flags``, and extend this for any other rule."""
        group["lr"] = real(self._name, "learning rate", group.get("lr"))
        if "maximize" in group:
            group["maximize"] = flag(self._name, "maximize", group["maximize"])
        for name in self._nonnegative:
            group[name] = real(self._name, name, group[name])
        for name in self._flags:
            group[name] = flag(self._name, name, group[name])

    @staticmethod
    def _regularised(param: np.ndarray, grad: np.ndarray, group: dict[str, Any]) -> np.ndarray:
        """The gradient negated (``maximize``) and with the L2 term
        ``weight_decay * param`` added, as a new array when either applies;
        ``grad`` itself (the parameter's ``.grad``) is never written."""
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param
        return grad

    # ------------------------------------------------------------------ lr
    @property
    def lr(self) -> float:
        """The learning rate of the first group; setting it sets every group's.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> opt = ag.optim.SGD([ag.nn.Parameter(ag.zeros(2))], lr=0.1)
        >>> opt.lr = 0.01
        >>> opt.lr, opt.param_groups[0]["lr"]
        (0.01, 0.01)
        """
        return self.param_groups[0]["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        lr = real(self._name, "learning rate", value)
        for group in self.param_groups:
            group["lr"] = lr

    # ------------------------------------------------------------------ stepping
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (``.grad`` to None, or zeros).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> w = ag.nn.Parameter(ag.ones(2))
        >>> opt = ag.optim.SGD([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.zero_grad(set_to_none=False)
        >>> w.grad.tolist()
        [0.0, 0.0]
        >>> opt.zero_grad()
        >>> w.grad is None
        True
        """
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad.data[...] = 0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, in place.

        ``closure``, if given, re-evaluates the model and returns the loss (with
        grad mode on); its result is returned, as in PyTorch.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> w = ag.nn.Parameter(ag.tensor([1.0, -2.0]))
        >>> opt = ag.optim.SGD([w], lr=0.5)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w.tolist()
        [0.0, 0.0]
        """
        loss = None
        if closure is not None:
            loss = closure()
        # The rules work on the numpy arrays, so no graph is recorded.
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                param, grad = p.data, p.grad.data
                # backward() always fits gradients to their leaf; a .grad set by
                # hand might not, and would otherwise broadcast silently.
                if grad.shape != param.shape:
                    raise ValueError(
                        f"{self._name}.step: gradient of shape {grad.shape} does not "
                        f"fit parameter of shape {param.shape}"
                    )
                state = self.state.setdefault(id(p), {})
                self._update(param, grad, state, group)
                p._version += 1  # an in-place change: saved copies are now stale
        return loss

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:  # pragma: no cover - abstract
        """Update ``param`` in place from ``grad``. Must not write into ``grad``
        (it is the parameter's ``.grad``)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ state
    def _params(self) -> list[Tensor]:
        return [p for group in self.param_groups for p in group["params"]]

    def state_dict(self) -> dict[str, Any]:
        """A copy of the optimiser's state: numpy arrays, numbers and lists only.

        ``{"state": {index: {...}}, "param_groups": [{..., "params": [index, ...]}]}``
        with parameters numbered in group order, as in PyTorch.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.optim import SGD
        >>> opt = SGD([ag.tensor([1.0], requires_grad=True)], lr=0.1, momentum=0.9)
        >>> sorted(opt.state_dict()["param_groups"][0])
        ['dampening', 'lr', 'maximize', 'momentum', 'nesterov', 'params', 'weight_decay']
        """
        index = {id(p): i for i, p in enumerate(self._params())}
        state = {
            index[pid]: {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in s.items()}
            for pid, s in self.state.items()
            if pid in index
        }
        groups = []
        for group in self.param_groups:
            g = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            g["params"] = [index[id(p)] for p in group["params"]]
            groups.append(g)
        return {"state": state, "param_groups": groups}

    def _restored_groups(self, saved_groups: list[Any]) -> list[dict[str, Any]]:
        """The hyperparameters of each saved group, validated like a new group's."""
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{self._name}.load_state_dict: state has {len(saved_groups)} parameter "
                f"groups, optimizer has {len(self.param_groups)}"
            )
        restored = []
        for gi, (saved, own) in enumerate(zip(saved_groups, self.param_groups)):
            if not isinstance(saved, Mapping) or "params" not in saved:
                raise ValueError(f"{self._name}.load_state_dict: group {gi} is not a dict")
            if len(saved["params"]) != len(own["params"]):
                raise ValueError(
                    f"{self._name}.load_state_dict: group {gi} has {len(saved['params'])} "
                    f"parameters in the state, {len(own['params'])} in the optimizer"
                )
            unknown = sorted(set(saved) - set(self.defaults) - _EXTRA_GROUP_KEYS - {"params"})
            if unknown:
                raise ValueError(
                    f"{self._name}.load_state_dict: unknown key(s) {unknown} in group {gi}"
                )
            group = {k: v for k, v in own.items() if k != "params"}
            for k, v in saved.items():
                if k != "params":
                    group[k] = self._restore_hyperparameter(k, copy.deepcopy(v))
            try:
                self._check_hyperparameters(group)
            except ValueError as exc:
                raise ValueError(f"{self._name}.load_state_dict: group {gi}: {exc}") from None
            restored.append(group)
        return restored

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict`; continuing then gives bit-identical updates.

        Hyperparameters are validated as on construction; nothing changes if any
        is invalid. State keys may be ints or their string forms (as after a JSON
        round trip).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> w = ag.nn.Parameter(ag.tensor([1.0, 2.0]))
        >>> opt = ag.optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w2 = ag.nn.Parameter(w.detach().numpy().copy())
        >>> opt2 = ag.optim.Adam([w2], lr=0.5)
        >>> opt2.load_state_dict(opt.state_dict())
        >>> w2.grad = w.grad
        >>> opt.step(); opt2.step()
        >>> opt2.lr, w2.tolist() == w.tolist()
        (0.1, True)
        """
        try:
            groups = list(state_dict["param_groups"])
            saved_state = dict(state_dict["state"])
        except (KeyError, TypeError):
            raise ValueError(
                f"{self._name}.load_state_dict: expected a dict with 'state' and 'param_groups'"
            ) from None
        restored = self._restored_groups(groups)
        params = self._params()
        new_state: dict[int, dict[str, Any]] = {}
        for key, s in saved_state.items():
            i = int(key)
            if not 0 <= i < len(params):
                raise ValueError(
                    f"{self._name}.load_state_dict: state for parameter {i}, but the "
                    f"optimizer has {len(params)}"
                )
            p = params[i]
            entry: dict[str, Any] = {}
            for k, v in s.items():
                if isinstance(v, (np.ndarray, list)) and k != "step":
                    v = np.asarray(v)
                    if v.shape != p.shape:
                        raise ValueError(
                            f"{self._name}.load_state_dict: {k!r} of parameter {i} has shape "
                            f"{v.shape}, parameter has shape {p.shape}"
                        )
                    v = v.astype(p.dtype, copy=True)
                entry[k] = v
            new_state[id(p)] = entry
        for group, own in zip(restored, self.param_groups):
            own.update(group)
        self.state = new_state

    def _restore_hyperparameter(self, key: str, value: Any) -> Any:
        """Undo what a JSON round trip does to a hyperparameter (tuples → lists)."""
        return value

    def __repr__(self) -> str:
        lines = [f"{self._name} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(group):
                if k != "params":
                    lines.append(f"    {k}: {group[k]}")
        return "\n".join(lines) + "\n)"
