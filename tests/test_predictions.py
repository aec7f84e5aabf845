"""The lessons' predictions (bp_helpers.questions.lessonN), with the lessons' own
parameters: every answer and every sentence on why, recomputed here; and the stored
lessons show each prediction's question, never its answer."""

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from lessons import LESSONS
from widget_text import all_text

from bp_helpers import chain
from bp_helpers.activations import sigmoid, sigmoid_prime
from bp_helpers.data import load_digits
from bp_helpers.descent import (
    HIDDEN_K,
    OUTPUT_J,
    START,
    CostSlice,
    descend,
    gradient_step,
    head_start,
    train_run,
)
from bp_helpers.evaluation import gradient_sizes
from bp_helpers.network import Network
from bp_helpers.panels import example_network
from bp_helpers.questions import lesson1, lesson2, lesson3, lesson4, lesson5
from bp_helpers.recipes import RECIPES

# The lessons' moments, with the lessons' own parameters: each answer and each sentence on
# why is recomputed here independently. -----------------------------------------------------


LESSON2_CHAIN = ([1.5, -2.0, 2.5], [0.5, 1.0, -1.0], 1.0, 1.0)


def numbers_in(text):
    return [float(s) for s in re.findall(r"[-+]?\d+\.?\d*(?:e[-+]?\d+)?", text)]


def reveal(prediction, guess):
    prediction.commit(guess)
    return prediction.reveal


def test_lesson1_smallest_factor():
    z = 1.5 * 0.8 - 0.5
    a = sigmoid(z)
    factors = {"a(L-1)": 0.8, "σ′(z(L))": sigmoid_prime(z), "2(a(L) − y)": 2 * a}
    smallest = min(factors, key=lambda name: abs(factors[name]))
    assert smallest == "σ′(z(L))"
    r = reveal(lesson1.smallest_factor(w=1.5, b=-0.5, a_prev=0.8, y=0.0), smallest)
    assert r.correct and r.answer.value == smallest
    for name, value in factors.items():
        assert f"{name} = {value:.4g}" in r.answer.why
    assert f"∂C0/∂w = {0.8 * sigmoid_prime(z) * 2 * a:.4g}" in r.answer.why
    assert "never more than 1/4" in r.answer.why
    assert sigmoid_prime(np.linspace(-9, 9, 999)).max() <= 0.25
    wrong = reveal(lesson1.smallest_factor(1.5, -0.5, 0.8, 0.0), "a(L-1)")
    assert not wrong.correct


def test_lesson1_smallest_factor_when_the_error_is_smallest():
    # y close to a: the error factor is smallest, and the σ′ remark is left out.
    a = sigmoid(0.7)
    r = reveal(lesson1.smallest_factor(1.5, -0.5, 0.8, round(a, 2)), "2(a(L) − y)")
    assert r.correct and "1/4" not in r.answer.why


def test_lesson1_dead_relu():
    r = reveal(lesson1.dead_relu_slope(w=-2.0, b=-0.5, a_prev=0.8, y=1.0), 0.005)
    assert r.answer.value == 0.0 and r.correct
    assert "-2.1 is negative" in r.answer.why and "a = 0 is far from y = 1" in r.answer.why
    assert not reveal(lesson1.dead_relu_slope(-2.0, -0.5, 0.8, 1.0), 0.5).correct
    alive = reveal(lesson1.dead_relu_slope(2.0, -0.5, 0.8, 1.0), 0)
    assert "is positive" in alive.answer.why and alive.answer.value != 0


def test_lesson2_first_weight_sign():
    w, b, x, y = LESSON2_CHAIN
    g = chain.backward(w, b, x, y)
    # the sign of the unrolled product a(0) σ′ w(2) σ′ w(3) σ′ 2(a(3) - y)
    expected = math.prod([x, w[1], w[2], 2 * (g.forward.a[3] - y), *g.sigma_prime])
    assert expected == pytest.approx(g.dC_dw[0])
    r = reveal(lesson2.first_weight_sign(w, b, x, y), "positive")
    assert r.correct and r.answer.value == g.dC_dw[0] > 0
    assert "2 of them are negative (w(2) = -2, 2(a(3) − y) = " in r.answer.why
    assert r.answer.why.endswith("so the product is positive.")


def test_lesson2_vanishing_powers():
    w, b, x, y = chain.random_chain(12, seed=0)
    g = chain.backward(w, b, x, y)
    powers = math.log10(abs(g.dC_dw[-1] / g.dC_dw[0]))
    assert powers > 6  # the lesson: "about seven orders of magnitude"
    r = reveal(lesson2.vanishing_powers(w, b, x, y), round(powers))
    assert r.correct and r.answer.value == pytest.approx(powers)
    assert not reveal(lesson2.vanishing_powers(w, b, x, y), powers - 1.5).correct
    # "11 links w(l+1) σ′(z(l)), each about <geometric mean> in size, and these multiply"
    links = np.abs(w[1:] * g.sigma_prime[:-1])
    typical = numbers_in(r.answer.why.split("each about")[1])[0]
    assert typical == pytest.approx(np.exp(np.log(links).mean()), rel=0.05)
    assert "crosses 11 links" in r.answer.why
    ratio = abs(g.dC_dw[-1] / g.dC_dw[0])
    assert ratio == pytest.approx(g.forward.a[-2] / x / np.prod(links))


def test_lesson3_path_sign():
    network, x, y = example_network()
    g = network.backprop(x, y)
    w00 = network.W[1][0, 0]
    product = w00 * sigmoid_prime(g.zs[1][0]) * 2 * (g.activations[2][0] - y[0])
    r = reveal(lesson3.path_sign(network, x, y, layer=1, k=0, j=0), "negative")
    assert not r.correct and r.answer.value == pytest.approx(product) and product > 0
    assert w00 < 0 and "the weight is negative and the error negative" in r.answer.why


def test_lesson3_weight_derivative():
    network, x, y = example_network()
    g = network.backprop(x, y)
    a1, a2 = g.activations[1], g.activations[2]
    by_hand = a1[0] * a2[1] * (1 - a2[1]) * 2 * (a2[1] - y[1])
    r = reveal(lesson3.weight_derivative(network, x, y, j=1, k=0), round(by_hand, 2))
    assert r.correct and r.answer.value == pytest.approx(by_hand)
    shown = numbers_in(r.answer.why.split("=")[1])
    assert math.prod(shown[:3]) == pytest.approx(by_hand, rel=1e-3)


def test_lesson4_which_ends_lower_and_large_learning_rate():
    data = load_digits()
    X, y = data.X_train, data.y_train
    cost_slice = CostSlice.from_network(head_start(X, y), X, y, j=OUTPUT_J, k=HIDDEN_K)
    full = descend(cost_slice, START, lr=10, batch_size=cost_slice.n, epochs=20)
    mini = descend(cost_slice, START, lr=10, batch_size=10, epochs=2)
    assert mini.final_cost < full.final_cost  # the lesson: "it ends lower than full batch"
    p = lesson4.which_ends_lower(cost_slice, START, lr=10, full_epochs=20, batch_size=10,
                                     mini_epochs=2)
    r = reveal(p, "B = 10, 2 epochs")
    assert r.correct
    assert f"C = {full.final_cost:.4f} after {full.steps} steps" in r.answer.why
    assert f"C = {mini.final_cost:.4f} after {mini.steps} steps" in r.answer.why
    assert f"{mini.steps / full.steps:.0f} times as many" in r.answer.why

    run = train_run(X, y, batch_size=10, lr=30, epochs=5)
    assert run.stopped is not None and "saturated" in run.stopped
    r = reveal(lesson4.large_learning_rate(X, y, lr=30, batch_size=10, epochs=5),
               lesson4.LARGE_LR_OUTCOMES[1])
    assert not r.correct and r.answer.value == lesson4.LARGE_LR_OUTCOMES[2]
    assert r.answer.why == run.stopped
    calm = reveal(lesson4.large_learning_rate(X, y, lr=3, batch_size=10, epochs=1),
                  lesson4.LARGE_LR_OUTCOMES[0])
    assert calm.correct and "Training ran all 1 epochs" in calm.answer.why


def test_lesson5_moments_on_a_small_network():
    # The lesson's trained network needs MNIST; the logic is the same for any network.
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 5)
    X = rng.uniform(0, 1, (50, 784))
    X[labels == 4, :50] += 3.0  # the 4s are bright where neuron 2 looks
    network = Network([784, 16, 16, 10], seed=0)
    network.W[0][2, :] = 0.0
    network.W[0][2, :50] = 1.0
    r = reveal(lesson5.favoured_digit(network, X, labels, j=2), "4")
    assert r.correct and "highest for the average 4" in r.answer.why

    recipe = RECIPES["sigmoid"]
    net = Network(recipe.sizes, activation=recipe.activation, cost=recipe.cost, seed=recipe.seed)
    sizes = gradient_sizes(net, X, labels)
    ratio = sizes[-1] / sizes[0]
    r = reveal(lesson5.first_layer_gap(recipe, X, labels), lesson5.GAP_OPTIONS[0])
    assert r.answer.shown == f"{ratio:.0f} times weaker"
    expected = lesson5.GAP_OPTIONS[int(np.searchsorted([3, 30, 1000], ratio))]
    assert r.answer.value == expected and r.correct == (expected == lesson5.GAP_OPTIONS[0])


@pytest.mark.parametrize("make", [
    lambda: lesson1.smallest_factor(1.5, -0.5, 0.8, 0.0),
    lambda: lesson1.dead_relu_slope(-2.0, -0.5, 0.8, 1.0),
    lambda: lesson2.first_weight_sign(*LESSON2_CHAIN),
    lambda: lesson2.vanishing_powers(*chain.random_chain(12, seed=0)),
    lambda: lesson3.path_sign(*example_network(), layer=1, k=0, j=0),
    lambda: lesson3.weight_derivative(*example_network(), j=1, k=0),
])
def test_the_lessons_prompts_hold_no_answer(make):
    p = make()
    assert not p.committed and "commit a prediction" in p.plain_text()
    answer = p.solve()
    assert answer.shown not in all_text(p) and answer.why not in all_text(p)


NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


# Lesson 6 asks its predictions in its zoo's panels (tests/test_zoo.py checks what it stores).
@pytest.mark.parametrize("notebook", [NOTEBOOKS.parent / lesson.notebook for lesson in LESSONS
                                      if lesson.number <= 5], ids=lambda p: p.stem)
def test_stored_lessons_hold_prompts_and_never_a_reveal(notebook):
    """Outputs, saved widget state and all: a stored lesson shows no prediction's answer."""
    stored = notebook.read_text()
    cells = json.loads(stored)["cells"]
    calls = [c for c in cells if c["cell_type"] == "code"
             and re.search(r"^lesson\d\.(?!quiz|exercise)\w+\(", "".join(c["source"]), re.M)]
    assert len(calls) >= 2
    for cell in calls:
        assert "guess=" not in "".join(cell["source"])
        (output,) = cell["outputs"]
        text = "".join(output["data"]["text/plain"])
        assert text.startswith("Predict first:")
        assert text.endswith("(commit a prediction to see the computed answer)")
        assert "image/png" not in output["data"]
    for marker in ("your prediction", "data-key='answer'", "data-key='why'", "computed: "):
        assert marker not in stored


def test_stored_lessons_1_to_3_hold_no_answer_sentence():
    network, x, y = example_network()
    moments = {
        "01_the_last_link": [lesson1.smallest_factor(1.5, -0.5, 0.8, 0.0),
                             lesson1.dead_relu_slope(-2.0, -0.5, 0.8, 1.0)],
        "02_a_chain_of_layers": [lesson2.first_weight_sign(*LESSON2_CHAIN),
                                 lesson2.vanishing_powers(*chain.random_chain(12, seed=0))],
        "03_many_neurons_per_layer": [lesson3.path_sign(network, x, y, 1, 0, 0),
                                      lesson3.weight_derivative(network, x, y, 1, 0)],
    }
    for name, ps in moments.items():
        stored = (NOTEBOOKS / f"{name}.ipynb").read_text()
        for p in ps:
            assert json.dumps(p.question, ensure_ascii=False)[1:-1] in stored
            assert p.solve().why not in stored


def test_lesson4_one_large_step_overshoots():
    data = load_digits()
    X, y = data.X_train, data.y_train
    network = head_start(X, y)
    before = network.cost(X, y)
    r = reveal(lesson4.one_large_step(network, X, y, lr=10), lesson4.STEP_OUTCOMES[1])
    assert not r.correct and r.answer.value == lesson4.STEP_OUTCOMES[2]
    assert network.cost(X, y) == before  # the network itself is not stepped
    after = gradient_step(network, X, y, 10).cost(X, y)
    assert f"C goes from {before:.4f} to {after:.4f}" in r.answer.why
    small = reveal(lesson4.one_large_step(network, X, y, lr=0.1), lesson4.STEP_OUTCOMES[0])
    assert small.correct
    middle = reveal(lesson4.one_large_step(network, X, y, lr=3), lesson4.STEP_OUTCOMES[1])
    assert middle.correct


@pytest.mark.parametrize("biases, outcome", [
    ({2: 10.0, "rest": -10.0}, 0),  # the 2's output near 1, the others near 0
    ({2: 0.5, "rest": 0.0}, 1),  # all middling, the 2's the largest
    ({3: 0.5, "rest": 0.0}, 2),  # all middling, another the largest
    ({"rest": -10.0}, 3),  # all near 0
])
def test_lesson1_untrained_answer_names_each_kind_of_output(biases, outcome):
    network = Network([784, 16, 16, 10], seed=0)
    network.W[-1][:] = 0.0  # the outputs are the sigmoids of their biases alone
    network.b[-1][:] = biases["rest"]
    for j, b in biases.items():
        if j != "rest":
            network.b[-1][j] = b
    p = lesson1.untrained_answer(network, np.zeros(784), label=2)
    r = reveal(p, p.options[outcome])
    assert r.correct, r.answer.why


@pytest.mark.parametrize(("ask", "error", "message"), [
    (lambda n, x, y: lesson3.path_sign(n, x, y, layer=0, k=0, j=0), ValueError,
     "layer must be 1, the last before the output .*got 0"),
    (lambda n, x, y: lesson3.path_sign(n, x, y, layer=1, k=0, j=5), ValueError,
     r"j \(a neuron of layer 2\) must be 0 to 1, got 5"),
    (lambda n, x, y: lesson3.path_sign(n, x, y, layer=1, k=-1, j=0), ValueError,
     r"k \(a neuron of layer 1\) must be 0 to 3, got -1"),
    (lambda n, x, y: lesson3.path_sign(n, x, y, layer=1.0, k=0, j=0), TypeError,
     "layer must be a whole number, got 1.0"),
    (lambda n, x, y: lesson3.weight_derivative(n, x, y, j=1, k=9), ValueError,
     r"k \(a neuron of layer 1\) must be 0 to 3, got 9"),
    (lambda n, x, y: lesson3.weight_derivative(n, x, y, j=2, k=0), ValueError,
     r"j \(a neuron of layer 2\) must be 0 to 1, got 2"),
])
def test_a_question_about_a_neuron_that_is_not_there_is_refused_when_asked(ask, error,
                                                                          message):
    network, x, y = example_network()
    with pytest.raises(error, match=message):
        ask(network, x, y)


@pytest.mark.parametrize("chain_at", [lambda w, b, x, y: (w, b, 0.0, y),
                                      lambda w, b, x, y: (w, b, x, chain.forward(
                                          w, b, x).a[-1])])
def test_vanishing_powers_needs_two_nonzero_derivatives(chain_at):
    w, b, x, y = chain_at(*chain.random_chain(12, seed=0))
    with pytest.raises(ValueError, match="powers of ten can only compare two nonzero numbers"):
        lesson2.vanishing_powers(w, b, x, y)


def test_lesson1_batch_wishes_up_when_the_outputs_already_say_little():
    network = Network([784, 16, 16, 10], seed=0)
    network.W[-1][:] = 0.0
    network.b[-1][:] = -5.0  # every output says about 0.007
    X = np.random.default_rng(0).uniform(0, 1, (10, 784))
    labels = np.arange(10) % 5  # digits 0 to 4, twice each
    r = reveal(lesson1.batch_wishes_up(network, X, labels, first=0, batch_size=10), 5)
    assert r.correct  # the five digits present each pull their output up
    assert "outputs average 0.01 on these digits" in r.answer.why
    assert r.answer.why.endswith("can outweigh the others.")
