"""A chain with one neuron per layer: x = a(0) -> a(1) -> ... -> a(L) -> C0.

Layer l computes z(l) = w(l) a(l-1) + b(l) and a(l) = sigma(z(l)); the cost
of the example is C0 = (a(L) - y)^2. Lesson 1 is the chain of length 1
(a(L-1) -> a(L)); lesson 2 chains several.

Indexing: `w`, `b` and `z` have one entry per layer, so w[l - 1] is w(l);
`a` keeps layer numbers and has one entry more, a[0] = x ... a[L].
"""

from dataclasses import dataclass

import numpy as np

from bp_helpers.activations import get_activation
from bp_helpers.costs import quadratic, quadratic_prime
from bp_helpers.validate import as_float, as_float_array


@dataclass(frozen=True)
class ChainForward:
    """Every value a forward pass computes: z (L,), a (L+1,) and the cost C0."""

    z: np.ndarray
    a: np.ndarray
    C0: float


@dataclass(frozen=True)
class ChainGradients:
    """What one backward pass finds, layer by layer (all float64).

    dC_dw, dC_db, delta, sigma_prime have shape (L,): entry l-1 is layer l.
    dC_da has shape (L+1,): entry l is dC0/da(l), with dC_da[L] = 2(a(L) - y)
    and dC_da[0] = dC0/dx.
    """

    dC_dw: np.ndarray
    dC_db: np.ndarray
    dC_da: np.ndarray
    delta: np.ndarray
    sigma_prime: np.ndarray
    forward: ChainForward


def check_chain(w, b, x, y=0.0):
    """Validate a chain's parameters; return (w, b, x, y) as float64.

    w and b must be 1-D, equally long, non-empty and finite; x and y numbers.
    """
    w = np.atleast_1d(as_float_array("w", w))
    b = np.atleast_1d(as_float_array("b", b))
    if w.ndim != 1 or b.ndim != 1:
        raise ValueError(
            f"w and b must be 1-D (one number per layer), got shapes {w.shape} and {b.shape}"
        )
    if len(w) == 0:
        raise ValueError("a chain needs at least one layer, got empty w and b")
    if len(w) != len(b):
        raise ValueError(
            f"each layer needs one weight and one bias: got {len(w)} weights and {len(b)} biases"
        )
    return w, b, as_float("x", x), as_float("y", y)


def forward(w, b, x, y=0.0, activation="sigmoid"):
    """Run the chain forward from x, keeping every z and a, and the cost C0."""
    w, b, x, y = check_chain(w, b, x, y)
    return _forward(w, b, x, y, get_activation(activation))


def _forward(w, b, x, y, act):
    z = np.empty(len(w))
    a = np.empty(len(w) + 1)
    a[0] = x
    for l in range(1, len(w) + 1):
        z[l - 1] = w[l - 1] * a[l - 1] + b[l - 1]
        a[l] = act.f(z[l - 1])
    return ChainForward(z=z, a=a, C0=float(quadratic(a[-1], y)))


def cost(w, b, x, y, activation="sigmoid"):
    """C0 = (a(L) - y)^2 for the chain with weights w and biases b."""
    return forward(w, b, x, y, activation).C0


def backward(w, b, x, y, activation="sigmoid"):
    """Backpropagate through the chain; return a ChainGradients.

    Start at the cost, dC0/da(L) = 2(a(L) - y), and repeat the lesson's
    three-factor step from layer L down to layer 1:
        delta(l)    = dC0/da(l) * sigma'(z(l))
        dC0/dw(l)   = a(l-1) * delta(l)
        dC0/db(l)   = 1 * delta(l)
        dC0/da(l-1) = w(l) * delta(l)     (where layer l-1's step starts)
    """
    w, b, x, y = check_chain(w, b, x, y)
    act = get_activation(activation)
    fwd = _forward(w, b, x, y, act)
    L = len(w)
    sigma_prime = act.df(fwd.z)
    dC_da = np.empty(L + 1)
    delta = np.empty(L)
    dC_da[L] = quadratic_prime(fwd.a[L], y)
    for l in range(L, 0, -1):
        delta[l - 1] = dC_da[l] * sigma_prime[l - 1]
        dC_da[l - 1] = w[l - 1] * delta[l - 1]
    delta += 0.0  # turn -0.0 (a dead neuron times a negative error) into 0.0
    dC_da += 0.0
    return ChainGradients(
        dC_dw=fwd.a[:-1] * delta + 0.0,
        dC_db=delta.copy(),
        dC_da=dC_da,
        delta=delta,
        sigma_prime=sigma_prime,
        forward=fwd,
    )


def random_chain(L, seed=0, weight_scale=1.0):
    """Draw a chain of L layers: (w, b, x, y) with w ~ N(1, weight_scale^2/4).

    Weights center on 1 and biases are small, so a ReLU chain stays alive and
    a sigmoid chain shows its own shrinking slopes rather than bad luck.
    """
    if int(L) != L or L < 1:
        raise ValueError(f"L must be a whole number of layers >= 1, got {L!r}")
    rng = np.random.default_rng(seed)
    w = 1.0 + weight_scale * rng.normal(0.0, 0.5, int(L))
    b = rng.normal(0.0, 0.1, int(L))
    return w, b, float(rng.uniform(0.5, 1.0)), float(rng.uniform(0.0, 1.0))
