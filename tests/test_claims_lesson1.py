"""Every claim of lesson 1 that depends on computed output, recomputed with its parameters.

Claims (quoted or paraphrased from notebooks/text/01_the_last_link.py):

Three levers
- "For output neuron 0 the weights beat the bias: |a(L-1)| = 1.38 here".
- "the weights from the most active inputs (a_0, then a_5) change the most, and the weight
  from the silent input a_3 = 0 does not change at all."
- answers: the bias overtakes the weights once |a(L-1)| falls below 1 (a_0 = a_5 = 0.6:
  1.09, weights lead; 0.5: 0.98, bias leads); all a_k = 0 -> weight lever 0; all a_k = 1
  -> weight lever sqrt(6) ~ 2.45 times the bias's; nudge size 1: a_0, a_5 pinned at 1 and
  a_3 at 0, and lever 3 raises a_0 to 0.859, less than the bias lever's 0.863.
The notation and the chain rule
- "z = 0.7, sigma(0.7) ~ 0.668, cost 0.668^2 ~ 0.446"; "0.8 x 0.2217 x 1.3364 ~ 0.2370";
  "The derivative is positive".
What a derivative promises
- "The ratio creeps towards 1 as Delta shrinks"; "the leftover error shrinks like Delta^2".
The nudge panel, things to try (and their answers)
- 1: ratio ~0.94 at 1, ~0.999 at 0.1, ten times closer per tenfold from 1e-3, "+1" at 1e-6.
- 2: below Delta ~ 1e-7 the error stops shrinking, between about 1e-18 and 1e-16.
- 3: a(L-1) = 0: measured Delta C exactly 0, the ratio a dash.
- 4: y = 0.67: 2(a - y) ~ -0.004, dC0/dw from 0.237 to about -0.0006.
- 5: w = b = 6: z = 10.8, sigma'(z) ~ 2e-5, dC0/dw ~ 3e-5.
Sigmoid or ReLU
- "A saturated sigmoid (|z| >~ 5) has a slope below 0.01"; "A dead ReLU has slope exactly 0".
- the dead ReLU: "The output is 0 where we wanted 1, the cost is as large as it gets, and yet
  the weight's derivative is 0".
Summary
- "round-off sets a floor, below about Delta = 1e-7".
"""

import itertools
from pathlib import Path

import numpy as np
import pytest

from bp_helpers import chain
from bp_helpers.activations import relu_prime, sigmoid, sigmoid_prime
from bp_helpers.data import load_mnist
from bp_helpers.network import Network, one_hot
from bp_helpers.panels import NudgeState, nudge_result
from bp_helpers.panels.levers import LeversState, levers_result
from bp_helpers.panels.view import fmt
from bp_helpers.panels.wishes import WishesState, next_example, wishes_result
from bp_helpers.questions import lesson1

pytestmark = pytest.mark.every_cpu  # the lesson's claims hold under every CPU's kernels


def test_default_lever_ranking_and_hebbian_echo():
    levers = levers_result(LeversState())
    assert levers.ranking == ("weights", "bias")
    assert round(float(np.linalg.norm(levers.state.a_prev)), 2) == 1.38
    order = np.argsort(levers.state.a_prev)[::-1]
    assert list(order[:2]) == [0, 5]
    # the weight changes follow the inputs' activations exactly
    assert list(np.argsort(levers.w_direction)[::-1]) == list(order)
    assert levers.state.a_prev[3] == 0 and levers.w_direction[3] == 0


def test_lever_answers():
    for dimmed, length, first in [(0.6, 1.09, "weights"), (0.5, 0.98, "bias")]:
        a_prev = (dimmed, 0.1, 0.6, 0.0, 0.3, dimmed)
        assert round(float(np.linalg.norm(a_prev)), 2) == length
        assert levers_result(LeversState(a_prev=a_prev)).ranking[0] == first
    for j in range(3):  # whatever j, the bias leads exactly when |a| < 1
        for scale in (0.7, 0.72, 0.73, 1.0):
            state = LeversState(a_prev=tuple(scale * a for a in LeversState().a_prev), j=j)
            below = np.linalg.norm(state.a_prev) < 1
            assert levers_result(state).ranking[0] == ("bias" if below else "weights")
    full = levers_result(LeversState(step=1.0))
    assert full.pinned == (0, 3, 5)
    assert list(full.a_prev_after[[0, 3, 5]]) == [1.0, 0.0, 1.0]
    assert (round(full.new_a["activations"], 3), round(full.new_a["bias"], 3)) == (0.859, 0.863)
    silent = levers_result(LeversState(a_prev=(0.0,) * 6))
    assert silent.effect["weights"] == 0 and np.all(silent.w_direction == 0)
    assert silent.effect["bias"] > 0
    bright = levers_result(LeversState(a_prev=(1.0,) * 6))
    assert bright.effect["weights"] / bright.effect["bias"] == pytest.approx(np.sqrt(6))
    assert round(np.sqrt(6), 2) == 2.45


def test_forward_numbers_and_chain_rule_product():
    fwd = chain.forward(w=[1.5], b=[-0.5], x=0.8, y=0.0)
    assert fwd.z[0] == pytest.approx(0.7)
    assert round(fwd.a[1], 3) == 0.668 and round(fwd.C0, 3) == 0.446
    g = chain.backward(w=[1.5], b=[-0.5], x=0.8, y=0.0)
    assert (round(g.sigma_prime[0], 4), round(g.dC_da[1], 4)) == (0.2217, 1.3364)
    assert round(g.dC_dw[0], 4) == 0.2370 and g.dC_dw[0] > 0


def test_ratio_creeps_to_one_and_error_shrinks_like_delta_squared():
    deltas = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6]
    results = [nudge_result(NudgeState(wrt="w", delta=d)) for d in deltas]
    gaps = [abs(1 - r.ratio) for r in results]
    assert all(a > b for a, b in itertools.pairwise(gaps))
    errors = [abs(r.measured - r.predicted) for r in results[1:5]]
    for a, b in itertools.pairwise(errors):
        assert 50 < a / b < 200  # Delta ten times smaller -> error about 100 times smaller


def test_nudge_try_1_ratios():
    ratio = {d: nudge_result(NudgeState(delta=d)).ratio
             for d in (1.0, 1e-1, 1e-3, 1e-4, 1e-5, 1e-6)}
    assert round(ratio[1.0], 2) == 0.94 and round(ratio[1e-1], 3) == 0.999
    for d, smaller in ((1e-3, 1e-4), (1e-4, 1e-5), (1e-5, 1e-6)):
        assert 5 < (1 - ratio[d]) / (1 - ratio[smaller]) < 20
    assert fmt(ratio[1e-6], 8) == "+1"


def test_nudge_try_2_round_off_floor():
    r = nudge_result(NudgeState())
    small = r.deltas <= 1.01e-7
    assert np.all((r.errors[small] > 1e-19) & (r.errors[small] < 1e-15))
    # above the floor the error still falls along Delta^2; below it, it does not
    assert r.errors[r.deltas >= 1e-6][0] > 1e-16
    assert np.nanmin(r.errors[small]) > 1e-19


def test_nudge_tries_3_to_5():
    silent = nudge_result(NudgeState(a_prev=0.0))
    assert silent.measured == 0.0 and silent.ratio is None and silent.factors[0][1] == 0
    near = nudge_result(NudgeState(y=0.67))
    assert round(near.factors[2][1], 3) == -0.004
    assert round(nudge_result(NudgeState()).dC_dx, 3) == 0.237 and round(near.dC_dx, 4) == -0.0006
    saturated = nudge_result(NudgeState(w=6.0, b=6.0))
    assert saturated.z == pytest.approx(10.8)
    assert round(saturated.factors[1][1], 5) == 2e-5
    assert 2.5e-5 < saturated.dC_dx < 3.5e-5
    assert saturated.a > 0.9999


def test_sigmoid_saturates_and_relu_dies():
    for z in (5.0, 10.0, -5.0):
        assert sigmoid_prime(z) < 0.01
    assert relu_prime(-3.0) == 0
    dead = nudge_result(NudgeState(w=-2.0, b=-0.5, a_prev=0.8, y=1.0, wrt="w", activation="relu"))
    assert dead.a == 0 and dead.C0 == 1.0 and dead.dC_dx == 0


def test_relu_has_slope_0_at_its_kink_by_convention():
    assert relu_prime(0.0) == 0  # "the course uses ReLU'(0) = 0"
    assert relu_prime(1e-12) == 1 and relu_prime(-1e-12) == 0


def test_hebb_is_a_loose_analogy_the_gradient_follows_the_error():
    """A neuron that already fires as it should gets no change, however active both are;
    Hebb's a_pre a_post would keep growing the weight."""
    w, a_prev = 1.5, 0.9
    y = float(sigmoid(w * a_prev))  # the output is exactly its target
    right = nudge_result(NudgeState(w=w, b=0.0, a_prev=a_prev, y=y, wrt="w"))
    assert right.a > 0.75 and a_prev * right.a > 0.6  # both neurons fire strongly
    assert abs(right.dC_dx) < 1e-15  # and the weight gets no change at all
    # the same activities, a wrong target: the change is a_prev times the error's factors
    wrong = nudge_result(NudgeState(w=w, b=0.0, a_prev=a_prev, y=0.0, wrt="w"))
    assert wrong.dC_dx == pytest.approx(a_prev * wrong.factors[1][1] * wrong.factors[2][1])


def test_the_promise_error_shrinks_like_delta_squared_once_delta_is_small():
    error = {d: (lambda r: r.measured - r.predicted)(nudge_result(NudgeState(wrt="w", delta=d)))
             for d in (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)}
    state, h = NudgeState(), 1e-4
    cost = [nudge_result(NudgeState(wrt="w", w=state.w + k * h)).C0 for k in (-1, 0, 1)]
    curvature = (cost[0] - 2 * cost[1] + cost[2]) / h**2
    assert -0.001 < curvature < -0.0008  # "C0'' ≈ -0.0009": almost straight
    assert 300 < error[1e-1] / error[1e-2] < 400  # "350 times"
    for d in (1e-3, 1e-4):  # "a hundredfold for each tenfold smaller nudge"
        assert 90 < error[d] / error[d / 10] < 140
    for d in (1e-4, 1e-5):  # error / delta^2 settles at C0''/2 ≈ -0.00043
        assert error[d] / d**2 == pytest.approx(curvature / 2, rel=0.02)
        assert round(error[d] / d**2, 5) == -0.00043
    assert not 90 < error[1e-5] / error[1e-6] < 110  # round-off starts to show


def test_the_zero_input_quiz_comes_before_the_text_answers_it():
    text = (Path(__file__).resolve().parents[1] / "notebooks" / "text" /
            "01_the_last_link.py").read_text()
    formula = text.index("_{2(a^{(L)} - y)} .")
    quiz = text.index('lesson1.quiz("zero_input")')
    answer = text.index("If $a^{(L-1)} = 0$, changing $w^{(L)}$ changes")
    assert formula < quiz < answer
    assert text.count('lesson1.quiz("zero_input")') == 1


def reveal(prediction, guess):
    """Commit `guess` to a Prediction; return its Reveal (the computed answer)."""
    prediction.commit(guess)
    return prediction.reveal


@pytest.fixture(scope="module")
def untrained_and_a_2():
    mnist = load_mnist("embedded")
    network = Network([784, 16, 16, 10], seed=0)
    two = next_example(mnist.y_test, 2, after=-1)
    return network, mnist, two


def test_the_untrained_network_gets_the_2_wrong(untrained_and_a_2):
    network, mnist, two = untrained_and_a_2
    assert len(mnist.X_train) + len(mnist.X_test) == 5_000  # "5,000 real MNIST digits"
    assert sum(W.size + b.size for W, b in zip(network.W, network.b, strict=True)) == 13_002
    assert mnist.y_test[two] == 2 and not np.any(mnist.y_test[:two] == 2)  # the first 2
    a = network.output(mnist.X_test[two])
    assert 0.1 < a.min() and a.max() < 0.9 and np.argmax(a) != 2  # garbage: all middling
    r = reveal(lesson1.untrained_answer(network, mnist.X_test[two], label=2),
               "All ten middling, another output the largest")
    assert r.correct
    wish = -2 * (a - one_hot(2, 10))
    assert wish[2] > 0 and np.all(np.delete(wish, 2) < 0)  # the 2 up, every other down
    # "the ones furthest off wish hardest": the wish's size grows with |a - y|
    order = np.argsort(np.abs(a - one_hot(2, 10)))
    assert np.all(np.diff(np.abs(wish)[order]) >= 0)


def test_every_average_output_wish_of_the_untrained_network_points_down(untrained_and_a_2):
    network, mnist, two = untrained_and_a_2
    r = wishes_result(WishesState(index=two, batch_size=10), network, mnist.X_test,
                      mnist.y_test)
    assert np.all(r.batch_output_wishes < 0)  # "every average points down"
    assert list(r.batch) == list(range(two, two + 10))  # this 2 and the nine after it
    p = reveal(lesson1.batch_wishes_up(network, mnist.X_test, mnist.y_test, first=two,
                                           batch_size=10), 0)
    assert p.correct and p.answer.value == 0
    said = float(network.output(mnist.X_test[two:two + 10]).mean())
    assert 0.4 < said < 0.7  # "about 0.5": far above a target's average of 0.1
    assert f"outputs average {said:.2f} on these digits" in p.answer.why
    assert p.answer.why.endswith("so on average every output is asked to say less.")
    a = network.output(mnist.X_test)
    assert 0.25 < a.mean() < 0.75  # "about 0.5 to everything"


def test_equal_starting_weights_keep_the_hidden_neurons_copies_of_each_other():
    mnist = load_mnist("embedded")
    X, y = mnist.X_train[:200], mnist.y_train[:200]
    network = Network([784, 16, 16, 10], seed=0)
    network.W = [np.full_like(W, 0.1) for W in network.W]  # "all at 0.1"
    for _ in range(5):  # five full-batch steps
        dC_dW, dC_db = network.backprop(X, y)
        for l, (dW, db) in enumerate(zip(dC_dW, dC_db, strict=True)):
            network.W[l] -= 3.0 * dW
            network.b[l] -= 3.0 * db
    for W in network.W[:-1]:  # every hidden layer: each neuron's weights are one row
        np.testing.assert_allclose(W, np.broadcast_to(W[0], W.shape), rtol=1e-12)
    random = Network([784, 16, 16, 10], seed=0)
    assert not np.allclose(random.W[0], random.W[0][0])  # the random start breaks it
    np.testing.assert_array_equal(random.W[0], Network([784, 16, 16, 10], seed=0).W[0])
