"""Evaluation: confusion matrix, mistakes, and gradient sizes per layer."""

import numpy as np
import pytest

from bp_helpers.evaluation import (
    GradientRecorder,
    confusion_matrix,
    gradient_sizes,
    misclassified,
)
from bp_helpers.network import Network
from bp_helpers.training import sgd


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (60, 5))
    labels = (X[:, 0] > 0.5).astype(int) + 2 * (X[:, 1] > 0.5)
    return Network([5, 6, 4], seed=1), X, labels


def test_confusion_matrix_counts_every_example_once(problem):
    network, X, labels = problem
    counts = confusion_matrix(network, X, labels)
    assert counts.shape == (4, 4) and counts.sum() == len(X)
    assert np.trace(counts) / len(X) == pytest.approx(network.accuracy(X, labels))
    np.testing.assert_array_equal(counts.sum(axis=1), np.bincount(labels, minlength=4))


def test_misclassified_lists_exactly_the_mistakes_most_confident_first(problem):
    network, X, labels = problem
    indices, predicted, true = misclassified(network, X, labels)
    assert len(indices) == len(X) - np.trace(confusion_matrix(network, X, labels))
    np.testing.assert_array_equal(network.predict(X[indices]), predicted)
    assert np.all(predicted != true)
    confidence = network.output(X[indices])[np.arange(len(indices)), predicted]
    assert np.all(np.diff(confidence) <= 0)
    assert len(misclassified(network, X, labels, limit=2)[0]) == 2


def test_gradient_sizes_are_per_layer_and_shrink_when_learnt(problem):
    network, X, labels = problem
    sizes = gradient_sizes(network, X, labels)
    assert sizes.shape == (2,) and np.all(sizes > 0)
    recorder = GradientRecorder(network, X, labels)
    sgd(network, X, labels, epochs=3, batch_size=10, lr=0.5, callback=recorder)
    assert recorder.sizes.shape == (4, 2)
    np.testing.assert_allclose(recorder.sizes[-1], gradient_sizes(network, X, labels), rtol=1e-6)


def test_bad_labels_are_named(problem):
    network, X, _ = problem
    with pytest.raises(ValueError, match="expected 60 labels"):
        confusion_matrix(network, X, np.zeros(3, dtype=int))
