"""The grader behind the exercises: feedback a learner can act on, and grading that the
learner's own code cannot fool.

`grade_function` runs a learner's function on a few cases and compares it with a
reference from bp_helpers. Whatever the function does, the result is a
`Feedback` that says what was expected and what came, never a traceback:

- it raises, returns None, a string, a complex number or the wrong shape: the
  message names what was expected instead; it calls `sys.exit()`: the message
  says a function returns its answer instead;
- it calls another exercise that is still `raise NotImplementedError`: that one
  is named, not the function being checked;
- it returns a wrong array: the message gives the array's shape and the first
  entry that differs, not the whole array, with enough digits to see the
  difference; a float32 answer is judged at float32's precision, and a float64
  one that is right only to float32's precision is told so;
- it edits its inputs in place (`a -= y`, `W_next *= 0`): it was given deep
  copies, the reference other copies, so neither the verdict nor the lesson's
  own variables change;
- it never returns: it is stopped after `timeout` seconds (`call_with_timeout`).

This module is read-only once imported (`grading._compare = ...` raises), so
grading cannot be switched off from a lesson; `lock_module` does the same for
the modules built on it (bp_helpers.exercises, the lessons' questions). A
write that goes around it, into a module's `__dict__`, is found by
`tampered()`, and every grader then says so instead of judging.
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
# After the first stop, the stop is repeated this often (seconds) until the code gives way.
REPEAT = 0.05
# Arrays up to this many entries are shown whole in a message; larger ones by shape.
SHOWN_WHOLE = 6
# Decimals shown in a message: the first of these that tells two different numbers apart.
DECIMALS = (6, 9, 12, 15)
# An answer in a float type narrower than float64 is judged to this many of its own epsilons
# (a few roundings of a short float32 computation; 1e-5 off is a mistake, not precision).
EPSILONS = 16
# A float64 answer within this relative distance is right to float32's precision.
SINGLE = EPSILONS * float(np.finfo(np.float32).eps)


def safe_repr(value, width=40):
    """repr(value) cut to `width` characters, or a description if its __repr__ fails."""
    try:
        return f"{value!r:.{width}}"
    except Exception as error:  # a learner's class may have any __repr__
        return f"(its repr raised {type(error).__name__})"


def _snapshots():
    """(take, changed): record a module's dictionary; name the first entry changed since."""
    taken = {}

    def take(module):
        taken[module.__name__] = (module, dict(module.__dict__))

    def changed():
        for name, (module, snapshot) in taken.items():
            now = module.__dict__
            for key in sorted(set(snapshot) | set(now)):
                if key.startswith("__") or now.get(key, changed) is snapshot.get(key, changed):
                    continue
                return f"{name}.{key}"
        return None

    return take, changed


_take_snapshot, _changed = _snapshots()


def tampered():
    """A sentence if a read-only module's dictionary was written to, else None."""
    where = _changed()
    if where is None:
        return None
    return (f"{where} was changed from outside (through the module's __dict__), so answers "
            "cannot be checked as the course wrote the checks: restart the kernel and run "
            "the cells from the top.")


class _LockedModule(types.ModuleType):
    """A module whose attributes cannot be set or deleted once it is loaded."""

    def __setattr__(self, name, value):
        raise AttributeError(f"{self.__name__} is read-only: a lesson cannot change how "
                             f"answers are checked (tried to set {name!r})")

    def __delattr__(self, name):
        raise AttributeError(f"{self.__name__} is read-only: a lesson cannot change how "
                             f"answers are checked (tried to delete {name!r})")


def lock_module(module_name):
    """Make the loaded module `module_name` read-only; call it at the end of the module."""
    module = sys.modules[module_name]
    module.__class__ = _LockedModule
    _take_snapshot(module)


@dataclass(frozen=True)
class Feedback:
    """The outcome of grading: passed or not, and a message for the learner.

    attempted is False when there was nothing to judge yet (the function is
    still `raise NotImplementedError`, or no quiz option was picked).
    """

    passed: bool
    message: str
    attempted: bool = True

    def __repr__(self):
        return ("✅ " if self.passed else "❌ ") + self.message


class TimedOut(BaseException):
    """Raised in a learner's code whose time is up.

    A BaseException, so that `except Exception` in the learner's code does not
    swallow it. `stopped` is False when the code could not be stopped and runs on.
    `on_release` is called when the stop is let go of, which is when a learner's
    bare `except:` that caught it has finished.
    """

    def __init__(self, stopped, on_release=None):
        super().__init__()
        self.stopped = stopped
        self.on_release = on_release

    def __del__(self):
        if self.on_release is not None:
            self.on_release()


def _call_with_alarm(fn, kwargs, seconds):
    """fn(**kwargs), interrupted by SIGALRM after `seconds` (main thread, Unix).

    A bare `except:` in the learner's code can catch a TimedOut, so after the
    alarm the learner's frames are traced: the next line they run (the `pass`
    of that `except:`, outside its `try`) raises again. Python switches a
    tracer off once it raises, so a swallowed stop turns the tracing back on
    when it is let go of, and the next line raises once more: nested `except:`
    blocks give way one level at a time. The alarm also repeats every REPEAT
    seconds. None of this acts outside the learner's call.
    """
    active = True

    def learners_call():
        return fn(**kwargs)

    def learners_frames(frame):
        """The frames from `frame` up to learners_call, or [] if it is not among them."""
        frames = []
        while frame is not None and frame.f_code is not learners_call.__code__:
            frames.append(frame)
            frame = frame.f_back
        return frames if frame is not None else []

    def stop_here(frame, event, arg):
        # Not on "exception": the line after the learner's `except:` is where raising
        # helps. Nor in this module's own frames (TimedOut.__init__ runs inside the
        # learner's call).
        own = frame.f_globals is globals()
        if event in ("call", "line") and not own and learners_frames(frame):
            raise TimedOut(stopped=True, on_release=trace_again)
        return stop_here

    def trace(frame):
        """Trace the learner's frames from `frame` up; False if `frame` is not in them."""
        frames = learners_frames(frame)
        for each in frames:
            each.f_trace, each.f_trace_lines = stop_here, True
        if frames:
            sys.settrace(stop_here)
        return bool(frames)

    def trace_again():
        if active:
            trace(sys._getframe(1))

    def time_up(signum, frame):
        if trace(frame):
            raise TimedOut(stopped=True, on_release=trace_again)

    previous, tracing = signal.signal(signal.SIGALRM, time_up), sys.gettrace()
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
        return learners_call()
    finally:
        active = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        sys.settrace(tracing)
        signal.signal(signal.SIGALRM, previous)


def _call_in_thread(fn, kwargs, seconds):
    """fn(**kwargs) in a daemon thread, abandoned (still running) after `seconds`."""
    outcome = {}

    def run():
        try:
            outcome["value"] = fn(**kwargs)
        except BaseException as error:  # handed back to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=run, name="bp_helpers exercise grading", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimedOut(stopped=False)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def call_with_timeout(fn, kwargs, seconds=TIMEOUT):
    """fn(**kwargs), or raise TimedOut after `seconds`.

    SIGALRM where it can stop the code: on the main thread of a Unix process
    (a Jupyter kernel runs cells there), when no other real-time timer is
    armed (which it would cancel). Otherwise a daemon thread, abandoned if it
    overruns (a thread cannot be killed), and the message says so.
    """
    if (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0):
        return _call_with_alarm(fn, kwargs, seconds)
    return _call_in_thread(fn, kwargs, seconds)


def timed_out(call, stop, timeout=TIMEOUT):
    """The sentence for a learner's `call` (text such as "f(z = 1.0)") stopped by TimedOut."""
    still = ("it was stopped" if stop.stopped else
             "it could not be stopped and is still running: restart the kernel")
    return (f"{call} did not return within {timeout:g} s, so {still}. Look for a loop that "
            "never ends.")


def raised(name, call, error, fn=None):
    """Feedback for a learner's `call` that raised `error`, blaming the function that raised it.

    NotImplementedError from `fn` itself (or when fn is not given) means it is
    not written yet: not an attempt. From another of the learner's functions
    that `fn` calls, that one is named: fn was attempted, the other was not.
    sys.exit() is named as such.
    """
    if isinstance(error, NotImplementedError):
        culprit = _unfinished_callee(error, fn)
        if culprit is None:
            return Feedback(False, f"{name} is not written yet: replace `raise "
                                   "NotImplementedError` with your code and run the cell again.",
                            attempted=False)
        return Feedback(False, f"{name} calls {culprit}, which is not written yet (it still "
                               f"raises NotImplementedError): finish {culprit} first, then run "
                               "this cell again.")
    if isinstance(error, SystemExit):
        return Feedback(False, f"{call} called sys.exit() (or exit()), which ends the program: "
                               "a function should `return` its answer instead.")
    return Feedback(False, f"{call} raised {type(error).__name__}: {error_text(error)}")


def error_text(error):
    """str(error), or a description if its __str__ fails."""
    try:
        return str(error)
    except Exception as inner:  # a learner's exception class may have any __str__
        return f"(its message could not be shown: {type(inner).__name__})"


def _unfinished_callee(error, fn):
    """The name of the learner's function, other than fn, that raised `error`, or None."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    frame = None
    traceback = error.__traceback__
    while traceback is not None:
        frame, traceback = traceback.tb_frame, traceback.tb_next
    if frame is None or frame.f_code is code:
        return None
    if frame.f_globals.get("__name__") != fn.__globals__.get("__name__"):
        return None  # raised by a library, not by the learner's own code
    return frame.f_code.co_name


def _format(value, decimals):
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return repr(round(float(array), decimals))
    return str(np.round(array, decimals).tolist())


def _show(value, other=None):
    """A short text for any argument or result: numbers rounded, big arrays by shape.

    With `other` (a number or array it is compared with), enough decimals to
    tell the two apart.
    """
    if value is None or isinstance(value, (str, bytes, bool, np.bool_)):
        return safe_repr(value)
    try:
        if np.iscomplexobj(value):
            return safe_repr(value)
        array = np.asarray(value, dtype=float)
    except Exception:  # anything a learner's code returns
        return f"{type(value).__name__} {safe_repr(value)}"
    if array.size > SHOWN_WHOLE:
        return f"an array of shape {array.shape}"
    for decimals in DECIMALS:
        if other is None or _format(array, decimals) != _format(other, decimals):
            return _format(array, decimals)
    return repr(array.tolist()) if array.ndim else repr(float(array))


def _describe(args):
    return ", ".join(f"{name} = {_show(value)}" for name, value in args.items())


def _as_numbers(got):
    """(float array, dtype, None) for a numeric result, or (None, None, why it is not one)."""
    if got is None:
        return None, None, "returned None: did you forget the `return`?"
    not_numbers = (f"should return a number or an array of numbers, but returned "
                   f"{type(got).__name__}: {safe_repr(got, 60)}")
    if isinstance(got, (str, bytes)):
        return None, None, not_numbers
    try:
        array = np.asarray(got)
        kind = array.dtype.kind
    except Exception:  # e.g. a ragged list, or an object whose __array__ raises
        return None, None, not_numbers
    if kind == "c":
        return None, None, (f"returned a complex number ({_show(got)}), but the answer is real: "
                            "look for a square root or a power of a negative number")
    if kind == "b":
        return None, None, f"returned True/False ({_show(got)}), but the answer is a number"
    if kind not in "iuf":
        return None, None, not_numbers
    return array.astype(float), array.dtype, None


def _tolerance(dtype, rtol):
    """The relative tolerance for an answer of `dtype`: rtol, or its own precision if coarser."""
    if dtype.kind == "f" and dtype.itemsize < 8:
        return max(rtol, EPSILONS * float(np.finfo(dtype).eps))
    return rtol


def _compare(got, expected, rtol):
    """Why `got` is not `expected` (type, shape, then value), or None if it is right.

    Returns (sentence, wrong_value): wrong_value is True when only the numbers
    differ (and a hint may help). NaN where the reference has NaN is right.
    """
    got_array, dtype, problem = _as_numbers(got)
    if problem is not None:
        return problem, False
    expected = np.asarray(expected, dtype=float)
    if got_array.shape != expected.shape:
        want = "a single number" if expected.ndim == 0 else f"an array of shape {expected.shape}"
        return f"should return {want}, but returned shape {got_array.shape}", False
    tolerance = _tolerance(dtype, rtol)
    close = np.isclose(got_array, expected, rtol=tolerance, atol=1e-12, equal_nan=True)
    if close.all():
        return None
    if tolerance < SINGLE and np.isclose(got_array, expected, rtol=SINGLE, atol=1e-12,
                                         equal_nan=True).all():
        return (f"gives {_show(got_array, expected)} where {_show(expected, got_array)} is "
                f"expected: right to about 7 digits, the precision of float32, but the "
                f"answer is checked in float64 (numpy's default), so compute in float64"), False
    if expected.size <= SHOWN_WHOLE:
        return (f"should be {_show(expected, got_array)}, but your function gives "
                f"{_show(got_array, expected)}"), True
    first = tuple(int(i) for i in np.argwhere(~close)[0])
    return (f"returns an array of the right shape {expected.shape}, but "
            f"{np.count_nonzero(~close)} of its {expected.size} entries differ; the first is "
            f"[{', '.join(map(str, first))}]: it should be "
            f"{_show(expected[first], got_array[first])}, but your function gives "
            f"{_show(got_array[first], expected[first])}"), True


def grade_function(fn, reference, cases, name=None, hint="", rtol=1e-9, timeout=TIMEOUT):
    """Compare a learner's `fn` with `reference` on `cases`; return Feedback.

    cases: a list of dicts of keyword arguments, e.g. [{"z": 0.0}, {"z": 2.0}].
    `fn` and `reference` each get their own deep copy of every case, so neither
    can change the other's inputs or the caller's. The first failing case is
    reported; `hint` is added to a wrong value. `fn` is stopped after `timeout`
    seconds per case. An error in the reference is the grader's, and said so.
    """
    name = name or getattr(fn, "__name__", "your function")
    if not callable(fn):
        return Feedback(False, f"expected a function for {name}, got {type(fn).__name__}",
                        attempted=False)
    if tampered():
        return Feedback(False, tampered(), attempted=False)
    cases = list(cases)
    if not cases:
        return Feedback(False, f"There is nothing to check {name} on: the check was given no "
                               "cases.", attempted=False)
    for args in cases:
        call = f"{name}({_describe(args)})"
        try:
            expected = reference(**copy.deepcopy(args))
        except Exception as error:  # the grader's fault, not the learner's
            return Feedback(False, f"The check itself failed on {call} before judging your "
                                   f"function ({type(error).__name__}: {error_text(error)}); "
                                   "this is a fault in the course, not in your code.",
                            attempted=False)
        try:
            got = call_with_timeout(fn, copy.deepcopy(args), timeout)
        except TimedOut as stop:
            return Feedback(False, timed_out(call, stop, timeout))
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # the learner's code may raise anything
            return raised(name, call, error, fn)
        problem = _compare(got, expected, rtol)
        if problem is not None:
            sentence, wrong_value = problem
            message = f"{call} {sentence}"
            return Feedback(False, f"{message}. Hint: {hint}" if hint and wrong_value else message)
    checks = "its one check" if len(cases) == 1 else f"all {len(cases)} checks"
    return Feedback(True, f"{name} matches bp_helpers on {checks}. Well done!")


lock_module(__name__)
