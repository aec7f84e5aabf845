"""Lesson 6's worked solutions, the grading of its exercises, and the bug zoo's cases.

The learner writes the four equations and backprop for a sigmoid network
with the quadratic cost, examples as rows. Each step is checked against
`bp_helpers.equations`, backprop against numerical gradients; as in lessons
1-5, a check's feedback comes with a button that shows the worked solution
after a first attempt (exercises.GradedAnswer). The worked solutions below
are also the functions the lesson runs on until the learner's own pass.

Every check of learner code runs it on copies, with bp_helpers.grading's
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
from bp_helpers.display import Displayable, say
from bp_helpers.exercises import (
    Catalogue,
    Feedback,
    GradedAnswer,
    Solution,
    grade_function,
    lock_module,
    restarted_note,
)
from bp_helpers.gradcheck import check_gradients
from bp_helpers.grading import (
    TimedOut,
    call_with_timeout,
    raised,
    safe_repr,
    tampered,
    timed_out,
)
from bp_helpers.network import Network, backward, one_hot
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


# The worked backprop is the zoo's reference: equation (1), then bp_helpers' one backward
# pass, network.backward, which its solution shows too.
backprop = zoo.reference


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
        r"Layer $L$ first: $\delta^{(L)}$ from equation (1). From there bp_helpers' "
        r"`network.backward` (its code is below: the one backward pass the package's Network "
        r"runs too) does the rest.",
        r"For $l = L-1$ down to 1, equation (2) passes the error back through "
        r"$W^{(l+1)}$, W[l] in 0-based Python; then (3) and (4) give every layer's "
        r"gradients, $\delta^{(l)}$ paired with $a^{(l-1)}$.",
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
             (output_error, error_back, weight_gradient, bias_gradient, sgd_epoch)}
SOLUTIONS["backprop"] = Solution(REASONING["backprop"], "\n\n".join([
    inspect.getsource(backprop).replace("def reference(", "def backprop(", 1),
    inspect.getsource(backward)]))

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


def grade_step(name, fn):
    """The feedback on the learner's version of equation `name`, with its worked solution.

    A shape error numpy raised inside fn (the usual sign of a column-layout
    habit) gets the step's hint about the rows-are-examples layout.
    """
    reference, cases, hint, shape_hint = STEPS[name]
    feedback = grade_function(fn, reference, cases, name, hint)
    if " raised ValueError: " in feedback.message and any(
            word in feedback.message for word in ("matmul", "broadcast", "shape")):
        feedback = Feedback(False, f"{feedback.message}. Hint: {shape_hint}")
    return GradedAnswer(feedback, SOLUTIONS[name])


def grading_network():
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


def grade_backprop(fn, name="backprop"):
    """(GradedAnswer, GradientReport or None): fn gradient-checked on grading_network().

    The answer's button shows the worked backprop after a first attempt.
    """
    network, X, Y = grading_network()
    dC_dW, dC_db, feedback = run_backprop(fn, network, X, Y, name)
    if feedback is not None:
        return GradedAnswer(feedback, SOLUTIONS["backprop"]), None
    report = check_gradients(network, X, Y, backprop=lambda network, X, Y: (dC_dW, dC_db))
    if report.ok:
        count = sum(w.size + b.size for w, b in zip(network.W, network.b, strict=True))
        message = f"{name} agrees with the nudged gradients on all {count} parameters."
    else:
        message = (f"{name} disagrees with the nudged gradients: worst relative error "
                   f"{report.worst:.2g}. The heat map shows where.")
    return GradedAnswer(Feedback(report.ok, message), SOLUTIONS["backprop"]), report


def _yours_or_solution(name, yours, solution, passed):
    """yours if it passed its check, else solution; says which one the cells below use."""
    if passed:
        print(f"Your {name} passes its check: the cells below use it.")
        return yours
    say(f"Your {name} does not pass its check yet, so the cells below use the worked "
        f"solution. When yours passes, run this cell and the ones below again.")
    return solution


def passes(fn):
    """Whether fn passes grade_backprop."""
    return grade_backprop(fn)[0].passed


def use_backprop(yours):
    """The learner's backprop if it passes grade_backprop (as_arrays), else the worked solution.

    So the rest of the lesson runs either way, and what passed the check is
    what training gets: its lists and tuples become float arrays.
    """
    return _yours_or_solution("backprop", as_arrays(yours), backprop, passes(yours))


def use_loop(yours):
    """The learner's sgd_epoch if it passes grade_loop, else the worked solution."""
    return _yours_or_solution("sgd_epoch", yours, sgd_epoch, grade_loop(yours).passed)


def record(network, mnist, epoch, seconds):
    """training.EpochRecord of `network` after `epoch` epochs of the learner's loop on `mnist`.

    The cost over the whole training set and the accuracy on the test set, as
    training.sgd records them, so that TrainingMonitor and learning_curves
    show the learner's run beside sgd's.
    """
    return EpochRecord(epoch, network.cost(mnist.X_train, mnist.y_train),
                       network.accuracy(mnist.X_test, mnist.y_test), seconds)


class StepCosts:
    """The training cost every `every` steps of the learner's loop, as (step, cost) pairs.

    `counted(backprop)` is backprop, counting its calls: each call is one step of
    the loop, so just before call number k * every + 1 the network has taken
    k * every steps, and the cost of the whole training set (X, labels) is
    recorded then, as sgd(record_every=every) records it. `finish()` records
    the last step. pairs starts with (0, the cost before training).
    """

    def __init__(self, network, X, labels, every):
        self.network, self.X, self.labels, self.every = network, X, labels, every
        self.steps, self.pairs = 0, [(0, network.cost(X, labels))]

    def _record(self):
        if self.pairs[-1][0] != self.steps:
            self.pairs.append((self.steps, self.network.cost(self.X, self.labels)))

    def counted(self, backprop):
        def counting(*args, **kwargs):
            if self.steps % self.every == 0:
                self._record()
            self.steps += 1
            return backprop(*args, **kwargs)

        return counting

    def finish(self):
        self._record()
        return self.pairs


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
    """(network, X, labels, Y) for grade_loop: 30 examples, batches of 7 (the last has 2)."""
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


def grade_loop(fn, name="sgd_epoch"):
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
        return GradedAnswer(feedback, SOLUTIONS["sgd_epoch"])
    if tampered():
        return GradedAnswer(Feedback(False, tampered(), attempted=False), SOLUTIONS["sgd_epoch"])
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
            return GradedAnswer(Feedback(False, timed_out(call, stop)), SOLUTIONS["sgd_epoch"])
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # the learner's code may raise anything
            return GradedAnswer(raised(name, call, error, fn), SOLUTIONS["sgd_epoch"])
    return GradedAnswer(_judge_loop(name, learner, network, X, labels, sizes),
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


def grade_fix(specimen, fn):
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


# The zoo as diagnosis: where a mistake can be (each zoo.Bug's `where` indexes these).
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
def grade_diagnosis(bug, index):
    """Feedback on where the learner says `bug`'s mistake must be (index into DIAGNOSES)."""
    if index is None:
        return Feedback(False, "Pick where the mistake must be first.", attempted=False)
    right = min(bug.where)
    if index in bug.where:
        return Feedback(True, f"Right. The check shows that {bug.looks_like}: "
                              f"{READING[index]}")
    return Feedback(False, f"Not quite. The check shows that {bug.looks_like}, so the "
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
        return Feedback(True, f"Right. {bug.why}")
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


# Lesson 6's steps are checked by grade_step and grade_backprop, with their own
# cases, so the catalogue holds only the quizzes.
questions = Catalogue("lesson 6", QUIZZES, {})
quiz = questions.quiz



lock_module(__name__)
