"""How good is a trained network, and where does it go wrong?

Accuracy is one number; the confusion matrix says which digits are mistaken
for which; the misclassified examples show them. `look_inside` opens up one
example: every layer's activations and backprop's "wishes" for it.
`gradient_sizes` measures how strongly each layer is still being pushed, to
watch learning (or its absence) layer by layer.
"""

import numbers
from dataclasses import dataclass

import numpy as np


def confusion_matrix(network, X, labels):
    """Counts (n_L, n_L): row = true label, column = predicted label, for X (m, n_0)."""
    X, _ = network.as_batch(X)
    labels = network.as_labels(labels, len(X))
    n = network.sizes[-1]
    counts = np.zeros((n, n), dtype=np.int64)
    np.add.at(counts, (labels, network.predict(X)), 1)
    return counts


def misclassified(network, X, labels, limit=None):
    """Indices (k,), predicted (k,) and true (k,) labels of the examples the network gets wrong.

    The most confident mistakes come first (largest output for the wrong
    label); limit keeps the first `limit` of them.
    """
    X, _ = network.as_batch(X)
    labels = network.as_labels(labels, len(X))
    outputs = network.output(X)
    predicted = np.argmax(outputs, axis=1)
    wrong = np.flatnonzero(predicted != labels)
    wrong = wrong[np.argsort(-outputs[wrong, predicted[wrong]], kind="stable")][:limit]
    return wrong, predicted[wrong], labels[wrong]


@dataclass(frozen=True)
class Inside:
    """One example seen from inside the network, by a forward and a backward pass.

    label and predicted are digits. activations[l] (n_l,) and
    wishes[l] = -dC0/da(l) (n_l,) for l = 0..L: the output layer wishes to
    move up for the right digit, down for the others, and backprop turns that
    into wishes for each earlier layer. dC_dw_neuron (n_0,) is the gradient of
    C0 on the weights into neuron `neuron` of layer 1, delta_j x: the input
    itself scaled by one number, so weights from blank pixels do not change.
    """

    label: int
    predicted: int
    activations: list[np.ndarray]
    wishes: list[np.ndarray]
    neuron: int
    dC_dw_neuron: np.ndarray


def look_inside(network, x, label, neuron=0):
    """Forward and backward pass for one example x (n_0,) with its label; return an Inside."""
    if isinstance(neuron, bool) or not isinstance(neuron, numbers.Integral):
        raise TypeError(f"neuron must be a whole number, got {neuron!r}")
    if neuron not in range(network.sizes[1]):
        raise ValueError(f"layer 1 has neurons 0 to {network.sizes[1] - 1}, got {neuron!r}")
    n_L = network.sizes[-1]
    if np.ndim(label) != 0 or label not in range(n_L):  # 3.5 is not 3, nor is "3"
        raise ValueError(f"label must be a whole number from 0 to {n_L - 1}, got {label!r}")
    label = int(label)
    g = network.backprop(x, label)
    return Inside(
        label=label,
        predicted=int(np.argmax(g.activations[-1])),
        activations=list(g.activations),
        wishes=[-d for d in g.dC_da],
        neuron=int(neuron),
        dC_dw_neuron=g.dC_dW[0][neuron],
    )


def gradient_sizes(network, X, Y):
    """The size of the cost's gradient for each layer's weights: (L,) root-mean-square of dC/dW(l).

    The root mean square (rather than the sum) makes layers of different
    sizes comparable: it is the typical size of one weight's derivative.
    """
    dC_dW, _ = network.backprop(X, Y)
    return np.array([np.sqrt(np.mean(g**2)) for g in dC_dW])


class GradientRecorder:
    """A training callback: after every epoch, record `gradient_sizes` on a fixed batch.

    sizes is then an array (epochs + 1, L): row e for the weights after epoch e.
    """

    def __init__(self, network, X, Y):
        self.network, self.X, self.Y = network, X, Y
        self.rows = []

    def __call__(self, record):
        self.rows.append(gradient_sizes(self.network, self.X, self.Y))

    @property
    def sizes(self):
        return np.array(self.rows)
