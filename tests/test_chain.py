"""The one-neuron chain: backward pass against autograd and against nudges."""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bp_helpers import chain
from bp_helpers.gradcheck import numerical_gradient, relative_error
from bp_helpers.network import Network

ORACLE_ACTIVATIONS = {
    "sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z)),
    "relu": lambda z: anp.where(z > 0, z, 0.0),
    "tanh": anp.tanh,
}


def oracle_cost(w, b, x, y, activation):
    """The chain's cost written independently, for autograd to differentiate."""
    f = ORACLE_ACTIVATIONS[activation]
    a = x
    for l in range(len(w)):
        a = f(w[l] * a + b[l])
    return (a - y) ** 2


values = st.floats(-3, 3, allow_nan=False)


@st.composite
def chains(draw):
    L = draw(st.integers(1, 6))
    w = np.array(draw(st.lists(values, min_size=L, max_size=L)))
    b = np.array(draw(st.lists(values, min_size=L, max_size=L)))
    return w, b, draw(st.floats(-2, 2)), draw(st.floats(0, 1)), draw(st.sampled_from(
        sorted(ORACLE_ACTIVATIONS)))


@settings(max_examples=150, deadline=None)
@given(chains())
def test_backward_matches_autograd(params):
    w, b, x, y, activation = params
    g = chain.backward(w, b, x, y, activation)
    np.testing.assert_allclose(g.dC_dw, grad(oracle_cost, 0)(w, b, x, y, activation),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g.dC_db, grad(oracle_cost, 1)(w, b, x, y, activation),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g.dC_da[0], grad(oracle_cost, 2)(w, b, x, y, activation),
                               rtol=1e-12, atol=1e-12)
    assert g.forward.C0 == pytest.approx(float(oracle_cost(w, b, x, y, activation)), rel=1e-14)


@settings(max_examples=100, deadline=None)
@given(chains())
def test_backward_matches_central_differences(params):
    w, b, x, y, activation = params
    fwd = chain.forward(w, b, x, y, activation)
    assume(np.all(np.abs(fwd.z) > 1e-3))  # keep clear of the ReLU's kink
    g = chain.backward(w, b, x, y, activation)
    nudged = numerical_gradient(lambda: chain.cost(w, b, x, y, activation), [w, b], h=1e-5)
    for analytic, numeric in zip([g.dC_dw, g.dC_db], nudged, strict=True):
        large = np.maximum(np.abs(analytic), np.abs(numeric)) >= 1e-3
        assert np.all(relative_error(analytic, numeric)[large] < 1e-7)
        assert np.all(np.abs(analytic - numeric)[~large] < 1e-9)


def test_one_layer_is_the_three_factor_formula():
    w, b, a_prev, y = 1.5, -0.5, 0.8, 0.0
    g = chain.backward([w], [b], a_prev, y)
    a = 1 / (1 + np.exp(-(w * a_prev + b)))
    assert g.dC_dw[0] == pytest.approx(a_prev * a * (1 - a) * 2 * (a - y), rel=1e-14)
    assert g.dC_db[0] == pytest.approx(a * (1 - a) * 2 * (a - y), rel=1e-14)
    assert g.dC_da[0] == pytest.approx(w * a * (1 - a) * 2 * (a - y), rel=1e-14)


def test_dead_relu_gives_positive_zeros():
    g = chain.backward([-2.0], [-0.5], 0.8, 1.0, "relu")
    assert g.dC_dw[0] == 0 and not np.signbit(g.dC_dw[0])
    assert g.dC_da[0] == 0 and not np.signbit(g.dC_da[0])


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_extreme_parameters_stay_finite(activation):
    g = chain.backward([1000.0, -1000.0], [1000.0, -1000.0], 1000.0, 1.0, activation)
    assert np.all(np.isfinite(g.dC_dw)) and np.all(np.isfinite(g.dC_da))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(w=[np.nan], b=[0.0]), ValueError, "w must be finite, got nan"),
        (dict(w=[1.0, 2.0], b=[0.0, np.inf]), ValueError, "b must be finite, got inf at index 1"),
        (dict(w=[1.0, 2.0], b=[0.0]), ValueError, "got 2 weights and 1 biases"),
        (dict(w=[], b=[]), ValueError, "at least one layer"),
        (dict(w=[[1.0]], b=[[0.0]]), ValueError, "must be 1-D"),
        (dict(w=["a"], b=[0.0]), TypeError, "w must be a number or an array of numbers"),
        (dict(w=[1.0], b=[0.0], activation="softplus"), ValueError,
         "unknown activation 'softplus': expected one of 'sigmoid', 'relu', 'tanh'"),
        (dict(w=[1.0], b=[0.0], x=float("nan")), ValueError, "x must be finite"),
        (dict(w=[1.0], b=[0.0], y="1"), TypeError, "y must be a number, got str"),
    ],
)
def test_bad_input_gets_a_clear_error(kwargs, error, message):
    args = dict(x=0.5, y=1.0) | kwargs
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        chain.backward(**args)


def test_random_chain_is_seeded():
    first, second = chain.random_chain(5, seed=3), chain.random_chain(5, seed=3)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="whole number of layers"):
        chain.random_chain(0)


def test_a_dead_neuron_gives_plus_zero_never_minus_zero():
    # relu'(z) = 0 times a negative error is -0.0 in IEEE arithmetic, which a readout
    # would print as "-0"; the backward pass turns every such zero into +0.0.
    g = chain.backward([1.0, 1.0], [-5.0, 0.0], -1.0, 1.0, activation="relu")  # x < 0 too
    for values in (g.delta, g.dC_db, g.dC_dw, g.dC_da[:-1]):  # dC_da[-1] = 2(a - y) = -2
        assert np.all(values == 0) and not np.signbit(values).any()


def test_the_chain_is_the_dense_networks_backprop_with_one_neuron_per_layer():
    """chain.backward, the one-neuron teaching form, equals Network.backprop on that network."""
    w, b, x, y = chain.random_chain(4, seed=3)
    network = Network.from_weights([np.array([[w_l]]) for w_l in w], [np.array([b_l]) for b_l in b])
    g = chain.backward(w, b, x, y)
    dC_dW, dC_db = network.backprop([x], [y])
    np.testing.assert_allclose([d.item() for d in dC_dW], g.dC_dw, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose([d.item() for d in dC_db], g.dC_db, rtol=1e-12, atol=1e-15)
