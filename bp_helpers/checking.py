"""The checker behind the exercises: feedback a learner can act on, and a check that the
learner's own code cannot fool.

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

This module is read-only once imported (`checking._compare = ...` raises), so
checking cannot be switched off from a lesson; `read_only` does the same for
the modules built on it (bp_helpers.exercises, the lessons' questions).
"""

import copy
import signal
import sys
import threading
import types
from dataclasses import dataclass

import numpy as np

# Seconds a learner's function may run on one case before it is stopped.
TIMEOUT = 5.0
# Arrays up to this many entries are shown whole in a message; larger ones by shape.
SHOWN_WHOLE = 6


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
    checks = "its one check" if len(cases) == 1 else f"all {len(cases)} checks"
    return Feedback(True, f"{name} matches bp_helpers on {checks}. Well done!")


read_only(__name__)
