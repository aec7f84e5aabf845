"""Lesson 7's graphs, predictions, quizzes and the checks of its exercises.

The lesson builds a scalar autodiff, bp_helpers.autodiff.Value. Here are the
graphs it draws (lesson 1's chain, lesson 3's 3-4-2 network, the graph where
the wrong order reads a grad too early), the classic bugs as code (`BUGS`:
`=` for `+=`, the wrong order, and their diagnosis), the predict-then-reveal
moments, and the graders of the learner's `backward`, gates and training
step. Each grader runs the learner's code on fresh graphs with the checker's
timeout, compares every grad with the reference, and, where the learner's
numbers are those of a classic bug, names it.
"""

import html
import inspect
import math

from bp_helpers.autodiff import Value, network_cost, topological_order, zero_grad
from bp_helpers.exercises import Catalogue, Feedback, GradedAnswer, Solution, lock_module
from bp_helpers.grading import TimedOut, call_with_timeout, raised, timed_out
from bp_helpers.panels.predict import Answer, Prediction

# Lesson 1's chain: w = 1.5, b = -0.5, a(L-1) = 0.8, y = 0.
LESSON1 = dict(w=1.5, b=-0.5, a_prev=0.8, y=0.0)


def lesson1_chain(w=1.5, b=-0.5, a_prev=0.8, y=0.0):
    """C0 = (sigma(w a(L-1) + b) - y)^2 as Values; returns (C0, {name: Value})."""
    w, b, a_prev = Value(w, name="w"), Value(b, name="b"), Value(a_prev, name="a(L-1)")
    z = w * a_prev + b
    z.name = "z"
    a = z.sigmoid()
    a.name = "a"
    C0 = (a - y) ** 2
    C0.name = "C0"
    return C0, dict(w=w, b=b, a_prev=a_prev, z=z, a=a, C0=C0)


def neuron_cost(w, b, a_prev=LESSON1["a_prev"], y=LESSON1["y"]):
    """Lesson 1's C0 = (sigma(w a(L-1) + b) - y)^2 for the Values w and b: a new graph."""
    return ((w * a_prev + b).sigmoid() - y) ** 2


def lesson3_graph(network, x, y):
    """Lesson 3's network as Values: (C0, layers) with layers[l] = the activations a(l)."""
    layers = [[Value(xk, name=f"a{k}(0)") for k, xk in enumerate(x)]]
    for l, (W, b) in enumerate(zip(network.W, network.b, strict=True), start=1):
        a_prev = layers[-1]
        layer = []
        for j in range(len(b)):
            z = Value(b[j])
            for k, a_k in enumerate(a_prev):
                product = a_k * W[j, k]
                product.name = f"w{j}{k}({l}) a{k}({l - 1})"
                z = z + product
            a = z.sigmoid()
            a.name = f"a{j}({l})"
            layer.append(a)
        layers.append(layer)
    C0 = sum(((a - yj) ** 2 for a, yj in zip(layers[-1], y, strict=True)), Value(0.0))
    return C0, layers


def paths_into(node, root):
    """What each child of `node` passes back to it, after root.backward(): [(child, amount)]."""
    return [(child, local * child.grad) for child in topological_order(root)
            for parent, local in zip(child.parents, child.local, strict=True) if parent is node]


def wrong_order_graph(a=0.5):
    """A graph where b feeds C twice: b = 3a, C = b + exp(b). Returns (C, {name: Value})."""
    a = Value(a, name="a")
    b = a * 3
    b.name = "b"
    e = b.exp()
    e.name = "exp(b)"
    C = b + e
    C.name = "C"
    return C, dict(a=a, b=b, e=e, C=C)


# The classic bugs, as code. --------------------------------------------------------------------

def backward_assign(root):
    """Bug: `=` where `+=` belongs. A node keeps only the path that reached it last."""
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for parent, local in zip(node.parents, node.local, strict=True):
            parent.grad = local * node.grad


def backward_breadth_first(root):
    """Bug: the wrong order. Nodes in order of their distance from the root, not topological."""
    root.grad = 1.0
    queue, seen = [root], {root}
    for node in queue:  # the queue grows while we walk it
        for parent, local in zip(node.parents, node.local, strict=True):
            parent.grad += local * node.grad
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)


def backward_unreversed(root):
    """Bug: the topological order without `reversed`: leaves first, before any grad exists."""
    root.grad = 1.0
    for node in topological_order(root):
        for parent, local in zip(node.parents, node.local, strict=True):
            parent.grad += local * node.grad


def backward(root):
    """The worked solution: Value.backward, written as a function of the root."""
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for parent, local in zip(node.parents, node.local, strict=True):
            parent.grad += local * node.grad


BUGS = {
    "assign": (backward_assign, "it sets a parent's grad with `=`, so a value that feeds "
                                "several places keeps only the last path that reached it: "
                                "use `+=` to add up the paths"),
    "breadth_first": (backward_breadth_first, "it visits the nodes in the wrong order: a node "
                                              "passed its grad on before all of its children "
                                              "had added to it. Walk reversed(topological_"
                                              "order(root))"),
    "unreversed": (backward_unreversed, "it walks the topological order forwards, leaves "
                                        "first, when no grad has arrived yet: reverse it"),
}


def train_step(params, cost_of, lr):
    """The worked solution: one gradient descent step on the Values in `params`."""
    zero_grad(params)  # backward adds to what is there: start from 0
    cost = cost_of(params)  # the forward pass builds a new graph
    cost.backward()
    for p in params:
        p.data -= lr * p.grad
    return cost.data


def train_step_no_reset(params, cost_of, lr):
    """Bug: the forgotten reset. Each step's grads pile up on the last ones'."""
    cost = cost_of(params)
    cost.backward()
    for p in params:
        p.data -= lr * p.grad
    return cost.data


def sgd_epoch_no_reset(W, b, X, Y, batch_size, lr, rng):
    """Bug: autodiff.sgd_epoch without zero_grad. Every step adds up all the grads so far."""
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        batch = order[start:start + batch_size]
        network_cost(W, b, X[batch], Y[batch]).backward()
        for parameter in W + b:
            parameter.data -= lr * parameter.grad


# Predict, then reveal. -----------------------------------------------------------------------

def _gate_graph():
    x, y, z = Value(-2.0, name="x"), Value(5.0, name="y"), Value(-4.0, name="z")
    q = x + y
    f = q * z
    f.backward()
    return x, y, z, q, f


def add_gate(guess=None):
    """Gates: in f = (x + y) z with x = -2, y = 5, z = -4, what is x.grad?"""

    def solve():
        x, _, _, q, _ = _gate_graph()
        why = (f"q = x + y reaches f through q's grad, {q.grad:g} (= z); the add gate's local "
               f"derivatives are both 1, so it passes {q.grad:g} to x and to y unchanged.")
        return Answer(x.grad, f"x.grad = {x.grad:g}", why)

    return Prediction("f = (x + y) · z with x = −2, y = 5, z = −4. After f.backward(), what "
                      "is x.grad?", "number", solve, tolerance=0, guess=guess)


def multiply_gate(guess=None):
    """Gates: in f = (x + y) z, what is z.grad?"""

    def solve():
        _, _, z, q, _ = _gate_graph()
        why = (f"The multiply gate's local derivative for z is the other input, q = x + y = "
               f"{q.data:g}, and for q it is z = {z.data:g}: multiply swaps its inputs.")
        return Answer(z.grad, f"z.grad = {z.grad:g}", why)

    return Prediction("Same f = (x + y) · z with x = −2, y = 5, z = −4. What is z.grad?",
                      "number", solve, tolerance=0, guess=guess)


def max_gate(guess=None):
    """Gates: C = 3 max(a, b) with a = 1.5, b = 0.7; what is b.grad?"""

    def solve():
        a, b = Value(1.5), Value(0.7)
        C = a.max(b) * 3
        C.backward()
        why = (f"max passes its whole grad, {3:g}, to the winner a = 1.5 (a.grad = {a.grad:g}) "
               f"and nothing to b: a small nudge to b does not change the max at all.")
        return Answer(b.grad, f"b.grad = {b.grad:g}", why)

    return Prediction("C = 3 · max(a, b) with a = 1.5 and b = 0.7. After C.backward(), what is "
                      "b.grad?", "number", solve, tolerance=0, guess=guess)


def missed_reset(guess=None):
    """zero_grad: lesson 1's neuron, two forward and backward passes without a reset."""

    def solve():
        w, b = Value(LESSON1["w"], name="w"), Value(LESSON1["b"], name="b")
        neuron_cost(w, b).backward()
        once = w.grad
        neuron_cost(w, b).backward()  # a new graph from the same w and b
        why = (f"backward adds into w.grad, and nothing reset it: {once:.4f} + {once:.4f} = "
               f"{w.grad:.4f}. A training step taken now would be twice as long as it should.")
        return Answer(w.grad, f"w.grad = {w.grad:.4f}", why)

    return Prediction("Lesson 1's neuron: build C0 from w and b and call C0.backward(), which "
                      "gives w.grad = 0.2370. Build C0 again from the same w and b (a new "
                      "graph) and call backward again, without zero_grad. What is w.grad now?",
                      "number", solve, tolerance=0.002, guess=guess)


def kink_check(h=1e-3, guess=None):
    """ReLU's kink: C = relu(w + b) at w = 0.5, b = -0.5, the nudged dC/dw."""

    def solve():
        def C(w):
            return max(0.0, w - 0.5)

        measured = (C(0.5 + h) - C(0.5 - h)) / (2 * h)
        why = (f"Nudged up, z = +{h:g} and the ReLU passes it (slope 1); nudged down, z = "
               f"−{h:g} and it outputs 0 (slope 0). The central difference averages the two: "
               f"{measured:g}. Backprop says 0, the slope the code takes at the kink.")
        return Answer(measured, f"{measured:g}", why)

    return Prediction(f"C = ReLU(w · 1 + b) at w = 0.5, b = −0.5, so z = 0: the kink. A "
                      f"gradient check nudges w by ±{h:g}. What slope does it measure?",
                      "number", solve, tolerance=0.01, guess=guess)


class Measured:
    """Numbers measured on this machine (times), as an HTML table.

    Its plain text is the same on every run, so a rerun or nbval compares the
    lesson's text, not this machine's speed; the table shows the numbers.
    """

    def __init__(self, rows):
        self.rows = dict(rows)

    def _repr_html_(self):
        cells = "".join(f"<tr><td style='text-align:left'>{html.escape(name)}</td>"
                        f"<td style='text-align:right'><b>{html.escape(value)}</b></td></tr>"
                        for name, value in self.rows.items())
        return f"<table><caption>Measured on this machine</caption>{cells}</table>"

    def __repr__(self):
        return f"Measured on this machine: {', '.join(self.rows)} (shown as a table)"


# The exercises' graders. ---------------------------------------------------------------------

GRAPHS = {
    "lesson 1's chain": lambda: lesson1_chain(**LESSON1)[0],
    "a graph where b feeds C twice": lambda: wrong_order_graph()[0],
    "x·x + x·y, with x used three times": lambda: _fan_out(),
}


def _fan_out():
    x, y = Value(1.5, name="x"), Value(-2.0, name="y")
    return x * x + x * y


def _grads(root):
    return [node.grad for node in topological_order(root)]


def _close(got, expected):
    return len(got) == len(expected) and all(
        isinstance(g, (int, float)) and math.isclose(g, e, rel_tol=1e-9, abs_tol=1e-12)
        for g, e in zip(got, expected, strict=True))


BACKWARD_SOLUTION = Solution(
    steps=(
        r"The root's grad is $\partial C/\partial C = 1$: set it first.",
        r"Walk the nodes in reversed(topological_order(root)): every node comes after all the "
        r"nodes it feeds, so its grad is complete before it passes it on.",
        r"For each parent, the chain rule: the parent's grad gets local derivative times this "
        r"node's grad. Add it (+=): a parent that feeds several nodes collects one term per "
        r"path, lesson 3's sum over paths.",
    ),
    code=inspect.getsource(backward),
)


def _run(fn, root, name):
    """None if fn(root) ran, else the Feedback saying why not."""
    try:
        call_with_timeout(fn, dict(root=root))
    except TimedOut as stop:
        return Feedback(False, timed_out(f"{name}(root)", stop))
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # the learner's code may raise anything
        return raised(name, f"{name}(root)", error, fn)
    return None


def judge_backward(fn):
    """Feedback on a learner's backward(root): every grad of every graph in GRAPHS."""
    if not callable(fn):
        return Feedback(False, f"expected a function backward(root), got {type(fn).__name__}",
                        attempted=False)
    for graph, build in GRAPHS.items():
        root = build()
        problem = _run(fn, root, "backward")
        if problem is not None:
            return problem
        got = _grads(root)
        expected = build()
        expected.backward()
        if _close(got, _grads(expected)):
            continue
        for bug, why in BUGS.values():
            twin = build()
            bug(twin)
            if _close(got, _grads(twin)):
                return Feedback(False, f"On {graph}, your backward gives the grads of a "
                                       f"classic bug: {why}.")
        if all(g == 0 for g in got):
            return Feedback(False, f"On {graph} every grad stayed 0: did you set the root's "
                                   "grad to 1 before passing it back?")
        return Feedback(False, f"On {graph} your grads differ from the chain rule's: each "
                               "parent should get local × the node's grad, added up over paths.")
    return Feedback(True, f"backward gives the right grad on every node of all {len(GRAPHS)} "
                          "graphs, fan-out included.")


def grade_backward(fn):
    """The learner's backward, graded, with the worked solution after an attempt."""
    return GradedAnswer(judge_backward(fn), BACKWARD_SOLUTION)


# Each gate: the reference, the inputs it is checked on (no ties for max), its worked solution.
GATES = {
    "multiply": (lambda a, b: a * b, [(2.0, -3.0), (-1.5, 4.0), (0.5, 0.25)]),
    "maximum": (lambda a, b: a.max(b), [(2.0, -3.0), (-1.5, 4.0), (0.5, 0.25)]),
    "sigmoid": (lambda a: a.sigmoid(), [(0.7,), (-2.0,), (0.0,)]),
}
# The local derivatives of other gates, to name a learner's mix-up: inputs -> locals.
OTHER_LOCALS = {
    2: {"the add gate, (1, 1)": lambda a, b: (1.0, 1.0),
        "multiply without the swap, (a, b)": lambda a, b: (a, b),
        "multiply, (b, a)": lambda a, b: (b, a),
        "max, 1 to the winner": lambda a, b: (float(a >= b), float(a < b)),
        "min, 1 to the smaller": lambda a, b: (float(a <= b), float(a > b))},
    1: {"tanh, 1 − tanh²": lambda a: (1 - math.tanh(a) ** 2,),
        "tanh's formula applied to σ, 1 − σ²": lambda a: (1 - _sigmoid(a) ** 2,),
        "σ itself rather than its slope": lambda a: (_sigmoid(a),),
        "σ′ taken at the output σ(a) rather than at a": lambda a: (_sigmoid_prime(_sigmoid(a)),),
        "σ, σ(1 − σ)": lambda a: (_sigmoid_prime(a),)},
}
GATE_SOLUTIONS = {
    "multiply": Solution(
        (r"$\partial (ab)/\partial a = b$ and $\partial (ab)/\partial b = a$: each input's local "
         r"derivative is the *other* input. Multiply swaps.",),
        "def multiply(a, b):\n"
        "    return Value(a.data * b.data, parents=(a, b), local=(b.data, a.data))\n"),
    "maximum": Solution(
        (r"max(a, b) is a if a wins, b if b wins: a small nudge to the winner moves the output "
         r"one for one, a nudge to the loser not at all.",
         r"So the winner's local derivative is 1 and the loser's 0: max routes the whole grad "
         r"to the winner (on a tie, pick one; the reference picks a)."),
        "def maximum(a, b):\n"
        "    a_wins = a.data >= b.data\n"
        "    return Value(max(a.data, b.data), parents=(a, b),\n"
        "                 local=(float(a_wins), float(not a_wins)))\n"),
    "sigmoid": Solution(
        (r"$\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$, the slope of lesson 1, taken at the "
         r"input z; the output s = σ(z) is already computed, so use it.",),
        "def sigmoid(a):\n"
        "    s = 1 / (1 + math.exp(-a.data))\n"
        "    return Value(s, parents=(a,), local=(s * (1 - s),))\n"),
}


def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


def _sigmoid_prime(z):
    return _sigmoid(z) * (1 - _sigmoid(z))


def judge_gate(name, fn):
    """Feedback on a learner's gate `name` (a function of Values returning a Value)."""
    reference, cases = GATES[name]
    if not callable(fn):
        return Feedback(False, f"expected a function {name}, got {type(fn).__name__}",
                        attempted=False)
    for numbers in cases:
        inputs = [Value(v) for v in numbers]
        call = f"{name}({', '.join(f'{v:g}' for v in numbers)})"
        try:
            out = call_with_timeout(fn, dict(zip("ab", inputs, strict=False)))
        except TimedOut as stop:
            return Feedback(False, timed_out(call, stop))
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # the learner's code may raise anything
            return raised(name, call, error, fn)
        if not isinstance(out, Value):
            return Feedback(False, f"{call} returned {type(out).__name__}, not a Value")
        right = reference(*[Value(v) for v in numbers])
        if not math.isclose(out.data, right.data, rel_tol=1e-12):
            return Feedback(False, f"{call} computes {out.data:.6g}; the forward value should be "
                                   f"{right.data:.6g}")
        if not all(any(p is x for p in out.parents) for x in inputs):
            return Feedback(False, f"{call}'s parents should be its inputs, {name}'s "
                                   "arguments: without them backward cannot reach them")
        out.backward()
        got = tuple(x.grad for x in inputs)
        expected = tuple(right.local)
        if all(math.isclose(g, e, rel_tol=1e-9, abs_tol=1e-12)
               for g, e in zip(got, expected, strict=True)):
            continue
        shown = ", ".join(f"{g:.4g}" for g in got)
        for gate, locals_of in OTHER_LOCALS[len(numbers)].items():
            if all(math.isclose(g, e, rel_tol=1e-9, abs_tol=1e-12)
                   for g, e in zip(got, locals_of(*numbers), strict=True)):
                return Feedback(False, f"{call} passes back ({shown}): those are the local "
                                       f"derivatives of {gate}, not of {name}")
        return Feedback(False, f"{call} passes back ({shown}) to its inputs; the local "
                               f"derivatives of {name} give "
                               f"({', '.join(f'{e:.4g}' for e in expected)})")
    return Feedback(True, f"{name} computes the right value and passes back the right local "
                          f"derivatives on all {len(cases)} inputs.")


def grade_gate(name, fn):
    """The learner's gate, graded, with its worked solution after an attempt."""
    return GradedAnswer(judge_gate(name, fn), GATE_SOLUTIONS[name])


STEP_CASE = dict(params=(1.5, -0.5), lr=1.0, steps=3)


def _neuron_cost(params):
    return neuron_cost(*params)


def _after_steps(step):
    params = [Value(v) for v in STEP_CASE["params"]]
    history = []
    for _ in range(STEP_CASE["steps"]):
        step(params, _neuron_cost, STEP_CASE["lr"])
        history.append(tuple(p.data for p in params))
    return history


TRAIN_STEP_SOLUTION = Solution(
    steps=(
        r"backward adds to whatever grad is there, so start each step from 0: zero_grad(params).",
        r"Run the forward pass, cost_of(params): it builds a fresh graph from the current values.",
        r"cost.backward() fills in every parameter's grad; then step downhill, "
        r"$p \leftarrow p - \eta\,\partial C/\partial p$, by changing p.data in place.",
    ),
    code=inspect.getsource(train_step),
)


def judge_train_step(fn):
    """Feedback on a learner's train_step(params, cost_of, lr): three steps of lesson 1's neuron."""
    if not callable(fn):
        return Feedback(False, f"expected a function train_step, got {type(fn).__name__}",
                        attempted=False)
    call = "train_step(params, cost_of, lr)"
    try:
        got = call_with_timeout(_after_steps, dict(step=fn))
    except TimedOut as stop:
        return Feedback(False, timed_out(call, stop))
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # the learner's code may raise anything
        return raised("train_step", call, error, fn)
    expected = _after_steps(train_step)
    for i, (g, e) in enumerate(zip(got, expected, strict=True), start=1):
        if all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(g, e, strict=True)):
            continue
        if i > 1 and _close(list(g), list(_after_steps(train_step_no_reset)[i - 1])):
            return Feedback(False, f"Step 1 is right, but step {i} moves (w, b) to "
                                   f"({g[0]:.4f}, {g[1]:.4f}), not ({e[0]:.4f}, {e[1]:.4f}): the "
                                   "forgotten reset. backward adds to the grads of the step "
                                   "before: call zero_grad(params) first.")
        return Feedback(False, f"After step {i}, (w, b) is ({g[0]:.4f}, {g[1]:.4f}); one "
                               f"gradient descent step should give ({e[0]:.4f}, {e[1]:.4f}).")
    return Feedback(True, f"train_step takes the right {STEP_CASE['steps']} steps downhill, "
                          "each from freshly reset grads.")


def grade_train_step(fn):
    """The learner's train_step, graded, with the worked solution after an attempt."""
    return GradedAnswer(judge_train_step(fn), TRAIN_STEP_SOLUTION)


QUIZZES = {
    "zero_grad": dict(
        question="Why does every PyTorch training loop call optimizer.zero_grad() before "
                 "loss.backward()?",
        options=["backward() adds into .grad, so the last batch's gradients would be added "
                 "to this batch's",
                 "backward() cannot run twice on the same graph without it",
                 "It frees the memory of the last graph",
                 "It sets the weights to zero before the step"],
        answer=0,
        explanations=[
            "Accumulating is what makes fan-out right (+=), so PyTorch never resets for you.",
            "The graph is built anew by every forward pass; the reset is about .grad.",
            "The graph is freed after backward(); zero_grad only touches .grad.",
            "The weights keep their values; only their gradients go back to 0.",
        ],
    ),
    "forward_mode": dict(
        question="For which function would forward mode (one pass per input) beat reverse "
                 "mode (one backward pass per output)?",
        options=["A network's cost: 13,002 parameters in, one number out",
                 "One knob in, 1,000 numbers out (a curve's points as functions of one "
                 "parameter)",
                 "Any function whose graph has fan-out",
                 "None: reverse mode is always cheaper"],
        answer=1,
        explanations=[
            "Many inputs and one output is exactly where one backward pass wins.",
            "One input: one forward pass gives all 1,000 derivatives; reverse mode would need "
            "1,000 backward passes, one per output.",
            "Both modes handle fan-out: each adds up the paths.",
            "The count is inputs against outputs; with one input forward mode needs one pass.",
        ],
    ),
}

questions = Catalogue("lesson 7", QUIZZES, {})
quiz = questions.quiz

lock_module(__name__)
