"""Warnings for learners: shown every time, and pointing at the learner's own line.

Python shows a UserWarning once per message and source line, and its
stacklevel counts frames by hand. A learner who re-runs a cell should see the
warning again (it is about their files, which may still be wrong), and the
line it names should be theirs, not one inside bp_helpers. `warn` does both:
it reports the first calling frame outside this package, and keeps no
registry of warnings already shown.
"""

import inspect
import warnings
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def warn(message, category=UserWarning):
    """Issue `message` as a `category` warning from the first caller outside bp_helpers."""
    frame = inspect.currentframe().f_back
    while frame.f_back is not None and _inside_package(frame.f_code.co_filename):
        frame = frame.f_back
    warnings.warn_explicit(
        message, category, frame.f_code.co_filename, frame.f_lineno,
        module=frame.f_globals.get("__name__", "__main__"), registry=None,
        module_globals=frame.f_globals,
    )


def _inside_package(filename):
    try:
        return PACKAGE in Path(filename).resolve().parents
    except (OSError, ValueError):  # "<stdin>", "<string>" and the like
        return False


__all__ = ["warn"]
