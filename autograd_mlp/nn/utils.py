"""Gradient clipping and flat parameter vectors, as ``torch.nn.utils``.

Examples
--------
>>> import autograd_mlp as ag
>>> from autograd_mlp import nn
>>> w = ag.tensor([3.0, 4.0], requires_grad=True)
>>> (w * w).sum().backward()          # grad [6, 8], norm 10
>>> float(nn.utils.clip_grad_norm_([w], max_norm=1.0))
10.0
>>> [round(g, 4) for g in w.grad.numpy().tolist()]   # scaled by 1 / (10 + 1e-6)
[0.6, 0.8]
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor

__all__ = [
    "clip_grad_norm_",
    "clip_grad_value_",
    "parameters_to_vector",
    "vector_to_parameters",
]


def _tensors(fn: str, parameters: Any) -> list[Tensor]:
    items = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for i, p in enumerate(items):
        if not isinstance(p, Tensor):
            raise TypeError(f"{fn}: item {i} is a {type(p).__name__}, not a Tensor")
    return items


def _number(fn: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise ValueError(f"{fn}: {name} must be a number, got {value!r}")
    return float(value)


def clip_grad_norm_(
    parameters: Iterable[Tensor] | Tensor,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale the gradients in place so that their joint norm is at most ``max_norm``.

    The norm is taken over all gradients together, as if concatenated into one
    vector (``norm_type`` 2, 1, any p > 0, or ``inf`` for the largest absolute
    value). Gradients are multiplied by ``min(1, max_norm / (total + 1e-6))``,
    PyTorch's formula. Parameters without a gradient are skipped.

    Returns
    -------
    Tensor
        The total norm before clipping (a 0-d Tensor, like PyTorch's).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> w = ag.tensor([1.0, -3.0], requires_grad=True)
    >>> w.grad = ag.tensor([1.0, -3.0])
    >>> float(clip_grad_norm_([w], 10.0, norm_type=float("inf")))
    3.0
    """
    fn = "clip_grad_norm_"
    max_norm = _number(fn, "max_norm", max_norm)
    norm_type = _number(fn, "norm_type", norm_type)
    if norm_type <= 0:
        raise ValueError(f"{fn}: norm_type must be > 0 (or inf), got {norm_type}")
    with_grad = [p.grad for p in _tensors(fn, parameters) if p.grad is not None]
    grads = [g.data for g in with_grad]
    if not grads:
        return Tensor(np.array(0.0, np.float32))
    dtype = np.result_type(*grads)
    if math.isinf(norm_type):
        total = max(float(np.max(np.abs(a))) if a.size else 0.0 for a in grads)
    else:
        per = [np.linalg.norm(a.ravel().astype(dtype), ord=norm_type) for a in grads]
        total = float(np.linalg.norm(np.array(per, dtype), ord=norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"{fn}: the total norm of order {norm_type} of the gradients is {total}; "
            "pass error_if_nonfinite=False to clip anyway"
        )
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        for g in with_grad:
            g.data *= g.dtype.type(coef)
            g._version += 1
    # dtype= keeps a float64 norm float64 (Tensor() alone would cast it to float32)
    return Tensor(np.array(total, dtype), dtype=dtype)


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float) -> None:
    """Clip every gradient element into ``[-clip_value, clip_value]``, in place.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> w = ag.tensor([0.0, 0.0], requires_grad=True)
    >>> w.grad = ag.tensor([-5.0, 0.5])
    >>> clip_grad_value_([w], 1.0); w.grad
    tensor([-1. ,  0.5])
    """
    fn = "clip_grad_value_"
    clip_value = _number(fn, "clip_value", clip_value)
    if clip_value < 0:
        raise ValueError(f"{fn}: clip_value must be >= 0, got {clip_value}")
    for p in _tensors(fn, parameters):
        if p.grad is not None:
            np.clip(p.grad.data, -clip_value, clip_value, out=p.grad.data)
            p.grad._version += 1


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameter values, flattened and concatenated into one 1-D Tensor (a copy).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> parameters_to_vector([ag.tensor([[1.0, 2.0]]), ag.tensor([3.0])])
    tensor([1., 2., 3.])
    """
    params = _tensors("parameters_to_vector", parameters)
    if not params:
        return Tensor(np.zeros(0, np.float32))
    flat = np.concatenate([p.data.ravel() for p in params])
    return Tensor(flat, dtype=flat.dtype)  # float64 parameters give a float64 vector


def vector_to_parameters(vec: Any, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into the parameters, in place.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> a, b = ag.tensor([[0.0, 0.0]]), ag.tensor([0.0])
    >>> vector_to_parameters(ag.tensor([1.0, 2.0, 3.0]), [a, b]); a, b
    (tensor([[1., 2.]]), tensor([3.]))
    """
    fn = "vector_to_parameters"
    data = vec.data if isinstance(vec, Tensor) else np.asarray(vec)
    if not isinstance(vec, Tensor) and not isinstance(vec, np.ndarray):
        raise TypeError(f"{fn}: expected a Tensor, got {type(vec).__name__}")
    params = _tensors(fn, parameters)
    total = sum(p.size for p in params)
    if data.ndim != 1 or data.size != total:
        raise ValueError(
            f"{fn}: vector of shape {data.shape} does not fit parameters with {total} "
            "elements in all (a 1-D vector of that length expected)"
        )
    offset = 0
    for p in params:
        p.data[...] = data[offset : offset + p.size].reshape(p.shape)
        p._version += 1
        offset += p.size
