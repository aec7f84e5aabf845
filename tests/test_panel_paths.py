"""Lesson 3's paths panel: the paths add up to backprop's dC0/da_k, for every neuron."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_helpers.network import Network
from bp_helpers.panels import PathsPanel, PathsState, example_network, paths_result
from bp_helpers.panels.paths import factors_table


def every_choice(network):
    for layer in range(len(network.W)):
        for k in range(network.sizes[layer]):
            yield PathsState(layer=layer, k=k, delta=1e-6)


def test_paths_add_up_to_backprop_for_every_neuron():
    network, x, y = example_network()
    for state in every_choice(network):
        r = paths_result(state, network, x, y)
        assert len(r.paths) == int(np.prod(network.sizes[state.layer + 1:]))
        assert r.total == pytest.approx(r.dC_da_k, rel=1e-12, abs=1e-15)
        assert r.ratio == pytest.approx(1, abs=1e-4)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=2, max_size=4), st.integers(0, 1000),
       st.sampled_from(["sigmoid", "tanh", "relu"]))
def test_path_sum_holds_in_any_small_network(sizes, seed, activation):
    network = Network(sizes, activation=activation, seed=seed)
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-1, 1, sizes[0]), rng.uniform(0, 1, sizes[-1])
    for state in every_choice(network):
        r = paths_result(state, network, x, y)
        assert r.total == pytest.approx(r.dC_da_k, rel=1e-12, abs=1e-15)


def test_one_step_paths_are_the_lesson_equation():
    network, x, y = example_network()
    g = network.backprop(x, y)
    r = paths_result(PathsState(layer=1, k=2), network, x, y)
    sigma_prime = network.activation.df(g.zs[1])
    for j, path in enumerate(r.paths):
        expected = network.W[1][j, 2] * sigma_prime[j] * 2 * (g.activations[2][j] - y[j])
        assert path.neurons == (2, j) and path.contribution == pytest.approx(expected, rel=1e-14)


def test_zero_nudge_has_no_ratio():
    network, x, y = example_network()
    r = paths_result(PathsState(delta=0.0), network, x, y)
    assert r.measured == 0 and r.ratio is None


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (PathsState(layer=2), r"layer must be 0 to 1 \(a layer before the output\), got 2"),
        (PathsState(layer=1, k=4), "layer 1 has neurons 0 to 3, got k = 4"),
        (PathsState(delta=2.0), r"delta must lie in \[0, 1.0\], got 2.0"),
    ],
)
def test_bad_state_gets_a_clear_error(state, message):
    network, x, y = example_network()
    with pytest.raises(ValueError, match=message):
        paths_result(state, network, x, y)


def test_view_follows_its_controls():
    panel = PathsPanel()
    assert len(panel.ax_bars.patches) == 2 + 1  # two paths and their sum
    panel.layer.value = 0
    assert panel.k.options == (("0", 0), ("1", 1), ("2", 2))
    assert len(panel.ax_bars.patches) == 8 + 1
    panel.k.value = 2
    expected = paths_result(panel.state, panel.network, panel.x, panel.y)
    assert f"{expected.dC_da_k:+.8g}" in panel.readout.value
    strong = [line for line in panel.ax_net.lines if line.get_alpha() == 1.0]
    assert len(strong) == 4 + 4 * 2  # input 2 -> each hidden neuron, then every hidden -> output
    panel.delta.value = 0.5
    assert "measured" in panel.readout.value


def test_each_path_shows_its_three_kinds_of_factor_and_their_product():
    network, x, y = example_network()
    for layer, per_path in ((0, 5), (1, 3)):  # a w and a σ′ per layer crossed, then 2(a − y)
        result = paths_result(PathsState(layer=layer, k=1), network, x, y)
        g = network.backprop(x, y)
        for path in result.paths:
            names = [name for name, _ in path.factors]
            assert len(names) == per_path and names[-1].startswith("2(a<sub>")
            assert path.contribution == pytest.approx(np.prod([v for _, v in path.factors]))
            j, k = path.neurons[1], path.neurons[0]
            assert path.factors[0][1] == network.W[layer][j, k]
            assert path.factors[-1][1] == g.dC_da[-1][path.neurons[-1]]
        table = factors_table(result)
        assert table.count("<tr>") == len(result.paths) + 1 and "w<sub>" in table
