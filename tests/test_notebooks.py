"""The lessons as files: in step with their text twins, stored executed, well formed.

nbval (run by the README's test command) re-executes each notebook and
compares outputs; these checks catch what it cannot see.
"""

import re
from pathlib import Path

import jupytext
import nbformat
import pytest
from lessons import LESSONS

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = [ROOT / lesson.notebook for lesson in LESSONS]


def test_the_lesson_list_names_every_notebook_in_order():
    stored = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
    assert [path.name for path in NOTEBOOKS] == stored
    assert [lesson.number for lesson in LESSONS] == list(range(1, len(LESSONS) + 1))


def test_the_readme_table_lists_every_lesson_in_order_with_its_title():
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| \[(\d+) · ([^\]]+)\]\(([^)]+)\) \|", readme, re.MULTILINE)
    assert rows == [(str(lesson.number), lesson.title, lesson.notebook) for lesson in LESSONS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_lesson_opens_with_its_title(path):
    title = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0]
    lesson = LESSONS[NOTEBOOKS.index(path)]
    assert title.startswith(f"# Lesson {lesson.number} · {lesson.title}"), title


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_matches_its_text_twin(path):
    twin = path.parent / "text" / f"{path.stem}.py"
    assert twin.exists(), f"{path.name} has no text twin {twin}"
    text = jupytext.read(twin)
    stored = nbformat.read(path, as_version=4)
    pairs = list(zip(text.cells, stored.cells, strict=True))
    for i, (source, cell) in enumerate(pairs):
        assert (source.cell_type, source.source) == (cell.cell_type, cell.source), (
            f"cell {i} of {path.name} differs from {twin.name}: "
            "run `python tools/build_notebooks.py` to rebuild it"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_executed_without_errors(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    for cell in code:
        assert all(output.output_type != "error" for output in cell.outputs)
        assert all(output.get("name") != "stderr" for output in cell.outputs), (
            f"{path.name}: a cell writes to stderr (a warning?): {cell.source[:60]!r}"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_has_the_course_skeleton(path):
    headings = [line for cell in nbformat.read(path, as_version=4).cells
                if cell.cell_type == "markdown" for line in cell.source.splitlines()
                if line.startswith("## ")]
    assert "## Summary" in headings and "## Exercises" in headings
