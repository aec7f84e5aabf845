"""Static figures: they build, and a dead ReLU's zeros do not break the log plot."""

import numpy as np
import pytest

from bp_helpers import chain
from bp_helpers.plots import (
    backprop_vs_nudging_plot,
    chain_graph,
    computation_tree,
    gradient_per_layer,
)


def test_graphs_have_one_node_per_quantity():
    tree = computation_tree()
    labels = [t.get_text() for t in tree.axes[0].texts]
    assert {r"$w^{(L)}$", r"$z^{(L)}$", r"$C_0$", r"$2(a^{(L)} - y)$"} <= set(labels)
    assert sum("z^{(4)}" in t.get_text() for t in chain_graph(4).axes[0].texts) >= 1


def test_gradient_per_layer_skips_exact_zeros():
    dead = chain.backward([-3.0, 1.0, 1.0], [0.0, 0.5, 0.5], 0.5, 0.2, "relu")
    fig = gradient_per_layer({"relu": dead})
    ydata = fig.axes[0].lines[0].get_ydata()
    assert np.isnan(ydata[0]) and ydata[2] > 0


def test_gradient_per_layer_can_show_the_backward_signal():
    g = chain.backward([0.5, 0.5, 0.5], [0.0, 0.0, 0.0], 0.5, 1.0, "relu")
    fig = gradient_per_layer({"relu": g}, quantity="dC_db")
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), np.abs(g.delta))
    assert "δ(l)" in fig.axes[0].get_ylabel()
    with pytest.raises(ValueError, match="quantity must be one of"):
        gradient_per_layer({"relu": g}, quantity="dC_da")


def test_backprop_vs_nudging_plot_draws_both_ways():
    fig = backprop_vs_nudging_plot([1, 2], [1e-5, 2e-5], [4e-5, 1.6e-4])
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]


def test_gradient_per_layer_relative_starts_every_line_at_1():
    w, b, x, y = chain.random_chain(12, seed=0)
    scaled = {c: chain.backward(c * w, 0 * b, x, y, "relu") for c in (0.7, 1.3)}
    fig = gradient_per_layer(scaled, quantity="dC_db", relative=True)
    ax = fig.axes[0]
    for line, g in zip(ax.get_lines(), scaled.values(), strict=True):
        ys = line.get_ydata()
        assert ys[-1] == 1.0
        np.testing.assert_allclose(ys, np.abs(g.delta) / abs(g.delta[-1]))
    assert ax.get_ylabel().endswith("/ its value at layer 12")
