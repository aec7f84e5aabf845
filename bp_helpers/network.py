"""The dense network, read top to bottom: forward, backward, cost. Input checks: `validate`.

Layer l computes z(l) = W(l) a(l-1) + b(l), a(l) = sigma(z(l)). One example costs C0 =
sum_j (a_j(L) - y_j)^2 (or cross-entropy after a softmax); `cost` and `backprop` use the
batch average C = (1/m) sum_k C_k. Examples are rows: a batch is (m, n), one example (n,).
"""

import itertools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from bp_helpers import validate
from bp_helpers.activations import get_activation
from bp_helpers.costs import COSTS, get_cost
from bp_helpers.equations import bias_gradient, error_back, output_error, weight_gradient
from bp_helpers.validate import check_labels, one_hot


# Every z and a of a forward pass: zs[l-1] is z(l); activations[l] is a(l), a[0] = x.
class Forward(NamedTuple):
    zs: list
    activations: list


@dataclass(frozen=True)
class Backward:
    """All a backward pass computes, per example (m, n_l) like zs; unpacks as (dC_dW, dC_db)."""

    zs: list
    activations: list
    deltas: list  # deltas[l-1] = delta(l) = dC0/dz(l)
    dC_da: list  # dC_da[l] = dC0/da(l), dC_da[0] = dC0/dx
    dC_dW: list
    dC_db: list

    def __getitem__(self, i):  # a pair, as Nielsen's: dC_dW, dC_db = network.backprop(X, Y)
        return (self.dC_dW, self.dC_db)[i]


class Network:
    """A fully connected network, sizes [784, 16, 16, 10] (inputs first), seeded weights.

    activation ("sigmoid", "relu", ...) is every layer's, unless the cost has its own output
    layer ("cross_entropy": softmax). W[l-1] (n_l, n_{l-1}) ~ N(0, 1/n_{l-1}); b[l-1] = 0."""

    def __init__(self, sizes, activation="sigmoid", cost="quadratic", seed=0):
        self.sizes = validate.check_sizes(sizes)
        self.activation = get_activation(activation)
        self.cost_function = get_cost(cost)  # C0, dC0/da, its own output layer and delta(L)
        self.cost_function.check_sizes(self.sizes)
        rng, pairs = np.random.default_rng(seed), itertools.pairwise(self.sizes)
        self.W = [rng.standard_normal((n, n_prev)) / np.sqrt(n_prev) for n_prev, n in pairs]
        self.b = [np.zeros(n) for n in self.sizes[1:]]

    @classmethod
    def from_weights(cls, W, b, activation="sigmoid", cost="quadratic"):
        """A network with the given W (list of (n_l, n_{l-1})) and b (list of (n_l,)), copied."""
        W, b = validate.check_weights(W, b)
        network = cls([W[0].shape[1]] + [w.shape[0] for w in W], activation, cost)
        network.W, network.b = W, b
        return network

    cost_name = property(lambda self: self.cost_function.name, doc="e.g. 'quadratic'")

    def __repr__(self):
        return (f"Network({self.sizes}, activation={self.activation.name!r}, "
                f"cost={self.cost_name!r})")

    def copy(self):
        """An independent copy: changing its weights leaves this network alone."""
        return type(self).from_weights(self.W, self.b, self.activation, self.cost_function)

    def forward(self, X):
        """Run X ((m, n_0) or (n_0,)) forward; return every z and a as a Forward."""
        single = np.ndim(validate.numbers_array("X", X)) == 1
        return Forward(*_unbatch(single, *self._forward(self.as_batch(X)[0])))

    def _forward(self, X):
        """zs and activations for a checked (m, n_0) batch: z = a_prev @ W.T + b."""
        zs, activations = [], [X]
        for l, (w, b) in enumerate(zip(self.W, self.b, strict=True), start=1):
            zs.append(activations[-1] @ w.T + b)
            output = l == len(self.W) and self.cost_function.output
            activations.append((output or self.activation.f)(zs[-1]))
        return zs, activations

    def backprop(self, X, Y):
        """A Backward for X, Y: delta(L) by equation (1) (or the cost's own: softmax - y for
        cross-entropy), then `backward`. It unpacks as (dC_dW, dC_db)."""
        single = np.ndim(validate.numbers_array("X", X)) == 1
        X, Y = self.as_batch(X, validate.targets_given(Y))
        zs, activations = self._forward(X)
        cost, sigma_prime = self.cost_function, self.activation.df
        dC_da_L = cost.dC_da(activations[-1], Y)
        delta_L = (output_error(dC_da_L, zs[-1], sigma_prime) if cost.delta is None
                   else cost.delta(zs[-1], activations[-1], Y))
        deltas, dC_dW, dC_db = backward(self.W, zs, activations, delta_L, sigma_prime)
        dC_da = [delta @ w for delta, w in zip(deltas, self.W, strict=True)] + [dC_da_L]
        return Backward(*_unbatch(single, zs, activations, deltas, dC_da), dC_dW, dC_db)

    def cost(self, X, Y):
        """The cost averaged over the batch, C = (1/m) sum_k C_k, as a float."""
        return self.batch_cost(*self.as_batch(X, validate.targets_given(Y)))

    def batch_cost(self, X, Y):
        """cost(X, Y) for X (m, n_0), Y (m, n_L) as as_batch returns them, not checked again."""
        zs, activations = self._forward(X)
        return float(np.mean(self.cost_function.C0(zs[-1], activations[-1], Y)))

    def output(self, X):
        """a(L) for X: shape (m, n_L), or (n_L,) for one example."""
        return self.forward(X).activations[-1]

    def predict(self, X):
        """The label of the most active output neuron: int array (m,), or an int for one example."""
        labels = np.argmax(self.output(X), axis=-1)
        return int(labels) if labels.ndim == 0 else labels

    def accuracy(self, X, labels):
        """The fraction of examples in X whose predicted label equals `labels` (m,)."""
        X, _ = self.as_batch(X)
        labels = self.as_labels(labels, len(X))
        return float(np.mean(np.argmax(self._forward(X)[1][-1], axis=1) == labels))

    # The input checks: X (m, n_0), Y (m, n_L) checked once; m int labels (see validate).
    as_batch = validate.check_batch
    as_labels = validate.network_labels


def backward(W, zs, activations, delta_L, sigma_prime):
    """From delta(L) (m, n_L) down to layer 1 by equations (2), (3), (4): deltas, dC_dW, dC_db.

    W[l-1] = W(l), zs[l-1] = z(l), activations[l] = a(l); the lists returned are like W."""
    deltas = [delta_L]
    for l in range(len(W) - 1, 0, -1):  # delta(l) from delta(l+1) and W(l+1)
        deltas.insert(0, error_back(W[l], deltas[0], zs[l - 1], sigma_prime))
    pairs = zip(deltas, activations[:-1], strict=True)  # delta(l) with a(l-1)
    dC_dW = [weight_gradient(delta, a_prev) for delta, a_prev in pairs]
    dC_db = [bias_gradient(delta) for delta in deltas]
    return deltas, dC_dW, dC_db


def _unbatch(single, *lists):
    """For a single example, drop the batch axis of every array in every list."""
    return [[array[0] for array in arrays] if single else arrays for arrays in lists]


__all__ = ["COSTS", "Backward", "Forward", "Network", "backward", "check_labels", "one_hot"]
