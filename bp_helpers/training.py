"""Mini-batch stochastic gradient descent, with a learning-rate schedule and a divergence guard.

Every epoch `sgd` shuffles the examples (from its seed), cuts them into
mini-batches and, for each batch, moves every weight and bias downhill:
w <- w - lr dC/dw, with dC/dw from backprop on that batch alone. This is the
package's one SGD loop (lesson 5's recipes, with their learning-rate
schedules, train through it), and `sgd_step` its one step, which lesson 4's
gradient_step and descend take too.

At batch size 10, one epoch of MNIST is 6,000 such steps, so the steps run
in `bp_helpers.fast_trainer`: on arrays that were checked once, in preallocated
buffers updated in place, in float32 by default (like most deep-learning
libraries), with BLAS on one thread when the matrices are too small for two
to pay off (`bp_helpers.blas`). The fast trainer computes the same gradients as
`Network.backprop`; the tests check that they agree. The cost after each
epoch is computed over the whole training set in blocks of rows, with the
same rule for BLAS threads. Saving and loading trained weights is in
`bp_helpers.saved`.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from bp_helpers import blas
from bp_helpers.fast_trainer import SAME_OUTPUT, Trainer
from bp_helpers.validate import positive, whole_number

# The cost "explodes" when it grows past this multiple of its value before training
# (or of the cost of giving every example the same output, if that is higher).
EXPLOSION = 2.0
# A neuron is saturated where sigma'(z) < 1e-4 (|z| > 9.2): it passes almost no gradient.
SATURATED = 1e-4


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


@dataclass(frozen=True)
class RejectedEpoch:
    """The epoch sgd threw away when it stopped, and what it had done.

    epoch is its number, cost the training cost after it (nan if a weight
    overflowed), saturated how many neurons (hidden and output) it left
    saturated on every training example (see saturated_neurons; None if a
    weight overflowed).
    """

    epoch: int
    cost: float
    saturated: int | None


@dataclass
class History:
    """What `sgd` did: one EpochRecord per epoch, starting with epoch 0.

    stopped is None when every epoch ran, else a sentence saying why training
    stopped early (the network then holds the last good weights), and
    rejected says what the epoch it threw away did (a RejectedEpoch).
    blas_threads is how many BLAS threads sgd's steps used: 1 for small
    matrices, where a second thread costs more than it saves (None: unknown).
    step_costs holds (step, cost) pairs, the cost of the whole training set
    after every record_every steps, when sgd was asked for them.
    """

    records: list = field(default_factory=list)
    stopped: str | None = None
    blas_threads: int | None = None
    rejected: RejectedEpoch | None = None
    step_costs: list = field(default_factory=list)

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
        callback=None, dtype=np.float32, backprop=None, record_every=None):
    """Train `network` in place by mini-batch SGD; return a History.

    X (m, n_0) and Y (labels (m,) or targets (m, n_L)) are checked once.
    lr is a learning rate, or a schedule: (epochs, lr) phases such as
    [(20, 0.3), (10, 0.1)], whose epochs add up to `epochs`. Each epoch visits
    the examples in a new order, drawn from seed (phase p of a schedule draws
    from seed + p), so the same seed gives the same weights bit for bit.
    After epoch 0 (before training) and after every epoch, `callback(record)`
    receives the EpochRecord, e.g. for a progress bar or a live plot; the
    network then holds that epoch's weights. With X_test and y_test (labels)
    each record has the test accuracy. record_every = N (steps) also records
    the cost of the whole training set after every N steps, in
    history.step_costs, for curves finer than an epoch.

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
    The network then keeps the weights of the last good epoch,
    history.stopped says what happened and suggests a smaller lr, and
    history.rejected what the rejected epoch did. (Interrupting the kernel
    likewise leaves the weights of the last finished epoch.) Training runs in
    `dtype`, float32 or float64; the costs in the records are computed in it too.

    backprop: None (default) steps with the fast trainer described above;
    a function (network, X, Y) -> (dC_dW, dC_db), such as Network.backprop or
    a learner's own, makes every step call it on the batch (X (m, n_0) and
    one-hot or target rows Y (m, n_L), in `dtype`) and move a float64 copy
    of the weights by -lr times what it returns. Same batches in the same
    order: only the arithmetic (and the speed) differs.
    """
    epochs = whole_number("epochs", epochs, least=1)
    batch_size = whole_number("batch_size", batch_size, least=1)
    phases = _schedule(lr, epochs)
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {np.dtype(dtype)}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function of one record, got {callback!r}")
    if backprop is not None and not callable(backprop):
        raise TypeError(
            f"backprop must be a function (network, X, Y) -> (dC_dW, dC_db), got {backprop!r}"
        )
    if record_every is not None:
        record_every = whole_number("record_every, a number of steps,", record_every, least=1)
    _check_weights_finite(network, dtype)
    for name, values in (("X", X), ("Y", Y), ("X_test", X_test)):
        _check_fits(name, values, dtype)
    X, Y = network.as_batch(X, Y, dtype=dtype)
    test = _test_set(network, X_test, y_test, dtype)

    trainer = Trainer(network, dtype)
    stepped = None if backprop is None else network.copy()  # the weights backprop moves
    controller = blas.controller()
    threads = blas.threads_for(blas.largest_product(network.sizes, batch_size))
    evaluation_threads = blas.threads_for(trainer.largest_evaluation_product())
    history = History(blas_threads=blas.threads_used(controller, threads))
    with blas.limit(controller, evaluation_threads):
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
    ceiling = EXPLOSION * max(start.cost, network.cost_function.lowest_constant_cost(Y))
    _append(history, record, callback)
    after_step = None
    if record_every is not None:
        def after_step(step):
            if step % record_every == 0:
                if stepped is not None:
                    trainer.load(stepped)
                with blas.limit(controller, evaluation_threads):
                    history.step_costs.append((step, trainer.evaluate(X, Y).cost))
    steps = 0
    for epoch, (rng, lr) in enumerate(_epochs(phases, seed), start=1):
        order = rng.permutation(len(X))
        started = time.perf_counter()
        with blas.limit(controller, threads):
            if stepped is None:
                steps = trainer.epoch(X, Y, order, batch_size, lr, steps, after_step)
            else:
                steps = _epoch_with(backprop, stepped, X, Y, order, batch_size, lr, steps,
                                    after_step)
                with np.errstate(over="ignore"):  # too large for dtype: caught just below
                    trainer.load(stepped)
        seconds = time.perf_counter() - started
        with blas.limit(controller, evaluation_threads):
            now = trainer.evaluate(X, Y)
            problem = _divergence(start.cost, ceiling, last, now, trainer, X)
            record = None if problem else _record(trainer, epoch, now, test, seconds)
        if problem:
            suspect = None if backprop is None else _suspect_gradient(backprop, network, X, Y)
            history.stopped = _stopped_message(epoch, epochs, problem, lr, suspect)
            history.rejected = _rejected(trainer, network, epoch, now.cost, X)
            break
        if stepped is None:
            trainer.store(network)
        else:
            _copy_weights(stepped, network)
        _append(history, record, callback)
        last = now
    return history


def _schedule(lr, epochs):
    """lr as (epochs, lr) phases: ((epochs, lr),) for one rate; a schedule's must add up."""
    if isinstance(lr, (list, tuple)):
        phases = []
        for phase in lr:
            if not isinstance(phase, (list, tuple)) or len(phase) != 2:
                raise ValueError(f"a learning-rate schedule is (epochs, lr) phases such as "
                                 f"[(20, 0.3), (10, 0.1)], got {lr!r}")
            phases.append((whole_number("a phase's epochs", phase[0], least=1),
                           positive("the learning rate lr", phase[1])))
        total = sum(n for n, _ in phases)
        if total != epochs:
            raise ValueError(f"the learning-rate schedule's phases add up to {total} epochs, "
                             f"expected epochs = {epochs}")
        return phases
    return [(epochs, positive("the learning rate lr", lr))]


def _epochs(phases, seed):
    """(rng, lr) for every epoch of the schedule: phase p draws its orders from seed + p."""
    for p, (epochs, lr) in enumerate(phases):
        rng = np.random.default_rng(seed + p)
        for _ in range(epochs):
            yield rng, lr


def saturated_neurons(network, X):
    """How many neurons (hidden and output) are saturated on every example of X.

    Saturated means sigma'(z) < SATURATED: the neuron is stuck fully on or
    off, so (lesson 1) almost no gradient flows through it and its weights
    stop learning. Returns (saturated, neurons), e.g. (16, 26).
    """
    zs = network.forward(X).zs
    stuck = [np.all(network.activation.df(np.atleast_2d(z)) < SATURATED, axis=0) for z in zs]
    return int(sum(np.sum(s) for s in stuck)), sum(network.sizes[1:])


def _rejected(trainer, network, epoch, cost, X):
    """A RejectedEpoch: what the epoch whose weights the trainer holds did to the network."""
    if not trainer.finite():  # a weight overflowed
        return RejectedEpoch(epoch, float("nan"), None)
    rejected = network.copy()
    trainer.store(rejected)
    with np.errstate(all="ignore"):
        return RejectedEpoch(epoch, float(cost), saturated_neurons(rejected, X)[0])


def sgd_step(params, gradients, lr):
    """The step of gradient descent, in place: w <- w - lr dC/dw for each array w of params.

    params and gradients are lists of arrays of the same shapes, e.g.
    network.W + network.b and dC_dW + dC_db.
    """
    for w, dC_dw in zip(params, gradients, strict=True):
        w -= lr * dC_dw


def _epoch_with(backprop, network, X, Y, order, batch_size, lr, steps=0, after_step=None):
    """One pass over X and Y in `order`: w <- w - lr dC/dw per batch, dC/dw from backprop.

    steps counts the steps taken before; after_step(steps), if given, runs after each
    step. Returns the steps taken in all.
    """
    with np.errstate(all="ignore"):  # nan and inf are caught after the epoch
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            dC_dW, dC_db = _gradients(backprop(network, X[batch], Y[batch]), network)
            sgd_step(network.W + network.b, dC_dW + dC_db, lr)
            steps += 1
            if after_step is not None:
                after_step(steps)
    return steps


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


def _record(trainer, epoch, evaluation, test, seconds):
    accuracy = trainer.accuracy(*test) if test else None
    return EpochRecord(epoch, evaluation.cost, accuracy, seconds)


def _append(history, record, callback):
    history.records.append(record)
    if callback is not None:
        callback(record)


def _divergence(start_cost, ceiling, last, now, trainer, X):
    """What went wrong in the epoch that led from `last` to `now`, or None.

    last and now are fast_trainer.Evaluations of the training set X, after the last good
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


def _stopped_message(epoch, epochs, problem, lr, suspect=None):
    kept = f"after epoch {epoch - 1}" if epoch > 1 else "before training"
    if suspect:
        advice = (f"The gradient looks wrong, not the learning rate: {suspect}. Check the "
                  "backprop with gradcheck.check_gradients before training with it")
    else:
        advice = (f"The learning rate lr={lr:g} is probably too large: try a smaller one, "
                  f"such as lr={lr / 10:g}")
    return (
        f"Training stopped in epoch {epoch} of {epochs}: {problem}. {advice}. "
        f"The network keeps the weights it had {kept}."
    )


SUSPECT_STEPS = 10.0 ** -np.arange(1, 9)  # step sizes t, each along -t dC/dw, for one array
SUSPECT_EXAMPLES = 100  # examples the downhill test averages the cost over


def _suspect_gradient(backprop, network, X, Y):
    """Why backprop's gradient at the network's weights cannot be right, or None.

    A true gradient points uphill: a small enough step against it, w - t dC/dw,
    lowers the cost. So each weight matrix and bias vector is stepped alone
    against its part of the gradient, for t from 0.1 down to 1e-8; if no such
    step lowers the cost (by more than round-off), and one raises it, that part
    is wrong (its sign, say). nan or infinite values are wrong outright. None
    means nothing is proved wrong: then the learning rate is the suspect.
    """
    X, Y = X[:SUSPECT_EXAMPLES], Y[:SUSPECT_EXAMPLES]
    trial = network.copy()
    with np.errstate(all="ignore"):
        dC_dW, dC_db = _gradients(backprop(trial, X, Y), trial)
        L = len(trial.W)
        for i, (params, grad) in enumerate(zip(trial.W + trial.b, dC_dW + dC_db, strict=True)):
            name = f"dC_dW[{i}]" if i < L else f"dC_db[{i - L}]"
            grad = np.asarray(grad, dtype=float)
            if not np.isfinite(grad).all():
                return f"its {name} holds nan or infinite values"
            original = params.copy()
            cost = trial.batch_cost(X, Y)
            noise = 1e3 * np.finfo(float).eps * max(abs(cost), 1.0)
            changes = []
            for t in SUSPECT_STEPS:
                params[...] = original - t * grad
                changes.append(trial.batch_cost(X, Y) - cost)
            params[...] = original
            if min(changes) > noise:
                return (f"a step against its {name}, of any size from 0.1 down to 1e-8 times "
                        f"it, raises the cost, so it points downhill, not uphill")
    return None


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


__all__ = ["EXPLOSION", "SATURATED", "EpochRecord", "History", "RejectedEpoch", "saturated_neurons",
           "sgd", "sgd_step"]
