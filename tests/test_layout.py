"""The package's layout: one word per idea, and a face that keeps each lesson's imports short.

A module's name says what it holds (recipes, grading, questions), so the old names that
meant two things must not come back; and whatever a lesson calls is importable from
bp_helpers, bp_helpers.panels or bp_helpers.plots, so its import cell stays readable.
"""

import pkgutil
from pathlib import Path

import jupytext
import pytest
from lessons import LESSONS

import bp_helpers

ROOT = Path(__file__).resolve().parent.parent
# The most lines a lesson's import cell may spend on imports.
IMPORT_LINES = 6


def import_lines(notebook):
    """The import statements' lines in the lesson's import cell (the one with %matplotlib)."""
    cells = [cell.source for cell in jupytext.read(notebook).cells if cell.cell_type == "code"]
    (cell,) = [source for source in cells if "%matplotlib" in source]
    return [line for line in cell.splitlines()
            if line.strip() and not line.lstrip().startswith(("#", "%"))]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_a_lessons_import_block_fits_in_six_lines(lesson):
    lines = import_lines(ROOT / lesson.notebook)
    assert all(line.startswith(("import ", "from ")) or line.startswith("    ")
               or line == ")" for line in lines), lines  # the cell only imports
    assert len(lines) <= IMPORT_LINES, "\n".join(lines)


def test_no_module_keeps_a_name_that_meant_two_things():
    names = {module.name.rsplit(".", 1)[-1]
             for module in pkgutil.walk_packages(bp_helpers.__path__, "bp_helpers.")}
    assert names & {"models", "checking", "predictions", "lessons"} == set()
    assert {"recipes", "grading", "questions"} <= names  # the test looks where the modules are
