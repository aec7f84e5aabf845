"""Lesson 4's logic: the full cost's gradient, descent steps, the two-parameter slice, runs."""

import numpy as np
import pytest

from bp_helpers import training
from bp_helpers.data import load_digits
from bp_helpers.descent import (
    HIDDEN_K,
    OUTPUT_J,
    START,
    WINDOW,
    CostSlice,
    descend,
    gradient_step,
    gradient_vector,
    head_start,
    parameter_vector,
    per_example_gradients,
    same_output_cost,
    saturated_neurons,
    train_run,
)
from bp_helpers.descent.cost_slice import batch_gradient
from bp_helpers.network import Network
from bp_helpers.training import sgd


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    return data.X_train, data.y_train


@pytest.fixture(scope="module")
def network(digits):
    return head_start(*digits)


@pytest.fixture(scope="module")
def cost_slice(network, digits):
    return CostSlice.from_network(network, *digits, j=OUTPUT_J, k=HIDDEN_K)


def with_slice_values(network, j, k, w, b):
    """A copy of network with W[-1][j, k] = w and b[-1][j] = b."""
    changed = network.copy()
    changed.W[-1][j, k], changed.b[-1][j] = w, b
    return changed


# The full cost and its gradient


def test_the_mean_of_the_per_example_gradients_is_the_batch_gradient(digits):
    X, y = digits[0][:40], digits[1][:40]
    network = Network([64, 16, 10], seed=3)
    dC0_dW, dC0_db = per_example_gradients(network, X, y)
    dC_dW, dC_db = network.backprop(X, y)
    assert [g.shape for g in dC0_dW] == [(40, 16, 64), (40, 10, 16)]
    assert [g.shape for g in dC0_db] == [(40, 16), (40, 10)]
    for each, gradient in zip(dC0_dW + dC0_db, dC_dW + dC_db, strict=True):
        np.testing.assert_allclose(each.mean(axis=0), gradient, rtol=0, atol=1e-14)
    # each is backprop on that example alone
    np.testing.assert_allclose(dC0_dW[0][7], network.backprop(X[7], y[7]).dC_dW[0], atol=1e-15)


def test_the_gradient_vector_holds_every_partial_derivative_in_parameter_order(digits):
    X, y = digits[0][:60], digits[1][:60]
    network = Network([64, 16, 10], seed=1)
    grad = gradient_vector(network, X, y)
    dC_dW, dC_db = network.backprop(X, y)
    assert grad.values.shape == (1210,) and len(grad.names) == 1210
    assert grad.names[0] == "w(1)[0, 0]" and grad.names[64] == "w(1)[1, 0]"
    assert grad.names[16 * 64] == "b(1)[0]" and grad.names[-1] == "b(2)[9]"
    index = grad.names.index("w(2)[3, 4]")
    assert grad.values[index] == dC_dW[1][3, 4]
    assert grad.values[grad.names.index("b(1)[5]")] == dC_db[0][5]
    w = parameter_vector(network)
    assert w[index] == network.W[1][3, 4]
    stepped = parameter_vector(gradient_step(network, X, y, lr=0.5))
    np.testing.assert_allclose(stepped, w - 0.5 * grad.values, rtol=0, atol=1e-15)
    largest = grad.largest(3)
    sizes = [abs(v) for _, v in largest]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == np.abs(grad.values).max()
    with pytest.raises(ValueError, match="count must be at least 1, got 0"):
        grad.largest(0)


def test_same_output_cost_is_the_targets_variance():
    assert same_output_cost(np.arange(10).repeat(3)) == pytest.approx(0.9)
    assert same_output_cost(np.array([1, 1, 1, 1])) == 0.0
    y = np.array([0, 0, 0, 1])
    assert same_output_cost(y) == pytest.approx(2 * 0.75 * 0.25)
    # ... which is what a network answering the average target costs
    best = Network.from_weights([np.zeros((10, 3))], [np.zeros(10)])
    best.b[0][:] = np.log(np.array([0.75, 0.25] + [1e-300] * 8) /
                          (1 - np.array([0.75, 0.25] + [1e-300] * 8)))
    assert best.cost(np.zeros((4, 3)), y) == pytest.approx(same_output_cost(y))


def test_sgd_records_what_the_epoch_it_rejected_did(digits, monkeypatch):
    """The rejected epoch's cost and saturation, as the same epoch run in full shows them."""
    X, y = digits
    reference = Network([64, 16, 10], seed=0)
    sgd(reference, X, y, epochs=2, batch_size=10, lr=1.0, seed=4, dtype=np.float64)
    kept = Network([64, 16, 10], seed=0)
    monkeypatch.setattr(training, "_divergence",
                        lambda start, ceiling, last, now, trainer, X, calls=[]:
                        calls.append(1) or ("made up" if len(calls) == 2 else None))
    history = sgd(kept, X, y, epochs=3, batch_size=10, lr=1.0, seed=4, dtype=np.float64)
    assert history.stopped.startswith("Training stopped in epoch 2 of 3: made up")
    assert history.rejected.epoch == 2
    assert history.rejected.cost == pytest.approx(reference.cost(X, y), rel=1e-9)
    assert history.rejected.saturated == saturated_neurons(reference, X)[0]
    assert history.epochs == [0, 1]  # the network keeps epoch 1's weights


def test_a_small_step_keeps_the_first_order_promise_and_a_huge_one_does_not(network, digits):
    X, y = digits
    C = network.cost(X, y)
    dC_dW, dC_db = network.backprop(X, y)
    squared_length = sum(np.sum(g**2) for g in dC_dW + dC_db)
    W_before = [w.copy() for w in network.W]
    for lr in (1e-3, 1e-2):
        change = gradient_step(network, X, y, lr).cost(X, y) - C
        assert change < 0
        assert change == pytest.approx(-lr * squared_length, rel=2e-2)
    assert gradient_step(network, X, y, 100.0).cost(X, y) > C
    for before, after in zip(W_before, network.W, strict=True):  # the original is untouched
        np.testing.assert_array_equal(before, after)


def test_gradient_step_moves_against_the_gradient(network, digits):
    X, y = digits[0][:50], digits[1][:50]
    stepped = gradient_step(network, X, y, 0.5)
    dC_dW, dC_db = network.backprop(X, y)
    np.testing.assert_allclose(stepped.W[1], network.W[1] - 0.5 * dC_dW[1], atol=1e-15)
    np.testing.assert_allclose(stepped.b[0], network.b[0] - 0.5 * dC_db[0], atol=1e-15)


# The slice


def test_slice_cost_is_the_networks_cost(network, digits, cost_slice):
    X, y = digits
    assert cost_slice.n == len(X)
    assert cost_slice.cost(cost_slice.w0, cost_slice.b0) == pytest.approx(network.cost(X, y),
                                                                          rel=1e-13)
    for w, b in [(0.0, -4.0), (-3.0, 0.2), (8.0, 5.0)]:
        changed = with_slice_values(network, OUTPUT_J, HIDDEN_K, w, b)
        assert cost_slice.cost(w, b) == pytest.approx(changed.cost(X, y), rel=1e-13)
    costs = cost_slice.cost(np.array([0.0, -3.0]), np.array([-4.0, 0.2]))
    assert costs.shape == (2,) and costs[0] == pytest.approx(cost_slice.cost(0.0, -4.0))


@pytest.mark.parametrize("rows", [None, np.arange(10), np.array([5, 50, 500])])
def test_slice_gradient_is_backprops(network, digits, cost_slice, rows):
    X, y = digits
    if rows is not None:
        X, y = X[rows], y[rows]
    w, b = 0.5, -2.0
    dC_dW, dC_db = with_slice_values(network, OUTPUT_J, HIDDEN_K, w, b).backprop(X, y)
    dC_dw, dC_db_slice = cost_slice.gradient(w, b, rows)
    assert dC_dw == pytest.approx(dC_dW[-1][OUTPUT_J, HIDDEN_K], rel=1e-12)
    assert dC_db_slice == pytest.approx(dC_db[-1][OUTPUT_J], rel=1e-12)


@pytest.mark.parametrize("rows", [np.array([3]), np.arange(10), np.arange(1347)])
@pytest.mark.parametrize(("w", "b"), [(0.0, -4.0), (500.0, -800.0), (-1e4, 3.0)])
def test_the_fast_descent_step_computes_the_slice_gradient(cost_slice, rows, w, b):
    s = cost_slice
    fast = batch_gradient(w, b, s.a_k[rows].tolist(), s.rest[rows].tolist(),
                          s.y_j[rows].tolist())
    assert fast == pytest.approx(cost_slice.gradient(w, b, rows), rel=1e-10, abs=1e-300)


def test_grid_is_finite_and_has_its_valley_inside(cost_slice):
    w, b, C = cost_slice.grid(*WINDOW, num=41)
    assert w.shape == (41,) and b.shape == (41,) and C.shape == (41, 41)
    assert np.all(np.isfinite(C))
    assert np.all(C >= cost_slice.others) and np.all(C <= cost_slice.others + 1)
    assert C[3, 7] == pytest.approx(cost_slice.cost(w[7], b[3]))
    i, j = np.unravel_index(np.argmin(C), C.shape)
    assert 0 < i < 40 and 0 < j < 40  # the lowest point is not on the edge
    assert np.min(C) < cost_slice.cost(*START) < np.max(C)


def test_slice_cost_is_finite_far_out(cost_slice):
    C = cost_slice.cost(np.array([-1e6, 1e6, 0.0]), np.array([1e6, -1e6, 1e8]))
    assert np.all(np.isfinite(C))


# Descent on the slice


def test_full_batch_descent_with_a_small_lr_goes_downhill_every_step(cost_slice):
    path = descend(cost_slice, START, lr=5.0, batch_size=cost_slice.n, epochs=30)
    assert path.full_batch and path.steps == 30
    np.testing.assert_array_equal(path.recorded, np.arange(31))  # every step recorded
    assert np.all(np.diff(path.cost) < 0)
    assert path.cost[0] == pytest.approx(cost_slice.cost(*START))


def test_mini_batches_reach_the_valley_with_less_reading(cost_slice):
    full = descend(cost_slice, START, lr=10.0, batch_size=cost_slice.n, epochs=20)
    mini = descend(cost_slice, START, lr=10.0, batch_size=10, epochs=2)
    assert mini.examples[-1] * 10 == full.examples[-1]
    assert mini.final_cost < full.final_cost
    lowest = np.min(cost_slice.grid(*WINDOW)[2])
    assert mini.final_cost - lowest < 0.1 * (full.cost[0] - lowest)


def test_descent_counts_steps_and_examples(cost_slice):
    n = cost_slice.n  # 1347 = 134 batches of 10 and one of 7
    path = descend(cost_slice, START, lr=1.0, batch_size=10, epochs=3, max_points=50)
    assert path.steps == 3 * 135 and len(path.w) == len(path.b) == len(path.examples) == 406
    assert path.examples[0] == 0 and path.examples[1] == 10 and path.examples[135] == n
    assert path.examples[-1] == 3 * n
    assert set(np.diff(path.examples)) == {10, 7}
    assert path.recorded[0] == 0 and path.recorded[-1] == path.steps
    assert len(path.recorded) == len(path.cost) <= 50
    assert path.cost[-1] == pytest.approx(cost_slice.cost(path.w[-1], path.b[-1]))
    assert not path.full_batch


def test_sgd_is_reproducible_from_its_seed(cost_slice):
    first = descend(cost_slice, START, lr=3.0, batch_size=3, epochs=1, seed=5)
    again = descend(cost_slice, START, lr=3.0, batch_size=3, epochs=1, seed=5)
    other = descend(cost_slice, START, lr=3.0, batch_size=3, epochs=1, seed=6)
    np.testing.assert_array_equal(first.w, again.w)
    np.testing.assert_array_equal(first.cost, again.cost)
    assert not np.array_equal(first.w, other.w)


def test_results_are_read_only(cost_slice):
    path = descend(cost_slice, START, lr=1.0, batch_size=100, epochs=1)
    with pytest.raises(ValueError, match="read-only"):
        path.w[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        cost_slice.a_k[0] = 1.0


# Whole-network runs


def test_train_run_records_steps_examples_and_time(digits):
    X, y = digits
    run = train_run(X, y, batch_size=100, lr=3.0, epochs=3)
    np.testing.assert_array_equal(run.epochs, [0, 1, 2, 3])
    np.testing.assert_array_equal(run.steps, [0, 14, 28, 42])
    np.testing.assert_array_equal(run.examples, [0, 1347, 2694, 4041])
    assert run.seconds[0] == 0 and np.all(np.diff(run.seconds) >= 0)
    assert np.all(np.diff(run.cost) < 0) and run.stopped is None
    assert np.all(np.isnan(run.test_accuracy))  # no test set given
    assert (run.saturated, run.neurons) == (0, 26)
    assert not run.full_batch
    assert train_run(X, y, batch_size=len(X), lr=3.0, epochs=2).full_batch


def test_train_run_is_reproducible_and_reports_test_accuracy(digits):
    X, y = digits
    data = load_digits()
    first = train_run(X, y, 10, 3.0, 2, data.X_test, data.y_test)
    again = train_run(X, y, 10, 3.0, 2, data.X_test, data.y_test)
    np.testing.assert_array_equal(first.cost, again.cost)
    assert first.test_accuracy[-1] > 0.8


def test_too_large_a_learning_rate_is_stopped_with_advice_not_an_exception(digits):
    run = train_run(*digits, batch_size=10, lr=30.0, epochs=2)
    # A sigmoid network's cost has a ceiling, so nothing explodes: the neurons saturate,
    # and training.sgd's guard stops there, keeping the weights from before.
    assert "saturated" in run.stopped and "try a smaller one" in run.stopped
    assert run.saturated == 0 and np.isfinite(run.final_cost)
    assert run.epochs_kept == 0 and run.final_cost == run.cost[0]
    # The undone epoch, as sgd recorded it: it saturated most neurons and silenced every output.
    assert run.undone.epoch == 1 and run.undone.saturated > 26 / 2
    assert run.undone.cost == pytest.approx(1.0, abs=1e-4)


def test_saturated_neurons_counts_stuck_sigmoids(digits):
    X = digits[0][:50]
    network = Network([64, 16, 10], seed=0)
    assert saturated_neurons(network, X) == (0, 26)
    network.b[1][:4] = -50.0  # four outputs always off
    network.b[0][:3] = 50.0  # three hidden neurons always on
    assert saturated_neurons(network, X) == (7, 26)
    assert saturated_neurons(network, X[0]) == (7, 26)  # one example works too


# Bad inputs


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(lr=0.0), ValueError, r"lr must be positive, got 0.0"),
        (dict(lr=float("nan")), ValueError, "lr must be finite"),
        (dict(batch_size=0), ValueError, "batch_size must be at least 1, got 0"),
        (dict(batch_size=2000), ValueError,
         "batch_size can be at most the 1347 examples, got 2000"),
        (dict(batch_size=2.5), TypeError, "batch_size must be a whole number, got 2.5"),
        (dict(epochs=0), ValueError, "epochs must be at least 1, got 0"),
        (dict(start=(1.0,)), ValueError, r"start must be a pair \(w, b\), got \(1.0,\)"),
        (dict(start=(1.0, float("inf"))), ValueError, "b must be finite, got inf"),
        (dict(max_points=1), ValueError, "max_points must be at least 2, got 1"),
    ],
)
def test_descend_rejects_bad_inputs_clearly(cost_slice, kwargs, error, message):
    arguments = dict(start=START, lr=1.0, batch_size=10, epochs=1) | kwargs
    with pytest.raises(error, match=message):
        descend(cost_slice, **arguments)


def test_slice_and_step_reject_bad_inputs_clearly(network, digits):
    X, y = digits
    with pytest.raises(ValueError, match=r"j \(the output neuron\) must be 0 to 9, got 10"):
        CostSlice.from_network(network, X, y, j=10, k=0)
    with pytest.raises(ValueError, match=r"k \(the hidden neuron\) must be 0 to 15, got -1"):
        CostSlice.from_network(network, X, y, j=0, k=-1)
    with pytest.raises(ValueError, match="sigmoid neurons, quadratic cost"):
        CostSlice.from_network(Network([64, 16, 10], activation="relu"), X, y, 0, 0)
    with pytest.raises(ValueError, match="needs a hidden layer"):
        CostSlice.from_network(Network([64, 10]), X, y, 0, 0)
    with pytest.raises(ValueError, match="expected 64 inputs per example"):
        CostSlice.from_network(network, X[:, :10], y, 0, 0)
    s = CostSlice.from_network(network, X[:20], y[:20], 0, 0)
    with pytest.raises(ValueError, match=r"w_range must be \(low, high\) with low < high"):
        s.grid((1.0, 1.0), (0.0, 1.0))
    with pytest.raises(ValueError, match=r"b_range must be a pair \(low, high\)"):
        s.grid((0.0, 1.0), 3.0)
    with pytest.raises(ValueError, match=r"lr must be positive, got -1\.0"):
        gradient_step(network, X, y, -1.0)
    with pytest.raises(TypeError, match="lr must be a number"):
        gradient_step(network, X, y, "big")


def test_the_lessons_start_is_inside_the_window():
    (w_low, w_high), (b_low, b_high) = WINDOW
    assert w_low < START[0] < w_high and b_low < START[1] < b_high


def test_a_descent_of_minutes_is_refused_with_the_most_epochs_allowed(cost_slice):
    n = cost_slice.n
    with pytest.raises(ValueError, match=rf"epochs = 100000 would read {100000 * n:,} examples "
                                         rf"\({n} per epoch\), more than the 1,000,000 .*use at "
                                         rf"most {1_000_000 // n} epochs"):
        descend(cost_slice, START, lr=3, batch_size=10, epochs=100000)
    assert descend(cost_slice, START, lr=3, batch_size=n,
                   epochs=1_000_000 // n).epochs == 1_000_000 // n


def test_a_grid_of_minutes_is_refused(cost_slice):
    with pytest.raises(ValueError, match=r"num \(points along each axis, at most 200 .*\) must "
                                         r"be 2 to 200, got 3000"):
        cost_slice.grid(*WINDOW, num=3000)
    assert cost_slice.grid(*WINDOW, num=200)[2].shape == (200, 200)
