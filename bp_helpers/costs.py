"""Costs of one example, C0, and their slopes with respect to the output.

The lessons use the quadratic cost C0 = sum_j (a_j - y_j)^2 (no factor 1/2,
so its slope is the "2(a - y)" of the chain rule). The MNIST lesson adds
softmax with cross-entropy, computed from the logits z so that it stays
finite even when a probability rounds to 0.

The last axis is the neuron axis: `a` and `y` have shape (n,) for one example
or (m, n) for a batch of m (examples are rows); a batch gives one cost per row.
"""

import numpy as np


def quadratic(a, y):
    """C0 = sum_j (a_j - y_j)^2, summed over the last axis."""
    return np.sum((np.asarray(a, dtype=float) - y) ** 2, axis=-1)


def quadratic_prime(a, y):
    """dC0/da_j = 2(a_j - y_j): the farther off, the stronger the signal."""
    return 2.0 * (np.asarray(a, dtype=float) - y)


def log_softmax(z):
    """log softmax(z) over the last axis, shifted by max(z) so exp never overflows."""
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def softmax(z):
    """softmax(z)_j = e^(z_j) / sum_i e^(z_i): probabilities that sum to 1."""
    return np.exp(log_softmax(z))


def cross_entropy_from_logits(z, y):
    """C0 = -sum_j y_j log softmax(z)_j, for one-hot (or probability) targets y."""
    return -np.sum(y * log_softmax(z), axis=-1)


def cross_entropy_delta(z, y):
    """dC0/dz_j = softmax(z)_j - y_j: softmax's slope and the log cancel neatly."""
    return softmax(z) - y
