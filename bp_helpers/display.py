"""Showing a course widget well wherever a lesson runs.

A panel or quiz wraps an ipywidgets widget (`self.widget`). Where that widget
is displayed decides what it needs:

- JupyterLab: the live widget (the widget-view MIME type);
- nbval, terminals and static renderers such as GitHub: a plain-text line,
  plus a PNG snapshot for panels, since no kernel is there to draw them;
- a lesson opened before its cells run (JupyterLab, no live widget yet): an
  HTML picture of the panel (or the text) and one line saying how to bring it
  to life. `tools/build_notebooks.py` stores lessons with this and without
  the widget view, so a fresh lesson shows no dead or broken widgets;
- Google Colab: the widget sent as display data through ipywidgets' own
  display path, which is where Colab adds the metadata its widget manager
  needs (a widget returned as a cell's result is not shown there).

ipywidgets 7 (Colab's version) has no `_repr_mimebundle_`; the bundle it
sends from `_ipython_display_` is built here instead.
"""

import base64
import html
import inspect
import sys
import textwrap

import ipywidgets as widgets
from IPython.display import display

from bp_helpers.access import BOX_CLASS, AccessHelper

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def widget_bundle(widget):
    """The MIME bundle that shows `widget` live: widget view plus plain text."""
    if hasattr(widget, "_repr_mimebundle_"):  # ipywidgets >= 8
        return widget._repr_mimebundle_()
    return {
        "text/plain": repr(widget),
        WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": widget.model_id},
    }


def on_colab():
    """True inside a Google Colab kernel, which imports google.colab at start."""
    return "google.colab" in sys.modules


class Displayable:
    """Mixin: display `self.widget` live, with `plain_text()` and `snapshot_png()` beside it.

    Subclasses set `self.widget` and define `plain_text()`; `snapshot_png()`
    returns PNG bytes or None (the default) when a picture would add nothing.
    """

    hint = "Run the cells above, and this one, to use it."
    _box = None

    def shown_widget(self):
        """What is displayed: `self.widget` in a box with its keyboard and screen-reader help.

        See bp_helpers.access. The box is made once, so every display of the
        same course widget shows the same live views.
        """
        if self._box is None:
            self._box = widgets.VBox([self.widget, AccessHelper(self.widget)])
            self._box.add_class(BOX_CLASS)
        return self._box

    def plain_text(self):
        raise NotImplementedError

    def snapshot_png(self):
        return None

    def static_picture(self):
        """HTML that pictures the widget where it cannot run, or None (then its PNG or text)."""
        return None

    def _ipython_display_(self):
        # IPython tries this first; NotImplementedError sends it on to
        # _repr_mimebundle_, which everywhere but Colab is what we want.
        if not on_colab():
            raise NotImplementedError
        display(self.shown_widget())

    def _repr_mimebundle_(self, **kwargs):
        bundle = widget_bundle(self.shown_widget())
        png = self.snapshot_png()
        if png is not None:
            bundle["image/png"] = png
        bundle["text/plain"] = self.plain_text()
        bundle["text/html"] = static_html(self.plain_text(), png, self.hint,
                                          self.static_picture())
        return bundle


def static_html(text, png, hint, picture=None):
    """A course widget where it cannot run yet: its picture (or its text) and a hint.

    `picture` (HTML, such as an SVG drawing) is shown if given; else `png`
    (bytes or None) inline as a data URL, so nothing is fetched; else the text.
    The hint says what to run. Front ends that can show the live widget prefer
    it to this HTML.
    """
    if picture is not None:
        body = picture
    elif png is None:
        body = f"<pre style='margin:0'>{html.escape(text)}</pre>"
    else:
        data = base64.b64encode(png).decode("ascii")
        body = (f"<img src='data:image/png;base64,{data}' alt='{html.escape(text, quote=True)}'"
                " style='max-width:100%'>")
    return (f"<div class='bp-static'>{body}<p class='bp-static-hint' "
            f"style='margin:4px 0 0 0;color:#555;font-style:italic'>{html.escape(hint)}</p></div>")


def say(text, width=88):
    """Print prose wrapped at `width` columns, breaking only between words.

    JupyterLab lets a long output line run to the cell's edge and then breaks
    it at any character ("satu / rated"), so lessons print sentences through
    this. Line breaks already in `text` are kept.
    """
    print("\n".join(textwrap.fill(line, width) if line else "" for line in text.split("\n")))


class Source:
    """The source code of functions, read from bp_helpers itself: the code that runs.

    inspect.getsource reads the very function a lesson calls, never a copy, so
    what a learner reads cannot drift from what runs. JupyterLab shows it as a
    Markdown code block with Python highlighting; terminals, nbval and static
    renderers get the plain text.
    """

    def __init__(self, functions):
        self.functions = functions
        self.text = "\n\n".join(textwrap.dedent(inspect.getsource(f)).rstrip()
                                 for f in functions)

    def _repr_markdown_(self):
        return f"```python\n{self.text}\n```"

    def __repr__(self):
        return self.text


def show_source(*functions):
    """A Source of the functions (or methods), shown in a lesson with `show_source(f)`."""
    return Source(functions)

