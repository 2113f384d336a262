"""The ``Optimizer`` base class: parameter groups, per-parameter state, save/restore.

Subclasses implement only :meth:`Optimizer._update`, the rule for one parameter;
the base class walks the groups, skips parameters without a gradient, and turns
state into plain numpy arrays and numbers for checkpoints.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..tensor import Tensor

__all__ = ["Optimizer"]


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
    >>> opt = SGD([w], lr=0.5)
    >>> (w * 4).sum().backward()
    >>> opt.step(); w
    tensor([-1.], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], defaults: Mapping[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: dict[int, dict[str, Any]] = {}
        # Work arrays shared by every parameter's update (see _scratch); not state.
        self._scratch_space: dict[tuple[int, np.dtype], np.ndarray] = {}
        self._scratch_views: dict[tuple[int, tuple[int, ...], np.dtype], np.ndarray] = {}
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(
                f"{self._name}: params must be an iterable of Tensors (e.g. "
                "model.parameters()), got a single Tensor; wrap it in a list"
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

    def add_param_group(self, group: Mapping[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters."""
        if not isinstance(group, Mapping) or "params" not in group:
            raise TypeError(f"{self._name}: a parameter group must be a dict with 'params'")
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
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
                    f"{self._name}: parameter {i} (shape {p.shape}) appears more than once"
                )
            seen.add(id(p))
        full = {**self.defaults, **{k: v for k, v in group.items() if k != "params"}}
        self._check_hyperparameters(full)
        full["params"] = params
        self.param_groups.append(full)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        """Raise a clear error for invalid hyperparameters (subclasses extend)."""
        lr = group.get("lr")
        if not isinstance(lr, (int, float)) or isinstance(lr, bool) or not lr >= 0:
            raise ValueError(f"{self._name}: learning rate must be a number >= 0, got {lr!r}")
        group["lr"] = float(lr)

    # ------------------------------------------------------------------ lr
    @property
    def lr(self) -> float:
        """The learning rate of the first group; setting it sets every group's."""
        return self.param_groups[0]["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        for group in self.param_groups:
            self._check_hyperparameters({**group, "lr": value})
            group["lr"] = float(value)

    # ------------------------------------------------------------------ stepping
    def zero_grad(self) -> None:
        """Forget every parameter's gradient (set ``.grad`` to None)."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    def step(self) -> None:
        """Update every parameter that has a gradient, in place."""
        states, update = self.state, self._update  # (looked up once, not per parameter)
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                param, grad = p.data, grad.data
                # backward() always fits gradients to their leaf; a .grad set by
                # hand might not, and would otherwise broadcast silently.
                if grad.shape != param.shape:
                    raise ValueError(
                        f"{self._name}.step: gradient of shape {grad.shape} does not fit "
                        f"parameter of shape {param.shape}"
                    )
                state = states.get(id(p))
                if state is None:
                    state = states[id(p)] = {}
                update(param, grad, state, group)

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:  # pragma: no cover - abstract
        """Update ``param`` in place from ``grad``. Must not write into ``grad``
        (it is the parameter's ``.grad``)."""
        raise NotImplementedError

    def _scratch(self, like: np.ndarray, slot: int = 0) -> np.ndarray:
        """A work array of ``like``'s shape and dtype, so that an update rule can
        write its intermediate results with ``out=`` and allocate nothing.

        One buffer per ``slot`` (and dtype), as large as the largest parameter
        seen, shared by all parameters: each update is done with it before the
        next begins, so the memory is one parameter's worth, not a copy of every
        parameter. Its contents are garbage on entry and are not kept. The view
        for each shape is made once: slicing and reshaping on every call would
        cost more than allocating a small temporary.
        """
        key = (slot, like.shape, like.dtype)
        view = self._scratch_views.get(key)
        if view is None:
            buf = self._scratch_space.get((slot, like.dtype))
            if buf is None or buf.size < like.size:
                buf = self._scratch_space[slot, like.dtype] = np.empty(like.size, like.dtype)
                self._scratch_views.clear()  # old views would keep the old buffer alive
            view = self._scratch_views[key] = buf[: like.size].reshape(like.shape)
        return view

    # ------------------------------------------------------------------ state
    def _params(self) -> list[Tensor]:
        return [p for group in self.param_groups for p in group["params"]]

    def state_dict(self) -> dict[str, Any]:
        """A copy of the optimiser's state: numpy arrays, numbers and lists only.

        ``{"state": {index: {...}}, "param_groups": [{..., "params": [index, ...]}]}``
        with parameters numbered in group order, as in PyTorch.
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

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict`; continuing then gives bit-identical updates.

        State keys may be ints or their string forms (as after a JSON round trip).
        """
        try:
            groups = list(state_dict["param_groups"])
            saved_state = dict(state_dict["state"])
        except (KeyError, TypeError):
            raise ValueError(
                f"{self._name}.load_state_dict: expected a dict with 'state' and 'param_groups'"
            ) from None
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"{self._name}.load_state_dict: state has {len(groups)} parameter groups, "
                f"optimizer has {len(self.param_groups)}"
            )
        params = self._params()
        for gi, (saved, own) in enumerate(zip(groups, self.param_groups)):
            if len(saved["params"]) != len(own["params"]):
                raise ValueError(
                    f"{self._name}.load_state_dict: group {gi} has {len(saved['params'])} "
                    f"parameters in the state, {len(own['params'])} in the optimizer"
                )
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
                if isinstance(v, np.ndarray):
                    if v.shape != p.shape:
                        raise ValueError(
                            f"{self._name}.load_state_dict: {k!r} of parameter {i} has shape "
                            f"{v.shape}, parameter has shape {p.shape}"
                        )
                    v = v.astype(p.dtype, copy=True)
                entry[k] = v
            new_state[id(p)] = entry
        for saved, own in zip(groups, self.param_groups):
            for k, v in saved.items():
                if k != "params":
                    own[k] = self._restore_hyperparameter(k, copy.deepcopy(v))
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
