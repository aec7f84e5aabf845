"""Lesson 3's paths panel: every way a neuron's activation reaches the cost.

With many neurons per layer, a_k(l) feeds every neuron of layer l+1, each of
those feeds every neuron after it, and so on to the cost. The chain rule
adds up one product per path:

    dC0/da_k(l) = sum over paths k -> j(l+1) -> ... -> j(L) of
                  w_{j(l+1) k} sigma'(z_{j(l+1)}) ... w_{j(L) j(L-1)} sigma'(z_{j(L)})
                  * 2(a_{j(L)} - y_{j(L)}).

For l = L-1 the paths are single steps, one per output neuron j, and this is
the lesson's new equation. The panel shows each path's product as a bar,
their sum beside backprop's dC0/da_k, and the cost change measured by
nudging a_k itself.
"""

import itertools
import math
import numbers
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from bp_helpers.access import live
from bp_helpers.costs import quadratic
from bp_helpers.network import Network
from bp_helpers.panels.view import PanelView, fmt, html_table, live_figure, wide_slider_layout
from bp_helpers.plots import draw_network
from bp_helpers.validate import as_float

DELTA_RANGE = (1e-8, 1.0)


def example_network():
    """The lesson's 3-4-2 sigmoid network, with weights large enough to see, and one example.

    Returns (network, x (3,), y (2,)). Seeded: the same every run.
    """
    rng = np.random.default_rng(3)
    W = [rng.normal(0.0, 1.5, (4, 3)), rng.normal(0.0, 1.5, (2, 4))]
    b = [rng.normal(0.0, 0.5, 4), rng.normal(0.0, 0.5, 2)]
    return Network.from_weights(W, b), np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0])


@dataclass(frozen=True)
class PathsState:
    """The panel's choices: the neuron k of layer `layer` to follow, and the nudge Δ."""

    layer: int = 1
    k: int = 0
    delta: float = 1e-3


@dataclass(frozen=True)
class Path:
    """One route from a_k(l) to the cost: the neuron index in each layer l..L, its factors
    as (name, value) pairs (a w and a σ′ per layer crossed, then 2(a_j − y_j)), and their
    product."""

    neurons: tuple
    contribution: float
    factors: tuple = ()

    @property
    def label(self):
        return " → ".join(str(j) for j in self.neurons)


@dataclass(frozen=True)
class PathsResult:
    """Everything the panel shows: the paths, their sum, backprop's value and the nudge.

    a_k is the chosen activation; dC_da_k what backprop finds; total the sum
    of the paths' contributions; measured C(a_k + Δ) - C(a_k), with the rest
    of the network recomputed; predicted dC_da_k * Δ.
    """

    state: PathsState
    paths: tuple
    total: float
    dC_da_k: float
    a_k: float
    measured: float
    predicted: float

    @property
    def ratio(self):
        return self.measured / self.predicted if self.predicted != 0 else None


def check_state(state, network):
    """Validate a PathsState against the network's layers and neurons."""
    L = len(network.W)
    for name in ("layer", "k"):
        value = getattr(state, name)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be a whole number, got {value!r}")
    if state.layer not in range(L):
        raise ValueError(f"layer must be 0 to {L - 1} (a layer before the output), "
                         f"got {state.layer!r}")
    if state.k not in range(network.sizes[state.layer]):
        raise ValueError(f"layer {state.layer} has neurons 0 to "
                         f"{network.sizes[state.layer] - 1}, got k = {state.k!r}")
    delta = as_float("delta", state.delta)
    if not 0 <= delta <= DELTA_RANGE[1]:
        raise ValueError(f"delta must lie in [0, {DELTA_RANGE[1]}], got {delta}")


def cost_from(network, a, layer, y):
    """C0 when layer `layer` outputs the activations a (n_layer,): run the rest forward."""
    for l in range(layer + 1, len(network.W) + 1):
        a = network.activation.f(network.W[l - 1] @ a + network.b[l - 1])
    return float(quadratic(a, y))


def paths_result(state, network, x, y):
    """Enumerate every path from a_k(layer) to the cost; compare with backprop and a nudge."""
    check_state(state, network)
    g = network.backprop(x, y)
    sigma_prime = [network.activation.df(z) for z in g.zs]
    layers = range(state.layer + 1, len(network.W) + 1)
    paths = []
    for route in itertools.product(*(range(network.sizes[l]) for l in layers)):
        neurons = (state.k, *route)
        factors = []
        for i, l in enumerate(layers):
            j, k = neurons[i + 1], neurons[i]
            factors += [(f"w<sub>{j}{k}</sub><sup>({l})</sup>", float(network.W[l - 1][j, k])),
                        (f"σ′(z<sub>{j}</sub><sup>({l})</sup>)", float(sigma_prime[l - 1][j]))]
        j = neurons[-1]
        factors.append((f"2(a<sub>{j}</sub> − y<sub>{j}</sub>)", float(g.dC_da[-1][j])))
        paths.append(Path(neurons, math.prod(value for _, value in factors), tuple(factors)))
    a = g.activations[state.layer]
    nudged = a.copy()
    nudged[state.k] += state.delta
    dC_da_k = float(g.dC_da[state.layer][state.k])
    return PathsResult(
        state=state,
        paths=tuple(paths),
        total=math.fsum(p.contribution for p in paths),
        dC_da_k=dC_da_k,
        a_k=float(a[state.k]),
        measured=cost_from(network, nudged, state.layer, y) - cost_from(network, a, state.layer, y),
        predicted=dC_da_k * state.delta,
    )


def readout_rows(result):
    """(key, label, value) rows for the panel's readout table."""
    name = f"a<sub>{result.state.k}</sub><sup>({result.state.layer})</sup>"
    return [
        ("a_k", name, fmt(result.a_k)),
        ("paths", f"number of paths from {name} to C<sub>0</sub>", str(len(result.paths))),
        ("total", "sum of the paths' products", fmt(result.total, 8)),
        ("backprop", f"backprop's ∂C<sub>0</sub>/∂{name}", fmt(result.dC_da_k, 8)),
        ("measured", f"measured ΔC = C({name} + Δ) − C({name})", fmt(result.measured)),
        ("predicted", "predicted ∂C<sub>0</sub>/∂a · Δ", fmt(result.predicted)),
        ("ratio", "measured / predicted",
         fmt(result.ratio, 8) if result.ratio is not None else "—"),
    ]


def factors_table(result):
    """Every path's factors and product, one row per path, as an HTML table."""
    def product(path):
        return " × ".join(f"{name} = {value:.3g}" for name, value in path.factors)

    rows = "".join(
        f"<tr><td style='padding:1px 10px 1px 0;white-space:nowrap'>{path.label}</td>"
        f"<td>{product(path)}</td><td style='text-align:right;font-family:monospace;"
        f"white-space:nowrap'>{fmt(path.contribution)}</td></tr>" for path in result.paths)
    return ("<details><summary>Each path's factors</summary><table style='border-collapse:"
            "collapse'><tr><th scope='col'>path</th><th scope='col'>factors</th>"
            f"<th scope='col'>product</th></tr>{rows}</table></details>")


class PathsPanel(PanelView):
    """The paths panel's view: pick a layer and neuron, nudge it, see every path."""

    title = "Paths panel: every route from one activation to the cost"

    def __init__(self, state=PathsState()):
        self.network, self.x, self.y = example_network()
        check_state(state, self.network)
        self.layer = widgets.ToggleButtons(
            options=[(f"layer {l}", l) for l in range(len(self.network.W))],
            value=state.layer, description="layer")
        self.k = self._neuron_buttons(state.layer, state.k)
        self.delta = widgets.FloatLogSlider(
            value=state.delta, base=10, min=np.log10(DELTA_RANGE[0]), max=np.log10(DELTA_RANGE[1]),
            step=0.25, description="Δ", readout_format=".1e", layout=wide_slider_layout())
        self.readout = live(widgets.HTML())
        self.factors = widgets.HTML()
        self.fig = live_figure(9.8, 3.6, alt=(
            "The network diagram with every path from the chosen activation to the cost, "
            "and a bar per path of its contribution to the derivative; the table gives "
            "the sums."))
        self.ax_net, self.ax_bars = self.fig.subplots(1, 2, width_ratios=[1, 1.3])
        self.control_box = widgets.VBox([self.layer, self.k, self.delta])
        self.widget = widgets.VBox([widgets.HBox([self.control_box, self.readout]),
                                    self.factors, self.fig.canvas])
        self._shown = None
        self.layer.observe(self._on_layer, names="value")
        self.watch(self.delta)
        self.update()

    def _neuron_buttons(self, layer, k=0):
        """A button per neuron of `layer`, observed by the panel."""
        buttons = widgets.ToggleButtons(
            options=[(str(j), j) for j in range(self.network.sizes[layer])], value=k,
            description="neuron k")
        self.watch(buttons)
        return buttons

    def _on_layer(self, change):
        # A new set of buttons, not new options on the old one: ipywidgets' front end
        # keeps the old buttons beyond the new count when their first labels agree.
        old, self.k = self.k, self._neuron_buttons(change["new"])
        self.control_box.children = (self.layer, self.k, self.delta)
        old.close()
        self.request_update()

    @property
    def state(self):
        """The current choices as a PathsState."""
        return PathsState(layer=self.layer.value, k=self.k.value, delta=self.delta.value)

    def controls(self, state):
        """The layer buttons and the Δ slider with their values in `state`.

        The neuron buttons are left out: a new layer gets new ones, which
        check_state checks k against.
        """
        return [("layer", self.layer, state.layer), ("delta", self.delta, state.delta)]

    def check(self, state):
        check_state(state, self.network)
        super().check(state)

    def apply_state(self, state):
        """Choose the layer first (it brings that layer's neuron buttons), then k and Δ."""
        self.layer.value = state.layer
        self.k.value, self.delta.value = state.k, state.delta

    def update(self, change=None):
        """Recompute; redraw the diagram and bars only when the chosen neuron changes."""
        result = paths_result(self.state, self.network, self.x, self.y)
        self.readout.value = html_table(readout_rows(result))
        chosen = (result.state.layer, result.state.k)
        if chosen != self._shown:
            self._shown = chosen
            self.factors.value = factors_table(result)
            self._draw(result)

    def _draw(self, result):
        layer = result.state.layer
        highlight = {(layer + i + 1, path.neurons[i + 1], path.neurons[i])
                     for path in result.paths for i in range(len(path.neurons) - 1)}
        self.ax_net.clear()
        draw_network(self.ax_net, self.network.W, highlight, chosen=(layer, result.state.k))
        self.ax_bars.clear()
        contributions = [p.contribution for p in result.paths]
        positions = np.arange(len(contributions))
        self.ax_bars.bar(positions, contributions, color="#2a6fdb", label="one path's product")
        self.ax_bars.bar([len(contributions) + 0.5], [result.total], color="#f4a259",
                         label="sum of the paths")
        self.ax_bars.axhline(result.dC_da_k, color="#b03a2e", ls="--",
                             label="backprop's ∂C₀/∂a")
        self.ax_bars.axhline(0, color="#333", lw=0.8)
        self.ax_bars.set_xticks([*positions, len(contributions) + 0.5],
                                [p.label for p in result.paths] + ["sum"],
                                rotation=45 if len(result.paths) > 4 else 0, fontsize=8)
        self.ax_bars.set(title=f"paths from neuron {result.state.k} of layer {layer}",
                         xlabel="path (neuron in each layer)")
        self.ax_bars.legend(fontsize=8)
        self.fig.canvas.draw()
