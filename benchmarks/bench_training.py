"""One epoch of SGD: ours against a Nielsen-style loop and scikit-learn, in one run.

    .venv/bin/python benchmarks/bench_training.py            # synthetic MNIST-shaped data
    .venv/bin/python benchmarks/bench_training.py --mnist    # real MNIST (BP_MNIST_DIR)

Every contender trains 784-16-16-10 with sigmoid hidden layers, batch size 10,
for one epoch of 60,000 examples. The numbers depend on the machine, so the
script prints times and ratios against references measured in the same run
rather than asserting anything. Targets: ours <= 0.5 s per epoch, >= 10x
faster than the Nielsen-style loop, faster than MLPClassifier.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import nielsen_reference

from bp_helpers import training
from bp_helpers.network import Network

SIZES = [784, 16, 16, 10]
BATCH_SIZE = 10


def synthetic_data(m=60_000, seed=0):
    """Random pixels in [0, 1) as float32 and random labels, shaped like MNIST."""
    rng = np.random.default_rng(seed)
    return rng.random((m, 784), dtype=np.float32), rng.integers(0, 10, m)


def mnist_data():
    from bp_helpers.data import load_mnist

    mnist = load_mnist("full", download=False)
    return mnist.X_train, mnist.y_train


def time_ours(X, y, cost="quadratic", dtype=np.float32, force_default_threads=False):
    """Seconds for a whole sgd(epochs=1) call, and for its steps alone; BLAS threads used."""
    saved = training.ONE_THREAD_BELOW
    if force_default_threads:
        training.ONE_THREAD_BELOW = 0
    try:
        network = Network(SIZES, "sigmoid", cost, seed=0)
        started = time.perf_counter()
        history = training.sgd(network, X, y, epochs=1, batch_size=BATCH_SIZE, lr=3.0,
                               dtype=dtype)
        total = time.perf_counter() - started
    finally:
        training.ONE_THREAD_BELOW = saved
    return total, history.records[-1].seconds, history.blas_threads


def time_nielsen(X, y, m):
    """Seconds for one epoch of the Nielsen-style loop on the first m examples."""
    targets = np.eye(10)[y[:m]]
    data = [(X[i].reshape(-1, 1), targets[i].reshape(-1, 1)) for i in range(m)]
    network = nielsen_reference.Network(SIZES, seed=0)
    with np.errstate(over="ignore"):
        started = time.perf_counter()
        network.SGD(data, epochs=1, mini_batch_size=BATCH_SIZE, eta=3.0)
        return time.perf_counter() - started


def time_sklearn(X, y):
    """Seconds for MLPClassifier.fit with max_iter=1: one epoch, same architecture and batch."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    classifier = MLPClassifier(
        hidden_layer_sizes=SIZES[1:-1], activation="logistic", solver="sgd",
        batch_size=BATCH_SIZE, learning_rate_init=0.1, momentum=0.0,
        nesterovs_momentum=False, alpha=0.0, max_iter=1, shuffle=True, random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        classifier.fit(X, y)
        return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", action="store_true", help="train on real MNIST")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each fast contender")
    parser.add_argument("--nielsen-examples", type=int, default=60_000,
                        help="examples for the Nielsen loop (its time is scaled to 60,000)")
    args = parser.parse_args()

    X, y = mnist_data() if args.mnist else synthetic_data()
    blas = ", ".join(f"{lib['internal_api']} {lib['version']}, {lib['num_threads']} threads"
                     for lib in threadpool_info() if lib["user_api"] == "blas")
    print(f"One epoch of {len(X):,} examples ({'MNIST' if args.mnist else 'synthetic'}, "
          f"{X.dtype}), {'-'.join(map(str, SIZES))}, batch size {BATCH_SIZE}")
    print(f"{os.cpu_count()} CPUs; numpy {np.__version__}; BLAS: {blas}\n")

    # Repeats are interleaved, so a slow spell of the machine hits every contender alike.
    ours = {
        "ours, sigmoid + quadratic, float32 (default)": {},
        "ours, same with BLAS threads left at default": dict(force_default_threads=True),
        "ours, sigmoid + softmax/cross-entropy, float32": dict(cost="cross_entropy"),
        "ours, sigmoid + quadratic, float64": dict(dtype=np.float64),
    }
    runs = {label: [] for label in [*ours, "sklearn"]}
    for _ in range(args.repeats):
        for label, options in ours.items():
            runs[label].append(time_ours(X, y, **options))
        runs["sklearn"].append((time_sklearn(X, y), None, None))
    m = min(args.nielsen_examples, len(X))
    nielsen = time_nielsen(X, y, m) * len(X) / m

    def best(label, column=0):
        return min(run[column] for run in runs[label])

    def median(label, column=0):
        return statistics.median(run[column] for run in runs[label])

    print(f"{'':48s} {'whole call':>17s}   {'epoch steps':>17s}")
    print(f"{'':48s} {'best':>8s} {'median':>8s}   {'best':>8s} {'median':>8s}   BLAS threads")
    for label in ours:
        print(f"{label:48s} {best(label):7.3f}s {median(label):7.3f}s   "
              f"{best(label, 1):7.3f}s {median(label, 1):7.3f}s   {runs[label][0][2]}")
    print(f"{'scikit-learn MLPClassifier.fit, max_iter=1':48s} "
          f"{best('sklearn'):7.3f}s {median('sklearn'):7.3f}s")
    print(f"{'Nielsen-style per-example loop (one run)':48s} {nielsen:7.3f}s"
          + (f"   (measured on {m:,} examples)" if m < len(X) else ""))

    default = next(iter(ours))
    cross_entropy = "ours, sigmoid + softmax/cross-entropy, float32"
    print()
    print(f"ours, one epoch: {best(default, 1):.3f} s of steps, {best(default):.3f} s for the "
          f"whole sgd() call with its checks and two full cost evaluations (target <= 0.5 s)")
    print(f"Nielsen-style loop / ours, epoch steps (neither evaluates): "
          f"{nielsen / best(default, 1):5.1f}x  (target >= 10x)")
    print(f"Nielsen-style loop / ours, whole sgd() call:                "
          f"{nielsen / best(default):5.1f}x")
    print(f"MLPClassifier.fit / ours, whole call, same softmax output:  "
          f"{best('sklearn') / best(cross_entropy):5.1f}x  (target > 1x)")


if __name__ == "__main__":
    main()
