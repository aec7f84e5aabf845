"""Training a whole network with training.sgd, and saying what went wrong if it did.

`train_run` trains a fresh network for lesson 4's comparisons and returns a
`TrainingRun`, ready to plot against epochs, steps, examples or seconds. If
training.sgd stopped the run, `replay_epoch` redoes the epoch it threw away,
so the lesson can say what that epoch did (an `UndoneEpoch`).
"""

import math
from dataclasses import dataclass

import numpy as np

from bp_helpers.data.dataset import read_only_array
from bp_helpers.descent.setup import SIZES
from bp_helpers.network import Network
from bp_helpers.training import sgd
from bp_helpers.validate import whole_number

# A neuron is saturated where sigma'(z) < 1e-4 (|z| > 9.2): it passes almost no gradient.
SATURATED = 1e-4
# A network is "on the plateau" while its cost is above this fraction of the cost of
# giving every example the same output (same_output_cost): it has learned nothing yet.
PLATEAU = 0.95


def saturated_neurons(network, X):
    """How many neurons (hidden and output) are saturated on every example of X.

    Saturated means sigma'(z) < SATURATED: the neuron is stuck fully on or
    off, so (lesson 1) almost no gradient flows through it and its weights
    stop learning. Returns (saturated, neurons), e.g. (16, 26).
    """
    zs = network.forward(X).zs
    stuck = [np.all(network.activation.df(np.atleast_2d(z)) < SATURATED, axis=0) for z in zs]
    return int(sum(np.sum(s) for s in stuck)), sum(network.sizes[1:])


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
class TrainingRun:
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
    def full_batch(self):
        """True for full-batch gradient descent: every step reads all n examples."""
        return self.batch_size >= self.n

    @property
    def final_cost(self):
        """The full training cost C with the weights the network kept."""
        return float(self.cost[-1])

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
        batch_size=batch_size, lr=float(lr), n=n, epochs=read_only_array(epochs_done),
        steps=read_only_array(epochs_done * math.ceil(n / batch_size)),
        examples=read_only_array(epochs_done * n),
        seconds=read_only_array(np.cumsum([r.seconds for r in history.records])),
        cost=read_only_array(np.array(history.costs)),
        test_accuracy=read_only_array(np.array(accuracy, dtype=float)),
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
