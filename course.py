#!/usr/bin/env python3
"""Set up the course and open it, or check it. Needs only Python >= 3.10.

    python3 course.py lab     # set up .venv, open the lessons in JupyterLab
    python3 course.py test    # set up .venv, run every check (lint, unit tests,
                              # every notebook under strict nbval, browser tests,
                              # and, beside them, the training claims again as other
                              # CPUs compute)

Setting up means: create the virtual environment .venv next to this file if it
is missing, and install what the command needs into it whenever that has
changed since the last install: `lab` installs requirements.txt (only what the
lessons need), `test` requirements-test.txt (that plus the test tools).
Anything after the command is passed on: `course.py lab --port 8899`,
`course.py test -k chain` (which then runs only that part of the main pass).

A laptop's processor rounds the sums inside a matrix product in its own order
(numpy's OpenBLAS picks its kernels for the CPU at run time), so a training
run takes a slightly different path on every kind of CPU. That is why `test` also runs
the tests marked `every_cpu` (the lessons' claims about training, lesson 6's
checks, every notebook under strict nbval) under other x86 kernel sets, forced
with OPENBLAS_CORETYPE, each with a fresh folder for the trained weights: a
claim that holds on one CPU only fails here. The main pass runs its browser
tests first, on their own; the other passes then run one after the other beside
the rest of it, at a lower priority, and report after it.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
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
# Kernel sets of other CPUs, each with the instruction set it needs: AVX2 (Haswell and
# later) and AVX (Sandy Bridge). The main pass runs on this CPU's own kernels.
OTHER_KERNELS = {"Haswell": "avx2", "Sandybridge": "avx"}


def run(*command, hint=None, stop=True, **kwargs):
    """Run a command, echoing it, and return its exit code.

    If it fails and `stop` is true, stop with its exit code (saying `hint`, if any).
    """
    print("+", " ".join(str(c) for c in command), flush=True)
    code = subprocess.call([str(c) for c in command], cwd=ROOT, **kwargs)
    if code != 0 and stop:
        if hint:
            print(hint, file=sys.stderr, flush=True)
        sys.exit(code)
    return code


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


# Top-level modules a working environment can find, per command.
NEEDED = {"lab": ("jupyterlab", "ipywidgets", "bp_helpers"),
          "test": ("jupyterlab", "ipywidgets", "bp_helpers", "pytest", "nbval")}
OFFLINE_HINT = (
    "pip could not install what the course needs. If this computer is offline, connect it "
    "to the internet (or point pip at a package index it can reach, with PIP_INDEX_URL) and "
    "run the same command again; nothing is lost, and what was installed is reused."
)


def set_up(command="lab"):
    """Create .venv and install what `command` needs ("lab" or "test") unless it is current.

    The install stamp is trusted only while the venv's Python runs and finds the modules in
    NEEDED; a venv whose Python no longer runs (deleted, or left behind by a Python upgrade)
    cannot be repaired in place, and the message says to delete it.
    """
    if sys.version_info < (3, 10):  # noqa: UP036 (this check is for older Pythons)
        sys.exit(f"The course needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    if not os.path.lexists(VENV):
        print(f"Creating the virtual environment {VENV} ...", flush=True)
        venv.create(VENV, with_pip=True)
    elif not finds(PYTHON, ("pip",)):
        sys.exit(f"The virtual environment {VENV} is broken: its Python, {PYTHON}, does not run "
                 "(it was deleted, or the Python that made it was upgraded or removed). Delete "
                 f"the folder {VENV} and run this command again; it will be set up afresh.")
    requirements = REQUIREMENTS[command]
    stamp = VENV / f"course-install-{command}.sha256"
    fingerprint = install_fingerprint(requirements)
    current = stamp.exists() and stamp.read_text() == fingerprint
    if not current or not finds(PYTHON, NEEDED[command]):
        run(PYTHON, "-m", "pip", "install", "--upgrade", "pip", hint=OFFLINE_HINT)
        # The checks import a fraction of what they install, and Python compiles that on
        # first import: byte-compiling everything up front would add a third to the install.
        quick = ["--no-compile"] if command == "test" else []
        run(PYTHON, "-m", "pip", "install", *quick, "-r", requirements, hint=OFFLINE_HINT)
        stamp.write_text(fingerprint)
    settings = VENV / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    text = json.dumps(LAB_SETTINGS, indent=2)
    if not settings.exists() or settings.read_text() != text:  # a shared copy may be read-only
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(text)


def finds(python, modules):
    """True if `python` runs and can find every one of `modules` (without importing them)."""
    check = ("import importlib.util, sys; "
             f"sys.exit(any(importlib.util.find_spec(m) is None for m in {list(modules)!r}))")
    try:
        return subprocess.run([str(python), "-c", check], cwd=ROOT, capture_output=True,
                              check=False).returncode == 0
    except OSError:  # no such file, or not a program this system can run
        return False


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
    pytest = [PYTHON, "-m", "pytest", "--nbval", "--nbval-current-env",
              f"--nbval-sanitize-with={NBVAL_SANITIZE}"]
    if args:
        run(*pytest, *args, env=env)
        return
    # The browser tests first, on their own: they wait on JupyterLab, Chromium and
    # kernels, and every wait grows when the CPU is shared. The rest of the main pass
    # then runs with the other-kernel passes beside it.
    browser = run(*pytest, "-m", "browser", env=env, stop=False)
    on_other_kernels(pytest, env, alongside=lambda: run(
        *pytest, "-m", "not browser", env=env, stop=False) or browser)


def on_other_kernels(pytest, env, alongside=None):
    """Run the tests marked every_cpu under each of OTHER_KERNELS that this CPU can run.

    Each pass has its own folder for trained weights (so it trains afresh) and its own
    IPython folder. The passes run one after the other, at a lower priority, on the
    core that alongside() (the rest of the main pass, which waits on kernels much of
    its time) leaves idle; their output is printed after its own. Stops with
    alongside's exit code if it failed, else with 1 if a pass failed.
    """
    flags = cpu_flags()
    for kernels, needs in OTHER_KERNELS.items():
        if needs not in flags:
            print(f"Skipping the {kernels} kernels: this CPU has no {needs.upper()} "
                  "(they are x86 kernel sets).", flush=True)
    runnable = [kernels for kernels, needs in OTHER_KERNELS.items() if needs in flags]
    code, statuses, running, stop = 0, {}, [], threading.Event()
    with tempfile.TemporaryDirectory(prefix="bp-kernels-") as scratch:

        def run_passes():
            for kernels in runnable:
                if stop.is_set():
                    return
                folder = Path(scratch) / kernels
                (folder / "weights").mkdir(parents=True)
                command = [str(c) for c in [*pytest, "-m", "every_cpu", "-p", "no:cacheprovider"]]
                with open(folder / "log", "wb") as log:
                    log.write(f"+ OPENBLAS_CORETYPE={kernels} {' '.join(command)}\n".encode())
                    log.flush()
                    process = subprocess.Popen(
                        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                        env=dict(env, OPENBLAS_CORETYPE=kernels,
                                 IPYTHONDIR=str(folder / "ipython"),
                                 BP_WEIGHTS_DIR=str(folder / "weights")))
                    running[:] = [process]
                    lower_priority(process.pid)
                    statuses[kernels] = process.wait()

        passes = threading.Thread(target=run_passes)
        passes.start()
        try:
            code = alongside() if alongside else 0
            passes.join()
        finally:  # interrupted: no pass may outlive its folder
            stop.set()
            for process in running:
                if process.poll() is None:
                    process.kill()
            passes.join()
        for kernels in runnable:
            print(f"\n=== The tests marked every_cpu under the {kernels} kernels, as another "
                  "CPU computes, with freshly trained weights ===", flush=True)
            sys.stdout.buffer.write((Path(scratch) / kernels / "log").read_bytes())
            sys.stdout.flush()
    if code:
        sys.exit(code)
    failed = [kernels for kernels in runnable if statuses.get(kernels) != 0]
    if failed:
        print(f"Failed under the {' and '.join(failed)} kernels: a claim or a stored output "
              "holds on this CPU only.", flush=True)
        sys.exit(1)


def lower_priority(pid):
    """Let process pid yield the CPU to the main pass (and so do the kernels it starts)."""
    if hasattr(os, "setpriority"):  # POSIX
        os.setpriority(os.PRIO_PROCESS, pid, 19)  # the lowest: it runs on what is left


def cpu_flags():
    """The CPU's instruction-set flags (e.g. {"avx", "avx2"}); empty where unknown."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:  # not Linux
        return set()
    return {flag for line in cpuinfo.splitlines() if line.startswith("flags")
            for flag in line.split(":", 1)[1].split()}


def main(argv=None):
    """Run the command in argv (default sys.argv[1:]): lab, test, or --help."""
    argv = sys.argv[1:] if argv is None else argv
    commands = {"lab": lab, "test": test}
    if argv and argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return
    if not argv or argv[0] not in commands:
        problem = ("No command given." if not argv else
                   f"Unknown command {argv[0]!r}: the commands are lab and test"
                   + (f" (did you mean {argv[0].lower()!r}?)." if argv[0].lower() in commands
                      else "."))
        print(f"{problem}\n{__doc__}", file=sys.stderr)
        sys.exit(2)
    set_up(argv[0])
    commands[argv[0]](argv[1:])


if __name__ == "__main__":
    main()
