"""The course away from a clone: each lesson's Colab cell, and bp_helpers installed alone.

On Google Colab there is no clone: a lesson opens from GitHub, and its first
code cell pip-installs bp_helpers from the repository named in
pyproject.toml's [project.urls]. These tests run that cell in a real IPython
shell with a stand-in google.colab module and pip magic (no network), build
bp_helpers' wheel and run it from a bare site directory, and check that the
README's Colab and Binder links point where the cells install from.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import metadata
from pathlib import Path

import nbformat
import pytest
from lessons import LESSONS

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = [ROOT / lesson.notebook for lesson in LESSONS]
REPOSITORY = dict(
    entry.split(", ", 1) for entry in metadata("bp_helpers").get_all("Project-URL")
)["Repository"]
OWNER_REPO = REPOSITORY.removeprefix("https://github.com/")


def first_code_cell(path):
    notebook = nbformat.read(path, as_version=4)
    return next(cell for cell in notebook.cells if cell.cell_type == "code").source


COLAB_CELL = first_code_cell(NOTEBOOKS[0])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_lesson_opens_with_the_colab_cell(path):
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# Lesson")
    assert cells[1].cell_type == "code"
    assert f'"bp_helpers @ git+{REPOSITORY}"' in cells[1].source, (
        f"{path.name}'s first code cell does not install from pyproject's Repository URL "
        f"{REPOSITORY}"
    )
    assert cells[1].source == COLAB_CELL, f"{path.name}'s Colab cell differs from lesson 1's"


# Runs the cell in an IPython shell. argv: the scenario, then the cell's source.
SHELL = """
import importlib.util, json, sys, types
from IPython.core.interactiveshell import InteractiveShell

scenario, source = sys.argv[1], sys.argv[2]
calls = []
if scenario != "elsewhere":
    google, colab = types.ModuleType("google"), types.ModuleType("google.colab")
    output = types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = lambda: calls.append(["enable_custom_widget_manager"])
    google.colab, colab.output = colab, output
    sys.modules.update({"google": google, "google.colab": colab, "google.colab.output": output})
if scenario == "colab, first run":
    find_spec = importlib.util.find_spec
    importlib.util.find_spec = lambda name, *rest: (
        None if name == "bp_helpers" else find_spec(name, *rest))
shell = InteractiveShell.instance()
shell.register_magic_function(lambda line: calls.append(["pip", line]), "line", "pip")
result = shell.run_cell(source)
print(json.dumps({"success": result.success, "calls": calls}))
"""

ENABLE = ["enable_custom_widget_manager"]
INSTALL = ["pip", f'install --quiet "bp_helpers @ git+{REPOSITORY}"']


@pytest.mark.parametrize(("scenario", "expected"), [
    ("elsewhere", []),
    ("colab, first run", [INSTALL, ENABLE]),
    ("colab, already installed", [ENABLE]),
])
def test_the_colab_cell_installs_once_and_only_on_colab(scenario, expected):
    run = subprocess.run([sys.executable, "-c", SHELL, scenario, COLAB_CELL],
                         capture_output=True, text=True, timeout=120, check=True)
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report == {"success": True, "calls": expected}, run.stderr


def test_the_readme_opens_every_lesson_on_colab_and_binder():
    readme = (ROOT / "README.md").read_text()
    colab = set(re.findall(
        r"https://colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob/main/notebooks/"
        r"([\w.-]+\.ipynb)", readme))
    assert colab == {(OWNER_REPO, path.name) for path in NOTEBOOKS}
    binder = re.findall(r"https://mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/HEAD", readme)
    assert binder and set(binder) == {OWNER_REPO}


# Imports every module of the installed copy and reports where things would go.
BARE = """
import importlib, json, pkgutil
import bp_helpers
from bp_helpers import recipes
from bp_helpers.data import load_mnist, mnist_dir
from bp_helpers.data.locate import data_home

for module in pkgutil.walk_packages(bp_helpers.__path__, "bp_helpers."):
    if module.name != "bp_helpers.data.__main__":
        importlib.import_module(module.name)
print(json.dumps({
    "package": bp_helpers.__file__, "home": str(data_home()), "mnist": str(mnist_dir()),
    "weights": str(recipes.WEIGHTS_DIR), "source": load_mnist().source,
}))
"""


def test_bp_helpers_works_installed_alone_from_its_wheel(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT / "bp_helpers", source / "bp_helpers",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run([*pip, "wheel", "--quiet", "--no-deps", "--no-index", "--no-build-isolation",
                    "--wheel-dir", tmp_path / "dist", source], check=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("bp_helpers-*.whl")
    modules = {p.relative_to(source).as_posix() for p in (source / "bp_helpers").rglob("*.py")}
    assert modules <= set(zipfile.ZipFile(wheel).namelist())

    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--quiet", "--no-deps", "--no-index",
                    "--target", site, wheel], check=True, timeout=300)
    env = {key: value for key, value in os.environ.items()
           if key not in ("BP_MNIST_DIR", "XDG_CACHE_HOME", "PYTHONPATH")}
    env.update(PYTHONPATH=str(site), HOME=str(tmp_path / "home"), BP_OFFLINE="1",
               MPLBACKEND="agg")
    run = subprocess.run([sys.executable, "-W", "error", "-c", BARE], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    home = tmp_path / "home" / ".cache" / "backprop-hands-on"
    assert Path(report["package"]).is_relative_to(site)
    assert report["home"] == str(home)
    assert (report["mnist"], report["weights"]) == (str(home / "mnist"), str(home / "weights"))
    assert report["source"] == "embedded"
