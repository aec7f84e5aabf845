"""Mutation testing: does the test suite catch every realistic bug in the core modules?

Each mutant below is one small, realistic mistake (a dropped clip, `<` for `<=`,
a sum for a mean, a missing check) in activations, costs, equations, network,
chain, gradcheck, the fast trainer and its guard, the bug zoo, the grading of
learners' answers, the IDX reader, the checksum cache, the downloader or the weights
files. The script copies the course into a temporary folder, applies one mutant
at a time there (the working tree is never touched), and runs the test files
that import the mutated module (its own test file first, stopping at the first
failure). A mutant is killed when the tests fail (or hang past
the time limit), and survives when they pass.

A few mutants are equivalent: they change the code but no input can tell
(each says why). The score counts the others:

    .venv/bin/python benchmarks/mutation.py            # every mutant, a few minutes
    .venv/bin/python benchmarks/mutation.py costs chain # only those modules' mutants

It prints one line per mutant, the score, and the survivors; the exit status
is 1 if a non-equivalent mutant survives.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 600  # seconds per mutant: a mutant that makes the tests hang counts as killed
# Modules whose tests import them through another module's names.
ALSO_TESTED_BY = {"bp_helpers/saved.py": ["tests/test_train_or_load.py"],
                  "bp_helpers/validate.py": ["tests/test_network.py"]}
# Left out: lesson 5's claims train the three recipes on MNIST (minutes per mutant), and
# the modules' own tests check the same code directly.
LEFT_OUT = {"tests/test_claims_lesson5.py"}


@dataclass(frozen=True)
class Mutant:
    """Replace `old` (which must occur exactly once) by `new` in the module at `path`."""

    path: str
    old: str
    new: str
    what: str
    equivalent: str = ""  # why no test can tell, for a mutant that changes nothing observable


MUTANTS = [
    # activations
    Mutant("bp_helpers/activations.py", "return np.minimum(e / (1.0 + e) ** 2, 0.25)",
           "return e / (1.0 + e) ** 2", "sigmoid_prime's clip at 1/4 removed"),
    Mutant("bp_helpers/activations.py", "return (np.asarray(z, dtype=float) > 0).astype(float)",
           "return (np.asarray(z, dtype=float) >= 0).astype(float)",
           "relu_prime's slope at exactly 0 set to 1"),
    Mutant("bp_helpers/activations.py", "np.greater(z, 0, out)", "np.greater_equal(z, 0, out)",
           "the engine's ReLU slope at exactly 0 set to 1"),
    Mutant("bp_helpers/activations.py",
           "if self.f_into is not None and self.df_into is not None:",
           "if self.f_into is not None or self.df_into is not None:",
           "Activation.in_place with `or` for `and`"),
    Mutant("bp_helpers/activations.py",
           "    if activation.name in ACTIVATIONS:\n        raise",
           "    if False:\n        raise", "register_activation's duplicate-name check skipped"),
    # costs
    Mutant("bp_helpers/costs.py", "shifted = z - np.max(z, axis=-1, keepdims=True)",
           "shifted = z - np.max(z)", "log_softmax shifted by the global max, not each row's"),
    Mutant("bp_helpers/costs.py", "return float(np.mean(self.C0(None, Y.mean(axis=0), Y)))",
           "return float(np.sum(self.C0(None, Y.mean(axis=0), Y)))",
           "lowest_constant_cost's fallback summed instead of averaged"),
    Mutant("bp_helpers/costs.py", "    if cost.name in COSTS:\n        raise",
           "    if False:\n        raise", "register_cost's duplicate-name check skipped"),
    Mutant("bp_helpers/costs.py", "if (cost.output is None) != (cost.delta is None):",
           "if False:", "register_cost's output/delta consistency check skipped"),
    Mutant("bp_helpers/costs.py", "np.subtract(z, z.max(axis=0), out)",
           "np.subtract(z, z.max(), out)", "the softmax kernel shifted by the global max"),
    Mutant("bp_helpers/costs.py", "return float(-np.sum(p * np.log(p)))",
           "return float(-np.mean(p * np.log(p)))",
           "cross-entropy's same-output cost averaged over classes"),
    # equations
    Mutant("bp_helpers/equations.py", "return delta.T @ a_prev / len(delta)",
           "return delta.T @ a_prev", "the weight gradient summed over the batch, not averaged"),
    Mutant("bp_helpers/equations.py",
           "return delta.mean(axis=0) if delta.ndim == 2 else delta",
           "return delta.sum(axis=0) if delta.ndim == 2 else delta",
           "the bias gradient summed over the batch"),
    Mutant("bp_helpers/equations.py", "return (delta_next @ W_next) * sigma_prime(z)",
           "return delta_next @ W_next", "error_back forgets sigma'(z)"),
    # network
    Mutant("bp_helpers/validate.py", "ok = np.isin(Y, (0, 1)).all(axis=1) & (Y.sum(axis=1) == 1)",
           "ok = np.isin(Y, (0, 1)).all(axis=1)", "a one-hot row may hold several 1s"),
    Mutant("bp_helpers/validate.py", '    _check_finite("X", X)\n', "",
           "X is no longer checked for nan and inf"),
    Mutant("bp_helpers/validate.py", 'hint = " (examples are rows: did you mean X.T?)" if '
                                    'shape[0] == n_0 else ""',
           'hint = ""', "the X.T hint dropped"),
    Mutant("bp_helpers/validate.py", "if parameters > MAX_PARAMETERS:",
           "if parameters > 10 * MAX_PARAMETERS:", "the network size cap raised tenfold"),
    # chain
    Mutant("bp_helpers/chain.py", "    delta += 0.0  # turn -0.0", "    delta += -0.0  # keep -0.0",
           "chain: -0.0 left in delta and dC_db"),
    Mutant("bp_helpers/chain.py", "    dC_da += 0.0\n", "", "chain: -0.0 left in dC_da"),
    Mutant("bp_helpers/chain.py", "dC_dw=fwd.a[:-1] * delta + 0.0,", "dC_dw=fwd.a[:-1] * delta,",
           "chain: -0.0 left in dC_dw"),
    # gradient check
    Mutant("bp_helpers/gradcheck.py", "return (f(x + h) - f(x)) / h",
           "return (f(x) - f(x - h)) / h", "the one-sided difference made backward"),
    Mutant("bp_helpers/gradcheck.py", "return bool(self.worst <= self.threshold)",
           "return bool(self.worst < self.threshold)", "not ok at exactly the threshold"),
    Mutant("bp_helpers/gradcheck.py", 'if worst_i < L else ("b", worst_i - L)',
           'if worst_i <= L else ("b", worst_i - L)', "worst_at off by one at the W/b boundary"),
    Mutant("bp_helpers/gradcheck.py", "def check_gradients(network, X, Y, h=1e-5, backprop=None, "
                                      "threshold=1e-6):",
           "def check_gradients(network, X, Y, h=1e-5, backprop=None, threshold=1e-4):",
           "the gradient check's default threshold loosened to 1e-4"),
    Mutant("bp_helpers/gradcheck.py", "if abs(h) > math.sqrt(threshold / 10):",
           "if abs(h) > math.sqrt(threshold):", "a large h refused only above sqrt(threshold)"),
    # the IDX reader
    Mutant("bp_helpers/data/idx.py", "data = gzip.compress(data, mtime=0)",
           "data = gzip.compress(data)", "write_idx's gzip time stamp not pinned"),
    Mutant("bp_helpers/data/idx.py", "    if len(data) - start != expected:",
           "    if len(data) - start < expected:", "extra bytes after the IDX payload accepted"),
    # the checksum cache
    Mutant("bp_helpers/data/locate.py",
           "key = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)",
           "key = (stat.st_dev, stat.st_ino)", "the checksum cache keyed on (device, inode) only"),
    Mutant("bp_helpers/data/locate.py",
           'raise ValueError(f"it holds more than {MAX_CONTENT} bytes, far more than MNIST")',
           "pass", "a file that decompresses without end is read to its end"),
    # the downloader
    Mutant("bp_helpers/data/download.py", "return size + size // 10 + (64 << 10)",
           "return size + (64 << 10)", "size_limit's 10% margin dropped"),
    Mutant("bp_helpers/data/download.py", "            if done > limit:",
           "            if done >= limit:", "a body of exactly the limit refused"),
    Mutant("bp_helpers/data/download.py", "if err.code < 500:", "if err.code < 600:",
           "HTTP 500 not retried"),
    Mutant("bp_helpers/data/download.py", "                raise DownloadError(\n"
                                          '                    f"could not write {name}',
           "                failures.append(str(err))\n                (\n"
           '                    f"could not write {name}',
           "a full disk retried like a network error"),
    # the fast trainer and sgd's divergence guard
    Mutant("bp_helpers/fast_trainer.py", "return float(np.max(self.highest - self.lowest))",
           "return float(np.min(self.highest - self.lowest))",
           "_Spread.value with min for max: one dead neuron blanks its layer"),
    Mutant("bp_helpers/fast_trainer.py", "slope = np.inf if self.own_output else -np.inf",
           "slope = -np.inf", "cannot_learn true for every healthy softmax network"),
    Mutant("bp_helpers/training.py", "    if now.cost > ceiling:", "    if now.cost >= ceiling:",
           "the divergence test's > made >= (stops a network at zero cost)"),
    Mutant("bp_helpers/training.py", "    if not trainer.finite():\n        return \"a weight",
           "    if False:\n        return \"a weight",
           "the finite-weights check skipped"),
    Mutant("bp_helpers/training.py",
           "        _append(history, record, callback)\n        last = now\n",
           "        _append(history, record, callback)\n",
           "the guard's last = now dropped: a collapse is judged against the start"),
    # the bug zoo's fingerprints
    Mutant("bp_helpers/zoo.py", "if max(W[l - 1], b[l - 1]) > report.threshold)",
           "if max(W[l - 1], b[l - 1]) >= report.threshold)",
           "a layer lit at exactly the threshold, where the check passes"),
    # the grading of learners' answers
    Mutant("bp_helpers/grading.py", 'rtol=1e-9, timeout=TIMEOUT):', 'rtol=1e-3, timeout=TIMEOUT):',
           "the grading's rtol loosened from 1e-9 to 1e-3"),
    Mutant("bp_helpers/grading.py",
           "close = np.isclose(got_array, expected, rtol=tolerance, atol=1e-12, equal_nan=True)",
           "close = np.isclose(got_array, expected, rtol=tolerance, atol=1e-3, equal_nan=True)",
           "the grading's atol loosened from 1e-12 to 1e-3"),
    Mutant("bp_helpers/grading.py", "    for args in cases:", "    for args in cases[:1]:",
           "only the first case compared"),
    Mutant("bp_helpers/grading.py", "EPSILONS = 16", "EPSILONS = 100",
           "a float32 answer judged to 100 of its epsilons"),
    # the weights files
    Mutant("bp_helpers/saved.py", 'threads = int(fields["history_blas_threads"]) or None',
           'threads = int(fields["history_blas_threads"])', "blas_threads=None loaded back as 0"),
    Mutant("bp_helpers/saved.py", "os.replace(temporary, path)", "os.rename(temporary, path)",
           "os.rename for os.replace",
           equivalent="on POSIX os.rename replaces an existing file exactly as os.replace "
                      "does; they differ only on Windows"),
]


def tests_for(module_path, copy):
    """The test files that import the module at module_path, its own test file first."""
    dotted = module_path.removesuffix(".py").replace("/", ".")
    package, _, name = dotted.rpartition(".")
    imports = re.compile(rf"{re.escape(dotted)}\b|from {re.escape(package)} import [^\n]*\b"
                         rf"{name}\b")
    found = sorted(path for path in (copy / "tests").glob("test_*.py")
                   if imports.search(path.read_text()))
    own = [p for p in found if p.stem == f"test_{name}" or p.stem.startswith(f"test_{name}_")]
    tests = [str(p.relative_to(copy)) for p in own + [p for p in found if p not in own]]
    tests = [t for t in ALSO_TESTED_BY.get(module_path, []) + tests if t not in LEFT_OUT]
    if not tests:
        sys.exit(f"no test file imports {module_path}: name its tests in ALSO_TESTED_BY")
    return list(dict.fromkeys(tests))


def run_tests(copy, tests):
    """(passed, output): passed is True if the tests pass in the copy (the mutant
    survives), False if they fail or hang."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
               "-m", "not browser", *tests]
    env = {name: value for name, value in os.environ.items() if not name.startswith("BP_")}
    env |= {"PYTHONPATH": str(copy), "BP_OFFLINE": "1", "MPLCONFIGDIR": str(copy / "mpl")}
    try:
        done = subprocess.run(command, cwd=copy, env=env, capture_output=True, timeout=TIMEOUT,
                              check=False)
    except subprocess.TimeoutExpired:
        return False, f"no result within {TIMEOUT} s"
    return done.returncode == 0, done.stdout.decode(errors="replace")


def main(only=()):
    mutants = [m for m in MUTANTS if not only or any(word in m.path for word in only)]
    with tempfile.TemporaryDirectory(prefix="bp-mutants-") as scratch:
        copy = Path(scratch)
        listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                                cwd=ROOT, capture_output=True, text=True, check=True).stdout
        for name in listed.splitlines():  # the course as it stands, less ignored files
            if (ROOT / name).is_file():
                (copy / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, copy / name)
        for mutant in mutants:  # every mutant must apply, before anything runs
            count = (copy / mutant.path).read_text().count(mutant.old)
            if count != 1:
                sys.exit(f"{mutant.what}: its code occurs {count} times in {mutant.path}")
        baseline = sorted({t for m in mutants for t in tests_for(m.path, copy)})
        print(f"Baseline: {len(baseline)} test files, unmutated ...", flush=True)
        passed, output = run_tests(copy, baseline)
        if not passed:
            sys.exit(f"{output[-3000:]}\nThe unmutated tests fail: fix them before measuring "
                     "mutants.")
        survivors, killed, started = [], 0, time.perf_counter()
        for i, mutant in enumerate(mutants, 1):
            path = copy / mutant.path
            original = path.read_text()
            path.write_text(original.replace(mutant.old, mutant.new))
            try:
                survived, _ = run_tests(copy, tests_for(mutant.path, copy))
            finally:
                path.write_text(original)
            killed += not survived
            if survived:
                survivors.append(mutant)
            verdict = "SURVIVED" if survived else "killed"
            print(f"[{i:2}/{len(mutants)}] {verdict:8} {mutant.path}: {mutant.what}", flush=True)
    equivalent = [m for m in survivors if m.equivalent]
    real = [m for m in survivors if not m.equivalent]
    counted = len(mutants) - len(equivalent)
    print(f"\n{len(mutants)} mutants in {time.perf_counter() - started:.0f} s: {killed} killed, "
          f"{len(survivors)} survived, of which {len(equivalent)} equivalent.")
    print(f"Score: {counted - len(real)} of {counted} non-equivalent mutants killed, "
          f"{100 * (counted - len(real)) / counted:.1f}%.")
    for mutant in equivalent:
        print(f"  equivalent: {mutant.path}: {mutant.what}: {mutant.equivalent}")
    for mutant in real:
        print(f"  SURVIVOR:   {mutant.path}: {mutant.what}")
    return 1 if real else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
