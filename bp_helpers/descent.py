"""Lesson 4: gradient descent on the full cost, with all examples or with mini-batches.

The cost a network is trained on is the average of the per-example costs over
the n training examples, C = (1/n) sum_i C0_i. Differentiation is linear, so
its gradient is the average of the per-example gradients. The course speaks
of what an example "wishes": the change -dC0_i/dw it asks of every weight
(the videos' "desired nudges"); the wished change of the whole cost, -dC/dw,
is the average wish. A gradient-descent step moves every parameter by lr
times that wish: w <- w - lr dC/dw.

Full-batch gradient descent (GD) averages all n wishes before each step; mini-batch
stochastic gradient descent (SGD) averages the wishes of B random examples and
steps at once, so one pass over the data (an epoch) makes ceil(n/B) steps.

To *see* descent, `CostSlice` freezes every parameter of a network but two:
the weight w = W[L-1][j, k] from hidden neuron k to output neuron j, and that
output neuron's bias b = b[L-1][j]. The full cost over (w, b) is then a
landscape we can draw as contours, and `descend` walks it with either method.
`train_run` trains a whole network with bp_helpers.training.sgd for comparison.
"""

import math
from dataclasses import dataclass

import numpy as np

from bp_helpers.activations import sigmoid, sigmoid_prime
from bp_helpers.network import Network
from bp_helpers.training import sgd
from bp_helpers.validate import as_float, lessons_network, positive, whole_number

# The lesson's network: 8x8 pixels in, 16 hidden sigmoid neurons, 10 digits out.
SIZES = (64, 16, 10)
# A neuron is saturated where sigma'(z) < 1e-4 (|z| > 9.2): it passes almost no gradient.
SATURATED = 1e-4
# The lesson's slice: w = W(2)[3, 4] (hidden neuron 4 to output 3) and b = b(2)[3], drawn
# over WINDOW = (w range, b range), with every descent starting at START = (w, b).
OUTPUT_J, HIDDEN_K = 3, 4
WINDOW = ((-10.0, 10.0), (-8.0, 6.0))
START = (0.0, -4.0)
# A network is "on the plateau" while its cost is above this fraction of the cost of
# giving every example the same output (same_output_cost): it has learned nothing yet.
PLATEAU = 0.95


def head_start(X, y, epochs=2, seed=0):
    """A Network(SIZES, seed=seed) after `epochs` epochs of mini-batch SGD (B = 10, lr = 1).

    Partly trained: good enough that a careless step can make it worse, and
    with hidden neurons that already mean something. Trained in float64 so
    the lesson's numbers do not depend on float32 round-off.
    """
    network = Network(list(SIZES), seed=seed)
    sgd(network, X, y, epochs=epochs, batch_size=10, lr=1.0, seed=seed, dtype=np.float64)
    return network


def saturated_neurons(network, X):
    """How many neurons (hidden and output) are saturated on every example of X.

    Saturated means sigma'(z) < SATURATED: the neuron is stuck fully on or
    off, so (lesson 1) almost no gradient flows through it and its weights
    stop learning. Returns (saturated, neurons), e.g. (16, 26).
    """
    zs = network.forward(X).zs
    stuck = [np.all(network.activation.df(np.atleast_2d(z)) < SATURATED, axis=0) for z in zs]
    return int(sum(np.sum(s) for s in stuck)), sum(network.sizes[1:])


def per_example_gradients(network, X, Y):
    """Backprop on each example of X alone: the per-example gradients dC0_i/dW, dC0_i/db.

    X is (m, n_0), Y labels (m,) or targets (m, n_L). Returns lists
    (dC0_dW, dC0_db) shaped like network.W and network.b with a leading
    example axis: dC0_dW[l-1] has shape (m, n_l, n_{l-1}). One backward pass
    per example, on purpose: their mean is what network.backprop(X, Y) computes
    for the whole batch at once. What example i wishes is the opposite,
    -dC0_i/dW and -dC0_i/db.
    """
    X, Y = network.as_batch(X, Y)
    gradients = [network.backprop(x, y) for x, y in zip(X, Y, strict=True)]
    dC0_dW = [np.stack([dW[l] for dW, _ in gradients]) for l in range(len(network.W))]
    dC0_db = [np.stack([db[l] for _, db in gradients]) for l in range(len(network.b))]
    return dC0_dW, dC0_db


def gradient_step(network, X, Y, lr):
    """A copy of `network` after one gradient-descent step on the cost of X, Y.

    w <- w - lr dC/dw and b <- b - lr dC/db for every weight and bias, with
    the gradient of the batch-averaged cost from network.backprop. The network
    passed in is left as it was.
    """
    lr = positive("lr", lr)
    dC_dW, dC_db = network.backprop(X, Y)
    stepped = network.copy()
    for W, b, dW, db in zip(stepped.W, stepped.b, dC_dW, dC_db, strict=True):
        W -= lr * dW
        b -= lr * db
    return stepped


@dataclass(frozen=True, eq=False)
class GradientVector:
    """The gradient of the cost as one vector: every partial derivative of a network's cost.

    values (P,) holds dC/dW(1), dC/db(1), dC/dW(2), ... flattened in that
    order (P = 1210 for the lesson's 64-16-10 network), names (P,) says
    which parameter each entry belongs to: "w(l)[j, k]" for W[l-1][j, k],
    "b(l)[j]" for b[l-1][j]. parameter_vector lists the parameters in the
    same order, so a step is parameters - lr * values.
    """

    values: np.ndarray
    names: tuple

    def largest(self, count=5):
        """The `count` entries of largest size |dC/d(param)|, largest first: (name, value) pairs.

        A small change of size h in one parameter changes C by about
        h |dC/d(param)|, so these are the changes that buy the most cost
        reduction per unit of change.
        """
        count = whole_number("count", count, least=1)
        order = np.argsort(-np.abs(self.values), kind="stable")[:count]
        return [(self.names[i], float(self.values[i])) for i in order]


def gradient_vector(network, X, Y):
    """nabla C for the cost of X, Y (batch-averaged), as a GradientVector."""
    dC_dW, dC_db = network.backprop(X, Y)
    values = np.concatenate([g.ravel() for pair in zip(dC_dW, dC_db, strict=True)
                             for g in pair])
    names = []
    for l, (W, b) in enumerate(zip(network.W, network.b, strict=True), start=1):
        names += [f"w({l})[{j}, {k}]" for j in range(W.shape[0]) for k in range(W.shape[1])]
        names += [f"b({l})[{j}]" for j in range(len(b))]
    return GradientVector(values=_read_only(values), names=tuple(names))


def parameter_vector(network):
    """Every weight and bias of `network` in one vector (P,), in GradientVector's order."""
    return np.concatenate([p.ravel() for pair in zip(network.W, network.b, strict=True)
                           for p in pair])


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
        arrays = [_read_only(v) for v in (a_k, rest, Y[:, j].copy())]
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
        """Contour data: w (num,), b (num,) and C (num, num), where C[i, j] = C(w[j], b[i])."""
        w = np.linspace(*_range("w_range", w_range), whole_number("num", num, least=2))
        b = np.linspace(*_range("b_range", b_range), num)
        return w, b, self.cost(w[None, :], b[:, None])


class _Descent:
    """What DescentPath and TrainingRun share: batch_size, n examples and a cost record."""

    @property
    def full_batch(self):
        """True for full-batch gradient descent: every step reads all n examples."""
        return self.batch_size >= self.n

    @property
    def final_cost(self):
        return float(self.cost[-1])


@dataclass(frozen=True, eq=False)
class DescentPath(_Descent):
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


def descend(cost_slice, start, lr, batch_size, epochs, seed=0, max_points=400):
    """Walk `cost_slice` downhill from start = (w, b) for `epochs` passes over its examples.

    Each epoch shuffles the examples (from `seed`) and cuts them into batches of
    batch_size (the last may be smaller); each batch gives one step
    (w, b) <- (w, b) - lr (dC/dw, dC/db) with the gradient averaged over that
    batch. batch_size = cost_slice.n is full-batch gradient descent: one exact
    step per epoch. Returns a DescentPath.
    """
    n = cost_slice.n
    w, b = (as_float(name, value) for name, value in zip("wb", _pair("start", start, "(w, b)"),
                                                          strict=True))
    lr = positive("lr", lr)
    batch_size = whole_number("batch_size", batch_size, least=1)
    if batch_size > n:
        raise ValueError(f"batch_size can be at most the {n} examples, got {batch_size}")
    epochs = whole_number("epochs", epochs, least=1)
    max_points = whole_number("max_points", max_points, least=2)
    rng = np.random.default_rng(seed)
    per_epoch = math.ceil(n / batch_size)
    ws, bs = [w], [b]
    a_k, rest, y_j = cost_slice.a_k, cost_slice.rest, cost_slice.y_j
    for _ in range(epochs):
        order = rng.permutation(n) if batch_size < n else np.arange(n)
        columns = [a_k[order].tolist(), rest[order].tolist(), y_j[order].tolist()]
        for first in range(0, n, batch_size):
            batch = [column[first:first + batch_size] for column in columns]
            dC_dw, dC_db = _batch_gradient(w, b, *batch)
            w, b = w - lr * dC_dw, b - lr * dC_db
            ws.append(w)
            bs.append(b)
    ws, bs = np.array(ws), np.array(bs)
    step = len(ws) - 1
    batch = np.full(per_epoch, batch_size)
    batch[-1] = n - batch_size * (per_epoch - 1)
    examples = np.concatenate([[0], np.cumsum(np.tile(batch, epochs))])
    recorded = np.unique(np.linspace(0, step, min(max_points, step + 1)).round().astype(int))
    return DescentPath(
        lr=lr, batch_size=batch_size, epochs=epochs, n=n,
        w=_read_only(ws), b=_read_only(bs), examples=_read_only(examples),
        recorded=_read_only(recorded), cost=_read_only(cost_slice.cost(ws[recorded],
                                                                       bs[recorded])),
    )


@dataclass(frozen=True)
class UndoneEpoch:
    """The epoch training.sgd undid when it stopped a run, and what it had done.

    sgd throws that epoch's weights away and keeps the ones from before it,
    so a run's readouts describe the kept weights; train_run replays the
    undone epoch (same order of examples, same steps) to say what went
    wrong: epoch is its number, cost the full training cost after it (nan if
    the weights overflowed), saturated how many neurons it left saturated on
    every training example (see saturated_neurons; None if they overflowed).
    """

    epoch: int
    cost: float
    saturated: int | None


@dataclass(frozen=True, eq=False)
class TrainingRun(_Descent):
    """One training of a whole network by training.sgd, ready to plot several ways.

    Arrays have one entry per record (epoch 0 = before training, then one per
    epoch that ran): epochs, steps (ceil(n/B) per epoch), examples (n per
    epoch), seconds (cumulative time of the steps; it varies from run to run),
    cost (full training cost) and test_accuracy. stopped is History.stopped:
    None, or the sentence saying why training stopped early; undone is then
    the UndoneEpoch it threw away (else None). saturated of neurons are
    saturated after training (see saturated_neurons), with the kept weights.
    plateau_cost is the cost of giving every training example the same
    output (see same_output_cost).
    """

    batch_size: int
    lr: float
    n: int
    epochs: np.ndarray
    steps: np.ndarray
    examples: np.ndarray
    seconds: np.ndarray
    cost: np.ndarray
    test_accuracy: np.ndarray
    stopped: str | None
    undone: UndoneEpoch | None
    saturated: int
    neurons: int
    plateau_cost: float

    @property
    def epochs_kept(self):
        """The epochs whose weights the network kept: all of them unless sgd stopped it."""
        return int(self.epochs[-1])

    @property
    def on_plateau(self):
        """True if the final cost is still within PLATEAU of the same-output cost."""
        return self.final_cost > PLATEAU * self.plateau_cost


def same_output_cost(y, n_outputs=10):
    """The lowest quadratic cost of a network that gives every example the same output.

    That output is the average target (each digit's frequency); its cost is
    the sum over output neurons of the targets' variance, sum_j p_j (1 - p_j),
    about 0.9 for ten equally common digits. An untrained sigmoid network
    slides down to it first: every output says "about 0.1" to every digit.
    y are labels (n,).
    """
    y = np.asarray(y)
    p = np.bincount(y, minlength=n_outputs) / len(y)
    return float(np.sum(p * (1 - p)))


def train_run(X, y, batch_size, lr, epochs, X_test=None, y_test=None, sizes=SIZES, seed=0):
    """Train a fresh Network(sizes, seed=seed) with training.sgd; return a TrainingRun.

    X (n, n_0), y labels (n,). Every run with the same arguments starts from
    the same weights and visits the examples in the same order.
    """
    network = Network(list(sizes), seed=seed)
    history = sgd(network, X, y, epochs=epochs, batch_size=batch_size, lr=lr, seed=seed,
                  X_test=X_test, y_test=y_test, dtype=np.float64)
    n = len(X)
    saturated, neurons = saturated_neurons(network, X)
    epochs_done = np.array(history.epochs)
    undone = None
    if history.stopped:
        undone = replay_epoch(network, X, y, int(epochs_done[-1]) + 1, batch_size, lr, seed)
    accuracy = [np.nan if a is None else a for a in history.test_accuracies]
    return TrainingRun(
        batch_size=batch_size, lr=float(lr), n=n, epochs=_read_only(epochs_done),
        steps=_read_only(epochs_done * math.ceil(n / batch_size)),
        examples=_read_only(epochs_done * n),
        seconds=_read_only(np.cumsum([r.seconds for r in history.records])),
        cost=_read_only(np.array(history.costs)),
        test_accuracy=_read_only(np.array(accuracy, dtype=float)),
        stopped=history.stopped, undone=undone, saturated=saturated, neurons=neurons,
        plateau_cost=same_output_cost(y, network.sizes[-1]),
    )


def replay_epoch(network, X, y, epoch, batch_size, lr, seed=0):
    """Epoch number `epoch` of training.sgd(..., seed=seed), replayed on a copy of `network`.

    sgd draws a new order of the examples from seed for every epoch; this
    draws the same ones, takes the epoch's, and makes the same steps
    w <- w - lr dC/dw (network.backprop on each batch, in float64), leaving
    `network` as it was. Returns an UndoneEpoch: what the epoch did.
    """
    epoch = whole_number("epoch", epoch, least=1)
    rng = np.random.default_rng(seed)
    for _ in range(epoch):
        order = rng.permutation(len(X))
    stepped = network.copy()
    with np.errstate(all="ignore"):  # a wild epoch may overflow; it is reported, not raised
        for first in range(0, len(X), batch_size):
            rows = order[first:first + batch_size]
            dC_dW, dC_db = stepped.backprop(X[rows], y[rows])
            for W, b, dW, db in zip(stepped.W, stepped.b, dC_dW, dC_db, strict=True):
                W -= lr * dW
                b -= lr * db
        finite = all(np.all(np.isfinite(p)) for p in stepped.W + stepped.b)
        cost = stepped.cost(X, y) if finite else math.nan
        saturated = saturated_neurons(stepped, X)[0] if finite else None
    return UndoneEpoch(epoch=epoch, cost=float(cost), saturated=saturated)


def _batch_gradient(w, b, a_k, rest, y_j):
    """CostSlice.gradient on plain lists of floats: for a few examples, ten times faster.

    numpy spends about a microsecond per call however small the array, and a
    step does a dozen; a loop over 10 floats costs less. sigma is computed
    from e = exp(-|z|) <= 1, as in bp_helpers.activations, so it never overflows.
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


def _read_only(array):
    array = np.asarray(array)
    array.flags.writeable = False
    return array


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


__all__ = [
    "HIDDEN_K",
    "OUTPUT_J",
    "PLATEAU",
    "SATURATED",
    "SIZES",
    "START",
    "WINDOW",
    "CostSlice",
    "DescentPath",
    "GradientVector",
    "TrainingRun",
    "UndoneEpoch",
    "descend",
    "gradient_step",
    "gradient_vector",
    "head_start",
    "parameter_vector",
    "per_example_gradients",
    "replay_epoch",
    "same_output_cost",
    "saturated_neurons",
    "train_run",
]
