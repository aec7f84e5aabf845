"""The index-form backprop: the same gradients as the vectorised one, by plain loops.

The three-way agreement with autograd over random architectures is in
test_network.py; here are the cases a learner is likely to try.
"""

import numpy as np
import pytest

from bp_helpers.network import Network, one_hot
from bp_helpers.network_loops import backprop_loops

rng = np.random.default_rng(11)
X = rng.standard_normal((6, 3))
LABELS = rng.integers(0, 4, 6)


def assert_same_gradients(network, X, Y):
    expected = network.backprop(X, Y)
    got = backprop_loops(network, X, Y)
    for g, e in zip(got[0] + got[1], expected[0] + expected[1], strict=True):
        assert g.shape == e.shape and g.dtype == np.float64
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy"])
def test_loops_agree_with_the_vectorised_backprop(activation, cost):
    network = Network([3, 5, 4, 4], activation, cost, seed=2)
    network.b = [rng.standard_normal(n) for n in network.sizes[1:]]
    assert_same_gradients(network, X, LABELS)
    assert_same_gradients(network, X, one_hot(LABELS, 4))


def test_loops_take_one_example_a_batch_of_one_and_real_targets():
    network = Network([3, 2, 4], "tanh", seed=4)
    assert_same_gradients(network, X[0], LABELS[0])
    assert_same_gradients(network, X[:1], LABELS[:1])
    assert_same_gradients(network, X, rng.random((6, 4)))


def test_a_single_layer_network_has_no_hidden_loop():
    network = Network([3, 4], seed=1)
    assert_same_gradients(network, X, LABELS)


def test_loops_check_their_inputs_like_the_network():
    with pytest.raises(ValueError, match="expected 3 inputs per example, got 2"):
        backprop_loops(Network([3, 4]), np.zeros((6, 2)), LABELS)
