"""Self-grading exercises: feedback for every kind of wrong answer, never a traceback,
and a checker that the learner's own code cannot fool."""

import html
import importlib
import inspect
import json
import re
import signal
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from bp_helpers import exercises, grading
from bp_helpers.activations import sigmoid, sigmoid_prime
from bp_helpers.exercises import Exercise, Feedback, Quiz, Solution, grade_function
from bp_helpers.network import one_hot
from bp_helpers.panels import example_network

CASES = [{"z": 0.0}, {"z": 2.0}, {"z": np.array([-1.0, 3.0])}]


def check(fn, **kwargs):
    return grade_function(fn, sigmoid_prime, CASES, name="my_sigmoid_prime",
                          hint="think slope", **kwargs)


def not_written(z):
    raise NotImplementedError


@pytest.mark.parametrize(
    ("fn", "message"),
    [
        (not_written, "my_sigmoid_prime is not written yet"),
        (lambda z: None, "returned None: did you forget the `return`?"),
        (lambda z: "0.25", "should return a number or an array of numbers, but returned str"),
        (lambda z: [0.25, 0.25], "should return a single number, but returned shape (2,)"),
        (lambda z: sigmoid(z), "should be 0.25, but your function gives 0.5. Hint: think slope"),
        (lambda z: 1 / (z - z), "raised ZeroDivisionError: float division by zero"),
        (lambda z: float(sigmoid(z) * (1 - sigmoid(z))),
         "my_sigmoid_prime(z = [-1.0, 3.0]) raised TypeError"),
        (lambda z, extra: z, "raised TypeError"),
        (lambda z: {"slope": 0.25}, "should return a number or an array of numbers, but "
                                    "returned dict"),
        (lambda z: [0.25, [1.0]], "should return a number or an array of numbers, but "
                                  "returned list"),
        (42, "expected a function for my_sigmoid_prime, got int"),
    ],
)
def test_wrong_answers_get_feedback_that_names_what_was_expected(fn, message):
    feedback = check(fn)
    assert not feedback.passed
    assert message in feedback.message
    assert repr(feedback).startswith("❌ ")


def test_array_of_the_wrong_shape_is_named():
    feedback = grade_function(lambda z: np.zeros(3), sigmoid_prime, [{"z": np.zeros(2)}],
                              name="f")
    assert "should return an array of shape (2,), but returned shape (3,)" in feedback.message


def test_a_right_answer_passes():
    feedback = check(lambda z: sigmoid(z) * (1 - sigmoid(z)))
    assert feedback.passed and "all 3 checks" in repr(feedback)


# --- the learner's function edits its inputs in place


def reference_delta(W_next, delta_next, z):
    return (W_next.T @ delta_next) * sigmoid_prime(z)


def test_zeroing_an_input_in_place_neither_passes_nor_touches_the_lessons_weights():
    network, x, y = example_network()
    g = network.backprop(x, y)
    weights = network.W[1].copy()

    def sabotage(W_next, delta_next, z):
        W_next *= 0
        return np.zeros(len(z))

    feedback = grade_function(sabotage, reference_delta,
                              [dict(W_next=network.W[1], delta_next=g.deltas[1], z=g.zs[0])])
    assert not feedback.passed
    assert "Well done" not in feedback.message
    np.testing.assert_array_equal(network.W[1], weights)


def test_a_right_formula_that_edits_its_input_in_place_is_judged_right():
    a = np.linspace(0.05, 0.95, 10)

    def wishes_in_place(a, label):
        a -= one_hot(label, 10)
        a *= -2
        return a

    feedback = grade_function(wishes_in_place, lambda a, label: -2 * (a - one_hot(label, 10)),
                              [dict(a=a, label=3), dict(a=a, label=7)])
    assert feedback.passed, feedback.message
    np.testing.assert_array_equal(a, np.linspace(0.05, 0.95, 10))


def test_the_reference_sees_pristine_inputs_even_if_it_edits_its_own():
    def reference(a):
        a += 1.0
        return a.copy()

    feedback = grade_function(lambda a: a + 1.0, reference, [dict(a=np.zeros(3))])
    assert feedback.passed, feedback.message


# --- an answer that never returns


def forever(z):
    while True:
        pass


def stubborn(z):
    while True:
        try:
            while True:
                pass
        except Exception:  # a learner's catch-all must not swallow the stop
            pass


@pytest.mark.parametrize("fn", [forever, stubborn])
def test_an_answer_that_never_returns_is_stopped_and_says_so(fn):
    handler = signal.getsignal(signal.SIGALRM)
    feedback = check(fn, timeout=0.2)
    assert not feedback.passed
    assert feedback.message == ("my_sigmoid_prime(z = 0.0) did not return within 0.2 s, so it "
                                "was stopped. Look for a loop that never ends.")
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert check(lambda z: sigmoid(z) * (1 - sigmoid(z)), timeout=0.2).passed


def test_off_the_main_thread_a_slow_answer_is_abandoned_with_a_clear_message():
    release = threading.Event()

    def slow(z):
        release.wait()
        return 0.25

    result = {}
    worker = threading.Thread(target=lambda: result.update(feedback=check(slow, timeout=0.2)))
    worker.start()
    worker.join()
    release.set()
    assert result["feedback"].message.startswith("my_sigmoid_prime(z = 0.0) did not return "
                                                 "within 0.2 s, so it could not be stopped and "
                                                 "is still running: restart the kernel")
    result.clear()
    worker = threading.Thread(target=lambda: result.update(
        feedback=check(lambda z: sigmoid(z) * (1 - sigmoid(z)))))
    worker.start()
    worker.join()
    assert result["feedback"].passed


def test_the_timeout_stops_an_infinite_loop_inside_a_jupyter_kernel():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from bp_helpers.exercises import grade_function\n"
        "def my_f(z):\n"
        "    while True:\n"
        "        pass\n"
        "grade_function(my_f, lambda z: z, [{'z': 1.0}], timeout=0.5)")])
    nbclient.NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    text = notebook.cells[0].outputs[0]["data"]["text/plain"]
    assert "my_f(z = 1.0) did not return within 0.5 s, so it was stopped" in text


# --- wrong types


@pytest.mark.parametrize("got", [0.25 + 5j, np.array([0.25 + 0j, 1.0])])
def test_a_complex_result_is_rejected_with_a_clear_message(got):
    feedback = grade_function(lambda z: got, lambda z: 0.25 + 0 * z, [{"z": 0.0}], name="f")
    assert not feedback.passed
    assert "returned a complex number" in feedback.message
    assert "but the answer is real" in feedback.message


def test_a_truth_value_is_not_a_number():
    feedback = grade_function(lambda z: True, lambda z: 1.0, [{"z": 0.0}], name="f")
    assert feedback.message == "f(z = 0.0) returned True/False (True), but the answer is a number"


@pytest.mark.parametrize("value", ["seven", None, 2 + 1j, object()])
def test_any_case_argument_can_be_named_in_feedback(value):
    def raises(word):
        raise ValueError("no")

    feedback = grade_function(raises, lambda word: 1.0, [{"word": value}], name="f")
    assert feedback.message.startswith("f(word = ")
    assert feedback.message.endswith(") raised ValueError: no")
    wrong = grade_function(lambda word: 2.0, lambda word: 1.0, [{"word": value}], name="f")
    assert "should be 1.0, but your function gives 2.0" in wrong.message


def test_a_wrong_big_array_is_summarised_by_shape_and_first_difference():
    expected = np.arange(80.0).reshape(8, 10)
    got = expected.copy()
    got[2, 3] = -1.0
    got[5, 0] = -2.0
    feedback = grade_function(lambda outputs: got, lambda outputs: expected,
                              [dict(outputs=np.ones((8, 10)))], name="f", hint="look again")
    assert feedback.message == (
        "f(outputs = an array of shape (8, 10)) returns an array of the right shape (8, 10), "
        "but 2 of its 80 entries differ; the first is [2, 3]: it should be 23.0, but your "
        "function gives -1.0. Hint: look again")


# --- grading cannot be switched off from a lesson


@pytest.mark.parametrize(("module", "names"), [
    (grading, ["_compare", "grade_function", "Feedback", "call_with_timeout", "TIMEOUT"]),
    (importlib.import_module("bp_helpers.questions.lesson6"), ["grade_fix", "grade_backprop"]),
    (exercises, ["grade_function", "Feedback", "Exercise", "TIMEOUT"]),
])
def test_the_checker_cannot_be_switched_off_by_setting_its_attributes(monkeypatch, module, names):
    for name in names:
        with pytest.raises(AttributeError, match="read-only"):
            setattr(module, name, lambda *args, **kwargs: None)
        with pytest.raises(AttributeError, match="read-only"):
            monkeypatch.setattr(module, name, None)
        with pytest.raises(AttributeError, match="read-only"):
            delattr(module, name)
    assert not check(lambda z: 0.0).passed


def test_a_lessons_questions_cannot_be_swapped_out():
    from bp_helpers.questions import lesson1

    with pytest.raises(AttributeError, match="read-only"):
        lesson1.exercise = lambda name: None
    with pytest.raises(TypeError):
        lesson1.questions.exercises["dC0_dw"] = None
    with pytest.raises(AttributeError):
        lesson1.questions.exercises = {}
    exercise = lesson1.exercise("dC0_dw")
    with pytest.raises(AttributeError):
        exercise.reference = lambda **kwargs: 0.0
    assert not exercise.grade(lambda w, b, a_prev, y: 0.0, [dict(w=1.0, b=0.0, a_prev=1.0,
                                                                  y=0.0)]).passed


# --- quizzes


def test_quiz_grades_every_option():
    quiz = Quiz("2 + 2?", ["3", "4"], answer=1, explanations=["Off by one.", "Two and two."])
    assert quiz.grade(1) == quiz.grade(1) and quiz.grade(1).passed
    assert quiz.grade(0).message == "Not quite. Off by one."
    assert quiz.grade(None).message == "Pick an answer first."
    quiz.choice.value = "4"
    quiz.button.click()
    assert quiz.feedback.value == "✅ Right. Two and two."
    assert quiz._repr_mimebundle_()["text/plain"] == "Quiz: 2 + 2?\n  A. 3\n  B. 4"


def test_quiz_checks_its_own_definition():
    with pytest.raises(ValueError, match="each option needs an explanation"):
        Quiz("?", ["a", "b"], 0, ["only one"])
    with pytest.raises(ValueError, match=r"answer must index the options 0\.\.1, got 2"):
        Quiz("?", ["a", "b"], 2, ["x", "y"])


@pytest.mark.parametrize("answer", [1.5, 1.0, True, "1", None])
def test_a_quiz_answer_that_is_not_an_index_is_rejected(answer):
    with pytest.raises(TypeError, match=r"answer must be the index of the right option, an int "
                                        r"from 0 to 1, got"):
        Quiz("?", ["a", "b"], answer, ["x", "y"])


def test_duplicate_options_are_rejected():
    with pytest.raises(ValueError, match=r"each option must read differently.*'a' appears more "
                                         r"than once"):
        Quiz("?", ["a", "b", "a"], 1, ["x", "y", "z"])


@pytest.mark.parametrize("explanation", ["Right: it is.", "Correct. It is.", "not quite, no.",
                                         "Wrong! It is not.", "Incorrect: no."])
def test_an_explanation_that_repeats_the_verdict_is_rejected(explanation):
    with pytest.raises(ValueError, match="starts with a verdict"):
        Quiz("?", ["a", "b"], 1, ["x", explanation])


def test_every_lessons_quiz_reads_one_verdict_then_the_reason():
    for lesson in lessons():
        for name in lesson.questions.quizzes:
            quiz = lesson.quiz(name)
            for index in range(len(quiz.options)):
                message = quiz.grade(index).message
                assert message.count("Right") <= 1 and "Right. Right" not in message, message
                assert message.startswith("Right. " if index == quiz.answer else "Not quite. ")


# --- exercises with worked solutions


def lessons():
    from bp_helpers.questions import lesson1, lesson2, lesson3, lesson4, lesson5

    return [lesson1, lesson2, lesson3, lesson4, lesson5]


def test_the_worked_solution_appears_only_after_an_attempt():
    exercise = Exercise(reference=sigmoid_prime, hint="", solution=Solution(
        steps=(r"Use $\sigma(1 - \sigma)$.",), code="def f(z):\n    return 1 < 2\n"))
    untried = exercise.grade(not_written, CASES)
    assert not untried.feedback.attempted
    assert untried.button is None and len(untried.widget.children) == 2
    with pytest.raises(RuntimeError, match="only after a first attempt"):
        untried.reveal()
    tried = exercise.grade(lambda z: 0.0, CASES)
    assert tried.button in tried.widget.children and tried.solution.value == ""
    tried.button.click()
    assert "Use $\\sigma(1 - \\sigma)$." in tried.solution.value
    assert "return 1 &lt; 2" in tried.solution.value
    assert tried.button.layout.display == "none"
    assert tried._repr_mimebundle_()["text/plain"] == repr(tried.feedback)


def solution_namespace():
    """The names the lessons give a learner, for running the worked solutions."""
    from bp_helpers import chain
    from bp_helpers.descent import CostSlice
    from bp_helpers.network import Network

    network = Network((6, 4, 5), seed=1)
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (30, 6))
    Y = one_hot(rng.integers(0, 5, 30), 5)
    return dict(np=np, sigmoid=sigmoid, sigmoid_prime=sigmoid_prime, sigma_prime=sigmoid_prime,
                chain=chain, one_hot=one_hot,
                cost_slice=CostSlice.from_network(network, X, Y, j=3, k=2))


def solution_cases():
    network, x, y = example_network()
    forward, g = network.forward(x), network.backprop(x, y)
    rng = np.random.default_rng(5)
    return {
        "sigmoid_prime": CASES,
        "dC0_dw": [dict(w=1.5, b=-0.5, a_prev=0.8, y=0.0), dict(w=-1.0, b=2.0, a_prev=0.3, y=1.0)],
        "backward": [dict(w=[2.0], b=[0.0], x=0.5, y=1.0),
                     dict(w=[1.5, -2.0, 2.5], b=[0.5, 1.0, -1.0], x=1.0, y=1.0)],
        "dC_da_k": [dict(W=network.W[1], z=forward.zs[1], a=forward.activations[2], y=y, k=k)
                    for k in range(4)],
        "delta": [dict(W_next=network.W[1], delta_next=g.deltas[1], z=g.zs[0])],
        "step": [dict(w=0.0, b=-4.0, lr=10.0), dict(w=5.0, b=2.0, lr=60.0)],
        "batch_gradient": [dict(w=2.0, b=1.0, rows=np.arange(10)),
                           dict(w=-3.0, b=0.5, rows=np.array([16, 23, 5]))],
        "accuracy": [dict(outputs=rng.uniform(0, 1, (8, 10)), labels=rng.integers(0, 10, 8))],
        "wishes": [dict(a=rng.uniform(0, 1, 10), label=d) for d in (0, 3, 9)],
    }


def test_every_worked_solution_passes_its_own_exercise_and_a_wrong_answer_does_not():
    namespace, cases = solution_namespace(), solution_cases()
    context = {"lesson4": {"cost_slice": namespace["cost_slice"]}}
    checked = 0
    for lesson in lessons():
        for name, exercise in lesson.questions.exercises.items():
            scope = dict(namespace)
            exec(exercise.solution.code, scope)
            function = next(value for key, value in scope.items()
                            if key.startswith("my_") and callable(value))
            extra = context.get(lesson.__name__.rsplit(".", 1)[1], {})
            right = exercise.grade(function, cases[name], **extra)
            assert right.passed, f"{lesson.__name__} {name}: {right.feedback.message}"
            wrong = exercise.grade(lambda **kwargs: 0.123456, cases[name], **extra)
            assert not wrong.passed and wrong.feedback.attempted, name
            assert len(exercise.solution.steps) >= 2, f"{name}: give the reasoning, not just code"
            checked += 1
    assert checked == 9


def test_a_catalogue_names_what_it_has_when_asked_for_what_it_lacks():
    from bp_helpers.questions import lesson1

    with pytest.raises(KeyError, match="lesson 1 has no quiz named 'zero'; its quizzes are "
                                       "'zero_input', 'round_off'"):
        lesson1.quiz("zero")


def test_feedback_is_frozen():
    feedback = Feedback(False, "no")
    with pytest.raises(AttributeError):
        feedback.passed = True


# --- the lessons show questions, never their answers


LESSON_TEXTS = sorted((Path(__file__).resolve().parent.parent / "notebooks" / "text").glob("*.py"))


def lesson_questions(path):
    return importlib.import_module(f"bp_helpers.questions.lesson{int(path.name[:2])}")


def solution_lines(exercise):
    """The lines of a worked solution and of a reference, below their `def` line."""
    lines = exercise.solution.code.splitlines()[1:]
    lines += inspect.getsource(exercise.reference).splitlines()[1:]
    return [line.strip() for line in lines if line.strip()]


@pytest.mark.parametrize("path", LESSON_TEXTS, ids=lambda p: p.stem)
def test_no_visible_cell_holds_a_quiz_answer_or_an_exercise_solution(path):
    jupytext = pytest.importorskip("jupytext")
    cells = jupytext.read(path).cells
    code = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    assert "answer=" not in code
    assert not re.search(r"def reference", code)
    assert "Quiz(" not in code and "grade_function(" not in code
    lesson = lesson_questions(path)
    for name, exercise in lesson.questions.exercises.items():
        assert f'exercise("{name}").grade(' in code, f"{path.name} does not set {name}"
        for line in solution_lines(exercise):
            assert line not in code, f"{path.name} shows a line of {name}'s solution: {line}"
    for name, quiz in lesson.questions.quizzes.items():
        assert f'quiz("{name}")' in code, f"{path.name} does not ask {name}"
        for explanation in quiz["explanations"]:
            assert all(explanation not in cell.source for cell in cells)


@pytest.mark.parametrize("path", LESSON_TEXTS, ids=lambda p: p.stem)
def test_a_stored_lesson_holds_no_solution_or_explanation(path):
    # Outputs and saved widget state alike: the whole file, as text.
    notebook = json.loads((path.parent.parent / f"{path.stem}.ipynb").read_text())
    stored = json.dumps(notebook, ensure_ascii=False)
    lesson = lesson_questions(path)
    texts = [step for exercise in lesson.questions.exercises.values()
             for step in exercise.solution.steps]
    texts += [explanation for quiz in lesson.questions.quizzes.values()
              for explanation in quiz["explanations"]]
    for text in texts:
        for form in (text, html.escape(text)):
            assert json.dumps(form, ensure_ascii=False)[1:-1] not in stored, text


def test_a_timer_armed_by_someone_else_is_left_running():
    handler = signal.signal(signal.SIGALRM, lambda signum, frame: None)
    try:
        signal.setitimer(signal.ITIMER_REAL, 600)
        release = threading.Event()

        def slow(z):
            release.wait()
            return 0.25

        feedback = check(slow, timeout=0.2)
        release.set()
        assert "could not be stopped" in feedback.message
        assert 590 < signal.getitimer(signal.ITIMER_REAL)[0] <= 600
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, handler)


def names_defined(source):
    """Every name a piece of code binds: imports, assignments, defs, loop targets."""
    import ast

    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


@pytest.mark.parametrize("path", [p for p in LESSON_TEXTS if int(p.name[:2]) <= 5],
                         ids=lambda p: p.stem)
def test_every_worked_solution_uses_only_names_its_lesson_gives(path):
    """A learner pastes a worked solution into the lesson: each name it reads must be there
    (lesson 2's solution needs sigmoid, which the lesson once did not import)."""
    import ast
    import builtins

    jupytext = pytest.importorskip("jupytext")
    lesson_code = "\n".join(cell.source for cell in jupytext.read(path).cells
                            if cell.cell_type == "code")
    magic = re.compile(r"^(\s*)[%!].*$", re.M)  # IPython's magics: not Python, bind nothing
    given = names_defined(magic.sub(r"\1pass", lesson_code))
    for name, exercise in lesson_questions(path).questions.exercises.items():
        code = exercise.solution.code
        own = names_defined(code) | {arg.arg for node in ast.walk(ast.parse(code))
                                     if isinstance(node, ast.arguments)
                                     for arg in node.args + node.kwonlyargs}
        read = {node.id for node in ast.walk(ast.parse(code))
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
        missing = read - own - given - set(dir(builtins))
        assert not missing, f"{path.name}: {name}'s worked solution needs {sorted(missing)}"
    if int(path.name[:2]) <= 2:  # the learner runs a neuron forward and back: σ and σ′
        assert {"sigmoid", "sigmoid_prime"} <= given, f"{path.name} must import both"


# --- hostile answers: each gets one clear sentence, never a traceback or a hang


def bare_except(z):
    while True:
        try:
            while True:
                pass
        except:  # noqa: E722 (a learner's catch-all, the point of the test)
            pass


def nested_bare_excepts(z):
    while True:
        try:
            try:
                while True:
                    pass
            except:  # noqa: E722
                pass
        except:  # noqa: E722
            pass


def excepts_in_a_callee(z):
    def inner():
        while True:
            try:
                sum(range(100))
            except BaseException:
                pass

    while True:
        try:
            inner()
        except:  # noqa: E722
            pass


@pytest.mark.parametrize("fn", [bare_except, nested_bare_excepts, excepts_in_a_callee])
def test_bare_excepts_in_a_loop_do_not_swallow_the_stop(fn):
    feedback = check(fn, timeout=0.2)
    assert feedback.message == ("my_sigmoid_prime(z = 0.0) did not return within 0.2 s, so it "
                                "was stopped. Look for a loop that never ends.")
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert sys.gettrace() is None
    assert check(lambda z: sigmoid(z) * (1 - sigmoid(z))).passed


def test_a_float32_answer_is_judged_at_float32_precision():
    right = check(lambda z: np.float32(sigmoid(z) * (1 - sigmoid(z))))
    assert right.passed, right.message
    right = check(lambda z: np.asarray(sigmoid(z) * (1 - sigmoid(z)), dtype=np.float32))
    assert right.passed, right.message
    wrong = check(lambda z: np.float32(sigmoid(z)))
    assert "should be 0.25, but your function gives 0.5" in wrong.message


def test_a_float64_answer_right_to_float32_precision_is_told_so_with_digits_that_differ():
    feedback = grade_function(lambda z: float(np.float32(sigmoid_prime(z))), sigmoid_prime,
                              [{"z": 2.0}], name="f")
    assert not feedback.passed and "Hint" not in feedback.message
    assert feedback.message == (
        "f(z = 2.0) gives 0.104993582 where 0.104993585 is expected: right to about 7 digits, "
        "the precision of float32, but the answer is checked in float64 (numpy's default), so "
        "compute in float64")


@pytest.mark.parametrize(("got", "expected", "shown"), [
    (0.1049935, 0.1049936, "gives 0.1049935 where 0.1049936 is expected"),
    (3e-7, 3.0001e-7, "should be 3.0001e-07, but your function gives 3e-07"),
    (1e-8, 2e-8, "should be 2e-08, but your function gives 1e-08"),
    ([0.3, 1e-7], [0.3, 2e-7], "should be [0.3, 2e-07], but your function gives "
                               "[0.3, 1e-07]"),
])
def test_two_different_numbers_never_look_equal(got, expected, shown):
    feedback = grade_function(lambda z: np.array(got), lambda z: np.array(expected),
                              [{"z": 0.0}], name="f", rtol=1e-12)
    assert shown in feedback.message


def test_nan_where_the_reference_has_nan_is_right():
    feedback = grade_function(lambda z: np.array([np.nan, 1.0]),
                              lambda z: np.array([np.nan, 1.0]), [{"z": 0.0}], name="f")
    assert feedback.passed, feedback.message
    wrong = grade_function(lambda z: np.nan, lambda z: 1.0, [{"z": 0.0}], name="f")
    assert wrong.message == "f(z = 0.0) should be 1.0, but your function gives nan"


def test_an_empty_list_of_cases_checks_nothing_and_says_so():
    feedback = grade_function(lambda z: z, lambda z: z, [], name="f")
    assert not feedback.passed and not feedback.attempted
    assert feedback.message == "There is nothing to check f on: the check was given no cases."


class BadRepr:
    def __repr__(self):
        raise ValueError("no repr")

    def __array__(self, *args, **kwargs):
        raise ValueError("no array")


def test_an_answer_or_argument_whose_repr_raises_is_described():
    feedback = grade_function(lambda z: BadRepr(), lambda z: 1.0, [{"z": 0.0}], name="f")
    assert feedback.message == ("f(z = 0.0) should return a number or an array of numbers, "
                                "but returned BadRepr: (its repr raised ValueError)")
    feedback = grade_function(lambda z: 2.0, lambda z: 1.0, [{"z": BadRepr()}], name="f")
    assert feedback.message.startswith("f(z = BadRepr (its repr raised ValueError)) should be")


def test_sys_exit_in_an_answer_is_a_sentence_not_the_end_of_the_kernel():
    import sys

    feedback = grade_function(lambda z: sys.exit(), lambda z: 1.0, [{"z": 0.0}], name="f")
    assert feedback.message == ("f(z = 0.0) called sys.exit() (or exit()), which ends the "
                                "program: a function should `return` its answer instead.")


def my_sigma_prime(z):
    raise NotImplementedError


def my_dC0_dw(z):
    return 2 * my_sigma_prime(z)


def test_an_unfinished_function_called_by_a_finished_one_is_named_instead():
    feedback = grade_function(my_dC0_dw, lambda z: 1.0, [{"z": 0.0}])
    assert feedback.message == ("my_dC0_dw calls my_sigma_prime, which is not written yet (it "
                                "still raises NotImplementedError): finish my_sigma_prime first, "
                                "then run this cell again.")
    assert feedback.attempted  # my_dC0_dw was written: its worked solution may be shown
    assert not grade_function(my_sigma_prime, lambda z: 1.0, [{"z": 0.0}]).attempted


def test_an_error_in_the_reference_is_the_checkers_not_the_learners():
    feedback = grade_function(lambda z: 1.0, lambda z: 1 / 0, [{"z": 0.0}], name="f")
    assert not feedback.attempted
    assert feedback.message == ("The check itself failed on f(z = 0.0) before judging your "
                                "function (ZeroDivisionError: division by zero); this is a "
                                "fault in the course, not in your code.")


@pytest.mark.parametrize("module", ["grading", "exercises", "questions.lesson1",
                                    "questions.lesson6"])
def test_a_write_into_a_read_only_modules_dict_is_found_and_said(module):
    target = importlib.import_module(f"bp_helpers.{module}")
    name = next(key for key, value in vars(target).items()
                if callable(value) and not key.startswith("__"))
    saved = target.__dict__[name]
    target.__dict__[name] = lambda *args, **kwargs: None
    try:
        feedback = check(lambda z: 0.0)
        assert not feedback.passed and not feedback.attempted
        assert feedback.message.startswith(f"bp_helpers.{module}.{name} was changed from "
                                           "outside (through the module's __dict__)")
        assert "restart the kernel" in feedback.message
    finally:
        target.__dict__[name] = saved
    assert check(lambda z: sigmoid(z) * (1 - sigmoid(z))).passed


def test_every_button_says_what_to_do_after_a_kernel_restart():
    quiz = Quiz("2 + 2?", ["3", "4"], answer=1, explanations=["Off by one.", "Two and two."])
    tried = Exercise(reference=sigmoid_prime, hint="", solution=Solution(
        steps=("a", "b"), code="def f(z):\n    return z\n")).grade(lambda z: 0.0, CASES)
    for widget in (quiz.widget, tried.widget):
        assert any(exercises.RESTARTED in str(getattr(child, "value", ""))
                   for child in widget.children)


def test_an_answer_1e_5_off_is_wrong_in_float32_as_in_float64():
    def reference(z):
        return sigmoid_prime(z)

    def off(z):
        return sigmoid_prime(z) * (1 + 1e-5)

    def off32(z):
        return np.float32(sigmoid_prime(z) * (1 + 1e-5))

    for fn in (off, off32):
        feedback = grade_function(fn, reference, [{"z": 0.3}])
        assert not feedback.passed and "precision of float32" not in feedback.message
        assert "should be" in feedback.message


def test_every_case_is_compared_not_only_the_first():
    def right_at_0_only(z):
        return 0.25 if np.ndim(z) == 0 and z == 0 else 0.0

    feedback = check(right_at_0_only)
    assert not feedback.passed and "z = 2.0" in feedback.message


def test_a_tiny_answer_twice_too_large_is_wrong():
    def reference(z):
        return 1e-6 * sigmoid(z)

    def twice(z):
        return 2e-6 * sigmoid(z)

    feedback = grade_function(twice, reference, [{"z": 0.3}])
    assert not feedback.passed and "should be" in feedback.message
