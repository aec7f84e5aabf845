"""Mini-batch stochastic gradient descent, a divergence guard, and saved weights.

Every epoch `sgd` shuffles the examples (from its seed), cuts them into
mini-batches and, for each batch, moves every weight and bias downhill:
w <- w - lr dC/dw, with dC/dw from backprop on that batch alone.

At batch size 10, one epoch of MNIST is 6,000 such steps, so the step runs
on arrays that were checked once, in preallocated buffers updated in place,
in float32 by default (like most deep-learning libraries), with BLAS on one
thread when the matrices are too small for two to pay off. It computes the
same equations as `Network.backward`; the tests check that they agree.

Weights are saved as .npz archives of plain arrays and strings (no pickle),
written to a temporary file first so that a failed save never destroys the
previous file.
"""

import contextlib
import itertools
import os
import time
import uuid
import zipfile
from dataclasses import dataclass, field

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
BLOCK_ROWS = 2048
# The cost "explodes" when it grows past this multiple of its value before training.
EXPLOSION = 1000.0
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
    blas_threads is how many BLAS threads sgd used: 1 for small matrices,
    where a second thread costs more than it saves (None: unknown).
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


def sgd(network, X, Y, epochs, batch_size, lr, seed=0, X_test=None, y_test=None,
        callback=None, dtype=np.float32):
    """Train `network` in place by mini-batch SGD; return a History.

    X (m, n_0) and Y (labels (m,) or targets (m, n_L)) are checked once.
    Each epoch visits the examples in a new order drawn from `seed`, so the
    same seed gives the same weights bit for bit. After epoch 0 (before
    training) and after every epoch, `callback(record)` receives the
    EpochRecord, e.g. for a progress bar or a live plot; the network then
    holds that epoch's weights. With X_test and y_test (labels) each record
    has the test accuracy.

    Divergence guard: if the cost or a weight becomes nan or inf, or the cost
    grows past 1000 times its starting value, training stops, the network
    keeps the weights of the last good epoch and history.stopped says so,
    suggesting a smaller lr. (Interrupting the kernel likewise leaves the
    weights of the last finished epoch.) Training runs in `dtype`, float32
    or float64; the costs in the records are computed in it too.
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
    _check_weights_finite(network)
    X, Y = network.as_batch(X, Y, dtype=dtype)
    test = _test_set(network, X_test, y_test, dtype)

    trainer = _Trainer(network, dtype)
    rng = np.random.default_rng(seed)
    controller = ThreadpoolController() if ThreadpoolController else None
    threads = 1 if _largest_product(network.sizes, batch_size) < ONE_THREAD_BELOW else None
    history = History(blas_threads=_threads_used(controller, threads))
    with _blas_limit(controller, threads):
        record = _record(trainer, X, Y, test, epoch=0, seconds=0.0)
        start_cost = record.cost
        _append(history, record, callback)
        for epoch in range(1, epochs + 1):
            order = rng.permutation(len(X))
            started = time.perf_counter()
            with np.errstate(all="ignore"):  # nan and inf are caught just below
                trainer.epoch(X, Y, order, batch_size, lr)
                seconds = time.perf_counter() - started
                record = _record(trainer, X, Y, test, epoch, seconds)
            if not (record.cost <= EXPLOSION * start_cost and trainer.finite()):
                history.stopped = _stopped_message(epoch, epochs, record.cost, start_cost, lr)
                break
            trainer.store(network)
            _append(history, record, callback)
    return history


def save_weights(network, path):
    """Save network's sizes, activation, cost, W and b to `path` as .npz, without pickle.

    The archive is written to a temporary file in the same directory and then
    renamed over `path`, so an interrupted save leaves any previous file intact.
    """
    path = os.fspath(path)
    name = network.activation.name
    if ACTIVATIONS.get(name) is not network.activation:
        raise ValueError(
            f"save_weights stores the activation by name, so it must be one of "
            f"{', '.join(ACTIVATIONS)}; got a custom activation called {name!r}"
        )
    arrays = {
        "format": np.array(FORMAT),
        "sizes": np.array(network.sizes, dtype=np.int64),
        "activation": np.array(name),
        "cost": np.array(network.cost_name),
    }
    for i, (w, b) in enumerate(zip(network.W, network.b, strict=True)):
        arrays[f"W{i}"], arrays[f"b{i}"] = np.asarray(w, float), np.asarray(b, float)
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
        W = [fields[f"W{i}"] for i in range(len(sizes) - 1)]
        b = [fields[f"b{i}"] for i in range(len(sizes) - 1)]
        network = Network.from_weights(W, b, str(fields["activation"]), str(fields["cost"]))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path!r} holds inconsistent weights: {error}") from None
    if network.sizes != sizes:
        raise ValueError(
            f"{path!r} holds inconsistent weights: mismatched layer sizes, the file says "
            f"{sizes} but its weights have sizes {network.sizes}"
        )
    return network


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
        self.buffers = {}

    def epoch(self, X, Y, order, batch_size, lr):
        """One pass over X (m, n_0) and Y (m, n_L) in `order`, one step per batch."""
        rows = min(batch_size * max(1, BLOCK_ROWS // batch_size), len(order))
        x_ones = np.ones((rows, X.shape[1] + 1), self.dtype)
        y = np.empty((rows, Y.shape[1]), self.dtype)
        for start in range(0, len(order), rows):  # gather many batches at once
            block = order[start:start + rows]
            x_block, y_block = x_ones[:len(block)], y[:len(block)]
            x_block[:, :-1] = X[block]
            y_block[...] = Y[block]
            for i in range(0, len(block), batch_size):
                self.step(x_block[i:i + batch_size], y_block[i:i + batch_size], lr)

    def step(self, x_ones, y, lr):
        """w <- w - lr dC/dw for one batch: x_ones (m, n_0 + 1), last column 1; y (m, n_L)."""
        m = len(x_ones)
        zs, a_ones, activations, deltas, slopes = self.buffers.get(m) or self._buffers(m)
        a_prev = x_ones.T
        for Wb, z, a, a_one, sigma in zip(self.Wb, zs, activations, a_ones, self.sigmas,
                                          strict=True):
            np.matmul(Wb, a_prev, out=z)  # z = W a_prev + b
            sigma(z, a)
            a_prev = a_one
        delta = deltas[-1]
        np.subtract(activations[-1], y.T, out=delta)  # a - y: delta(L) for cross-entropy
        if self.softmax:
            delta *= lr / m
        else:
            self.sigma_prime(zs[-1], activations[-1], slopes[-1])
            delta *= slopes[-1]
            delta *= 2 * lr / m
        for layer in range(len(self.Wb) - 1, 0, -1):  # deltas[layer] is delta(layer + 1)
            below = deltas[layer - 1]
            np.matmul(deltas[layer], a_ones[layer - 1].T, out=self.gradients[layer])
            np.matmul(self.W[layer].T, deltas[layer], out=below)  # dC/da(layer)
            self.sigma_prime(zs[layer - 1], activations[layer - 1], slopes[layer - 1])
            below *= slopes[layer - 1]
            self.Wb[layer] -= self.gradients[layer]
        np.matmul(deltas[0], x_ones, out=self.gradients[0])
        self.Wb[0] -= self.gradients[0]

    def _buffers(self, m):
        """z(l), [a(l); 1], a(l) (its top rows), delta(l), sigma'(z(l)) for m examples."""
        a_ones = [np.ones((n + 1, m), self.dtype) for n in self.sizes[1:]]
        self.buffers[m] = (
            [np.empty((n, m), self.dtype) for n in self.sizes[1:]],
            a_ones,
            [a_one[:-1] for a_one in a_ones],
            [np.empty((n, m), self.dtype) for n in self.sizes[1:]],
            [np.empty((n, m), self.dtype) for n in self.sizes[1:]],
        )
        return self.buffers[m]

    def forward(self, X, rows=8192):
        """(block, z(L), a(L)) for each block of `rows` examples of X (m, n_0), as rows."""
        for start in range(0, len(X), rows):
            block = slice(start, start + rows)
            a = X[block]
            for W, Wb, sigma in zip(self.W, self.Wb, self.sigmas, strict=True):
                z = a @ W.T + Wb[:, -1]  # examples as rows: the faster product here
                a = np.empty_like(z)
                sigma(z.T, a.T)  # the kernels take examples as columns
            yield block, z, a

    def cost(self, X, Y):
        """The batch-averaged cost of the whole set X, Y."""
        total = 0.0
        for block, z, a in self.forward(X):
            C0 = cross_entropy_from_logits(z, Y[block]) if self.softmax else quadratic(a, Y[block])
            total += float(np.sum(C0))
        return total / len(X)

    def accuracy(self, X, labels):
        predicted = np.concatenate([np.argmax(a, axis=1) for _, _, a in self.forward(X)])
        return float(np.mean(predicted == labels))

    def finite(self):
        return all(np.isfinite(Wb).all() for Wb in self.Wb)

    def store(self, network):
        """Copy the weights into network.W and network.b (as float64)."""
        for w, b, Wb in zip(network.W, network.b, self.Wb, strict=True):
            w[...] = Wb[:, :-1]
            b[...] = Wb[:, -1]


# In-place activations: sigma(z, out) and sigma_prime(z, a, out), with a = sigma(z).
def _sigmoid(z, out):
    np.negative(z, out=out)
    np.exp(out, out=out)  # may overflow to inf, which correctly gives sigma = 0
    out += 1
    np.reciprocal(out, out=out)


def _sigmoid_prime(z, a, out):
    np.subtract(1, a, out=out)
    out *= a


def _tanh(z, out):
    np.tanh(z, out=out)


def _tanh_prime(z, a, out):
    np.multiply(a, a, out=out)
    np.subtract(1, out, out=out)


def _relu(z, out):
    np.maximum(z, 0, out=out)


def _relu_prime(z, a, out):
    np.greater(z, 0, out=out)


def _softmax(z, out):  # over each column: examples are columns inside the trainer
    np.subtract(z, z.max(axis=0), out=out)
    np.exp(out, out=out)
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


def _record(trainer, X, Y, test, epoch, seconds):
    accuracy = trainer.accuracy(*test) if test else None
    return EpochRecord(epoch, trainer.cost(X, Y), accuracy, seconds)


def _append(history, record, callback):
    history.records.append(record)
    if callback is not None:
        callback(record)


def _stopped_message(epoch, epochs, cost, start_cost, lr):
    if not np.isfinite(cost):
        what = f"the cost became {cost}"
    elif cost > EXPLOSION * start_cost:
        what = f"the cost exploded to {cost:.3g}, from {start_cost:.3g} before training"
    else:
        what = "a weight became nan or infinite"
    kept = f"after epoch {epoch - 1}" if epoch > 1 else "before training"
    return (
        f"Training stopped in epoch {epoch} of {epochs}: {what}, so gradient descent "
        f"diverged. The learning rate lr={lr:g} is probably too large: try a smaller one, "
        f"such as lr={lr / 10:g}. The network keeps the weights it had {kept}."
    )


def _test_set(network, X_test, y_test, dtype):
    """(X_test, labels) checked, or None; both or neither must be given."""
    if (X_test is None) != (y_test is None):
        raise ValueError("give both X_test and y_test, or neither")
    if X_test is None:
        return None
    X_test, _ = network.as_batch(X_test, dtype=dtype)
    return X_test, network.as_labels(y_test, len(X_test))


def _check_weights_finite(network):
    for name, params in (("W", network.W), ("b", network.b)):
        for i, p in enumerate(params):
            if not np.isfinite(p).all():
                raise ValueError(f"the network's {name}[{i}] must be finite before training")


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


def _largest_product(sizes, batch_size):
    """Multiply-adds of the largest matrix product in one step."""
    return batch_size * max(n * (n_prev + 1) for n_prev, n in itertools.pairwise(sizes))


def _blas_limit(controller, threads):
    """A context running BLAS on `threads` threads (None: as it is)."""
    if controller is None or threads is None:
        return contextlib.nullcontext()
    return controller.limit(limits=threads, user_api="blas")


def _threads_used(controller, threads):
    """The number of BLAS threads the steps will use (None: unknown)."""
    if controller is None or threads is not None:
        return threads
    info = controller.select(user_api="blas").info()
    return max((lib["num_threads"] for lib in info), default=None)


__all__ = ["EpochRecord", "History", "load_weights", "save_weights", "sgd"]
