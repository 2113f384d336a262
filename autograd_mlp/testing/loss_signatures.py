"""Input strategies for the signatures of the activation primitives
(:mod:`autograd_mlp.ops.activations`); imported by ``strategies``."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import numpy as np

from ..op import OpSpec
from .strategies import register_signature, shapes, tensors


@register_signature("softplus")
@st.composite
def _softplus(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    beta = draw(st.sampled_from([0.5, 1.0, 2.0]))
    threshold = draw(st.sampled_from([20.0, 1.0, None]))
    # The switch to the identity at beta·x = threshold is a (tiny) kink.
    avoid = () if threshold is None else (threshold / beta,)
    x = draw(tensors(dtype=dtype, domain=spec.domain, avoid=avoid))
    return (x,), {"beta": beta, "threshold": threshold}


@register_signature("binary_cross_entropy")
@st.composite
def _binary_cross_entropy(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    # Probabilities inside (0, 1), away from the clamped ends; targets in [0, 1].
    shape = draw(shapes())
    probs = st.floats(0.05, 0.95)
    p = draw(tensors(shape=shape, dtype=dtype, elements=probs))
    t = draw(tensors(shape=shape, dtype=dtype, elements=st.floats(0.0, 1.0)))
    return (p, t), {}
