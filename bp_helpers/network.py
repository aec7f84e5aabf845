"""The dense network: every neuron of layer l-1 feeds every neuron of layer l.

Layer l computes z(l) = W(l) a(l-1) + b(l) and a(l) = sigma(z(l)). The cost of
one example is either the lessons' quadratic C0 = sum_j (a_j(L) - y_j)^2, with
the same sigma on the output layer, or softmax with cross-entropy,
C0 = -sum_j y_j log softmax(z(L))_j. `cost`, `backprop` and `backward` use the
batch-averaged cost C = (1/m) sum_i C0_i, so a gradient step does not grow
with the batch size.

Everything is vectorised over the batch: a batch of m examples is an (m, n)
array (examples are rows) and z(l) = A(l-1) @ W(l).T + b(l) does all m at once.
A single example of shape (n_0,) also works and gives 1-D results.
`bp_helpers.network_loops` computes the same gradients with one loop per index.
"""

import itertools
from dataclasses import dataclass
from math import isqrt
from typing import NamedTuple

import numpy as np

from bp_helpers.activations import get_activation
from bp_helpers.costs import COSTS, get_cost
from bp_helpers.equations import bias_gradient, error_back, output_error, weight_gradient
from bp_helpers.validate import as_float_array, whole_number

# At most this many weights and biases (400 MB as float64, and as much again for their
# gradients), so that a slip such as sizes=[784, 10**6, 10] is refused with a sentence,
# not by numpy's MemoryError part-way through.
MAX_PARAMETERS = 50_000_000


class Forward(NamedTuple):
    """Every z and a of a forward pass: zs[l-1] is z(l); activations[l] is a(l), a[0] = x."""

    zs: list
    activations: list


@dataclass(frozen=True)
class Backward:
    """Everything one backward pass computes (lists indexed like the network's).

    deltas[l-1] = dC0/dz(l) and dC_da[l] = dC0/da(l) are per example, shape
    (m, n_l), for the cost C0 of each example on its own: dC_da[L] is what
    each output neuron "wishes", dC_da[0] = dC0/dx. dC_dW[l-1] (n_l, n_{l-1})
    and dC_db[l-1] (n_l,) are for the batch-averaged cost C. For a single
    example every per-example array is 1-D.
    """

    zs: list
    activations: list
    deltas: list
    dC_da: list
    dC_dW: list
    dC_db: list


class Network:
    """A fully connected network with seeded weights, checked inputs and backprop.

    sizes lists the neurons per layer, inputs first: [784, 16, 16, 10].
    activation ("sigmoid", "relu" or "tanh", or any name in
    activations.ACTIVATIONS) is used by every hidden layer, and by the output
    layer too unless the cost brings its own: cost "quadratic" (or any name
    in costs.COSTS) keeps it, "cross_entropy" puts a softmax on the output.
    cost_name is the cost's name, cost_function the Cost itself (C0, dC0/da,
    the output layer, delta(L)). W[l-1] has shape (n_l, n_{l-1}),
    drawn from N(0, 1/n_{l-1}) so z starts out of order 1; b[l-1] has shape
    (n_l,) and starts at 0. seed is an int or a numpy Generator.
    """

    def __init__(self, sizes, activation="sigmoid", cost="quadratic", seed=0):
        self.sizes = _check_sizes(sizes)
        self.activation = get_activation(activation)
        self.cost_function = get_cost(cost)
        self.cost_function.check_sizes(self.sizes)
        rng = np.random.default_rng(seed)
        pairs = list(itertools.pairwise(self.sizes))
        self.W = [rng.standard_normal((n, n_prev)) / np.sqrt(n_prev) for n_prev, n in pairs]
        self.b = [np.zeros(n) for n in self.sizes[1:]]

    @classmethod
    def from_weights(cls, W, b, activation="sigmoid", cost="quadratic"):
        """A network with the given W (list of (n_l, n_{l-1})) and b (list of (n_l,)), copied."""
        W, b = _check_weights(W, b)
        sizes = [W[0].shape[1]] + [w.shape[0] for w in W]
        network = cls(sizes, activation, cost)
        network.W, network.b = W, b
        return network

    @property
    def cost_name(self):
        """The cost's name, e.g. "quadratic" (a key of costs.COSTS)."""
        return self.cost_function.name

    def __repr__(self):
        return (
            f"Network({self.sizes}, activation={self.activation.name!r}, "
            f"cost={self.cost_name!r})"
        )

    def copy(self):
        """An independent copy: changing its weights leaves this network alone."""
        return type(self).from_weights(self.W, self.b, self.activation, self.cost_function)

    def forward(self, X):
        """Run X ((m, n_0) or (n_0,)) forward; return every z and a as a Forward."""
        X = _numbers("X", X)
        single = X.ndim == 1
        X, _ = self.as_batch(X)
        zs, activations = self._forward(X)
        return Forward(*_unbatch(single, zs, activations))

    def output(self, X):
        """a(L) for X: shape (m, n_L), or (n_L,) for one example."""
        return self.forward(X).activations[-1]

    def cost(self, X, Y):
        """The cost averaged over the batch, C = (1/m) sum_i C0_i, as a float."""
        X, Y = self.as_batch(X, _targets_given(Y))
        return self.batch_cost(X, Y)

    def batch_cost(self, X, Y):
        """cost(X, Y) for X (m, n_0) and Y (m, n_L) as as_batch returns them, not checked
        again: for the thousands of calls of a gradient check on the same batch."""
        zs, activations = self._forward(X)
        return float(np.mean(self.cost_function.C0(zs[-1], activations[-1], Y)))

    def backprop(self, X, Y):
        """(dC_dW, dC_db) for the batch-averaged cost, shaped like W and b."""
        gradients = self.backward(X, Y)
        return gradients.dC_dW, gradients.dC_db

    def backward(self, X, Y):
        """The whole backward pass as a Backward: every delta and dC/da, and the gradients."""
        X = _numbers("X", X)
        single = X.ndim == 1
        X, Y = self.as_batch(X, _targets_given(Y))
        zs, activations, deltas, dC_da, dC_dW, dC_db = self._backward(X, Y)
        zs, activations, deltas, dC_da = _unbatch(single, zs, activations, deltas, dC_da)
        return Backward(zs, activations, deltas, dC_da, dC_dW, dC_db)

    def predict(self, X):
        """The label of the most active output neuron: int array (m,), or an int for one example."""
        labels = np.argmax(self.output(X), axis=-1)
        return int(labels) if labels.ndim == 0 else labels

    def accuracy(self, X, labels):
        """The fraction of examples in X whose predicted label equals `labels` (m,)."""
        X, _ = self.as_batch(X)
        labels = self.as_labels(labels, len(X))
        return float(np.mean(np.argmax(self._forward(X)[1][-1], axis=1) == labels))

    def as_batch(self, X, Y=None, dtype=np.float64):
        """Check X and Y once; return them as 2-D arrays of `dtype`, X (m, n_0), Y (m, n_L).

        Every public method starts here. A single example (n_0,) becomes a
        batch of one. Y may be integer labels (m,) or one-hot rows (m, n_L),
        and for the quadratic cost any real targets (m, n_L) (or (m,) when
        there is one output neuron). Raises ValueError or TypeError saying
        what was expected and what came instead.
        """
        X = _numbers("X", X)
        single = X.ndim == 1
        n_0 = self.sizes[0]
        if X.ndim not in (1, 2) or X.shape[-1] != n_0:
            raise ValueError(_input_shape_message(X.shape, n_0))
        X = np.atleast_2d(X)
        if len(X) == 0:
            raise ValueError(f"X must hold at least one example, got shape {X.shape}")
        _check_finite("X", X)
        if Y is not None:
            Y = self._targets(Y, len(X), single).astype(dtype, copy=False)
        return X.astype(dtype, copy=False), Y

    def _targets(self, Y, m, single):
        """Y as an (m, n_L) float array of targets (see as_batch)."""
        n_L = self.sizes[-1]
        Y = _numbers("Y", Y)
        real_targets = n_L == 1 and not self.cost_function.classes
        if single:
            if Y.shape not in ((), (n_L,)):
                raise ValueError(
                    f"Y for one example must be a label (0 to {n_L - 1}) or a vector of "
                    f"{n_L} targets, got shape {Y.shape}"
                )
            Y = Y.reshape(1, -1) if Y.ndim == 1 else Y.reshape(1)
        if Y.ndim == 1 and not real_targets:
            return one_hot(self.as_labels(Y, m), n_L)
        if Y.ndim == 1:
            Y = Y[:, None]
        if Y.ndim != 2 or Y.shape[1] != n_L:
            raise ValueError(
                f"Y must be labels of shape ({m},) or targets of shape ({m}, {n_L}), "
                f"got shape {Y.shape}"
            )
        if len(Y) != m:
            raise ValueError(f"Y has {len(Y)} rows but X has {m} examples")
        _check_finite("Y", Y)
        if self.cost_function.classes:
            _check_one_hot(Y, f"{self.cost_name} needs one-hot rows in Y")
        return Y.astype(float, copy=False)

    def as_labels(self, labels, m):
        """Check labels for m examples; return them as ints (m,). One-hot rows (m, n_L) work too."""
        labels = _numbers("labels", labels)
        if labels.ndim == 2 and labels.shape[1] == self.sizes[-1]:
            _check_one_hot(labels, "labels given as rows must be one-hot")
            labels = np.argmax(labels, axis=1)
        labels = check_labels(np.atleast_1d(labels), self.sizes[-1])
        if labels.shape != (m,):
            raise ValueError(f"expected {m} labels, one per example, got shape {labels.shape}")
        return labels

    def _forward(self, X):
        """zs and activations for a checked (m, n_0) batch: z = a_prev @ W.T + b."""
        zs, activations = [], [X]
        output = self.cost_function.output or self.activation.f
        for layer, (w, b) in enumerate(zip(self.W, self.b, strict=True), start=1):
            z = activations[-1] @ w.T + b
            sigma = output if layer == len(self.W) else self.activation.f
            zs.append(z)
            activations.append(sigma(z))
        return zs, activations

    def _backward(self, X, Y):
        """Backprop for a checked batch, all m examples at once, by the four equations.

        delta(L) = dC0/da(L) * sigma'(z(L))  (the cost's own delta(L) with its own output
                                             layer: softmax - y for cross-entropy),
        dC0/da(l) = delta(l+1) @ W(l+1)      (sum_j w_jk delta_j, for every k),
        delta(l) = dC0/da(l) * sigma'(z(l)),
        dC/dW(l) = mean over examples of delta(l) a(l-1)^T, dC/db(l) = mean of delta(l).
        The lists are 0-based: deltas[l-1] is delta(l), self.W[l-1] is W(l).
        """
        zs, activations = self._forward(X)
        L = len(self.W)
        sigma_prime = self.activation.df
        deltas, dC_da = [None] * L, [None] * (L + 1)
        cost = self.cost_function
        dC_da[L] = cost.dC_da(activations[L], Y)
        if cost.delta is None:
            deltas[L - 1] = output_error(dC_da[L], zs[L - 1], sigma_prime)
        else:
            deltas[L - 1] = cost.delta(zs[L - 1], activations[L], Y)
        for l in range(L - 1, 0, -1):  # delta(l) from delta(l+1) and W(l+1)
            dC_da[l] = deltas[l] @ self.W[l]
            deltas[l - 1] = error_back(self.W[l], deltas[l], zs[l - 1], sigma_prime)
        dC_da[0] = deltas[0] @ self.W[0]
        dC_dW = [weight_gradient(deltas[l - 1], activations[l - 1]) for l in range(1, L + 1)]
        dC_db = [bias_gradient(deltas[l - 1]) for l in range(1, L + 1)]
        return zs, activations, deltas, dC_da, dC_dW, dC_db


def one_hot(labels, n):
    """Rows of n zeros with a 1 at each label: (m,) labels give (m, n); one label gives (n,)."""
    n = whole_number("n, the number of classes,", n, least=1)
    return np.eye(n)[check_labels(labels, n)]


def check_labels(labels, n):
    """Return labels as ints, or raise unless every one is a whole number from 0 to n-1."""
    labels = _numbers("labels", labels)
    if labels.dtype.kind not in "iuf":
        raise TypeError(f"labels must be whole numbers, got values of type {labels.dtype}")
    bad = ~np.isin(labels, np.arange(n))
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f" at index {index[0] if len(index) == 1 else index}" if index else ""
        raise ValueError(
            f"labels must be whole numbers from 0 to {n - 1} (one per output neuron), "
            f"got {labels[bad].flat[0]}{where}"
        )
    return labels.astype(int)


def _targets_given(Y):
    """Y, unless it is None: the cost and its gradient need targets."""
    if Y is None:
        raise TypeError("Y must be the targets: labels (m,) or one-hot rows (m, n_L), "
                        "got None")
    return Y


def _numbers(name, value):
    """value as a numeric (bool, int or float) array, without copying one."""
    if not isinstance(value, (str, bytes)):
        try:
            array = np.asarray(value)
        except (TypeError, ValueError):  # ragged nested lists, for instance
            array = None
        if array is not None and array.dtype.kind in "biuf":
            return array
    return as_float_array(name, value)  # converts numbers stored as objects, else TypeError


def _check_finite(name, array):
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        as_float_array(name, array)  # raises, naming the first bad value and its index


def _check_one_hot(Y, requirement):
    """Raise `requirement`, showing the first row that is not a single 1 among 0s."""
    ok = np.isin(Y, (0, 1)).all(axis=1) & (Y.sum(axis=1) == 1)
    if not ok.all():
        i = int(np.argmin(ok))
        raise ValueError(
            f"{requirement} (a single 1, the rest 0), "
            f"got row {i}: {np.array2string(Y[i], precision=3, threshold=12)}"
        )


def _input_shape_message(shape, n_0):
    side = isqrt(n_0)
    pixels = f" ({side}x{side} pixels)" if side >= 8 and side * side == n_0 else ""
    if len(shape) in (1, 2) and shape[-1] != n_0:
        hint = " (examples are rows: did you mean X.T?)" if shape[0] == n_0 else ""
        return f"expected {n_0} inputs per example{pixels}, got {shape[-1]}{hint}"
    hint = ": flatten each example, e.g. X.reshape(len(X), -1)" if len(shape) > 2 else ""
    return (
        f"X must be one example of shape ({n_0},) or a batch of shape (m, {n_0}), "
        f"got shape {shape}{hint}"
    )


def _check_sizes(sizes):
    example = "a list of layer sizes such as [784, 16, 16, 10]"
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be {example}, got {sizes!r}")
    sizes = list(sizes)
    sizes = [whole_number(f"sizes[{i}], the neurons in layer {i},", n, least=1)
             for i, n in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least 2 layers (inputs and outputs), got {sizes}")
    parameters = sum(n * (n_prev + 1) for n_prev, n in itertools.pairwise(sizes))
    if parameters > MAX_PARAMETERS:
        raise ValueError(
            f"sizes {sizes} make {parameters:,} weights and biases, {parameters * 8 / 1e9:.3g} "
            f"GB of memory; a network here may have at most {MAX_PARAMETERS:,} "
            "(784-16-16-10 has 13,002)"
        )
    return sizes


def _check_weights(W, b):
    """W and b as lists of float64 copies, with shapes that chain layer to layer."""
    if isinstance(W, np.ndarray) or isinstance(b, np.ndarray):
        raise TypeError("W and b must be lists with one array per layer")
    W = [as_float_array(f"W[{i}]", w, ndim=2).copy() for i, w in enumerate(W)]
    b = [as_float_array(f"b[{i}]", b_l, ndim=1).copy() for i, b_l in enumerate(b)]
    if not W or len(W) != len(b):
        raise ValueError(
            f"W and b need one entry per layer, got {len(W)} weight matrices and {len(b)} biases"
        )
    for i, (w, b_l) in enumerate(zip(W, b, strict=True)):
        if i > 0 and w.shape[1] != W[i - 1].shape[0]:
            raise ValueError(
                f"mismatched layer sizes: W[{i}] has shape {w.shape}, but layer {i} has "
                f"{W[i - 1].shape[0]} neurons (W[{i - 1}] has shape {W[i - 1].shape}), "
                f"so W[{i}] needs {W[i - 1].shape[0]} columns"
            )
        if b_l.shape != (w.shape[0],):
            raise ValueError(
                f"mismatched layer sizes: b[{i}] has shape {b_l.shape}, expected "
                f"({w.shape[0]},), one bias per row of W[{i}]"
            )
    return W, b


def _unbatch(single, *lists):
    """For a single example, drop the batch axis of every array in every list."""
    return [[array[0] for array in arrays] if single else arrays for arrays in lists]


__all__ = ["COSTS", "Backward", "Forward", "Network", "check_labels", "one_hot"]
