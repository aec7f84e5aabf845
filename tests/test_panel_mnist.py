"""Lesson 5's panels: look inside one digit, the drawing pad, the training monitor."""

import numpy as np
import pytest

from bp_helpers.data.preprocess import resample, to_mnist
from bp_helpers.evaluation import look_inside
from bp_helpers.network import Network
from bp_helpers.panels.draw import DrawPanel, Sketch
from bp_helpers.panels.inside import InsidePanel, InsideState, inside_result
from bp_helpers.panels.monitor import TrainingMonitor
from bp_helpers.training import EpochRecord


@pytest.fixture(scope="module")
def network():
    return Network([784, 16, 16, 10], seed=0)


@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(0)
    return rng.uniform(0, 1, (5, 784)), np.array([3, 1, 4, 1, 5])


def test_wishes_are_minus_the_cost_gradient_and_weights_follow_the_pixels(network, digits):
    X, labels = digits
    r = look_inside(network, X[0], labels[0], neuron=4)
    g = network.backprop(X[0], labels[0])
    for wish, dC_da in zip(r.wishes, g.dC_da, strict=True):
        np.testing.assert_array_equal(wish, -dC_da)
    # The output wishes: up for the right digit, down for every other one.
    assert r.wishes[-1][3] > 0 and np.all(np.delete(r.wishes[-1], 3) < 0)
    # dC0/dw_jk(1) = delta_j x_k: the image scaled by one number.
    np.testing.assert_allclose(r.dC_dw_neuron, g.deltas[0][4] * X[0], rtol=1e-12)
    black = X[0] == 0
    assert np.all(r.dC_dw_neuron[black] == 0)


def test_inside_panel_checks_its_choices(network, digits):
    X, labels = digits
    with pytest.raises(ValueError, match="index must be 0 to 4, got 5"):
        inside_result(InsideState(index=5), network, X, labels)
    with pytest.raises(ValueError, match="layer 1 has neurons 0 to 15, got 16"):
        inside_result(InsideState(neuron=16), network, X, labels)


def test_inside_view_follows_its_sliders(network, digits):
    X, labels = digits
    panel = InsidePanel(network, X, labels)
    panel.set_state(index=2, neuron=7)
    r = inside_result(panel.state, network, X, labels).inside
    assert f">{r.label}<" in panel.readout.value
    np.testing.assert_allclose([b.get_height() for b in panel.activation_bars[-1]],
                               r.activations[-1])
    np.testing.assert_allclose([b.get_height() for b in panel.wish_bars[0]],
                               r.wishes[1] / np.abs(r.wishes[1]).max())  # to scale per layer
    assert (f"largest wish in a(3)</td><td data-key='largest3' style='text-align:right;"
            f"font-family:monospace;white-space:nowrap'>{np.abs(r.wishes[3]).max():.1e}<"
            ) in panel.readout.value
    assert panel.ax_digit.title.get_text() == f"test digit #2: a {r.label}"
    np.testing.assert_array_equal(panel.image.get_array(), X[2].reshape(28, 28))


def test_the_readout_says_which_way_the_neurons_weights_wish_to_move(network, digits):
    """The wished-change image has one sign, shown in colour: the readout says it in words."""
    X, labels = digits
    panel = InsidePanel(network, X, labels)
    ways = set()
    for neuron in range(16):
        panel.set_state(index=0, neuron=neuron)
        delta_j = network.backprop(X[0], labels[0]).deltas[0][neuron]
        way = "grow (blue)" if delta_j < 0 else "shrink (red)"  # the wish is -delta_j x
        assert f"weights into neuron {neuron} wish to" in panel.readout.value
        assert f">{way}<" in panel.readout.value
        ways.add(way)
    assert len(ways) == 2  # both cases seen


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        # the index slider would have clamped 5000 to the last digit and cut 2.7 to 2
        (dict(index=5000), ValueError, "index must be 0 to 4, got 5000"),
        (dict(index=2.7), TypeError, "index must be a whole number, got 2.7"),
        (dict(neuron=16, index=3), ValueError, "neuron must be 0 to 15, got 16"),
    ],
)
def test_inside_view_refuses_a_choice_it_cannot_show_and_changes_nothing(network, digits, values,
                                                                          error, message):
    X, labels = digits
    panel = InsidePanel(network, X, labels, InsideState(index=1, neuron=2))
    before, readout = panel.state, panel.readout.value
    with pytest.raises(error, match=message):
        panel.set_state(**values)
    assert panel.state == before and panel.readout.value == readout


def test_a_stroke_is_round_and_inside_the_pad():
    sketch = Sketch()
    sketch.stroke(140, 40, 140, 240)
    assert sketch.ink[140, 140] == 1 and sketch.ink[140, 100] == 0
    assert sketch.ink.max() == 1 and sketch.ink.min() == 0
    sketch.stroke(-50, -50, 5, 5)  # strokes leaving the pad are clipped, not errors
    assert sketch.ink[0, 0] == 1
    sketch.clear()
    assert not sketch.ink.any()


def test_to_mnist_scales_and_centres_like_mnist():
    sketch = Sketch()
    sketch.stroke(30, 30, 100, 60)  # a small dash in the top-left corner
    image = to_mnist(sketch.ink).reshape(28, 28)
    rows, cols = np.nonzero(image > 0.05)
    assert max(np.ptp(rows), np.ptp(cols)) + 1 in (20, 21)  # the longer side fills 20 pixels
    ys, xs = np.indices(image.shape)
    centre = np.array([(ys * image).sum(), (xs * image).sum()]) / image.sum()
    np.testing.assert_allclose(centre, [14, 14], atol=1.0)
    assert image.min() >= 0 and image.max() <= 1
    assert not to_mnist(np.zeros((280, 280))).any()


def test_resample_keeps_the_average():
    image = np.random.default_rng(1).uniform(0, 1, (37, 23))
    assert resample(image, 20, 12).mean() == pytest.approx(image.mean(), rel=1e-12)


def test_draw_panel_classifies_what_is_drawn(network):
    panel = DrawPanel(network)
    assert "draw a digit" in panel.readout.value
    panel.pen_down(140, 40)
    panel.pen_move(140, 140)
    panel.pen_move(140, 240)
    panel.pen_up(140, 240)
    predicted = network.predict(to_mnist(panel.sketch.ink))
    assert f"<b>{predicted}</b>" in panel.readout.value
    panel.pen_move(10, 10)  # moving with the pen up draws nothing
    assert panel.sketch.ink[10, 10] == 0
    panel.clear()
    assert not panel.sketch.ink.any() and "draw a digit" in panel.readout.value


def test_a_sample_digit_can_be_picked_instead_of_drawn(network):
    X = np.zeros((3, 784))
    X[2, 300:320] = 1.0  # the only 7: a short stroke
    panel = DrawPanel(network, X, np.array([1, 1, 7]))
    assert [value for _, value in panel.sample.options] == [None, 1, 7]
    panel.sample.value = 7
    assert panel.label.value == 7  # "I meant" follows
    assert panel.sketch.ink.sum() == 20 * 100  # each of its pixels is 10x10 pad pixels
    np.testing.assert_allclose(to_mnist(panel.sketch.ink), to_mnist(
        np.kron(X[2].reshape(28, 28), np.ones((10, 10)))))
    assert f"<b>{network.predict(to_mnist(panel.sketch.ink))}</b>" in panel.readout.value
    panel.clear()
    assert panel.sample.value is None and not panel.sketch.ink.any()


def test_monitor_extends_its_curves_per_epoch():
    monitor = TrainingMonitor(epochs=3)
    monitor(EpochRecord(0, 1.0, 0.1, 0.0))
    monitor(EpochRecord(1, 0.5, 0.6, 0.1))
    assert monitor.progress.value == 1
    np.testing.assert_array_equal(monitor.cost_line.get_ydata(), [1.0, 0.5])
    np.testing.assert_array_equal(monitor.accuracy_line.get_ydata(), [0.1, 0.6])
    assert monitor.status.value == "epoch 1/3: cost 0.5000, test accuracy 60.00%"
