"""Exercises whose worked solution opens after a first attempt, and a lesson that runs on.

A lesson's exercise cells start as stubs that raise NotImplementedError. Each
check records an *attempt* once the learner's code runs (right or wrong);
`Solution` is a button that shows the worked solution only after one.
`yours_or_solution` lets the rest of a lesson run either way: it hands back
the learner's function once it passes, else the worked solution, and says
which one the cells below use.
"""

import html
import inspect

import ipywidgets as widgets

from bp_helpers.display import Displayable, say

_attempted = set()  # names of the exercises tried in this kernel


def record_attempt(name, feedback):
    """Note that exercise `name` was tried, unless its feedback says it is still a stub."""
    if "not written yet" not in feedback.message:
        _attempted.add(name)
    return feedback


def attempted(name):
    """Whether exercise `name` was tried in this session."""
    return name in _attempted


def source_html(fn):
    """fn's source code as an HTML <pre> block."""
    return f"<pre>{html.escape(inspect.getsource(fn))}</pre>"


class Solution(Displayable):
    """A button that shows the worked solution `fn` of exercise `name`, after an attempt."""

    def __init__(self, name, fn):
        self.name, self.fn = name, fn
        self.button = widgets.Button(description="Show a worked solution",
                                     layout=widgets.Layout(width="auto"))
        self.shown = widgets.HTML()
        self.button.on_click(lambda _: self.reveal())
        self.widget = widgets.VBox([self.button, self.shown])

    def reveal(self):
        """Show the solution if the exercise was tried, else ask for a try first."""
        if attempted(self.name):
            self.shown.value = source_html(self.fn)
        else:
            self.shown.value = (f"Give <code>{self.name}</code> a try first: write it, run its "
                                "check once, and then the worked solution opens here.")

    def plain_text(self):
        return (f"Worked solution of {self.name}, shown after your first try "
                "(interactive: open in JupyterLab to use it)")


def yours_or_solution(name, yours, solution, passes):
    """yours if passes(yours) is true, else solution; prints which one the lesson uses."""
    if passes(yours):
        print(f"Your {name} passes its check: the cells below use it.")
        return yours
    say(f"Your {name} does not pass its check yet, so the cells below use the worked "
        f"solution. When yours passes, run this cell and the ones below again.")
    return solution


__all__ = ["Solution", "attempted", "record_attempt", "source_html", "yours_or_solution"]
