"""Fixtures for the browser tests: one JupyterLab server and one Chromium per session.

Without Chromium or the playwright package the browser tests are skipped with
the reason; under CI (CI=true) a missing browser is a failure instead.
Server and browser are always stopped by process id in the finalizers, also
when a test fails.
"""

import os
import signal

import pytest
from labrunner import Chromium, LabServer, LessonPage, missing_requirement


@pytest.fixture(scope="session")
def browser_available():
    reason = missing_requirement()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def lab(browser_available):
    # A CI timeout sends SIGTERM: turn it into KeyboardInterrupt, so that pytest still
    # runs the finalizers that stop the server and the browser.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with LabServer() as server:
            yield server
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def chromium(browser_available):
    with Chromium() as browser:
        yield browser


class OpenLessons:
    """Each lesson opened and run once per session, then shared by every test on it.

    Before it runs, what the freshly opened lesson showed is kept in the page's
    `first_look` (LessonPage.fresh_view, plus the requests that had failed),
    with screenshots.

    A lesson that failed to open or run fails every later test on it at once,
    with the same error, rather than timing out again.
    """

    def __init__(self, server, browser):
        self.server, self.browser, self.pages, self.errors = server, browser, {}, {}

    def __call__(self, notebook):
        name = notebook.stem
        if name in self.errors:
            raise self.errors[name]
        if name not in self.pages:
            page = LessonPage(self.server, self.browser, notebook)
            try:
                page.open()
                page.page.wait_for_timeout(1500)  # time for a late "modified" mark to appear
                page.first_look = page.fresh_view()
                page.first_look["failedRequests"] = list(page.failed_requests)
                page.screenshot(f"fresh_{name}")
                if page.notebook.locator(".bp-static:has(img)").count():
                    page.screenshot(f"fresh_{name}_panel",
                                    page.notebook.locator(".bp-static:has(img)").first)
                page.run_all()
            except Exception as error:
                page.close()
                self.errors[name] = RuntimeError(
                    f"{name} did not open and run: {type(error).__name__}: {error}\n"
                    f"{self.server.log_tail()}")
                raise self.errors[name] from error
            self.pages[name] = page
        # A page in a background tab gets no animation frames, and JupyterLab's
        # widgets update on them: bring the lesson's tab to the front.
        self.pages[name].page.bring_to_front()
        return self.pages[name]

    def save_and_reopen(self, notebook):
        """Save the lesson's page, close it (its kernel runs on) and open it anew.

        The reopened page replaces the old one for every later test on the lesson.
        """
        lesson = self(notebook)
        try:
            lesson.save()
            self.pages[notebook.stem] = lesson.reopen()
        except Exception:
            # Later tests on the lesson open and run it anew rather than fail with this one.
            del self.pages[notebook.stem]
            lesson.close()
            raise
        return self.pages[notebook.stem]

    def close(self):
        for page in self.pages.values():
            page.close()


@pytest.fixture(scope="session")
def open_lesson(lab, chromium):
    """open_lesson(path) -> LessonPage: the lesson opened in JupyterLab with every cell run."""
    lessons = OpenLessons(lab, chromium)
    yield lessons
    lessons.close()
