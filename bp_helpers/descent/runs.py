"""Training a whole network with training.sgd, and saying what went wrong if it did.

`train_run` trains a fresh network for lesson 4's comparisons and returns a
`TrainingRun`, ready to plot against epochs, steps, examples or seconds. If
training.sgd stopped the run, its History says what the epoch it threw away
did (a training.RejectedEpoch), so the lesson can say so too.
"""

import math
from dataclasses import dataclass

import numpy as np

from bp_helpers.data.dataset import read_only_array
from bp_helpers.descent.setup import SIZES
from bp_helpers.network import Network
from bp_helpers.training import SATURATED, RejectedEpoch, saturated_neurons, sgd

__all__ = ["PLATEAU", "SATURATED", "TrainingRun", "same_output_cost", "saturated_neurons",
           "train_run"]

# A network is "on the plateau" while its cost is above this fraction of the cost of
# giving every example the same output (same_output_cost): it has learned nothing yet.
PLATEAU = 0.95


@dataclass(frozen=True, eq=False)
class TrainingRun:
    """One training of a whole network by training.sgd, ready to plot several ways.

    Arrays have one entry per record (epoch 0 = before training, then one per
    epoch that ran): epochs, steps (ceil(n/B) per epoch), examples (n per
    epoch), seconds (cumulative time of the steps; it varies from run to run),
    cost (full training cost) and test_accuracy. stopped is History.stopped:
    None, or the sentence saying why training stopped early; undone is then
    the RejectedEpoch it threw away (else None). saturated of neurons are
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
    undone: RejectedEpoch | None
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
    accuracy = [np.nan if a is None else a for a in history.test_accuracies]
    return TrainingRun(
        batch_size=batch_size, lr=float(lr), n=n, epochs=read_only_array(epochs_done),
        steps=read_only_array(epochs_done * math.ceil(n / batch_size)),
        examples=read_only_array(epochs_done * n),
        seconds=read_only_array(np.cumsum([r.seconds for r in history.records])),
        cost=read_only_array(np.array(history.costs)),
        test_accuracy=read_only_array(np.array(accuracy, dtype=float)),
        stopped=history.stopped, undone=history.rejected, saturated=saturated, neurons=neurons,
        plateau_cost=same_output_cost(y, network.sizes[-1]),
    )
