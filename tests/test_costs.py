"""Costs: values and slopes against autograd, and stability for huge logits."""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from bp_helpers.costs import (
    COSTS,
    Cost,
    cross_entropy_delta,
    cross_entropy_from_logits,
    log_softmax,
    quadratic,
    quadratic_prime,
    softmax,
)

rng = np.random.default_rng(0)
A, Y = rng.random((5, 4)), rng.random((5, 4))
Z = 3 * rng.standard_normal((5, 4))
ONE_HOT = np.eye(4)[[0, 3, 1, 1, 2]]


def oracle_cross_entropy(z, y):
    """-sum y log softmax(z), written directly (fine for moderate z)."""
    return -anp.sum(y * (z - anp.log(anp.sum(anp.exp(z), axis=-1, keepdims=True))), axis=-1)


def test_quadratic_value_and_slope_match_autograd():
    np.testing.assert_allclose(quadratic(A, Y), np.sum((A - Y) ** 2, axis=1), rtol=1e-15)
    slope = grad(lambda a: anp.sum((a - Y) ** 2))(A)
    np.testing.assert_allclose(quadratic_prime(A, Y), slope, rtol=1e-15)


def test_quadratic_of_one_example_is_a_number():
    assert quadratic(A[0], Y[0]).shape == ()
    assert quadratic([0.0, 1.0], [0.0, 0.0]) == 1.0


@pytest.mark.parametrize("y", [ONE_HOT, softmax(rng.standard_normal((5, 4)))])
def test_cross_entropy_value_and_delta_match_autograd(y):
    np.testing.assert_allclose(cross_entropy_from_logits(Z, y), oracle_cross_entropy(Z, y),
                               rtol=1e-13)
    delta = grad(lambda z: anp.sum(oracle_cross_entropy(z, y)))(Z)
    np.testing.assert_allclose(cross_entropy_delta(Z, y), delta, rtol=1e-12, atol=1e-15)


def test_softmax_rows_are_probabilities():
    p = softmax(Z)
    assert (p > 0).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(np.exp(log_softmax(Z)), p, rtol=1e-15)


@pytest.mark.parametrize("big", [1e3, 1e5, 1e100, 1e300])
def test_cross_entropy_stays_finite_for_huge_logits(big):
    z = np.array([[big, -big, 0.0], [-big, big, 0.0]])
    y = np.eye(3)[[0, 0]]
    C0 = cross_entropy_from_logits(z, y)
    assert np.isfinite(C0).all() and np.isfinite(cross_entropy_delta(z, y)).all()
    assert C0[0] == 0.0  # right and sure
    np.testing.assert_allclose(C0[1], 2 * big, rtol=1e-12)  # wrong and sure: -log e^(-2 big)
    np.testing.assert_allclose(cross_entropy_delta(z, y), [[0, 0, 0], [-1, 1, 0]], atol=1e-15)


def test_log_softmax_shifts_each_row_by_its_own_max():
    z = np.array([[1000.0, 1001.0], [0.0, 1.0]])  # a global shift underflows the second row
    np.testing.assert_allclose(log_softmax(z), np.tile(log_softmax(np.array([0.0, 1.0])), (2, 1)))
    out = np.empty((2, 2))  # the engine's kernel: examples as columns
    COSTS["cross_entropy"].in_place()[0](z.T.copy(), out)
    np.testing.assert_allclose(out.T, softmax(z))


def test_the_lowest_constant_cost_without_its_own_formula_is_an_average():
    plain = Cost("plain", lambda z, a, y: quadratic(a, y), quadratic_prime)
    Y = np.eye(3)[[0, 1, 2, 2]]
    assert plain.lowest_constant_cost(Y) == pytest.approx(np.mean(quadratic(Y.mean(0), Y)))
    own = COSTS["quadratic"].lowest_constant_cost(Y)  # its closed form agrees
    assert plain.lowest_constant_cost(Y) == pytest.approx(own)


def test_cross_entropys_lowest_constant_cost_is_the_entropy_of_the_classes():
    Y = np.eye(3)[[0, 0, 1, 2]]  # class frequencies 1/2, 1/4, 1/4
    expected = -(0.5 * np.log(0.5) + 2 * 0.25 * np.log(0.25))
    assert COSTS["cross_entropy"].lowest_constant_cost(Y) == pytest.approx(expected)
