"""The vectorised dense network: forward, cost, backprop and checks at the boundary.

The centrepiece is the agreement test: `Network.backprop`, the loop version
`backprop_loops` and autograd (differentiating a forward pass written afresh
below in autograd.numpy) must give the same gradients to 1e-12.
"""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_helpers.network import COSTS, Network, check_labels, one_hot
from bp_helpers.network_loops import backprop_loops

ORACLE_SIGMA = {
    "sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z)),
    "relu": lambda z: anp.maximum(z, 0.0),
    "tanh": anp.tanh,
}


def oracle_output(W, b, a, first, activation, cost):
    """(z(L), a(L)) from a = a(first-1), running layers first..L in autograd.numpy."""
    L = len(W)
    for layer in range(first, L + 1):
        z = anp.dot(a, W[layer - 1].T) + b[layer - 1]
        a = oracle_activation(z, layer == L, activation, cost)
    return z, a


def oracle_activation(z, is_output, activation, cost):
    if is_output and cost == "cross_entropy":
        shifted = z - anp.max(z, axis=1, keepdims=True)
        return anp.exp(shifted) / anp.sum(anp.exp(shifted), axis=1, keepdims=True)
    return ORACLE_SIGMA[activation](z)


def oracle_total_C0(z_L, a_L, Y, cost):
    """sum over the batch of C0, written from the definitions."""
    if cost == "cross_entropy":
        shifted = z_L - anp.max(z_L, axis=1, keepdims=True)
        return -anp.sum(Y * (shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))))
    return anp.sum((a_L - Y) ** 2)


def oracle_gradients(network, X, Y):
    """(dC_dW, dC_db) of the batch-averaged cost, by autograd."""
    L, act, cost = len(network.W), network.activation.name, network.cost_name

    def C(params):
        W, b = params[:L], params[L:]
        return oracle_total_C0(*oracle_output(W, b, X, 1, act, cost), Y, cost) / len(X)

    gradients = grad(C)(network.W + network.b)
    return gradients[:L], gradients[L:]


def oracle_dC_da(network, X, Y, layer, a):
    """dC0/da(layer) for every example, by autograd: the slope of sum_i C0_i in a (m, n)."""
    act, cost, L = network.activation.name, network.cost_name, len(network.W)
    if layer == L:  # a(L) is the output (quadratic cost only: softmax outputs are tied)
        return grad(lambda a: anp.sum((a - Y) ** 2))(a)
    return grad(lambda a: oracle_total_C0(*oracle_output(network.W, network.b, a, layer + 1,
                                                         act, cost), Y, cost))(a)


def oracle_delta(network, X, Y, layer, z):
    """dC0/dz(layer) for every example, by autograd."""
    act, cost, L = network.activation.name, network.cost_name, len(network.W)

    def total(z):
        a = oracle_activation(z, layer == L, act, cost)
        if layer == L:
            return oracle_total_C0(z, a, Y, cost)
        return oracle_total_C0(*oracle_output(network.W, network.b, a, layer + 1, act, cost),
                               Y, cost)

    return grad(total)(z)


@st.composite
def problems(draw):
    """A random network (1-3 computing layers of 1-5 neurons) with a batch of 1-4 examples."""
    depth = draw(st.integers(1, 3))
    sizes = draw(st.lists(st.integers(1, 5), min_size=depth + 1, max_size=depth + 1))
    activation = draw(st.sampled_from(["sigmoid", "relu", "tanh"]))
    cost = draw(st.sampled_from(list(COSTS)))
    if cost == "cross_entropy":
        sizes[-1] = max(sizes[-1], 2)
    m = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    network = Network(sizes, activation, cost, seed=rng)
    network.b = [rng.standard_normal(n) for n in sizes[1:]]
    X = 2 * rng.standard_normal((m, sizes[0]))
    labels = rng.integers(0, sizes[-1], m)
    kind = draw(st.sampled_from(["labels", "one-hot", "real"] if cost == "quadratic"
                                else ["labels", "one-hot"]))
    Y = {"labels": labels, "one-hot": one_hot(labels, sizes[-1]),
         "real": rng.standard_normal((m, sizes[-1]))}[kind]
    return network, X, Y


def assert_lists_close(got, expected, tol=1e-12):
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g.shape == np.shape(e)
        np.testing.assert_allclose(g, e, rtol=tol, atol=tol)


@settings(max_examples=100, derandomize=True, database=None, deadline=None)
@given(problems())
def test_vectorised_loops_and_autograd_agree(problem):
    network, X, Y = problem
    dC_dW, dC_db = network.backprop(X, Y)
    loops_dW, loops_db = backprop_loops(network, X, Y)
    oracle_dW, oracle_db = oracle_gradients(network, X, network.as_batch(X, Y)[1])
    assert_lists_close(dC_dW, oracle_dW)
    assert_lists_close(dC_db, oracle_db)
    assert_lists_close(loops_dW, oracle_dW)
    assert_lists_close(loops_db, oracle_db)


@settings(max_examples=50, derandomize=True, database=None, deadline=None)
@given(problems())
def test_every_delta_and_dC_da_matches_autograd(problem):
    network, X, Y = problem
    Y = network.as_batch(X, Y)[1]
    result = network.backprop(X, Y)
    L = len(network.W)
    for layer in range(L + 1):
        if network.cost_name == "cross_entropy" and layer == L:  # dC0/da_j = -y_j / a_j
            expected = np.where(Y == 0, 0.0, -Y / result.activations[L])
        else:
            expected = oracle_dC_da(network, X, Y, layer, result.activations[layer])
        np.testing.assert_allclose(result.dC_da[layer], expected, rtol=1e-12, atol=1e-12)
    for layer in range(1, L + 1):
        expected = oracle_delta(network, X, Y, layer, result.zs[layer - 1])
        np.testing.assert_allclose(result.deltas[layer - 1], expected, rtol=1e-12, atol=1e-12)


def small_network(cost="quadratic", activation="sigmoid", seed=3):
    network = Network([4, 3, 2], activation, cost, seed=seed)
    network.b = [np.array([0.1, -0.2, 0.3]), np.array([0.5, -0.5])]
    return network


X4 = np.random.default_rng(7).standard_normal((5, 4))
LABELS = np.array([0, 1, 1, 0, 1])


# Construction and initialisation


def test_shapes_follow_the_package_convention():
    network = Network([784, 16, 16, 10])
    assert [w.shape for w in network.W] == [(16, 784), (16, 16), (10, 16)]
    assert [b.shape for b in network.b] == [(16,), (16,), (10,)]
    assert all((b == 0).all() for b in network.b)
    assert repr(network) == "Network([784, 16, 16, 10], activation='sigmoid', cost='quadratic')"


def test_init_is_seeded_and_scaled_by_fan_in():
    W = Network([400, 300, 2], seed=5).W
    np.testing.assert_array_equal(W[0], Network([400, 300, 2], seed=5).W[0])
    assert not np.array_equal(W[0], Network([400, 300, 2], seed=6).W[0])
    np.testing.assert_allclose(W[0].std(), 1 / np.sqrt(400), rtol=0.02)
    generator_W = Network([400, 300, 2], seed=np.random.default_rng(5)).W
    np.testing.assert_array_equal(generator_W[0], W[0])


def test_copy_is_independent():
    network = small_network()
    twin = network.copy()
    twin.W[0][0, 0] += 1.0
    twin.b[1][0] += 1.0
    assert network.W[0][0, 0] != twin.W[0][0, 0] and network.b[1][0] != twin.b[1][0]
    assert (twin.sizes, twin.activation, twin.cost_name) == (
        network.sizes, network.activation, network.cost_name)


def test_from_weights_copies_and_infers_sizes():
    W = [np.ones((3, 2)), np.ones((1, 3))]
    network = Network.from_weights(W, [np.zeros(3), np.zeros(1)], "tanh")
    assert network.sizes == [2, 3, 1] and network.activation.name == "tanh"
    W[0][0, 0] = 5.0
    assert network.W[0][0, 0] == 1.0


# Forward and cost


def test_forward_computes_z_and_a_layer_by_layer():
    network = small_network()
    x = X4[0]
    zs, activations = network.forward(x)
    sigma = network.activation.f
    z1 = network.W[0] @ x + network.b[0]
    z2 = network.W[1] @ sigma(z1) + network.b[1]
    np.testing.assert_allclose(zs[0], z1, rtol=1e-15)
    np.testing.assert_allclose(zs[1], z2, rtol=1e-15)
    np.testing.assert_array_equal(activations[0], x)
    np.testing.assert_allclose(activations[2], sigma(z2), rtol=1e-15)


def test_a_batch_gives_the_rows_of_single_examples():
    network = small_network("cross_entropy")
    batch = network.forward(X4)
    for i, x in enumerate(X4):
        single = network.forward(x)
        for got, expected in zip(single.zs + single.activations, batch.zs + batch.activations,
                                 strict=True):
            assert got.ndim == 1
            np.testing.assert_allclose(got, expected[i], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(network.output(X4).sum(axis=1), 1.0)  # softmax outputs


@pytest.mark.parametrize("cost", COSTS)
def test_cost_is_the_batch_average_of_C0(cost):
    network = small_network(cost)
    per_example = [network.cost(x, label) for x, label in zip(X4, LABELS, strict=True)]
    np.testing.assert_allclose(network.cost(X4, LABELS), np.mean(per_example), rtol=1e-14)


def test_quadratic_cost_matches_the_lesson_formula():
    network = small_network()
    a = network.output(X4)
    Y = one_hot(LABELS, 2)
    np.testing.assert_allclose(network.cost(X4, Y), np.mean(np.sum((a - Y) ** 2, axis=1)))


def test_labels_and_one_hot_rows_are_the_same_targets():
    for cost in COSTS:
        network = small_network(cost)
        assert network.cost(X4, LABELS) == network.cost(X4, one_hot(LABELS, 2))
        assert network.cost(X4, LABELS.astype(float)) == network.cost(X4, LABELS)


def test_quadratic_cost_takes_real_targets_and_one_output_targets():
    network = small_network()
    Y = np.array([[0.2, 0.7]] * 5)
    assert network.cost(X4, Y) > 0
    single_output = Network([4, 3, 1])
    y = np.array([0.0, 1.0, 1.0, 0.0, 0.5])  # one target per example, not labels
    np.testing.assert_allclose(single_output.cost(X4, y), single_output.cost(X4, y[:, None]))
    assert np.isfinite(single_output.cost(X4[0], 0.5))


def test_single_example_gradients_equal_a_batch_of_one():
    network = small_network("cross_entropy", "tanh")
    single = network.backprop(X4[0], 1)
    batch = network.backprop(X4[:1], [1])
    assert_lists_close(single.dC_dW + single.dC_db, batch.dC_dW + batch.dC_db, tol=0)
    result = network.backprop(X4[0], 1)
    assert [d.shape for d in result.deltas] == [(3,), (2,)]
    assert [d.shape for d in result.dC_da] == [(4,), (3,), (2,)]


def test_cross_entropy_dC_da_handles_probabilities_that_round_to_zero():
    network = Network.from_weights([np.array([[1000.0], [-1000.0]])], [np.zeros(2)],
                                   cost="cross_entropy")
    result = network.backprop([1.0], 1)  # softmax gives the true class probability 0
    assert result.dC_da[1][0] == 0.0 and result.dC_da[1][1] == -np.inf
    np.testing.assert_allclose(result.deltas[0], [1.0, -1.0])


def test_predict_and_accuracy():
    network = Network.from_weights([np.array([[1.0, 0.0], [0.0, 1.0]])], [np.zeros(2)])
    X = np.array([[2.0, 0.0], [0.0, 3.0], [1.0, 0.5]])
    np.testing.assert_array_equal(network.predict(X), [0, 1, 0])
    assert network.predict(X[1]) == 1 and isinstance(network.predict(X[1]), int)
    assert network.accuracy(X, [0, 1, 1]) == pytest.approx(2 / 3)
    assert network.accuracy(X, one_hot([0, 1, 0], 2)) == 1.0


def test_one_hot_and_check_labels():
    np.testing.assert_array_equal(one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(one_hot(1, 2), [0, 1])
    np.testing.assert_array_equal(check_labels(np.array([1.0, 0.0]), 2), [1, 0])
    with pytest.raises(ValueError, match="n, the number of classes, must be at least 1, got 0"):
        one_hot([0], 0)


# Checks at the boundary: every mistake gets a sentence, never a numpy traceback.

NETWORK = small_network()
CE_NETWORK = small_network("cross_entropy")
BAD_INPUTS = [
    (lambda: Network([784, 16, 10]).cost(np.zeros((3, 100)), [0, 1, 2]), ValueError,
     r"expected 784 inputs per example \(28x28 pixels\), got 100"),
    (lambda: Network([64, 10]).forward(np.zeros(100)), ValueError,
     r"^expected 64 inputs per example \(8x8 pixels\), got 100$"),
    (lambda: NETWORK.cost(np.zeros((4, 5)), LABELS), ValueError,
     r"expected 4 inputs per example, got 5 \(examples are rows: did you mean X.T\?\)"),
    (lambda: NETWORK.forward(np.zeros((2, 2, 2))), ValueError,
     r"batch of shape \(m, 4\), got shape \(2, 2, 2\): flatten each example"),
    (lambda: NETWORK.forward(np.zeros((0, 4))), ValueError, "at least one example"),
    (lambda: NETWORK.forward("pixels"), TypeError, "X must be a number or an array of numbers"),
    (lambda: NETWORK.forward([[1, 2, 3, 4], [1, 2]]), TypeError, "X must be a number or an array"),
    (lambda: NETWORK.forward([[0, np.nan, 0, 0]]), ValueError,
     r"X must be finite, got nan at index \(0, 1\)"),
    (lambda: NETWORK.cost([[0, 0, np.inf, 0]], [0]), ValueError, "X must be finite, got inf"),
    (lambda: NETWORK.cost(X4, [0, 1, 2, 0, 1]), ValueError,
     r"labels must be whole numbers from 0 to 1 \(one per output neuron\), got 2 at index 2"),
    (lambda: NETWORK.cost(X4, [0, -1, 1, 0, 1]), ValueError, "got -1 at index 1"),
    (lambda: NETWORK.cost(X4, [0, 1, 0.5, 0, 1]), ValueError, "whole numbers .* got 0.5"),
    (lambda: NETWORK.cost(X4, np.array([True, False, True, True, False])), TypeError,
     "labels must be whole numbers, got values of type bool"),
    (lambda: NETWORK.cost(X4, ["a", "b", "c", "d", "e"]), TypeError,
     "Y must be a number or an array of numbers"),
    (lambda: NETWORK.cost(X4, [0, 1, 1]), ValueError, r"expected 5 labels, .* shape \(3,\)"),
    (lambda: NETWORK.cost(X4, np.zeros((4, 2))), ValueError, "Y has 4 rows but X has 5"),
    (lambda: NETWORK.cost(X4, np.zeros((5, 3))), ValueError,
     r"targets of shape \(5, 2\), got shape \(5, 3\)"),
    (lambda: NETWORK.cost(X4, np.full((5, 2), np.nan)), ValueError, "Y must be finite"),
    (lambda: NETWORK.cost(X4[0], [0, 1, 0]), ValueError,
     r"Y for one example must be a label \(0 to 1\) or a vector of 2 targets"),
    (lambda: CE_NETWORK.cost(X4, np.full((5, 2), 0.5)), ValueError,
     r"cross_entropy needs one-hot rows in Y .* got row 0: \[0.5 0.5\]"),
    (lambda: CE_NETWORK.cost(X4, np.array([[1, 0]] * 4 + [[1, 1]])), ValueError, "got row 4"),
    (lambda: NETWORK.accuracy(X4, np.full((5, 2), 0.5)), ValueError,
     r"labels given as rows must be one-hot \(a single 1, the rest 0\), got row 0"),
    (lambda: Network([3]), ValueError, r"at least 2 layers \(inputs and outputs\), got \[3\]"),
    (lambda: Network([]), ValueError, "at least 2 layers"),
    (lambda: Network(784), TypeError, r"a list of layer sizes such as \[784, 16, 16, 10\]"),
    (lambda: Network("784 10"), TypeError, "a list of layer sizes"),
    (lambda: Network([4, 0, 2]), ValueError,
     r"sizes\[1\], the neurons in layer 1, must be at least 1, got 0"),
    (lambda: Network([4, -3]), ValueError, r"sizes\[1\], .* must be at least 1, got -3"),
    (lambda: Network([4, 2.5]), TypeError,
     r"sizes\[1\], the neurons in layer 1, must be a whole number, got 2.5"),
    (lambda: Network([4, True]), TypeError, "must be a whole number, got True"),
    (lambda: Network([4, 2], "softplus"), ValueError, "unknown activation 'softplus'"),
    (lambda: Network([4, 2], cost="mse"), ValueError,
     "unknown cost 'mse': expected one of 'quadratic', 'cross_entropy'"),
    (lambda: Network([4, 1], cost="cross_entropy"), ValueError, "at least 2 output neurons"),
    (lambda: Network.from_weights([np.ones((3, 4)), np.ones((2, 5))], [np.ones(3), np.ones(2)]),
     ValueError, r"mismatched layer sizes: W\[1\] has shape \(2, 5\), but layer 1 has 3 neurons"),
    (lambda: Network.from_weights([np.ones((3, 4))], [np.ones(4)]), ValueError,
     r"mismatched layer sizes: b\[0\] has shape \(4,\), expected \(3,\)"),
    (lambda: Network.from_weights([np.ones((3, 4))], []), ValueError, "one entry per layer"),
    (lambda: Network.from_weights([np.ones(4)], [np.ones(1)]), ValueError,
     r"W\[0\] must be a 2-D"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_INPUTS)
def test_bad_inputs_get_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("call", [lambda n, X: n.cost(X, None),
                                  lambda n, X: n.backprop(X, None)])
def test_the_cost_and_its_gradient_need_targets(call):
    network = Network([3, 2])
    with pytest.raises(TypeError, match=r"Y must be the targets: labels \(m,\) or one-hot rows "
                                        r"\(m, n_L\), got None"):
        call(network, np.ones((4, 3)))


@pytest.mark.parametrize(("X", "message"), [
    (np.ones((2, 3)) + 1j, r"X must hold real numbers, got complex values such as \(1\+1j\)"),
    ([[1, 2, 3j]], "X must hold real numbers, got complex values"),
    ([None, 1, 2], "X must hold numbers, got None at index 0"),
    ([[1, 2, 3], [4, None, 6]], r"X must hold numbers, got None at index \(1, 1\)"),
])
def test_inputs_that_are_not_real_numbers_are_refused(X, message):
    with pytest.raises(TypeError, match=message):
        Network([3, 2]).forward(X)


def test_a_network_too_large_for_memory_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="50,000,740 weights and biases"):  # just above the cap
        Network([784, 62894, 10])
    with pytest.raises(ValueError, match=r"sizes \[784, 1000000, 10\] make 795,000,010 weights "
                                         r"and biases, 6.36 GB of memory; a network here may "
                                         r"have at most 50,000,000"):
        Network([784, 10**6, 10])
