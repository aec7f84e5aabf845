"""benchmarks/mutation.py stays runnable: every mutant still applies to the code it mutates.

The script itself takes minutes (it reruns tests once per mutant), so it is a
benchmark, not a test; this check keeps its list in step with the code.
"""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_script():
    spec = importlib.util.spec_from_file_location("mutation", ROOT / "benchmarks" / "mutation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_mutant_changes_exactly_one_place_and_has_tests():
    mutation = load_script()
    for mutant in mutation.MUTANTS:
        assert (ROOT / mutant.path).read_text().count(mutant.old) == 1, mutant.what
        assert mutant.old != mutant.new, mutant.what
        assert mutation.tests_for(mutant.path, ROOT), mutant.what
