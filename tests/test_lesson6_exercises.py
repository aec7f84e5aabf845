"""Lesson 6: the learner's steps and their checks, the worked solutions, and training with them."""

from pathlib import Path

import numpy as np
import pytest

from bp_helpers.activations import sigmoid_prime
from bp_helpers.data import load_mnist
from bp_helpers.network import Network, one_hot
from bp_helpers.questions import lesson6
from bp_helpers.training import sgd
from bp_helpers.zoo import BUGS

pytestmark = pytest.mark.every_cpu  # the lesson's claims hold under every CPU's kernels

LESSON = Path(__file__).resolve().parent.parent / "notebooks" / "text" / "06_your_backprop.py"
STEPS = ["output_error", "error_back", "weight_gradient", "bias_gradient"]


def stub(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize("name", STEPS)
def test_the_worked_solutions_pass_their_checks(name):
    assert lesson6.grade_step(name, getattr(lesson6, name)).passed


def test_a_pass_on_one_case_reads_as_one_check():
    answer = lesson6.grade_step("output_error", lesson6.output_error)
    assert "output_error matches bp_helpers on its one check. Well done!" in repr(answer.feedback)


@pytest.mark.parametrize("name", STEPS)
def test_a_stub_is_not_an_attempt_and_a_wrong_answer_is(name):
    answer = lesson6.grade_step(name, stub)
    assert not answer.passed and "not written yet" in answer.feedback.message
    assert not answer.feedback.attempted and answer.button is None
    answer = lesson6.grade_step(name, lambda **kwargs: 0.0 * next(iter(kwargs.values())))
    assert not answer.passed and "should" in answer.feedback.message
    assert answer.feedback.attempted and answer.button is not None


def test_classic_step_mistakes_get_clear_feedback():
    transposed = lesson6.grade_step(
        "error_back", lambda W_next, delta_next, z: (delta_next @ W_next.T) * z)
    assert "raised ValueError" in transposed.feedback.message
    summed = lesson6.grade_step("weight_gradient", lambda delta, a_prev: delta.T @ a_prev)
    assert "Hint" in summed.feedback.message
    wrong_axis = lesson6.grade_step("bias_gradient", lambda delta: delta.mean(axis=1))
    assert "shape (4,)" in wrong_axis.feedback.message and "(3,)" in wrong_axis.feedback.message


@pytest.mark.parametrize("name", [*STEPS, "backprop"])
def test_the_worked_solution_opens_after_an_attempt_with_its_reasoning(name):
    # The same mechanism as lessons 1-5: a button under the check's answer.
    if name == "backprop":
        answer, _ = lesson6.grade_backprop(lambda network, X, Y: None)
    else:
        answer = lesson6.grade_step(name, lambda *args, **kwargs: 0.0)
    assert answer.solution.value == ""
    answer.button.click()
    shown = answer.solution.value
    assert f"def {name}(" in shown and "A worked solution" in shown
    assert shown.count("<li>") == len(lesson6.REASONING[name]) >= 2
    assert answer.button.layout.display == "none"


def test_grade_backprop_passes_the_solution_and_shows_where_a_bug_is():
    answer, report = lesson6.grade_backprop(stub)
    assert not answer.passed and report is None and "not written yet" in answer.feedback.message
    assert not answer.feedback.attempted and answer.button is None
    answer, report = lesson6.grade_backprop(lambda network, X, Y: None)
    assert not answer.passed and "should return (dC_dW, dC_db)" in answer.feedback.message
    assert answer.feedback.attempted
    answer, report = lesson6.grade_backprop(lesson6.backprop)
    assert answer.passed and report.ok and "all 74 parameters" in answer.feedback.message
    answer, report = lesson6.grade_backprop(BUGS[0].backprop)
    assert not answer.passed and not report.ok and "heat map" in answer.feedback.message


@pytest.mark.parametrize("bug", BUGS[:8], ids=[bug.name for bug in BUGS[:8]])
def test_grade_backprop_catches_every_quadratic_zoo_bug_on_the_lessons_network(bug):
    """The 6-5-4-3 network's sizes all differ: a bug fails by its numbers or by a shape."""
    feedback, _ = lesson6.grade_backprop(bug.backprop)
    assert not feedback.passed


def test_the_lesson_says_which_backprop_and_loop_it_uses(capsys):
    assert lesson6.use_backprop(stub) is lesson6.backprop
    assert "use the worked solution" in capsys.readouterr().out
    assert lesson6.use_loop(stub) is lesson6.sgd_epoch
    assert "Your sgd_epoch does not pass its check yet" in capsys.readouterr().out

    def mine(network, X, Y):
        return lesson6.backprop(network, X, Y)

    def my_loop(network, X, Y, batch_size, lr, rng, backprop):
        lesson6.sgd_epoch(network, X, Y, batch_size, lr, rng, backprop)

    used = lesson6.use_backprop(mine)
    assert used.__wrapped__ is mine  # as_arrays(mine): its lists become arrays for training
    assert "Your backprop passes its check" in capsys.readouterr().out
    assert lesson6.use_loop(my_loop) is my_loop
    assert lesson6.what_ran(used, my_loop) == "your backprop and loop"
    assert lesson6.what_ran(lesson6.backprop, my_loop) == (
        "your loop, the worked solution's backprop")
    assert lesson6.what_ran(used, lesson6.sgd_epoch) == (
        "your backprop, the worked solution's loop")
    assert lesson6.what_ran(lesson6.backprop, lesson6.sgd_epoch) == "the worked solution"


# training.sgd with a backprop function
rng = np.random.default_rng(9)
X = rng.uniform(0, 1, (60, 6))
LABELS = rng.integers(0, 3, 60)


def test_sgd_with_network_backprop_takes_the_same_steps_as_the_engine():
    engine, stepped = Network([6, 5, 3], seed=4), Network([6, 5, 3], seed=4)
    kwargs = dict(epochs=3, batch_size=7, lr=0.5, seed=2, dtype=np.float64)
    h_engine = sgd(engine, X, LABELS, **kwargs)
    h_stepped = sgd(stepped, X, LABELS, **kwargs, backprop=Network.backprop)
    for a, b in zip(engine.W + engine.b, stepped.W + stepped.b, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h_engine.costs, h_stepped.costs, rtol=1e-10)


def test_the_learners_curve_every_n_steps_is_sgds_record_every():
    """The lesson plots the learner's loop and sgd's fast trainer 'a point every `every`
    steps': StepCosts counts the learner's backprop calls as steps and records where
    sgd(record_every=every) does, and with the worked solution the two curves agree."""
    mine, fast = Network([6, 5, 3], seed=4), Network([6, 5, 3], seed=4)
    steps, rng, Y = lesson6.StepCosts(mine, X, LABELS, every=4), np.random.default_rng(0), \
        one_hot(LABELS, 3)
    for _ in range(3):  # 60 examples in batches of 7: 9 steps an epoch
        lesson6.sgd_epoch(mine, X, Y, batch_size=7, lr=0.5, rng=rng,
                          backprop=steps.counted(lesson6.backprop))
    pairs = steps.finish()
    history = sgd(fast, X, LABELS, epochs=3, batch_size=7, lr=0.5, seed=0, dtype=np.float64,
                  record_every=4)
    assert [step for step, _ in pairs] == [0, 4, 8, 12, 16, 20, 24, 27]
    assert pairs[0][1] == history.costs[0] and pairs[-1][1] == pytest.approx(history.costs[-1])
    assert [step for step, _ in history.step_costs] == [step for step, _ in pairs[1:-1]]
    np.testing.assert_allclose([c for _, c in pairs[1:-1]], [c for _, c in history.step_costs],
                               rtol=1e-10)


def test_sgd_with_the_lessons_solution_matches_network_backprop_bit_for_bit():
    mine, ours = Network([6, 5, 4, 3], seed=4), Network([6, 5, 4, 3], seed=4)
    kwargs = dict(epochs=2, batch_size=10, lr=1.0, seed=0)
    sgd(mine, X, LABELS, **kwargs, backprop=lesson6.backprop)
    sgd(ours, X, LABELS, **kwargs, backprop=Network.backprop)
    for a, b in zip(mine.W + mine.b, ours.W + ours.b, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_sgd_checks_the_backprop_it_is_given():
    network = Network([6, 5, 3], seed=4)
    before = [w.copy() for w in network.W]
    with pytest.raises(TypeError, match="backprop must be a function"):
        sgd(network, X, LABELS, epochs=1, batch_size=10, lr=0.1, backprop="mine")
    with pytest.raises(TypeError, match=r"backprop must return \(dC_dW, dC_db\)"):
        sgd(network, X, LABELS, epochs=1, batch_size=10, lr=0.1,
            backprop=lambda network, X, Y: None)
    with pytest.raises(ValueError, match=r"dC_dW must have the shapes \[\(5, 6\), \(3, 5\)\]"):
        sgd(network, X, LABELS, epochs=1, batch_size=10, lr=0.1,
            backprop=lambda network, X, Y: ([w.T for w in network.W], network.b))
    for w, w_before in zip(network.W, before, strict=True):
        np.testing.assert_array_equal(w, w_before)


def test_the_divergence_guard_keeps_the_last_good_weights_with_a_backprop_too():
    network = Network([6, 5, 3], "relu", seed=4)
    before = [w.copy() for w in network.W]
    history = sgd(network, X * 50, LABELS, epochs=3, batch_size=10, lr=1e3,
                  backprop=Network.backprop)
    assert history.stopped is not None and "epoch 1 of 3" in history.stopped
    for w, w_before in zip(network.W, before, strict=True):
        np.testing.assert_array_equal(w, w_before)


def test_the_lessons_recipe_is_stated_as_it_runs():
    lesson = LESSON.read_text()
    assert 'epochs = 30 if mnist.source == "embedded" else 5' in lesson
    assert "Network([784, 16, 16, 10], seed=0)" in lesson
    assert "rng = np.random.default_rng(0)" in lesson
    assert "batch_size=10, lr=0.5, rng=rng,\n" in lesson
    assert "epochs=epochs, batch_size=10, lr=0.5, seed=0," in lesson
    assert "$\\eta = 0.5$ and batches of 10 (" in lesson and "# 30 passes over the 4,000" in lesson


def test_the_lessons_solution_trains_past_90_percent():
    """The lesson's recipe on the embedded subset, the learner's loop with the worked
    solution beside sgd's engine: "at least 90%" with margin in each of the last five
    epochs, and "within half a point". Marked every_cpu (above), so course.py test runs
    it again under the Haswell and Sandybridge kernels; measured under SkylakeX too."""
    mnist = load_mnist("embedded")
    network = Network([784, 16, 16, 10], seed=0)
    Y_train = one_hot(mnist.y_train, 10)
    rng = np.random.default_rng(0)
    yours = []
    for epoch in range(1, 31):
        lesson6.sgd_epoch(network, mnist.X_train, Y_train, batch_size=10, lr=0.5, rng=rng,
                          backprop=lesson6.backprop)
        yours.append(lesson6.record(network, mnist, epoch, 0.0).test_accuracy)
    engine = Network([784, 16, 16, 10], seed=0)
    history = sgd(engine, mnist.X_train, mnist.y_train, epochs=30, batch_size=10, lr=0.5,
                  seed=0, X_test=mnist.X_test, y_test=mnist.y_test)
    assert history.stopped is None
    ours = history.test_accuracies
    assert min(yours[-5:]) >= 0.91 and min(ours[-5:]) >= 0.91
    assert abs(yours[-1] - ours[-1]) <= 0.004


# --- checks a learner can trust: each hostile backprop gets one clear sentence


def biases_as_lists(network, X, Y):
    """The worked solution with every bias gradient a list comprehension."""
    dC_dW, dC_db = lesson6.backprop(network, X, Y)
    return dC_dW, [[float(g_j) for g_j in g] for g in dC_db]


def test_a_backprop_that_passes_with_lists_also_trains():
    answer, _ = lesson6.grade_backprop(biases_as_lists)
    assert answer.passed, answer.feedback.message
    used = lesson6.use_backprop(biases_as_lists)
    network = Network([6, 5, 3], seed=4)
    history = sgd(network, X, LABELS, epochs=2, batch_size=10, lr=0.5, backprop=used)
    assert history.stopped is None and len(history.records) == 3


def with_result(result):
    def backprop(network, X, Y):
        return result(*lesson6.backprop(network, X, Y))

    return backprop


@pytest.mark.parametrize(("fn", "message"), [
    (with_result(lambda dW, db: (dW, [g + 0j for g in db])),
     "backprop(network, X, Y) returned complex numbers in dC_db[0] (layer 1's biases): a "
     "gradient is real"),
    (with_result(lambda dW, db: (dW, [g.astype(object) for g in db])),
     "backprop(network, X, Y) returned dC_db[0] (layer 1's biases) as ndarray"),
    (with_result(lambda dW, db: ([*dW[:1], None, dW[2]], db)),
     "backprop(network, X, Y) left dC_dW[1] (layer 2's weights) as None: it never computed "
     "that layer's gradient"),
    (with_result(lambda dW, db: {"dW": dW, "db": db}),
     "backprop(network, X, Y) should return (dC_dW, dC_db), a pair of lists with one array per "
     "layer, but returned dict"),
    (with_result(lambda dW, db: ([w.T for w in dW], db)),
     "backprop(network, X, Y) returned dC_dW[0] (layer 1's weights) with shape (6, 5), but it "
     "must have the shape of W[0], (5, 6)"),
    (with_result(lambda dW, db: (dW[:2], db)),
     "backprop(network, X, Y) returned dC_dW with 2 arrays, but the network has 3 layers"),
])
def test_a_malformed_result_is_described_not_reported_as_raised(fn, message):
    answer, report = lesson6.grade_backprop(fn)
    assert not answer.passed and report is None and answer.feedback.attempted
    assert answer.feedback.message.startswith(message)
    assert "raised" not in answer.feedback.message


def test_a_correct_backprop_that_edits_Y_in_place_passes():
    def in_place(network, X, Y):
        zs, activations = network.forward(X)
        L = len(network.W)
        Y -= activations[L]  # now Y holds y - a(L)
        delta = -2 * Y * sigmoid_prime(zs[L - 1])
        dC_dW, dC_db = [None] * L, [None] * L
        for l in range(L, 0, -1):
            if l < L:
                delta = (delta @ network.W[l]) * sigmoid_prime(zs[l - 1])
            dC_dW[l - 1] = delta.T @ activations[l - 1] / len(X)
            dC_db[l - 1] = delta.mean(axis=0)
        return dC_dW, dC_db

    answer, _ = lesson6.grade_backprop(in_place)
    assert answer.passed, answer.feedback.message
    assert lesson6.grade_fix(1, in_place).passed


def test_an_unfinished_step_called_by_backprop_is_named():
    def output_error(a_L, y, z_L):
        raise NotImplementedError

    def mine(network, X, Y):
        zs, activations = network.forward(X)
        output_error(activations[-1], Y, zs[-1])

    answer, _ = lesson6.grade_backprop(mine)
    assert answer.feedback.message == (
        "backprop calls output_error, which is not written yet (it still raises "
        "NotImplementedError): finish output_error first, then run this cell again.")
    assert answer.feedback.attempted and answer.button is not None


def loops_forever(network, X, Y):
    while True:
        try:
            while True:
                pass
        except:  # noqa: E722 (a learner's catch-all, the point of the test)
            pass


def test_backprop_and_fix_checks_stop_a_backprop_that_never_returns():
    answer, report = lesson6.grade_backprop(loops_forever)
    assert report is None and answer.feedback.message == (
        "backprop(network, X, Y) did not return within 5 s, so it was stopped. Look for a "
        "loop that never ends.")
    assert lesson6.grade_fix(2, loops_forever).message == (
        "fix(network, X, Y) did not return within 5 s, so it was stopped. Look for a loop "
        "that never ends.")
    assert lesson6.use_backprop(loops_forever) is lesson6.backprop


def test_the_usual_shape_mistakes_get_a_hint_about_rows_not_the_answer():
    transposed = lesson6.grade_step(
        "error_back", lambda W_next, delta_next, z: (W_next.T @ delta_next) * sigmoid_prime(z))
    assert "raised ValueError" in transposed.feedback.message
    assert "Hint: examples are rows here" in transposed.feedback.message
    outer = lesson6.grade_step("weight_gradient", lambda delta, a_prev: delta @ a_prev.T)
    assert "Hint: examples are rows here" in outer.feedback.message
    for name, (_, _, hint, shape_hint) in lesson6.STEPS.items():
        solution = lesson6.SOLUTIONS[name].code.splitlines()[-1].split("return ")[-1]
        assert solution not in hint + shape_hint, name
        for code in ("delta_next @ W_next", "delta.T @ a_prev", "mean(axis=0)"):
            assert code not in hint + shape_hint, name


# --- the learner's training loop


def loop(step=1.0, shuffle=True, last=True, in_place=True):
    """A learner's sgd_epoch, right or with one of the usual mistakes."""
    def sgd_epoch(network, X, Y, batch_size, lr, rng, backprop):
        order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
        end = len(X) if last else len(X) - batch_size + 1
        for start in range(0, end, batch_size):
            batch = order[start:start + batch_size]
            dC_dW, dC_db = backprop(network, X[batch], Y[batch])
            for l, (g_W, g_b) in enumerate(zip(dC_dW, dC_db, strict=True)):
                if in_place:
                    network.W[l] -= step * lr * g_W
                    network.b[l] -= step * lr * g_b
                else:
                    W, b = network.W[l], network.b[l]
                    W, b = W - lr * g_W, b - lr * g_b  # the mistake: only a rebind

    return sgd_epoch


@pytest.mark.parametrize(("fn", "passed", "message"), [
    (lesson6.sgd_epoch, True, "sgd_epoch takes the same 10 steps as training.sgd with the "
                              "same seed. Well done!"),
    (loop(), True, "sgd_epoch takes the same 10 steps"),
    (stub, False, "sgd_epoch is not written yet"),
    (loop(in_place=False), False, "After 2 epochs the network's weights are as they were: "
                                  "sgd_epoch must change network.W[l] and network.b[l] "
                                  "themselves, in place."),
    (loop(shuffle=False), False, "sgd_epoch visits the examples in their stored order every "
                                 "epoch"),
    (loop(last=False), False, "In 2 epochs, sgd_epoch called backprop on batches of 7, 7, 7, "
                              "7, 7, 7, 7, 7 examples, but 30 examples in batches of 7 make "
                              "batches of 7, 7, 7, 7, 2, 7, 7, 7, 7, 2"),
    (loop(step=-1.0), False, "After 2 epochs the weights differ from training.sgd's"),
])
def test_the_loop_is_checked_against_sgd_with_the_same_seed(fn, passed, message):
    answer = lesson6.grade_loop(fn)
    assert answer.passed == passed and message in answer.feedback.message


def test_the_loops_check_stops_a_loop_that_never_ends():
    def forever(network, X, Y, batch_size, lr, rng, backprop):
        loops_forever(network, X, Y)

    answer = lesson6.grade_loop(forever)
    assert answer.feedback.message.startswith("sgd_epoch(network, X, Y, batch_size=7, lr=0.5, "
                                              "rng, backprop) did not return within 5 s")


def test_the_learners_loop_and_backprop_train_like_sgd():
    """What the lesson's training cell does, on a small network: the same steps as sgd."""
    mine, ours = Network([6, 5, 3], seed=4), Network([6, 5, 3], seed=4)
    rng = np.random.default_rng(2)
    Y = np.eye(3)[LABELS]
    for _ in range(3):
        lesson6.sgd_epoch(mine, X, Y, batch_size=7, lr=0.5, rng=rng,
                          backprop=lesson6.use_backprop(biases_as_lists))
    sgd(ours, X, LABELS, epochs=3, batch_size=7, lr=0.5, seed=2, dtype=np.float64,
        backprop=lesson6.backprop)
    for a, b in zip(mine.W + mine.b, ours.W + ours.b, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_on_the_full_set_five_epochs_pass_90_percent_in_the_learners_loop_and_sgd():
    """The lesson's recipe when full MNIST is present (skipped otherwise): 5 epochs."""
    try:
        mnist = load_mnist("full", download=False)
    except FileNotFoundError as error:
        pytest.skip(f"the full MNIST set is not here: {error}")
    network = Network([784, 16, 16, 10], seed=0)
    Y_train = np.eye(10)[mnist.y_train]
    rng = np.random.default_rng(0)
    for _ in range(5):
        lesson6.sgd_epoch(network, mnist.X_train, Y_train, batch_size=10, lr=0.5, rng=rng,
                          backprop=lesson6.backprop)
    yours = network.accuracy(mnist.X_test, mnist.y_test)
    engine = Network([784, 16, 16, 10], seed=0)
    ours = sgd(engine, mnist.X_train, mnist.y_train, epochs=5, batch_size=10, lr=0.5, seed=0,
               X_test=mnist.X_test, y_test=mnist.y_test).test_accuracies[-1]
    assert min(yours, ours) >= 0.93 and abs(yours - ours) <= 0.004
