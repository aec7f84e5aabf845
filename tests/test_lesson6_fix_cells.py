"""Lesson 6's fix cells, run as a learner runs them: in the lesson's own namespace.

A learner pastes a specimen's body into `fix`, corrects the mistake and runs
the cell. Every fix cell is run here with its specimen's body corrected
(expected "Fixed") and as pasted (expected "Still broken"), while the
learner's own steps above are still `raise NotImplementedError`, or wrong:
the fix is judged on its own lines.
"""

import ast
import re
from pathlib import Path

import jupytext
import pytest

from bp_helpers.zoo import BUGS

LESSON = Path(__file__).resolve().parent.parent / "notebooks" / "text" / "06_your_backprop.py"
STUB = re.compile(r"^    raise NotImplementedError  # replace this line with specimen (\d+)'s "
                  r"body, corrected$", re.M)

# How a learner corrects each specimen: (the wrong text, the right text) in its body.
CORRECTIONS = {
    "no_sigma_prime": [("delta = 2 * (activations[L] - Y)",
                        "delta = output_error(activations[L], Y, zs[L - 1])")],
    "sigma_prime_of_a": [("sigmoid_prime(activations[l])", "sigmoid_prime(zs[l - 1])")],
    "w_not_transposed": [("network.W[l].T", "network.W[l]")],
    "wrong_sign": [("output_error(Y, activations[L], zs[L - 1])",
                    "output_error(activations[L], Y, zs[L - 1])")],
    "summed_not_averaged": [("@ activations[L - 1]", "@ activations[L - 1] / len(X)"),
                            ("@ activations[l - 1]", "@ activations[l - 1] / len(X)"),
                            (".sum(axis=0)", ".mean(axis=0)")],
    "paired_with_a_l": [("weight_gradient(delta, activations[L])",
                         "weight_gradient(delta, activations[L - 1])")],
    "overwritten_in_place": [("    delta /= m  # now the bias gradient is a plain sum\n", ""),
                             ("delta.sum(axis=0)", "delta.sum(axis=0) / m")],
    "bias_not_summed": [("for delta_i in delta:  # one example at a time\n"
                         "        dC_db[L - 1] = delta_i / m",
                         "dC_db[L - 1] = bias_gradient(delta)")],
    "extra_sigma_prime": [("(activations[L] - Y) * sigmoid_prime(zs[L - 1])",
                           "activations[L] - Y")],
    "slope_of_the_next_layer": [("delta, zs[l])", "delta, zs[l - 1])")],
}


def cells():
    return [cell.source for cell in jupytext.read(LESSON).cells if cell.cell_type == "code"]


def lesson_namespace(steps="unfinished"):
    """The names a learner has before the zoo: the lesson's imports and its step cells.

    steps="unfinished": the step cells as the lesson gives them; "wrong": each
    step returns zeros of the right shape, a finished but wrong answer.
    """
    namespace = {}
    for source in cells():
        if "from bp_helpers.questions import lesson6" in source or re.match(
                r"def (output_error|error_back|weight_gradient|bias_gradient)\(", source):
            exec(re.sub(r"^%.*$", "", source, flags=re.M), namespace)
    if steps == "wrong":
        exec("def output_error(a_L, y, z_L): return 0 * a_L\n"
             "def error_back(W_next, delta_next, z): return 0 * z\n"
             "def weight_gradient(delta, a_prev): return 0 * (delta.T @ a_prev)\n"
             "def bias_gradient(delta): return 0 * delta[0]\n", namespace)
    return namespace


def fix_cells():
    """(specimen number, source) of every fix cell in the lesson."""
    found = [(int(STUB.search(source).group(1)), source) for source in cells()
             if STUB.search(source)]
    assert [number for number, _ in found] == list(range(1, len(BUGS) + 1))
    return found


def body(bug, corrected):
    """The specimen's body, below its def line, as a learner pastes it (corrected or not)."""
    text = bug.source().split("\n", 1)[1]
    for wrong, right in CORRECTIONS[bug.name] if corrected else []:
        assert wrong in text, (bug.name, wrong)
        text = text.replace(wrong, right)
    return text


def run_cell(source, namespace):
    """Run a cell like Jupyter: everything, then the value of its last expression."""
    tree = ast.parse(source)
    last = tree.body.pop()
    exec(compile(tree, "<cell>", "exec"), namespace)
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)


@pytest.mark.parametrize("steps", ["unfinished", "wrong"])
@pytest.mark.parametrize("corrected", [True, False], ids=["corrected", "as pasted"])
def test_every_fix_cell_judges_the_pasted_body(steps, corrected):
    namespace = lesson_namespace(steps)
    for number, source in fix_cells():
        bug = BUGS[number - 1]
        cell = STUB.sub(lambda _, bug=bug: body(bug, corrected).rstrip("\n"), source)
        feedback = run_cell(cell, namespace)
        if corrected:
            assert feedback.passed, (number, feedback.message)
            assert feedback.message.startswith(f"Fixed: specimen {number}'s gradient check")
        else:
            assert not feedback.passed, number
            assert feedback.message.startswith(f"Still broken: specimen {number}'s"), (
                number, feedback.message)


def test_a_fix_cell_as_given_says_fix_is_not_written_yet():
    namespace = lesson_namespace()
    for number, source in fix_cells():
        feedback = run_cell(source, namespace)
        assert not feedback.attempted and feedback.message.startswith(
            "fix is not written yet"), number
