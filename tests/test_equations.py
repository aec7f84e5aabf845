"""The four backprop equations: what Network.backprop computes, one named function each."""

import numpy as np
import pytest

from bp_helpers import equations
from bp_helpers import network as network_module
from bp_helpers.activations import ACTIVATIONS
from bp_helpers.costs import quadratic_prime
from bp_helpers.equations import bias_gradient, error_back, output_error, weight_gradient
from bp_helpers.network import Network
from bp_helpers.network_loops import backprop_loops

rng = np.random.default_rng(12)
X = rng.standard_normal((7, 5))
LABELS = rng.integers(0, 3, 7)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_the_equations_rebuild_network_backward_layer_by_layer(activation):
    network = Network([5, 4, 6, 3], activation, seed=3)
    network.b = [rng.standard_normal(n) for n in network.sizes[1:]]
    g = network.backprop(X, LABELS)
    Y = np.eye(3)[LABELS]
    sigma_prime = network.activation.df
    L = len(network.W)
    delta_L = output_error(quadratic_prime(g.activations[L], Y), g.zs[L - 1], sigma_prime)
    np.testing.assert_array_equal(delta_L, g.deltas[L - 1])
    for l in range(1, L + 1):  # 1-based layers: deltas[l-1] is delta(l), W[l-1] is W(l)
        if l < L:
            delta = error_back(network.W[l], g.deltas[l], g.zs[l - 1], sigma_prime)
            np.testing.assert_array_equal(delta, g.deltas[l - 1])
        dC_dW = weight_gradient(g.deltas[l - 1], g.activations[l - 1])
        assert dC_dW.shape == network.W[l - 1].shape
        np.testing.assert_array_equal(dC_dW, g.dC_dW[l - 1])
        assert bias_gradient(g.deltas[l - 1]).shape == network.b[l - 1].shape
        np.testing.assert_array_equal(bias_gradient(g.deltas[l - 1]), g.dC_db[l - 1])


def test_one_example_as_vectors_is_the_column_form_of_the_formulas():
    W_next, delta_next = rng.standard_normal((3, 4)), rng.standard_normal(3)
    z, a_prev = rng.standard_normal(4), rng.standard_normal(5)
    sigma_prime = ACTIVATIONS["sigmoid"].df
    delta = error_back(W_next, delta_next, z, sigma_prime)
    np.testing.assert_allclose(delta, (W_next.T @ delta_next) * sigma_prime(z), rtol=1e-15)
    np.testing.assert_allclose(weight_gradient(delta, a_prev), np.outer(delta, a_prev))
    np.testing.assert_array_equal(bias_gradient(delta), delta)
    # a batch of one gives the same as the single example
    np.testing.assert_allclose(weight_gradient(delta[None], a_prev[None]),
                               np.outer(delta, a_prev), rtol=1e-15)
    np.testing.assert_array_equal(bias_gradient(delta[None]), delta)


def test_numbers_work_for_the_index_form():
    sigma_prime = ACTIVATIONS["sigmoid"].df
    assert output_error(2.0, 0.0, sigma_prime) == pytest.approx(0.5)
    assert weight_gradient(0.5, 3.0) == pytest.approx(1.5)
    assert bias_gradient(0.5) == pytest.approx(0.5)


def test_network_and_loops_call_the_equations(monkeypatch):
    """Both implementations go through the four functions (a spy counts the calls)."""
    calls = {}
    for name in equations.__all__:
        original = getattr(equations, name)

        def spy(*args, name=name, original=original):
            calls[name] = calls.get(name, 0) + 1
            return original(*args)

        monkeypatch.setattr(network_module, name, spy)
        monkeypatch.setattr("bp_helpers.network_loops." + name, spy)
    network = Network([5, 4, 3], seed=1)
    network.backprop(X, LABELS)
    assert calls == {"output_error": 1, "error_back": 1, "weight_gradient": 2,
                     "bias_gradient": 2}
    calls.clear()
    backprop_loops(network, X[:1], LABELS[:1])
    assert set(calls) == set(equations.__all__)


def test_a_batchs_gradients_are_the_means_of_its_examples():
    rng = np.random.default_rng(1)
    delta, a_prev = rng.standard_normal((5, 3)), rng.standard_normal((5, 4))
    each = [weight_gradient(d, a) for d, a in zip(delta, a_prev, strict=True)]
    np.testing.assert_allclose(weight_gradient(delta, a_prev), np.mean(each, axis=0))
    np.testing.assert_allclose(bias_gradient(delta), delta.mean(axis=0))
