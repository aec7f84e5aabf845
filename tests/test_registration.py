"""A new activation and a new cost take one registration each, and then work everywhere.

This file alone defines softplus, sigma(z) = log(1 + e^z), and the log-cosh
cost, C0 = sum_j log cosh(a_j - y_j) (smooth, quadratic near 0 and linear far
away, with slope tanh(a - y)), registers them through the public API, and
shows them at work in Network (against autograd), network_loops, sgd, the
gradient check and the chain panel. Neither brings in-place kernels, so
training takes the engine's generic path. The fixture unregisters both.
"""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from bp_helpers.activations import (
    ACTIVATIONS,
    Activation,
    register_activation,
    sigmoid,
    unregister_activation,
)
from bp_helpers.costs import COSTS, Cost, register_cost, unregister_cost
from bp_helpers.gradcheck import check_gradients
from bp_helpers.network import Network, one_hot
from bp_helpers.network_loops import backprop_loops
from bp_helpers.panels import ChainPanel, chain_result
from bp_helpers.training import sgd


def softplus(z):
    """log(1 + e^z), without overflow."""
    return np.logaddexp(0.0, np.asarray(z, dtype=float))


def log_cosh(z, a, y):
    """sum_j log cosh(a_j - y_j) = |d| + log(1 + e^(-2|d|)) - log 2, d = a - y: no overflow."""
    d = np.abs(np.asarray(a, dtype=float) - y)
    return np.sum(d + np.log1p(np.exp(-2.0 * d)) - np.log(2.0), axis=-1)


def log_cosh_prime(a, y):
    return np.tanh(np.asarray(a, dtype=float) - y)


SOFTPLUS = Activation("softplus", softplus, sigmoid)  # softplus' = the sigmoid
LOG_COSH = Cost("log_cosh", log_cosh, log_cosh_prime)


@pytest.fixture
def registered():
    register_activation(SOFTPLUS)
    register_cost(LOG_COSH)
    yield
    unregister_activation("softplus")
    unregister_cost("log_cosh")


# The oracle: the same network written afresh in autograd.numpy.
ORACLE_SIGMA = {
    "softplus": lambda z: anp.logaddexp(0.0, z),
    "sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z)),
}
ORACLE_C0 = {
    "log_cosh": lambda a, Y: anp.sum(anp.log(anp.cosh(a - Y)), axis=1),
    "quadratic": lambda a, Y: anp.sum((a - Y) ** 2, axis=1),
}


def oracle_gradients(network, X, Y):
    """(dC_dW, dC_db) of C = mean of C0, every layer (the output too) using sigma."""
    L, sigma = len(network.W), ORACLE_SIGMA[network.activation.name]
    C0 = ORACLE_C0[network.cost_name]

    def C(params):
        a = X
        for w, b in zip(params[:L], params[L:], strict=True):
            a = sigma(anp.dot(a, w.T) + b)
        return anp.mean(C0(a, Y))

    gradients = grad(C)(network.W + network.b)
    return gradients[:L], gradients[L:]


rng = np.random.default_rng(5)
X = rng.standard_normal((6, 3))
LABELS = rng.integers(0, 4, 6)
CENTRES = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
BLOB_LABELS = rng.integers(0, 3, 300)
BLOBS = CENTRES[BLOB_LABELS] + 0.7 * rng.standard_normal((300, 2))
PAIRS = [("softplus", "log_cosh"), ("softplus", "quadratic"), ("sigmoid", "log_cosh")]


def random_network(activation, cost):
    network = Network([3, 5, 4, 4], activation, cost, seed=2)
    network.b = [rng.standard_normal(n) for n in network.sizes[1:]]
    return network


@pytest.mark.usefixtures("registered")
@pytest.mark.parametrize(("activation", "cost"), PAIRS)
def test_backprop_and_the_loops_agree_with_autograd(activation, cost):
    network = random_network(activation, cost)
    Y = one_hot(LABELS, 4)
    expected = oracle_gradients(network, X, Y)
    for got in (network.backprop(X, LABELS), backprop_loops(network, X, LABELS)):
        for g, e in zip(got[0] + got[1], expected[0] + expected[1], strict=True):
            np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-13)
    real_targets = rng.random((6, 4))  # log-cosh takes any real targets, like the quadratic
    np.testing.assert_allclose(network.cost(X, real_targets),
                               np.mean(ORACLE_C0[cost](network.output(X), real_targets)),
                               rtol=1e-12)


@pytest.mark.usefixtures("registered")
@pytest.mark.parametrize(("activation", "cost"), PAIRS)
def test_the_gradient_check_passes_them(activation, cost):
    network = random_network(activation, cost)
    assert check_gradients(network, X, LABELS).ok
    assert check_gradients(network, X, LABELS, backprop=backprop_loops).ok


@pytest.mark.usefixtures("registered")
@pytest.mark.parametrize(("activation", "cost"), PAIRS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sgd_trains_them_and_lowers_the_cost(activation, cost, dtype):
    network = Network([2, 8, 3], activation, cost, seed=0)
    history = sgd(network, BLOBS, BLOB_LABELS, epochs=5, batch_size=10, lr=0.5, dtype=dtype)
    assert history.stopped is None
    assert history.costs[-1] < 0.5 * history.costs[0]
    np.testing.assert_allclose(history.costs[-1], network.cost(BLOBS, BLOB_LABELS),
                               rtol=1e-4 if dtype == np.float32 else 1e-10)
    assert network.accuracy(BLOBS, BLOB_LABELS) > 0.9


@pytest.mark.usefixtures("registered")
def test_sgd_takes_exactly_the_steps_of_backprop():
    fast, slow = (Network([2, 8, 3], "softplus", "log_cosh", seed=0) for _ in range(2))
    sgd(fast, BLOBS, BLOB_LABELS, epochs=2, batch_size=10, lr=0.5, dtype=np.float64)
    sgd(slow, BLOBS, BLOB_LABELS, epochs=2, batch_size=10, lr=0.5, dtype=np.float64,
        backprop=Network.backprop)
    for got, expected in zip(fast.W + fast.b, slow.W + slow.b, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.usefixtures("registered")
def test_the_chain_panels_toggle_lists_the_new_activation_and_uses_it():
    panel = ChainPanel()
    assert list(panel.activation.options) == list(ACTIVATIONS)
    assert "softplus" in panel.activation.options
    panel.set_state(activation="softplus")
    state = panel.state
    r = chain_result(state)
    assert state.activation == "softplus"
    a = state.x  # the chain x -> a(1) -> a(2) -> a(3) by hand, through softplus
    for w, b in zip(state.w, state.b, strict=True):
        a = np.log1p(np.exp(w * a + b))
    assert r.gradients.forward.a[-1] == pytest.approx(a, rel=1e-12)
    assert np.all(r.rel_error_dw < 1e-6) and np.all(r.rel_error_db < 1e-6)
    assert f"{r.gradients.dC_dw[0]:+.6g}" in panel.table.value


def test_the_fixture_leaves_the_registries_as_they_were():
    assert "softplus" not in ACTIVATIONS and "log_cosh" not in COSTS
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        Network([2, 2], "softplus")
    with pytest.raises(ValueError, match="unknown cost 'log_cosh'"):
        Network([2, 2], cost="log_cosh")


def test_a_name_already_taken_is_refused_and_the_first_kept():
    with pytest.raises(ValueError, match="an activation called 'sigmoid' is already registered"):
        register_activation(Activation("sigmoid", np.tanh, lambda z: 1 - np.tanh(z) ** 2))
    assert ACTIVATIONS["sigmoid"].f is sigmoid
    quadratic = COSTS["quadratic"]
    with pytest.raises(ValueError, match="a cost called 'quadratic' is already registered"):
        register_cost(Cost("quadratic", quadratic.C0, quadratic.dC_da))
    assert COSTS["quadratic"] is quadratic


def test_an_output_layer_without_its_delta_is_refused():
    quadratic = COSTS["quadratic"]
    with pytest.raises(ValueError, match="needs both an output layer and its closed-form delta"):
        register_cost(Cost("half", quadratic.C0, quadratic.dC_da, output=np.tanh))
    assert "half" not in COSTS
