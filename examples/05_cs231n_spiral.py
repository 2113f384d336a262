"""CS231n's two-layer network on the spiral data, step for step.

Reproduces the "Putting it together: training a neural network" case study of
Stanford's CS231n notes: three interleaved spiral arms of 100 points, a 2-100-3
network (ReLU hidden layer, softmax output), weights drawn as ``0.01 * randn``
and zero biases, the mean softmax cross-entropy plus ``0.5 * reg * sum(W**2)``
for both weight matrices (not the biases), ``reg = 1e-3``, and full-batch
gradient descent with step size 1.0 for 10,000 iterations. The notes report a
training accuracy of 98 % (99 % in some versions).

The spiral comes from ``autograd_mlp.data.spiral``, the same construction but
numpy's newer generator, so the points differ from the notes'. We also report the
accuracy on a second spiral drawn with another seed, which the notes do not.

Run::

    python examples/05_cs231n_spiral.py                  # ~10 s
    python examples/05_cs231n_spiral.py --steps 2000
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import one_blas_thread

from autograd_mlp import functional as F
from autograd_mlp import nn, optim
from autograd_mlp.data import spiral


@one_blas_thread
def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=None, help="iterations (default: 10000)")
    parser.add_argument("--epochs", type=int, default=None, help="the same as --steps (full batch)")
    parser.add_argument("--hidden", type=int, default=100, help="hidden units (default: 100)")
    parser.add_argument("--lr", type=float, default=1.0, help="step size (default: 1.0)")
    parser.add_argument("--reg", type=float, default=1e-3, help="L2 strength (default: 1e-3)")
    parser.add_argument("--seed", type=int, default=0, help="seed (default: 0)")
    parser.add_argument("--smoke", action="store_true", help="500 steps, for tests")
    args = parser.parse_args(argv)
    steps = args.steps or args.epochs or (500 if args.smoke else 10_000)

    X, y = spiral(n_per_class=100, n_classes=3, seed=0)
    X_new, y_new = spiral(n_per_class=100, n_classes=3, seed=1)

    rng = np.random.default_rng(args.seed)
    model = nn.MLP([2, args.hidden, 3], activation="relu")
    weights = [layer.weight for layer in model.layers if isinstance(layer, nn.Linear)]
    for layer in model.layers:
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight, 0.0, 0.01, rng=rng)  # 0.01 * randn
            nn.init.zeros_(layer.bias)
    optimizer = optim.SGD(model.parameters(), lr=args.lr)  # plain gradient descent

    started = time.perf_counter()
    for step in range(steps):
        scores = model(X)
        data_loss = F.cross_entropy(scores, y)
        reg_loss = sum(0.5 * args.reg * (W * W).sum() for W in weights)
        loss = data_loss + reg_loss
        if step % 1000 == 0:
            print(f"iteration {step}: loss {loss.item():.6f}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - started

    train_acc = float((model(X).data.argmax(axis=1) == y).mean())
    new_acc = float((model(X_new).data.argmax(axis=1) == y_new).mean())
    print(
        f"training accuracy: {100 * train_acc:.2f}% after {steps} steps, {seconds:.1f}s "
        "(CS231n: 98%)"
    )
    print(f"accuracy on a second spiral (seed 1): {100 * new_acc:.2f}%")
    return train_acc


if __name__ == "__main__":
    main()
