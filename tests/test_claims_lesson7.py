"""Every number lesson 7's prose states, recomputed with its parameters.

Claims (quoted or paraphrased from notebooks/text/07_backprop_on_any_graph.py):

A node that knows its local derivative
- lesson 1's chain (w = 1.5, b = -0.5, a(L-1) = 0.8, y = 0) as Values gives lesson 1's
  0.2370, 0.2963 and 0.4444; the factors 0.8 x 0.2217 x 1.3364 ~ 0.2370 sit in the graph.
- "`exp`, `log`, `tanh` and `relu`, each in two to four lines like these".
The topological order
- b = 3a, C = b + e^b, a = 0.5: the breadth-first walk gives a.grad = 3, the right answer
  is 3 (1 + e^1.5) ~ 16.4451, and b's grad ends right either way (1 + e^1.5 ~ 5.4817).
Fan-out
- lesson 3's hidden neuron 1: paths +0.241 and -0.105, grad 0.136; with `=` it keeps the
  path through output neuron 0 alone, 0.241.
The reset
- the prediction: 0.2370, then 0.4741 (twice) without zero_grad.
- one epoch without zero_grad: every output sits at 0, the cost is stuck at 1, about one
  in ten right (every CPU).
Gates
- f = (x + y) z at x = -2, y = 5, z = -4: x.grad = -4, z.grad = 3; C = 3 max(1.5, 0.7):
  b.grad = 0 (a.grad = 3).
ReLU's kink
- backprop 0, every nudge measures 0.500.
Arrays
- "under a hundred lines" (Value); "the Tensor is about 60 lines"; 13,002 gradients agree
  with Network's to 1e-10 (in tests/test_autodiff.py); 30 epochs: over 90%, well under a
  minute, within half a point of lesson 6's worked solution with the same seed (every CPU).
Why reverse mode
- 13,002 forward-mode passes; the same gradient; "thousands of times the work".
"""

import inspect
import math
import time

import numpy as np
import pytest

from bp_helpers import autodiff, chain
from bp_helpers.autodiff import Tensor, Value, sgd_epoch, tensor_backprop
from bp_helpers.data import load_mnist
from bp_helpers.network import Network, one_hot
from bp_helpers.panels import example_network
from bp_helpers.questions import lesson6, lesson7


def test_lesson1s_chain_as_values_gives_lesson1s_numbers():
    C0, nodes = lesson7.lesson1_chain(**lesson7.LESSON1)
    C0.backward()
    g = chain.backward([1.5], [-0.5], 0.8, 0.0)
    assert nodes["w"].grad == pytest.approx(g.dC_dw[0], rel=1e-12)
    assert nodes["b"].grad == pytest.approx(g.dC_db[0], rel=1e-12)
    assert nodes["a_prev"].grad == pytest.approx(g.dC_da[0], rel=1e-12)
    assert [f"{v:.4f}" for v in (nodes["w"].grad, nodes["b"].grad, nodes["a_prev"].grad)] == \
        ["0.2370", "0.2963", "0.4444"]
    factors = (nodes["a"].grad, nodes["a"].local[0], nodes["z"].parents[0].local[0])
    assert [f"{v:.4f}" for v in factors] == ["1.3364", "0.2217", "0.8000"]
    assert f"{math.prod(factors):.4f}" == "0.2370"


@pytest.mark.parametrize("op", ["__add__", "__mul__", "__sub__", "__truediv__", "__pow__",
                                "exp", "log", "sigmoid", "tanh", "relu", "max", "__neg__"])
def test_each_scalar_operation_is_two_to_four_lines(op):
    lines = [line for line in inspect.getsource(getattr(Value, op)).splitlines()[1:]
             if line.strip() and not line.strip().startswith("#")]
    assert 1 <= len(lines) <= 4


def nonblank_lines(start, end):
    source = inspect.getsource(autodiff)
    return len([line for line in source[source.index(start):source.index(end)].splitlines()
                if line.strip()])


def test_the_scalar_version_is_under_a_hundred_lines_and_the_array_version_about_60():
    assert nonblank_lines("class Value", "# The same idea with arrays") < 100
    assert 50 <= nonblank_lines("class Tensor", "def tensor_backprop") <= 70


def test_the_exercises_run_what_the_lesson_says():
    assert len(lesson7.GRAPHS) == 3  # "runs it on three graphs, lesson 1's chain and two ..."
    assert "lesson 1's chain" in lesson7.GRAPHS
    assert lesson7.STEP_CASE["steps"] == 3  # "three steps of lesson 1's neuron"
    assert len(load_mnist(source="embedded").X_train) == 4000  # "the embedded 4,000 ..."


def test_the_wrong_order_reads_b_too_early():
    C, nodes = lesson7.wrong_order_graph(0.5)
    C.backward()
    assert nodes["a"].grad == pytest.approx(3 * (1 + math.exp(1.5)))
    assert f"{nodes['a'].grad:.4f}" == "16.4451" and f"{nodes['b'].grad:.4f}" == "5.4817"
    C, nodes = lesson7.wrong_order_graph(0.5)
    lesson7.backward_breadth_first(C)
    assert nodes["a"].grad == 3.0 and f"{nodes['b'].grad:.4f}" == "5.4817"


def test_fan_out_is_lesson3s_sum_over_paths():
    network, x, y = example_network()
    assert list(x) == [0.9, 0.2, 0.6] and list(y) == [1, 0]
    C0, layers = lesson7.lesson3_graph(network, x, y)
    C0.backward()
    a_1 = layers[1][1]
    paths = lesson7.paths_into(a_1, C0)
    assert [child.name for child, _ in paths] == ["w01(2) a1(1)", "w11(2) a1(1)"]
    assert [f"{amount:+.3f}" for _, amount in paths] == ["+0.241", "-0.105"]
    assert f"{a_1.grad:.3f}" == "0.136"
    assert a_1.grad == pytest.approx(network.backprop(x, y).dC_da[1][1], rel=1e-12)
    C0, layers = lesson7.lesson3_graph(network, x, y)
    lesson7.backward_assign(C0)
    assert layers[1][1].grad == pytest.approx(paths[0][1], rel=1e-12)  # output neuron 0's


def test_gates_and_the_missed_reset_predictions():
    for make, guess, shown in [(lesson7.add_gate, -4, "x.grad = -4"),
                               (lesson7.multiply_gate, 3, "z.grad = 3"),
                               (lesson7.max_gate, 0, "b.grad = 0"),
                               (lesson7.missed_reset, 0.4741, "w.grad = 0.4741"),
                               (lesson7.kink_check, 0.5, "0.5")]:
        prediction = make()
        assert not prediction.committed and "commit a prediction" in prediction.plain_text()
        answer = prediction.solve()
        assert answer.shown not in prediction.plain_text() or answer.shown == "0.5"
        reveal = prediction.commit(guess)
        assert reveal.correct and reveal.answer.shown == shown
    a, b = Value(1.5), Value(0.7)
    (a.max(b) * 3).backward()
    assert (a.grad, b.grad) == (3.0, 0.0)
    C0, nodes = lesson7.lesson1_chain()
    C0.backward()
    assert 2 * nodes["w"].grad == pytest.approx(lesson7.missed_reset().solve().value)


def test_at_relus_kink_backprop_says_0_and_every_nudge_measures_half():
    w, b = Value(0.5), Value(-0.5)
    (w * 1.0 + b).relu().backward()
    assert w.grad == 0.0
    for h in (1e-2, 1e-4, 1e-6):
        measured = (max(0.0, 0.5 + h - 0.5) - max(0.0, 0.5 - h - 0.5)) / (2 * h)
        assert f"{measured:.3f}" == "0.500"


def test_13002_parameters_and_forward_mode_takes_thousands_of_times_as_long():
    network = Network([784, 16, 16, 10], seed=0)
    assert sum(w.size + v.size for w, v in zip(network.W, network.b, strict=True)) == 13_002
    mnist = load_mnist(source="embedded")
    X, Y = mnist.X_train[:10], one_hot(mnist.y_train[:10], 10)
    started = time.perf_counter()
    forward = autodiff.forward_mode_gradient(network, X, Y)
    forward_seconds = time.perf_counter() - started
    reverse_seconds = []
    for _ in range(5):
        started = time.perf_counter()
        reverse = tensor_backprop(network, X, Y)
        reverse_seconds.append(time.perf_counter() - started)
    assert forward_seconds / min(reverse_seconds) > 1000
    for ours, ref in zip(forward, reverse, strict=True):
        for f, r in zip(ours, ref, strict=True):
            np.testing.assert_allclose(f, r, rtol=1e-8, atol=1e-12)


def start():
    network = Network([784, 16, 16, 10], seed=0)
    return [Tensor(w) for w in network.W], [Tensor(v) for v in network.b]


def as_network(W, b):
    return Network.from_weights([w.data for w in W], [v.data for v in b])


@pytest.mark.every_cpu
def test_one_epoch_without_zero_grad_ends_at_chance():
    mnist = load_mnist(source="embedded")
    Y = one_hot(mnist.y_train, 10)
    W, b = start()
    lesson7.sgd_epoch_no_reset(W, b, mnist.X_train, Y, 10, 0.5, np.random.default_rng(0))
    broken = as_network(W, b)
    assert broken.output(mnist.X_test).max() < 0.01  # every output sits at 0
    assert f"{broken.cost(mnist.X_train, mnist.y_train):.3f}" == "1.000"
    assert 0.05 <= broken.accuracy(mnist.X_test, mnist.y_test) <= 0.15  # about one in ten
    W, b = start()
    sgd_epoch(W, b, mnist.X_train, Y, 10, 0.5, np.random.default_rng(0))
    assert as_network(W, b).accuracy(mnist.X_test, mnist.y_test) > 0.2  # a normal epoch


@pytest.mark.every_cpu
def test_the_array_version_trains_past_90_percent_in_under_a_minute():
    mnist = load_mnist(source="embedded")
    Y = one_hot(mnist.y_train, 10)
    W, b = start()
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    for _ in range(30):
        sgd_epoch(W, b, mnist.X_train, Y, batch_size=10, lr=0.5, rng=rng)
    seconds = time.perf_counter() - started
    accuracy = as_network(W, b).accuracy(mnist.X_test, mnist.y_test)
    assert accuracy >= 0.9 and seconds < 60
    network, rng = Network([784, 16, 16, 10], seed=0), np.random.default_rng(0)
    for _ in range(30):
        lesson6.sgd_epoch(network, mnist.X_train, Y, batch_size=10, lr=0.5, rng=rng,
                          backprop=lesson6.backprop)
    assert abs(network.accuracy(mnist.X_test, mnist.y_test) - accuracy) <= 0.005
