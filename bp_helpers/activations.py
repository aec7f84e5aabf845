"""Activation functions sigma(z) and their slopes sigma'(z), looked up by name.

The slope is the middle factor of every weight derivative,
dC0/dw = a_prev * sigma'(z) * 2(a - y), so it is computed as carefully as the
function itself: both are finite and warning-free for every finite z
(the sigmoid at z = +-1000 included).
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


class Activation(NamedTuple):
    """An activation by name, with its function and its slope."""

    name: str
    f: Callable
    df: Callable


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime),
    "relu": Activation("relu", relu, relu_prime),
    "tanh": Activation("tanh", tanh, tanh_prime),
}


def get_activation(name):
    """Return the Activation called `name` ("sigmoid", "relu" or "tanh")."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}: expected one of {', '.join(map(repr, ACTIVATIONS))}"
        )
    return ACTIVATIONS[name]


__all__ = [
    "ACTIVATIONS",
    "Activation",
    "get_activation",
    "relu",
    "relu_prime",
    "sigmoid",
    "sigmoid_prime",
    "tanh",
    "tanh_prime",
]
