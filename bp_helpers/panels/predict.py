"""Predict, then reveal: the learner commits a guess before seeing the computed answer.

A `Prediction` asks one question about what the lesson is about to compute.
The learner answers in the widget (a sign, a number, or one of a few
choices, such as which curve ends lower) and presses **Commit**. Only then
is the answer computed, by a function of the lesson's own parameters, and
shown beside the guess with a sentence on why.

Nothing in the notebook's stored outputs gives the answer away: until a
guess is committed the widget, its saved state and its plain-text form hold
the question only, and the answer is not even computed. A guess written
into the cell, `guess=...`, is part of the notebook itself, so "Restart and
run all" shows the same reveal again; a cell without one shows the prompt.
"""

import html
import math
from dataclasses import dataclass

import ipywidgets as widgets

from bp_helpers.access import reveal
from bp_helpers.display import Displayable

SIGNS = {"negative": -1, "zero": 0, "positive": 1}
KINDS = ("sign", "number", "choice")


@dataclass(frozen=True)
class Answer:
    """A computed answer: its value, how it reads, and one sentence on why.

    value: a float for "sign" and "number" questions (its sign is the answer
    to a sign question), an option's text for "choice" questions.
    """

    value: object
    shown: str
    why: str


@dataclass(frozen=True)
class Reveal:
    """A committed guess beside the computed answer, and whether they agree."""

    guess: object
    answer: Answer
    correct: bool


def sign_of(value):
    """'negative', 'zero' or 'positive' for a number."""
    return "zero" if value == 0 else ("positive" if value > 0 else "negative")


def parse_guess(kind, guess, options=()):
    """Check a guess and return it in canonical form, or raise ValueError with why.

    sign: 'negative', 'zero', 'positive' (or -1, 0, +1, '-', '+'); number: a
    finite number (or text that reads as one); choice: one of the options.
    """
    if kind == "sign":
        aliases = {**{name: name for name in SIGNS}, "-": "negative", "+": "positive",
                   "0": "zero", -1: "negative", 0: "zero", 1: "positive"}
        key = guess.strip().lower() if isinstance(guess, str) else guess
        try:
            known = not isinstance(key, bool) and key in aliases
        except TypeError:  # unhashable, a list say
            known = False
        if not known:
            raise ValueError(f"a sign guess must be 'negative', 'zero' or 'positive', "
                             f"got {guess!r}")
        return aliases[key]
    if kind == "number":
        try:
            if isinstance(guess, bool):
                raise TypeError
            number = float(guess.strip().replace("−", "-") if isinstance(guess, str) else guess)
        except (TypeError, ValueError):
            raise ValueError(f"a number guess must be a number, such as 0.25, got {guess!r}") \
                from None
        if not math.isfinite(number):
            raise ValueError(f"a number guess must be finite, got {guess!r}")
        return number
    if guess not in options:
        raise ValueError(f"the guess must be one of {list(options)}, got {guess!r}")
    return guess


def judge(kind, guess, value, tolerance=0.0):
    """True if a (canonical) guess matches the computed value.

    sign: same sign; number: |guess - value| <= tolerance; choice: same option.
    """
    if kind == "sign":
        return guess == sign_of(value)
    if kind == "number":
        return abs(guess - value) <= tolerance
    return guess == value


class Prediction(Displayable):
    """One predict-then-reveal question, as a widget.

    question: what to predict (plain text). kind: "sign", "number" or
    "choice". solve: a function of no arguments returning the `Answer`,
    computed from the lesson's parameters; it runs only when a guess is
    committed. options: the choices (kind "choice"). tolerance: how far a
    number guess may be off and still count (kind "number"). guess: a
    prediction written into the cell, committed at once.
    """

    def __init__(self, question, kind, solve, options=(), tolerance=None, guess=None):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        if not callable(solve):
            raise TypeError(f"solve must be a function returning an Answer, got {solve!r}")
        options = tuple(options)
        if kind == "choice" and (len(options) < 2 or len(set(options)) != len(options)):
            raise ValueError(f"a choice needs at least two different options, got {options}")
        if kind == "number":
            if tolerance is None or not tolerance >= 0 or not math.isfinite(tolerance):
                raise ValueError(f"a number question needs a finite tolerance >= 0, "
                                 f"got {tolerance!r}")
        self.question, self.kind, self.solve = question, kind, solve
        self.options, self.tolerance = options, tolerance
        self.reveal = None
        self._build()
        if guess is not None:
            self.commit(guess)

    def _build(self):
        if self.kind == "sign":
            self.entry = widgets.ToggleButtons(options=list(SIGNS), value=None)
        elif self.kind == "number":
            self.entry = widgets.Text(placeholder="your number",
                                      layout=widgets.Layout(width="12em"))
        elif all(len(option) <= 3 for option in self.options):  # digits, say: one row
            self.entry = widgets.ToggleButtons(
                options=list(self.options), value=None,
                style=widgets.ToggleButtonsStyle(button_width="3.2em"))
        else:
            self.entry = widgets.RadioButtons(options=list(self.options), value=None,
                                              layout=widgets.Layout(width="auto"))
        self.button = widgets.Button(description="Commit my prediction", button_style="info",
                                     layout=widgets.Layout(width="14em"))
        self.button.on_click(lambda _: self.commit_entry())
        self.result = reveal(widgets.HTML(self.prompt_html()))
        self.result.add_class("bp-prediction-result")
        self.widget = widgets.VBox(
            [widgets.HTML(f"<b>Predict first.</b> {html.escape(self.question)}"),
             self.entry, self.button, self.result])
        self.widget.add_class("bp-prediction")

    def prompt_html(self):
        """What the learner sees before committing: how to answer, never the answer."""
        how = {"sign": "Pick a sign", "choice": "Pick one"}.get(self.kind)
        if self.kind == "number":
            how = ("Type the exact number" if self.tolerance == 0 else
                   f"Type a number (anything within ±{self.tolerance:g} of the answer counts)")
        return f"<i>{how}, then commit. The computed answer appears only after that.</i>"

    @property
    def committed(self):
        """True once a guess is committed (the answer is then computed and shown)."""
        return self.reveal is not None

    def commit_entry(self):
        """Commit what is in the widget's entry; a bad entry gets a message, not an error."""
        try:
            self.commit(self.entry.value)
        except ValueError as error:
            self.result.value = f"<span style='color:#b03a2e'>{html.escape(str(error))}</span>"

    def commit(self, guess):
        """Commit `guess`, compute the answer and reveal it; return the Reveal.

        A second commit is refused: the point is to guess before knowing.
        """
        if self.committed:
            raise ValueError("this prediction is already committed; run the cell again "
                             "to start over")
        if guess is None:
            raise ValueError("pick or type a prediction first")
        guess = parse_guess(self.kind, guess, self.options)
        answer = self.solve()
        if not isinstance(answer, Answer):
            raise TypeError(f"solve must return an Answer, got {type(answer).__name__}")
        self.reveal = Reveal(guess, answer, judge(self.kind, guess, answer.value,
                                                  self.tolerance or 0.0))
        self.entry.value = guess if self.kind != "number" else f"{guess:g}"
        self.entry.disabled = self.button.disabled = True
        self.result.value = self.reveal_html()
        return self.reveal

    def _guess_text(self):
        guess = self.reveal.guess
        return f"{guess:g}" if self.kind == "number" else str(guess)

    def reveal_lines(self):
        """The reveal as (guess, computed, verdict, why) strings."""
        reveal = self.reveal
        if reveal.correct:
            verdict = "Right."
        elif self.kind == "number" and self.tolerance:
            verdict = f"Not quite (more than ±{self.tolerance:g} off)."
        else:
            verdict = "Not quite."
        return (self._guess_text(), reveal.answer.shown, verdict, reveal.answer.why)

    def reveal_html(self):
        guess, shown, verdict, why = (html.escape(s) for s in self.reveal_lines())
        colour = "#1e7d32" if self.reveal.correct else "#b03a2e"
        keep = html.escape(f"guess={self._guess_literal()}")
        return (
            "<table style='border-collapse:collapse'>"
            f"<tr><td style='padding-right:12px'>your prediction</td>"
            f"<td data-key='guess'><b>{guess}</b></td></tr>"
            f"<tr><td style='padding-right:12px'>computed</td>"
            f"<td data-key='answer'><b>{shown}</b></td></tr></table>"
            f"<div data-key='verdict' style='color:{colour}'><b>{verdict}</b></div>"
            f"<div data-key='why'>{why}</div>"
            f"<div style='color:#666;font-size:90%'>To keep this prediction after a restart, "
            f"add <code>{keep}</code> to this cell's call.</div>"
        )

    def _guess_literal(self):
        guess = self.reveal.guess
        return f"{guess:g}" if self.kind == "number" else repr(guess)

    def plain_text(self):
        """The question, and the reveal only if a guess was committed in the cell."""
        lines = [f"Predict first: {self.question}"]
        if self.kind == "choice":
            lines += [f"  {chr(65 + i)}. {option}" for i, option in enumerate(self.options)]
        if not self.committed:
            lines.append("(commit a prediction to see the computed answer)")
        else:
            guess, shown, verdict, why = self.reveal_lines()
            lines += [f"your prediction: {guess}", f"computed: {shown}", f"{verdict} {why}"]
        return "\n".join(lines)
