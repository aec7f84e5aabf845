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
    """(backprop, nudging): layer evaluations to get all 2L partials of a chain.

    L may be a number or an array of chain lengths (then both are arrays).
    """
    return 2 * L, 2 * (2 * L) * L


def loglog_slope(lengths, values):
    """The slope of the least-squares line through (log L, log value).

    On log-log axes a power law value = c L^p is a straight line of slope p,
    so this is the exponent a plot of `values` against `lengths` shows.
    """
    lengths, values = np.asarray(lengths, dtype=float), np.asarray(values, dtype=float)
    if lengths.shape != values.shape or lengths.size < 2:
        raise ValueError(f"need two equally long arrays of at least 2 values, "
                         f"got shapes {lengths.shape} and {values.shape}")
    if np.any(lengths <= 0) or np.any(values <= 0):
        raise ValueError("a log-log slope needs positive lengths and values")
    return float(np.polyfit(np.log(lengths), np.log(values), 1)[0])


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
