"""Why backprop? The work of one backward pass against nudging every parameter.

A chain of L layers has P = 2L parameters. Nudging each one up and down
costs 2P forward passes of L layers each: 4L^2 layer evaluations. One
backward pass reuses the forward pass's values and costs L steps more: 2L.
"""

import time

import numpy as np

from bp_helpers import chain
from bp_helpers.gradcheck import numerical_gradient


def layer_evaluations(L):
    """(backprop, nudging): layer evaluations to get all 2L partials of a chain."""
    return 2 * L, 2 * (2 * L) * L


def time_gradients(lengths, seed=0, repeats=3):
    """Measure seconds for all partials of random chains, both ways.

    Returns (backprop_seconds, nudging_seconds), arrays shaped like `lengths`,
    each the best of `repeats` runs (the least disturbed by other work).
    """
    backprop_seconds, nudging_seconds = [], []
    for L in lengths:
        w, b, x, y = chain.random_chain(L, seed)

        def nudge_all(w=w, b=b, x=x, y=y):
            return numerical_gradient(lambda: chain.cost(w, b, x, y), [w, b])

        def backprop(w=w, b=b, x=x, y=y):
            return chain.backward(w, b, x, y)

        backprop_seconds.append(_best_time(backprop, repeats))
        nudging_seconds.append(_best_time(nudge_all, repeats))
    return np.array(backprop_seconds), np.array(nudging_seconds)


def _best_time(f, repeats):
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - start)
    return best
