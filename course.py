#!/usr/bin/env python3
"""Set up the course and open it, or check it. Needs only Python >= 3.10.

    python3 course.py lab     # set up .venv, open the lessons in JupyterLab
    python3 course.py test    # set up .venv, run every check (lint, unit tests,
                              # every notebook under strict nbval, browser tests)

Setting up means: create the virtual environment .venv next to this file if it
is missing, and install what the command needs into it whenever that has
changed since the last install: `lab` installs requirements.txt (only what the
lessons need), `test` requirements-test.txt (that plus the test tools).
Anything after the command is passed on: `course.py lab --port 8899`,
`course.py test -k chain`.
"""

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
REQUIREMENTS = {"lab": "requirements.txt", "test": "requirements-test.txt"}
# nbval compares stored outputs as text; a panel's stored picture is PNG bytes in HTML.
NBVAL_SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
LAB_SETTINGS = {
    # No "Jupyter news" pop-ups over the lessons.
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false", "checkForUpdates": False,
    },
    # Save slider positions with the notebook, so a saved lesson shows them.
    "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True},
}


def run(*command, **kwargs):
    """Run a command, echoing it; stop with its exit code if it fails."""
    print("+", " ".join(str(c) for c in command), flush=True)
    code = subprocess.call([str(c) for c in command], cwd=ROOT, **kwargs)
    if code != 0:
        sys.exit(code)


def install_fingerprint(requirements):
    """A hash of the requirements file, the files it includes (-r) and pyproject.toml."""
    digest = hashlib.sha256()
    names, seen = [requirements, "pyproject.toml"], set()
    while names:
        name = names.pop(0)
        if name in seen:
            continue
        seen.add(name)
        text = (ROOT / name).read_bytes()
        digest.update(text)
        names += [line.split(None, 1)[1].strip() for line in text.decode().splitlines()
                  if line.startswith("-r ")]
    return digest.hexdigest()


def set_up(command="lab"):
    """Create .venv and install what `command` needs ("lab" or "test") unless it is current."""
    if sys.version_info < (3, 10):  # noqa: UP036 (this check is for older Pythons)
        sys.exit(f"The course needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating the virtual environment {VENV} ...", flush=True)
        venv.create(VENV, with_pip=True)
    requirements = REQUIREMENTS[command]
    stamp = VENV / f"course-install-{command}.sha256"
    fingerprint = install_fingerprint(requirements)
    if not stamp.exists() or stamp.read_text() != fingerprint:
        run(PYTHON, "-m", "pip", "install", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "-r", requirements)
        stamp.write_text(fingerprint)
    settings = VENV / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps(LAB_SETTINGS, indent=2))


def running_as_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(notebooks, args):
    """The command line that opens the first lesson; as root it adds --allow-root."""
    command = [BIN / "jupyter", "lab", notebooks[0], *args]
    if running_as_root() and "--allow-root" not in args:
        command.append("--allow-root")
    return command


def lab(args):
    """Open the first lesson in JupyterLab (trusted, so its pictures and widgets show)."""
    notebooks = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb"))
    run(BIN / "jupyter", "trust", *notebooks)
    if running_as_root():
        print("Running as root (as in many containers): starting JupyterLab with --allow-root.",
              flush=True)
    run(*lab_command(notebooks, args))


def test(args):
    """Lint, then every test and every notebook, offline, with Jupyter's files kept local."""
    state = VENV / "state"
    env = dict(
        os.environ,
        BP_OFFLINE="1",
        MPLCONFIGDIR=str(state / "matplotlib"),
        IPYTHONDIR=str(state / "ipython"),
        JUPYTER_CONFIG_DIR=str(state / "jupyter-config"),
        JUPYTER_RUNTIME_DIR=str(state / "jupyter-runtime"),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    run(BIN / "ruff", "check", ".", env=env)
    run(PYTHON, "-m", "pytest", "--nbval", "--nbval-current-env",
        f"--nbval-sanitize-with={NBVAL_SANITIZE}", *args, env=env)


def main():
    commands = {"lab": lab, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    set_up(sys.argv[1])
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
