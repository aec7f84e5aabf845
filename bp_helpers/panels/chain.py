"""Lesson 2's chain panel: one neuron per layer, x = a(0) -> a(1) -> a(2) -> a(3).

Sliders set every weight and bias, the input x and the target y. One
backward pass gives all six partial derivatives; nudging each parameter in
turn measures them again, and the table shows the two side by side. The bars
show how large the gradient is in each layer.

The "rel. error" column divides |backprop - nudged| by max(|backprop|,
|nudged|, floor). A nudge of h measures a derivative only to about
eps * max(C0, 1) / h, its round-off (eps = 2.2e-16, the spacing of floats
near 1): near a zero derivative a plain relative error would divide noise
by nearly nothing and show 1.0. The floor is the size of derivative whose
round-off is a relative error of ROUND_OFF_SHARE = 1e-6.
"""

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from bp_helpers import chain
from bp_helpers.access import live
from bp_helpers.activations import ACTIVATIONS, get_activation
from bp_helpers.gradcheck import numerical_gradient, relative_error
from bp_helpers.panels.view import (
    SLIDER_WIDTH,
    Blitter,
    PanelView,
    fmt,
    freeze_layout,
    live_figure,
    nice_top,
    wide_slider_layout,
)
from bp_helpers.validate import as_float

PARAM_RANGE = (-6.0, 6.0)
RANGES = {"x": (-2.0, 2.0), "y": (0.0, 1.0)}
NUDGE = 1e-6
ROUND_OFF_SHARE = 1e-6


def error_floor(C0, h=NUDGE):
    """The smallest derivative a nudge of h measures to ROUND_OFF_SHARE of itself.

    That is eps * max(C0, 1) / h / ROUND_OFF_SHARE: 2.2e-4 for C0 <= 1 and h = 1e-6.
    """
    return float(np.finfo(float).eps * max(abs(C0), 1.0) / abs(h) / ROUND_OFF_SHARE)


@dataclass(frozen=True)
class ChainState:
    """The panel's slider values: weights and biases per layer, x, y, activation."""

    w: tuple = (1.5, -2.0, 2.5)
    b: tuple = (0.5, 1.0, -1.0)
    x: float = 1.0
    y: float = 1.0
    activation: str = "sigmoid"


@dataclass(frozen=True)
class ChainResult:
    """What the panel shows for one state.

    gradients: the backward pass (dC_dw, dC_db, dC_da, delta per layer).
    nudged_dw, nudged_db (L,): the same partials measured by central
    differences with a nudge of 1e-6; rel_error_dw, rel_error_db compare them,
    relative to max(|backprop|, |nudged|, floor) (see `error_floor`).
    """

    state: ChainState
    gradients: chain.ChainGradients
    nudged_dw: np.ndarray
    nudged_db: np.ndarray
    rel_error_dw: np.ndarray
    rel_error_db: np.ndarray
    floor: float


def check_state(state):
    """Validate a ChainState against the sliders' ranges."""
    w, b, _, _ = chain.check_chain(state.w, state.b, state.x, state.y)
    get_activation(state.activation)
    low, high = PARAM_RANGE
    for name, values in (("w", w), ("b", b)):
        if np.any((values < low) | (values > high)):
            raise ValueError(f"every {name} must lie in [{low}, {high}], got {values.tolist()}")
    for name, (low, high) in RANGES.items():
        if not low <= as_float(name, getattr(state, name)) <= high:
            raise ValueError(f"{name} must lie in [{low}, {high}], got {getattr(state, name)}")


def chain_result(state):
    """Backpropagate once and nudge every parameter; return a ChainResult."""
    check_state(state)
    gradients = chain.backward(state.w, state.b, state.x, state.y, state.activation)
    w, b = np.array(state.w, dtype=float), np.array(state.b, dtype=float)
    nudged_dw, nudged_db = numerical_gradient(
        lambda: chain.cost(w, b, state.x, state.y, state.activation), [w, b], h=NUDGE
    )
    floor = error_floor(gradients.forward.C0)
    return ChainResult(
        state=state,
        gradients=gradients,
        nudged_dw=nudged_dw,
        nudged_db=nudged_db,
        rel_error_dw=relative_error(gradients.dC_dw, nudged_dw, floor=floor),
        rel_error_db=relative_error(gradients.dC_db, nudged_db, floor=floor),
        floor=floor,
    )


def readout_rows(result):
    """(key, parameter, backprop, nudged, relative error) rows, one per parameter."""
    g = result.gradients
    rows = []
    for name, analytic, nudged, error in (
        ("w", g.dC_dw, result.nudged_dw, result.rel_error_dw),
        ("b", g.dC_db, result.nudged_db, result.rel_error_db),
    ):
        for l in range(1, len(analytic) + 1):
            rows.append((f"{name}{l}", f"∂C<sub>0</sub>/∂{name}<sup>({l})</sup>",
                         fmt(analytic[l - 1], 6), fmt(nudged[l - 1], 6), f"{error[l - 1]:.1e}"))
    return rows


def readout_html(result):
    """The derivative table as HTML, headed by the forward pass's values."""
    fwd = result.gradients.forward
    # Each "name = value" kept on one line: the header may wrap between them, never inside.
    values = [(f"a<sup>({l})</sup>", a) for l, a in enumerate(fwd.a)] + [("C<sub>0</sub>", fwd.C0)]
    header = " &nbsp; ".join(f"<span style='white-space:nowrap'>{name} = {fmt(value)}</span>"
                             for name, value in values)
    columns = ("parameter", "backprop", "nudged", "error")
    cells = "".join(
        f"<tr data-key='{key}'>" + "".join(
            f"<td data-column='{column}' style='padding:1px 8px;text-align:right'>{cell}</td>"
            for column, cell in zip(columns, row, strict=True)
        ) + "</tr>"
        for key, *row in readout_rows(result)
    )
    head = "".join(f"<th style='padding:1px 8px'>{h}</th>"
                   for h in ("", "backprop", "nudged", "rel. error"))
    note = (f"<div style='font-size:85%'>rel. error = |backprop − nudged| / max(|backprop|, "
            f"|nudged|, floor); floor = <span data-key='floor'>{result.floor:.1e}</span>, "
            f"below which a nudge of {NUDGE:.0e} cannot measure a derivative to 6 digits</div>")
    return f"<div>{header}</div><table><tr>{head}</tr>{cells}</table>{note}"


class ChainPanel(PanelView):
    """The chain panel's view: eight sliders, the derivative table, gradient bars."""

    title = "Chain panel for x → a(1) → a(2) → a(3) → C0"

    def __init__(self, state=ChainState()):
        check_state(state)
        self.L = len(state.w)
        slider = dict(min=PARAM_RANGE[0], max=PARAM_RANGE[1], step=0.01,
                      description_allow_html=True, layout=wide_slider_layout())
        self.w_sliders = [widgets.FloatSlider(value=v, description=f"w<sup>({l})</sup>", **slider)
                          for l, v in enumerate(state.w, start=1)]
        self.b_sliders = [widgets.FloatSlider(value=v, description=f"b<sup>({l})</sup>", **slider)
                          for l, v in enumerate(state.b, start=1)]
        self.x_slider = widgets.FloatSlider(value=state.x, min=RANGES["x"][0], max=RANGES["x"][1],
                                            step=0.01, description="x = a<sup>(0)</sup>",
                                            description_allow_html=True,
                                            layout=wide_slider_layout())
        self.y_slider = widgets.FloatSlider(value=state.y, min=RANGES["y"][0], max=RANGES["y"][1],
                                            step=0.01, description="y",
                                            layout=wide_slider_layout())
        self.activation = widgets.ToggleButtons(options=list(ACTIVATIONS),
                                                value=state.activation, description="σ",
                                                style={"button_width": "80px"})
        self.table = live(widgets.HTML())
        self.fig = live_figure(5.6, 2.6, alt=(
            "Bar chart: the size of ∂C0/∂w(l) and ∂C0/∂b(l) for each layer l; the table "
            "beside the sliders gives the same numbers."))
        self.ax = self.fig.subplots()
        layers = np.arange(1, self.L + 1)
        self.w_bars = self.ax.bar(layers - 0.2, np.zeros(self.L), 0.4, label="|∂C₀/∂w(l)|")
        self.b_bars = self.ax.bar(layers + 0.2, np.zeros(self.L), 0.4, label="|∂C₀/∂b(l)|")
        self.ax.set(xticks=layers, xticklabels=[f"layer {l}" for l in layers],
                    title="how much each layer's parameters matter to C₀")
        self.ax.legend(fontsize=8)
        freeze_layout(self.fig)
        self.top = None
        self.blitter = Blitter(self.fig, [*self.w_bars, *self.b_bars])
        controls = [self.activation, self.x_slider, self.y_slider, *self.w_sliders,
                    *self.b_sliders]
        # The sliders long enough for the mouse (0.03 per pixel), the table beside them,
        # the bars below. The controls never get narrower than their sliders: squeezed,
        # they cut the readouts to "1.".
        column = widgets.Layout(min_width=f"calc({SLIDER_WIDTH} + 10px)", flex="0 0 auto")
        self.widget = widgets.VBox([
            widgets.HBox([widgets.VBox(controls, layout=column), self.table]),
            self.fig.canvas,
        ])
        self.watch(*controls)
        self.update()

    @property
    def state(self):
        """The current slider values as a ChainState."""
        return ChainState(
            w=tuple(s.value for s in self.w_sliders), b=tuple(s.value for s in self.b_sliders),
            x=self.x_slider.value, y=self.y_slider.value, activation=self.activation.value,
        )

    def controls(self, state):
        """Every slider and the σ buttons with its value in `state`, e.g. for
        panel.set_state(w=(1, 2, 3), x=0.5)."""
        return [
            *((f"w({l})", s, v) for l, (s, v) in enumerate(zip(self.w_sliders, state.w,
                                                               strict=True), start=1)),
            *((f"b({l})", s, v) for l, (s, v) in enumerate(zip(self.b_sliders, state.b,
                                                               strict=True), start=1)),
            ("x", self.x_slider, state.x), ("y", self.y_slider, state.y),
            ("activation", self.activation, state.activation),
        ]

    def check(self, state):
        check_state(state)
        for name in ("w", "b"):
            value = getattr(state, name)
            if np.size(value) != self.L:
                raise ValueError(f"{name} must hold {self.L} values, one per layer of the "
                                 f"panel's chain, got {np.size(value)}: {value!r}")
        super().check(state)

    def update(self, change=None):
        """Recompute for the current sliders; update the table and bars in place."""
        result = chain_result(self.state)
        self.table.value = readout_html(result)
        g = result.gradients
        for bars, heights in ((self.w_bars, np.abs(g.dC_dw)), (self.b_bars, np.abs(g.dC_db))):
            for bar, height in zip(bars, heights, strict=True):
                bar.set_height(height)
        top = nice_top(max(np.abs(g.dC_dw).max(), np.abs(g.dC_db).max()))
        rescale = top != self.top
        if rescale:
            self.top = top
            self.ax.set_ylim(0, top)
        self.blitter.update(full=rescale)
