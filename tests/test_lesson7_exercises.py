"""Lesson 7's checks: the worked solutions pass, and each classic autodiff bug is rejected
with a sentence that names it (`=` for `+=`, the wrong order, a forgotten reset, the local
derivative of the wrong gate); the graph panel draws a learner-written expression."""

import math

import pytest

from bp_helpers.autodiff import Value, topological_order
from bp_helpers.panels.value_graph import (
    ValueGraphPanel,
    describe,
    draw_value_graph,
    value_graph_frames,
)
from bp_helpers.questions import lesson7


def stub(*args, **kwargs):
    raise NotImplementedError


def test_the_worked_backward_passes_and_a_stub_is_not_an_attempt():
    assert lesson7.judge_backward(lesson7.backward).passed
    feedback = lesson7.judge_backward(stub)
    assert not feedback.passed and not feedback.attempted


def test_assign_for_add_is_rejected_and_named():
    feedback = lesson7.judge_backward(lesson7.backward_assign)
    assert not feedback.passed and "`+=`" in feedback.message and "=" in feedback.message


@pytest.mark.parametrize("bug", [lesson7.backward_breadth_first, lesson7.backward_unreversed])
def test_the_wrong_order_is_rejected_and_named(bug):
    feedback = lesson7.judge_backward(bug)
    assert not feedback.passed
    assert "order" in feedback.message


def test_a_recursive_backward_that_revisits_shared_nodes_is_rejected():
    def naive(root):
        root.grad = 1.0

        def push(node):
            for parent, local in zip(node.parents, node.local, strict=True):
                parent.grad += local * node.grad
                push(parent)

        push(root)

    assert not lesson7.judge_backward(naive).passed


def test_a_backward_that_forgets_the_root_seed_is_told_so():
    def unseeded(root):
        for node in reversed(topological_order(root)):
            for parent, local in zip(node.parents, node.local, strict=True):
                parent.grad += local * node.grad

    feedback = lesson7.judge_backward(unseeded)
    assert not feedback.passed and "grad to 1" in feedback.message


def test_the_forgotten_reset_is_rejected_and_named():
    assert lesson7.judge_train_step(lesson7.train_step).passed
    feedback = lesson7.judge_train_step(lesson7.train_step_no_reset)
    assert not feedback.passed and "forgotten reset" in feedback.message
    assert "Step 1 is right" in feedback.message


def test_an_uphill_step_is_rejected():
    def uphill(params, cost_of, lr):
        for p in params:
            p.grad = 0.0
        cost_of(params).backward()
        for p in params:
            p.data += lr * p.grad

    feedback = lesson7.judge_train_step(uphill)
    assert not feedback.passed and "After step 1" in feedback.message


def make_gate(data, local):
    def gate(a, b=None):
        inputs = (a,) if b is None else (a, b)
        numbers = [x.data for x in inputs]
        return Value(data(*numbers), inputs, local(*numbers))

    return gate


SIGMOID = lambda a: 1 / (1 + math.exp(-a))  # noqa: E731


@pytest.mark.parametrize(("name", "gate", "named"), [
    ("multiply", make_gate(lambda a, b: a * b, lambda a, b: (1.0, 1.0)), "the add gate"),
    ("multiply", make_gate(lambda a, b: a * b, lambda a, b: (a, b)), "without the swap"),
    ("maximum", make_gate(max, lambda a, b: (1.0, 1.0)), "the add gate"),
    ("maximum", make_gate(max, lambda a, b: (float(a <= b), float(a > b))), "min"),
    ("maximum", make_gate(max, lambda a, b: (b, a)), "multiply"),
    ("sigmoid", make_gate(SIGMOID, lambda a: (1 - SIGMOID(a) ** 2,)), "tanh's formula"),
    ("sigmoid", make_gate(SIGMOID, lambda a: (SIGMOID(a),)), "σ itself"),
    ("sigmoid", make_gate(SIGMOID, lambda a: (1 - math.tanh(a) ** 2,)), "tanh"),
])
def test_a_local_derivative_of_the_wrong_gate_is_rejected_and_named(name, gate, named):
    feedback = lesson7.judge_gate(name, gate)
    assert not feedback.passed and named in feedback.message and f"not of {name}" in \
        feedback.message


@pytest.mark.parametrize("name", sorted(lesson7.GATES))
def test_the_gates_worked_solutions_pass(name):
    namespace = {"Value": Value, "math": math}
    exec(lesson7.GATE_SOLUTIONS[name].code, namespace)
    assert lesson7.judge_gate(name, namespace[name]).passed
    assert not lesson7.judge_gate(name, stub).attempted


def test_a_gate_without_its_inputs_as_parents_is_told_so():
    feedback = lesson7.judge_gate("multiply", lambda a, b: Value(a.data * b.data))
    assert not feedback.passed and "parents" in feedback.message


def test_a_worked_solution_opens_after_an_attempt():
    answer = lesson7.grade_backward(lesson7.backward_assign)
    answer.reveal()
    assert "def backward(root)" in answer.solution.value


def test_a_backward_that_never_returns_is_stopped():
    def forever(root):
        while True:
            pass

    feedback = lesson7.judge_backward(forever)
    assert not feedback.passed and "stopped" in feedback.message


# The graph panel: any expression the learner writes.

def test_the_panel_draws_a_learner_written_expression_forward_then_backward():
    x, y = Value(1.5, name="x"), Value(-2.0, name="y")
    C = (x * y + x) ** 2
    graph = value_graph_frames(C)
    order = topological_order(C)
    assert len(graph.frames) == 2 * len(order) + 1
    assert graph.frames[len(order)].values == {i: n.data for i, n in enumerate(order)}
    C.backward()
    last = graph.frames[-1]
    assert [last.grads[i] for i in range(len(order))] == pytest.approx([n.grad for n in order])
    assert last.grads[graph.labels.index("x")] == pytest.approx(3.0)  # exercise 3's answer
    assert "x = 1.5 (grad 3)" in describe(graph, len(graph.frames) - 1)
    panel = ValueGraphPanel(C)
    panel.step_by(1)
    assert "alt='Computation graph, step 1" in panel.picture.value
    assert "Forward: x = 1.5" in panel.message.value
    assert panel.snapshot_png().startswith(b"\x89PNG")
    assert "interactive: open in JupyterLab" in panel.plain_text()
    draw_value_graph(graph, 0)


@pytest.mark.parametrize(("name", "right"), [("zero_grad", "backward() adds into .grad"),
                                             ("forward_mode", "One knob in")])
def test_the_quizzes_have_one_right_answer_with_a_reason_for_each_option(name, right):
    quiz = lesson7.quiz(name)
    assert quiz.options[quiz.answer].startswith(right)
    assert [quiz.grade(i).passed for i in range(len(quiz.options))].count(True) == 1
    assert all(quiz.grade(i).message.split(". ", 1)[1] for i in range(len(quiz.options)))
