"""Every claim of lesson 2 that depends on computed output, recomputed with its parameters.

Claims (quoted or paraphrased from notebooks/text/02_a_chain_of_layers.py):

The chain panel
- the error column "divides |backprop - nudged| by max(|backprop|, |nudged|, floor), with
  the floor (2.2e-4 for C0 <= 1) ... Anywhere on the sliders the error then stays below 1e-4".
- "a nudge measures a derivative only to about eps C0 / 1e-6 ~ 2e-10 (for C0 <= 1)".
- try 1: y = a(3) is 0.45 to two digits; every derivative below 5e-4, about 600 times
  smaller; 2(a(3) - y) ~ -0.002; error column 1e-9 or less.
- try 2: w(1) = 6: dC0/dw(1) from 0.031 to 0.0004; z(1) = 6.5, sigma' ~ 0.0015.
- try 3: ReLU at the defaults: z(2) = -3, z(3) = -1, all six derivatives 0; with
  b(3) = 0.5: z(3) = 0.5, dC0/db(3) = delta(3) = -1, dC0/dw(3) = a(2) delta(3) = 0, layers
  1 and 2 all 0.
- try 4: layer 1's bars shortest (0.031 each); layer 3's bias bar tallest (0.27); among the
  weights layer 2's (0.13) beats layer 3's (0.087); a(2) = 0.32.
Vanishing gradients
- "Twelve layers shrink it by at least 4^11 ~ 4 million" (for these weights).
- sigmoid: first layer's gradient "about seven orders of magnitude smaller than the last one's";
  "tanh fares much better"; ReLU keeps it "within a factor of 2 of the last one's".
- weights x 0.7: delta(1) about a hundred times weaker than delta(12); x 1.3: eight times
  stronger; the weight derivatives' ratio is the same in all three.
Why backprop?
- "nudging costs 4L^2 layer evaluations. Backprop ... about 2L"; "The ratio ... is 2L here".
- the plot: log-log axes; count slopes exactly 1 and 2. The measured seconds ("nudging is
  slower at every length, and the gap between the lines widens as L grows") are timings,
  so benchmarks/bench_backprop_vs_nudging.py checks them, not a test.
"""

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_helpers import chain
from bp_helpers.backprop_vs_nudging import layer_evaluations, loglog_slope, time_gradients
from bp_helpers.gradcheck import difference_quotient
from bp_helpers.network import Network
from bp_helpers.panels import ChainState, chain_result
from bp_helpers.panels.chain import PARAM_RANGE, RANGES, error_floor
from bp_helpers.plots import backprop_vs_nudging_plot
from bp_helpers.questions import lesson2

pytestmark = pytest.mark.every_cpu  # the lesson's claims hold under every CPU's kernels

LESSON = Path(__file__).parents[1] / "notebooks" / "text" / "02_a_chain_of_layers.py"
params = st.tuples(*[st.floats(*PARAM_RANGE)] * 3)


def test_floor_is_the_stated_size():
    assert round(error_floor(0.5), 5) == 2.2e-4 == round(error_floor(1.0), 5)
    assert round(np.finfo(float).eps / 1e-6, 10) == 2e-10


@settings(max_examples=300, deadline=None)
@given(st.builds(ChainState, w=params, b=params, x=st.floats(*RANGES["x"]),
                 y=st.floats(*RANGES["y"]), activation=st.sampled_from(["sigmoid", "tanh"])))
def test_error_column_stays_below_1e_4_anywhere(state):
    r = chain_result(state)
    assert max(r.rel_error_dw.max(), r.rel_error_db.max()) < 1e-4


@pytest.mark.parametrize("state", [
    ChainState(y=float(chain_result(ChainState()).gradients.forward.a[-1])),  # y = a(3) exactly
    ChainState(w=(-6.0,) * 3, b=(-6.0,) * 3),
    ChainState(w=(-6.0,) * 3, b=(-6.0,) * 3, activation="tanh"),
    ChainState(w=(3.0, -5.0, 4.0), b=(-2.0, 6.0, -6.0), x=-2.0, activation="tanh"),
])
def test_error_column_is_small_where_derivatives_nearly_vanish(state):
    # On the old panel (no floor) these showed 1.0e+00 where backprop is right.
    r = chain_result(state)
    assert max(r.rel_error_dw.max(), r.rel_error_db.max()) < 1e-4


def test_try_1_output_as_target():
    default = chain_result(ChainState()).gradients
    assert f"{default.forward.a[-1]:.2f}" == "0.45"
    r = chain_result(ChainState(y=0.45))
    g = r.gradients
    largest = max(np.abs(g.dC_dw).max(), np.abs(g.dC_db).max())
    before = max(np.abs(default.dC_dw).max(), np.abs(default.dC_db).max())
    assert largest < 5e-4 and 500 < before / largest < 700
    assert round(g.dC_da[-1], 3) == -0.002
    assert max(r.rel_error_dw.max(), r.rel_error_db.max()) <= 1e-9


def test_try_2_saturated_first_layer():
    before = chain_result(ChainState()).gradients
    after = chain_result(ChainState(w=(6.0, -2.0, 2.5))).gradients
    assert round(before.dC_dw[0], 3) == 0.031 and round(after.dC_dw[0], 4) == 0.0004
    assert after.forward.z[0] == 6.5 and round(after.sigma_prime[0], 4) == 0.0015


def test_try_3_both_ways_a_neuron_goes_silent():
    text = LESSON.read_text()
    assert "raise $b^{(3)}$ to $0.5$" in text
    dead = chain_result(ChainState(activation="relu")).gradients
    assert list(dead.forward.z[1:]) == [-3.0, -1.0]
    assert np.all(dead.dC_dw == 0) and np.all(dead.dC_db == 0)
    b3 = float(re.search(r"raise \$b\^\{\(3\)\}\$ to \$([-\d.]+)\$", text).group(1))
    g = chain_result(ChainState(activation="relu", b=(0.5, 1.0, b3))).gradients
    assert g.forward.z[2] == 0.5 and g.forward.a[2] == 0
    assert g.dC_db[2] == g.delta[2] == -1.0  # layer 3 alive: learns through its bias
    assert g.dC_dw[2] == 0  # but a(2) = 0: its weight learns nothing
    assert g.sigma_prime[1] == 0  # layer 2 dead
    assert np.all(g.dC_dw[:2] == 0) and np.all(g.dC_db[:2] == 0)


def test_try_4_last_layer_learns_fastest():
    g = chain_result(ChainState()).gradients
    assert (round(abs(g.dC_dw[2]), 3), round(abs(g.dC_db[2]), 2)) == (0.087, 0.27)
    assert round(g.dC_dw[0], 3) == round(g.dC_db[0], 3) == 0.031
    assert np.argmin(np.abs(g.dC_dw)) == 0 and np.argmin(np.abs(g.dC_db)) == 0
    assert np.argmax(np.abs(g.dC_db)) == 2
    assert np.argmax(np.abs(g.dC_dw)) == 1 and round(abs(g.dC_dw[1]), 2) == 0.13
    assert round(g.forward.a[2], 2) == 0.32


def lesson_chain():
    return chain.random_chain(12, seed=0)


def test_vanishing_gradients_by_activation():
    w12, b12, x12, y12 = lesson_chain()
    g = {name: chain.backward(w12, b12, x12, y12, name) for name in ["sigmoid", "tanh", "relu"]}
    sig = g["sigmoid"]
    assert abs(np.prod(w12[1:] * sig.sigma_prime[1:])) <= 4.0**-11 < 1 / 4e6
    orders = np.log10(abs(sig.dC_dw[-1] / sig.dC_dw[0]))
    assert 6.5 < orders < 7.5
    tanh = abs(g["tanh"].dC_dw[0] / g["tanh"].dC_dw[-1])
    assert tanh > 1e-2
    relu = abs(g["relu"].dC_dw[0] / g["relu"].dC_dw[-1])
    assert 0.5 < relu < 2


def test_relu_signal_still_multiplied_by_the_weights():
    w12, b12, x12, y12 = lesson_chain()
    scaled = {c: chain.backward(c * w12, 0 * b12, x12, y12, "relu") for c in [0.7, 1.0, 1.3]}
    for c, g in scaled.items():
        assert np.all(g.forward.z > 0)  # every ReLU alive
        assert g.delta[0] / g.delta[-1] == pytest.approx(np.prod(c * w12[1:]))
    assert 80 < scaled[0.7].delta[-1] / scaled[0.7].delta[0] < 130  # about a hundred
    assert round(scaled[1.3].delta[0] / scaled[1.3].delta[-1]) == 8
    assert round(scaled[1.0].delta[0] / scaled[1.0].delta[-1], 2) == 0.46  # "about half"
    assert round(float(np.prod(w12[1:])), 2) == 0.46
    # the ×1.3 line ends highest at layer 1, the ×0.7 one lowest
    ends = {c: g.delta[0] / g.delta[-1] for c, g in scaled.items()}
    assert ends[1.3] > ends[1.0] > ends[0.7]
    # the outputs are wrong by different amounts, so delta(12) differs between the chains
    assert len({round(float(g.delta[-1]), 3) for g in scaled.values()}) == 3
    assert "undiminished" not in LESSON.read_text()  # the old, false claim
    ratios = [g.dC_dw[0] / g.dC_dw[-1] for g in scaled.values()]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-12)
    assert round(ratios[0], 3) == 0.960  # "the same 0.960 in all three"


def test_counts_and_their_ratio():
    for L in [1, 3, 10, 100, 1000]:
        backprop, nudging = layer_evaluations(L)
        assert (backprop, nudging, nudging // backprop) == (2 * L, 4 * L**2, 2 * L)


def test_the_prediction_for_a_100_layer_chain_is_2L():
    reveal = lesson2.nudging_ratio(L=100, guess=200).reveal
    assert reveal.correct and reveal.answer.shown == "200 times as many"
    assert "40,000 layer evaluations" in reveal.answer.why and ": 200." in reveal.answer.why
    assert not lesson2.nudging_ratio(L=100, guess=100).reveal.correct  # L, not 2L


def test_nudging_really_evaluates_4L2_layers(monkeypatch):
    calls = []
    real_forward = chain._forward
    monkeypatch.setattr(chain, "_forward", lambda w, *rest: calls.append(len(w))
                        or real_forward(w, *rest))
    for L in (2, 5):
        calls.clear()
        time_gradients(np.array([L]), repeats=1)
        # one backward pass (one forward inside it), then 2P = 4L nudged forward passes
        assert calls[0] == L and sum(calls[1:]) == layer_evaluations(L)[1]


def test_cost_plot_is_log_log_with_counts_beside_seconds():
    lengths = np.array([2, 4, 8, 16, 32, 64])
    backprop_count, nudging_count = layer_evaluations(lengths)
    assert loglog_slope(lengths, backprop_count) == pytest.approx(1)
    assert loglog_slope(lengths, nudging_count) == pytest.approx(2)
    fig = backprop_vs_nudging_plot(lengths, 1e-5 * lengths**0.6, 1e-4 * lengths**1.7)
    counts, seconds = fig.axes
    for ax in fig.axes:
        assert ax.get_xscale() == ax.get_yscale() == "log"
    labels = [t.get_text() for t in counts.get_legend().get_texts()]
    assert labels == ["nudge every parameter: slope 2.00", "backprop: slope 1.00"]
    labels = [t.get_text() for t in seconds.get_legend().get_texts()]
    assert labels == ["nudge every parameter: slope 1.70", "backprop: slope 0.60"]
    with pytest.raises(ValueError, match="positive"):
        loglog_slope([1, 2], [0, 1])


def test_each_sigmoid_layer_shrinks_the_signal_by_at_most_its_weight_over_4():
    w, b, x, y = chain.random_chain(12, seed=0)
    assert 0.365 < np.abs(w).min() < 0.375 and 1.645 < np.abs(w).max() < 1.655
    bound = np.prod(np.abs(w[1:]) / 4)  # layers 2 to 12
    assert 8.5e6 < 1 / bound < 9.5e6  # "about one in 9 million"
    assert 4**11 == 4_194_304  # "at least 4^11 ≈ 4 million" for |w| <= 1
    g = chain.backward(w, b, x, y, "sigmoid")
    # dC0/da(1) against dC0/da(12): each layer passes on |w sigma'(z)| <= |w| / 4
    assert abs(g.dC_da[1] / g.dC_da[12]) <= bound
    assert np.all(g.sigma_prime <= 0.25)


class CountedProducts(np.ndarray):
    """An array that adds up the multiply-adds of every matrix product it takes part in."""

    multiply_adds = 0

    def __matmul__(self, other):
        return CountedProducts.count(np.asarray(self), np.asarray(other))

    def __rmatmul__(self, other):
        return CountedProducts.count(np.asarray(other), np.asarray(self))

    @staticmethod
    def count(a, b):
        CountedProducts.multiply_adds += a.size * (b.shape[-1] if b.ndim > 1 else 1)
        return (a @ b).view(CountedProducts)


@pytest.mark.parametrize("sizes", [[64, 16, 10], [784, 16, 16, 10], [10, 10, 10, 10, 10]])
def test_a_matrix_backward_pass_costs_one_to_two_forward_passes(sizes):
    network = Network(sizes, seed=0)
    network.W = [W.view(CountedProducts) for W in network.W]
    X = np.random.default_rng(0).random((20, sizes[0]))
    y = np.arange(20) % sizes[-1]
    CountedProducts.multiply_adds = 0
    network.forward(X)
    forward = CountedProducts.multiply_adds
    CountedProducts.multiply_adds = 0
    network.backprop(X, y)  # its own forward pass, then the backward pass
    backward = CountedProducts.multiply_adds - forward
    assert forward < backward < 2 * forward


def test_nielsens_half_cost_halves_every_derivative_and_mse_over_ten_outputs_tenths_them():
    """'his delta^L = (a^L - y) sigma'(z^L) is half of our delta^(L), and every derivative he
    computes from it is half of ours'; 'for this chain's one output it is our C0, and for a
    digit's ten outputs ... its gradients are a tenth of ours'. autograd differentiates the
    other costs afresh; the lesson's chain and a 784-16-16-10 network give ours."""
    import autograd.numpy as anp
    from autograd import grad

    w, b, x, y = [1.5, -2.0, 2.5], [0.5, 1.0, -1.0], 1.0, 1.0  # the lesson's chain

    def a_L(params, activation=lambda z: 1 / (1 + anp.exp(-z))):
        a = x
        for w_l, b_l in zip(params[:3], params[3:], strict=True):
            a = activation(w_l * a + b_l)
        return a

    params = anp.array(w + b)
    ours = chain.backward(w, b, x, y)
    nielsen = grad(lambda p: 0.5 * (a_L(p) - y) ** 2)(params)
    mse = grad(lambda p: anp.mean((anp.atleast_1d(a_L(p)) - y) ** 2))(params)
    np.testing.assert_allclose(nielsen, 0.5 * np.concatenate([ours.dC_dw, ours.dC_db]), rtol=1e-12)
    np.testing.assert_allclose(nielsen[3:], 0.5 * ours.delta, rtol=1e-12)
    np.testing.assert_allclose(mse, np.concatenate([ours.dC_dw, ours.dC_db]), rtol=1e-12)

    network = Network([784, 16, 16, 10], seed=0)
    X, Y = np.random.default_rng(0).random((1, 784)), np.eye(10)[[2]]
    dC_dW, _ = network.backprop(X, Y)

    def mean_over_ten(W_last):
        hidden = X
        for W, b_l in zip(network.W[:-1], network.b[:-1], strict=True):
            hidden = 1 / (1 + np.exp(-(hidden @ W.T + b_l)))
        a = 1 / (1 + anp.exp(-(anp.dot(hidden, W_last.T) + network.b[-1])))
        return anp.mean((a - Y) ** 2)

    np.testing.assert_allclose(grad(mean_over_ten)(network.W[-1]), dC_dW[-1] / 10, rtol=1e-10)


def test_the_codes_indexing_as_the_lesson_states_it():
    """'layer l's delta[l - 1], dC_dw[l - 1] and sigma_prime[l - 1]'; 'dC_da[l] is
    dC0/da(l), and dC_da[0] is dC0/dx'; both dC_da[l] and delta[l - 1] are layer l's."""
    w, b, x, y = [1.5, -2.0, 2.5], [0.5, 1.0, -1.0], 1.0, 1.0
    g, L = chain.backward(w, b, x, y), 3
    assert len(g.delta) == len(g.dC_dw) == len(g.sigma_prime) == L and len(g.dC_da) == L + 1
    for l in range(1, L + 1):
        assert g.delta[l - 1] == g.dC_da[l] * g.sigma_prime[l - 1]
        assert g.dC_dw[l - 1] == pytest.approx(g.forward.a[l - 1] * g.delta[l - 1], rel=1e-15)
    by_nudging = difference_quotient(lambda x_: chain.cost(w, b, x_, y), x, h=1e-6)
    assert g.dC_da[0] == pytest.approx(by_nudging, rel=1e-6)
