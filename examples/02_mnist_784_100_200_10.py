"""784-100-200-10 ReLU network, SGD lr 0.1, batch 32, 25 epochs: the 98.09 % tutorial.

Reproduces the tutorial that trains a 784-100-200-10 ReLU/softmax network with
plain SGD (learning rate 0.1, mini-batches of 32) for 25 epochs on the first
50,000 MNIST training images and validates on the last 10,000; it reports
98.09 % validation accuracy. We print the validation accuracy per epoch, the
final one (the number to compare), and the accuracy on the 10,000 test images,
which the tutorial did not use.

Run::

    python examples/02_mnist_784_100_200_10.py                 # ~25 epochs x ~8 s
    python examples/02_mnist_784_100_200_10.py --epochs 5      # a shorter run
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
    add_training_arguments(parser, epochs=25)
    args = parser.parse_args(argv)

    X, y, X_test, y_test, source = load(args)
    # The last 10,000 training images validate (the last sixth on a smaller set).
    n_val = 10_000 if len(X) == 60_000 else len(X) // 6
    X_val, y_val = X[-n_val:], y[-n_val:]
    X_train, y_train = limit(args, X[:-n_val], y[:-n_val])
    n_epochs = epochs(args, 25)
    print(
        f"data: {source}: {len(X_train)} training, {len(X_val)} validation, "
        f"{len(X_test)} test images"
    )

    nn.init.manual_seed(args.seed)
    model = nn.MLP([784, 100, 200, 10], activation="relu")
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    started = time.perf_counter()
    history = fit(
        model,
        optimizer,
        (X_train, y_train),
        epochs=n_epochs,
        batch_size=32,
        val_data=(X_val, y_val),
        seed=args.seed,
    )
    seconds = time.perf_counter() - started
    val_acc = history.val_acc[-1]
    best = max(history.val_acc)
    _, test_acc = evaluate(model, X_test, y_test)
    print(
        f"validation accuracy: {100 * val_acc:.2f}% after {n_epochs} epochs "
        f"(best {100 * best:.2f}% at epoch {history.val_acc.index(best) + 1}; tutorial: 98.09%)"
    )
    print(f"test accuracy: {100 * test_acc:.2f}% ({seconds:.0f}s of training)")
    return val_acc


if __name__ == "__main__":
    main()
