"""Panels and quizzes display live in JupyterLab, as text and a picture elsewhere, and on Colab."""

import sys
import types

import ipywidgets as widgets
import pytest
from IPython.core.formatters import DisplayFormatter

from bp_helpers import display
from bp_helpers.access import AccessHelper
from bp_helpers.display import WIDGET_VIEW, widget_bundle
from bp_helpers.exercises import Quiz
from bp_helpers.panels import NudgePanel


def quiz():
    return Quiz("2 + 2?", ["3", "4"], 1, ["No.", "Yes."])


def test_the_widget_bundle_is_ipywidgets_own_and_the_same_without_it(monkeypatch):
    slider = widgets.IntSlider()
    own = slider._repr_mimebundle_()
    assert widget_bundle(slider) == own
    monkeypatch.delattr(widgets.Widget, "_repr_mimebundle_")  # as in ipywidgets 7
    assert widget_bundle(slider) == own


@pytest.mark.parametrize("make", [quiz, NudgePanel], ids=["quiz", "panel"])
def test_away_from_colab_the_bundle_has_the_widget_its_text_and_for_panels_a_picture(make):
    shown = make()
    data, _ = DisplayFormatter().format(shown)
    box = shown.shown_widget()
    assert data[WIDGET_VIEW]["model_id"] == box.model_id
    assert box.children[0] is shown.widget and isinstance(box.children[1], AccessHelper)
    assert shown.shown_widget() is box  # displayed again: the same views
    assert data["text/plain"] == shown.plain_text()
    assert ("image/png" in data) == isinstance(shown, NudgePanel)


@pytest.mark.parametrize("make", [quiz, NudgePanel], ids=["quiz", "panel"])
def test_on_colab_the_widget_is_sent_through_its_own_display(make, monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    sent = []
    monkeypatch.setattr(display, "display", sent.append)
    shown = make()
    assert DisplayFormatter().format(shown) == ({}, {})
    assert sent == [shown.shown_widget()]


def test_say_wraps_prose_between_words_and_keeps_its_line_breaks(capsys):
    from bp_helpers.display import say

    sentence = "its neurons saturated, so no gradient flows back through them " * 4
    say(sentence.strip() + "\nsecond paragraph", width=40)
    lines = capsys.readouterr().out.splitlines()
    assert max(map(len, lines)) <= 40 and lines[-1] == "second paragraph"
    assert " ".join(lines[:-1]).split() == sentence.split()


def test_a_specimens_heat_map_has_its_alt_text_in_the_helper():
    from bp_helpers.questions.lesson6 import Specimen

    specimen = Specimen(1)
    (alt,) = specimen.shown_widget().children[1].alts
    assert alt.startswith("Heat maps of the relative error") and "layer 1" in alt
