"""Lesson 4's setup: its network, where the slice through it lies, and the digits every run reads.

The lesson trains an 8x8-digit network for two epochs (`head_start`), then
draws the slice of its cost over w = W(2)[OUTPUT_J, HIDDEN_K] and
b = b(2)[OUTPUT_J] within WINDOW, with every descent starting at START.
`lesson_setup` builds all of it once, for the descent panel and the tests.
"""

import functools
from dataclasses import dataclass

import numpy as np

from bp_helpers.descent.cost_slice import CostSlice
from bp_helpers.network import Network
from bp_helpers.training import sgd

# The lesson's network: 8x8 pixels in, 16 hidden sigmoid neurons, 10 digits out.
SIZES = (64, 16, 10)
# The lesson's slice: w = W(2)[3, 4] (hidden neuron 4 to output 3) and b = b(2)[3], drawn
# over WINDOW = (w range, b range), with every descent starting at START = (w, b).
OUTPUT_J, HIDDEN_K = 3, 4
WINDOW = ((-10.0, 10.0), (-8.0, 6.0))
START = (0.0, -4.0)


def head_start(X, y, epochs=2, seed=0):
    """A Network(SIZES, seed=seed) after `epochs` epochs of mini-batch SGD (B = 10, lr = 1).

    Partly trained: good enough that a careless step can make it worse, and
    with hidden neurons that already mean something. Trained in float64 so
    the lesson's numbers do not depend on float32 round-off.
    """
    network = Network(list(SIZES), seed=seed)
    sgd(network, X, y, epochs=epochs, batch_size=10, lr=1.0, seed=seed, dtype=np.float64)
    return network


@dataclass(frozen=True, eq=False)
class DescentSetup:
    """What every run shares: the digits, the slice through a partly trained network, its grid.

    X (n, 64), y (n,) are the training digits and labels, X_test, y_test the
    test set; cost_slice is the lesson's CostSlice, start the (w, b) every
    slice run starts from, grid = (w, b, C) the contour data over WINDOW.
    """

    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    cost_slice: CostSlice
    start: tuple[float, float]
    grid: tuple[np.ndarray, np.ndarray, np.ndarray]

    @property
    def n(self):
        """The number of training digits."""
        return len(self.X)


@functools.cache
def lesson_setup():
    """The lesson's setup, built once: the digits, head_start's network, its slice and grid."""
    from bp_helpers.data import load_digits

    data = load_digits()
    network = head_start(data.X_train, data.y_train)
    cost_slice = CostSlice.from_network(network, data.X_train, data.y_train, OUTPUT_J, HIDDEN_K)
    return DescentSetup(
        X=data.X_train, y=data.y_train, X_test=data.X_test, y_test=data.y_test,
        cost_slice=cost_slice, start=START, grid=cost_slice.grid(*WINDOW),
    )
