"""Lesson 5's look inside: one digit's activations and its backprop "wishes".

For one example, the output layer "wishes" to move by -dC0/da(L): up for
the right digit, down for the others, more strongly the more wrong it is.
Backprop turns these wishes into wishes for each earlier layer, -dC0/da(l),
and into a change for every weight. For hidden neuron j of layer 1, the
weight gradient dC0/dw_jk(1) = delta_j(1) x_k is the input image itself,
scaled by one number: weights from inked pixels change most, weights from
blank pixels not at all. The numbers come from bp_helpers.evaluation.look_inside;
this module picks the test digit and draws them.
"""

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from bp_helpers.access import live
from bp_helpers.data.preprocess import IMAGE_SHAPE
from bp_helpers.evaluation import Inside, look_inside
from bp_helpers.panels.view import (
    Blitter,
    PanelView,
    bar_colors,
    freeze_layout,
    html_table,
    live_figure,
    set_bars,
    wide_slider_layout,
)
from bp_helpers.validate import whole_number


@dataclass(frozen=True)
class InsideState:
    """The panel's choices: which test example, and which neuron j of layer 1 to inspect."""

    index: int = 0
    neuron: int = 0


@dataclass(frozen=True)
class InsideResult:
    """What the panel shows for one state: evaluation.look_inside's Inside for that digit."""

    state: InsideState
    inside: Inside


def check_state(state, X):
    """Validate an InsideState's index into the test set X (m, 784); look_inside checks neuron."""
    whole_number("index", state.index, least=0, most=len(X) - 1)


def inside_result(state, network, X, labels):
    """look_inside for test example `state.index` of X (m, 784) with labels (m,)."""
    check_state(state, X)
    inside = look_inside(network, X[state.index], labels[state.index], state.neuron)
    return InsideResult(state=state, inside=inside)


def readout_rows(result):
    """(key, label, value) rows for the readout: the digit, the verdict, each layer's largest
    wish, and which way the weights into neuron j wish to move (the image's one colour, in
    words). Short values, so the readout stays two columns in a narrow column.
    """
    inside = result.inside
    verdict = "right" if inside.predicted == inside.label else "wrong"
    wish = -float(np.sum(inside.dC_dw_neuron))  # -delta_j times the ink, which is >= 0
    way = "grow (blue)" if wish > 0 else "shrink (red)" if wish < 0 else "stay (δ_j = 0)"
    return [
        ("label", "true digit", str(inside.label)),
        ("predicted", "network says", f"{inside.predicted} ({verdict})"),
        *((f"largest{l}", f"largest wish in a({l})", f"{np.abs(w).max():.1e}")
          for l, w in enumerate(inside.wishes[1:], start=1)),
        ("weights", f"weights into neuron {result.state.neuron} wish to", way),
    ]


class InsidePanel(PanelView):
    """Pick a test digit and a hidden neuron; see activations, wishes and a weight gradient.

    Wishes are drawn to scale within each layer (the largest bar reaches the
    frame), and the readout gives each layer's largest wish, so the axes never
    move and a new digit redraws only its bars and images (see Blitter).
    """

    title = "Look inside: activations and backprop's wishes for one digit"

    def __init__(self, network, X, labels, state=InsideState()):
        self.network, self.X, self.labels = network, X, labels
        self.index = widgets.IntSlider(value=state.index, min=0, max=len(X) - 1,
                                       description="test digit", continuous_update=False,
                                       layout=wide_slider_layout())
        self.neuron = widgets.IntSlider(value=state.neuron, min=0, max=network.sizes[1] - 1,
                                        description="neuron j", layout=wide_slider_layout())
        self.readout = live(widgets.HTML())
        self.fig = live_figure(9.8, 5.0, alt=(
            "The test digit, the gradient of the cost with respect to its pixels, and bar "
            "charts of every layer's activations and wishes; the table gives the label, "
            "the answer and hidden neuron j's numbers."))
        self._build(network.sizes)
        freeze_layout(self.fig)
        self.blitter = Blitter(self.fig, [
            self.image, self.gradient, self.ax_digit.title, self.ax_gradient.title,
            *(bar for bars in self.activation_bars + self.wish_bars for bar in bars),
        ])
        # Sliders stacked beside the readout, which keeps its lines whole.
        self.widget = widgets.VBox([widgets.HBox([widgets.VBox([self.index, self.neuron]),
                                                  self.readout]), self.fig.canvas])
        self.watch(self.index, self.neuron)
        self.update()

    def _build(self, sizes):
        grid = self.fig.add_gridspec(2, len(sizes))
        self.ax_digit = self.fig.add_subplot(grid[0, 0])
        self.ax_gradient = self.fig.add_subplot(grid[1, 0])
        self.image = self.ax_digit.imshow(np.zeros(IMAGE_SHAPE), cmap="gray_r", vmin=0, vmax=1)
        self.gradient = self.ax_gradient.imshow(np.zeros(IMAGE_SHAPE), cmap="RdBu", vmin=-1,
                                                vmax=1)
        self.ax_digit.set_title("test digit", fontsize=9)
        self.ax_gradient.set_title("wished change of the weights\ninto neuron j of layer 1",
                                   fontsize=9)
        for ax in (self.ax_digit, self.ax_gradient):
            ax.set_axis_off()
        self.activation_bars, self.wish_bars = [], []
        for l in range(1, len(sizes)):
            ax_a = self.fig.add_subplot(grid[0, l])
            ax_w = self.fig.add_subplot(grid[1, l])
            self.activation_bars.append(ax_a.bar(range(sizes[l]), np.zeros(sizes[l])))
            self.wish_bars.append(ax_w.bar(range(sizes[l]), np.zeros(sizes[l])))
            name = "output" if l == len(sizes) - 1 else f"hidden layer {l}"
            ax_a.set(ylim=(0, 1))
            ax_a.set_title(f"a({l}): {name}", fontsize=10)
            ax_w.set(ylim=(-1.1, 1.1), yticks=[-1, 0, 1])
            ax_w.set_title(f"wishes −∂C₀/∂a({l}) (scaled)", fontsize=10)
            ax_w.axhline(0, color="#333", lw=0.8)
            ticks = range(sizes[l]) if sizes[l] <= 10 else range(0, sizes[l], 5)
            for ax in (ax_a, ax_w):
                ax.set_xticks(list(ticks))
                ax.tick_params(labelsize=7)

    @property
    def state(self):
        return InsideState(index=self.index.value, neuron=self.neuron.value)

    def controls(self, state):
        """Both sliders with their values in `state`, e.g. for set_state(index=7, neuron=3)."""
        return [("index", self.index, state.index), ("neuron", self.neuron, state.neuron)]

    def check(self, state):
        check_state(state, self.X)
        super().check(state)

    def update(self, change=None):
        """Recompute for the chosen digit and neuron; redraw only what moves."""
        state = self.state
        result = inside_result(state, self.network, self.X, self.labels)
        self.readout.value = html_table(readout_rows(result))
        r = result.inside
        self.image.set_data(r.activations[0].reshape(IMAGE_SHAPE))
        self.gradient.set_data(-r.dC_dw_neuron.reshape(IMAGE_SHAPE) / largest_magnitude(
            r.dC_dw_neuron))
        self.ax_digit.set_title(f"test digit #{state.index}: a {r.label}", fontsize=9)
        self.ax_gradient.set_title(f"wished change of the weights\ninto neuron {state.neuron} "
                                   "of layer 1", fontsize=9)
        last = len(self.activation_bars)
        for l, (bars, wish_bars) in enumerate(
                zip(self.activation_bars, self.wish_bars, strict=True), start=1):
            highlight = r.label if l == last else (state.neuron if l == 1 else None)
            set_bars(bars, r.activations[l], bar_colors(r.activations[l], highlight))
            wishes = r.wishes[l] / largest_magnitude(r.wishes[l])
            set_bars(wish_bars, wishes, bar_colors(wishes))
        self.blitter.update()


def largest_magnitude(values):
    """max |values|, or 1 where every value is 0 (so dividing by it is always safe)."""
    largest = float(np.abs(values).max())
    return largest if largest > 0 else 1.0
