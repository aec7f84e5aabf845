"""Gradient checking: nudges agree with a correct backprop and locate a broken one."""

import dataclasses
import re

import numpy as np
import pytest

from bp_helpers.gradcheck import (
    GradientReport,
    check_gradients,
    difference_quotient,
    numerical_gradient,
    relative_error,
)
from bp_helpers.network import Network
from bp_helpers.network_loops import backprop_loops

rng = np.random.default_rng(5)
X = rng.standard_normal((8, 4))
LABELS = rng.integers(0, 3, 8)


def network(activation="sigmoid", cost="quadratic"):
    net = Network([4, 5, 3], activation, cost, seed=1)
    net.b = [0.3 * rng.standard_normal(n) for n in net.sizes[1:]]
    return net


def backprop_without_hidden_slope(net, X, Y):
    """A classic bug: delta(1) = dC/da(1), forgetting the factor sigma'(z(1))."""
    result = net.backprop(X, Y)
    dC_dW, dC_db = result.dC_dW, result.dC_db
    dC_dW[0] = result.dC_da[1].T @ result.activations[0] / len(X)
    dC_db[0] = result.dC_da[1].mean(axis=0)
    return dC_dW, dC_db


# Difference quotients


def test_central_differences_are_second_order_and_one_sided_first_order():
    exact = np.cos(1.0)
    for h in (1e-2, 1e-3):
        assert abs(difference_quotient(np.sin, 1.0, h, "central") - exact) < h**2
        assert h / 10 < abs(difference_quotient(np.sin, 1.0, h, "one-sided") - exact) < h


def test_difference_quotient_rejects_bad_arguments():
    with pytest.raises(ValueError, match="method must be one of"):
        difference_quotient(np.sin, 1.0, 1e-3, "backward")
    with pytest.raises(ValueError, match="non-zero"):
        difference_quotient(np.sin, 1.0, 0)


def test_numerical_gradient_nudges_every_entry_and_restores_it():
    params = [np.array([[1.0, -2.0], [3.0, 0.5]]), np.array([0.25])]
    saved = [p.copy() for p in params]
    grads = numerical_gradient(lambda: sum(np.sum(p**3) for p in params), params)
    for g, p in zip(grads, saved, strict=True):
        np.testing.assert_allclose(g, 3 * p**2, rtol=1e-9)
    for p, s in zip(params, saved, strict=True):
        np.testing.assert_array_equal(p, s)


def test_relative_error_is_zero_for_two_zeros_and_respects_a_floor():
    np.testing.assert_array_equal(relative_error([0.0, 1.0], [0.0, 1.0]), [0.0, 0.0])
    assert relative_error(1.0, 1.01) == pytest.approx(0.01 / 1.01)
    assert relative_error(1e-12, 2e-12) == pytest.approx(0.5)
    assert relative_error(1e-12, 2e-12, floor=1e-6) == pytest.approx(1e-6)


# Checking a network


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy"])
def test_a_correct_backprop_passes(activation, cost):
    report = check_gradients(network(activation, cost), X, LABELS)
    assert isinstance(report, GradientReport) and report.ok
    assert report.worst < 1e-7
    assert [e.shape for e in report.error_W] == [(5, 4), (3, 5)]
    assert [e.shape for e in report.error_b] == [(5,), (3,)]
    assert str(report).startswith("gradient check passed: worst relative error")


def test_the_loop_version_passes_too():
    assert check_gradients(network("tanh"), X, LABELS, backprop=backprop_loops).ok


def test_a_forgotten_slope_is_flagged_and_located():
    report = check_gradients(network(), X, LABELS, backprop=backprop_without_hidden_slope)
    assert not report.ok
    assert report.worst > 0.1
    assert report.worst_at[:2] in (("W", 0), ("b", 0))  # layer 1 is wrong...
    assert report.error_W[1].max() < 1e-7 and report.error_b[1].max() < 1e-7  # ...layer 2 fine
    assert (report.error_b[0] > 1e-2).all()
    assert "FAILED" in str(report) and "(layer 1," in str(report)


def test_a_bug_in_one_weight_is_found_at_that_weight():
    def off_by_a_bit(net, X, Y):
        dC_dW, dC_db = net.backprop(X, Y)
        dC_dW[1][2, 3] *= 1.01
        return dC_dW, dC_db

    report = check_gradients(network(), X, LABELS, backprop=off_by_a_bit)
    assert not report.ok and report.worst_at == ("W", 1, 2, 3)
    assert report.worst == pytest.approx(0.01 / 1.01, rel=1e-4)
    assert "W[1][2, 3] (layer 2, to neuron 2 from neuron 3)" in str(report)


def test_the_checked_network_is_left_alone():
    net = network()
    saved = [p.copy() for p in net.W + net.b]

    def meddling(net, X, Y):
        net.W[0][...] = 0.0
        return net.backprop(X, Y)

    check_gradients(net, X, LABELS, backprop=meddling)
    for p, s in zip(net.W + net.b, saved, strict=True):
        np.testing.assert_array_equal(p, s)


def test_nan_from_a_backprop_counts_as_an_infinite_error():
    def nan_backprop(net, X, Y):
        dC_dW, dC_db = net.backprop(X, Y)
        dC_db[1][0] = np.nan
        return dC_dW, dC_db

    report = check_gradients(network(), X, LABELS, backprop=nan_backprop)
    assert not report.ok and report.worst == np.inf and report.worst_at == ("b", 1, 0)


def test_a_backprop_with_the_wrong_shapes_gets_a_clear_error():
    def transposed(net, X, Y):
        dC_dW, dC_db = net.backprop(X, Y)
        return [w.T for w in dC_dW], dC_db

    with pytest.raises(ValueError, match=r"dC_dW\[0\] must have the shape of W\[0\], \(5, 4\)"):
        check_gradients(network(), X, LABELS, backprop=transposed)
    with pytest.raises(ValueError, match="dC_db must have 2 arrays"):
        check_gradients(network(), X, LABELS,
                        backprop=lambda net, X, Y: (net.backprop(X, Y).dC_dW, []))
    with pytest.raises(TypeError, match=r"backprop must return \(dC_dW, dC_db\)"):
        check_gradients(network(), X, LABELS, backprop=lambda net, X, Y: None)


def test_bad_arguments():
    with pytest.raises(ValueError, match="threshold must be positive"):
        check_gradients(network(), X, LABELS, threshold=0)
    with pytest.raises(ValueError, match="non-zero"):
        check_gradients(network(), X, LABELS, h=0)
    with pytest.raises(ValueError, match="expected 4 inputs per example"):
        check_gradients(network(), X[:, :3], LABELS)


# A nudge too small to measure anything


def zeros(net, X, Y):
    dC_dW, dC_db = net.backprop(X, Y)
    return [np.zeros_like(g) for g in dC_dW], [np.zeros_like(g) for g in dC_db]


def doubled(net, X, Y):
    dC_dW, dC_db = net.backprop(X, Y)
    return [2 * g for g in dC_dW], [2 * g for g in dC_db]


def layer_1_flipped(net, X, Y):
    dC_dW, dC_db = net.backprop(X, Y)
    return [-dC_dW[0], *dC_dW[1:]], [-dC_db[0], *dC_db[1:]]


BROKEN = [zeros, doubled, layer_1_flipped]


@pytest.mark.parametrize("h", [1e-16, 1e-14])
@pytest.mark.parametrize("backprop", [None, *BROKEN])
def test_an_h_too_small_to_tell_right_from_wrong_is_refused(h, backprop):
    with pytest.raises(ValueError, match=rf"h = {h:g} is too small for a gradient check: "
                                         r"round-off .* uncertain by about .*larger h"):
        check_gradients(network(), X, LABELS, h=h, backprop=backprop)


@pytest.mark.parametrize("backprop", BROKEN)
def test_a_broken_backprop_never_passes_whatever_the_h(backprop):
    for h in 10.0 ** np.arange(-16, -2):
        try:
            report = check_gradients(network(), X, LABELS, h=h, backprop=backprop)
        except ValueError as refused:
            assert re.search("too (small|large) for a gradient check", str(refused))
        else:
            assert not report.ok, f"h = {h:g} passed {backprop.__name__}"


@pytest.mark.parametrize("h", [1e-5, 1e-7, 1e-9])
def test_a_correct_backprop_passes_at_every_reasonable_h(h):
    assert check_gradients(network(), X, LABELS, h=h).ok


def test_a_backprop_that_edits_X_and_Y_in_place_is_judged_on_its_gradients():
    """check_gradients hands backprop copies: the nudges still see the true X and Y."""
    network = Network([3, 4, 2], seed=3)
    rng = np.random.default_rng(3)
    X, Y = rng.uniform(0, 1, (5, 3)), rng.uniform(0, 1, (5, 2))

    def spoils_its_inputs(network, X, Y):
        gradients = type(network).backprop(network, X, Y)
        X *= 0
        Y -= 1
        return gradients

    report = check_gradients(network, X, Y, backprop=spoils_its_inputs)
    assert report.ok, report


def test_the_heat_map_of_a_passing_check_is_all_palest_and_marks_the_threshold():
    from bp_helpers.plots import gradient_check_heatmap

    net = network()
    figure = gradient_check_heatmap(check_gradients(net, X, LABELS))
    images = [image for ax in figure.axes for image in ax.get_images()]
    assert images and all(float(image.norm(image.get_array()).max()) <= 0 for image in images)
    labels = [label.get_text() for label in figure.axes[-1].get_yticklabels()]
    assert labels[0] == "≤ 1e-06: passes" and labels[-1] == "1"
    broken = gradient_check_heatmap(check_gradients(net, X, LABELS,
                                                    backprop=backprop_without_hidden_slope))
    assert max(float(image.norm(image.get_array()).max())
               for ax in broken.axes for image in ax.get_images()) > 0.5


@pytest.mark.parametrize("h", [1e-3, 0.01, 1.0, -0.01])
def test_an_h_too_large_for_a_correct_backprop_to_pass_is_refused(h):
    with pytest.raises(ValueError, match=rf"h = {h:g} is too large for a gradient check with "
                                         r"threshold 1e-06: .*even a correct backprop could "
                                         r"fail. Use an h of at most 0.00032"):
        check_gradients(network(), X, LABELS, h=h)
    assert check_gradients(network(), X, LABELS, h=h, threshold=10 * h * h).threshold == (
        10 * h * h)


def test_the_largest_h_allowed_passes_a_correct_backprop():
    assert check_gradients(network(), X, LABELS, h=3e-4).ok


def test_the_one_sided_difference_looks_forward():
    assert difference_quotient(lambda x: x * x, 1.0, 0.1, "one-sided") == pytest.approx(2.1)
    assert difference_quotient(lambda x: x * x, 1.0, 0.1) == pytest.approx(2.0)


def test_a_worst_error_of_exactly_the_threshold_is_ok():
    report = check_gradients(network(), X, LABELS)
    assert dataclasses.replace(report, threshold=report.worst).ok
    assert not dataclasses.replace(report, threshold=report.worst / 2).ok


def test_an_error_in_the_first_bias_is_located_there():
    def first_bias_off(net, X, Y):
        dC_dW, dC_db = net.backprop(X, Y)
        return dC_dW, [dC_db[0] + 0.01, *dC_db[1:]]

    report = check_gradients(network(), X, LABELS, backprop=first_bias_off)
    assert report.worst_at[:2] == ("b", 0)


def test_the_default_threshold_catches_an_error_of_one_part_in_10000():
    def slightly_off(net, X, Y):
        dC_dW, dC_db = net.backprop(X, Y)
        return [g * (1 + 1e-4) for g in dC_dW], dC_db

    assert not check_gradients(network(), X, LABELS, backprop=slightly_off).ok
