"""How good is a trained network, and where does it go wrong?

Accuracy is one number; the confusion matrix says which digits are mistaken
for which; the misclassified examples show them. `gradient_sizes` measures
how strongly each layer is still being pushed, to watch learning (or its
absence) layer by layer.
"""

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
