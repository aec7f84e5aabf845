"""The full cost over two of a network's parameters, and descent walking over it.

`CostSlice` freezes every parameter of a network but two: the weight
w = W[L-1][j, k] from hidden neuron k to output neuron j, and that output
neuron's bias b = b[L-1][j]. The full cost over (w, b) is then a landscape we
can draw as contours, and `descend` walks it with full-batch gradient descent
or with mini-batches, returning a `DescentPath`.
"""

import math
from dataclasses import dataclass

import numpy as np

from bp_helpers.activations import sigmoid, sigmoid_prime
from bp_helpers.data.dataset import read_only_array
from bp_helpers.training import sgd_step
from bp_helpers.validate import as_float, lessons_network, positive, whole_number

MAX_GRID = 200  # points along each axis of CostSlice.grid
MAX_EXAMPLES = 1_000_000  # examples one descend may read (epochs x n)


@dataclass(frozen=True, eq=False)
class CostSlice:
    """The full cost C(w, b) of a network over two of its parameters, all others frozen.

    w is W[L-1][j, k], the weight from hidden neuron k to output neuron j, and
    b is b[L-1][j]. Output neuron j computes z_j = w a_k + rest + b, where
    a_k (n,) is hidden neuron k's activation on each training example and
    rest (n,) everything else feeding z_j; y_j (n,) is the target of output j.
    The other output neurons do not depend on (w, b): their average cost is
    the constant `others`. w0, b0 are the network's own values. Make one with
    CostSlice.from_network.
    """

    a_k: np.ndarray
    rest: np.ndarray
    y_j: np.ndarray
    others: float
    j: int
    k: int
    w0: float
    b0: float

    @classmethod
    def from_network(cls, network, X, Y, j, k):
        """The slice through a sigmoid network with quadratic cost, on the examples X, Y."""
        lessons_network(network, "CostSlice")
        j = whole_number("j (the output neuron)", j, least=0, most=network.sizes[-1] - 1)
        k = whole_number("k (the hidden neuron)", k, least=0, most=network.sizes[-2] - 1)
        X, Y = network.as_batch(X, Y)
        forward = network.forward(X)
        a_k = forward.activations[-2][:, k].copy()
        w0, b0 = float(network.W[-1][j, k]), float(network.b[-1][j])
        rest = forward.zs[-1][:, j] - w0 * a_k - b0
        squared = (forward.activations[-1] - Y) ** 2
        others = float(np.mean(np.sum(np.delete(squared, j, axis=1), axis=1)))
        arrays = [read_only_array(v) for v in (a_k, rest, Y[:, j].copy())]
        return cls(*arrays, others=others, j=j, k=k, w0=w0, b0=b0)

    @property
    def n(self):
        """The number of training examples."""
        return len(self.a_k)

    def cost(self, w, b):
        """The full cost C at (w, b): numbers, or arrays that broadcast (each gives one C)."""
        w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
        shape = np.broadcast_shapes(w.shape, b.shape)
        w, b = np.broadcast_to(w, shape).ravel(), np.broadcast_to(b, shape).ravel()
        C = np.empty(len(w))
        rows = max(1, 2**20 // self.n)  # about a million examples' sigmoids at a time
        for start in range(0, len(w), rows):
            z = w[start:start + rows, None] * self.a_k + self.rest + b[start:start + rows, None]
            C[start:start + rows] = np.mean((sigmoid(z) - self.y_j) ** 2, axis=1)
        C += self.others
        return float(C[0]) if shape == () else C.reshape(shape)

    def gradient(self, w, b, rows=None):
        """(dC/dw, dC/db) at (w, b), averaged over the examples `rows` (None: all n).

        Per example dC0/dz_j = 2(a_j - y_j) sigma'(z_j), then dz_j/dw = a_k
        and dz_j/db = 1: lesson 1's three factors.
        """
        a_k, rest, y_j = self.a_k, self.rest, self.y_j
        if rows is not None:
            a_k, rest, y_j = a_k[rows], rest[rows], y_j[rows]
        z = w * a_k + rest + b
        delta = 2 * (sigmoid(z) - y_j) * sigmoid_prime(z)
        return float(np.mean(delta * a_k)), float(np.mean(delta))

    def grid(self, w_range, b_range, num=81):
        """Contour data: w (num,), b (num,) and C (num, num), where C[i, j] = C(w[j], b[i]).

        num is at most MAX_GRID: each of the num² points averages the cost over
        all n examples, so the time grows as num² (81 takes about half a second,
        200 about three, 3000 took two minutes).
        """
        num = whole_number(f"num (points along each axis, at most {MAX_GRID} so that the grid "
                           f"takes seconds, not minutes)", num, least=2, most=MAX_GRID)
        w = np.linspace(*_range("w_range", w_range), num)
        b = np.linspace(*_range("b_range", b_range), num)
        return w, b, self.cost(w[None, :], b[:, None])


@dataclass(frozen=True, eq=False)
class DescentPath:
    """A walk over a CostSlice: where every step went, and what it cost in examples.

    w, b (steps + 1,): the parameters before any step and after each step.
    examples (steps + 1,): examples read so far (batch_size per step, fewer for
    an epoch's last, smaller batch). recorded (r,): the steps at which the
    full cost was evaluated, cost (r,) its value there (at most `max_points`
    of them, always including the first and last step).
    """

    lr: float
    batch_size: int
    epochs: int
    n: int
    w: np.ndarray
    b: np.ndarray
    examples: np.ndarray
    recorded: np.ndarray
    cost: np.ndarray

    @property
    def steps(self):
        """The number of steps taken."""
        return len(self.w) - 1

    @property
    def full_batch(self):
        """True for full-batch gradient descent: every step reads all n examples."""
        return self.batch_size >= self.n

    @property
    def final_cost(self):
        """The full cost C after the last step."""
        return float(self.cost[-1])


def descend(cost_slice, start, lr, batch_size, epochs, seed=0, max_points=400):
    """Walk `cost_slice` downhill from start = (w, b) for `epochs` passes over its examples.

    Each epoch shuffles the examples (from `seed`) and cuts them into batches of
    batch_size (the last may be smaller); each batch gives one step
    (w, b) <- (w, b) - lr (dC/dw, dC/db) with the gradient averaged over that
    batch. batch_size = cost_slice.n is full-batch gradient descent: one exact
    step per epoch. Returns a DescentPath. epochs times n may be at most
    MAX_EXAMPLES (a few seconds at batch size 1; epochs = 100,000 took minutes).
    """
    n = cost_slice.n
    w, b = (as_float(name, value) for name, value in zip("wb", _pair("start", start, "(w, b)"),
                                                          strict=True))
    lr = positive("lr", lr)
    batch_size = whole_number("batch_size", batch_size, least=1)
    if batch_size > n:
        raise ValueError(f"batch_size can be at most the {n} examples, got {batch_size}")
    epochs = whole_number("epochs", epochs, least=1)
    if epochs * n > MAX_EXAMPLES:
        raise ValueError(
            f"epochs = {epochs} would read {epochs * n:,} examples ({n} per epoch), more than "
            f"the {MAX_EXAMPLES:,} that take a few seconds here; use at most "
            f"{MAX_EXAMPLES // n} epochs"
        )
    max_points = whole_number("max_points", max_points, least=2)
    rng = np.random.default_rng(seed)
    per_epoch = math.ceil(n / batch_size)
    wb = np.array([w, b])  # the two parameters, stepped in place by training's sgd_step
    path = [wb.copy()]
    a_k, rest, y_j = cost_slice.a_k, cost_slice.rest, cost_slice.y_j
    for _ in range(epochs):
        order = rng.permutation(n) if batch_size < n else np.arange(n)
        columns = [a_k[order].tolist(), rest[order].tolist(), y_j[order].tolist()]
        for first in range(0, n, batch_size):
            batch = [column[first:first + batch_size] for column in columns]
            sgd_step([wb], [np.array(batch_gradient(*wb.tolist(), *batch))], lr)
            path.append(wb.copy())
    ws, bs = np.array(path).T
    step = len(ws) - 1
    batch = np.full(per_epoch, batch_size)
    batch[-1] = n - batch_size * (per_epoch - 1)
    examples = np.concatenate([[0], np.cumsum(np.tile(batch, epochs))])
    recorded = np.unique(np.linspace(0, step, min(max_points, step + 1)).round().astype(int))
    return DescentPath(
        lr=lr, batch_size=batch_size, epochs=epochs, n=n,
        w=read_only_array(ws), b=read_only_array(bs), examples=read_only_array(examples),
        recorded=read_only_array(recorded), cost=read_only_array(cost_slice.cost(ws[recorded],
                                                                     bs[recorded])),
    )


def batch_gradient(w, b, a_k, rest, y_j):
    """CostSlice.gradient on plain lists of floats: for a few examples, several times faster.

    numpy spends about a microsecond per call however small the array, and a
    step does a dozen; a loop over 10 floats costs less (benchmarks/
    bench_descent_panel.py: descend at B = 1 runs 3 to 5 times slower with
    numpy, past the panel's half-second target). sigma is computed from
    e = exp(-|z|) <= 1, as in bp_helpers.activations, so it never overflows.
    """
    dC_dw = dC_db = 0.0
    for a, r, y in zip(a_k, rest, y_j, strict=True):
        z = w * a + r + b
        e = math.exp(-abs(z))
        sigma = 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)
        delta = 2.0 * (sigma - y) * e / (1.0 + e) ** 2  # 2(a - y) sigma'(z)
        dC_dw += delta * a
        dC_db += delta
    return dC_dw / len(a_k), dC_db / len(a_k)


def _pair(name, value, what):
    try:
        first, second = value
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair {what}, got {value!r}") from None
    return first, second


def _range(name, value):
    low, high = (as_float(name, v) for v in _pair(name, value, "(low, high)"))
    if not low < high:
        raise ValueError(f"{name} must be (low, high) with low < high, got {value!r}")
    return low, high
