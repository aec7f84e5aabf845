"""The second run in nbval's kernel (second_run.py) passes a lesson that repeats itself and
fails one whose cells change shared state, naming the cell."""

import subprocess
import sys
from pathlib import Path

import nbformat

TESTS = Path(__file__).resolve().parent
CONFTEST = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
from second_run import add_second_runs

def pytest_collection_modifyitems(items):
    add_second_runs(items)
"""


def notebook(path, cells):
    """A notebook of code cells given as (source, what it printed on its first run)."""
    nb = nbformat.v4.new_notebook()
    for count, (source, printed) in enumerate(cells, start=1):
        cell = nbformat.v4.new_code_cell(source, execution_count=count)
        if printed:
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def test_a_cell_that_counts_its_runs_fails_the_second_run_and_a_steady_one_passes(tmp_path):
    (tmp_path / "conftest.py").write_text(CONFTEST)
    notebook(tmp_path / "steady.ipynb", [("x = 2", ""), ("print(x * 3)", "6\n")])
    notebook(tmp_path / "counting.ipynb", [
        ("runs = globals().get('runs', 0) + 1", ""),  # like a network trained in place
        ("print(runs)", "1\n"),
    ])
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval",
         "--nbval-current-env", "-rA", "-o", "addopts=", "-o", "filterwarnings=", "."],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    report = run.stdout
    assert "PASSED steady.ipynb::every cell again" in report, report
    assert "FAILED counting.ipynb::every cell again" in report, report
    assert "cell 1 of counting.ipynb changed on its second run" in report, report
    # nbval's first run of each cell matched the stored outputs in both notebooks
    assert report.count("PASSED") == 5, report
