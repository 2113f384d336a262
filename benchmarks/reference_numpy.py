"""The honest limit: a 784-100-200-10 ReLU MLP written by hand in numpy.

Forward, hand-derived backward, the fused softmax-cross-entropy gradient, and
in-place SGD, all into buffers allocated once per batch size. This is what an
autograd engine on top of numpy is measured against in ``bench_mlp.py``: it does
the same arithmetic with no graph, no Python objects per op, and no allocation in
the training step.

The math, for a batch of ``n`` rows ``x`` with integer classes ``y`` and layers
``l = 1..L`` with weights ``W_l`` of shape ``(out, in)`` (PyTorch's layout)::

    forward    z_l = a_{l-1} @ W_lᵀ + b_l,   a_l = max(z_l, 0) (not on the last layer)
    loss       L   = mean_i( logsumexp(z_L[i]) - z_L[i, y_i] )
    backward   d_L = (softmax(z_L) - onehot(y)) / n          (the fused CE gradient)
               dW_l = d_lᵀ @ a_{l-1},   db_l = Σ_rows d_l
               d_{l-1} = (d_l @ W_l) * [z_{l-1} > 0]       (ReLU's derivative)
    SGD        W_l -= lr · dW_l,  b_l -= lr · db_l

The ReLU mask uses ``a > 0``, which equals ``z > 0`` and lets ``z`` be
overwritten in place by ``a``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SIZES = (784, 100, 200, 10)


def init_params(sizes: Sequence[int] = SIZES, seed: int = 0) -> list[np.ndarray]:
    """Kaiming-uniform weights ``(out, in)`` and zero biases, float32:
    ``[W1, b1, W2, b2, ...]``. Both engines in the benchmark start from these."""
    rng = np.random.default_rng(seed)
    params: list[np.ndarray] = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = np.sqrt(6.0 / n_in)
        params.append(rng.uniform(-bound, bound, size=(n_out, n_in)).astype(np.float32))
        params.append(np.zeros(n_out, dtype=np.float32))
    return params


class NumpyMLP:
    """A ReLU MLP trained by hand-written numpy with preallocated buffers.

    Parameters
    ----------
    params : list of ndarray
        ``[W1, b1, W2, b2, ...]`` as from :func:`init_params`; copied.
    """

    def __init__(self, params: Sequence[np.ndarray]) -> None:
        self.params = [np.array(p, dtype=np.float32) for p in params]
        self.weights = self.params[0::2]
        self.biases = self.params[1::2]
        self.grads = [np.empty_like(p) for p in self.params]
        self._bufs: dict[int, dict[str, list[np.ndarray]]] = {}

    def _buffers(self, n: int) -> dict[str, list[np.ndarray]]:
        """Activations, their gradients and ReLU masks for batch size ``n``
        (allocated on first use of each batch size, then reused)."""
        bufs = self._bufs.get(n)
        if bufs is None:
            outs = [w.shape[0] for w in self.weights]
            bufs = {
                "a": [np.empty((n, k), np.float32) for k in outs],  # z_l, then a_l in place
                "d": [np.empty((n, k), np.float32) for k in outs],  # dL/dz_l
                "mask": [np.empty((n, k), bool) for k in outs[:-1]],
                "row": [np.empty((n, 1), np.float32)],  # per-row max / sum of the softmax
                "loss": [np.empty(n, np.float32)],
            }
            self._bufs[n] = bufs
        return bufs

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Logits for ``x`` (n, 784); returns a buffer that the next call reuses."""
        a = self._buffers(len(x))["a"]
        h = x
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            np.matmul(h, w.T, out=a[i])
            a[i] += b
            if i < last:
                np.maximum(a[i], 0, out=a[i])
            h = a[i]
        return h

    def step(self, x: np.ndarray, y: np.ndarray, lr: float) -> float:
        """One SGD step on the batch ``(x, y)``; returns the mean loss."""
        n = len(x)
        bufs = self._buffers(n)
        a, d, mask = bufs["a"], bufs["d"], bufs["mask"]
        row, losses = bufs["row"][0], bufs["loss"][0]
        z = self.forward(x)

        # Fused softmax cross-entropy: loss and gradient (softmax - onehot) / n.
        rows = np.arange(n)
        p = d[-1]
        np.max(z, axis=1, keepdims=True, out=row)
        np.subtract(z, row, out=p)  # shifted logits
        np.subtract(0, p[rows, y], out=losses)  # -(z_y - max)
        np.exp(p, out=p)
        np.sum(p, axis=1, keepdims=True, out=row)
        losses += np.log(row[:, 0])
        p /= row
        p[rows, y] -= 1
        p *= 1.0 / n

        # Backward through the layers, last to first.
        gw, gb = self.grads[0::2], self.grads[1::2]
        for i in range(len(self.weights) - 1, -1, -1):
            h_in = x if i == 0 else a[i - 1]
            np.matmul(d[i].T, h_in, out=gw[i])
            np.sum(d[i], axis=0, out=gb[i])
            if i > 0:
                np.matmul(d[i], self.weights[i], out=d[i - 1])
                np.greater(a[i - 1], 0, out=mask[i - 1])
                np.multiply(d[i - 1], mask[i - 1], out=d[i - 1])

        # In-place SGD.
        for p_, g in zip(self.params, self.grads):
            g *= lr
            p_ -= g
        return float(losses.mean())

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predicted classes for ``x``."""
        return self.forward(x).argmax(axis=1)
