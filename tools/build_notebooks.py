"""Rebuild the lessons: text form (notebooks/text/*.py) -> executed .ipynb.

The percent-format text files are the source that people edit and review;
each notebook is regenerated from its twin and executed in a fresh kernel,
so that its stored outputs are exactly what the code produces (strict nbval
then checks they still are).

A stored lesson keeps no widgets: the kernel that made them is gone, and
JupyterLab would draw each saved widget as a dead copy with a broken-link
marker. So the widget views and the saved widget state are left out, and
each course widget shows its stored picture (or text) with a line saying
to run the cells (see `bp_helpers.display`). Running the cells brings the
live widgets back.

    python tools/build_notebooks.py            # every lesson
    python tools/build_notebooks.py 01 02      # lessons whose names start so
"""

import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def without_widgets(notebook):
    """Drop every widget view from the outputs and the saved widget state; return the notebook.

    An output that held only a widget view (no text, no picture) is dropped whole.
    """
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.outputs:
            data = output.get("data", {})
            data.pop(WIDGET_VIEW, None)
            if output.output_type not in ("display_data", "execute_result") or data:
                kept.append(output)
        cell.outputs = kept
    return notebook


def build(text_path):
    """Convert one text twin to .ipynb, execute it, and write it next to the text folder."""
    notebook = jupytext.read(text_path)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3",
    }
    NotebookClient(notebook, timeout=900, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    target = NOTEBOOKS / f"{text_path.stem}.ipynb"
    nbformat.write(without_widgets(notebook), target)
    return target


def main(prefixes):
    sources = sorted((NOTEBOOKS / "text").glob("*.py"))
    chosen = [p for p in sources if not prefixes or p.name.startswith(tuple(prefixes))]
    if not chosen:
        sys.exit(f"no lesson in {NOTEBOOKS / 'text'} starts with {' or '.join(prefixes)}")
    for path in chosen:
        print(f"built {build(path).relative_to(NOTEBOOKS.parent)}")


if __name__ == "__main__":
    main(sys.argv[1:])
