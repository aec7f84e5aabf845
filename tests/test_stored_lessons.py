"""The lessons as stored: what a learner sees before running a cell, and on GitHub.

A stored lesson holds no widgets (their kernel is gone: JupyterLab would draw
dead copies with a broken-link marker); every course widget shows a picture
(or its text) and a line saying how to bring it to life; lesson 5's training
monitors show the final curves that the text beside them describes.
"""

import base64
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from lessons import LESSONS
from matplotlib.image import imread

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = [NOTEBOOKS.parent / lesson.notebook for lesson in LESSONS]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
COURSE_WIDGET = re.compile(r"^(Quiz: |.*\(interactive: open in JupyterLab to use it\)$)", re.S)
IMG = re.compile(r"<img src='data:image/png;base64,([A-Za-z0-9+/=]+)'")


def outputs(path):
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        yield from cell.get("outputs", [])


def text(value):
    return "".join(value) if isinstance(value, list) else value


def course_widgets(path):
    return [output["data"] for output in outputs(path)
            if COURSE_WIDGET.match(text(output.get("data", {}).get("text/plain", "")))]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_a_stored_lesson_holds_no_widgets(path):
    notebook = json.loads(path.read_text())
    assert "widgets" not in notebook["metadata"]
    views = [output for output in outputs(path) if WIDGET_VIEW in output.get("data", {})]
    assert not views, f"{len(views)} stored widget views in {path.name}"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_every_course_widget_is_stored_as_a_picture_or_text_with_a_hint(path):
    shown = course_widgets(path)
    assert shown, f"{path.name} shows no panel or quiz"
    for data in shown:
        html = text(data.get("text/html", ""))
        assert "run the cells above" in html.lower(), text(data["text/plain"])[:80]
        if "image/png" in data:
            (inline,) = IMG.findall(html)
            assert inline == text(data["image/png"]).replace("\n", "")
            assert base64.b64decode(inline).startswith(b"\x89PNG")


def curve_pixels(png_base64, rgb):
    """How many pixels of the PNG are close to the colour rgb (0-255)."""
    image = imread(io.BytesIO(base64.b64decode(png_base64)), format="png")[..., :3] * 255
    return int((np.abs(image - np.array(rgb)).sum(axis=2) < 60).sum())


def test_lesson_5_stores_the_final_training_curves():
    monitors = [data for data in course_widgets(NOTEBOOKS / "05_mnist.ipynb")
                if text(data["text/plain"]).startswith("Training monitor")]
    assert len(monitors) == 2
    for data in monitors:
        png = text(data["image/png"]).replace("\n", "")
        # Both curves are drawn: the cost in C0 (blue), the accuracy in C2 (green).
        assert curve_pixels(png, (31, 119, 180)) > 300
        assert curve_pixels(png, (44, 160, 44)) > 300
        assert "watch training live" in text(data["text/html"])


# JupyterLab breaks an output line that reaches the cell's edge at any character, so a
# printed sentence must end its lines itself; tables of numbers up to this width still fit.
LONGEST_PRINTED_LINE = 120


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_no_printed_line_is_long_enough_to_be_broken_mid_word(path):
    for output in outputs(path):
        if output["output_type"] == "stream":
            for line in "".join(output["text"]).splitlines():
                assert len(line) <= LONGEST_PRINTED_LINE, f"{path.name}: {line[:60]!r}…"
