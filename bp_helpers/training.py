"""Mini-batch stochastic gradient descent, a divergence guard, and saved weights.

Every epoch `sgd` shuffles the examples (from its seed), cuts them into
mini-batches and, for each batch, moves every weight and bias downhill:
w <- w - lr dC/dw, with dC/dw from backprop on that batch alone.

At batch size 10, one epoch of MNIST is 6,000 such steps, so the step runs
on arrays that were checked once, in preallocated buffers updated in place,
in float32 by default (like most deep-learning libraries), with BLAS on one
thread when the matrices are too small for two to pay off. It computes the
same equations as `Network.backward`; the tests check that they agree. The
cost after each epoch is computed over the whole training set in blocks of
rows, with the same rule for BLAS threads.

Weights, and optionally the History that made them, are saved as .npz
archives of plain arrays and strings (no pickle), written to a temporary file
first so that a failed save never destroys the previous file.
"""

import contextlib
import functools
import itertools
import os
import re
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from bp_helpers.activations import ACTIVATIONS
from bp_helpers.costs import cross_entropy_from_logits, quadratic
from bp_helpers.network import Network
from bp_helpers.validate import as_float

try:
    from threadpoolctl import ThreadpoolController
except ImportError:  # optional: without it BLAS keeps its own thread count
    ThreadpoolController = None

# Above this many multiply-adds per matrix product a second BLAS thread pays off.
ONE_THREAD_BELOW = 10_000_000
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
# The cost "explodes" when it grows past this multiple of its value before training
# (or of the cost of giving every example the same output, if that is higher).
EXPLOSION = 2.0
# Activations that differ by less than this between any two examples are "the same",
# and sigma'(z) below it passes on (almost) no gradient. Dead networks measured below
# 1e-4; healthy ones above 1e-2, even on the plateau where every output is near its
# average target, and so did networks that found nothing to learn (random labels).
SAME_OUTPUT = 1e-3
FORMAT = "bp_helpers.network/1"


@dataclass(frozen=True)
class EpochRecord:
    """One row of a training history: the state after `epoch` epochs (0 = before training).

    cost is the batch-averaged cost on the whole training set, test_accuracy
    the fraction of the test set classified correctly (None without one),
    seconds the time the epoch's steps took.
    """

    epoch: int
    cost: float
    test_accuracy: float | None
    seconds: float


@dataclass
class History:
    """What `sgd` did: one EpochRecord per epoch, starting with epoch 0.

    stopped is None when every epoch ran, else a sentence saying why training
    stopped early (the network then holds the last good weights).
    blas_threads is how many BLAS threads sgd's steps used: 1 for small
    matrices, where a second thread costs more than it saves (None: unknown).
    """

    records: list = field(default_factory=list)
    stopped: str | None = None
    blas_threads: int | None = None

    @property
    def epochs(self):
        return [r.epoch for r in self.records]

    @property
    def costs(self):
        return [r.cost for r in self.records]

    @property
    def test_accuracies(self):
        return [r.test_accuracy for r in self.records]


class Saved(NamedTuple):
    """What load_saved reads: the network, its History (None if none was saved), the note."""

    network: Network
    history: History | None
    note: str | None


def sgd(network, X, Y, epochs, batch_size, lr, seed=0, X_test=None, y_test=None,
        callback=None, dtype=np.float32, backprop=None):
    """Train `network` in place by mini-batch SGD; return a History.

    X (m, n_0) and Y (labels (m,) or targets (m, n_L)) are checked once.
    Each epoch visits the examples in a new order drawn from `seed`, so the
    same seed gives the same weights bit for bit. After epoch 0 (before
    training) and after every epoch, `callback(record)` receives the
    EpochRecord, e.g. for a progress bar or a live plot; the network then
    holds that epoch's weights. With X_test and y_test (labels) each record
    has the test accuracy.

    Divergence guard: after each epoch, training stops if
    - the cost or a weight is nan or infinite;
    - the cost is more than twice what it was before training, and more than
      twice the lowest cost a network can get by giving every example the
      same output (so that continuing to train a good network tolerates the
      usual ups and downs of SGD);
    - the network gives (almost) the same output for every training example,
      when it did not before, and no gradient can change that: its output
      neurons saturated (sigma'(z) ~ 0), or a hidden layer went blank, every
      neuron stuck at one value (a ReLU at 0). A too-large step kills a
      sigmoid network this way: its cost cannot explode, C0 <= n_L.
    The network then keeps the weights of the last good epoch, and
    history.stopped says what happened and suggests a smaller lr.
    (Interrupting the kernel likewise leaves the weights of the last finished
    epoch.) Training runs in `dtype`, float32 or float64; the costs in the
    records are computed in it too.

    backprop: None (default) steps with the built-in engine described above;
    a function (network, X, Y) -> (dC_dW, dC_db), such as Network.backprop or
    a learner's own, makes every step call it on the batch (X (m, n_0) and
    one-hot or target rows Y (m, n_L), in `dtype`) and move a float64 copy
    of the weights by -lr times what it returns. Same batches in the same
    order: only the arithmetic (and the speed) differs.
    """
    epochs = _positive_int("epochs", epochs)
    batch_size = _positive_int("batch_size", batch_size)
    lr = as_float("lr", lr)
    if lr <= 0:
        raise ValueError(f"the learning rate lr must be positive, got {lr}")
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {np.dtype(dtype)}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function of one record, got {callback!r}")
    if backprop is not None and not callable(backprop):
        raise TypeError(
            f"backprop must be a function (network, X, Y) -> (dC_dW, dC_db), got {backprop!r}"
        )
    _check_weights_finite(network, dtype)
    for name, values in (("X", X), ("Y", Y), ("X_test", X_test)):
        _check_fits(name, values, dtype)
    X, Y = network.as_batch(X, Y, dtype=dtype)
    test = _test_set(network, X_test, y_test, dtype)

    trainer = _Trainer(network, dtype)
    stepped = None if backprop is None else network.copy()  # the weights backprop moves
    rng = np.random.default_rng(seed)
    controller = _blas_controller()
    threads = _threads(_largest_product(network.sizes, batch_size))
    evaluation_threads = _threads(trainer.largest_evaluation_product())
    history = History(blas_threads=_threads_used(controller, threads))
    with _blas_limit(controller, evaluation_threads):
        start = last = trainer.evaluate(X, Y)
        if not np.isfinite(start.cost):
            raise ValueError(
                f"the cost before any training is {start.cost}: computed in {np.dtype(dtype)}, "
                f"the sums z = W a + b overflow (the largest input is "
                f"{float(np.max(np.abs(X))):.3g} in size, the largest weight "
                f"{max(float(np.max(np.abs(Wb))) for Wb in trainer.Wb):.3g}); scale the inputs "
                f"to about [0, 1], as MNIST's pixels are, or train with dtype=np.float64"
            )
        record = _record(trainer, 0, last, test, seconds=0.0)
    ceiling = EXPLOSION * max(start.cost, _same_output_cost(Y, network.cost_name))
    _append(history, record, callback)
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(X))
        started = time.perf_counter()
        with _blas_limit(controller, threads):
            if stepped is None:
                trainer.epoch(X, Y, order, batch_size, lr)
            else:
                _epoch_with(backprop, stepped, X, Y, order, batch_size, lr)
                trainer.load(stepped)
        seconds = time.perf_counter() - started
        with _blas_limit(controller, evaluation_threads):
            now = trainer.evaluate(X, Y)
            problem = _divergence(start.cost, ceiling, last, now, trainer, X)
            record = None if problem else _record(trainer, epoch, now, test, seconds)
        if problem:
            history.stopped = _stopped_message(epoch, epochs, problem, lr)
            break
        if stepped is None:
            trainer.store(network)
        else:
            _copy_weights(stepped, network)
        _append(history, record, callback)
        last = now
    return history


def save_weights(network, path, history=None, note=None):
    """Save network's sizes, activation, cost, W and b to `path` as .npz, without pickle.

    With a History, its records, stopped and blas_threads are saved too, and
    `note` is a line of text kept with them (e.g. how the network was
    trained). The archive is written to a temporary file in the same
    directory and then renamed over `path`, so an interrupted save leaves any
    previous file intact.
    """
    path = os.fspath(path)
    name = network.activation.name
    if ACTIVATIONS.get(name) is not network.activation:
        raise ValueError(
            f"save_weights stores the activation by name, so it must be one of "
            f"{', '.join(ACTIVATIONS)}; got a custom activation called {name!r}"
        )
    if history is not None and not isinstance(history, History):
        raise TypeError(f"history must be a History from sgd, got {type(history).__name__}")
    arrays = {
        "format": np.array(FORMAT),
        "sizes": np.array(network.sizes, dtype=np.int64),
        "activation": np.array(name),
        "cost": np.array(network.cost_name),
    }
    for i, (w, b) in enumerate(zip(network.W, network.b, strict=True)):
        arrays[f"W{i}"], arrays[f"b{i}"] = np.asarray(w, float), np.asarray(b, float)
    if history is not None:
        arrays |= _history_arrays(history)
    if note is not None:
        arrays["note"] = np.array(str(note))
    temporary = f"{path}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        with open(temporary, "xb") as file:
            np.savez(file, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def load_weights(path):
    """The Network saved at `path` by save_weights.

    Raises FileNotFoundError if there is no file, and ValueError naming the
    path and the problem if it is truncated, corrupted or something else.
    """
    return load_saved(path).network


def load_saved(path):
    """Everything save_weights stored at `path`, as Saved(network, history, note).

    history and note are None when the file has none. Raises like load_weights.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no weights file at {path!r}")
    problem = f"{path!r} is not a weights file saved by save_weights"
    with open(path, "rb") as file:  # ours to close, even when np.load fails
        if file.read(4) != b"PK\x03\x04":  # how every .npz (zip) archive starts
            raise ValueError(f"{problem}: it is not an .npz archive")
        file.seek(0)
        try:
            with np.load(file, allow_pickle=False) as archive:
                fields = {name: archive[name] for name in archive.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
            raise ValueError(f"{path!r} is damaged (truncated or corrupted): {error}") from None
    if str(fields.get("format", "")) != FORMAT:
        raise ValueError(f"{problem}: its entries are {sorted(fields)}")
    try:
        sizes = [int(n) for n in fields["sizes"]]
        W, b = _layers(fields, sizes)
        network = Network.from_weights(W, b, str(fields["activation"]), str(fields["cost"]))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path!r} holds inconsistent weights: {error}") from None
    if network.sizes != sizes:
        raise ValueError(
            f"{path!r} holds inconsistent weights: mismatched layer sizes, the file says "
            f"{sizes} but its weights have sizes {network.sizes}"
        )
    try:
        history = _history_from(fields)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path!r} holds an inconsistent training history: {error}") from None
    note = str(fields["note"]) if "note" in fields else None
    return Saved(network, history, note)


def _layers(fields, sizes):
    """An archive's arrays W0, W1, ... and b0, b1, ...: one of each per layer after the
    inputs in `sizes`, holding real numbers."""
    n_layers = len(sizes) - 1
    stored = sorted(name for name in fields if re.fullmatch(r"[Wb]\d+", name))
    expected = sorted([f"W{i}" for i in range(n_layers)] + [f"b{i}" for i in range(n_layers)])
    if stored != expected:
        raise ValueError(
            f"its sizes {sizes} need the arrays {', '.join(expected) or 'W0, b0'}, but it "
            f"holds {', '.join(stored) or 'none'}"
        )
    for name in stored:
        if fields[name].dtype.kind not in "fiu":
            raise ValueError(
                f"{name} must hold real numbers, got values of type {fields[name].dtype}"
            )
    return [fields[f"W{i}"] for i in range(n_layers)], [fields[f"b{i}"] for i in range(n_layers)]


class _Evaluation(NamedTuple):
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


class _Trainer:
    """The weights during sgd, stepped in place on preallocated buffers.

    These are Network.backward's equations with three changes for speed.
    Inside, examples are columns (as in Nielsen's network.py), so z = W a + b
    reads as in the lessons and every buffer is contiguous. Each layer keeps
    [W | b] as one (n_l, n_{l-1} + 1) matrix and each a(l) gets a last row of
    ones: the bias is a weight from an always-on neuron, so z = [W | b] [a; 1]
    is one product and updating W and b one subtraction. And lr/m (with the
    2 of 2(a - y)) is folded into delta(L), so the backward pass yields
    lr * dC/d[W | b] directly.
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
        self.sigma, self.sigma_prime = _kernels(network.activation)
        self.softmax = network.cost_name == "cross_entropy"
        self.sigmas = [self.sigma] * (len(self.Wb) - 1)
        self.sigmas.append(_softmax if self.softmax else self.sigma)
        self.plans = {}

    def epoch(self, X, Y, order, batch_size, lr):
        """One pass over X (m, n_0) and Y (m, n_L) in `order`, one step per batch.

        The rows of many batches are gathered at once, into a buffer that is
        reused (np.take into it is about twice as fast as X[order] into a
        new array every time), then copied beside the column of ones.
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
        np.subtract(a, y.T, delta)  # a - y: delta(L) for cross-entropy
        if self.softmax:
            delta *= lr / m
        else:
            self.sigma_prime(z, a, slope)
            delta *= slope
            delta *= 2 * lr / m
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
        return max(first, _largest_product(self.sizes[1:], EVALUATION_ROWS))

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
                if self.softmax:
                    C0 = cross_entropy_from_logits(z, Y[block])
                else:
                    C0 = quadratic(activations[-1], Y[block])
                total += float(np.sum(C0))
                spread.add(activations[-1])
            return _Evaluation(total / len(X), spread.value())  # inf - inf: nan, quietly

    def cannot_learn(self, X):
        """Whether no gradient can flow back from the outputs on any example of X.

        True if every output neuron is saturated on every example, sigma'(z(L))
        < SAME_OUTPUT (softmax cannot saturate: its output error a - y never
        vanishes), or if a hidden layer went blank: each of its neurons takes
        the same value on every example (a ReLU stuck at 0, a sigmoid at 0 or 1).
        """
        hidden = [_Spread() for _ in self.Wb[:-1]]
        slope = np.inf if self.softmax else -np.inf
        with np.errstate(all="ignore"):
            for _, z, activations in self.forward(X):
                if not self.softmax:
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


def _epoch_with(backprop, network, X, Y, order, batch_size, lr):
    """One pass over X and Y in `order`: w <- w - lr dC/dw per batch, dC/dw from backprop."""
    with np.errstate(all="ignore"):  # nan and inf are caught after the epoch
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            dC_dW, dC_db = _gradients(backprop(network, X[batch], Y[batch]), network)
            for w, b, g_w, g_b in zip(network.W, network.b, dC_dW, dC_db, strict=True):
                w -= lr * g_w
                b -= lr * g_b


def _gradients(result, network):
    """backprop's result as (dC_dW, dC_db), raising unless they are shaped like W and b."""
    try:
        dC_dW, dC_db = result
        dC_dW, dC_db = list(dC_dW), list(dC_db)
    except (TypeError, ValueError):
        raise TypeError(
            f"backprop must return (dC_dW, dC_db), two lists with one array per layer, "
            f"got {type(result).__name__}"
        ) from None
    for name, grads, params in (("dC_dW", dC_dW, network.W), ("dC_db", dC_db, network.b)):
        shapes = [np.shape(g) for g in grads]
        expected = [p.shape for p in params]
        if shapes != expected:
            raise ValueError(f"backprop's {name} must have the shapes {expected}, got {shapes}")
    return dC_dW, dC_db


def _copy_weights(source, target):
    """Copy source's W and b into target's arrays."""
    for w, b, w_source, b_source in zip(target.W, target.b, source.W, source.b, strict=True):
        w[...] = w_source
        b[...] = b_source


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


# In-place activations: sigma(z, out) and sigma_prime(z, a, out), with a = sigma(z).
# The output array is passed by position where numpy allows it (not to maximum):
# that saves a little on each of the thousands of calls per epoch.
def _sigmoid(z, out):
    np.negative(z, out)
    np.exp(out, out)  # may overflow to inf, which correctly gives sigma = 0
    out += 1
    np.reciprocal(out, out)


def _sigmoid_prime(z, a, out):
    np.subtract(1, a, out)
    out *= a


def _tanh(z, out):
    np.tanh(z, out)


def _tanh_prime(z, a, out):
    np.multiply(a, a, out)
    np.subtract(1, out, out)


def _relu(z, out):
    np.maximum(z, 0, out=out)


def _relu_prime(z, a, out):
    np.greater(z, 0, out)


def _softmax(z, out):  # over each column: examples are columns inside the trainer
    np.subtract(z, z.max(axis=0), out)
    np.exp(out, out)
    out /= out.sum(axis=0)


_KERNELS = {
    "sigmoid": (_sigmoid, _sigmoid_prime),
    "relu": (_relu, _relu_prime),
    "tanh": (_tanh, _tanh_prime),
}


def _kernels(activation):
    """In-place versions of a built-in activation; a custom one is wrapped as it is."""
    if ACTIVATIONS.get(activation.name) is activation:
        return _KERNELS[activation.name]
    return (
        lambda z, out: np.copyto(out, activation.f(z)),
        lambda z, a, out: np.copyto(out, activation.df(z)),
    )


def _record(trainer, epoch, evaluation, test, seconds):
    accuracy = trainer.accuracy(*test) if test else None
    return EpochRecord(epoch, evaluation.cost, accuracy, seconds)


def _append(history, record, callback):
    history.records.append(record)
    if callback is not None:
        callback(record)


def _same_output_cost(Y, cost_name):
    """The lowest cost of a network that gives every example of Y (m, n_L) the same output.

    That output is the average target; its cost is the targets' total
    variance for the quadratic cost, their entropy for cross-entropy: for
    ten equally common digits 0.9 and log(10) = 2.3.
    """
    targets = np.ascontiguousarray(np.asarray(Y).T, dtype=float)  # a row per output neuron
    if cost_name == "cross_entropy":
        p = targets.mean(axis=1)
        p = p[p > 0]
        return float(-np.sum(p * np.log(p)))
    return float(np.sum(targets.var(axis=1)))


def _divergence(start_cost, ceiling, last, now, trainer, X):
    """What went wrong in the epoch that led from `last` to `now`, or None.

    last and now are _Evaluations of the training set X, after the last good
    epoch and after this one; the cost must stay at or below `ceiling`,
    EXPLOSION times the higher of start_cost (before training) and the cost
    of giving every example the same output.
    """
    if not np.isfinite(now.cost):
        return f"the cost became {now.cost}: gradient descent diverged"
    if not trainer.finite():
        return "a weight became nan or infinite: gradient descent diverged"
    if now.cost > ceiling:
        reference = (
            f"its value before training, {start_cost:.3g}"
            if ceiling == EXPLOSION * start_cost else
            f"{ceiling / EXPLOSION:.3g}, the cost of giving every example the same output"
        )
        return (
            f"the cost exploded to {now.cost:.3g}, more than {EXPLOSION:g} times {reference}: "
            f"the steps overshoot"
        )
    if now.spread < SAME_OUTPUT <= last.spread and trainer.cannot_learn(X):
        return (
            "the network now gives almost the same output for every training example, and "
            "its neurons saturated (a sigmoid stuck at 0 or 1, a ReLU at 0), so no gradient "
            "flows back through them: it cannot learn any more"
        )
    return None


def _stopped_message(epoch, epochs, problem, lr):
    kept = f"after epoch {epoch - 1}" if epoch > 1 else "before training"
    return (
        f"Training stopped in epoch {epoch} of {epochs}: {problem}. The learning rate "
        f"lr={lr:g} is probably too large: try a smaller one, such as lr={lr / 10:g}. "
        f"The network keeps the weights it had {kept}."
    )


# A History in an archive: one array per EpochRecord field, then stopped and blas_threads.
# A missing test accuracy is stored as nan, an unknown thread count as 0.
_HISTORY_FIELDS = ("epoch", "cost", "test_accuracy", "seconds")


def _history_arrays(history):
    records = history.records
    return {
        "history_epoch": np.array([r.epoch for r in records], dtype=np.int64),
        "history_cost": np.array([r.cost for r in records], dtype=float),
        "history_test_accuracy": np.array(
            [np.nan if r.test_accuracy is None else r.test_accuracy for r in records],
            dtype=float,
        ),
        "history_seconds": np.array([r.seconds for r in records], dtype=float),
        "history_stopped": np.array(history.stopped or ""),
        "history_blas_threads": np.array(history.blas_threads or 0, dtype=np.int64),
    }


def _history_from(fields):
    """The History stored in an archive's fields, or None if it has none."""
    if not any(name.startswith("history_") for name in fields):
        return None
    columns = [fields[f"history_{name}"] for name in _HISTORY_FIELDS]
    if any(c.ndim != 1 or len(c) != len(columns[0]) for c in columns):
        raise ValueError(
            f"its columns {', '.join(_HISTORY_FIELDS)} must be 1-D and equally long, got shapes "
            f"{', '.join(str(c.shape) for c in columns)}"
        )
    epochs, costs, accuracies, seconds = columns
    if any(c.dtype.kind not in "fiu" for c in columns):
        types = ", ".join(str(c.dtype) for c in columns)
        raise ValueError(f"its columns must hold real numbers, got types {types}")
    if not np.array_equal(epochs, np.arange(len(epochs))):
        raise ValueError(f"its epochs must count 0, 1, 2, ..., got {epochs.tolist()}")
    at_least_0 = "a finite number, 0 or more"
    problems = (
        ("cost", costs, ~(np.isfinite(costs) & (costs >= 0)), at_least_0),
        ("test accuracy", accuracies, (accuracies < 0) | (accuracies > 1), "between 0 and 1"),
        ("seconds", seconds, ~(np.isfinite(seconds) & (seconds >= 0)), at_least_0),
    )
    for name, column, bad, expected in problems:
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"the {name} of epoch {i} must be {expected}, got {column[i]}")
    records = [
        EpochRecord(int(epoch), float(cost), None if np.isnan(accuracy) else float(accuracy),
                    float(second))
        for epoch, cost, accuracy, second in zip(*columns, strict=True)
    ]
    stopped = str(fields["history_stopped"]) or None
    threads = int(fields["history_blas_threads"]) or None
    return History(records, stopped, threads)


def _test_set(network, X_test, y_test, dtype):
    """(X_test, labels) checked, or None; both or neither must be given."""
    if (X_test is None) != (y_test is None):
        raise ValueError("give both X_test and y_test, or neither")
    if X_test is None:
        return None
    X_test, _ = network.as_batch(X_test, dtype=dtype)
    return X_test, network.as_labels(y_test, len(X_test))


def _check_fits(name, X, dtype, advice="scale the inputs to about [0, 1], as MNIST's pixels are"):
    """Raise if numbers in X are too large for `dtype`, the precision training computes in.

    They pass the check for finite float64 values, but 1e39, say, is inf in
    float32. Only floats wider than dtype can be too large; for those the
    largest and smallest value are read, without a copy. Anything else is left
    to Network.as_batch, which names the problem.
    """
    if X is None or isinstance(X, (str, bytes)):
        return
    try:
        array = np.asarray(X)
    except (TypeError, ValueError):
        return
    if array.dtype.kind != "f" or array.itemsize <= np.dtype(dtype).itemsize or not array.size:
        return
    largest = float(np.finfo(dtype).max)
    with np.errstate(invalid="ignore"):
        size = max(float(np.max(array)), -float(np.min(array)))
    if np.isfinite(size) and size > largest:
        index = np.unravel_index(np.argmax(np.abs(array) > largest), array.shape)
        raise ValueError(
            f"{name} must fit in {np.dtype(dtype)}, the precision training computes in "
            f"(numbers up to {largest:.3g} in size), got {array[index]:.3g} at index "
            f"{tuple(int(i) for i in index)}; {advice}, or train with dtype=np.float64"
        )


def _check_weights_finite(network, dtype):
    """Raise unless every weight and bias is finite, and fits in `dtype` (see _check_fits)."""
    for name, params in (("W", network.W), ("b", network.b)):
        for i, p in enumerate(params):
            if not np.isfinite(p).all():
                raise ValueError(f"the network's {name}[{i}] must be finite before training")
            _check_fits(f"the network's {name}[{i}]", p, dtype, "use smaller weights")


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


def _largest_product(sizes, batch_size):
    """Multiply-adds of the largest matrix product in one step (0 for a single layer size)."""
    pairs = itertools.pairwise(sizes)
    return batch_size * max((n * (n_prev + 1) for n_prev, n in pairs), default=0)


def _threads(largest_product):
    """1 BLAS thread for products too small for a second to pay off, else None (BLAS's own)."""
    return 1 if largest_product < ONE_THREAD_BELOW else None


@functools.cache
def _blas_controller():
    """A ThreadpoolController for numpy's BLAS (None without threadpoolctl).

    Made once: finding the loaded libraries takes milliseconds once scikit-learn
    is imported, and numpy's BLAS, the one sgd uses, was loaded before this module.
    """
    return ThreadpoolController() if ThreadpoolController else None


def _blas_limit(controller, threads):
    """A context running BLAS on `threads` threads (None: as it is).

    It limits BLAS as soon as it is made, and only once: make a new one for
    every `with`.
    """
    if controller is None or threads is None:
        return contextlib.nullcontext()
    return controller.limit(limits=threads, user_api="blas")


def _threads_used(controller, threads):
    """The number of BLAS threads the steps will use (None: unknown)."""
    if controller is None or threads is not None:
        return threads
    info = controller.select(user_api="blas").info()
    return max((lib["num_threads"] for lib in info), default=None)


__all__ = ["EpochRecord", "History", "Saved", "load_saved", "load_weights", "save_weights", "sgd"]
