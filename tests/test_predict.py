"""The predict-then-reveal widget (no answer before a commit, then a fair verdict), and
the lessons' moments: every answer and every sentence on why, recomputed here."""

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from bp_helpers import chain, predictions
from bp_helpers.activations import sigmoid, sigmoid_prime
from bp_helpers.costs import cross_entropy_from_logits
from bp_helpers.data import load_digits
from bp_helpers.descent import (
    HIDDEN_K,
    OUTPUT_J,
    START,
    CostSlice,
    descend,
    gradient_step,
    head_start,
    per_example_gradients,
    train_run,
)
from bp_helpers.display import WIDGET_VIEW
from bp_helpers.evaluation import gradient_sizes
from bp_helpers.gradcheck import difference_quotient, numerical_gradient
from bp_helpers.lessons import LESSONS
from bp_helpers.models import RECIPES
from bp_helpers.network import Network, one_hot
from bp_helpers.panels import example_network
from bp_helpers.predict import Answer, Prediction, judge, parse_guess, sign_of


class Solver:
    """A solve function that counts its calls, so a test sees when the answer is computed."""

    def __init__(self, value, shown="SECRET-ANSWER", why="SECRET-WHY"):
        self.answer, self.calls = Answer(value, shown, why), 0

    def __call__(self):
        self.calls += 1
        return self.answer


def all_text(prediction):
    """Every string the widget tree and its display bundle hold."""
    texts = [prediction.plain_text()]
    stack = [prediction.widget]
    while stack:
        widget = stack.pop()
        stack += list(getattr(widget, "children", ()))
        for name in ("value", "description", "placeholder"):
            texts.append(str(getattr(widget, name, "")))
    return "\n".join(texts)


@pytest.mark.parametrize("kind, value, options, tolerance", [
    ("sign", -0.3, (), None),
    ("number", 0.25, (), 0.01),
    ("choice", "B", ("A", "B", "C"), None),
])
def test_nothing_is_computed_or_shown_before_a_commit(kind, value, options, tolerance):
    solve = Solver(value)
    p = Prediction("What?", kind, solve, options=options, tolerance=tolerance)
    assert solve.calls == 0 and not p.committed
    bundle = p._repr_mimebundle_()
    assert WIDGET_VIEW in bundle and "image/png" not in bundle
    assert "SECRET" not in bundle["text/plain"]
    assert "commit a prediction" in bundle["text/plain"]
    assert "SECRET" not in all_text(p)


def test_reveal_comes_after_commit_and_shows_guess_beside_answer():
    solve = Solver(-0.3, shown="−0.3", why="because it is.")
    p = Prediction("Sign?", "sign", solve)
    p.entry.value = "positive"
    p.button.click()
    assert solve.calls == 1 and p.committed
    assert p.reveal.guess == "positive" and not p.reveal.correct
    html = p.result.value
    assert "data-key='guess'><b>positive" in html and "data-key='answer'><b>−0.3" in html
    assert "Not quite" in html and "because it is." in html
    assert p.entry.disabled and p.button.disabled


def test_a_second_commit_is_refused():
    p = Prediction("Sign?", "sign", Solver(1.0), guess="+")
    with pytest.raises(ValueError, match="already committed"):
        p.commit("-")


def test_a_bad_entry_gets_a_message_and_commits_nothing():
    solve = Solver(0.5)
    p = Prediction("How much?", "number", solve, tolerance=0.1)
    p.entry.value = "about a half"
    p.button.click()
    assert not p.committed and solve.calls == 0
    assert "must be a number" in p.result.value and "about a half" in p.result.value
    p.entry.value = ""
    p.button.click()
    assert not p.committed
    p.entry.value = "0.45"
    p.button.click()
    assert p.committed and p.reveal.correct


def test_nothing_picked_yet_asks_for_a_pick():
    p = Prediction("Which?", "choice", Solver("A"), options=("A", "B"))
    p.button.click()
    assert not p.committed and "pick or type a prediction first" in p.result.value


@pytest.mark.parametrize("guess, value, tolerance, correct", [
    (0.25, 0.25, 0.0, True),
    (0.3, 0.25, 0.05, True),      # exactly at the tolerance counts
    (0.2, 0.25, 0.05, True),
    (0.31, 0.25, 0.05, False),
    (-0.25, 0.25, 0.1, False),
    (7.0, 7.8, 1.0, True),
])
def test_tolerance(guess, value, tolerance, correct):
    assert judge("number", guess, value, tolerance) is correct
    p = Prediction("How much?", "number", Solver(value), tolerance=tolerance, guess=guess)
    assert p.reveal.correct is correct
    assert ("Right." in p.plain_text()) is correct
    if not correct:
        assert f"±{tolerance:g}" in p.plain_text()


@pytest.mark.parametrize("guess, canonical", [
    ("negative", "negative"), ("+", "positive"), ("-", "negative"), (0, "zero"),
    (1, "positive"), (-1, "negative"), (" Positive ", "positive"),
])
def test_sign_guesses(guess, canonical):
    assert parse_guess("sign", guess) == canonical


@pytest.mark.parametrize("kind, guess, options", [
    ("sign", "up", ()), ("sign", True, ()), ("sign", 2, ()),
    ("number", "abc", ()), ("number", float("nan"), ()), ("number", None, ()),
    ("number", True, ()), ("choice", "D", ("A", "B")),
])
def test_bad_guesses_are_named(kind, guess, options):
    with pytest.raises(ValueError, match=f"got {re.escape(repr(guess))}"):
        parse_guess(kind, guess, options)


def test_number_text_with_a_typographic_minus():
    assert parse_guess("number", "−0.5") == -0.5


def test_sign_of_and_judging_signs():
    assert [sign_of(v) for v in (-2.0, 0.0, 3.0)] == ["negative", "zero", "positive"]
    assert judge("sign", "zero", 0.0) and not judge("sign", "positive", -1e-9)


def test_a_guess_in_the_cell_reveals_deterministically():
    texts = [Prediction("Sign?", "sign", Solver(-2.0, "−2", "two negatives."), guess="-")
             .plain_text() for _ in range(2)]
    assert texts[0] == texts[1]
    assert "your prediction: negative" in texts[0] and "computed: −2" in texts[0]
    assert "Right. two negatives." in texts[0]


@pytest.mark.parametrize("kwargs, message", [
    (dict(kind="guess"), "kind must be one of"),
    (dict(kind="choice", options=("A",)), "at least two different options"),
    (dict(kind="choice", options=("A", "A")), "at least two different options"),
    (dict(kind="number"), "finite tolerance"),
    (dict(kind="number", tolerance=-1), "finite tolerance"),
    (dict(kind="number", tolerance=float("inf")), "finite tolerance"),
])
def test_bad_questions_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Prediction("Q?", solve=Solver(0.0), **kwargs)


def test_solve_must_be_callable_and_return_an_answer():
    with pytest.raises(TypeError, match="solve must be a function"):
        Prediction("Q?", "sign", 3.0)
    p = Prediction("Q?", "sign", lambda: 3.0)
    with pytest.raises(TypeError, match="must return an Answer"):
        p.commit("+")


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
    r = reveal(predictions.smallest_factor(w=1.5, b=-0.5, a_prev=0.8, y=0.0), smallest)
    assert r.correct and r.answer.value == smallest
    for name, value in factors.items():
        assert f"{name} = {value:.4g}" in r.answer.why
    assert f"∂C0/∂w = {0.8 * sigmoid_prime(z) * 2 * a:.4g}" in r.answer.why
    assert "never more than 1/4" in r.answer.why
    assert sigmoid_prime(np.linspace(-9, 9, 999)).max() <= 0.25
    wrong = reveal(predictions.smallest_factor(1.5, -0.5, 0.8, 0.0), "a(L-1)")
    assert not wrong.correct


def test_lesson1_smallest_factor_when_the_error_is_smallest():
    # y close to a: the error factor is smallest, and the σ′ remark is left out.
    a = sigmoid(0.7)
    r = reveal(predictions.smallest_factor(1.5, -0.5, 0.8, round(a, 2)), "2(a(L) − y)")
    assert r.correct and "1/4" not in r.answer.why


def test_lesson1_dead_relu():
    r = reveal(predictions.dead_relu_slope(w=-2.0, b=-0.5, a_prev=0.8, y=1.0), 0.005)
    assert r.answer.value == 0.0 and r.correct
    assert "-2.1 is negative" in r.answer.why and "a = 0 is far from y = 1" in r.answer.why
    assert not reveal(predictions.dead_relu_slope(-2.0, -0.5, 0.8, 1.0), 0.5).correct
    alive = reveal(predictions.dead_relu_slope(2.0, -0.5, 0.8, 1.0), 0)
    assert "is positive" in alive.answer.why and alive.answer.value != 0


def test_lesson2_first_weight_sign():
    w, b, x, y = LESSON2_CHAIN
    g = chain.backward(w, b, x, y)
    # the sign of the unrolled product a(0) σ′ w(2) σ′ w(3) σ′ 2(a(3) - y)
    expected = math.prod([x, w[1], w[2], 2 * (g.forward.a[3] - y), *g.sigma_prime])
    assert expected == pytest.approx(g.dC_dw[0])
    r = reveal(predictions.first_weight_sign(w, b, x, y), "positive")
    assert r.correct and r.answer.value == g.dC_dw[0] > 0
    assert "2 of them are negative (w(2) = -2, 2(a(3) − y) = " in r.answer.why
    assert r.answer.why.endswith("so the product is positive.")


def test_lesson2_vanishing_powers():
    w, b, x, y = chain.random_chain(12, seed=0)
    g = chain.backward(w, b, x, y)
    powers = math.log10(abs(g.dC_dw[-1] / g.dC_dw[0]))
    assert powers > 6  # the lesson: "about seven orders of magnitude"
    r = reveal(predictions.vanishing_powers(w, b, x, y), round(powers))
    assert r.correct and r.answer.value == pytest.approx(powers)
    assert not reveal(predictions.vanishing_powers(w, b, x, y), powers - 1.5).correct
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
    r = reveal(predictions.path_sign(network, x, y, layer=1, k=0, j=0), "negative")
    assert not r.correct and r.answer.value == pytest.approx(product) and product > 0
    assert w00 < 0 and "the weight is negative and the error negative" in r.answer.why


def test_lesson3_weight_derivative():
    network, x, y = example_network()
    g = network.backprop(x, y)
    a1, a2 = g.activations[1], g.activations[2]
    by_hand = a1[0] * a2[1] * (1 - a2[1]) * 2 * (a2[1] - y[1])
    r = reveal(predictions.weight_derivative(network, x, y, j=1, k=0), round(by_hand, 2))
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
    p = predictions.which_ends_lower(cost_slice, START, lr=10, full_epochs=20, batch_size=10,
                                     mini_epochs=2)
    r = reveal(p, "B = 10, 2 epochs")
    assert r.correct
    assert f"C = {full.final_cost:.4f} after {full.steps} steps" in r.answer.why
    assert f"C = {mini.final_cost:.4f} after {mini.steps} steps" in r.answer.why
    assert f"{mini.steps / full.steps:.0f} times as many" in r.answer.why

    run = train_run(X, y, batch_size=10, lr=30, epochs=5)
    assert run.stopped is not None and "saturated" in run.stopped
    r = reveal(predictions.large_learning_rate(X, y, lr=30, batch_size=10, epochs=5),
               predictions.LARGE_LR_OUTCOMES[1])
    assert not r.correct and r.answer.value == predictions.LARGE_LR_OUTCOMES[2]
    assert r.answer.why == run.stopped
    calm = reveal(predictions.large_learning_rate(X, y, lr=3, batch_size=10, epochs=1),
                  predictions.LARGE_LR_OUTCOMES[0])
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
    r = reveal(predictions.favoured_digit(network, X, labels, j=2), "4")
    assert r.correct and "highest for the average 4" in r.answer.why

    recipe = RECIPES["sigmoid"]
    net = Network(recipe.sizes, activation=recipe.activation, cost=recipe.cost, seed=recipe.seed)
    sizes = gradient_sizes(net, X, labels)
    ratio = sizes[-1] / sizes[0]
    r = reveal(predictions.first_layer_gap(recipe, X, labels), predictions.GAP_OPTIONS[0])
    assert r.answer.shown == f"{ratio:.0f} times weaker"
    expected = predictions.GAP_OPTIONS[int(np.searchsorted([3, 30, 1000], ratio))]
    assert r.answer.value == expected and r.correct == (expected == predictions.GAP_OPTIONS[0])


@pytest.mark.parametrize("make", [
    lambda: predictions.smallest_factor(1.5, -0.5, 0.8, 0.0),
    lambda: predictions.dead_relu_slope(-2.0, -0.5, 0.8, 1.0),
    lambda: predictions.first_weight_sign(*LESSON2_CHAIN),
    lambda: predictions.vanishing_powers(*chain.random_chain(12, seed=0)),
    lambda: predictions.path_sign(*example_network(), layer=1, k=0, j=0),
    lambda: predictions.weight_derivative(*example_network(), j=1, k=0),
])
def test_the_lessons_prompts_hold_no_answer(make):
    p = make()
    assert not p.committed and "commit a prediction" in p.plain_text()
    answer = p.solve()
    assert answer.shown not in all_text(p) and answer.why not in all_text(p)


# The lessons' derivations, checked as the lessons check them. ------------------------------

def test_derivation_lesson1_bias():
    w, b, a_prev, y = 1.5, -0.5, 0.8, 0.0
    f = chain.forward([w], [b], a_prev, y)
    by_formula = 1 * sigmoid_prime(f.z[0]) * 2 * (f.a[1] - y)
    assert chain.backward([w], [b], a_prev, y).dC_db[0] == pytest.approx(by_formula, rel=1e-14)
    nudged = difference_quotient(lambda b_: chain.cost([w], [b_], a_prev, y), b, h=1e-6)
    assert nudged == pytest.approx(by_formula, rel=1e-8)


def test_derivation_lesson2_next_step_of_the_recursion():
    w, b, x, y = LESSON2_CHAIN
    f = chain.forward(w, b, x, y)
    by_formula = w[1] * sigmoid_prime(f.z[1]) * w[2] * sigmoid_prime(f.z[2]) * 2 * (f.a[3] - y)
    assert chain.backward(w, b, x, y).dC_da[1] == pytest.approx(by_formula, rel=1e-14)
    nudged = difference_quotient(lambda a1: chain.cost(w[1:], b[1:], a1, y), f.a[1], h=1e-6)
    assert nudged == pytest.approx(by_formula, rel=1e-7)


def test_derivation_lesson3_hidden_bias():
    network, x, y = example_network()
    g = network.backprop(x, y)
    df = network.activation.df
    by_formula = df(g.zs[0]) * (network.W[1].T @ (2 * (g.activations[2] - y) * df(g.zs[1])))
    np.testing.assert_allclose(g.dC_db[0], by_formula, rtol=1e-13)
    before = network.b[0].copy()
    (nudged,) = numerical_gradient(lambda: network.cost(x, y), [network.b[0]], h=1e-6)
    np.testing.assert_allclose(nudged, by_formula, atol=1e-9)
    np.testing.assert_array_equal(network.b[0], before)  # the lesson's network is untouched


def test_derivation_lesson4_average_of_the_gradients():
    data = load_digits()
    X, y = data.X_train[:100], data.y_train[:100]
    network = Network([64, 16, 10], seed=0)
    dC0_dW, _ = per_example_gradients(network, X, y)
    (nudged,) = numerical_gradient(lambda: network.cost(X, y), [network.W[1]], h=1e-6)
    np.testing.assert_allclose(dC0_dW[1].mean(axis=0), nudged, rtol=0, atol=1e-8)


def test_derivation_lesson5_softmax_cross_entropy_delta():
    recipe = RECIPES["relu"]
    network = Network(recipe.sizes, activation=recipe.activation, cost=recipe.cost, seed=1)
    x = np.random.default_rng(2).uniform(0, 1, 784)
    target = one_hot(3, 10)
    g = network.backprop(x, target)
    by_formula = g.activations[-1] - target
    np.testing.assert_allclose(g.deltas[-1], by_formula, atol=1e-12)
    z_out = g.zs[-1].copy()
    (nudged,) = numerical_gradient(lambda: cross_entropy_from_logits(z_out, target), [z_out],
                                   h=1e-6)
    np.testing.assert_allclose(nudged, by_formula, atol=1e-6)
    # the sigmoid network's output error keeps its σ′ factor
    sig = Network([784, 16, 16, 10], seed=1)
    s = sig.backprop(x, target)
    np.testing.assert_allclose(
        s.deltas[-1], 2 * (s.activations[-1] - target) * sigmoid_prime(s.zs[-1]), atol=1e-12)


def test_short_choices_sit_in_one_row_and_long_ones_in_a_column():
    import ipywidgets as widgets

    digits = Prediction("Which digit?", "choice", Solver("4"), options=[str(d) for d in range(10)])
    assert isinstance(digits.entry, widgets.ToggleButtons)
    assert digits.entry.value is None  # nothing picked for the learner
    digits.entry.value = "4"
    digits.button.click()
    assert digits.reveal.correct
    words = Prediction("Which?", "choice", Solver("left one"), options=["left one", "right one"])
    assert isinstance(words.entry, widgets.RadioButtons) and words.entry.value is None


NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


# Lesson 6 asks its predictions in its zoo's panels (tests/test_zoo.py checks what it stores).
@pytest.mark.parametrize("notebook", [NOTEBOOKS.parent / lesson.notebook for lesson in LESSONS
                                      if lesson.number <= 5], ids=lambda p: p.stem)
def test_stored_lessons_hold_prompts_and_never_a_reveal(notebook):
    """Outputs, saved widget state and all: a stored lesson shows no prediction's answer."""
    stored = notebook.read_text()
    cells = json.loads(stored)["cells"]
    calls = [c for c in cells if c["cell_type"] == "code"
             and re.search(r"^predictions\.\w+\(", "".join(c["source"]), re.M)]
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
        "01_the_last_link": [predictions.smallest_factor(1.5, -0.5, 0.8, 0.0),
                             predictions.dead_relu_slope(-2.0, -0.5, 0.8, 1.0)],
        "02_a_chain_of_layers": [predictions.first_weight_sign(*LESSON2_CHAIN),
                                 predictions.vanishing_powers(*chain.random_chain(12, seed=0))],
        "03_many_neurons_per_layer": [predictions.path_sign(network, x, y, 1, 0, 0),
                                      predictions.weight_derivative(network, x, y, 1, 0)],
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
    r = reveal(predictions.one_large_step(network, X, y, lr=10), predictions.STEP_OUTCOMES[1])
    assert not r.correct and r.answer.value == predictions.STEP_OUTCOMES[2]
    assert network.cost(X, y) == before  # the network itself is not stepped
    after = gradient_step(network, X, y, 10).cost(X, y)
    assert f"C goes from {before:.4f} to {after:.4f}" in r.answer.why
    small = reveal(predictions.one_large_step(network, X, y, lr=0.1), predictions.STEP_OUTCOMES[0])
    assert small.correct
    middle = reveal(predictions.one_large_step(network, X, y, lr=3), predictions.STEP_OUTCOMES[1])
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
    p = predictions.untrained_answer(network, np.zeros(784), label=2)
    r = reveal(p, p.options[outcome])
    assert r.correct, r.answer.why


def test_an_exact_number_prediction_says_not_quite_without_a_zero_margin():
    exact = Prediction("How many?", "number", lambda: Answer(0, "0 of 10", "none"), tolerance=0)
    exact.commit(3)
    assert exact.reveal_lines()[2] == "Not quite."
    rough = Prediction("How many?", "number", lambda: Answer(0, "0", "none"), tolerance=0.5)
    rough.commit(3)
    assert rough.reveal_lines()[2] == "Not quite (more than ±0.5 off)."


@pytest.mark.parametrize(("ask", "error", "message"), [
    (lambda n, x, y: predictions.path_sign(n, x, y, layer=0, k=0, j=0), ValueError,
     "layer must be 1, the last before the output .*got 0"),
    (lambda n, x, y: predictions.path_sign(n, x, y, layer=1, k=0, j=5), ValueError,
     r"j \(a neuron of layer 2\) must be 0 to 1, got 5"),
    (lambda n, x, y: predictions.path_sign(n, x, y, layer=1, k=-1, j=0), ValueError,
     r"k \(a neuron of layer 1\) must be 0 to 3, got -1"),
    (lambda n, x, y: predictions.path_sign(n, x, y, layer=1.0, k=0, j=0), TypeError,
     "layer must be a whole number, got 1.0"),
    (lambda n, x, y: predictions.weight_derivative(n, x, y, j=1, k=9), ValueError,
     r"k \(a neuron of layer 1\) must be 0 to 3, got 9"),
    (lambda n, x, y: predictions.weight_derivative(n, x, y, j=2, k=0), ValueError,
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
        predictions.vanishing_powers(w, b, x, y)


@pytest.mark.parametrize("guess", [["positive"], {"sign": 1}, 1.5, None])
def test_a_sign_guess_of_another_kind_gets_a_clear_error(guess):
    with pytest.raises(ValueError, match="a sign guess must be 'negative', 'zero' or 'positive'"):
        parse_guess("sign", guess)


def test_lesson1_batch_wishes_up_when_the_outputs_already_say_little():
    network = Network([784, 16, 16, 10], seed=0)
    network.W[-1][:] = 0.0
    network.b[-1][:] = -5.0  # every output says about 0.007
    X = np.random.default_rng(0).uniform(0, 1, (10, 784))
    labels = np.arange(10) % 5  # digits 0 to 4, twice each
    r = reveal(predictions.batch_wishes_up(network, X, labels, first=0, batch_size=10), 5)
    assert r.correct  # the five digits present each pull their output up
    assert "outputs average 0.01 on these digits" in r.answer.why
    assert r.answer.why.endswith("can outweigh the others.")
