"""Costs of one example, C0, and their slopes with respect to the output, looked up by name.

The lessons use the quadratic cost C0 = sum_j (a_j - y_j)^2 (no factor 1/2,
so its slope is the "2(a - y)" of the chain rule). The MNIST lesson adds
softmax with cross-entropy, computed from the logits z so that it stays
finite even when a probability rounds to 0.

The last axis is the neuron axis: `a` and `y` have shape (n,) for one example
or (m, n) for a batch of m (examples are rows); a batch gives one cost per row.

Each cost is also a `Cost` in the registry COSTS, which bundles everything
the network, the loops, training and the gradient check need from it: C0,
dC0/da(L), the output layer it pairs with and its output error delta(L). A
new cost is one `register_cost(Cost(...))`; nothing else has to change.
"""

from collections.abc import Callable
from typing import NamedTuple

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


# In-place kernels for the fast trainer (bp_helpers.fast_trainer), which keeps examples as
# columns: z, a, y and out are (n_L, m) there, so softmax runs down each column.
def _softmax_into(z, out):
    np.subtract(z, z.max(axis=0), out)
    np.exp(out, out)
    out /= out.sum(axis=0)


def _difference_into(z, a, y, out):
    np.subtract(a, y, out)


def _quadratic_C0(z, a, y):
    return quadratic(a, y)


def _quadratic_same_output(Y):
    """The targets' total variance: the quadratic cost of answering their average."""
    targets = np.ascontiguousarray(np.asarray(Y).T, dtype=float)  # a row per output neuron
    return float(np.sum(targets.var(axis=1)))


def _cross_entropy_C0(z, a, y):
    return cross_entropy_from_logits(z, y)


def _cross_entropy_dC_da(a, y):
    """dC0/da_j = -y_j / a_j, and 0 where y_j = 0 (-inf where a probability rounded to 0)."""
    y = np.asarray(y, dtype=float)
    with np.errstate(divide="ignore"):
        return np.divide(-y, a, out=np.zeros_like(y), where=y != 0)


def _cross_entropy_delta(z, a, y):
    return cross_entropy_delta(z, y)


def _cross_entropy_same_output(Y):
    """The targets' entropy: the cross-entropy of answering their average (log 10 for ten
    equally common digits)."""
    targets = np.ascontiguousarray(np.asarray(Y).T, dtype=float)  # a row per output neuron
    p = targets.mean(axis=1)
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


class Cost(NamedTuple):
    """A cost of one example, with the output layer it pairs with and its output error delta(L).

    Arrays have the neurons on the last axis, as everywhere in the package:
    z, a and y are (m, n_L) for a batch (examples are rows), or (n_L,).

    name: what Network(cost=...) and the saved files call it.
    C0(z, a, y): the cost of each example, from the output layer's z(L) and
        a(L) and the targets y: (m,) for a batch. (Cross-entropy reads z, so
        it stays finite where a probability rounds to 0; a cost without its
        own output layer should read only a.)
    dC_da(a, y): dC0/da(L), what each output neuron "wishes".
    output: a(L) = output(z(L)) for an output layer of the cost's own (softmax
        for cross-entropy), or None: the output layer uses the hidden layers'
        activation sigma, and delta(L) = dC_da(a, y) * sigma'(z(L)), the
        lessons' equation (1).
    delta(z, a, y): delta(L) = dC0/dz(L) in closed form; required with an
        `output` (softmax's slope is not one number per neuron), else None.
    classes: True if the targets must be one-hot rows, one class per example
        (and so at least 2 output neurons); False allows any real targets.
    same_output(Y): the lowest cost of a network that gives every example of
        Y (m, n_L) the same output (sgd's divergence guard compares with it);
        None: the cost of answering the average target, mean C0(None, Y.mean(0), Y).
    output_into, error_into, error_scale: optional in-place kernels for
        training (bp_helpers.fast_trainer), on arrays with examples as COLUMNS
        ((n_L, m)): output_into(z, out) writes a(L) (with an `output`);
        error_into(z, a, y, out) writes delta(L) (with an `output`) or else
        dC0/da(L), divided by the constant error_scale, which the fast trainer folds
        into lr/m (2 for the quadratic cost: it writes a - y). Without them
        the fast trainer wraps the functions above, which allocate new arrays: the
        results are the same, an epoch somewhat slower.
    """

    name: str
    C0: Callable
    dC_da: Callable
    output: Callable | None = None
    delta: Callable | None = None
    classes: bool = False
    same_output: Callable | None = None
    output_into: Callable | None = None
    error_into: Callable | None = None
    error_scale: float = 1.0

    def lowest_constant_cost(self, Y):
        """The cost of the best network that answers every example of Y (m, n_L) alike."""
        if self.same_output is not None:
            return self.same_output(Y)
        Y = np.asarray(Y, dtype=float)
        return float(np.mean(self.C0(None, Y.mean(axis=0), Y)))

    def check_sizes(self, sizes):
        """Raise ValueError if a network with these layer sizes cannot use this cost."""
        if self.classes and sizes[-1] < 2:
            raise ValueError(
                f"{self.name} needs at least 2 output neurons (a softmax over one is always "
                f"1), got sizes {sizes}"
            )

    def in_place(self):
        """(output_into or None, error_into, error_scale) for the fast trainer: the cost's own
        kernels, or ones wrapped around its functions (examples as columns, see above)."""
        if self.error_into is not None and (self.output is None or self.output_into):
            return self.output_into, self.error_into, self.error_scale
        if self.output is None:
            return None, lambda z, a, y, out: np.copyto(out, self.dC_da(a.T, y.T).T), 1.0
        return (
            lambda z, out: np.copyto(out, self.output(z.T).T),
            lambda z, a, y, out: np.copyto(out, self.delta(z.T, a.T, y.T).T),
            1.0,
        )


COSTS = {
    "quadratic": Cost(
        "quadratic", _quadratic_C0, quadratic_prime, same_output=_quadratic_same_output,
        error_into=_difference_into, error_scale=2.0,
    ),
    "cross_entropy": Cost(
        "cross_entropy", _cross_entropy_C0, _cross_entropy_dC_da, output=softmax,
        delta=_cross_entropy_delta, classes=True, same_output=_cross_entropy_same_output,
        output_into=_softmax_into, error_into=_difference_into,
    ),
}


def get_cost(name):
    """Return the Cost called `name` (a key of COSTS); a Cost is returned as it is."""
    if isinstance(name, Cost):
        return name
    if not isinstance(name, str) or name not in COSTS:
        raise ValueError(f"unknown cost {name!r}: expected one of {', '.join(map(repr, COSTS))}")
    return COSTS[name]


def register_cost(cost):
    """Add `cost` (a Cost) to COSTS, so that Network(cost=cost.name) and saved files find it.

    Raises ValueError if the name is taken, or if an output layer of its own
    comes without a closed-form delta. Returns the cost.
    """
    if not isinstance(cost, Cost):
        raise TypeError(f"register_cost takes a Cost, got {type(cost).__name__}")
    if cost.name in COSTS:
        raise ValueError(f"a cost called {cost.name!r} is already registered")
    if (cost.output is None) != (cost.delta is None):
        raise ValueError(
            f"cost {cost.name!r} needs both an output layer and its closed-form delta(L), or "
            f"neither (then delta(L) = dC_da * sigma'(z) with the hidden layers' sigma)"
        )
    COSTS[cost.name] = cost
    return cost


def unregister_cost(name):
    """Remove the cost called `name` from COSTS (e.g. one a test registered)."""
    get_cost(name)
    del COSTS[name]


__all__ = [
    "COSTS",
    "Cost",
    "cross_entropy_delta",
    "cross_entropy_from_logits",
    "get_cost",
    "log_softmax",
    "quadratic",
    "quadratic_prime",
    "register_cost",
    "softmax",
    "unregister_cost",
]
