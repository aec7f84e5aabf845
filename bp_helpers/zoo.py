"""The bug zoo: broken backprops, each with one classic mistake, to diagnose by gradient check.

Every specimen is a complete backprop(network, X, Y) -> (dC_dW, dC_db) for a
sigmoid network, written like `reference` below (or `reference_softmax`, for
a softmax output) except for one mistake, made wherever its line recurs. They
run on `specimen_network()`, four layers of 4 neurons: every weight matrix is
square, so no shape error warns about a transposed W or a wrong a(l), just as
W(2) of the 784-16-16-10 network is 16x16. Only a gradient check can tell.

The specimens speak lesson 6's vocabulary: they call the four steps the
learner writes there, with the same names and arguments (`STEPS` holds
bp_helpers' versions of them). So a learner can paste a specimen's body into
a `fix`, correct it, and have it checked with `Bug.check(fix)` whether or not
their own steps are finished: the check runs it with `STEPS`.

`BUGS` lists them with their names and the layers their mistake touches;
`fingerprint` turns a GradientReport into one row of lesson 6's table: which
layers light up, and by how much.
"""

import inspect
import itertools
import types
from dataclasses import dataclass

import numpy as np

from bp_helpers import equations
from bp_helpers.activations import sigmoid_prime
from bp_helpers.equations import bias_gradient, weight_gradient
from bp_helpers.gradcheck import check_gradients
from bp_helpers.network import Network, backward, one_hot

SIZES = [4, 4, 4, 4]
BATCH = 5  # examples in the check: not 4, so that mixing up the batch axis is a shape error


def specimen_network(cost="quadratic"):
    """(network, X, Y): the zoo's seeded 4-4-4-4 sigmoid network, 5 examples, one-hot Y."""
    rng = np.random.default_rng(6)
    W = [rng.normal(0.0, 1.0, (n, n_prev)) for n_prev, n in itertools.pairwise(SIZES)]
    b = [rng.normal(0.0, 0.5, n) for n in SIZES[1:]]
    network = Network.from_weights(W, b, cost=cost)
    X = rng.uniform(0.0, 1.0, (BATCH, SIZES[0]))
    Y = one_hot(rng.integers(0, SIZES[-1], BATCH), SIZES[-1])
    return network, X, Y


def output_error(a_L, y, z_L):
    """Lesson 6's step 1: delta(L) = 2(a(L) - y) * sigma'(z(L)), all (m, n_L), quadratic cost."""
    return equations.output_error(2 * (a_L - y), z_L, sigmoid_prime)


def error_back(W_next, delta_next, z):
    """Lesson 6's step 2: delta(l) = (W(l+1)^T delta(l+1)) * sigma'(z(l)), rows are examples.

    W_next (n_{l+1}, n_l), delta_next (m, n_{l+1}), z (m, n_l); returns (m, n_l).
    """
    return equations.error_back(W_next, delta_next, z, sigmoid_prime)


# The names a specimen (and a learner's fix of it) calls, as bp_helpers computes them.
STEPS = types.MappingProxyType(dict(
    output_error=output_error, error_back=error_back, weight_gradient=weight_gradient,
    bias_gradient=bias_gradient, sigmoid_prime=sigmoid_prime))


def with_steps(fn):
    """fn, with the names in STEPS bound to bp_helpers' steps instead of its module's.

    A learner's fix, pasted from a specimen, calls output_error, error_back, ...:
    in the lesson those are the learner's own steps, finished or not. With
    them bound to STEPS, the fix is judged on its own lines alone.
    """
    if not isinstance(fn, types.FunctionType):
        return fn
    return types.FunctionType(fn.__code__, {**fn.__globals__, **STEPS}, fn.__name__,
                              fn.__defaults__, fn.__closure__)


def reference(network, X, Y):
    """A correct backprop for a sigmoid network and the quadratic cost: the four equations.

    Equation (1) gives delta(L); network.backward, the package's one backward
    pass, applies (2), (3) and (4) from there down to layer 1.
    """
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    delta = output_error(activations[-1], Y, zs[-1])  # delta(L)
    _, dC_dW, dC_db = backward(network.W, zs, activations, delta, sigmoid_prime)
    return dC_dW, dC_db


def reference_softmax(network, X, Y):
    """A correct backprop for softmax with cross-entropy: delta(L) = a(L) - y, no sigma'."""
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    delta = activations[-1] - Y  # delta(L)
    _, dC_dW, dC_db = backward(network.W, zs, activations, delta, sigmoid_prime)
    return dC_dW, dC_db


def no_sigma_prime(network, X, Y):
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    L = len(network.W)
    dC_dW, dC_db = [None] * L, [None] * L
    delta = 2 * (activations[L] - Y)
    dC_dW[L - 1] = weight_gradient(delta, activations[L - 1])
    dC_db[L - 1] = bias_gradient(delta)
    for l in range(L - 1, 0, -1):
        delta = error_back(network.W[l], delta, zs[l - 1])
        dC_dW[l - 1] = weight_gradient(delta, activations[l - 1])
        dC_db[l - 1] = bias_gradient(delta)
    return dC_dW, dC_db


def sigma_prime_of_a(network, X, Y):
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    L = len(network.W)
    dC_dW, dC_db = [None] * L, [None] * L
    delta = output_error(activations[L], Y, zs[L - 1])
    dC_dW[L - 1] = weight_gradient(delta, activations[L - 1])
    dC_db[L - 1] = bias_gradient(delta)
    for l in range(L - 1, 0, -1):
        delta = (delta @ network.W[l]) * sigmoid_prime(activations[l])
        dC_dW[l - 1] = weight_gradient(delta, activations[l - 1])
        dC_db[l - 1] = bias_gradient(delta)
    return dC_dW, dC_db


def w_not_transposed(network, X, Y):
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    L = len(network.W)
    dC_dW, dC_db = [None] * L, [None] * L
    delta = output_error(activations[L], Y, zs[L - 1])
    dC_dW[L - 1] = weight_gradient(delta, activations[L - 1])
    dC_db[L - 1] = bias_gradient(delta)
    for l in range(L - 1, 0, -1):
        delta = (delta @ network.W[l].T) * sigmoid_prime(zs[l - 1])
        dC_dW[l - 1] = weight_gradient(delta, activations[l - 1])
        dC_db[l - 1] = bias_gradient(delta)
    return dC_dW, dC_db


def wrong_sign(network, X, Y):
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    L = len(network.W)
    dC_dW, dC_db = [None] * L, [None] * L
    delta = output_error(Y, activations[L], zs[L - 1])
    dC_dW[L - 1] = weight_gradient(delta, activations[L - 1])
    dC_db[L - 1] = bias_gradient(delta)
    for l in range(L - 1, 0, -1):
        delta = error_back(network.W[l], delta, zs[l - 1])
        dC_dW[l - 1] = weight_gradient(delta, activations[l - 1])
        dC_db[l - 1] = bias_gradient(delta)
    return dC_dW, dC_db


def summed_not_averaged(network, X, Y):
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    L = len(network.W)
    dC_dW, dC_db = [None] * L, [None] * L
    delta = output_error(activations[L], Y, zs[L - 1])
    dC_dW[L - 1] = delta.T @ activations[L - 1]
    dC_db[L - 1] = delta.sum(axis=0)
    for l in range(L - 1, 0, -1):
        delta = error_back(network.W[l], delta, zs[l - 1])
        dC_dW[l - 1] = delta.T @ activations[l - 1]
        dC_db[l - 1] = delta.sum(axis=0)
    return dC_dW, dC_db


def paired_with_a_l(network, X, Y):
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    L = len(network.W)
    dC_dW, dC_db = [None] * L, [None] * L
    delta = output_error(activations[L], Y, zs[L - 1])
    dC_dW[L - 1] = weight_gradient(delta, activations[L])
    dC_db[L - 1] = bias_gradient(delta)
    for l in range(L - 1, 0, -1):
        delta = error_back(network.W[l], delta, zs[l - 1])
        dC_dW[l - 1] = weight_gradient(delta, activations[l - 1])
        dC_db[l - 1] = bias_gradient(delta)
    return dC_dW, dC_db


def overwritten_in_place(network, X, Y):
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    L, m = len(network.W), len(X)
    dC_dW, dC_db = [None] * L, [None] * L
    delta = output_error(activations[L], Y, zs[L - 1])
    dC_dW[L - 1] = delta.T @ activations[L - 1] / m
    delta /= m  # now the bias gradient is a plain sum
    dC_db[L - 1] = delta.sum(axis=0)
    for l in range(L - 1, 0, -1):
        delta = error_back(network.W[l], delta, zs[l - 1])
        dC_dW[l - 1] = weight_gradient(delta, activations[l - 1])
        dC_db[l - 1] = bias_gradient(delta)
    return dC_dW, dC_db


def bias_not_summed(network, X, Y):
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    L, m = len(network.W), len(X)
    dC_dW, dC_db = [None] * L, [None] * L
    delta = output_error(activations[L], Y, zs[L - 1])
    dC_dW[L - 1] = weight_gradient(delta, activations[L - 1])
    for delta_i in delta:  # one example at a time
        dC_db[L - 1] = delta_i / m
    for l in range(L - 1, 0, -1):
        delta = error_back(network.W[l], delta, zs[l - 1])
        dC_dW[l - 1] = weight_gradient(delta, activations[l - 1])
        dC_db[l - 1] = bias_gradient(delta)
    return dC_dW, dC_db


def extra_sigma_prime(network, X, Y):  # softmax + cross-entropy
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    L = len(network.W)
    dC_dW, dC_db = [None] * L, [None] * L
    delta = (activations[L] - Y) * sigmoid_prime(zs[L - 1])
    dC_dW[L - 1] = weight_gradient(delta, activations[L - 1])
    dC_db[L - 1] = bias_gradient(delta)
    for l in range(L - 1, 0, -1):
        delta = error_back(network.W[l], delta, zs[l - 1])
        dC_dW[l - 1] = weight_gradient(delta, activations[l - 1])
        dC_db[l - 1] = bias_gradient(delta)
    return dC_dW, dC_db


def slope_of_the_next_layer(network, X, Y):
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    L = len(network.W)
    dC_dW, dC_db = [None] * L, [None] * L
    delta = output_error(activations[L], Y, zs[L - 1])
    dC_dW[L - 1] = weight_gradient(delta, activations[L - 1])
    dC_db[L - 1] = bias_gradient(delta)
    for l in range(L - 1, 0, -1):
        delta = error_back(network.W[l], delta, zs[l])
        dC_dW[l - 1] = weight_gradient(delta, activations[l - 1])
        dC_db[l - 1] = bias_gradient(delta)
    return dC_dW, dC_db


@dataclass(frozen=True)
class Bug:
    """One specimen, whole: its code, the correct form, its fingerprint and the explanation.

    backprop is the specimen's code (source() shows it); mistake says what is
    wrong in one phrase; culprits: a piece of text of each line of source()
    that holds the mistake (a learner who names any of those lines has found
    it); correct: (wrong, right) pieces of text, and source() with each wrong
    replaced by its right is a correct backprop, the same as `fixed`
    (reference, or reference_softmax for cross-entropy).
    The fingerprint: layers, the layer numbers (1..L) whose gradients the
    mistake makes wrong, worked out from the code, W_wrong and b_wrong
    whether it touches the weight or the bias gradients there (the tests
    compare them with what the gradient check finds), and looks_like, how
    the check shows it in words. where: the right diagnoses (indices into
    lesson 6's DIAGNOSES); why: why the mistake makes its fingerprint, shown
    once the learner has named the line.
    """

    name: str
    backprop: object
    mistake: str
    culprits: tuple
    correct: tuple
    layers: tuple
    looks_like: str
    where: frozenset
    why: str
    W_wrong: bool = True
    b_wrong: bool = True
    cost: str = "quadratic"
    fixed: object = reference

    def source(self):
        """The specimen's code, as text, as `def backprop(...)`: its own name would tell."""
        return inspect.getsource(self.backprop).replace(f"def {self.name}(", "def backprop(", 1)

    def corrected(self):
        """source() with the mistake corrected: each (wrong, right) of `correct` applied."""
        code = self.source()
        for wrong, right in self.correct:
            code = code.replace(wrong, right)
        return code

    def culprit_lines(self):
        """The indices of the lines of source() that hold the mistake."""
        return tuple(i for i, line in enumerate(self.source().splitlines())
                     if any(culprit in line for culprit in self.culprits))

    def check(self, backprop=None):
        """The gradient check of `backprop` (default: this bug's) on the specimen network.

        backprop runs with_steps: the steps it calls are bp_helpers'.
        """
        network, X, Y = specimen_network(self.cost)
        return check_gradients(network, X, Y, backprop=with_steps(backprop or self.backprop))


_EVERY_LAYER = "every layer lights up, with errors near 1 that vary from entry to entry"
_HIDDEN = "the output layer agrees and the hidden layers light up"
BUGS = [
    Bug("no_sigma_prime", no_sigma_prime, "σ′(z(L)) left out of the output error",
        ("delta = 2 * (activations[L] - Y)",),
        (("delta = 2 * (activations[L] - Y)", "delta = output_error(activations[L], Y, "
                                              "zs[L - 1])"),),
        layers=(1, 2, 3), looks_like=_EVERY_LAYER, where=frozenset({0}),
        why="δ(L) = 2(a − y) lacks the factor σ′(z(L)), so the output error is wrong, and "
            "every layer below inherits it."),
    Bug("sigma_prime_of_a", sigma_prime_of_a, "σ′ evaluated at a(l) instead of z(l)",
        ("sigmoid_prime(activations[l])",),
        (("sigmoid_prime(activations[l])", "sigmoid_prime(zs[l - 1])"),),
        layers=(1, 2), looks_like=_HIDDEN, where=frozenset({1}),
        why="σ′ is taken at a(l) = σ(z(l)) instead of at z(l). The output error is right, so "
            "layer L agrees; every δ passed back is wrong."),
    Bug("w_not_transposed", w_not_transposed, "delta @ W.T where delta @ W belongs",
        ("network.W[l].T",), (("network.W[l].T", "network.W[l]"),),
        layers=(1, 2), looks_like=f"{_HIDDEN}, by more than 1 in places", where=frozenset({1}),
        why="With examples as rows, the column form's W(l+1)ᵀ δ(l+1) is `delta @ W[l]` in "
            "code; this code transposed W once more, so the path sum used w_kj instead of "
            "w_jk. Square matrices hid the mistake."),
    Bug("wrong_sign", wrong_sign, "a and y swapped: 2(y − a) instead of 2(a − y)",
        ("output_error(Y, activations[L]",),
        (("output_error(Y, activations[L]", "output_error(activations[L], Y"),),
        layers=(1, 2, 3), looks_like="every entry is off by exactly 2", where=frozenset({0, 4}),
        why="a and y are swapped, so δ(L) is minus the output error, and every gradient below "
            "flips with it: relative error |g − (−g)| / |g| = 2. Gradient descent would "
            "climb."),
    Bug("summed_not_averaged", summed_not_averaged, "the batch summed, not averaged",
        ("delta.T @", ".sum(axis=0)"),
        (("delta.T @ activations[L - 1]", "weight_gradient(delta, activations[L - 1])"),
         ("delta.T @ activations[l - 1]", "weight_gradient(delta, activations[l - 1])"),
         ("delta.sum(axis=0)", "bias_gradient(delta)")),
        layers=(1, 2, 3), looks_like="every entry is off by exactly 1 − 1/m = 0.8",
        where=frozenset({4}),
        why="Without the 1/m every gradient is m = 5 times too large, so each relative error "
            "is (5g − g)/5g = 0.8 exactly. In training this only rescales the step: it is the "
            "right backprop with η made m times larger (η = 1 with batches of 10 steps like "
            "η = 10), which may overshoot."),
    Bug("paired_with_a_l", paired_with_a_l, "δ(L) paired with a(L) instead of a(L−1)",
        ("weight_gradient(delta, activations[L])",),
        (("weight_gradient(delta, activations[L])",
          "weight_gradient(delta, activations[L - 1])"),),
        layers=(3,), b_wrong=False,
        looks_like="only the output layer's weights light up; every bias agrees",
        where=frozenset({2}),
        why="The output layer's weight gradient used a(L), not a(L−1), the activation that "
            "feeds it. Biases do not use a at all."),
    Bug("overwritten_in_place", overwritten_in_place,
        "δ(L) divided by m in place, then passed back", ("delta /= m",),
        (("    delta /= m  # now the bias gradient is a plain sum\n", ""),
         ("delta.sum(axis=0)", "bias_gradient(delta)")),
        layers=(1, 2), where=frozenset({1}),
        looks_like="the output layer agrees and every hidden entry is off by exactly "
                   "1 − 1/m = 0.8",
        why="`delta /= m` changed δ(L) itself. The output layer's sum is right, but the δ "
            "passed back is m times too small."),
    Bug("bias_not_summed", bias_not_summed, "the bias gradient not summed over the batch",
        ("dC_db[L - 1] = delta_i / m", "for delta_i in delta"),
        (("for delta_i in delta:  # one example at a time\n        dC_db[L - 1] = delta_i / m",
          "dC_db[L - 1] = bias_gradient(delta)"),),
        layers=(3,), W_wrong=False, where=frozenset({3}),
        looks_like="only the output layer's biases light up; every weight agrees",
        why="`=` where `+=` belongs: each example overwrites the last, so only the last "
            "example's δ/m is kept."),
    Bug("extra_sigma_prime", extra_sigma_prime,
        "an extra σ′ on the softmax/cross-entropy output error",
        ("* sigmoid_prime(zs[L - 1])",), ((" * sigmoid_prime(zs[L - 1])", ""),),
        layers=(1, 2, 3), cost="cross_entropy", fixed=reference_softmax,
        looks_like=_EVERY_LAYER, where=frozenset({0}),
        why="With softmax and cross-entropy δ(L) = a − y already: σ′ cancelled out. "
            "Multiplying by σ′(z(L)) again corrupts every layer."),
    # The mystery specimen, last: the lesson shows no word about it before its diagnosis.
    Bug("slope_of_the_next_layer", slope_of_the_next_layer,
        "σ′ taken at z(l+1), the layer above, instead of z(l)",
        ("error_back(network.W[l], delta, zs[l])",),
        (("error_back(network.W[l], delta, zs[l])",
          "error_back(network.W[l], delta, zs[l - 1])"),),
        layers=(1, 2), looks_like=_HIDDEN, where=frozenset({1}),
        why="error_back took zs[l], which is z(l+1), the layer above: the slope must be "
            "layer l's own, zs[l − 1]. Layers of equal size hid the mistake."),
]


@dataclass(frozen=True)
class Fingerprint:
    """What a bug looks like in a gradient check: the worst relative error per layer.

    W, b: tuples with one float per layer (layer 1 first); lit: the layers
    with an error above the check's threshold.
    """

    W: tuple
    b: tuple
    lit: tuple
    threshold: float

    def describe(self, layer):
        """One layer's cell in the table: "ok" where it agrees, else W and b's worst errors."""
        parts = [f"{name} {error:.2g}" for name, error in (("W", self.W[layer - 1]),
                                                            ("b", self.b[layer - 1]))
                 if error > self.threshold]
        return ", ".join(parts) if parts else "ok"

    def __str__(self):
        """The verdict and every layer's describe(), output layer first (no round-off digits)."""
        layers = " · ".join(f"layer {l}: {self.describe(l)}" for l in range(len(self.W), 0, -1))
        verdict = "passed" if not self.lit else "FAILED"
        return f"gradient check {verdict} (threshold {self.threshold:.0e}). {layers}"


def fingerprint(report):
    """The Fingerprint of a GradientReport."""
    W = tuple(float(np.max(e)) for e in report.error_W)
    b = tuple(float(np.max(e)) for e in report.error_b)
    lit = tuple(l for l in range(1, len(W) + 1)
                if max(W[l - 1], b[l - 1]) > report.threshold)
    return Fingerprint(W, b, lit, report.threshold)


def fingerprint_table(bugs=None):
    """The fingerprint of every bug as aligned text: a row per bug, a column per layer (L first)."""
    layers = range(len(SIZES) - 1, 0, -1)
    rows = [("mistake", *(f"layer {l}" for l in layers))]
    for bug in bugs or BUGS:
        found = fingerprint(bug.check())
        rows.append((bug.mistake, *(found.describe(l) for l in layers)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


__all__ = ["BUGS", "STEPS", "Bug", "Fingerprint", "bias_gradient", "error_back", "fingerprint",
           "fingerprint_table", "output_error", "reference", "reference_softmax",
           "specimen_network", "weight_gradient", "with_steps"]
