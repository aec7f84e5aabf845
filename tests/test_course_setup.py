"""course.py: the lab installs only what the lessons need, and opens as root too.

Nothing here installs anything or starts JupyterLab: the requirement files
and the command line are checked as they are.
"""

import importlib.util
import json
import os
import re
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_TOOLS = ("pytest", "nbval", "hypothesis", "playwright", "ruff", "autograd", "jupytext",
              "nbclient")


def load_course():
    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def requirement_names(name):
    """The package names a requirements file installs, following its -r includes."""
    names = set()
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            names |= requirement_names(line.split(None, 1)[1])
        elif line and not line.startswith("-"):
            names.add(re.match(r"[A-Za-z0-9_.\-]+", line).group().lower())
    return names


def test_the_lab_installs_no_test_tools():
    lab = requirement_names("requirements.txt")
    assert not lab & set(TEST_TOOLS), f"requirements.txt installs {lab & set(TEST_TOOLS)}"
    assert {"numpy", "matplotlib", "ipywidgets", "anywidget", "jupyterlab"} <= lab


def test_the_tests_add_every_test_tool_to_the_lab():
    lab, test = requirement_names("requirements.txt"), requirement_names("requirements-test.txt")
    assert lab <= test
    assert set(TEST_TOOLS) <= test


def test_each_command_installs_its_own_file_into_the_venv():
    course = load_course()
    assert course.REQUIREMENTS == {"lab": "requirements.txt", "test": "requirements-test.txt"}
    # A change to the lessons' requirements reinstalls for the tests as well.
    assert course.install_fingerprint("requirements-test.txt") != \
        course.install_fingerprint("requirements.txt")


def test_conda_and_binder_install_no_test_tools():
    text = (ROOT / "environment.yml").read_text()
    listed = {re.match(r"\s+- ([A-Za-z0-9_.\-]+)", line).group(1).lower()
              for line in text.splitlines() if re.match(r"\s+- [A-Za-z]", line)}
    assert not listed & set(TEST_TOOLS)


@pytest.mark.parametrize("euid, allowed", [(0, True), (1000, False)])
def test_the_lab_command_allows_root_only_as_root(monkeypatch, euid, allowed):
    course = load_course()
    monkeypatch.setattr(course.os, "geteuid", lambda: euid, raising=False)
    command = [str(part) for part in course.lab_command(["notebooks/01.ipynb"], ["--port", "1"])]
    assert command[1:5] == ["lab", "notebooks/01.ipynb", "--port", "1"]
    assert ("--allow-root" in command) == allowed
    # Not twice when the learner passed it already.
    again = course.lab_command(["notebooks/01.ipynb"], ["--allow-root"])
    assert [str(c) for c in again].count("--allow-root") == 1


def test_the_readme_keeps_its_two_quick_start_commands():
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]
    assert commands == ["python3 course.py lab", "python3 course.py test"]


class FakePass:
    """Stands in for subprocess.Popen: records each pass and writes a line to its log.

    With hold=True a pass runs until it is killed (or for 10 s), to be interrupted.
    """

    def __init__(self, calls, code, hold=False):
        self.calls, self.code, self.hold = calls, code, hold
        self.running, self.killed = 0, []

    def __call__(self, command, cwd, stdout, stderr, env):
        self.calls.append((command, env))
        stdout.write(f"pass under {env['OPENBLAS_CORETYPE']}\n".encode())
        return FakeProcess(self)


class FakeProcess:
    def __init__(self, fake):
        self.fake, self.pid, self.done = fake, 1000 + len(fake.calls), threading.Event()
        fake.running += 1
        assert fake.running == 1, "the passes run one after the other"

    def wait(self):
        if self.fake.hold:
            self.done.wait(10)
        self.done.set()
        self.fake.running -= 1
        return self.fake.code

    def poll(self):
        return self.fake.code if self.done.is_set() else None

    def kill(self):
        self.fake.killed.append(self.pid)
        self.done.set()


@pytest.mark.parametrize("flags, expected", [
    ({"avx", "avx2", "avx512f"}, ["Haswell", "Sandybridge"]),
    ({"avx"}, ["Sandybridge"]),  # no AVX2: the Haswell kernels would not run
    (set(), []),  # not x86, or not Linux
])
def test_the_every_cpu_tests_run_again_under_each_kernel_set_the_cpu_can_run(
        monkeypatch, capsys, flags, expected):
    course = load_course()
    calls, lowered = [], []
    monkeypatch.setattr(course, "lower_priority", lowered.append)
    monkeypatch.setattr(course, "cpu_flags", lambda: flags)
    monkeypatch.setattr(course.subprocess, "Popen", FakePass(calls, code=0))
    course.on_other_kernels(["python", "-m", "pytest"], {"BP_OFFLINE": "1"})
    assert [env["OPENBLAS_CORETYPE"] for _, env in calls] == expected
    weights = [env["BP_WEIGHTS_DIR"] for _, env in calls]
    assert len(set(weights)) == len(calls)  # each pass trains afresh, in its own folder
    for command, env in calls:
        assert command[-3:] == ["every_cpu", "-p", "no:cacheprovider"] and env["BP_OFFLINE"] == "1"
    out = capsys.readouterr().out
    for kernels in expected:
        assert f"pass under {kernels}" in out
    for kernels in set(course.OTHER_KERNELS) - set(expected):
        assert f"Skipping the {kernels} kernels" in out
    assert lowered == [1001, 1002][:len(expected)]  # each pass yields to the main pass


def test_the_main_pass_runs_beside_the_passes_and_reports_first(monkeypatch, capsys):
    course = load_course()
    monkeypatch.setattr(course, "lower_priority", lambda pid: None)
    monkeypatch.setattr(course, "cpu_flags", lambda: {"avx", "avx2"})
    monkeypatch.setattr(course.subprocess, "Popen", FakePass([], code=0))

    def main_pass():
        print("the main pass")
        return 3

    with pytest.raises(SystemExit) as stop:
        course.on_other_kernels(["python", "-m", "pytest"], {}, alongside=main_pass)
    assert stop.value.code == 3  # the main pass's failure, after the passes' reports
    out = capsys.readouterr().out
    assert out.index("the main pass") < out.index("pass under Haswell") < out.index(
        "pass under Sandybridge")


def test_an_interrupted_main_pass_stops_the_passes(monkeypatch):
    course = load_course()
    fake = FakePass([], code=0, hold=True)
    monkeypatch.setattr(course, "lower_priority", lambda pid: None)
    monkeypatch.setattr(course, "cpu_flags", lambda: {"avx", "avx2"})
    monkeypatch.setattr(course.subprocess, "Popen", fake)

    def interrupted():
        while not fake.calls:  # the first pass has started
            time.sleep(0.01)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        course.on_other_kernels(["python", "-m", "pytest"], {}, alongside=interrupted)
    assert fake.killed == [1001] and len(fake.calls) == 1  # the second never starts


def test_a_failure_under_another_kernel_set_fails_the_checks(monkeypatch, capsys):
    course = load_course()
    monkeypatch.setattr(course, "lower_priority", lambda pid: None)
    monkeypatch.setattr(course, "cpu_flags", lambda: {"avx", "avx2"})
    monkeypatch.setattr(course.subprocess, "Popen", FakePass([], code=1))
    with pytest.raises(SystemExit) as stop:
        course.on_other_kernels(["python", "-m", "pytest"], {})
    assert stop.value.code == 1
    assert "Failed under the Haswell and Sandybridge kernels" in capsys.readouterr().out


@pytest.mark.parametrize(("browser_code", "rest_code", "expected"), [
    (0, 0, 0), (1, 0, 1), (0, 2, 2), (1, 2, 2)])
def test_the_browser_tests_run_alone_first_and_a_failure_anywhere_fails(
        monkeypatch, browser_code, rest_code, expected):
    course = load_course()
    ran = []

    def fake_run(*command, stop=True, **kwargs):
        ran.append(" ".join(map(str, command[-2:])))
        return {"-m browser": browser_code, "-m not browser": rest_code}.get(ran[-1], 0)

    def fake_other_kernels(pytest, env, alongside):
        ran.append("other kernels start")
        assert alongside() == expected

    monkeypatch.setattr(course, "run", fake_run)
    monkeypatch.setattr(course, "on_other_kernels", fake_other_kernels)
    course.test([])
    assert ran == ["check .", "-m browser", "other kernels start", "-m not browser"]


def test_the_cpu_flags_come_from_proc_cpuinfo():
    course = load_course()
    flags = course.cpu_flags()
    if Path("/proc/cpuinfo").exists() and "flags" in Path("/proc/cpuinfo").read_text():
        assert "fpu" in flags  # every x86 CPU has one
    else:
        assert flags == set()


# Commands, help, and a venv that is not what it seems


def test_help_is_printed_on_stdout_and_succeeds(capsys):
    load_course().main(["--help"])
    out, err = capsys.readouterr()
    assert "python3 course.py lab" in out and err == ""


@pytest.mark.parametrize(("argv", "said"), [
    (["LAB"], "Unknown command 'LAB': the commands are lab and test (did you mean 'lab'?)."),
    (["lab2"], "Unknown command 'lab2': the commands are lab and test."),
    ([], "No command given."),
])
def test_an_unknown_command_is_named(capsys, argv, said):
    with pytest.raises(SystemExit) as stop:
        load_course().main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(said + "\n") and "python3 course.py test" in err


@pytest.fixture
def course_in(tmp_path, monkeypatch):
    """course.py with its .venv in tmp_path, whose Python is this one (or none)."""
    course = load_course()
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    monkeypatch.setattr(course, "VENV", venv)
    monkeypatch.setattr(course, "PYTHON", venv / "bin" / "python")

    def no_new_venv(*args, **kwargs):
        raise AssertionError("venv.create must not run over an existing .venv")

    monkeypatch.setattr(course.venv, "create", no_new_venv)
    return course


def installs(course, monkeypatch):
    """Record the commands set_up runs instead of running them."""
    ran = []
    monkeypatch.setattr(course, "run", lambda *command, **kwargs: ran.append(
        ([str(c) for c in command], kwargs.get("hint"))))
    return ran


def this_python(path):
    """Make path run the Python running the tests (which finds every module needed)."""
    if os.name != "posix":
        pytest.skip("the stand-in Python is a shell script")
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    path.chmod(0o755)


def test_a_venv_whose_python_is_gone_says_to_delete_it(course_in, monkeypatch):
    course_in.PYTHON.symlink_to(course_in.VENV / "bin" / "python3.99")  # dangling
    ran = installs(course_in, monkeypatch)
    with pytest.raises(SystemExit, match=rf"The virtual environment {course_in.VENV} is broken: "
                                         r"its Python, .* does not run .*Delete the folder"):
        course_in.set_up("lab")
    assert ran == []


def test_a_stamp_is_not_trusted_when_the_modules_are_missing(course_in, monkeypatch):
    this_python(course_in.PYTHON)
    (course_in.VENV / "course-install-lab.sha256").write_text(
        course_in.install_fingerprint("requirements.txt"))
    ran = installs(course_in, monkeypatch)
    course_in.set_up("lab")  # everything there: nothing installed
    assert ran == []
    monkeypatch.setitem(course_in.NEEDED, "lab", ("jupyterlab", "a_module_pip_has_lost"))
    course_in.set_up("lab")
    assert [command[-2:] for command, _ in ran] == [["--upgrade", "pip"],
                                                    ["-r", "requirements.txt"]]
    assert all(hint == course_in.OFFLINE_HINT for _, hint in ran)


def test_the_lab_settings_are_written_only_when_they_change(course_in, monkeypatch):
    this_python(course_in.PYTHON)
    (course_in.VENV / "course-install-lab.sha256").write_text(
        course_in.install_fingerprint("requirements.txt"))
    installs(course_in, monkeypatch)
    course_in.set_up("lab")
    settings = course_in.VENV / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(settings.read_text()) == course_in.LAB_SETTINGS
    settings.chmod(0o444)
    real_write = Path.write_text

    def read_only(path, *args, **kwargs):  # as in a shared copy (root could write anyway)
        if path == settings:
            raise PermissionError(13, "Permission denied", str(path))
        return real_write(path, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", read_only)
    course_in.set_up("lab")  # unchanged: not written again


def test_a_failed_install_says_what_to_do_when_offline(capsys):
    course = load_course()
    with pytest.raises(SystemExit) as stop:
        course.run(sys.executable, "-c", "import sys; sys.exit(3)", hint=course.OFFLINE_HINT)
    assert stop.value.code == 3
    assert "If this computer is offline, connect it to the internet" in capsys.readouterr().err
