"""The predict-then-reveal widget: no answer is computed or shown before a commit, then a
fair verdict beside the guess."""

import re

import pytest
from widget_text import all_text

from bp_helpers.display import WIDGET_VIEW
from bp_helpers.panels.predict import Answer, Prediction, judge, parse_guess, sign_of


class Solver:
    """A solve function that counts its calls, so a test sees when the answer is computed."""

    def __init__(self, value, shown="SECRET-ANSWER", why="SECRET-WHY"):
        self.answer, self.calls = Answer(value, shown, why), 0

    def __call__(self):
        self.calls += 1
        return self.answer


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


def test_an_exact_number_prediction_says_not_quite_without_a_zero_margin():
    exact = Prediction("How many?", "number", lambda: Answer(0, "0 of 10", "none"), tolerance=0)
    exact.commit(3)
    assert exact.reveal_lines()[2] == "Not quite."
    rough = Prediction("How many?", "number", lambda: Answer(0, "0", "none"), tolerance=0.5)
    rough.commit(3)
    assert rough.reveal_lines()[2] == "Not quite (more than ±0.5 off)."


@pytest.mark.parametrize("guess", [["positive"], {"sign": 1}, 1.5, None])
def test_a_sign_guess_of_another_kind_gets_a_clear_error(guess):
    with pytest.raises(ValueError, match="a sign guess must be 'negative', 'zero' or 'positive'"):
        parse_guess("sign", guess)


def test_a_number_prompt_says_how_close_counts_and_an_exact_one_says_so():
    def prompt(tolerance):
        return Prediction("How many?", "number", lambda: None, tolerance=tolerance).prompt_html()

    assert "anything within ±0.5 of the answer counts" in prompt(0.5)
    assert "Type the exact number" in prompt(0) and "±0" not in prompt(0)
