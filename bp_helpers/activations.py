"""Activation functions sigma(z) and their slopes sigma'(z), looked up by name.

The slope is the middle factor of every weight derivative,
dC0/dw = a_prev * sigma'(z) * 2(a - y), so it is computed as carefully as the
function itself: both are finite and warning-free for every finite z
(the sigmoid at z = +-1000 included).

Each is also an `Activation` in the registry ACTIVATIONS, with in-place
kernels for training. A new activation is one
`register_activation(Activation(name, f, df))` (kernels optional): the
network, the loops, training, the gradient check and the chain panel's
toggle then know it.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np


def sigmoid(z):
    """sigma(z) = 1 / (1 + e^(-z)), computed without overflow.

    With e = exp(-|z|) <= 1, sigma(z) = 1/(1+e) for z >= 0 and e/(1+e) for z < 0.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def sigmoid_prime(z):
    """sigma'(z) = sigma(z)(1 - sigma(z)) = e / (1 + e)^2 with e = exp(-|z|).

    The second form never rounds to exactly 0 for moderate |z|; the clip keeps
    round-off from pushing it past its true maximum, 1/4 at z = 0.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.minimum(e / (1.0 + e) ** 2, 0.25)


def relu(z):
    """ReLU(z) = max(0, z)."""
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def relu_prime(z):
    """ReLU'(z) = 1 for z > 0 and 0 for z <= 0 (the kink at 0 is given slope 0)."""
    return (np.asarray(z, dtype=float) > 0).astype(float)


def tanh(z):
    """tanh(z), which maps to (-1, 1)."""
    return np.tanh(np.asarray(z, dtype=float))


def tanh_prime(z):
    """tanh'(z) = 1 - tanh(z)^2, computed as 4e / (1 + e)^2 with e = exp(-2|z|).

    The second form keeps full relative precision where tanh(z)^2 rounds to 1.
    """
    e = np.exp(-2.0 * np.abs(np.asarray(z, dtype=float)))
    return 4.0 * e / (1.0 + e) ** 2


# In-place versions for the fast trainer (bp_helpers.fast_trainer): sigma_into(z, out) and
# sigma_prime_into(z, a, out), with a = sigma(z), write into the fast trainer's buffer `out`.
# The output array is passed by position where numpy allows it (not to maximum):
# that saves a little on each of the thousands of calls per epoch.
def _sigmoid_into(z, out):
    np.negative(z, out)
    np.exp(out, out)  # may overflow to inf, which correctly gives sigma = 0
    out += 1
    np.reciprocal(out, out)


def _sigmoid_prime_into(z, a, out):
    np.subtract(1, a, out)
    out *= a


def _tanh_into(z, out):
    np.tanh(z, out)


def _tanh_prime_into(z, a, out):
    np.multiply(a, a, out)
    np.subtract(1, out, out)


def _relu_into(z, out):
    np.maximum(z, 0, out=out)


def _relu_prime_into(z, a, out):
    np.greater(z, 0, out)


class Activation(NamedTuple):
    """An activation by name, with its function f(z) and its slope df(z) = sigma'(z).

    f and df take an array and return a new one, entry by entry. For
    training, the built-in activations also carry in-place kernels,
    f_into(z, out) and df_into(z, a, out) (a = f(z), which the slope may
    read), that write into the fast trainer's buffers instead of allocating: sgd
    calls them thousands of times per epoch. An activation without them
    (the default) trains all the same, with the same results, through
    kernels wrapped around f and df (see `in_place`). That generic path
    allocates a float64 array per call and copies it: an epoch of the
    lessons' 784-16-16-10 network at batch size 10 took about 30% longer
    with a copy of the sigmoid without kernels (1.4 s against 1.1 s, on two
    cores). Give f_into and df_into to train at full speed.
    """

    name: str
    f: Callable
    df: Callable
    f_into: Callable | None = None
    df_into: Callable | None = None

    def in_place(self):
        """(sigma_into(z, out), sigma_prime_into(z, a, out)): the activation's own kernels,
        or, without them, the generic ones built from f and df."""
        if self.f_into is not None and self.df_into is not None:
            return self.f_into, self.df_into
        return (
            lambda z, out: np.copyto(out, self.f(z)),
            lambda z, a, out: np.copyto(out, self.df(z)),
        )


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime, _sigmoid_into, _sigmoid_prime_into),
    "relu": Activation("relu", relu, relu_prime, _relu_into, _relu_prime_into),
    "tanh": Activation("tanh", tanh, tanh_prime, _tanh_into, _tanh_prime_into),
}


def get_activation(name):
    """Return the Activation called `name` (a key of ACTIVATIONS: "sigmoid", "relu", "tanh",
    and any registered since); an Activation is returned as it is."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}: expected one of {', '.join(map(repr, ACTIVATIONS))}"
        )
    return ACTIVATIONS[name]


def register_activation(activation):
    """Add `activation` (an Activation) to ACTIVATIONS; returns it.

    Then Network(sizes, activation.name), the saved weights files and the
    panels' activation toggles know it. Raises ValueError if the name is taken.
    """
    if not isinstance(activation, Activation):
        raise TypeError(f"register_activation takes an Activation, got {activation!r}")
    if activation.name in ACTIVATIONS:
        raise ValueError(f"an activation called {activation.name!r} is already registered")
    ACTIVATIONS[activation.name] = activation
    return activation


def unregister_activation(name):
    """Remove the activation called `name` from ACTIVATIONS (e.g. one a test registered)."""
    get_activation(name)
    del ACTIVATIONS[name]


__all__ = [
    "ACTIVATIONS",
    "Activation",
    "get_activation",
    "register_activation",
    "relu",
    "relu_prime",
    "sigmoid",
    "sigmoid_prime",
    "tanh",
    "tanh_prime",
    "unregister_activation",
]
