"""Lesson 6's worked solutions, the checks of its exercises, and the bug zoo's cases.

The learner writes the four equations and backprop for a sigmoid network
with the quadratic cost, examples as rows. Each step is checked against
`bp_helpers.equations`, backprop against numerical gradients; as in lessons
1-5, a check's feedback comes with a button that shows the worked solution
after a first attempt (exercises.CheckedAnswer). The worked solutions below
are also the functions the lesson runs on until the learner's own pass.

Every check of learner code runs it on copies, with bp_helpers.checking's
timeout, and describes what it returned rather than blaming it for the
checker's own errors. The zoo's specimens are `Specimen` panels: the
gradient check first, the learner's diagnosis, then the code and the line.
"""

import functools
import html
import inspect
import io
import types

import ipywidgets as widgets
import numpy as np

from bp_helpers import equations, zoo
from bp_helpers.access import DescribedImage, reveal
from bp_helpers.activations import sigmoid_prime
from bp_helpers.checking import (
    TimedOut,
    call_with_timeout,
    raised,
    safe_repr,
    tampered,
    timed_out,
)
from bp_helpers.display import Displayable, say
from bp_helpers.exercises import (
    Catalogue,
    CheckedAnswer,
    Feedback,
    Solution,
    check_function,
    read_only,
    restarted_note,
)
from bp_helpers.gradcheck import check_gradients
from bp_helpers.network import Network, one_hot
from bp_helpers.plots import gradient_check_heatmap
from bp_helpers.training import EpochRecord, sgd
from bp_helpers.zoo import BUGS, fingerprint, fingerprint_table, specimen_network, with_steps


# Worked solutions: one line per equation, then backprop assembled from them.
def output_error(a_L, y, z_L):
    return 2 * (a_L - y) * sigmoid_prime(z_L)


def error_back(W_next, delta_next, z):
    return (delta_next @ W_next) * sigmoid_prime(z)


def weight_gradient(delta, a_prev):
    return delta.T @ a_prev / len(delta)


def bias_gradient(delta):
    return delta.mean(axis=0)


def backprop(network, X, Y):
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    L = len(network.W)
    dC_dW, dC_db = [None] * L, [None] * L
    delta = output_error(activations[L], Y, zs[L - 1])  # delta(L)
    dC_dW[L - 1] = weight_gradient(delta, activations[L - 1])
    dC_db[L - 1] = bias_gradient(delta)
    for l in range(L - 1, 0, -1):
        delta = error_back(network.W[l], delta, zs[l - 1])  # delta(l) from delta(l+1)
        dC_dW[l - 1] = weight_gradient(delta, activations[l - 1])
        dC_db[l - 1] = bias_gradient(delta)
    return dC_dW, dC_db


def sgd_epoch(network, X, Y, batch_size, lr, rng, backprop):
    order = rng.permutation(len(X))  # a new order of the examples every epoch
    for start in range(0, len(X), batch_size):
        batch = order[start:start + batch_size]  # the last batch may be smaller
        dC_dW, dC_db = backprop(network, X[batch], Y[batch])
        for W, b, dC_dW_l, dC_db_l in zip(network.W, network.b, dC_dW, dC_db, strict=True):
            W -= lr * dC_dW_l  # in place: network.W[l] itself moves downhill
            b -= lr * dC_db_l


# Why each worked solution is what it is, shown above its code.
REASONING = {
    "output_error": (
        r"Equation (1) with the quadratic cost: $\partial C_0/\partial a^{(L)} = "
        r"2\big(a^{(L)} - y\big)$, times the slope $\sigma'\big(z^{(L)}\big)$.",
        r"Both factors have one entry per example and output neuron, shape $(m, n_L)$, so they "
        r"multiply entry by entry: numpy's *, not @.",
    ),
    "error_back": (
        r"Entry $k$ of $W^{(l+1)\top} \delta^{(l+1)}$ is $\sum_j w_{jk}\, \delta_j$, the path "
        r"sum of lesson 3: every neuron $j$ that neuron $k$ feeds passes its error back.",
        r"With examples as rows, delta_next is $(m, n_{l+1})$ and W_next is "
        r"$(n_{l+1}, n_l)$: delta_next @ W_next is $(m, n_l)$ and does that sum for every "
        r"example at once.",
        r"Then the slope of layer $l$, $\sigma'\big(z^{(l)}\big)$, entry by entry.",
    ),
    "weight_gradient": (
        r"For one example, $\partial C_0/\partial w_{jk} = \delta_j\, a_k$: the outer product "
        r"$\delta\, a^{(l-1)\top}$, shaped like $W^{(l)}$.",
        r"delta.T @ a_prev, $(n_l, m)$ times $(m, n_{l-1})$, adds those outer products over "
        r"the $m$ examples; dividing by $m$ makes it the average, the gradient of "
        r"$C = \frac{1}{m}\sum C_0$.",
    ),
    "bias_gradient": (
        r"A bias is a weight from a neuron that is always 1, so "
        r"$\partial C_0/\partial b_j = \delta_j \cdot 1$.",
        r"Averaged over the examples, the rows: delta.mean(axis=0), shape $(n_l,)$.",
    ),
    "backprop": (
        r"One forward pass keeps every $z^{(l)}$ and $a^{(l)}$: the backward pass needs both.",
        r"Layer $L$ first: $\delta^{(L)}$ from equation (1), then its weight and bias "
        r"gradients from (3) and (4), paired with $a^{(L-1)}$.",
        r"Then $l = L-1$ down to 1: equation (2) passes the error back through "
        r"$W^{(l+1)}$, network.W[l] in 0-based Python, and (3) and (4) give layer $l$'s "
        r"gradients.",
    ),
    "sgd_epoch": (
        r"An epoch visits every example once, in a new random order: rng.permutation(len(X)) "
        r"shuffles the row numbers, drawn from the rng so that the same seed gives the same "
        r"run.",
        r"Consecutive slices of that order are the mini-batches; the last one holds what is "
        r"left over.",
        r"Each batch's gradient moves every weight and bias by $-\eta$ times it, in place "
        r"(-=): W = W - ... would only rebind the loop's name and leave the network as it was.",
    ),
}
SOLUTIONS = {fn.__name__: Solution(REASONING[fn.__name__], inspect.getsource(fn)) for fn in
             (output_error, error_back, weight_gradient, bias_gradient, backprop, sgd_epoch)}

# The checks: bp_helpers.equations on small batches whose shapes all differ
# (m = 3 examples, n_{l+1} = 2, n_l = 4), so a mixed-up axis cannot pass.
_rng = np.random.default_rng(60)
_delta_next, _W_next = _rng.normal(0, 1, (3, 2)), _rng.normal(0, 1, (2, 4))
_z, _a = _rng.normal(0, 2, (3, 4)), _rng.uniform(0, 1, (3, 4))
_a_prev = _rng.uniform(0, 1, (3, 5))
_y = one_hot([1, 3, 0], 4)
# Each step: its reference, its cases, a hint for a wrong value (the idea, not the code: the
# code is the worked solution's), and a hint for a shape error that numpy raised in it.
STEPS = {
    "output_error": (
        zoo.output_error,
        [dict(a_L=_a, y=_y, z_L=_z)],
        "the result has one entry per example and output neuron, like a_L: the two factors "
        "multiply entry by entry.",
        "a_L, y and z_L all have shape (m, n_L), and so has the result: no matrix product "
        "is needed.",
    ),
    "error_back": (
        zoo.error_back,
        [dict(W_next=_W_next, delta_next=_delta_next, z=_z)],
        "entry k of each row should be the path sum over j of w_jk delta_j, then times the "
        "slope of layer l at z.",
        "examples are rows here: delta_next is (m, n_{l+1}), one row per example, not a "
        "column. The formula's W(l+1)ᵀ δ(l+1) is written for one column; write down the "
        "shapes of the two operands of your @ and choose the order in which the inner sizes "
        "meet, giving (m, n_l).",
    ),
    "weight_gradient": (
        equations.weight_gradient,
        [dict(delta=_z, a_prev=_a_prev)],
        "entry (j, k) is the average over the examples of delta_j a_k: a matrix product adds "
        "over the examples, and an average is more than a sum.",
        "examples are rows here: delta is (m, n_l) and a_prev (m, n_{l-1}). The result is "
        "(n_l, n_{l-1}) and adds over the m examples, so the two m's must meet in the middle "
        "of the @.",
    ),
    "bias_gradient": (
        equations.bias_gradient,
        [dict(delta=_z)],
        "the bias gradient is delta averaged over the examples: which axis holds them?",
        "delta has shape (m, n_l); the result has one entry per neuron, (n_l,).",
    ),
}


def check_step(name, fn):
    """The feedback on the learner's version of equation `name`, with its worked solution.

    A shape error numpy raised inside fn (the usual sign of a column-layout
    habit) gets the step's hint about the rows-are-examples layout.
    """
    reference, cases, hint, shape_hint = STEPS[name]
    feedback = check_function(fn, reference, cases, name, hint)
    if " raised ValueError: " in feedback.message and any(
            word in feedback.message for word in ("matmul", "broadcast", "shape")):
        feedback = Feedback(False, f"{feedback.message}. Hint: {shape_hint}")
    return CheckedAnswer(feedback, SOLUTIONS[name])


def check_network():
    """(network, X, Y): a seeded 6-5-4-3 sigmoid network and 8 examples, for checking backprop.

    Every layer has a different size, so a transposed matrix raises a shape error.
    """
    rng = np.random.default_rng(61)
    network = Network([6, 5, 4, 3], seed=61)
    network.b = [rng.normal(0, 0.5, n) for n in network.sizes[1:]]
    X = rng.uniform(0, 1, (8, 6))
    return network, X, one_hot(rng.integers(0, 3, 8), 3)


def run_backprop(fn, network, X, Y, name="backprop"):
    """(dC_dW, dC_db, None) from a learner's backprop, or (None, None, Feedback) saying why not.

    fn runs on copies of network, X and Y (so an in-place `Y -= a` changes
    nothing the check uses), with the exercises' timeout. Its result must be a
    pair of lists (or tuples) with one gradient per layer, shaped like W[l] and
    b[l]; lists and tuples of numbers are converted to float arrays, so what
    passes here is what `sgd` can step with. A problem with the result is
    described as such, never as an error fn raised.
    """
    if not callable(fn):
        return None, None, Feedback(False, f"Nothing to check yet: {name} should be a function "
                                           f"(network, X, Y) -> (dC_dW, dC_db), got "
                                           f"{type(fn).__name__}.", attempted=False)
    if tampered():
        return None, None, Feedback(False, tampered(), attempted=False)
    call = f"{name}(network, X, Y)"
    try:
        result = call_with_timeout(fn, dict(network=network.copy(), X=X.copy(), Y=Y.copy()))
    except TimedOut as stop:
        return None, None, Feedback(False, timed_out(call, stop))
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # the learner's code may raise anything
        return None, None, raised(name, call, error, fn)
    dC_dW, dC_db, problem = gradients(result, network)
    if problem is not None:
        return None, None, Feedback(False, f"{call} {problem}")
    return dC_dW, dC_db, None


def gradients(result, network):
    """(dC_dW, dC_db, None) as lists of float arrays, or (None, None, why `result` is not that).

    result is what a backprop returned for `network`: (dC_dW, dC_db), each
    with one array (or nested list) per layer, shaped like network.W and network.b.
    """
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return None, None, (f"should return (dC_dW, dC_db), a pair of lists with one array per "
                            f"layer, but returned {_what(result)}")
    checked = []
    for name, grads, params, kind in (("dC_dW", result[0], network.W, "weights"),
                                      ("dC_db", result[1], network.b, "biases")):
        if not isinstance(grads, (tuple, list)):
            return None, None, (f"returned {name} as {_what(grads)}; it should be a list with "
                                f"one array per layer, {len(params)} in all")
        if len(grads) != len(params):
            return None, None, (f"returned {name} with {len(grads)} arrays, but the network has "
                                f"{len(params)} layers: one array per layer")
        arrays = []
        for i, (g, p) in enumerate(zip(grads, params, strict=True)):
            where = f"{name}[{i}] (layer {i + 1}'s {kind})"
            if g is None:
                return None, None, (f"left {where} as None: it never computed that layer's "
                                    "gradient")
            try:
                array = np.asarray(g)
            except Exception:  # a ragged list, or anything else
                array = np.asarray(None)
            if array.dtype.kind == "c":
                return None, None, (f"returned complex numbers in {where}: a gradient is real; "
                                    "look for a square root or a power of a negative number")
            if array.dtype.kind not in "iuf":
                return None, None, (f"returned {where} as {_what(g)}, not an array of numbers")
            if array.shape != p.shape:
                return None, None, (f"returned {where} with shape {array.shape}, but it must "
                                    f"have the shape of {name[-1]}[{i}], {p.shape}")
            arrays.append(array.astype(float))
        checked.append(arrays)
    return *checked, None


def _what(value):
    """A value's type and a short repr, for a sentence."""
    return f"{type(value).__name__} {safe_repr(value, 40)}"


def as_arrays(fn):
    """fn, returning its gradients as float arrays: lists and tuples become what sgd steps with."""
    @functools.wraps(fn)
    def backprop(network, X, Y):
        dC_dW, dC_db, problem = gradients(fn(network, X, Y), network)
        if problem is not None:
            raise TypeError(f"{getattr(fn, '__name__', 'backprop')}(network, X, Y) {problem}")
        return dC_dW, dC_db

    return backprop


def check_backprop(fn, name="backprop"):
    """(CheckedAnswer, GradientReport or None): fn gradient-checked on check_network().

    The answer's button shows the worked backprop after a first attempt.
    """
    network, X, Y = check_network()
    dC_dW, dC_db, feedback = run_backprop(fn, network, X, Y, name)
    if feedback is not None:
        return CheckedAnswer(feedback, SOLUTIONS["backprop"]), None
    report = check_gradients(network, X, Y, backprop=lambda network, X, Y: (dC_dW, dC_db))
    if report.ok:
        count = sum(w.size + b.size for w, b in zip(network.W, network.b, strict=True))
        message = f"{name} agrees with the nudged gradients on all {count} parameters."
    else:
        message = (f"{name} disagrees with the nudged gradients: worst relative error "
                   f"{report.worst:.2g}. The heat map shows where.")
    return CheckedAnswer(Feedback(report.ok, message), SOLUTIONS["backprop"]), report


def _yours_or_solution(name, yours, solution, passed):
    """yours if it passed its check, else solution; says which one the cells below use."""
    if passed:
        print(f"Your {name} passes its check: the cells below use it.")
        return yours
    say(f"Your {name} does not pass its check yet, so the cells below use the worked "
        f"solution. When yours passes, run this cell and the ones below again.")
    return solution


def passes(fn):
    """Whether fn passes check_backprop."""
    return check_backprop(fn)[0].passed


def use_backprop(yours):
    """The learner's backprop if it passes check_backprop (as_arrays), else the worked solution.

    So the rest of the lesson runs either way, and what passed the check is
    what training gets: its lists and tuples become float arrays.
    """
    return _yours_or_solution("backprop", as_arrays(yours), backprop, passes(yours))


def use_loop(yours):
    """The learner's sgd_epoch if it passes check_loop, else the worked solution."""
    return _yours_or_solution("sgd_epoch", yours, sgd_epoch, check_loop(yours).passed)


def record(network, mnist, epoch, seconds):
    """training.EpochRecord of `network` after `epoch` epochs of the learner's loop on `mnist`.

    The cost over the whole training set and the accuracy on the test set, as
    training.sgd records them, so that TrainingMonitor and learning_curves
    show the learner's run beside sgd's.
    """
    return EpochRecord(epoch, network.cost(mnist.X_train, mnist.y_train),
                       network.accuracy(mnist.X_test, mnist.y_test), seconds)


def what_ran(backprop_used, loop_used):
    """The label of a training run: whose backprop and whose loop it used."""
    mine = [part for part, used, solution in (("backprop", backprop_used, backprop),
                                              ("loop", loop_used, sgd_epoch))
            if used is not solution]
    if not mine:
        return "the worked solution"
    theirs = [part for part in ("backprop", "loop") if part not in mine]
    return "your " + " and ".join(mine) + "".join(f", the worked solution's {part}"
                                                  for part in theirs)


# The loop's check: two epochs of a small network, against training.sgd with the same seed.
LOOP = dict(sizes=[6, 5, 3], seed=4, m=30, batch_size=7, lr=0.5, epochs=2, rng_seed=3)


def _loop_case():
    """(network, X, labels, Y) for check_loop: 30 examples, batches of 7 (the last has 2)."""
    rng = np.random.default_rng(62)
    network = Network(LOOP["sizes"], seed=LOOP["seed"])
    X = rng.uniform(0, 1, (LOOP["m"], LOOP["sizes"][0]))
    labels = rng.integers(0, LOOP["sizes"][-1], LOOP["m"])
    return network, X, labels, one_hot(labels, LOOP["sizes"][-1])


def _loop_reference(network, X, labels, order="shuffled"):
    """The weights after LOOP's epochs: training.sgd's (order "shuffled") or in stored order."""
    network = network.copy()
    if order == "shuffled":
        sgd(network, X, labels, epochs=LOOP["epochs"], batch_size=LOOP["batch_size"],
            lr=LOOP["lr"], seed=LOOP["rng_seed"], dtype=np.float64, backprop=backprop)
        return network
    Y = one_hot(labels, LOOP["sizes"][-1])
    unshuffled = types.SimpleNamespace(permutation=np.arange)
    for _ in range(LOOP["epochs"]):
        sgd_epoch(network, X, Y, LOOP["batch_size"], LOOP["lr"], unshuffled, backprop)
    return network


def check_loop(fn, name="sgd_epoch"):
    """The feedback on the learner's sgd_epoch: LOOP's epochs, compared with training.sgd.

    fn runs twice (two epochs) on a copy of a small network, with one rng of
    LOOP's seed and the worked backprop, each epoch with the exercises' timeout;
    its weights must then be sgd's with the same seed. A wrong count of
    backprop calls, weights that never moved, or examples visited in their
    stored order are named.
    """
    network, X, labels, Y = _loop_case()
    if not callable(fn):
        feedback = Feedback(False, f"Nothing to check yet: {name} should be a function.",
                            attempted=False)
        return CheckedAnswer(feedback, SOLUTIONS["sgd_epoch"])
    if tampered():
        return CheckedAnswer(Feedback(False, tampered(), attempted=False), SOLUTIONS["sgd_epoch"])
    learner, rng, sizes = network.copy(), np.random.default_rng(LOOP["rng_seed"]), []

    def counted(network, X, Y):
        sizes.append(len(X))
        return backprop(network, X, Y)

    call = f"{name}(network, X, Y, batch_size={LOOP['batch_size']}, lr={LOOP['lr']}, rng, " \
           f"backprop)"
    for _ in range(LOOP["epochs"]):
        try:
            call_with_timeout(fn, dict(network=learner, X=X.copy(), Y=Y.copy(),
                                       batch_size=LOOP["batch_size"], lr=LOOP["lr"], rng=rng,
                                       backprop=counted))
        except TimedOut as stop:
            return CheckedAnswer(Feedback(False, timed_out(call, stop)), SOLUTIONS["sgd_epoch"])
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # the learner's code may raise anything
            return CheckedAnswer(raised(name, call, error, fn), SOLUTIONS["sgd_epoch"])
    return CheckedAnswer(_judge_loop(name, learner, network, X, labels, sizes),
                         SOLUTIONS["sgd_epoch"])


def _judge_loop(name, learner, start, X, labels, sizes):
    """Feedback on the weights `learner` holds after the learner's epochs, from `start`."""
    m, batch_size, epochs = LOOP["m"], LOOP["batch_size"], LOOP["epochs"]
    batches = [min(batch_size, m - i) for i in range(0, m, batch_size)] * epochs
    done = f"{epochs} epochs"
    if sizes != batches:
        return Feedback(False, f"In {done}, {name} called backprop on batches of "
                               f"{_sizes(sizes)} examples, but {m} examples in batches of "
                               f"{batch_size} make batches of {_sizes(batches)}: every example "
                               "once per epoch, the last batch smaller.")
    params = list(zip(learner.W + learner.b, start.W + start.b, strict=True))
    if all(np.array_equal(now, before) for now, before in params):
        return Feedback(False, f"After {done} the network's weights are as they were: {name} "
                               "must change network.W[l] and network.b[l] themselves, in "
                               "place. Assigning to a loop variable only rebinds the name.")
    for order in ("shuffled", "stored"):
        reference = _loop_reference(start, X, labels, order)
        if all(np.allclose(a, b, rtol=1e-10, atol=1e-12) for a, b in
               zip(learner.W + learner.b, reference.W + reference.b, strict=True)):
            if order == "shuffled":
                return Feedback(True, f"{name} takes the same {len(batches)} steps as "
                                      f"training.sgd with the same seed. Well done!")
            return Feedback(False, f"{name} visits the examples in their stored order every "
                                   "epoch: draw a new order from rng at the start of each "
                                   "epoch, so that the batches differ from epoch to epoch.")
    return Feedback(False, f"After {done} the weights differ from training.sgd's with the same "
                           "seed. Check that each epoch draws its order from rng once, that "
                           "the batches are consecutive slices of that order, and that each "
                           "step moves every weight by −lr times its gradient.")


def _sizes(sizes):
    return ", ".join(map(str, sizes)) if sizes else "none"


def check_fix(specimen, fn):
    """Feedback on a learner's fix of zoo specimen number `specimen` (1 to len(BUGS)).

    The fix is gradient-checked on the specimen's network, with the steps it
    calls (output_error, error_back, ...) bound to bp_helpers' (zoo.with_steps),
    so it is judged on its own lines, finished steps above or not.
    """
    bug = BUGS[specimen - 1]
    network, X, Y = specimen_network(bug.cost)
    dC_dW, dC_db, feedback = run_backprop(with_steps(fn), network, X, Y, name="fix")
    if feedback is not None:
        if not feedback.attempted and "not written yet" in feedback.message:
            return Feedback(False, "fix is not written yet: paste the specimen's body into it, "
                                   "correct the mistake, and run the cell again.", attempted=False)
        return feedback
    report = bug.check(lambda network, X, Y: (dC_dW, dC_db))
    if report.ok:
        return Feedback(True, f"Fixed: specimen {specimen}'s gradient check passes on every "
                              "parameter.")
    return Feedback(False, f"Still broken: specimen {specimen}'s gradient check finds a worst "
                           f"relative error of {report.worst:.2g}, in layer "
                           f"{report.worst_at[1] + 1}.")


# The zoo as diagnosis. LOOKS_LIKE: how each bug shows in the check (tested in
# tests/test_zoo.py); WHERE: the right diagnoses among DIAGNOSES; WHY: why the mistake makes
# its fingerprint, shown once the learner has named the line.
LOOKS_LIKE = {
    "no_sigma_prime": "every layer lights up, with errors near 1 that vary from entry to entry",
    "sigma_prime_of_a": "the output layer agrees and the hidden layers light up",
    "w_not_transposed": "the output layer agrees and the hidden layers light up, by more "
                        "than 1 in places",
    "wrong_sign": "every entry is off by exactly 2",
    "summed_not_averaged": "every entry is off by exactly 1 − 1/m = 0.8",
    "paired_with_a_l": "only the output layer's weights light up; every bias agrees",
    "overwritten_in_place": "the output layer agrees and every hidden entry is off by "
                            "exactly 1 − 1/m = 0.8",
    "bias_not_summed": "only the output layer's biases light up; every weight agrees",
    "extra_sigma_prime": "every layer lights up, with errors near 1 that vary from entry to "
                         "entry",
    "slope_of_the_next_layer": "the output layer agrees and the hidden layers light up",
}
DIAGNOSES = (
    "In the output error δ(L), which every layer below inherits",
    "In how δ is passed back: the output layer is right, the layers below inherit it",
    "In one layer's weight gradient alone",
    "In one layer's bias gradient alone",
    "In a factor that every gradient shares",
)
# Why a fingerprint points to each diagnosis: the reading rule, not the bug.
READING = (
    "a wrong δ(L) makes layer L wrong, and every δ passed back from it, so every layer "
    "lights up.",
    "layer L's gradients come from δ(L) alone, so if they agree, δ(L) is right; the "
    "hidden layers' δ come from passing it back.",
    "a wrong δ would spoil that layer's biases too (∂C/∂b = δ); only its weights are wrong, "
    "so the pairing with a(l−1) is.",
    "a wrong δ would spoil that layer's weights too; only its biases are wrong, so their "
    "own sum over the batch is.",
    "a constant factor gives one and the same relative error everywhere: |cg − g| / |cg|.",
)
WHERE = {
    "no_sigma_prime": {0}, "sigma_prime_of_a": {1}, "w_not_transposed": {1},
    "wrong_sign": {0, 4}, "summed_not_averaged": {4}, "paired_with_a_l": {2},
    "overwritten_in_place": {1}, "bias_not_summed": {3}, "extra_sigma_prime": {0},
    "slope_of_the_next_layer": {1},
}
WHY = {
    "no_sigma_prime": "δ(L) = 2(a − y) lacks the factor σ′(z(L)), so the output error is "
                      "wrong, and every layer below inherits it.",
    "sigma_prime_of_a": "σ′ is taken at a(l) = σ(z(l)) instead of at z(l). The output error "
                        "is right, so layer L agrees; every δ passed back is wrong.",
    "w_not_transposed": "δ(l+1) went back through W(l+1) instead of W(l+1)ᵀ: the path sum "
                        "used w_kj instead of w_jk. Square matrices hid the mistake.",
    "wrong_sign": "a and y are swapped, so δ(L) is minus the output error, and every "
                  "gradient below flips with it: relative error |g − (−g)| / |g| = 2. "
                  "Gradient descent would climb.",
    "summed_not_averaged": "Without the 1/m every gradient is m = 5 times too large, so "
                           "each relative error is (5g − g)/5g = 0.8 exactly. In training "
                           "this only rescales the step: it is the right backprop with η "
                           "made m times larger (η = 1 with batches of 10 steps like "
                           "η = 10), which may overshoot.",
    "paired_with_a_l": "The output layer's weight gradient used a(L), not a(L−1), the "
                       "activation that feeds it. Biases do not use a at all.",
    "overwritten_in_place": "`delta /= m` changed δ(L) itself. The output layer's sum is "
                            "right, but the δ passed back is m times too small.",
    "bias_not_summed": "`=` where `+=` belongs: each example overwrites the last, so only "
                       "the last example's δ/m is kept.",
    "extra_sigma_prime": "With softmax and cross-entropy δ(L) = a − y already: σ′ cancelled "
                         "out. Multiplying by σ′(z(L)) again corrupts every layer.",
    "slope_of_the_next_layer": "error_back took zs[l], which is z(l+1), the layer above: "
                               "the slope must be layer l's own, zs[l − 1]. Layers of equal "
                               "size hid the mistake.",
}


def grade_diagnosis(bug, index):
    """Feedback on where the learner says `bug`'s mistake must be (index into DIAGNOSES)."""
    if index is None:
        return Feedback(False, "Pick where the mistake must be first.", attempted=False)
    right = min(WHERE[bug.name])
    if index in WHERE[bug.name]:
        return Feedback(True, f"Right. The check shows that {LOOKS_LIKE[bug.name]}: "
                              f"{READING[index]}")
    return Feedback(False, f"Not quite. The check shows that {LOOKS_LIKE[bug.name]}, so the "
                           f"mistake is {DIAGNOSES[right][0].lower()}{DIAGNOSES[right][1:]}: "
                           f"{READING[right]}")


def code_lines(bug):
    """(index, text) of the lines of the specimen's code a learner can name: not def, not blank."""
    return [(i, line.strip()) for i, line in enumerate(bug.source().splitlines())
            if i > 0 and line.strip()]


def grade_line(bug, index):
    """Feedback on the line (index into bug.source().splitlines()) the learner names."""
    if index is None:
        return Feedback(False, "Pick a line first.", attempted=False)
    if index in bug.culprit_lines():
        return Feedback(True, f"Right. {WHY[bug.name]}")
    return Feedback(False, f"Not quite. Line {index + 1} is what a correct backprop has there; "
                           "the mistake is on another line.")


class Specimen(Displayable):
    """A zoo specimen as a case: its gradient check, the learner's diagnosis, then its code.

    First only the check shows (the fingerprint line and the heat map). The
    learner picks where the mistake must be and commits; only then does the
    code appear, and the learner names the line that holds the mistake.
    """

    def __init__(self, number):
        if not isinstance(number, int) or not 1 <= number <= len(BUGS):
            raise ValueError(f"the zoo's specimens are numbered 1 to {len(BUGS)}, got {number!r}")
        self.number, self.bug = number, BUGS[number - 1]
        self.report = self.bug.check()
        figure = gradient_check_heatmap(self.report)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=80)
        network = ("sigmoid network, quadratic cost" if self.bug.cost == "quadratic" else
                   "sigmoid hidden layers, softmax output, cross-entropy cost: δ(L) = a(L) − y")
        self.diagnosis = widgets.RadioButtons(options=DIAGNOSES, value=None,
                                              layout=widgets.Layout(width="auto"))
        self.commit_button = widgets.Button(description="Commit my diagnosis",
                                            layout=widgets.Layout(width="max-content"))
        self.verdict, self.code = reveal(widgets.HTML()), widgets.HTML()
        self.lines = [index for index, _ in code_lines(self.bug)]
        # The lines reach the page only after the diagnosis: hidden options are still there.
        self.line = widgets.RadioButtons(options=[], value=None,
                                         layout=widgets.Layout(width="auto", display="none"))
        self.line_button = widgets.Button(description="Check this line",
                                          layout=widgets.Layout(display="none"))
        self.line_verdict = widgets.HTML()
        self.commit_button.on_click(lambda _: self.commit())
        self.line_button.on_click(lambda _: self.check_line())
        self.widget = widgets.VBox([
            widgets.HTML(f"<b>Specimen {number}</b> ({network}, layers of 4 neurons, a batch "
                         f"of m = {len(specimen_network()[1])}): its gradient check"),
            widgets.HTML(f"<pre style='white-space:pre-wrap'>"
                         f"{html.escape(str(fingerprint(self.report)))}</pre>"),
            DescribedImage(figure.alt, value=buffer.getvalue(), format="png",
                           layout=widgets.Layout(max_width="100%")),
            widgets.HTML("<b>Where must the mistake be?</b> Commit before you see the code."),
            self.diagnosis, self.commit_button, self.verdict, self.code,
            self.line, self.line_button, self.line_verdict,
            restarted_note(),
        ])

    def commit(self):
        """Grade the diagnosis; once there is one, show the code and ask for the line."""
        index = (None if self.diagnosis.value is None
                 else DIAGNOSES.index(self.diagnosis.value))
        feedback = grade_diagnosis(self.bug, index)
        self.verdict.value = html.escape(repr(feedback))
        if not feedback.attempted:
            return
        self.diagnosis.disabled = self.commit_button.disabled = True
        numbered = "\n".join(f"{i + 1:2d}  {line}"
                             for i, line in enumerate(self.bug.source().splitlines()))
        self.code.value = (f"<b>Its code.</b> Which line holds the mistake?<pre>"
                           f"{html.escape(numbered)}</pre>")
        self.line.options = [f"line {i + 1}: {text}" for i, text in code_lines(self.bug)]
        self.line.value = None
        self.line.layout.display = self.line_button.layout.display = None

    def check_line(self):
        """Grade the line the learner named."""
        index = (None if self.line.value is None
                 else self.lines[self.line.options.index(self.line.value)])
        self.line_verdict.value = html.escape(repr(grade_line(self.bug, index)))

    def plain_text(self):
        return (f"Specimen {self.number}: its gradient check, your diagnosis, then its code "
                "(interactive: open in JupyterLab to use it)")


class Fingerprints(Displayable):
    """Every specimen's fingerprint in one table (zoo.fingerprint_table), shown live only.

    A lesson stores this as a line of text: the table names each specimen's
    mistake beside its fingerprint, which would give the zoo away to a learner
    who scrolls down before diagnosing.
    """

    hint = "Run the cells above, and this one, once you have diagnosed the specimens."

    def __init__(self):
        self.table = fingerprint_table()
        self.widget = widgets.HTML(f"<pre>{html.escape(self.table)}</pre>")

    def plain_text(self):
        return ("Every specimen's fingerprint in one table (interactive: open in JupyterLab "
                "to use it)")


def specimen(number):
    """The zoo's specimen `number` (1 to len(BUGS)) as a case to diagnose: a Specimen panel."""
    return Specimen(number)


# The quizzes of the Exercises section.
QUIZZES = {
    "fingerprint": dict(
        question="A gradient check shows every layer agreeing except layer 1's weights, which "
                 "are off by about 0.5 in a pattern that varies from entry to entry. Where do "
                 "you look first?",
        options=["At the output error δ(L)", "At how δ is passed back from layer 2 to layer 1",
                 "At layer 1's weight gradient: which activation it pairs δ(1) with",
                 "At the learning rate"],
        answer=2,
        explanations=[
            "A wrong δ(L) would spread to every layer below it, biases included.",
            "A wrong δ(1) would make layer 1's biases wrong too, since ∂C/∂b(1) = δ(1).",
            "Only the weights of one layer are off, so the mistake is in that layer's "
            "weight gradient, δ(1) a(0)ᵀ. Its biases agree, so δ(1) itself is right.",
            "The learning rate is not part of the gradient: a gradient check never sees it.",
        ],
    ),
    "blind_spot": dict(
        question="Which of these bugs would a gradient check NOT catch?",
        options=["σ′ left out of the output error",
                 "A wrong activation in the forward pass, which backprop faithfully "
                 "differentiates",
                 "The weight gradient not averaged over the batch",
                 "W used where Wᵀ belongs"],
        answer=1,
        explanations=[
            "The check compares with nudges of the true cost, which has the σ′ in it: caught.",
            "The nudges measure the forward pass as written, so a backprop that "
            "differentiates the same wrong forward pass matches them perfectly. A gradient "
            "check tests backprop against the forward pass, not the forward pass against "
            "what you meant.",
            "Every entry would be off by 1 − 1/m: caught.",
            "The hidden layers would light up: caught.",
        ],
    ),
}


# Lesson 6's steps are checked by check_step and check_backprop, with their own
# cases, so the catalogue holds only the quizzes.
questions = Catalogue("lesson 6", QUIZZES, {})
quiz = questions.quiz



read_only(__name__)
