"""Lessons 2-4 show the code behind their calls: read from the very functions they call.

A lesson shows source with display.show_source, which reads it with
inspect.getsource; these tests check that each lesson shows what it then
relies on, and that what is shown is those functions' source, not a copy.
"""

import inspect
import json
import re
import textwrap
from pathlib import Path

import pytest

from bp_helpers import chain
from bp_helpers.display import show_source
from bp_helpers.network import Network, backward
from bp_helpers.network_loops import backprop_loops
from bp_helpers.training import sgd_step

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
# Per lesson: what its show_source cells show, and the calls that rely on those functions.
SHOWN = {
    "02_a_chain_of_layers": (["chain.backward"], ["chain.backward("]),
    "03_many_neurons_per_layer": (["network.backprop, backward", "backprop_loops"],
                                  ["network.backprop(", "backprop_loops("]),
    "04_gradient_descent": (["sgd_step"], ["sgd_step("]),
}


def code_cells(name):
    notebook = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text())
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


@pytest.mark.parametrize("name", SHOWN)
def test_each_lesson_shows_the_functions_it_calls(name):
    text = (NOTEBOOKS / "text" / f"{name}.py").read_text()
    shown, calls = SHOWN[name]
    assert re.findall(r"^show_source\((.*)\)$", text, re.MULTILINE) == shown
    assert "this is the code that runs" in " ".join(text.lower().split())
    for call in calls:
        assert call in text.replace(f"show_source({call[:-1]}", ""), call


@pytest.mark.parametrize(("name", "functions"), [
    ("02_a_chain_of_layers", [chain.backward]),
    ("03_many_neurons_per_layer", [Network.backprop, backward]),
    ("03_many_neurons_per_layer", [backprop_loops]),
    ("04_gradient_descent", [sgd_step]),
])
def test_the_stored_lesson_shows_the_source_as_it_is_now(name, functions):
    expected = "\n\n".join(textwrap.dedent(inspect.getsource(f)).rstrip() for f in functions)
    shown = ["".join(output["data"]["text/plain"]) for cell in code_cells(name)
             if "show_source(" in "".join(cell["source"]) for output in cell["outputs"]
             if output["output_type"] == "execute_result"]
    assert expected in shown


def test_show_source_reads_the_function_itself():
    shown = show_source(sgd_step, Network.backprop)
    assert repr(shown).startswith("def sgd_step(params, gradients, lr):")
    assert "\n\ndef backprop(self, X, Y):" in repr(shown)  # methods dedented
    assert shown._repr_markdown_() == f"```python\n{shown!r}\n```"
    assert repr(show_source(Network([2, 1]).backprop)) == repr(show_source(Network.backprop))
