"""Self-checking exercises and quizzes: feedback a learner can act on, and a checker
that the learner's own code cannot fool.

`check_function` runs a learner's function on a few cases and compares it with a
reference from bp_helpers. Whatever the function does, the result is a
`Feedback` that says what was expected and what came, never a traceback:

- it raises, returns None, a string, a complex number or the wrong shape: the
  message names what was expected instead;
- it returns a wrong array: the message gives the array's shape and the first
  entry that differs, not the whole array;
- it edits its inputs in place (`a -= y`, `W_next *= 0`): it was given deep
  copies, the reference other copies, so neither the verdict nor the lesson's
  own variables change;
- it never returns: it is stopped after `timeout` seconds. On the main thread
  of a Unix process (a Jupyter kernel runs cells there) a SIGALRM timer raises
  inside the learner's code; elsewhere the call runs in a daemon thread that is
  abandoned when time is up (a thread cannot be killed), and the message says so.

This module is read-only once imported (`exercises._compare = ...` raises), so
checking cannot be switched off from a lesson.

`Exercise` bundles a reference, a hint and a worked `Solution`; `Exercise.check`
shows the feedback with a button that reveals the solution after an attempt.
`Quiz` is a multiple-choice question as a widget. `Catalogue` holds a lesson's
quizzes and exercises by name (see bp_helpers.questions).
"""

import copy
import html
import numbers
import re
import signal
import sys
import threading
import types
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import ipywidgets as widgets
import numpy as np

from bp_helpers.display import Displayable

# Seconds a learner's function may run on one case before it is stopped.
TIMEOUT = 5.0
# Arrays up to this many entries are shown whole in a message; larger ones by shape.
SHOWN_WHOLE = 6
# A quiz adds its own verdict ("Right." / "Not quite."), so an explanation gives the reason.
VERDICT = re.compile(r"^\s*(right|correct|incorrect|wrong|not quite)\s*[.:,!]", re.IGNORECASE)


class _ReadOnlyModule(types.ModuleType):
    """A module whose attributes cannot be set or deleted once it is loaded."""

    def __setattr__(self, name, value):
        raise AttributeError(f"{self.__name__} is read-only: a lesson cannot change how "
                             f"answers are checked (tried to set {name!r})")

    def __delattr__(self, name):
        raise AttributeError(f"{self.__name__} is read-only: a lesson cannot change how "
                             f"answers are checked (tried to delete {name!r})")


def read_only(module_name):
    """Make the loaded module `module_name` read-only; call it at the end of the module."""
    sys.modules[module_name].__class__ = _ReadOnlyModule


@dataclass(frozen=True)
class Feedback:
    """The outcome of a check: passed or not, and a message for the learner.

    attempted is False when there was nothing to judge yet (the function is
    still `raise NotImplementedError`, or no quiz option was picked).
    """

    passed: bool
    message: str
    attempted: bool = True

    def __repr__(self):
        return ("✅ " if self.passed else "❌ ") + self.message


class _TimedOut(BaseException):
    """Raised in a learner's code whose time is up.

    A BaseException, so that `except Exception` in the learner's code does not
    swallow it. `stopped` is False when the code could not be stopped and runs on.
    """

    def __init__(self, stopped):
        super().__init__()
        self.stopped = stopped


def _call_with_alarm(fn, kwargs, seconds):
    """fn(**kwargs), interrupted by SIGALRM after `seconds` (main thread, Unix)."""
    def time_up(signum, frame):
        raise _TimedOut(stopped=True)

    previous = signal.signal(signal.SIGALRM, time_up)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return fn(**kwargs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def _call_in_thread(fn, kwargs, seconds):
    """fn(**kwargs) in a daemon thread, abandoned (still running) after `seconds`."""
    outcome = {}

    def run():
        try:
            outcome["value"] = fn(**kwargs)
        except BaseException as error:  # handed back to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=run, name="bp_helpers exercise check", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise _TimedOut(stopped=False)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def call_with_timeout(fn, kwargs, seconds):
    """fn(**kwargs), or raise _TimedOut after `seconds`.

    SIGALRM where it can stop the code: on the main thread of a Unix process,
    when no other real-time timer is armed (which it would cancel). Otherwise a
    daemon thread, abandoned if it overruns.
    """
    if (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0):
        return _call_with_alarm(fn, kwargs, seconds)
    return _call_in_thread(fn, kwargs, seconds)


def _show(value):
    """A short text for any argument or result: numbers rounded, big arrays by shape."""
    if value is None or isinstance(value, (str, bytes, bool, np.bool_)):
        return f"{value!r:.40}"
    if np.iscomplexobj(value):
        return f"{value!r:.40}"
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return f"{type(value).__name__} {value!r:.40}"
    if array.ndim == 0:
        return repr(round(float(array), 6))
    if array.size <= SHOWN_WHOLE:
        return str(np.round(array, 6).tolist())
    return f"an array of shape {array.shape}"


def _describe(args):
    return ", ".join(f"{name} = {_show(value)}" for name, value in args.items())


def _as_numbers(got):
    """(float array, None) for a numeric result, or (None, why it is not one)."""
    if got is None:
        return None, "returned None: did you forget the `return`?"
    not_numbers = (f"should return a number or an array of numbers, but returned "
                   f"{type(got).__name__}: {got!r:.60}")
    if isinstance(got, (str, bytes)):
        return None, not_numbers
    try:
        kind = np.asarray(got).dtype.kind
    except (TypeError, ValueError):  # e.g. a ragged list
        return None, not_numbers
    if kind == "c":
        return None, (f"returned a complex number ({_show(got)}), but the answer is real: "
                      "look for a square root or a power of a negative number")
    if kind == "b":
        return None, f"returned True/False ({_show(got)}), but the answer is a number"
    if kind not in "iuf":
        return None, not_numbers
    return np.asarray(got, dtype=float), None


def _compare(got, expected, rtol):
    """Why `got` is not `expected` (type, shape, then value), or None if it is right.

    Returns (sentence, wrong_value): wrong_value is True when only the numbers differ.
    """
    got_array, problem = _as_numbers(got)
    if problem is not None:
        return problem, False
    expected = np.asarray(expected, dtype=float)
    if got_array.shape != expected.shape:
        want = "a single number" if expected.ndim == 0 else f"an array of shape {expected.shape}"
        return f"should return {want}, but returned shape {got_array.shape}", False
    close = np.isclose(got_array, expected, rtol=rtol, atol=1e-12)
    if close.all():
        return None
    if expected.size <= SHOWN_WHOLE:
        return f"should be {_show(expected)}, but your function gives {_show(got_array)}", True
    first = tuple(int(i) for i in np.argwhere(~close)[0])
    return (f"returns an array of the right shape {expected.shape}, but "
            f"{np.count_nonzero(~close)} of its {expected.size} entries differ; the first is "
            f"[{', '.join(map(str, first))}]: it should be {_show(expected[first])}, but your "
            f"function gives {_show(got_array[first])}"), True


def check_function(fn, reference, cases, name=None, hint="", rtol=1e-9, timeout=TIMEOUT):
    """Compare a learner's `fn` with `reference` on `cases`; return Feedback.

    cases: a list of dicts of keyword arguments, e.g. [{"z": 0.0}, {"z": 2.0}].
    `fn` and `reference` each get their own deep copy of every case, so neither
    can change the other's inputs or the caller's. The first failing case is
    reported; `hint` is added to a wrong value. `fn` is stopped after `timeout`
    seconds per case.
    """
    name = name or getattr(fn, "__name__", "your function")
    if not callable(fn):
        return Feedback(False, f"expected a function for {name}, got {type(fn).__name__}",
                        attempted=False)
    for args in cases:
        expected = reference(**copy.deepcopy(args))
        try:
            got = call_with_timeout(fn, copy.deepcopy(args), timeout)
        except NotImplementedError:
            return Feedback(False, f"{name} is not written yet: replace "
                                   "`raise NotImplementedError` with your code and run the "
                                   "cell again.", attempted=False)
        except _TimedOut as stop:
            still = ("it was stopped" if stop.stopped else
                     "it could not be stopped and is still running: restart the kernel")
            return Feedback(False, f"{name}({_describe(args)}) did not return within "
                                   f"{timeout:g} s, so {still}. Look for a loop that never "
                                   "ends.")
        except Exception as error:  # the learner's code may raise anything
            return Feedback(False, f"{name}({_describe(args)}) raised "
                                   f"{type(error).__name__}: {error}")
        problem = _compare(got, expected, rtol)
        if problem is not None:
            sentence, wrong_value = problem
            message = f"{name}({_describe(args)}) {sentence}"
            return Feedback(False, f"{message}. Hint: {hint}" if hint and wrong_value else message)
    return Feedback(True, f"{name} matches bp_helpers on all {len(cases)} checks. Well done!")


@dataclass(frozen=True)
class Solution:
    """A worked solution: the reasoning as short steps (LaTeX in $...$), then the code."""

    steps: tuple
    code: str

    def html(self):
        steps = "".join(f"<li>{html.escape(step)}</li>" for step in self.steps)
        return (f"<div class='bp-solution'><b>A worked solution</b><ol>{steps}</ol>"
                f"<pre>{html.escape(self.code)}</pre></div>")


class CheckedAnswer(Displayable):
    """The feedback of one check, with a button that reveals the worked solution.

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
            parts = [self.message, self.button, self.solution]
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
    """A function for the learner to write, checked against `reference`.

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

    def check(self, fn, cases, **context):
        """Check the learner's `fn` on `cases` (a list of dicts of its keyword arguments)."""
        reference = partial(self.reference, **copy.deepcopy(context))
        feedback = check_function(fn, reference, cases, hint=self.hint, rtol=self.rtol,
                                  timeout=self.timeout)
        return CheckedAnswer(feedback, self.solution)


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
        self.feedback = widgets.HTML()
        self.button.on_click(lambda _: self.show_feedback())
        self.widget = widgets.VBox([widgets.HTML(f"<b>{html.escape(question)}</b>"),
                                    self.choice, self.button, self.feedback])

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
    `lessonN.exercise("name").check(my_function, cases)`.
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
        """The Exercise `name`; check a function with `.check(fn, cases)`."""
        return self._pick(self.exercises, "exercise", "exercises", name)

    def _pick(self, entries, kind, kinds, name):
        if name not in entries:
            raise KeyError(f"{self.lesson} has no {kind} named {name!r}; "
                           f"its {kinds} are {', '.join(map(repr, entries))}")
        return entries[name]


read_only(__name__)
