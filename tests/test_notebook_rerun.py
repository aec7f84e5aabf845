"""Run twice, same results: each lesson, executed twice in one kernel, prints the same.

Learners re-run cells, run them out of order and restart kernels. A lesson
whose cells mutate shared state (a network trained in place, a global
counter, an unseeded draw) would show different numbers the second time.
Here every cell runs once in order, then every cell again in the same kernel
(so each earlier cell now runs after all the later ones), and the text
outputs of the two passes must match. nbval separately checks the first
pass against the stored notebook.
"""

from pathlib import Path

import nbformat
import pytest
from lessons import LESSONS
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def text_outputs(cell):
    """What a cell printed or returned as text; figures count by their text line.

    Printed text may arrive in several chunks, split differently each run,
    so consecutive chunks of one stream are joined.
    """
    texts = []
    for output in cell.outputs:
        if output.output_type == "stream" and texts and texts[-1][0] == output.name:
            texts[-1] = (output.name, texts[-1][1] + output.text)
        elif output.output_type == "stream":
            texts.append((output.name, output.text))
        elif output.output_type in ("execute_result", "display_data"):
            texts.append(("data", output.data.get("text/plain", "")))
        elif output.output_type == "error":
            texts.append(("error", f"{output.ename}: {output.evalue}"))
    return texts


@pytest.mark.parametrize("path", [ROOT / lesson.notebook for lesson in LESSONS],
                         ids=lambda p: p.stem)
def test_running_every_cell_twice_gives_the_same_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    code = [(i, cell) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    passes = []
    with client.setup_kernel():
        for _ in range(2):
            for index, cell in code:
                client.execute_cell(cell, index)
            passes.append([text_outputs(cell) for _, cell in code])
    for (index, cell), first, second in zip(code, *passes, strict=True):
        assert all(kind != "error" for kind, _ in first), f"cell {index} failed: {first}"
        assert first == second, f"cell {index} of {path.name} changed on its second run:\n" \
                                f"{cell.source[:200]}"
