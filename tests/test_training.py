"""Mini-batch SGD, its fast trainer, and its divergence guard."""

import dataclasses
import re

import numpy as np
import pytest

from bp_helpers.activations import Activation, sigmoid, sigmoid_prime
from bp_helpers.data import load_mnist
from bp_helpers.fast_trainer import SAME_OUTPUT, Trainer
from bp_helpers.network import COSTS, Network, one_hot
from bp_helpers.recipes import RECIPES
from bp_helpers.training import EpochRecord, History, sgd

rng = np.random.default_rng(0)
CENTRES = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
LABELS = rng.integers(0, 3, 300)
X = CENTRES[LABELS] + 0.7 * rng.standard_normal((300, 2))  # three blobs, one per class


def blobs_network(activation="sigmoid", cost="quadratic", seed=0):
    return Network([2, 8, 3], activation, cost, seed=seed)


def replay(network, X, Y, epochs, batch_size, lr, seed):
    """SGD spelled out with Network.backprop: the reference for sgd's fast path."""
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            dC_dW, dC_db = network.backprop(X[batch], Y[batch])
            for param, gradient in zip(network.W + network.b, dC_dW + dC_db, strict=True):
                param -= lr * gradient


def weights(network):
    return network.W + network.b


@pytest.fixture(scope="module")
def digits():
    """The embedded MNIST subset: 4,000 training and 1,000 test digits."""
    return load_mnist("embedded")


# Training


@pytest.mark.parametrize("cost", COSTS)
def test_training_lowers_the_cost_and_learns_the_blobs(cost):
    network = blobs_network(cost=cost)
    history = sgd(network, X, LABELS, epochs=10, batch_size=10, lr=1.0,
                  X_test=X[:100], y_test=LABELS[:100])
    assert history.stopped is None
    assert history.epochs == list(range(11))
    assert history.costs[-1] < 0.2 * history.costs[0]
    assert history.test_accuracies[0] < 0.9 < history.test_accuracies[-1]
    assert network.accuracy(X, LABELS) > 0.9
    np.testing.assert_allclose(network.cost(X, LABELS), history.costs[-1], rtol=1e-4)


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
@pytest.mark.parametrize("cost", COSTS)
def test_the_fast_path_takes_exactly_the_steps_of_backprop(activation, cost):
    X23, Y23 = X[:23], one_hot(LABELS[:23], 3)  # batches of 5, 5, 5, 5 and 3
    network, reference = blobs_network(activation, cost), blobs_network(activation, cost)
    sgd(network, X23, Y23, epochs=3, batch_size=5, lr=0.3, seed=4, dtype=np.float64)
    replay(reference, X23, Y23, epochs=3, batch_size=5, lr=0.3, seed=4)
    for got, expected in zip(weights(network), weights(reference), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13)


def test_float32_training_stays_close_to_float64():
    network32, network64 = blobs_network(), blobs_network()
    sgd(network32, X, LABELS, epochs=2, batch_size=10, lr=1.0)
    sgd(network64, X, LABELS, epochs=2, batch_size=10, lr=1.0, dtype=np.float64)
    for w32, w64 in zip(weights(network32), weights(network64), strict=True):
        assert w32.dtype == np.float64
        np.testing.assert_allclose(w32, w64, rtol=1e-4, atol=1e-5)


def test_a_custom_activation_trains_like_the_built_in_one():
    mine = Activation("my sigmoid", sigmoid, sigmoid_prime)
    network, reference = blobs_network(mine), blobs_network()
    sgd(network, X, LABELS, epochs=2, batch_size=32, lr=1.0, dtype=np.float64)
    sgd(reference, X, LABELS, epochs=2, batch_size=32, lr=1.0, dtype=np.float64)
    for got, expected in zip(weights(network), weights(reference), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


def test_the_same_seed_gives_the_same_weights_bit_for_bit():
    runs = [blobs_network() for _ in range(3)]
    for network, seed in zip(runs, (7, 7, 8), strict=True):
        sgd(network, X, LABELS, epochs=3, batch_size=16, lr=0.5, seed=seed)
    for a, b, c in zip(*map(weights, runs), strict=True):
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)


def test_a_batch_larger_than_the_data_is_one_step_per_epoch():
    network, reference = blobs_network(), blobs_network()
    sgd(network, X[:7], LABELS[:7], epochs=1, batch_size=50, lr=0.5, dtype=np.float64)
    replay(reference, X[:7], one_hot(LABELS[:7], 3), epochs=1, batch_size=7, lr=0.5, seed=0)
    for got, expected in zip(weights(network), weights(reference), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_the_callback_sees_every_record_with_the_network_up_to_date():
    network = blobs_network()
    seen = []

    def callback(record):
        seen.append((record, network.cost(X, LABELS)))

    history = sgd(network, X, LABELS, epochs=3, batch_size=10, lr=1.0, callback=callback)
    assert isinstance(history, History) and [r for r, _ in seen] == history.records
    assert all(isinstance(r, EpochRecord) and r.test_accuracy is None for r in history.records)
    assert history.records[0].seconds == 0.0 and history.records[1].seconds > 0
    for record, cost in seen:
        np.testing.assert_allclose(record.cost, cost, rtol=1e-4)


def test_small_matrices_run_on_one_blas_thread():
    history = sgd(blobs_network(), X, LABELS, epochs=1, batch_size=10, lr=1.0)
    assert history.blas_threads == 1


def test_the_records_hold_the_networks_cost_and_accuracy_on_mnist(digits):
    network = Network([784, 16, 16, 10], seed=0)  # W(1) @ x is done 79 rows at a time
    history = sgd(network, digits.X_train, digits.y_train, epochs=1, batch_size=10, lr=0.3,
                  X_test=digits.X_test, y_test=digits.y_test)
    np.testing.assert_allclose(history.costs[-1], network.cost(digits.X_train, digits.y_train),
                               rtol=1e-5)
    assert history.test_accuracies[-1] == pytest.approx(
        network.accuracy(digits.X_test, digits.y_test), abs=0.002)


def test_saturated_starting_weights_train_without_warnings():
    network = blobs_network()
    network.W[0] *= 1000  # exp(-z) overflows to inf, correctly giving sigma(z) = 0
    history = sgd(network, X, LABELS, epochs=2, batch_size=10, lr=1.0)  # warnings are errors
    assert history.epochs == [0, 1, 2]


# The divergence guard


def test_a_huge_learning_rate_stops_with_advice_and_finite_weights():
    network = blobs_network("relu", "cross_entropy")
    before = [p.copy() for p in weights(network)]
    history = sgd(network, X, LABELS, epochs=5, batch_size=10, lr=100.0)
    assert history.stopped.startswith("Training stopped in epoch 1 of 5: the cost became nan")
    assert "lr=100 is probably too large" in history.stopped and "lr=10." in history.stopped
    assert "weights it had before training" in history.stopped
    assert history.epochs == [0]
    for p, b in zip(weights(network), before, strict=True):
        np.testing.assert_array_equal(p, b)


def inject_after(monkeypatch, steps, poison):
    """Make Trainer.step apply `poison` to the weights after `steps` steps."""
    step, count = Trainer.step, [0]

    def poisoned_step(self, *args):
        step(self, *args)
        count[0] += 1
        if count[0] == steps:
            poison(self.Wb)

    monkeypatch.setattr(Trainer, "step", poisoned_step)


def test_nan_mid_training_restores_the_last_good_epoch(monkeypatch):
    expected = blobs_network()
    sgd(expected, X, LABELS, epochs=2, batch_size=10, lr=1.0)
    network = blobs_network()
    inject_after(monkeypatch, 75, lambda Wb: Wb[0].__setitem__((0, 0), np.nan))  # in epoch 3
    records = []
    history = sgd(network, X, LABELS, epochs=4, batch_size=10, lr=1.0, callback=records.append)
    assert history.stopped.startswith("Training stopped in epoch 3 of 4")
    assert "weights it had after epoch 2" in history.stopped
    assert history.epochs == [0, 1, 2] and records == history.records
    for got, good in zip(weights(network), weights(expected), strict=True):
        np.testing.assert_array_equal(got, good)


def test_an_exploding_cost_stops_training(monkeypatch):
    network = Network([2, 8, 3], "relu", seed=0)
    inject_after(monkeypatch, 30, lambda Wb: Wb[-1][:, -1].__iadd__(1e4))  # end of epoch 1
    history = sgd(network, X, LABELS, epochs=2, batch_size=10, lr=0.1)
    assert "the cost exploded to 3e+08, more than 2 times its value before training, 0.831" in (
        history.stopped)
    assert all(np.isfinite(p).all() for p in weights(network))


@pytest.mark.parametrize(("name", "problem"), [
    ("sigmoid", "the network now gives almost the same output for every training example, "
                "and its neurons saturated (a sigmoid stuck at 0 or 1, a ReLU at 0)"),
    ("relu", "the cost exploded to"),
])
def test_lr_100_stops_either_recipe_with_advice_and_the_weights_before(digits, name, problem):
    recipe = dataclasses.replace(RECIPES[name], lr=100.0, epochs=3, lr_drops=())
    network, history = recipe.train(digits)
    assert history.stopped.startswith(f"Training stopped in epoch 1 of 3: {problem}")
    assert "lr=100 is probably too large: try a smaller one, such as lr=10." in history.stopped
    assert history.stopped.endswith("The network keeps the weights it had before training.")
    assert history.epochs == [0]
    for got, start in zip(weights(network), weights(recipe.network()), strict=True):
        np.testing.assert_array_equal(got, start)


def test_a_dying_network_keeps_the_last_epoch_with_varied_outputs(monkeypatch):
    def switch_every_output_off(Wb):
        Wb[-1][:, -1] = -1e3  # output biases: every sigmoid output is 0 from now on

    network = blobs_network()
    inject_after(monkeypatch, 60, switch_every_output_off)  # at the end of epoch 2
    history = sgd(network, X, LABELS, epochs=4, batch_size=10, lr=1.0)
    assert history.stopped.startswith("Training stopped in epoch 2 of 4: the network now gives "
                                      "almost the same output for every training example")
    assert history.epochs == [0, 1]
    assert network.accuracy(X, LABELS) > 0.8


def test_a_network_that_starts_out_constant_is_stopped_when_it_collapses_later(monkeypatch):
    """The collapse is judged against the epoch before, not against the start."""
    def constant_start():
        network = blobs_network()
        network.W[-1][:] = 0  # the same output for every example, not saturated
        return network

    def spread(network):
        return Trainer(network, np.float64).evaluate(X, one_hot(LABELS, 3)).spread

    once = constant_start()
    assert spread(once) < SAME_OUTPUT
    sgd(once, X, LABELS, epochs=1, batch_size=10, lr=1.0)
    assert spread(once) >= SAME_OUTPUT  # epoch 1 spreads the outputs out
    network = constant_start()
    inject_after(monkeypatch, 60, lambda Wb: Wb[-1][:, -1].__setitem__(slice(None), -1e3))
    history = sgd(network, X, LABELS, epochs=3, batch_size=10, lr=1.0)
    assert history.stopped.startswith("Training stopped in epoch 2 of 3: the network now gives "
                                      "almost the same output for every training example")
    assert history.epochs == [0, 1]


def saturate_the_outputs(network):
    network.b[-1][:] = -1e3  # every sigmoid output is 0 on every example


def blank_the_hidden_layer(network):
    network.b[0][:] = -1e3  # every ReLU of the hidden layer is 0 on every example


def silence_the_output_weights(network):
    network.W[-1][:] = 0  # the same output for every example, but not saturated


@pytest.mark.parametrize(("activation", "change", "stuck"), [
    ("sigmoid", saturate_the_outputs, True),
    ("relu", blank_the_hidden_layer, True),
    ("sigmoid", silence_the_output_weights, False),  # like random labels: nothing to learn
    ("sigmoid", lambda network: network, False),  # untouched
])
def test_a_network_cannot_learn_once_no_gradient_flows_back(activation, change, stuck):
    network = blobs_network(activation)
    change(network)
    assert Trainer(network, np.float64).cannot_learn(X) == stuck


def test_a_network_that_starts_out_constant_is_not_stopped():
    network = Network([2, 8, 3], "relu", "cross_entropy", seed=0)
    for w in network.W:
        w[...] = 0  # ReLU(0) = 0 and ReLU'(0) = 0: only the output biases can learn
    history = sgd(network, X, LABELS, epochs=3, batch_size=10, lr=0.5)
    assert history.stopped is None and history.epochs == [0, 1, 2, 3]


def test_continuing_to_train_tolerates_the_ups_and_downs_of_sgd():
    X23, Y23 = X[:23], one_hot(LABELS[:23], 3)  # few examples, small batches: a noisy walk
    network = blobs_network("tanh")
    sgd(network, X23, Y23, epochs=1, batch_size=5, lr=0.3, seed=4)
    history = sgd(network, X23, Y23, epochs=3, batch_size=5, lr=0.3, seed=4)
    assert history.costs[2] > 3 * history.costs[0] and history.costs[3] < history.costs[0]
    assert history.costs[2] < 2 * COSTS["quadratic"].lowest_constant_cost(Y23)
    assert history.stopped is None


def test_the_constant_output_cost_is_the_variance_or_the_entropy():
    Y = one_hot(np.arange(10), 10)
    assert COSTS["quadratic"].lowest_constant_cost(Y) == pytest.approx(0.9)
    assert COSTS["cross_entropy"].lowest_constant_cost(Y) == pytest.approx(np.log(10))
    assert COSTS["cross_entropy"].lowest_constant_cost(one_hot([0, 0, 1, 1], 3)) == (
        pytest.approx(np.log(2)))


# Checks at the boundary

BAD_CALLS = [
    (dict(epochs=0), ValueError, "epochs must be at least 1, got 0"),
    (dict(epochs=2.5), TypeError, "epochs must be a whole number, got 2.5"),
    (dict(batch_size=0), ValueError, "batch_size must be at least 1"),
    (dict(batch_size=True), TypeError, "batch_size must be a whole number"),
    (dict(lr=-0.1), ValueError, "the learning rate lr must be positive, got -0.1"),
    (dict(lr=np.nan), ValueError, "lr must be finite"),
    (dict(lr="fast"), TypeError, "lr must be a number"),
    (dict(X_test=X), ValueError, "give both X_test and y_test, or neither"),
    (dict(X_test=X[:5], y_test=[0, 1, 2, 3, 0]), ValueError, "labels must be whole numbers"),
    (dict(X_test=X[:, :1], y_test=LABELS), ValueError, "expected 2 inputs per example, got 1"),
    (dict(callback="print"), TypeError, "callback must be a function"),
    (dict(dtype=np.float16), ValueError, "dtype must be float32 or float64, got float16"),
    (dict(X=X[:, :1]), ValueError, "expected 2 inputs per example, got 1"),
    (dict(Y=LABELS[:10]), ValueError, "expected 300 labels"),
]


@pytest.mark.parametrize(("change", "error", "message"), BAD_CALLS)
def test_bad_arguments_get_a_clear_error(change, error, message):
    arguments = dict(X=X, Y=LABELS, epochs=1, batch_size=10, lr=1.0) | change
    with pytest.raises(error, match=message):
        sgd(blobs_network(), **arguments)


def test_a_network_with_nan_weights_is_refused():
    network = blobs_network()
    network.b[1][2] = np.nan
    with pytest.raises(ValueError, match=r"the network's b\[1\] must be finite"):
        sgd(network, X, LABELS, epochs=1, batch_size=10, lr=1.0)


# Inputs too large for float32


@pytest.mark.parametrize(("change", "name"), [
    (dict(X=np.where(X > 2.5, 1e39, X)), "X"),
    (dict(X_test=np.full((3, 2), -1e39), y_test=[0, 1, 2]), "X_test"),
])
def test_inputs_too_large_for_float32_are_refused_with_the_reason(change, name):
    arguments = dict(X=X, Y=LABELS, epochs=1, batch_size=10, lr=1.0) | change
    with pytest.raises(ValueError, match=rf"^{name} must fit in float32, the precision training "
                                         r"computes in \(numbers up to 3.4e\+38 in size\), got "
                                         r"-?1e\+39 at index \(\d+, \d\); scale the inputs"):
        sgd(blobs_network(), **arguments)
    arguments |= dict(dtype=np.float64)  # as the message suggests
    assert sgd(blobs_network(), **arguments).stopped is None


@pytest.mark.parametrize("cost", COSTS)
def test_inputs_that_overflow_the_sums_are_refused_before_training(cost):
    network = blobs_network("relu", cost)  # a ReLU passes inf on: then inf - inf = nan
    records = []
    with pytest.raises(ValueError, match=r"the cost before any training is (nan|inf): computed in "
                                         r"float32, the sums z = W a \+ b overflow \(the "
                                         r"largest input is 3e\+38 in size"):
        sgd(network, np.full((30, 2), 3e38), LABELS[:30], epochs=1, batch_size=10, lr=1.0,
            callback=records.append)
    assert records == []  # nothing nan reaches a live plot


def test_weights_too_large_for_float32_are_refused():
    network = blobs_network()
    network.W[1][0, 0] = 1e40
    with pytest.raises(ValueError, match=r"the network's W\[1\] must fit in float32.*use smaller"):
        sgd(network, X, LABELS, epochs=1, batch_size=10, lr=1.0)


# A broken backprop is blamed, not the learning rate


def flipped(network, X, Y):
    """Network.backprop with the sign of its last weight matrix's gradient flipped."""
    dC_dW, dC_db = Network.backprop(network, X, Y)
    return [*dC_dW[:-1], -dC_dW[-1]], dC_db


def with_nan(network, X, Y):
    dC_dW, dC_db = Network.backprop(network, X, Y)
    return [g * np.nan for g in dC_dW], dC_db


@pytest.mark.parametrize(("backprop", "lr", "why"), [
    (flipped, 0.01, r"a step against its dC_dW\[1\], of any size from 0.1 down to 1e-8 times "
                    r"it, raises the cost, so it points downhill, not uphill"),
    (flipped, 100.0, r"a step against its dC_dW\[1\], .*uphill"),
    (with_nan, 0.01, r"its dC_dW\[0\] holds nan or infinite values"),
])
def test_a_backprop_that_points_the_wrong_way_is_blamed_at_any_lr(backprop, lr, why):
    history = sgd(blobs_network("relu", "cross_entropy"), X, LABELS, epochs=20, batch_size=10,
                  lr=lr, backprop=backprop)
    assert re.search(rf"\. The gradient looks wrong, not the learning rate: {why}\. Check the "
                     r"backprop with gradcheck.check_gradients before training with it\. The "
                     r"network keeps the weights it had", history.stopped)
    assert "probably too large" not in history.stopped


def test_a_right_backprop_with_a_huge_lr_is_told_to_lower_the_lr():
    history = sgd(blobs_network("relu", "cross_entropy"), X, LABELS, epochs=5, batch_size=10,
                  lr=100.0, backprop=Network.backprop)
    assert "The learning rate lr=100 is probably too large" in history.stopped
    assert "gradient looks wrong" not in history.stopped


def test_one_dead_neuron_does_not_make_a_layer_blank():
    """The guard's spread is the layer's largest range over its neurons: one ReLU stuck
    at 0 beside live ones still lets the gradient through."""
    network = blobs_network("relu")
    network.b[0][0] = -1e3  # hidden neuron 0 is 0 on every example; the other 7 are alive
    assert not Trainer(network, np.float64).cannot_learn(X)


def test_a_healthy_softmax_network_can_learn():
    assert not Trainer(blobs_network("sigmoid", "cross_entropy"), np.float64).cannot_learn(X)
    assert not Trainer(blobs_network("relu", "cross_entropy"), np.float64).cannot_learn(X)


def test_a_network_already_at_zero_cost_is_not_stopped():
    """The cost may reach the ceiling (here 0 = 0) without exploding: only above it is."""
    network = blobs_network("sigmoid")
    network.W[-1][:] = 0
    network.b[-1][:] = (1e3, -1e3, -1e3)  # outputs exactly (1, 0, 0): label 0's one-hot
    labels = np.zeros(len(X), dtype=int)  # every example is a 0, so C = 0 from the start
    history = sgd(network, X, labels, epochs=2, batch_size=10, lr=0.5, dtype=np.float64)
    assert history.costs[0] == 0.0
    assert history.stopped is None and history.epochs == [0, 1, 2]


def test_a_weight_that_became_infinite_stops_training_even_when_the_cost_is_finite():
    """A float32 weight of -inf into a sigmoid output leaves that output at 0 and the
    cost finite; the guard still stops, and the network keeps its weights from before."""
    network = blobs_network("sigmoid")
    before = [w.copy() for w in network.W]

    def one_huge_gradient(network, X, Y):
        dC_dW, dC_db = network.backprop(X, Y)
        dC_dW[-1][0, 0] = 1e300  # the step overflows float32 to -inf
        return dC_dW, dC_db

    history = sgd(network, X, LABELS, epochs=2, batch_size=300, lr=1.0,
                  backprop=one_huge_gradient)
    assert history.stopped is not None and "a weight became nan or infinite" in history.stopped
    for w, w_before in zip(network.W, before, strict=True):
        np.testing.assert_array_equal(w, w_before)


# The schedule, the records every N steps, and the one step


def test_a_schedule_of_phases_is_one_call_with_a_new_order_seed_per_phase():
    network, by_hand = blobs_network(), blobs_network()
    history = sgd(network, X, LABELS, epochs=3, batch_size=10, lr=[(2, 1.0), (1, 0.1)], seed=5)
    first = sgd(by_hand, X, LABELS, epochs=2, batch_size=10, lr=1.0, seed=5)
    second = sgd(by_hand, X, LABELS, epochs=1, batch_size=10, lr=0.1, seed=6)
    for got, expected in zip(weights(network), weights(by_hand), strict=True):
        np.testing.assert_array_equal(got, expected)
    assert history.costs == first.costs + second.costs[1:]
    assert history.epochs == [0, 1, 2, 3]


@pytest.mark.parametrize(("lr", "message"), [
    ([(2, 1.0)], "the learning-rate schedule's phases add up to 2 epochs, expected epochs = 3"),
    ([(3, 1.0, 2)], r"a learning-rate schedule is \(epochs, lr\) phases"),
    ([(3, -1.0)], "the learning rate lr must be positive, got -1.0"),
])
def test_a_bad_schedule_gets_a_clear_error(lr, message):
    with pytest.raises(ValueError, match=message):
        sgd(blobs_network(), X, LABELS, epochs=3, batch_size=10, lr=lr)


@pytest.mark.parametrize("backprop", [None, Network.backprop])
def test_record_every_n_steps_records_the_whole_sets_cost(backprop):
    network = blobs_network()
    history = sgd(network, X, LABELS, epochs=2, batch_size=10, lr=1.0, record_every=10,
                  backprop=backprop, dtype=np.float64)
    assert [step for step, _ in history.step_costs] == list(range(10, 61, 10))  # 30 per epoch
    costs = dict(history.step_costs)
    assert costs[30] == pytest.approx(history.costs[1], rel=1e-12)
    assert costs[60] == pytest.approx(history.costs[2], rel=1e-12)
    assert costs[10] != costs[20]


def test_the_fast_trainer_computes_network_backprops_gradient():
    """One step of the fast trainer at lr = 1 moves [W | b] by exactly -dC/d[W | b]."""
    for activation, cost in (("sigmoid", "quadratic"), ("relu", "cross_entropy")):
        network = blobs_network(activation, cost)
        trainer = Trainer(network, np.float64)
        before = [Wb.copy() for Wb in trainer.Wb]
        Y = one_hot(LABELS[:7], 3)
        trainer.step(np.column_stack([X[:7], np.ones(7)]), Y, lr=1.0)
        dC_dW, dC_db = network.backprop(X[:7], Y)
        for old, new, w, b in zip(before, trainer.Wb, dC_dW, dC_db, strict=True):
            np.testing.assert_allclose(old - new, np.column_stack([w, b]), rtol=1e-10,
                                       atol=1e-15)
