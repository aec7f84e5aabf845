"""The shared classroom copy: lesson 5, run by a student on an instructor's read-only course.

An instructor sets the course up once (here: as root) and students open it
read-only. Whatever the instructor left in data/weights/ (a folder only they
can enter, a file only they can read, weights from an older version of a
recipe, a damaged file), a student must get through lesson 5 to the end: the
course's files are left exactly as they were, and the student's networks are
trained and saved in their own ~/.cache. The student is the `nobody` account,
so the permissions are real ones, not simulated.
"""

import dataclasses
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bp_helpers.data import load_mnist
from bp_helpers.recipes import RECIPES, train_or_load

ROOT = Path(__file__).resolve().parent.parent
LESSON = "notebooks/05_mnist.ipynb"
STUDENT = "nobody"

pytestmark = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0,
    reason="running a notebook as another user (a student) needs root",
)

# Run as the student: execute the lesson and report every cell's errors and warnings.
RUN_THE_LESSON = """
import json, sys
import nbformat
from nbclient import NotebookClient
notebook = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(notebook, timeout=900, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
print(json.dumps({
    "errors": [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"],
    "stderr": "".join(o.text for o in outputs if o.get("name") == "stderr"),
}))
"""


@pytest.fixture
def classroom():
    """A read-only copy of the course owned by root, with the instructor's trained weights,
    and a home folder for the student; both removed afterwards."""
    try:
        student = pwd.getpwnam(STUDENT)
    except KeyError:
        pytest.skip(f"this machine has no {STUDENT!r} account to play the student")
    place = Path(tempfile.mkdtemp(prefix="bp-classroom-"))
    try:
        place.chmod(0o755)
        course = place / "course"
        shutil.copytree(ROOT / "bp_helpers", course / "bp_helpers",
                        ignore=shutil.ignore_patterns("__pycache__"))
        (course / "notebooks").mkdir()
        shutil.copy(ROOT / LESSON, course / LESSON)
        shutil.copy(ROOT / "pyproject.toml", course)
        home = place / "home"
        home.mkdir()
        os.chown(home, student.pw_uid, student.pw_gid)
        yield course, home, student
    finally:
        shutil.rmtree(place)


def instructors_weights(folder):
    """What an instructor's data/weights/ holds after a few years: the sigmoid network
    readable by its owner only, the relu network trained by an older version of its
    recipe, and a truncated videos-relu file."""
    data = load_mnist("embedded")
    train_or_load(RECIPES["sigmoid"], data, folder)
    older = dataclasses.replace(RECIPES["relu"], epochs=1)
    train_or_load(older, data, folder)
    damaged = folder / RECIPES["videos-relu"].file_name("embedded")
    damaged.write_bytes(b"PK\x03\x04" + bytes(300))
    (folder / RECIPES["sigmoid"].file_name("embedded")).chmod(0o600)


def snapshot(folder):
    return {p.name: (p.read_bytes(), p.stat().st_mode) for p in sorted(folder.iterdir())}


def run_lesson_5_as(student, course, home):
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("BP_", "XDG_", "JUPYTER", "IPYTHON", "MPL"))}
    env |= {"HOME": str(home), "BP_OFFLINE": "1", "PYTHONPATH": str(course),
            "USER": STUDENT, "LOGNAME": STUDENT}
    done = subprocess.run(
        [sys.executable, "-c", RUN_THE_LESSON, str(course / LESSON), str(course / "notebooks")],
        user=student.pw_uid, group=student.pw_gid, extra_groups=[], cwd=home, env=env,
        capture_output=True, text=True, timeout=1200, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("folder_mode", [0o755, 0o700], ids=["readable", "owner-only"])
def test_a_student_runs_lesson_5_to_the_end_on_a_read_only_copy(classroom, folder_mode):
    course, home, student = classroom
    weights = course / "data" / "weights"
    weights.mkdir(parents=True)
    instructors_weights(weights)
    weights.chmod(folder_mode)
    before = snapshot(weights)

    result = run_lesson_5_as(student, course, home)

    assert result["errors"] == []
    said = result["stderr"]
    if folder_mode == 0o700:
        assert said.count("cannot be looked at (Permission denied)") == 3
    else:
        assert "sigmoid-embedded.npz cannot be read (Permission denied)" in said
        assert "relu-embedded.npz was saved for a different recipe or data set" in said
        assert "videos-relu-embedded.npz' is damaged" in said
        assert "It could not be moved aside (Permission denied)" in said
    assert said.count("so it was saved to") == 3 and "Traceback" not in said
    assert snapshot(weights) == before  # nothing of the instructor's is touched
    cache = home / ".cache" / "backprop-hands-on" / "weights"
    assert sorted(p.name for p in cache.iterdir()) == [
        "relu-embedded.npz", "sigmoid-embedded.npz", "videos-relu-embedded.npz"]
