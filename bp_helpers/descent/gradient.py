"""The gradient of the full cost C = (1/n) sum_k C_k: per example, as one vector, one step.

Differentiation is linear, so nabla C is the average of the per-example
gradients nabla C_k; what example k "wishes" is the opposite, -nabla C_k.
"""

from dataclasses import dataclass

import numpy as np

from bp_helpers.data.dataset import read_only_array
from bp_helpers.training import sgd_step
from bp_helpers.validate import positive, whole_number


def per_example_gradients(network, X, Y):
    """Backprop on each example of X alone: the per-example gradients dC_k/dW, dC_k/db.

    X is (m, n_0), Y labels (m,) or targets (m, n_L). Returns lists
    (dC0_dW, dC0_db) shaped like network.W and network.b with a leading
    example axis: dC0_dW[l-1] has shape (m, n_l, n_{l-1}). One backward pass
    per example, on purpose: their mean is what network.backprop(X, Y) computes
    for the whole batch at once. What example k wishes is the opposite,
    -dC_k/dW and -dC_k/db.
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
    sgd_step(stepped.W + stepped.b, dC_dW + dC_db, lr)  # the step training.sgd takes
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
    names: tuple[str, ...]

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
    return GradientVector(values=read_only_array(values), names=tuple(names))


def parameter_vector(network):
    """Every weight and bias of `network` in one vector (P,), in GradientVector's order."""
    return np.concatenate([p.ravel() for pair in zip(network.W, network.b, strict=True)
                           for p in pair])
