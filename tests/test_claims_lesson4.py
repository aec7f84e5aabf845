"""Every claim of lesson 4's prose that depends on computed output, recomputed here.

Lesson 4 (notebooks/text/04_gradient_descent.py) says, with its own parameters:

- the digits: 1,347 training and 450 test images of 64 pixels; the 64-16-10 network
  has 1,210 parameters;
- the mean of 100 per-example wishes is minus backprop's gradient; for w_34(2) the
  untrained network's output 3 is too active for almost every digit; 91 digits wish
  w smaller and 9 (exactly the threes) wish it larger; the average wish is negative;
- a step: with eta = 0.1 the first-order promise is kept to four digits; at 1 and 3 the
  cost falls by less than promised; at 10 and 100 it rises; at 100 the promise is
  negative;
- the gradient as one vector: 1,210 entries; w - eta grad C is gradient_step; the five
  largest entries all belong to output neuron 1 (its bias and weights into it) and are
  positive; each is 20 to 35 times the median entry; the largest tenth make up three
  quarters of the squared length;
- the slice: a_4 is about 0.43 on average; top right output 3 says "3" to every digit,
  bottom left to none;
- full batch against B = 10 on the slice: 20 steps and 26,940 examples against 270
  steps and 2,694; B = 10 ends lower; it is below full batch's final cost after a few
  hundred examples;
- the whole network (eta = 3): per step, B = 100 and the full batch lie on top of each
  other and B = 10 does a little less; per example read, B = 10 reaches a cost the full
  batch never gets near; the shelf near C = 0.9 at the start;
- learning rates on the slice: eta = 5 has barely begun, 20 reaches the floor, 60
  zig-zags across the valley, 120 leaves the picture for good;
- mini-batch SGD written out (shuffle, slice, backprop, sgd_step) takes the same steps as
  training.sgd with backprop=Network.backprop, bit for bit, and lowers the cost; the same
  sgd_step is the step of gradient_step, training.sgd and descend;
- a sigmoid network's cost is at most 10; at lr = 30, B = 10 training stops in epoch 1,
  whose rejected epoch leaves most neurons saturated and every output at 0 (C = 1), and the
  kept weights are the untrained ones;
- the panel's things to try (and their answers): see the tests named try_1 to try_5.

Where a number comes from a run whose path depends on rounding (SGD with B = 1, or with
steps so large that the run is chaotic), the lesson states a property or a range that
holds on every processor, and the test asserts that, never the run's last digits: the
same tests pass under OPENBLAS_CORETYPE=Haswell, SkylakeX and Sandybridge (course.py
test runs them under each kernel set this processor can run).
"""

import inspect
import math
import re
from pathlib import Path

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
    lesson_setup,
    parameter_vector,
    per_example_gradients,
    train_run,
)
from bp_helpers.network import Network
from bp_helpers.panels.descent import RISE, DescentState, descent_result, readout_rows
from bp_helpers.questions import lesson4

pytestmark = pytest.mark.every_cpu  # the lesson's claims hold under every CPU's kernels

TEXT = Path(__file__).resolve().parents[1] / "notebooks" / "text" / "04_gradient_descent.py"


@pytest.fixture(scope="module")
def data():
    return load_digits()


@pytest.fixture(scope="module")
def network(data):
    return head_start(data.X_train, data.y_train)


@pytest.fixture(scope="module")
def cost_slice(network, data):
    return CostSlice.from_network(network, data.X_train, data.y_train, j=OUTPUT_J, k=HIDDEN_K)


def inside(w, b):
    (w_low, w_high), (b_low, b_high) = WINDOW
    return w_low <= w <= w_high and b_low <= b <= b_high


def readout(result, key):
    column, name = key.split(":")
    row = next(row for row in readout_rows(result) if row[0] == name)
    return row[2] if column == "sgd" else row[3]


def test_the_digits_and_the_network(data):
    assert data.X_train.shape == (1347, 64) and len(data.X_test) == 450
    assert sum(W.size + b.size for W, b in zip(Network([64, 16, 10]).W, Network([64, 16, 10]).b,
                                                strict=True)) == 1210


def test_the_wishes_for_w34(data):
    X, y = data.X_train[:100], data.y_train[:100]
    network = Network([64, 16, 10], seed=0)
    dC0_dW, dC0_db = per_example_gradients(network, X, y)
    dC_dW, dC_db = network.backprop(X, y)
    for g_i, g in zip(dC0_dW + dC0_db, dC_dW + dC_db, strict=True):
        np.testing.assert_allclose(-g_i.mean(axis=0), -g, atol=1e-14)
    wishes = -dC0_dW[1][:, 3, 4]
    assert np.sum(wishes < 0) == 91 and np.sum(wishes > 0) == 9
    np.testing.assert_array_equal(wishes > 0, y == 3)  # exactly the threes wish it larger
    assert wishes.mean() < 0
    a3 = network.output(X)[:, 3]
    assert np.all((0.3 < a3) & (a3 < 0.4))  # "about 0.35 to every digit"
    assert np.all(network.forward(X).activations[1][:, 4] > 0)  # hidden neuron 4 is active
    reveal = lesson4.wishes_larger(wishes, y, digit=3, guess="About one in ten").reveal
    assert reveal.correct and reveal.answer.shown == "9 of 100"
    assert "9 of those are 3s (9 of the 100 digits are 3s)" in reveal.answer.why


def test_a_step_keeps_its_promise_only_when_small(network, data):
    X, y = data.X_train, data.y_train
    C = network.cost(X, y)
    dC_dW, dC_db = network.backprop(X, y)
    squared = sum(np.sum(g**2) for g in dC_dW + dC_db)
    after = {lr: gradient_step(network, X, y, lr).cost(X, y) for lr in (0.1, 1, 3, 10, 100)}
    promised = {lr: C - lr * squared for lr in after}
    assert abs(after[0.1] - promised[0.1]) < 5e-5
    for lr in (1, 3):
        assert promised[lr] < after[lr] < C
    assert after[10] > C and after[100] > C
    assert promised[100] < 0


def test_the_gradient_as_one_vector(network, data):
    X, y = data.X_train, data.y_train
    grad = gradient_vector(network, X, y)
    assert grad.values.size == 1210
    w = parameter_vector(network)
    np.testing.assert_allclose(parameter_vector(gradient_step(network, X, y, lr=1)),
                               w - grad.values, atol=1e-15)
    top = grad.largest(5)
    assert top[0][0] == "b(2)[1]"
    assert all(name.startswith(("w(2)[1, ", "b(2)[1]")) and value > 0 for name, value in top)
    median = np.median(np.abs(grad.values))
    ratios = [abs(value) / median for _, value in top]
    assert 19 < min(ratios) and max(ratios) < 36  # "about 20 to 35 times"
    sizes = np.sort(np.abs(grad.values))[::-1]
    share = np.sum(sizes[:121] ** 2) / np.sum(sizes**2)
    assert 0.72 < share < 0.78  # three quarters


def test_the_slice(cost_slice):
    assert cost_slice.a_k.mean() == pytest.approx(0.43, abs=0.005)
    (w_low, w_high), (b_low, b_high) = WINDOW
    z_top_right = w_high * cost_slice.a_k + cost_slice.rest + b_high
    z_bottom_left = w_low * cost_slice.a_k + cost_slice.rest + b_low
    assert np.all(z_top_right > 0)  # output 3 says "3" to every digit
    assert np.all(z_bottom_left < 0)  # ... and to none
    assert inside(*START)


def test_full_batch_against_mini_batches_on_the_slice(cost_slice):
    full = descend(cost_slice, START, lr=10, batch_size=cost_slice.n, epochs=20)
    mini = descend(cost_slice, START, lr=10, batch_size=10, epochs=2)
    assert (full.steps, full.examples[-1]) == (20, 26_940)
    assert (mini.steps, mini.examples[-1]) == (270, 2_694)
    assert mini.final_cost < full.final_cost
    # down in the valley after a few hundred examples: below full batch's final cost
    assert cost_slice.cost(mini.w[50], mini.b[50]) < full.final_cost
    assert mini.examples[50] == 500


@pytest.fixture(scope="module")
def runs(data):
    epochs = {len(data.X_train): 200, 100: 20, 10: 20}
    return {B: train_run(data.X_train, data.y_train, B, lr=3, epochs=e, X_test=data.X_test,
                         y_test=data.y_test) for B, e in epochs.items()}


def cost_at_step(run, step):
    """The run's cost at the last record taken at or before `step` steps."""
    return run.cost[np.searchsorted(run.steps, step, side="right") - 1]


def test_the_whole_network_per_step_and_per_example(runs):
    full, b100, b10 = runs[1347], runs[100], runs[10]
    assert (full.steps[-1], b100.steps[-1], b10.steps[-1]) == (200, 280, 2700)
    # per step: B = 100 on top of the full batch; B = 10 a little less good
    for step in (56, 112, 196):
        assert cost_at_step(b100, step) == pytest.approx(cost_at_step(full, step), rel=0.1)
    assert cost_at_step(b10, 135) > cost_at_step(full, 135)
    # per example: B = 10 reaches a cost the full batch never gets near, a tenth of the reading
    assert b10.examples[-1] == full.examples[-1] / 10
    assert b10.final_cost < full.cost.min() / 5
    # the shelf near C = 0.9 at the start of the full batch's run
    assert np.sum((full.cost > 0.85) & (full.cost < 0.95)) >= 5


def test_learning_rates_on_the_slice(cost_slice):
    paths = {lr: descend(cost_slice, START, lr, batch_size=cost_slice.n, epochs=20)
             for lr in (5, 20, 60, 120)}
    assert paths[5].final_cost > paths[20].final_cost
    assert all(inside(w, b) for w, b in zip(paths[60].w, paths[60].b, strict=True))
    # 60 zig-zags: the step across the valley (along b) flips its sign again and again
    flips = np.sum(np.diff(np.sign(np.diff(paths[60].b))) != 0)
    assert flips >= 10
    out = [not inside(w, b) for w, b in zip(paths[120].w, paths[120].b, strict=True)]
    first_out = out.index(True)
    assert first_out > 1 and all(out[first_out:])  # a few steps in, then out for good


def test_too_large_a_step_saturates_the_network(data):
    run = train_run(data.X_train, data.y_train, batch_size=10, lr=30, epochs=5)
    assert run.stopped.startswith("Training stopped in epoch 1 of 5")
    assert run.neurons == 26 and run.undone.saturated > 13  # most neurons
    assert run.undone.cost == pytest.approx(1.0, abs=5e-5)  # every output says 0
    assert run.epochs_kept == 0 and run.saturated == 0
    assert run.final_cost == pytest.approx(2.9957, abs=5e-5)
    assert run.cost.max() <= 10  # a sigmoid network's cost: each of 10 outputs in (0, 1)


def test_try_1_mini_batches_train_and_the_full_batch_sits_on_the_plateau():
    r = descent_result(DescentState(lr=3.0, batch_size=10))
    assert readout(r, "sgd:steps") == "675" and readout(r, "gd:steps") == "5"
    assert 0.055 < r.sgd_run.final_cost < 0.065  # "C ≈ 0.06"
    assert 0.935 <= r.sgd_run.test_accuracy[-1] <= 0.945  # "about 94%"
    assert (readout(r, "gd:network_cost"), readout(r, "gd:accuracy")) == ("0.8962", "16.9%")
    assert r.messages[0].startswith("full-batch GD: stuck on the plateau")


def test_try_2_batch_sizes():
    r = descent_result(DescentState(lr=3.0, batch_size=1347))
    assert all(sgd == gd for _, _, sgd, gd in readout_rows(r))
    r = descent_result(DescentState(lr=3.0, batch_size=1))
    cost = r.sgd_run.cost
    rises = np.flatnonzero(np.diff(cost) > RISE * cost[:-1]) + 1  # epochs whose cost went up
    assert len(rises) >= 1  # "in at least one of the five epochs"
    said = [m for m in r.messages if m.startswith("mini-batch SGD: the network's cost went up")]
    epoch = rises[0]  # the diagnosis names the first, with its two costs
    costs = f"from {cost[epoch - 1]:.4f} to {cost[epoch]:.4f}"
    assert len(said) == 1 and f"in epoch {epoch}, {costs}: the steps overshoot" in said[0]
    r = descent_result(DescentState(lr=1.0, batch_size=1))
    assert not any(m.startswith("mini-batch SGD") for m in r.messages)  # the rises are gone
    assert np.all(np.diff(r.sgd_run.cost) <= RISE * r.sgd_run.cost[:-1])
    assert readout(r, "sgd:steps") == "6,735"
    assert 0.03 < r.sgd_run.final_cost < 0.04  # "near C = 0.035"
    assert 0.945 <= r.sgd_run.test_accuracy[-1] <= 0.965  # "about 95%"
    B10 = descent_result(DescentState(lr=3.0, batch_size=10))
    assert r.sgd_run.final_cost < B10.sgd_run.final_cost


def test_try_3_lr_30():
    r = descent_result(DescentState(lr=30.0, batch_size=10))
    assert r.sgd_run.undone.saturated > 13  # more than half of the 26 neurons
    assert f"{r.sgd_run.undone.saturated} of the 26 neurons" in r.messages[0]
    assert "C was 1.0000" in r.messages[0]
    assert readout(r, "sgd:kept") == "0 of 5 (stopped)"
    assert (readout(r, "sgd:network_cost"), readout(r, "sgd:saturated"),
            readout(r, "sgd:accuracy")) == ("2.9957", "0 of 26", "10.0%")
    assert readout(r, "gd:kept") == "5 of 5"
    assert (readout(r, "gd:saturated"), readout(r, "gd:network_cost")) == ("14 of 26", "0.9996")
    assert r.gd_run.test_accuracy[-1] < 0.11  # no better than guessing


def test_try_4_lr_100_and_300():
    r = descent_result(DescentState(lr=100.0, batch_size=10))
    assert any(m.startswith("mini-batch SGD on the slice: a step threw") for m in r.messages)
    path = r.gd_path
    assert all(inside(w, b) for w, b in zip(path.w, path.b, strict=True))
    a_k = lesson_setup().cost_slice.a_k
    across = np.diff(np.mean(a_k) * path.w + path.b)  # the valley's cross-section
    np.testing.assert_array_equal(np.sign(across), [1, 1, 1, -1, 1])  # over, and back
    assert path.cost[4] > path.cost[3]
    assert r.sgd_run.epochs_kept == r.gd_run.epochs_kept == 0
    r = descent_result(DescentState(lr=300.0, batch_size=10))
    assert any(m.startswith("mini-batch SGD on the slice: a step threw") for m in r.messages)
    assert any(m.startswith("full-batch GD on the slice: a step threw") for m in r.messages)


def test_try_5_the_best_learning_rate_depends_on_the_batch_size():
    lrs = [10 ** (k * 0.05) for k in (0, *range(8, 20), 20, 22, 24)]  # slider positions
    cost = {B: {round(lr, 2): descent_result(DescentState(lr, B)).sgd_run for lr in lrs}
            for B in (100, 10)}
    best_100 = min(cost[100], key=lambda lr: cost[100][lr].final_cost)
    best_10 = min(cost[10], key=lambda lr: cost[10][lr].final_cost)
    assert 3.9 < best_100 < 5.1  # "near 4.5"
    run = cost[100][best_100]
    assert 0.49 < run.final_cost < 0.53 and 0.79 < run.test_accuracy[-1] < 0.83
    assert all(run.final_cost > cost[100][best_100].final_cost + 0.005  # rises on both sides
               for lr, run in cost[100].items() if lr < 3.5 or lr > 5.7)
    assert 4.9 < best_10 < 7.1  # "between 5 and 7": a little higher than B = 100's
    assert 0.04 < cost[10][best_10].final_cost < 0.06  # "C ≈ 0.05"
    assert all(run.final_cost < cost[100][best_100].final_cost / 5  # "far below"
               for lr, run in cost[10].items() if 2 <= lr <= 9)
    for lr in (12.59, 15.85):  # "by 13, B = 100 is back at C ≈ 1; B = 10 several times above"
        assert cost[100][lr].final_cost > 0.99 and cost[100][lr].test_accuracy[-1] < 0.11
        assert cost[10][lr].final_cost > 5 * cost[10][best_10].final_cost
    assert math.isclose(10 ** 0.65, 4.4668, rel_tol=1e-4)


def things_to_try(text):
    """Each "Things to try" list of a lesson's text twin: its items, as lists of lines."""
    lists = text.split("# Things to try:")[1:]
    items = []
    for block in lists:
        block = block.split("# %%")[0]
        items += re.split(r"\n# \d\. ", block)[1:]
    return items


def test_every_thing_to_try_has_an_answer():
    items = things_to_try(TEXT.read_text())
    assert len(items) == 5
    for item in items:
        assert "<details><summary>What you should see</summary>" in item and "</details>" in item


def test_the_loop_written_out_takes_training_sgds_steps_bit_for_bit(data):
    """The lesson's sgd_by_hand, run from its own text, against training.sgd."""
    X, y = data.X_train, data.y_train
    source = TEXT.read_text()
    start = source.index("def sgd_by_hand(")
    namespace = {"np": np, "sgd_step": training.sgd_step}
    exec(source[start:source.index("\n\n\n", start)], namespace)
    mine, theirs = head_start(X, y), head_start(X, y)
    namespace["sgd_by_hand"](mine, X, y, batch_size=10, lr=3, epochs=1)
    training.sgd(theirs, X, y, epochs=1, batch_size=10, lr=3, dtype=np.float64,
                 backprop=Network.backprop)
    for p, q in zip(mine.W + mine.b, theirs.W + theirs.b, strict=True):
        np.testing.assert_array_equal(p, q)
    assert mine.cost(X, y) < head_start(X, y).cost(X, y)
    assert len(source[start:source.index("\n\n\n", start)].splitlines()) <= 10  # about ten


def test_gradient_step_sgd_and_descend_take_the_one_sgd_step():
    for function in (gradient_step, descend, training._epoch_with):
        assert "sgd_step(" in inspect.getsource(function), function

