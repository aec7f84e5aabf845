"""Self-checking exercises: feedback a learner can act on, never a traceback.

`check_function` runs a learner's function on a few inputs and compares it
with the reference from bp_helpers. Whatever the function does (raise, return
None, return the wrong type, shape or value), the result is a `Feedback`
that says what was expected and what came. `Quiz` is a multiple-choice
question as a widget.
"""

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from bp_helpers.display import Displayable


@dataclass(frozen=True)
class Feedback:
    """The outcome of a check: passed or not, and a message for the learner."""

    passed: bool
    message: str

    def __repr__(self):
        return ("✅ " if self.passed else "❌ ") + self.message


def _describe(args):
    return ", ".join(f"{name} = {np.round(value, 4).tolist()}" for name, value in args.items())


def _compare(got, expected, args, name, rtol):
    """Feedback for one call: type, shape, then value."""
    if got is None:
        return Feedback(False, f"{name}({_describe(args)}) returned None: "
                               "did you forget the `return`?")
    try:
        if isinstance(got, (str, bytes)):
            raise TypeError
        got_array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, f"{name}({_describe(args)}) should return a number or an "
                               f"array of numbers, but returned {type(got).__name__}: {got!r:.60}")
    expected = np.asarray(expected, dtype=float)
    if got_array.shape != expected.shape:
        want = "a single number" if expected.ndim == 0 else f"an array of shape {expected.shape}"
        return Feedback(False, f"{name}({_describe(args)}) should return {want}, "
                               f"but returned shape {got_array.shape}")
    if not np.allclose(got_array, expected, rtol=rtol, atol=1e-12, equal_nan=False):
        return Feedback(False, f"{name}({_describe(args)}) should be "
                               f"{np.round(expected, 6).tolist()}, "
                               f"but your function gives {np.round(got_array, 6).tolist()}")
    return None


def check_function(fn, reference, cases, name=None, hint="", rtol=1e-9):
    """Compare a learner's `fn` with `reference` on `cases`; return Feedback.

    cases: a list of dicts of keyword arguments, e.g. [{"z": 0.0}, {"z": 2.0}].
    The first failing case is reported; `hint` is added to a wrong value.
    """
    name = name or getattr(fn, "__name__", "your function")
    if not callable(fn):
        return Feedback(False, f"expected a function for {name}, got {type(fn).__name__}")
    for args in cases:
        try:
            got = fn(**args)
        except NotImplementedError:
            return Feedback(False, f"{name} is not written yet: replace "
                                   "`raise NotImplementedError` with your code and run the "
                                   "cell again.")
        except Exception as error:  # the learner's code may raise anything
            return Feedback(False, f"{name}({_describe(args)}) raised "
                                   f"{type(error).__name__}: {error}")
        problem = _compare(got, reference(**args), args, name, rtol)
        if problem is not None:
            if hint and "should be" in problem.message:
                problem = Feedback(False, f"{problem.message}. Hint: {hint}")
            return problem
    return Feedback(True, f"{name} matches bp_helpers on all {len(cases)} checks. Well done!")


class Quiz(Displayable):
    """A multiple-choice question with feedback for every option.

    options: the answers shown; answer: the index of the right one;
    explanations: one sentence per option, shown after the learner checks it.
    """

    def __init__(self, question, options, answer, explanations):
        if len(options) != len(explanations):
            raise ValueError(f"each option needs an explanation: got {len(options)} options "
                             f"and {len(explanations)} explanations")
        if not 0 <= answer < len(options):
            raise ValueError(f"answer must index the options 0..{len(options) - 1}, got {answer}")
        self.question, self.options = question, list(options)
        self.answer, self.explanations = answer, list(explanations)
        self.choice = widgets.RadioButtons(options=self.options, value=None,
                                           layout=widgets.Layout(width="auto"))
        self.button = widgets.Button(description="Check my answer")
        self.feedback = widgets.HTML()
        self.button.on_click(lambda _: self.show_feedback())
        self.widget = widgets.VBox([widgets.HTML(f"<b>{question}</b>"), self.choice,
                                    self.button, self.feedback])

    def grade(self, index):
        """Feedback for choosing option `index` (None: nothing chosen yet)."""
        if index is None:
            return Feedback(False, "Pick an answer first.")
        correct = index == self.answer
        verdict = "Right." if correct else "Not quite."
        return Feedback(correct, f"{verdict} {self.explanations[index]}")

    def show_feedback(self):
        """Grade the selected option and show the feedback under the question."""
        index = None if self.choice.value is None else self.options.index(self.choice.value)
        self.feedback.value = repr(self.grade(index))

    def plain_text(self):
        choices = "\n".join(f"  {chr(65 + i)}. {option}" for i, option in enumerate(self.options))
        return f"Quiz: {self.question}\n{choices}"
