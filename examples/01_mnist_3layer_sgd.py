"""A 3-layer ReLU/softmax MLP on MNIST, trained with plain mini-batch SGD.

Reproduces the most common "MNIST MLP from scratch" tutorial: 784 inputs, two
ReLU hidden layers of 128 and 64 units, 10 softmax outputs, cross-entropy loss,
and plain stochastic gradient descent (no momentum, no schedule). Tutorials in
this style (NumPy from scratch, or the same network in PyTorch) report about
97 % test accuracy after 10-20 epochs.

Here the forward pass, the gradients and the update are autograd_mlp's:
``nn.MLP([784, 128, 64, 10])``, ``F.cross_entropy`` on the logits (the softmax is
fused into the loss) and ``optim.SGD(lr=0.1)``, batch 32, 10 epochs.

Run::

    python examples/01_mnist_3layer_sgd.py                      # ~1 min on 2 cores
    python examples/01_mnist_3layer_sgd.py --data-dir DIR --epochs 20
"""

from __future__ import annotations

import argparse
import time

from _common import add_data_arguments, add_training_arguments, epochs, limit, load, one_blas_thread

from autograd_mlp import nn, optim
from autograd_mlp.train import evaluate, fit


@one_blas_thread
def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_arguments(parser)
    add_training_arguments(parser, epochs=10, lr=0.1, batch_size=32)
    args = parser.parse_args(argv)

    X, y, X_test, y_test, source = load(args)
    X, y = limit(args, X, y)
    n_epochs = epochs(args, 10)
    print(f"data: {source}: {len(X)} training, {len(X_test)} test images")

    nn.init.manual_seed(args.seed)
    model = nn.MLP([784, 128, 64, 10], activation="relu")
    optimizer = optim.SGD(model.parameters(), lr=args.lr)  # plain SGD: no momentum
    print(f"model: 784-128-64-10 ReLU, plain SGD lr {args.lr}, batch {args.batch_size}")

    started = time.perf_counter()
    fit(
        model,
        optimizer,
        (X, y),
        epochs=n_epochs,
        batch_size=args.batch_size,
        val_data=(X_test, y_test),
        seed=args.seed,
    )
    seconds = time.perf_counter() - started
    _, acc = evaluate(model, X_test, y_test)
    print(f"test accuracy: {100 * acc:.2f}% after {n_epochs} epochs, {seconds:.0f}s")
    return acc


if __name__ == "__main__":
    main()
