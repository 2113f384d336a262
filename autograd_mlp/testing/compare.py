"""``assert_grads_close``: compare gradients and say exactly where they differ.

Examples
--------
>>> import numpy as np
>>> from autograd_mlp.testing import assert_grads_close
>>> assert_grads_close({"w": np.array([1.0, 2.0])}, {"w": np.array([1.0, 2.0 + 1e-9])})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..tensor import Tensor


def _array(value: Any) -> np.ndarray | None:
    """A Tensor, ndarray, number or torch tensor as an ndarray (None stays None)."""
    if value is None:
        return None
    if isinstance(value, Tensor):
        return value.data
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        return np.asarray(value.detach().cpu().numpy())
    return np.asarray(value)


def _named(values: Any, side: str) -> dict[str, Any]:
    if hasattr(values, "named_parameters"):  # a Module: its parameters' .grad
        return {name: p.grad for name, p in values.named_parameters()}
    if isinstance(values, Mapping):
        return {str(k): v for k, v in values.items()}
    if isinstance(values, (list, tuple)):
        return {
            (v.name if isinstance(v, Tensor) and v.name else f"[{i}]"): v
            for i, v in enumerate(values)
        }
    name = values.name if isinstance(values, Tensor) and values.name else "gradient"
    return {name: values}


def _where(name: str, element: tuple[int, ...]) -> str:
    return f"{name}[{', '.join(str(i) for i in element)}]" if element else name


def assert_grads_close(actual: Any, expected: Any, rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Assert that gradients agree, element by element (``numpy.allclose``'s rule).

    Parameters
    ----------
    actual, expected :
        A single gradient, a list or tuple of them, a mapping ``name -> gradient``,
        or an ``nn.Module`` (its parameters' ``.grad``). A gradient is a Tensor,
        an ndarray, a number, a torch tensor or ``None``. Both sides must have the
        same names (positions for lists).
    rtol, atol : float
        ``|actual - expected| <= atol + rtol * |expected|`` must hold everywhere.

    Raises
    ------
    AssertionError
        Naming the tensor, the worst element (``layers.0.weight[2, 1]``), both
        values, and how many elements differ; or a missing gradient, a missing
        name, or a shape mismatch.

    Examples
    --------
    >>> import numpy as np
    >>> from autograd_mlp.testing import assert_grads_close
    >>> try:
    ...     assert_grads_close({"w": np.array([1.0, 2.0])}, {"w": np.array([1.0, 2.5])})
    ... except AssertionError as err:
    ...     print(err)
    gradients differ: w[1]: actual 2 vs expected 2.5 (|diff| 0.5 > 2.5e-05; 1 of 2 elements differ)
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this function's
    got, want = _named(actual, "actual"), _named(expected, "expected")
    if set(got) != set(want):
        raise AssertionError(
            f"gradients differ in names: only in actual {sorted(set(got) - set(want))}, "
            f"only in expected {sorted(set(want) - set(got))}"
        )
    problems = []
    for name in want:
        a, e = _array(got[name]), _array(want[name])
        if a is None or e is None:
            if a is not e:
                missing = "actual" if a is None else "expected"
                problems.append(f"{name}: no gradient in {missing}")
            continue
        if a.shape != e.shape:
            problems.append(f"{name}: shape {a.shape} (actual) vs {e.shape} (expected)")
            continue
        a64, e64 = np.asarray(a, np.float64), np.asarray(e, np.float64)
        diff = np.abs(a64 - e64)
        bound = atol + rtol * np.abs(e64)
        bad = ~(diff <= bound)
        if not bad.any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            worst = int(np.argmax(np.where(bad, np.nan_to_num(diff / bound, nan=np.inf), -1.0)))
        element = tuple(int(i) for i in np.unravel_index(worst, a.shape)) if a.shape else ()
        problems.append(
            f"{_where(name, element)}: actual {a64.flat[worst]:.8g} vs expected "
            f"{e64.flat[worst]:.8g} (|diff| {diff.flat[worst]:.3g} > {bound.flat[worst]:.3g}; "
            f"{int(bad.sum())} of {a.size} elements differ)"
        )
    if problems:
        raise AssertionError("gradients differ: " + "; ".join(problems))
