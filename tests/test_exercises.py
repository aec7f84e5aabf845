"""Self-checking exercises: feedback for every kind of wrong answer, never a traceback."""

import numpy as np
import pytest

from bp_helpers.activations import sigmoid, sigmoid_prime
from bp_helpers.exercises import Quiz, check_function

CASES = [{"z": 0.0}, {"z": 2.0}, {"z": np.array([-1.0, 3.0])}]


def check(fn):
    return check_function(fn, sigmoid_prime, CASES, name="my_sigmoid_prime", hint="think slope")


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
        (42, "expected a function for my_sigmoid_prime, got int"),
    ],
)
def test_wrong_answers_get_feedback_that_names_what_was_expected(fn, message):
    feedback = check(fn)
    assert not feedback.passed
    assert message in feedback.message
    assert repr(feedback).startswith("❌ ")


def test_array_of_the_wrong_shape_is_named():
    feedback = check_function(lambda z: np.zeros(3), sigmoid_prime, [{"z": np.zeros(2)}],
                              name="f")
    assert "should return an array of shape (2,), but returned shape (3,)" in feedback.message


def test_a_right_answer_passes():
    feedback = check(lambda z: sigmoid(z) * (1 - sigmoid(z)))
    assert feedback.passed and "all 3 checks" in repr(feedback)


def test_quiz_grades_every_option():
    quiz = Quiz("2 + 2?", ["3", "4"], answer=1, explanations=["Off by one.", "Yes."])
    assert quiz.grade(1) == quiz.grade(1) and quiz.grade(1).passed
    assert quiz.grade(0).message == "Not quite. Off by one."
    assert quiz.grade(None).message == "Pick an answer first."
    quiz.choice.value = "4"
    quiz.button.click()
    assert quiz.feedback.value == "✅ Right. Yes."
    assert quiz._repr_mimebundle_()["text/plain"] == "Quiz: 2 + 2?\n  A. 3\n  B. 4"


def test_quiz_checks_its_own_definition():
    with pytest.raises(ValueError, match="each option needs an explanation"):
        Quiz("?", ["a", "b"], 0, ["only one"])
    with pytest.raises(ValueError, match=r"answer must index the options 0\.\.1, got 2"):
        Quiz("?", ["a", "b"], 2, ["x", "y"])
