"""Kernel time of one update of lesson 4's descent panel, per batch size.

An update reruns mini-batch SGD on the slice and on the whole network
(training.sgd), 5 epochs each, and redraws; the full-batch runs are cached
per learning rate, so they are not redone (here they come from the cache). The
sliders use continuous_update=False, so an update happens when the learner
lets go; the target is to answer within half a second on the 2-core machine.
The reference, measured in the same run, is one epoch of training.sgd with
batch size 10 on the same digits.

It also times the slice's descent at batch size 1 with its gradient computed
as now, by cost_slice.batch_gradient on lists of floats, and with numpy
arrays, as CostSlice.gradient does: the ratio is why batch_gradient exists
(tests/test_descent.py checks that both give the same gradient).

    python benchmarks/bench_descent_panel.py
"""


import numpy as np
from timing import median_ms

from bp_helpers.activations import sigmoid, sigmoid_prime
from bp_helpers.descent import cost_slice, descend, lesson_setup, train_run
from bp_helpers.panels import DescentPanel

TARGET_MS = 500.0


def main():
    setup = lesson_setup()
    reference = median_ms(lambda i: train_run(setup.X, setup.y, 10, 3.0, 1), repeats=5,
                          warmups=1)
    print(f"reference, one epoch of training.sgd at B = 10: {reference:6.1f} ms")
    time_slice_gradients(setup)
    panel = DescentPanel()
    for B in (1, 3, 10, 100, setup.n):
        panel.batch_size.value = B
        def step(i):
            panel.lr.value = (3.0, 3.1)[i % 2]  # one update; full batch comes from the cache

        ms = median_ms(step, repeats=5, warmups=1)
        verdict = "meets" if ms < TARGET_MS else "MISSES"
        print(f"batch size {B:5}: {ms:6.1f} ms per update ({ms / reference:5.1f} reference "
              f"epochs)   {verdict} the {TARGET_MS:.0f} ms target")


def numpy_batch_gradient(w, b, a_k, rest, y_j):
    """batch_gradient's result computed on numpy arrays, as CostSlice.gradient does."""
    a_k, rest, y_j = np.array(a_k), np.array(rest), np.array(y_j)
    z = w * a_k + rest + b
    delta = 2 * (sigmoid(z) - y_j) * sigmoid_prime(z)
    return float(np.mean(delta * a_k)), float(np.mean(delta))


def time_slice_gradients(setup):
    """Print the time of 5 epochs of descend at B = 1 with lists of floats and with numpy."""
    def run(i):
        descend(setup.cost_slice, setup.start, lr=3.0, batch_size=1, epochs=5, seed=i)

    lists = median_ms(run, repeats=3, warmups=1)
    kept = cost_slice.batch_gradient
    cost_slice.batch_gradient = numpy_batch_gradient
    try:
        arrays = median_ms(run, repeats=3, warmups=1)
    finally:
        cost_slice.batch_gradient = kept
    print(f"the slice's descent, B = 1, 5 epochs: {lists:6.1f} ms with batch_gradient, "
          f"{arrays:6.1f} ms with numpy arrays ({arrays / lists:.1f}x slower)")


if __name__ == "__main__":
    main()
