"""bp_helpers.autodiff against autograd, central differences and Network's backprop.

Hypothesis builds random expression graphs in which nodes are reused (fan-out)
and every node feeds the root; each grad is compared with autograd's and with
a central difference. The array version is compared with Network.backprop on
random networks, and forward mode with both.
"""

import math

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bp_helpers.autodiff import (
    Tensor,
    Value,
    forward_mode_gradient,
    network_cost,
    tensor_backprop,
    topological_order,
    zero_grad,
)
from bp_helpers.network import Network, one_hot

# Each op on (a, b), kept finite and smooth away from its kinks; the same in both engines.
VALUE_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1),
    "rdiv": lambda a, b: 2 / (a * a + 1),
    "radd_rsub": lambda a, b: 1.5 - (0.5 + a),
    "neg": lambda a, b: -a,
    "square": lambda a, b: a ** 2,
    "cube": lambda a, b: (a * 0.5) ** 3,
    "exp": lambda a, b: a.tanh().exp(),
    "log": lambda a, b: (a * a + 1).log(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "tanh": lambda a, b: a.tanh(),
    "relu": lambda a, b: a.relu(),
    "max": lambda a, b: a.max(b),
}
ANP_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1),
    "rdiv": lambda a, b: 2 / (a * a + 1),
    "radd_rsub": lambda a, b: 1.5 - (0.5 + a),
    "neg": lambda a, b: -a,
    "square": lambda a, b: a ** 2,
    "cube": lambda a, b: (a * 0.5) ** 3,
    "exp": lambda a, b: anp.exp(anp.tanh(a)),
    "log": lambda a, b: anp.log(a * a + 1),
    "sigmoid": lambda a, b: 1 / (1 + anp.exp(-a)),
    "tanh": lambda a, b: anp.tanh(a),
    "relu": lambda a, b: anp.maximum(a, 0.0),
    "max": lambda a, b: anp.maximum(a, b),
}
# How far from its kink each kinked op's inputs are: (a, b) -> distance.
KINKS = {"relu": lambda a, b: abs(a), "max": lambda a, b: abs(a - b)}


def run(program, leaves, ops):
    """Evaluate program (a list of (op, i, j)) on the leaves; root = sum of every node."""
    nodes = list(leaves)
    for op, i, j in program:
        nodes.append(ops[op](nodes[i % len(nodes)], nodes[j % len(nodes)]))
    root = nodes[0]
    for node in nodes[1:]:
        root = root + node
    return root


def kink_distance(program, leaves):
    """How close any kinked op comes to its kink; 0 when a value grows beyond 1e6."""
    nodes, closest = list(leaves), math.inf
    for op, i, j in program:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if op in KINKS:
            closest = min(closest, KINKS[op](a, b))
        nodes.append(ANP_OPS[op](a, b))
        if not abs(nodes[-1]) < 1e6:  # too large for a relative comparison to mean much
            return 0.0
    return closest


programs = st.lists(st.tuples(st.sampled_from(sorted(VALUE_OPS)), st.integers(0, 50),
                              st.integers(0, 50)), min_size=1, max_size=12)
leaf_values = st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(programs, leaf_values)
def test_every_grad_matches_autograd(program, numbers):
    assume(kink_distance(program, numbers) > 1e-9)
    leaves = [Value(x) for x in numbers]
    root = run(program, leaves, VALUE_OPS)
    root.backward()
    expected = autograd.grad(lambda xs: run(program, [xs[i] for i in range(len(numbers))],
                                            ANP_OPS))(np.array(numbers))
    assert root.data == pytest.approx(float(run(program, numbers, ANP_OPS)), rel=1e-12,
                                      abs=1e-12)
    np.testing.assert_allclose([leaf.grad for leaf in leaves], expected, rtol=1e-9, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(programs, leaf_values)
def test_every_grad_matches_central_differences(program, numbers):
    h = 1e-6
    assume(kink_distance(program, numbers) > 1e-2)
    leaves = [Value(x) for x in numbers]
    root = run(program, leaves, VALUE_OPS)
    root.backward()
    for i, leaf in enumerate(leaves):
        up, down = list(numbers), list(numbers)
        up[i] += h
        down[i] -= h
        assume(kink_distance(program, up) > h and kink_distance(program, down) > h)
        measured = (run(program, up, ANP_OPS) - run(program, down, ANP_OPS)) / (2 * h)
        assert leaf.grad == pytest.approx(measured, rel=1e-4, abs=1e-5)


@given(programs, leaf_values)
def test_the_topological_order_puts_every_node_after_its_parents(program, numbers):
    order = topological_order(run(program, [Value(x) for x in numbers], VALUE_OPS))
    place = {node: i for i, node in enumerate(order)}
    assert len(place) == len(order)
    assert all(place[parent] < place[node] for node in order for parent in node.parents)


def test_a_value_used_twice_adds_both_paths_and_backward_accumulates():
    x = Value(3.0)
    y = x * x  # x feeds the product twice
    y.backward()
    assert x.grad == 6.0
    y.backward()
    assert x.grad == 12.0  # added, as PyTorch does
    zero_grad([x])
    assert x.grad == 0.0


def test_relu_and_max_at_their_kinks_take_the_documented_sides():
    z = Value(0.0)
    z.relu().backward()
    assert z.grad == 0.0
    a, b = Value(1.0), Value(1.0)
    a.max(b).backward()
    assert (a.grad, b.grad) == (1.0, 0.0)


def test_unbroadcast_sums_a_bias_over_the_rows():
    b = Tensor(np.array([1.0, 2.0]))
    A = Tensor(np.arange(6.0).reshape(3, 2))
    (A + b).sum().backward()
    np.testing.assert_array_equal(b.grad, [3.0, 3.0])
    np.testing.assert_array_equal(A.grad, np.ones((3, 2)))


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
@pytest.mark.parametrize("seed", range(4))
def test_the_array_version_reproduces_network_backprop(activation, seed):
    rng = np.random.default_rng(seed)
    sizes = [int(n) for n in rng.integers(2, 7, size=rng.integers(2, 5))]
    network = Network(sizes, activation=activation, seed=seed)
    network.b = [rng.normal(0, 0.5, n) for n in sizes[1:]]
    m = int(rng.integers(1, 6))
    X = rng.uniform(-1, 1, (m, sizes[0]))
    Y = one_hot(rng.integers(0, sizes[-1], m), sizes[-1])
    mine, theirs = tensor_backprop(network, X, Y), network.backprop(X, Y)
    for ours, ref in zip(mine, theirs, strict=True):
        for g, r in zip(ours, ref, strict=True):
            np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-14)
    W = [Tensor(w) for w in network.W]
    b = [Tensor(v) for v in network.b]
    assert network_cost(W, b, X, Y, activation).data == pytest.approx(network.cost(X, Y))


def test_the_array_version_matches_on_784_16_16_10_to_1e_10():
    rng = np.random.default_rng(7)
    network = Network([784, 16, 16, 10], seed=0)
    X, Y = rng.uniform(0, 1, (10, 784)), one_hot(rng.integers(0, 10, 10), 10)
    mine, theirs = tensor_backprop(network, X, Y), network.backprop(X, Y)
    assert max(np.max(np.abs(g - r)) for ours, ref in zip(mine, theirs, strict=True)
               for g, r in zip(ours, ref, strict=True)) < 1e-10


def test_forward_mode_gives_the_same_gradient_one_pass_per_parameter(monkeypatch):
    from bp_helpers import autodiff

    network = Network([5, 4, 3], seed=2)
    rng = np.random.default_rng(2)
    X, Y = rng.uniform(0, 1, (6, 5)), one_hot(rng.integers(0, 3, 6), 3)
    passes = []
    original = autodiff.forward_mode_derivative
    monkeypatch.setattr(autodiff, "forward_mode_derivative",
                        lambda *args: passes.append(1) or original(*args))
    grads = forward_mode_gradient(network, X, Y)
    assert len(passes) == 5 * 4 + 4 + 4 * 3 + 3
    for ours, ref in zip(grads, network.backprop(X, Y), strict=True):
        for g, r in zip(ours, ref, strict=True):
            np.testing.assert_allclose(g, r, rtol=1e-9, atol=1e-13)
