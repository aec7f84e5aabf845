"""Lesson 5's "2" view: one digit's wishes, a hidden neuron's wish as a sum, a batch's average."""

import numpy as np
import pytest

from bp_helpers.activations import sigmoid_prime
from bp_helpers.network import Network
from bp_helpers.panels.wishes import (
    BATCH_SIZE,
    WishesPanel,
    WishesState,
    next_example,
    next_mistake,
    stacked_segments,
    wishes_result,
)


@pytest.fixture(scope="module")
def network():
    return Network([784, 16, 16, 10], seed=0)


@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(0)
    labels = np.array([3, 2, 4, 1, 2, 5, 2, 0, 9, 2, 7, 6, 2, 8])
    return rng.uniform(0, 1, (len(labels), 784)), labels


def test_output_wishes_point_up_for_the_right_digit_only(network, digits):
    X, labels = digits
    r = wishes_result(WishesState(index=1, neuron=4), network, X, labels)
    g = network.backprop(X[1], labels[1])
    np.testing.assert_allclose(r.output_wishes, -g.dC_da[-1], rtol=1e-12)
    assert r.label == 2 and r.output_wishes[2] > 0
    assert np.all(np.delete(r.output_wishes, 2) < 0)


def test_a_hidden_wish_is_the_sum_of_what_each_output_neuron_asks(network, digits):
    X, labels = digits
    k = 4
    r = wishes_result(WishesState(index=1, neuron=k), network, X, labels)
    g = network.backprop(X[1], labels[1])
    # w_jk * sigma'(z_j) * wish_j, one term per output neuron j (the video's picture)
    expected = network.W[-1][:, k] * sigmoid_prime(g.zs[-1]) * -g.dC_da[-1]
    np.testing.assert_allclose(r.contributions, expected, rtol=1e-12)
    # ... and they add up to backprop's -dC0/da_k(L-1)
    assert r.hidden_wish == pytest.approx(-g.dC_da[-2][k], rel=1e-12)


def test_the_batch_average_is_the_average_of_each_examples_wishes(network, digits):
    X, labels = digits
    r = wishes_result(WishesState(index=10, neuron=2), network, X, labels)
    np.testing.assert_array_equal(r.batch, [10, 11, 12, 13, 0, 1, 2, 3, 4, 5])  # wraps round
    singles = [wishes_result(WishesState(index=int(i), neuron=2, batch_size=1), network, X,
                           labels) for i in r.batch]
    np.testing.assert_allclose(r.batch_output_wishes,
                               np.mean([s.output_wishes for s in singles], axis=0), rtol=1e-12)
    np.testing.assert_allclose(r.batch_contributions,
                               np.mean([s.contributions for s in singles], axis=0), rtol=1e-12)
    assert r.batch_hidden_wish == pytest.approx(np.mean([s.hidden_wish for s in singles]))
    # The batch's wish for neuron k is what backprop's batch gradient says.
    g = network.backprop(X[r.batch], labels[r.batch])
    assert r.batch_hidden_wish == pytest.approx(-g.dC_da[-2][:, 2].mean(), rel=1e-12)


def test_next_example_and_next_mistake_walk_through_one_digit(network, digits):
    X, labels = digits
    assert next_example(labels, 2, -1) == 1
    assert next_example(labels, 2, 1) == 4
    assert next_example(labels, 2, 12) == 1  # wraps round
    assert next_example(labels, 2, 100) == 1
    twos = np.flatnonzero(labels == 2)
    wrong = twos[network.predict(X[twos]) != 2]
    assert next_mistake(network, X, labels, 2, -1) == (wrong[0] if len(wrong) else None)
    right_net = Network.from_weights([np.zeros((10, 784))], [np.where(np.arange(10) == 2, 9.0,
                                                                      -9.0)])
    assert next_mistake(right_net, X, labels, 2, -1) is None  # says "2" to everything
    assert next_mistake(right_net, X, labels, 3, -1) == 0


def test_stacked_segments_put_positive_parts_right_and_negative_left():
    left, width = stacked_segments([0.5, -0.2, 0.3, -0.1])
    np.testing.assert_allclose(left, [0.0, -0.2, 0.5, -0.3])
    np.testing.assert_allclose(width, [0.5, 0.2, 0.3, 0.1])


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (WishesState(index=14), "index must be 0 to 13, got 14"),
        (WishesState(index=-1), "index must be 0 to 13, got -1"),
        (WishesState(neuron=16), r"neuron \(of the last hidden layer\) must be 0 to 15, got 16"),
        (WishesState(batch_size=0), "batch_size must be 1 to 14, got 0"),
    ],
)
def test_bad_choices_get_clear_errors(network, digits, state, message):
    X, labels = digits
    with pytest.raises(ValueError, match=message):
        wishes_result(state, network, X, labels)


def test_an_index_that_is_not_a_whole_number_is_refused(network, digits):
    # 2.0 in range(14) is True in Python: the old check let it through to numpy.
    X, labels = digits
    with pytest.raises(TypeError, match=r"index must be a whole number, got 2\.0"):
        wishes_result(WishesState(index=2.0), network, X, labels)


def test_other_networks_and_digits_are_refused(digits):
    X, labels = digits
    relu = Network([784, 16, 10], activation="relu", cost="cross_entropy")
    with pytest.raises(ValueError, match=r"the wishes panel needs the lessons' network \(sigmoid "
                                         r"neurons, quadratic cost\), got activation='relu', "
                                         r"cost='cross_entropy'"):
        wishes_result(WishesState(), relu, X, labels)
    with pytest.raises(ValueError, match="digit must be 0 to 9, got 10"):
        next_example(labels, 10, -1)


def test_view_follows_its_buttons(network, digits):
    X, labels = digits
    panel = WishesPanel(network, X, labels, digit=2, neuron=3)
    assert panel.state == WishesState(index=1, neuron=3, batch_size=BATCH_SIZE)
    assert "#1: a 2" in panel.readout.value
    panel.next_button.click()
    assert panel.state.index == 4
    r = wishes_result(panel.state, network, X, labels)
    np.testing.assert_allclose([b.get_height() for b in panel.out_bars], r.output_wishes)
    np.testing.assert_allclose(panel.batch_marks.get_ydata(), r.batch_output_wishes)
    left, width = stacked_segments(r.contributions)
    np.testing.assert_allclose([bars[0].get_x() for bars in panel.sum_bars], left)
    np.testing.assert_allclose([bars[0].get_width() for bars in panel.sum_bars], width)
    assert f"{r.hidden_wish:+.4f}" in panel.readout.value
    panel.neuron.value = 7
    assert panel.state.neuron == 7
    assert f"{wishes_result(panel.state, network, X, labels).hidden_wish:+.4f}" in (
        panel.readout.value)
    panel.digit.value = 9
    assert panel.state.index == 8 and panel.next_button.description == "next 9"
    panel.mistake_button.click()
    wrong = next_mistake(network, X, labels, 9, 8)
    assert panel.state.index == (wrong if wrong is not None else 8)
    panel.digit.value = 2
    assert panel.state.index == 1


def test_view_says_when_there_is_no_mistake_to_show(digits):
    X, labels = digits
    says_two = Network.from_weights([np.zeros((16, 784)), np.zeros((10, 16))],
                                    [np.zeros(16), np.where(np.arange(10) == 2, 9.0, -9.0)])
    panel = WishesPanel(says_two, X, labels, digit=2)
    panel.mistake_button.click()
    assert panel.state.index == 1
    assert "gets every 2 of the test set right" in panel.note.value
    panel.next_button.click()
    assert panel.note.value == ""


def test_view_displays_as_widget_snapshot_and_text(network, digits):
    bundle = WishesPanel(network, *digits)._repr_mimebundle_()
    assert bundle["image/png"].startswith(b"\x89PNG")
    assert bundle["text/plain"].startswith("The '2' example")


@pytest.mark.parametrize(("X", "labels", "message"), [
    (lambda X: X, lambda y: y[:5], r"labels must hold one label per example of X, 14, got "
                                   r"shape \(5,\)"),
    (lambda X: X[:, :100], lambda y: y, r"X must be test examples as rows, of shape \(m, 784\), "
                                        r"got shape \(14, 100\)"),
    (lambda X: X[0], lambda y: y, r"got shape \(784,\)"),
])
def test_examples_and_labels_that_do_not_match_are_named(network, digits, X, labels, message):
    images, digit_labels = digits
    with pytest.raises(ValueError, match=message):
        WishesPanel(network, X(images), labels(digit_labels))
    with pytest.raises(ValueError, match=message):
        wishes_result(WishesState(), network, X(images), labels(digit_labels))


def test_a_digit_that_is_not_a_digit_is_named(network, digits):
    with pytest.raises(ValueError, match="digit must be 0 to 9, got 12"):
        WishesPanel(network, *digits, digit=12)


def test_the_plots_numbers_are_in_a_table_row_per_output(network, digits):
    import re

    panel = WishesPanel(network, *digits, digit=2, neuron=3)
    r = panel.result
    rows = re.findall(r"<tr><th scope='row'>(\d)</th>((?:<td>[^<]*</td>){4})</tr>",
                      panel.numbers.value)
    assert [int(j) for j, _ in rows] == list(range(10))
    first = [float(v) for v in re.findall(r"<td>([^<]*)</td>", rows[0][1])]
    np.testing.assert_allclose(first, [r.output_wishes[0], r.contributions[0],
                                       r.batch_output_wishes[0], r.batch_contributions[0]],
                               atol=5e-5)
    assert "hidden neuron k = 3" in panel.numbers.value
    assert panel.numbers in panel.widget.children
