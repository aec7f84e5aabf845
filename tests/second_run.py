"""Run twice, same results: every lesson's cells once more, in the kernel nbval just used.

Learners re-run cells, run them out of order and restart kernels. A lesson whose
cells mutate shared state (a network trained in place, a global counter, an
unseeded draw) would show different numbers the second time. nbval runs every
cell once in a fresh kernel and compares it with the stored notebook; then the
item made here runs every cell again in that same kernel (so each earlier cell
now runs after all the later ones), and the text each cell shows must match what
it showed in nbval's run, cells whose stored output nbval ignores included.
Reusing nbval's kernel and first run costs one execution of the lesson, not two.
"""

from collections import defaultdict

import pytest
from nbval.plugin import IPyNbCell


def text_outputs(outputs):
    """What a cell printed or returned as text (nbval has joined each stream's chunks);
    a figure counts by its text line."""
    texts = []
    for output in outputs:
        if output.output_type == "stream":
            texts.append((output.name, output.text))
        elif output.output_type in ("execute_result", "display_data"):
            texts.append(("data", output.data.get("text/plain", "")))
        elif output.output_type == "error":
            texts.append(("error", f"{output.ename}: {output.evalue}"))
    return texts


class SecondRun(pytest.Item):
    """After nbval's cells of one notebook: all of them again, compared with nbval's run."""

    def __init__(self, *, cells, **kwargs):
        super().__init__(**kwargs)
        self.cells = cells  # nbval's items for this notebook's code cells, in order

    def runtest(self):
        if any(cell.test_outputs is None and not cell.options["skip"] for cell in self.cells):
            pytest.skip("nbval did not run every cell of this notebook, so there is no "
                        "first run to compare with")
        for first in self.cells:
            if first.options["skip"]:
                continue
            options = defaultdict(bool, first.options, check=False)
            again = IPyNbCell.from_parent(self.parent, name=f"{first.name}, again",
                                          cell_num=first.cell_num, cell=first.cell,
                                          options=options)
            again.runtest()  # raises, with the traceback, if the cell fails this time
            assert text_outputs(again.test_outputs) == text_outputs(first.test_outputs), (
                f"cell {first.cell_num} of {self.path.name} changed on its second run:\n"
                f"{first.cell.source[:200]}")

    def reportinfo(self):
        return self.path, None, f"{self.path.name}: every cell again, in the same kernel"


def add_second_runs(items):
    """Put a SecondRun right after the last nbval cell of each notebook in `items`."""
    result = []
    for index, item in enumerate(items):
        result.append(item)
        following = items[index + 1] if index + 1 < len(items) else None
        if isinstance(item, IPyNbCell) and getattr(following, "parent", None) is not item.parent:
            cells = [each for each in items
                     if isinstance(each, IPyNbCell) and each.parent is item.parent]
            result.append(SecondRun.from_parent(item.parent, name="every cell again",
                                                cells=cells))
    items[:] = result
