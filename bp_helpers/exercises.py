"""Self-grading exercises and quizzes, as widgets a lesson shows.

`Exercise` bundles a reference, a hint and a worked `Solution`; `Exercise.grade`
runs bp_helpers.grading.grade_function on the learner's function and shows the
`Feedback` with a button that reveals the solution after an attempt. `Quiz` is
a multiple-choice question as a widget. `Catalogue` holds a lesson's quizzes and
exercises by name (see bp_helpers.questions).

grade_function, Feedback and lock_module are bp_helpers.grading's, named here
too, so a lesson's questions import everything from one place. Like the
grader, this module is read-only once imported (`exercises.grade_function =
...` raises), so grading cannot be switched off from a lesson.
"""

import copy
import html
import numbers
import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import ipywidgets as widgets

from bp_helpers.access import live
from bp_helpers.display import Displayable
from bp_helpers.grading import TIMEOUT, Feedback, grade_function, lock_module

# A quiz adds its own verdict ("Right." / "Not quite."), so an explanation gives the reason.
VERDICT = re.compile(r"^\s*(right|correct|incorrect|wrong|not quite)\s*[.:,!]", re.IGNORECASE)
# Under every button: after a kernel restart the buttons left on screen do nothing, silently.
RESTARTED = ("Nothing happens when you click? The kernel was restarted since this ran: run "
             "the cells above again.")


def restarted_note():
    """A small line under a widget's buttons saying what to do if clicks do nothing."""
    return widgets.HTML(f"<i style='color:#555'>{html.escape(RESTARTED)}</i>")


@dataclass(frozen=True)
class Solution:
    """A worked solution: the reasoning as short steps (LaTeX in $...$), then the code."""

    steps: tuple
    code: str

    def html(self):
        steps = "".join(f"<li>{html.escape(step)}</li>" for step in self.steps)
        return (f"<div class='bp-solution'><b>A worked solution</b><ol>{steps}</ol>"
                f"<pre>{html.escape(self.code)}</pre></div>")


class GradedAnswer(Displayable):
    """The feedback of one grading, with a button that reveals the worked solution.

    The button is there only after an attempt (a function that runs, right or
    wrong); the solution's text reaches the widget only when it is pressed, so
    a saved notebook never holds it.
    """

    def __init__(self, feedback, solution):
        self.feedback = feedback
        self._solution = solution
        self.message = widgets.HTML(html.escape(repr(feedback)))
        self.button = self.solution = None
        if feedback.attempted:
            self.solution = widgets.HTMLMath()
            self.button = widgets.Button(description="Show a worked solution",
                                         layout=widgets.Layout(width="max-content"))
            self.button.on_click(lambda _: self.reveal())
            parts = [self.message, self.button, self.solution, restarted_note()]
        else:
            note = widgets.HTML("<i>A worked solution can be shown after your first "
                                "attempt.</i>")
            parts = [self.message, note]
        self.widget = widgets.VBox(parts)

    @property
    def passed(self):
        return self.feedback.passed

    def reveal(self):
        """Show the worked solution under the feedback (only after an attempt)."""
        if not self.feedback.attempted:
            raise RuntimeError("the worked solution is shown only after a first attempt")
        self.solution.value = self._solution.html()
        self.button.layout.display = "none"

    def plain_text(self):
        return repr(self.feedback)


@dataclass(frozen=True)
class Exercise:
    """A function for the learner to write, graded against `reference`.

    reference(**case, **context) computes the right answer with bp_helpers;
    context holds lesson objects the reference needs beyond the learner's
    arguments (it gets a deep copy). hint is added to a wrong value; solution
    is revealed after an attempt.
    """

    reference: Callable
    hint: str
    solution: Solution
    rtol: float = 1e-9
    timeout: float = TIMEOUT

    def grade(self, fn, cases, **context):
        """Grade the learner's `fn` on `cases` (a list of dicts of its keyword arguments)."""
        reference = partial(self.reference, **copy.deepcopy(context))
        feedback = grade_function(fn, reference, cases, hint=self.hint, rtol=self.rtol,
                                  timeout=self.timeout)
        return GradedAnswer(feedback, self.solution)


class Quiz(Displayable):
    """A multiple-choice question with feedback for every option.

    options: the answers shown, all different; answer: the index (an int) of
    the right one; explanations: one reason per option, shown after the learner
    checks it (the quiz puts "Right." or "Not quite." before it).
    """

    def __init__(self, question, options, answer, explanations):
        options, explanations = list(options), list(explanations)
        if len(options) != len(explanations):
            raise ValueError(f"each option needs an explanation: got {len(options)} options "
                             f"and {len(explanations)} explanations")
        repeated = sorted({option for option in options if options.count(option) > 1})
        if repeated:
            raise ValueError(f"each option must read differently, or a choice cannot be "
                             f"graded: {', '.join(map(repr, repeated))} appears more than once")
        if not isinstance(answer, numbers.Integral) or isinstance(answer, bool):
            raise TypeError(f"answer must be the index of the right option, an int from 0 "
                            f"to {len(options) - 1}, got {answer!r} ({type(answer).__name__})")
        if not 0 <= answer < len(options):
            raise ValueError(f"answer must index the options 0..{len(options) - 1}, got {answer}")
        for i, explanation in enumerate(explanations):
            if VERDICT.match(explanation):
                raise ValueError(f"explanation {i} starts with a verdict ({explanation[:12]!r}"
                                 f"...): the quiz adds its own, so start with the reason")
        self.question, self.options = question, options
        self.answer, self.explanations = int(answer), explanations
        self.choice = widgets.RadioButtons(options=self.options, value=None,
                                           layout=widgets.Layout(width="auto"))
        self.button = widgets.Button(description="Check my answer")
        self.feedback = live(widgets.HTML())
        self.button.on_click(lambda _: self.show_feedback())
        self.widget = widgets.VBox([widgets.HTML(f"<b>{html.escape(question)}</b>"),
                                    self.choice, self.button, self.feedback, restarted_note()])

    def grade(self, index):
        """Feedback for choosing option `index` (None: nothing chosen yet)."""
        if index is None:
            return Feedback(False, "Pick an answer first.", attempted=False)
        correct = index == self.answer
        verdict = "Right." if correct else "Not quite."
        return Feedback(correct, f"{verdict} {self.explanations[index]}")

    def show_feedback(self):
        """Grade the selected option and show the feedback under the question."""
        index = None if self.choice.value is None else self.options.index(self.choice.value)
        self.feedback.value = html.escape(repr(self.grade(index)))

    def plain_text(self):
        choices = "\n".join(f"  {chr(65 + i)}. {option}" for i, option in enumerate(self.options))
        return f"Quiz: {self.question}\n{choices}"


@dataclass(frozen=True)
class Catalogue:
    """A lesson's quizzes and exercises by name, kept out of its visible cells.

    quizzes: name -> the keyword arguments of a Quiz; exercises: name -> Exercise.
    A lesson cell shows only `lessonN.quiz("name")` or
    `lessonN.exercise("name").grade(my_function, cases)`.
    """

    lesson: str
    quizzes: types.MappingProxyType
    exercises: types.MappingProxyType

    def __post_init__(self):
        object.__setattr__(self, "quizzes", types.MappingProxyType(dict(self.quizzes)))
        object.__setattr__(self, "exercises", types.MappingProxyType(dict(self.exercises)))
        for name in self.quizzes:  # a bad quiz fails at import, not in front of a learner
            self.quiz(name)

    def quiz(self, name):
        """A fresh Quiz widget for the quiz `name`."""
        return Quiz(**self._pick(self.quizzes, "quiz", "quizzes", name))

    def exercise(self, name):
        """The Exercise `name`; grade a function with `.grade(fn, cases)`."""
        return self._pick(self.exercises, "exercise", "exercises", name)

    def _pick(self, entries, kind, kinds, name):
        if name not in entries:
            raise KeyError(f"{self.lesson} has no {kind} named {name!r}; "
                           f"its {kinds} are {', '.join(map(repr, entries))}")
        return entries[name]


__all__ = [
    "RESTARTED",
    "Catalogue",
    "Exercise",
    "Feedback",
    "GradedAnswer",
    "Quiz",
    "Solution",
    "grade_function",
    "lock_module",
    "restarted_note",
]

lock_module(__name__)
