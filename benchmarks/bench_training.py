"""One epoch of SGD: ours against a Nielsen-style loop and scikit-learn, in one run.

    .venv/bin/python benchmarks/bench_training.py            # synthetic MNIST-shaped data
    .venv/bin/python benchmarks/bench_training.py --mnist    # real MNIST (BP_MNIST_DIR)

Every contender trains 784-16-16-10 with sigmoid hidden layers, batch size 10,
for one epoch of 60,000 examples. The numbers depend on the machine, so the
script prints times and ratios against references measured in the same run
rather than asserting anything. Targets: ours <= 0.5 s per epoch, >= 10x
faster than the Nielsen-style loop, faster than MLPClassifier.

"Whole call" is everything training.sgd(epochs=1) does: checking the data,
the cost of the whole training set before and after the epoch (two full
forward passes), and the epoch's 6,000 steps. "Epoch steps" is the steps
alone. The Nielsen-style loop only steps, so the honest comparison is our
whole call against it; the steps-only ratio is printed beside it.
benchmarks/bench_mnist.py reuses `measure` and `print_speed`.
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

from bp_helpers import blas, fast_trainer, training
from bp_helpers.network import Network

SIZES = [784, 16, 16, 10]
BATCH_SIZE = 10
LR = 0.3  # the sigmoid recipe's (on random pixels, lr = 3 saturates some contenders)
DEFAULT = "ours, sigmoid + quadratic, float32 (default)"
CROSS_ENTROPY = "ours, sigmoid + softmax/cross-entropy, float32"
OURS = {
    DEFAULT: {},
    "ours, same with BLAS threads left at default": dict(force_default_threads=True),
    CROSS_ENTROPY: dict(cost="cross_entropy"),
    "ours, sigmoid + quadratic, float64": dict(dtype=np.float64),
}
SKLEARN = "scikit-learn MLPClassifier.fit, max_iter=1"
NIELSEN = "Nielsen-style per-example loop"


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
    saved = blas.ONE_THREAD_BELOW
    if force_default_threads:
        blas.ONE_THREAD_BELOW = 0
    try:
        network = Network(SIZES, "sigmoid", cost, seed=0)
        started = time.perf_counter()
        history = training.sgd(network, X, y, epochs=1, batch_size=BATCH_SIZE, lr=LR,
                               dtype=dtype)
        total = time.perf_counter() - started
    finally:
        blas.ONE_THREAD_BELOW = saved
    if history.stopped:
        raise RuntimeError(f"the timed epoch did not run: {history.stopped}")
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


def time_evaluation(X, y, repeats):
    """Best seconds for the cost of the whole set X, y, as sgd computes it after each epoch.

    Returns {label: seconds} for 1 BLAS thread and for BLAS's default, each
    with X multiplied by W(1) in small chunks (as sgd does) and in whole
    blocks (fast_trainer.SMALL_PRODUCT = 0).
    """
    network = Network(SIZES, seed=0)
    X, Y = network.as_batch(X, y, dtype=np.float32)
    trainer = fast_trainer.Trainer(network, np.float32)
    saved, seconds = fast_trainer.SMALL_PRODUCT, {}
    try:
        for _ in range(repeats):
            for small in (saved, 0):
                fast_trainer.SMALL_PRODUCT = small
                for threads in (1, None):
                    with blas.limit(blas.controller(), threads):
                        started = time.perf_counter()
                        trainer.evaluate(X, Y)
                    label = (f"{'1 BLAS thread' if threads else 'default BLAS threads'}, "
                             f"{'small chunks' if small else 'whole blocks'}")
                    seconds.setdefault(label, []).append(time.perf_counter() - started)
    finally:
        fast_trainer.SMALL_PRODUCT = saved
    return {label: min(times) for label, times in seconds.items()}


def measure(X, y, repeats=5, nielsen_examples=60_000, nielsen_repeats=1):
    """Time every contender on X (m, 784), y (m,): {label: [(whole, steps, threads), ...]}.

    runs["evaluation"] holds time_evaluation's {label: seconds} instead.

    Repeats are interleaved, so a slow spell of the machine hits every
    contender alike; the Nielsen-style loop runs on the first
    nielsen_examples examples and is scaled to all of them.
    """
    runs = {label: [] for label in [*OURS, SKLEARN, NIELSEN]}
    m = min(nielsen_examples, len(X))
    for repeat in range(repeats):
        for label, options in OURS.items():
            runs[label].append(time_ours(X, y, **options))
        runs[SKLEARN].append((time_sklearn(X, y), None, None))
        if repeat < nielsen_repeats:
            runs[NIELSEN].append((time_nielsen(X, y, m) * len(X) / m, None, None))
    runs["evaluation"] = time_evaluation(X, y, repeats)
    return runs


def print_speed(runs):
    """Print the table of times and the ratios against the targets."""
    def best(label, column=0):
        return min(run[column] for run in runs[label])

    def median(label, column=0):
        return statistics.median(run[column] for run in runs[label])

    print(f"{'':52s} {'whole call':>17s}   {'epoch steps':>17s}")
    print(f"{'':52s} {'best':>8s} {'median':>8s}   {'best':>8s} {'median':>8s}   BLAS threads")
    for label in OURS:
        print(f"{label:52s} {best(label):7.3f}s {median(label):7.3f}s   "
              f"{best(label, 1):7.3f}s {median(label, 1):7.3f}s   {runs[label][0][2]}")
    print(f"{SKLEARN:52s} {best(SKLEARN):7.3f}s {median(SKLEARN):7.3f}s")
    nielsen_runs = f"{len(runs[NIELSEN])} run{'s' if len(runs[NIELSEN]) > 1 else ''}"
    print(f"{f'{NIELSEN} ({nielsen_runs})':52s} {best(NIELSEN):7.3f}s {median(NIELSEN):7.3f}s")
    trainer = fast_trainer.Trainer(Network(SIZES), np.float32)
    chosen = blas.threads_for(trainer.largest_evaluation_product())
    print(f"\nthe cost of the whole training set, which sgd computes before training and "
          f"after each epoch\n(sgd: {'1 BLAS thread' if chosen else 'default BLAS threads'}, "
          f"W(1) times {trainer.first_layer_rows()} rows of X at a time):")
    for label, seconds in runs["evaluation"].items():
        print(f"  {label:40s} {seconds * 1e3:5.0f} ms")
    print()
    print(f"ours, one epoch: {best(DEFAULT, 1):.3f} s of steps, {best(DEFAULT):.3f} s for the "
          f"whole sgd() call (target <= 0.5 s)")
    print(f"Nielsen-style loop / ours, whole sgd() call:            "
          f"{best(NIELSEN) / best(DEFAULT):5.1f}x  (target >= 10x)")
    print(f"Nielsen-style loop / ours, epoch steps only:            "
          f"{best(NIELSEN) / best(DEFAULT, 1):5.1f}x")
    print(f"MLPClassifier.fit / ours, whole call, softmax output:   "
          f"{best(SKLEARN) / best(CROSS_ENTROPY):5.1f}x  (target > 1x)")
    print(f"MLPClassifier.fit / ours, whole call, quadratic cost:   "
          f"{best(SKLEARN) / best(DEFAULT):5.1f}x")


def describe_machine():
    libraries = ", ".join(
        f"{lib['internal_api']} {lib['version']}, {lib['num_threads']} threads"
        for lib in threadpool_info() if lib["user_api"] == "blas"
    )
    return f"{os.cpu_count()} CPUs; numpy {np.__version__}; BLAS: {libraries}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", action="store_true", help="train on real MNIST")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each fast contender")
    parser.add_argument("--nielsen-examples", type=int, default=60_000,
                        help="examples for the Nielsen loop (its time is scaled to 60,000)")
    parser.add_argument("--nielsen-repeats", type=int, default=1,
                        help="runs of the Nielsen loop (the best one counts)")
    args = parser.parse_args()

    X, y = mnist_data() if args.mnist else synthetic_data()
    print(f"One epoch of {len(X):,} examples ({'MNIST' if args.mnist else 'synthetic'}, "
          f"{X.dtype}), {'-'.join(map(str, SIZES))}, batch size {BATCH_SIZE}")
    print(describe_machine() + "\n")
    print_speed(measure(X, y, args.repeats, args.nielsen_examples, args.nielsen_repeats))


if __name__ == "__main__":
    main()
