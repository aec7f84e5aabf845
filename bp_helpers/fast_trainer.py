"""The fast trainer behind `training.sgd`, private to training: the weights stepped in place.

At batch size 10, one epoch of MNIST is 6,000 gradient steps, so a step must
not allocate, check or convert anything. A Trainer holds a network's weights
(in float32 or float64) in preallocated buffers, checked once, and steps
them in place by Network.backprop's equations; the tests check that both
give the same weights. It also computes the cost of a whole set, in blocks
of rows, for sgd's records and its divergence guard.

Examples are columns inside the fast trainer (the one place in the package)
---------------------------------------------------------------------------
The rest of bp_helpers stores a batch with examples as rows, (m, n). A
Trainer's step works on the transposes, (n, m), with one column per example
(as in Nielsen's network.py), for two reasons. Each layer is then one BLAS
product, z(l) = [W | b](l) [a(l-1); 1], with the weights on the left exactly
as the lessons write z = W a + b, and with the bias folded in as the weight of
a last row of ones; and every buffer that product reads or writes is
contiguous. The data, examples as rows, reach the step as a block of rows of X
and Y, and are turned over only as views (x.T, y.T), never copied. The
whole-set evaluation (`forward`, `evaluate`) keeps examples as rows, as X comes,
because there X @ W(1)^T in chunks of rows is the faster product; it hands its
blocks to the in-place activations as views transposed to columns. Nothing
outside this module sees a column of examples: Trainer.load and Trainer.store
copy to and from a Network's W (n_l, n_{l-1}) and b (n_l,), whose shapes do
not depend on the layout.
"""

from typing import NamedTuple

import numpy as np

from bp_helpers.blas import largest_product

# Rows gathered from the shuffled data at a time, so each batch is a slice of them.
# 256 rows of MNIST (800 kB) stay in the CPU's cache while their batches are used.
BLOCK_ROWS = 256
# Rows per block when the cost of a whole set is computed: few enough that a block's
# activations stay in the CPU's cache.
EVALUATION_ROWS = 2048
# BLAS multiplies matrices of up to about this many multiply-adds without first
# copying them into its packed layout (OpenBLAS's small-matrix kernels). For a
# skinny first layer (16 neurons) that copy of X is most of the work, so the
# evaluation multiplies X by W(1) in chunks of rows small enough to skip it:
# 21 ms instead of 35 ms for the 60,000 MNIST digits, on one thread.
SMALL_PRODUCT = 1_000_000
# Activations that differ by less than this between any two examples are "the same",
# and sigma'(z) below it passes on (almost) no gradient. Dead networks measured below
# 1e-4; healthy ones above 1e-2, even on the plateau where every output is near its
# average target, and so did networks that found nothing to learn (random labels).
SAME_OUTPUT = 1e-3


class Evaluation(NamedTuple):
    """The network on a whole set: its cost, and how much its outputs vary.

    spread is the largest difference, over the output neurons, between the
    highest and the lowest value the neuron takes on the set's examples;
    0 means the network gives every example the same output.
    """

    cost: float
    spread: float


class _Plan(NamedTuple):
    """The step's buffers for one batch size, grouped per layer in the order it uses them.

    forward: per layer l = 1..L, ([W | b](l), z(l), a(l), [a(l); 1], sigma).
    output: z(L), a(L), delta(L) and sigma'(z(L)).
    backward: per layer l = L..2, (delta(l), delta(l-1), [a(l-1); 1]^T, W(l)^T,
    z(l-1), a(l-1), sigma'(z(l-1)), [W | b](l), its gradient).
    first: delta(1), the gradient of [W | b](1), and [W | b](1).
    Every array is (neurons, m); a(l) is a view of the top rows of [a(l); 1].
    """

    forward: list
    output: tuple
    backward: list
    first: tuple


class Trainer:
    """The weights during sgd, stepped in place on preallocated buffers.

    These are Network.backprop's equations with three changes for speed.
    Inside, examples are columns (as in Nielsen's network.py), so z = W a + b
    reads as in the lessons and every buffer is contiguous. Each layer keeps
    [W | b] as one (n_l, n_{l-1} + 1) matrix and each a(l) gets a last row of
    ones: the bias is a weight from an always-on neuron, so z = [W | b] [a; 1]
    is one product and updating W and b one subtraction. And lr/m (with the
    cost's error_scale, the 2 of 2(a - y)) is folded into delta(L), so the
    backward pass yields lr * dC/d[W | b] directly.

    The activation's and the cost's in-place kernels (Activation.in_place,
    Cost.in_place) do the element-wise work; ones without kernels of their
    own get generic ones built from their formulas.

    Its public methods: epoch and step (train), evaluate, accuracy,
    cannot_learn and finite (inspect), load and store (copy weights from
    and to a Network), forward, first_layer_rows and
    largest_evaluation_product (the whole-set evaluation's blocks).
    """

    def __init__(self, network, dtype):
        self.dtype = dtype
        self.sizes = network.sizes
        self.Wb = [
            np.column_stack([w, b]).astype(dtype)
            for w, b in zip(network.W, network.b, strict=True)
        ]
        self.W = [Wb[:, :-1] for Wb in self.Wb]  # views, for W(l)^T delta(l)
        self.gradients = [np.empty_like(Wb) for Wb in self.Wb]
        self.sigma, self.sigma_prime = network.activation.in_place()
        self.cost = network.cost_function
        output, self.error, self.error_scale = self.cost.in_place()
        self.own_output = output is not None  # with its closed-form delta(L), no sigma'
        self.sigmas = [self.sigma] * (len(self.Wb) - 1)
        self.sigmas.append(output or self.sigma)
        self.plans = {}

    def epoch(self, X, Y, order, batch_size, lr, steps=0, after_step=None):
        """One pass over X (m, n_0) and Y (m, n_L) in `order`, one step per batch.

        The rows of many batches are gathered at once, into a buffer that is
        reused (np.take into it is about twice as fast as X[order] into a
        new array every time), then copied beside the column of ones.
        steps counts the steps taken before; after_step(steps), if given,
        runs after each step. Returns the steps taken in all.
        """
        rows = min(batch_size * max(1, BLOCK_ROWS // batch_size), len(order))
        x = np.empty((rows, X.shape[1]), self.dtype)
        x_ones = np.ones((rows, X.shape[1] + 1), self.dtype)
        y = np.empty((rows, Y.shape[1]), self.dtype)
        with np.errstate(all="ignore"):  # nan and inf are caught after the epoch
            for start in range(0, len(order), rows):
                block = order[start:start + rows]
                n = len(block)
                x_block, y_block = x_ones[:n], y[:n]
                np.take(X, block, axis=0, out=x[:n], mode="clip")  # indices are all valid
                np.take(Y, block, axis=0, out=y_block, mode="clip")
                x_block[:, :-1] = x[:n]
                for i in range(0, n, batch_size):
                    self.step(x_block[i:i + batch_size], y_block[i:i + batch_size], lr)
                    steps += 1
                    if after_step is not None:
                        after_step(steps)
        return steps

    def step(self, x_ones, y, lr):
        """w <- w - lr dC/dw for one batch: x_ones (m, n_0 + 1), last column 1; y (m, n_L)."""
        m = len(x_ones)
        plan = self.plans.get(m) or self._plan(m)
        a_prev = x_ones.T
        for Wb, z, a, a_one, sigma in plan.forward:
            np.matmul(Wb, a_prev, z)  # z = W a_prev + b
            sigma(z, a)
            a_prev = a_one
        z, a, delta, slope = plan.output
        self.error(z, a, y.T, delta)  # delta(L), or dC0/da(L), over error_scale: a - y
        if not self.own_output:
            self.sigma_prime(z, a, slope)
            delta *= slope  # equation (1): delta(L) = dC0/da(L) * sigma'(z(L))
        delta *= self.error_scale * lr / m
        for delta, below, a_one_T, W_T, z, a, slope, Wb, gradient in plan.backward:
            np.matmul(delta, a_one_T, gradient)  # lr dC/d[W | b](l) = delta(l) [a(l-1); 1]^T
            np.matmul(W_T, delta, below)  # dC/da(l-1) = W(l)^T delta(l)
            self.sigma_prime(z, a, slope)
            below *= slope  # delta(l-1)
            Wb -= gradient
        delta, gradient, Wb = plan.first
        np.matmul(delta, x_ones, gradient)
        Wb -= gradient

    def _plan(self, m):
        """Buffers for batches of m examples, grouped the way `step` walks them (a _Plan)."""
        sizes, dtype = self.sizes[1:], self.dtype
        zs = [np.empty((n, m), dtype) for n in sizes]
        a_ones = [np.ones((n + 1, m), dtype) for n in sizes]  # [a(l); 1]
        activations = [a_one[:-1] for a_one in a_ones]
        deltas = [np.empty((n, m), dtype) for n in sizes]
        slopes = [np.empty((n, m), dtype) for n in sizes]
        layers = range(len(sizes) - 1, 0, -1)  # deltas[l] is delta(l + 1)
        self.plans[m] = _Plan(
            forward=list(zip(self.Wb, zs, activations, a_ones, self.sigmas, strict=True)),
            output=(zs[-1], activations[-1], deltas[-1], slopes[-1]),
            backward=[
                (deltas[l], deltas[l - 1], a_ones[l - 1].T, self.W[l].T, zs[l - 1],
                 activations[l - 1], slopes[l - 1], self.Wb[l], self.gradients[l])
                for l in layers
            ],
            first=(deltas[0], self.gradients[0], self.Wb[0]),
        )
        return self.plans[m]

    def first_layer_rows(self):
        """Rows of X per product with W(1) when evaluating: see SMALL_PRODUCT."""
        n_0, n_1 = self.sizes[:2]
        rows = SMALL_PRODUCT // (n_0 * n_1)
        return rows if rows >= 32 else EVALUATION_ROWS

    def largest_evaluation_product(self):
        """Multiply-adds of the largest matrix product in `forward`."""
        first = self.first_layer_rows() * self.sizes[0] * self.sizes[1]
        return max(first, largest_product(self.sizes[1:], EVALUATION_ROWS))

    def forward(self, X):
        """(block, z(L), [a(1), ..., a(L)]) for each block of EVALUATION_ROWS rows of X (m, n_0).

        Examples are rows here, as in X: z(L) and every a(l) are (rows, n_l).
        """
        W_1T = np.ascontiguousarray(self.W[0].T)  # examples as rows: the faster product here
        rows = self.first_layer_rows()
        for start in range(0, len(X), EVALUATION_ROWS):
            block = slice(start, start + EVALUATION_ROWS)
            activations = [X[block]]
            for layer, (W, Wb, sigma) in enumerate(zip(self.W, self.Wb, self.sigmas, strict=True)):
                a_prev = activations[-1]
                z = _product_in_chunks(a_prev, W_1T, rows) if layer == 0 else a_prev @ W.T
                z += Wb[:, -1]
                activations.append(np.empty_like(z))
                sigma(z.T, activations[-1].T)  # the kernels take examples as columns
            yield block, z, activations[1:]

    def evaluate(self, X, Y):
        """The batch-averaged cost of the whole set X, Y, and the spread of its outputs."""
        total, spread = 0.0, _Spread()
        with np.errstate(all="ignore"):  # a saturated sigmoid overflows exp: sigma = 0
            for block, z, activations in self.forward(X):
                total += float(np.sum(self.cost.C0(z, activations[-1], Y[block])))
                spread.add(activations[-1])
            return Evaluation(total / len(X), spread.value())  # inf - inf: nan, quietly

    def cannot_learn(self, X):
        """Whether no gradient can flow back from the outputs on any example of X.

        True if every output neuron is saturated on every example, sigma'(z(L))
        < SAME_OUTPUT (softmax cannot saturate: its output error a - y never
        vanishes), or if a hidden layer went blank: each of its neurons takes
        the same value on every example (a ReLU stuck at 0, a sigmoid at 0 or 1).
        """
        hidden = [_Spread() for _ in self.Wb[:-1]]
        slope = np.inf if self.own_output else -np.inf
        with np.errstate(all="ignore"):
            for _, z, activations in self.forward(X):
                if not self.own_output:
                    sigma_prime = np.empty_like(z)
                    self.sigma_prime(z.T, activations[-1].T, sigma_prime.T)
                    slope = max(slope, float(sigma_prime.max()))
                for spread, a in zip(hidden, activations[:-1], strict=True):
                    spread.add(a)
        return slope < SAME_OUTPUT or any(s.value() < SAME_OUTPUT for s in hidden)

    def accuracy(self, X, labels):
        with np.errstate(all="ignore"):
            outputs = [activations[-1] for _, _, activations in self.forward(X)]
        return float(np.mean(np.concatenate([np.argmax(a, axis=1) for a in outputs]) == labels))

    def finite(self):
        return all(np.isfinite(Wb).all() for Wb in self.Wb)

    def load(self, network):
        """Copy network.W and network.b into the trainer's [W | b] (to evaluate them)."""
        for w, b, Wb in zip(network.W, network.b, self.Wb, strict=True):
            Wb[:, :-1] = w
            Wb[:, -1] = b

    def store(self, network):
        """Copy the weights into network.W and network.b (as float64)."""
        for w, b, Wb in zip(network.W, network.b, self.Wb, strict=True):
            w[...] = Wb[:, :-1]
            b[...] = Wb[:, -1]


class _Spread:
    """The largest range, over a layer's neurons, of the values each takes on many blocks."""

    def __init__(self):
        self.lowest, self.highest = np.inf, -np.inf

    def add(self, a):
        """Take in a block of activations a (rows, n): examples are rows."""
        neurons = np.ascontiguousarray(a.T)  # reducing along rows is 20x faster
        self.lowest = np.minimum(self.lowest, neurons.min(axis=1))
        self.highest = np.maximum(self.highest, neurons.max(axis=1))

    def value(self):
        return float(np.max(self.highest - self.lowest))


def _product_in_chunks(x, W_T, rows):
    """x @ W_T for x (m, n_0) and W_T (n_0, n), multiplying `rows` rows of x at a time."""
    z = np.empty((len(x), W_T.shape[1]), x.dtype)
    for i in range(0, len(x), rows):
        np.matmul(x[i:i + rows], W_T, z[i:i + rows])
    return z


__all__ = ["BLOCK_ROWS", "EVALUATION_ROWS", "SAME_OUTPUT", "SMALL_PRODUCT", "Evaluation", "Trainer"]
