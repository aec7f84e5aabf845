"""The slide deck's "Test your understanding" quizzes: well formed, right answers, kept hidden."""

from pathlib import Path

import pytest

from bp_helpers.questions import lesson1, lesson3, lesson4


def levers_quiz():
    return lesson1.quiz("bright_pixel")


def master_challenge():
    return lesson4.quiz("master_challenge")

TEXTS = Path(__file__).parents[1] / "notebooks" / "text"


@pytest.mark.parametrize("make, right", [
    (levers_quiz, "Increase, and by more the brighter the pixel"),
    (master_challenge, "Changing this weight changes this batch's cost more"),
])
def test_each_option_has_an_explanation_and_one_is_right(make, right):
    quiz = make()
    assert len(quiz.explanations) == len(quiz.options) >= 4
    assert len(set(quiz.options)) == len(quiz.options)
    assert quiz.options[quiz.answer].startswith(right)
    for i in range(len(quiz.options)):
        feedback = quiz.grade(i)
        assert feedback.passed == (i == quiz.answer)
        assert quiz.explanations[i] in feedback.message


def test_master_challenge_says_large_is_not_important():
    quiz = master_challenge()
    wrong = quiz.explanations[0]
    assert "this batch" in wrong and "not how much the network relies on" in wrong


@pytest.mark.parametrize("lesson, call", [
    ("01_the_last_link.py", 'lesson1.quiz("bright_pixel")'),
    ("04_gradient_descent.py", 'lesson4.quiz("master_challenge")'),
])
def test_lessons_only_display_the_quiz(lesson, call):
    text = (TEXTS / lesson).read_text()
    assert f"\n{call}\n" in text
    quiz = {"01": levers_quiz, "04": master_challenge}[lesson[:2]]()
    for explanation in quiz.explanations:
        assert explanation[:40] not in text


@pytest.mark.parametrize("lesson", ["01_the_last_link.py", "02_a_chain_of_layers.py",
                                    "03_many_neurons_per_layer.py"])
def test_every_things_to_try_list_has_its_answers(lesson):
    """Each "Things to try" list is followed by a "What you should see" block, item for item."""
    text = (TEXTS / lesson).read_text()
    lists = text.split("# Things to try:")[1:]
    assert lists
    for part in lists:
        tries, _, rest = part.partition("# %%")
        answers = rest.split("<details><summary>What you should see</summary>")[1]
        answers = answers.split("</details>")[0]
        numbers = [line.split(".")[0] for line in tries.splitlines() if line[2:3].isdigit()]
        answered = [line.split(".")[0] for line in answers.splitlines()
                    if line[2:3].isdigit()]
        assert numbers and numbers == answered, (lesson, numbers, answered)
        # the answers come right after the panel that the list introduces
        assert "Panel(" in rest.split("<details>")[0]


def test_the_master_challenge_comes_once_the_gradient_vector_is_taught():
    """Lesson 4, right after the whole vector of partial derivatives is printed, and before
    the text says what a large entry means; no longer in lesson 3."""
    text = (TEXTS / "04_gradient_descent.py").read_text()
    vector = text.index("grad = descent.gradient_vector(network, X, y)")
    quiz = text.index('lesson4.quiz("master_challenge")')
    answer = text.index("A large entry does not mean the connection is important")
    assert vector < quiz < answer
    assert "master_challenge" not in (TEXTS / "03_many_neurons_per_layer.py").read_text()
    with pytest.raises(KeyError):
        lesson3.quiz("master_challenge")
