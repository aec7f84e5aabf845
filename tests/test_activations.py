"""Activations: finite and warning-free everywhere, and slopes that match autograd.

pytest turns every warning into an error (pyproject.toml), so "no overflow
warning" is checked simply by calling the functions.
"""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import elementwise_grad
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_helpers.activations import ACTIVATIONS, Activation, get_activation, sigmoid, sigmoid_prime

# The same functions written afresh for autograd, which differentiates them for us.
ORACLES = {
    "sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z)),
    "relu": lambda z: anp.maximum(z, 0.0),
    "tanh": anp.tanh,
}
# An even number of points, so z = 0 (the kink of relu) is not among them.
Z = np.linspace(-30.0, 30.0, 600)


def test_sigmoid_far_out_is_finite_and_saturates():
    z = np.array([-1000.0, -746.0, -709.0, 0.0, 709.0, 746.0, 1000.0])
    a, slope = sigmoid(z), sigmoid_prime(z)
    assert np.isfinite(a).all() and np.isfinite(slope).all()
    assert a[0] == 0.0 and a[-1] == 1.0 and a[3] == 0.5
    assert slope[0] == 0.0 and slope[-1] == 0.0 and slope[3] == 0.25


def test_sigmoid_over_a_wide_range_is_bounded_monotone_and_symmetric():
    z = np.concatenate([-np.geomspace(1e-300, 1e300, 2001)[::-1], [0.0],
                        np.geomspace(1e-300, 1e300, 2001)])
    a, slope = sigmoid(z), sigmoid_prime(z)
    assert ((a >= 0) & (a <= 1)).all() and (np.diff(a) >= 0).all()
    assert ((slope >= 0) & (slope <= 0.25 * (1 + 1e-15))).all()  # 1/4 up to rounding
    np.testing.assert_allclose(sigmoid(-z), 1.0 - a, atol=1e-16)


@settings(max_examples=50, derandomize=True, database=None)
@given(st.floats(-1e6, 1e6))
def test_every_activation_is_finite_for_any_moderate_z(z):
    for activation in ACTIVATIONS.values():
        assert np.isfinite(activation.f(z)) and np.isfinite(activation.df(z))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_function_and_slope_match_autograd(name):
    activation = get_activation(name)
    np.testing.assert_allclose(activation.f(Z), ORACLES[name](Z), rtol=1e-13, atol=1e-300)
    # atol: 1 - tanh(z)^2 is accurate to ~1e-16 absolute, not relative (0 once |z| > 19).
    np.testing.assert_allclose(activation.df(Z), elementwise_grad(ORACLES[name])(Z),
                               rtol=1e-12, atol=1e-15)


def test_relu_slope_at_the_kink_is_zero():
    assert get_activation("relu").df(0.0) == 0.0


def test_get_activation_by_name_or_instance():
    sigmoid_activation = get_activation("sigmoid")
    assert isinstance(sigmoid_activation, Activation) and sigmoid_activation.f is sigmoid
    assert get_activation(sigmoid_activation) is sigmoid_activation


@pytest.mark.parametrize("name", ["Sigmoid", "softmax", "", 3])
def test_get_activation_rejects_unknown_names(name):
    with pytest.raises(ValueError, match=r"unknown activation .*'sigmoid', 'relu', 'tanh'"):
        get_activation(name)


def test_sigmoid_prime_never_exceeds_a_quarter_even_near_zero():
    # e / (1 + e)^2 rounds to just above 1/4 for some |z| below about 1e-8; the clip
    # keeps the lessons' bound sigma' <= 1/4 exact.
    z = np.concatenate([np.linspace(-1e-7, 1e-7, 20001), [0.0]])
    assert sigmoid_prime(z).max() == 0.25


def test_relu_has_slope_0_at_exactly_0_in_both_kernels():
    relu = get_activation("relu")
    z = np.array([[-1.0, 0.0, 2.0]])
    np.testing.assert_array_equal(relu.df(z), [[0.0, 0.0, 1.0]])
    out = np.empty_like(z)
    relu.in_place()[1](z, relu.f(z), out)
    np.testing.assert_array_equal(out, [[0.0, 0.0, 1.0]])


def test_an_activation_with_one_kernel_of_two_gets_both_generic_ones():
    half = Activation("half", sigmoid, sigmoid_prime, f_into=lambda z, out: None)
    sigma_into, sigma_prime_into = half.in_place()
    z, out = np.array([0.0, 2.0]), np.empty(2)
    sigma_into(z, out)
    np.testing.assert_array_equal(out, sigmoid(z))
    sigma_prime_into(z, sigmoid(z), out)
    np.testing.assert_array_equal(out, sigmoid_prime(z))
