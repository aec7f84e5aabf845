"""Lesson 7's autodiff: training time and accuracy, and forward mode against reverse mode.

    .venv/bin/python benchmarks/bench_autodiff.py              # 30 epochs, as the lesson
    .venv/bin/python benchmarks/bench_autodiff.py --epochs 5   # quicker

Trains 784-16-16-10 (sigmoid, quadratic cost, batches of 10, eta = 0.5, seed 0) with
bp_helpers.autodiff's Tensor on the embedded 4,000-digit MNIST subset, as lesson 7
does, and prints the time per epoch, the total and the test accuracy (target: at least
90% in under a minute on 2 cores). Then it counts and times the gradient of one batch of
10 by forward mode (one pass per parameter, 13,002 passes) and by reverse mode (one
backward pass), and prints their ratio. Times depend on the machine; nothing is asserted.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bp_helpers.autodiff import Tensor, forward_mode_gradient, sgd_epoch, tensor_backprop
from bp_helpers.data import load_mnist
from bp_helpers.network import Network, one_hot


def train(mnist, epochs):
    """(seconds per epoch, test accuracy after each epoch) of lesson 7's run."""
    start = Network([784, 16, 16, 10], seed=0)
    W, b = [Tensor(w) for w in start.W], [Tensor(v) for v in start.b]
    Y = one_hot(mnist.y_train, 10)
    rng = np.random.default_rng(0)
    seconds, accuracies = [], []
    for _ in range(epochs):
        started = time.perf_counter()
        sgd_epoch(W, b, mnist.X_train, Y, batch_size=10, lr=0.5, rng=rng)
        seconds.append(time.perf_counter() - started)
        trained = Network.from_weights([w.data for w in W], [v.data for v in b])
        accuracies.append(trained.accuracy(mnist.X_test, mnist.y_test))
    return seconds, accuracies


def modes(mnist, repeats=5):
    """(passes, forward-mode seconds, best reverse-mode seconds) for one batch of 10."""
    network = Network([784, 16, 16, 10], seed=0)
    X, Y = mnist.X_train[:10], one_hot(mnist.y_train[:10], 10)
    passes = sum(w.size + v.size for w, v in zip(network.W, network.b, strict=True))
    started = time.perf_counter()
    forward_mode_gradient(network, X, Y)
    forward = time.perf_counter() - started
    reverse = []
    for _ in range(repeats):
        started = time.perf_counter()
        tensor_backprop(network, X, Y)
        reverse.append(time.perf_counter() - started)
    return passes, forward, min(reverse)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    kernels = ", ".join(sorted({info.get("internal_api", "?") + ":" +
                                str(info.get("architecture")) for info in threadpool_info()}))
    print(f"BLAS: {kernels}")
    mnist = load_mnist(source="embedded")
    seconds, accuracies = train(mnist, args.epochs)
    print(f"training: {args.epochs} epochs of {len(mnist.X_train):,} digits in "
          f"{sum(seconds):.1f} s ({statistics.median(seconds):.2f} s per epoch, median); "
          f"test accuracy {accuracies[-1]:.1%} (last five epochs "
          f"{min(accuracies[-5:]):.1%} to {max(accuracies[-5:]):.1%})")
    passes, forward, reverse = modes(mnist)
    print(f"gradient of one batch of 10: forward mode {passes:,} passes in {forward:.2f} s "
          f"({forward / passes * 1e6:.0f} µs a pass); reverse mode one backward pass in "
          f"{reverse * 1000:.2f} ms; forward/reverse = {forward / reverse:,.0f}")


if __name__ == "__main__":
    main()
