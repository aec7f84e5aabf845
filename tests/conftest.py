"""Fixtures shared by several test files."""

import pytest
from _data_fakes import ScriptedServer
from second_run import add_second_runs


@pytest.hookimpl(tryfirst=True)  # before -m picks the marked tests
def pytest_collection_modifyitems(items):
    """Every notebook cell is every_cpu: strict nbval compares what its training printed.

    After each notebook's cells comes its second run in the same kernel (second_run.py);
    it is not every_cpu, since whether a lesson repeats itself does not depend on the CPU.
    """
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.every_cpu)
    add_second_runs(items)


@pytest.fixture
def server():
    """A scripted HTTP server on 127.0.0.1, always shut down after the test."""
    httpd = ScriptedServer()
    httpd.start()
    try:
        yield httpd
    finally:
        httpd.close()
