"""One notation in every lesson, the videos' first.

The cost of one example is C0 (and C_k the cost of example k in an average over
examples, as the videos write it), never C_x, C_i or C_{0,i}; the learning rate
is eta, never alpha. Lesson 2's crosswalk table may name Nielsen's symbols in his
own column, and only there. The lessons' text twins and the questions they ask
(bp_helpers/questions) are read as the learner reads them.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks" / "text").glob("*.py"))
QUESTIONS = sorted((ROOT / "bp_helpers" / "questions").glob("lesson*.py"))
# Each other spelling of one example's cost, or of the learning rate.
FORBIDDEN = {
    "C_x": r"C_\{?x\}?(?![a-z])",
    "C_i": r"C_\{?i\}?(?![a-z])",
    "C_{0,i}": r"C_\{0, ?i\}",
    "Cᵢ or C₀,ᵢ": r"C[₀]?,?ᵢ",
    "alpha": r"\\alpha|α",
}


def without_nielsens_column(text):
    """text with the cells under a table header 'Nielsen' blanked: the crosswalk's own column."""
    lines, column = text.splitlines(), None
    for i, line in enumerate(lines):
        cells = line.split("|")
        if not line.lstrip("# ").startswith("|"):
            column = None
        elif column is None and "Nielsen" in [cell.strip() for cell in cells]:
            column = [cell.strip() for cell in cells].index("Nielsen")
        elif column is not None and len(cells) > column:
            lines[i] = "|".join([*cells[:column], "", *cells[column + 1:]])
    return "\n".join(lines)


def found(text):
    text = without_nielsens_column(text)
    return {name: [text[:m.start()].count("\n") + 1 for m in re.finditer(pattern, text)]
            for name, pattern in FORBIDDEN.items() if re.search(pattern, text)}


@pytest.mark.parametrize("path", LESSONS + QUESTIONS, ids=lambda p: p.name)
def test_one_notation(path):
    assert found(path.read_text()) == {}, f"{path.name}: other notation at these lines"


def test_the_check_finds_each_other_spelling_and_spares_nielsens_column():
    for text in ["cost $C_x$", "$\\partial C_i/\\partial w$", "$C_{0,i}$", "Cᵢ", "C₀,ᵢ",
                 "rate $\\alpha$", "α = 0.1"]:
        assert found(text), text
    for text in ["$C_0$", "$C_k$", "$\\sum_k C_k$", "`C_index`", "C_inverse"]:
        assert not found(text), text
    table = ("# | quantity | the videos | Nielsen | bp_helpers |\n# |---|---|---|---|\n"
             "# | cost | $C_0$ | $C_x$ | `C0` |\n\n# after the table: $C_x$")
    assert list(found(table)) == ["C_x"] and found(table)["C_x"] == [5]
