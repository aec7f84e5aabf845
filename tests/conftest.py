"""Fixtures shared by several test files."""

import pytest
from _data_fakes import ScriptedServer


@pytest.fixture
def server():
    """A scripted HTTP server on 127.0.0.1, always shut down after the test."""
    httpd = ScriptedServer()
    httpd.start()
    try:
        yield httpd
    finally:
        httpd.close()
