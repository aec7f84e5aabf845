"""Lesson 1's nudge panel: nudge w, b or a(L-1) and watch the cost respond.

The last link of the network is a(L-1) -> z = w a(L-1) + b -> a = sigma(z)
-> C0 = (a - y)^2. Nudging one input x by Delta changes the cost by the
measured Delta C = C(x + Delta) - C(x); the chain rule predicts
dC0/dx * Delta. Their ratio goes to 1 as Delta shrinks, until round-off
takes over below Delta ~ 1e-7.
"""

from dataclasses import asdict, dataclass

import ipywidgets as widgets
import numpy as np

from bp_helpers.access import live
from bp_helpers.activations import get_activation
from bp_helpers.chain import backward
from bp_helpers.costs import quadratic
from bp_helpers.panels.view import (
    Blitter,
    PanelView,
    fmt,
    freeze_layout,
    html_table,
    live_figure,
    nice_top,
    wide_slider_layout,
)
from bp_helpers.validate import as_float

# Slider ranges; the panel's logic is tested over all of them.
RANGES = {"w": (-6.0, 6.0), "b": (-6.0, 6.0), "a_prev": (0.0, 2.0), "y": (0.0, 1.0)}
DELTA_RANGE = (1e-12, 1.0)
NUDGEABLE = ("w", "b", "a_prev")
LABELS = {"w": "w<sup>(L)</sup>", "b": "b<sup>(L)</sup>", "a_prev": "a<sup>(L-1)</sup>"}
ERROR_DELTAS = np.logspace(-12, 0, 49)


@dataclass(frozen=True)
class NudgeState:
    """The panel's slider values: the link's inputs, the target, and the nudge."""

    w: float = 1.5
    b: float = -0.5
    a_prev: float = 0.8
    y: float = 0.0
    delta: float = 0.1
    wrt: str = "w"
    activation: str = "sigmoid"


@dataclass(frozen=True)
class NudgeResult:
    """Everything the panel shows for one state.

    factors: the three factors of dC0/dx as (label, value) pairs, whose
    product is dC_dx. curve_x, curve_C (200,): C0 over the nudged variable's
    slider range, with tangent_C the tangent line at the current point.
    deltas, errors (49,): |measured - predicted| for nudges from 1e-12 to 1;
    NaN where the two agree exactly, so a log plot simply skips the point.
    ratio is None when the predicted change is 0 (nothing to compare with).
    """

    state: NudgeState
    z: float
    a: float
    C0: float
    x: float
    dC_dx: float
    measured: float
    predicted: float
    ratio: float | None
    factors: tuple
    curve_x: np.ndarray
    curve_C: np.ndarray
    tangent_C: np.ndarray
    deltas: np.ndarray
    errors: np.ndarray


def check_state(state):
    """Validate a NudgeState: values finite and inside the sliders' ranges."""
    if state.wrt not in NUDGEABLE:
        raise ValueError(f"wrt must be one of {NUDGEABLE}, got {state.wrt!r}")
    get_activation(state.activation)
    for name, (low, high) in RANGES.items():
        value = as_float(name, getattr(state, name))
        if not low <= value <= high:
            raise ValueError(f"{name} must lie in [{low}, {high}], got {value}")
    delta = as_float("delta", state.delta)
    if not 0 <= delta <= DELTA_RANGE[1]:
        raise ValueError(f"delta must lie in [0, {DELTA_RANGE[1]}], got {delta}")


def cost_along(state, values):
    """C0 as the nudged variable `state.wrt` takes each of `values` (any shape)."""
    params = asdict(state)
    params[state.wrt] = np.asarray(values, dtype=float)
    z = params["w"] * params["a_prev"] + params["b"]
    return quadratic(get_activation(state.activation).f(z)[..., None], state.y)


def nudge_result(state):
    """Compute every readout and curve of the nudge panel for `state`."""
    check_state(state)
    grads = backward([state.w], [state.b], state.a_prev, state.y, state.activation)
    fwd = grads.forward
    dz_dx = {"w": state.a_prev, "b": 1.0, "a_prev": state.w}[state.wrt]
    dC_dx = {"w": grads.dC_dw[0], "b": grads.dC_db[0], "a_prev": grads.dC_da[0]}[state.wrt]
    x = getattr(state, state.wrt)

    C_x = cost_along(state, x)
    measured = float(cost_along(state, x + state.delta) - C_x)
    predicted = float(dC_dx * state.delta)
    errors = np.abs(cost_along(state, x + ERROR_DELTAS) - C_x - dC_dx * ERROR_DELTAS)

    low, high = RANGES[state.wrt]
    curve_x = np.linspace(low, high, 200)
    return NudgeResult(
        state=state,
        z=float(fwd.z[0]),
        a=float(fwd.a[1]),
        C0=fwd.C0,
        x=float(x),
        dC_dx=float(dC_dx) + 0.0,  # + 0.0 turns -0.0 into 0.0
        measured=measured,
        predicted=predicted,
        ratio=measured / predicted if predicted != 0 else None,
        factors=(
            (f"∂z/∂{state.wrt}", float(dz_dx)),
            ("σ′(z)", float(grads.sigma_prime[0])),
            ("2(a − y)", float(grads.dC_da[1])),
        ),
        curve_x=curve_x,
        curve_C=cost_along(state, curve_x),
        tangent_C=C_x + dC_dx * (curve_x - x),
        deltas=ERROR_DELTAS,
        errors=np.where(errors > 0, errors, np.nan),
    )


def readout_rows(result):
    """The panel's readouts as (key, label, value) rows, in lesson notation."""
    x = LABELS[result.state.wrt]
    factors = " × ".join(fmt(value) for _, value in result.factors)
    ratio = fmt(result.ratio, 8) if result.ratio is not None else "— (predicted change is 0)"
    return [
        ("z", "z<sup>(L)</sup> = w<sup>(L)</sup>a<sup>(L-1)</sup> + b<sup>(L)</sup>",
         fmt(result.z)),
        ("a", "a<sup>(L)</sup> = σ(z<sup>(L)</sup>)", fmt(result.a)),
        ("C0", "C<sub>0</sub> = (a<sup>(L)</sup> − y)²", fmt(result.C0)),
        ("factors", f"∂C<sub>0</sub>/∂{x} = {' × '.join(label for label, _ in result.factors)}",
         factors),
        ("dC_dx", "", f"= {fmt(result.dC_dx)}"),
        ("measured", f"measured ΔC = C({x} + Δ) − C({x})", fmt(result.measured)),
        ("predicted", f"predicted ∂C<sub>0</sub>/∂{x} · Δ", fmt(result.predicted)),
        ("ratio", "measured / predicted", ratio),
    ]


class NudgePanel(PanelView):
    """The nudge panel's view: sliders in, readouts and two live plots out."""

    title = "Nudge panel for the last link a(L-1) → a(L) → C0"

    def __init__(self, state=NudgeState()):
        check_state(state)
        self.sliders = {
            name: widgets.FloatSlider(
                value=getattr(state, name), min=low, max=high, step=0.01,
                description=LABELS.get(name, name), description_allow_html=True,
                layout=wide_slider_layout(),
            )
            for name, (low, high) in RANGES.items()
        }
        self.sliders["delta"] = widgets.FloatLogSlider(
            value=state.delta, base=10, min=np.log10(DELTA_RANGE[0]),
            max=np.log10(DELTA_RANGE[1]), step=0.25, description="Δ", readout_format=".1e",
            layout=wide_slider_layout(),
        )
        self.wrt = widgets.ToggleButtons(
            options=[(name.replace("_prev", "(L-1)"), name) for name in NUDGEABLE],
            value=state.wrt, description="nudge",
        )
        self.activation = widgets.ToggleButtons(
            options=["sigmoid", "relu"], value=state.activation, description="σ",
        )
        self.readout = live(widgets.HTML())
        self.fig = live_figure(9.0, 3.2, alt=(
            "Two plots: the cost C0 as the chosen parameter varies, with the tangent the "
            "chain rule gives, and the nudge's error against the nudge size; the table "
            "gives the numbers."))
        self._build_plots()
        freeze_layout(self.fig)
        controls = widgets.VBox([self.wrt, self.activation, *self.sliders.values()])
        self.widget = widgets.VBox(
            [widgets.HBox([controls, self.readout]), self.fig.canvas]
        )
        self.watch(*self.sliders.values(), self.wrt, self.activation)
        self.update()

    @property
    def state(self):
        """The current slider values as a NudgeState."""
        values = {name: slider.value for name, slider in self.sliders.items()}
        return NudgeState(**values, wrt=self.wrt.value, activation=self.activation.value)

    def controls(self, state):
        """Every slider and toggle with its value in `state`, e.g. for set_state(w=2.0, wrt="b")."""
        return [*((name, slider, getattr(state, name)) for name, slider in self.sliders.items()),
                ("wrt", self.wrt, state.wrt), ("activation", self.activation, state.activation)]

    def check(self, state):
        check_state(state)
        super().check(state)

    def _build_plots(self):
        self.ax_cost, self.ax_error = self.fig.subplots(1, 2)
        (self.cost_line,) = self.ax_cost.plot([], [], color="C0", label="C₀")
        (self.tangent_line,) = self.ax_cost.plot([], [], "--", color="C1", label="tangent")
        (self.nudge_line,) = self.ax_cost.plot([], [], "o-", color="C3", ms=4, label="nudge")
        self.legend = self.ax_cost.legend(loc="upper right", fontsize=8, framealpha=1)
        (self.error_line,) = self.ax_error.loglog([], [], ".-", color="C2")
        # The chosen nudge: a black diamond, told from the green line by shape, not hue.
        (self.error_marker,) = self.ax_error.loglog([], [], "D", color="black", ms=7)
        self.ax_error.set(
            xlabel="Δ", ylabel="|measured − predicted|", xlim=(5e-13, 2),
            ylim=(1e-20, 1e1), title="error of the prediction",
        )
        self.ax_error.grid(True, which="major", alpha=0.3)
        self._cost_limits = None
        # The legend is blitted last, so that the moving lines pass under it.
        self.blitter = Blitter(self.fig, [self.cost_line, self.tangent_line, self.nudge_line,
                                          self.error_line, self.error_marker, self.legend])

    def update(self, change=None):
        """Recompute for the current sliders and update readouts and artists in place."""
        result = nudge_result(self.state)
        self.readout.value = html_table(readout_rows(result))
        self.cost_line.set_data(result.curve_x, result.curve_C)
        self.tangent_line.set_data(result.curve_x, result.tangent_C)
        self.nudge_line.set_data(
            [result.x, result.x + result.state.delta],
            [result.C0, result.C0 + result.measured],
        )
        self.error_line.set_data(result.deltas, result.errors)
        marker = abs(result.measured - result.predicted)
        self.error_marker.set_data([result.state.delta], [marker if marker > 0 else np.nan])
        self.blitter.update(full=self._set_cost_axes(result))

    def _set_cost_axes(self, result):
        """Fit the cost plot's axes to the curve; return True if they changed."""
        name = {"w": "w", "b": "b", "a_prev": "a(L-1)"}[result.state.wrt]
        top = nice_top(float(result.curve_C.max()))
        limits = ((result.curve_x[0], result.curve_x[-1]), (-0.05 * top, top), name)
        if limits == self._cost_limits:
            return False
        self._cost_limits = limits
        self.ax_cost.set(xlim=limits[0], ylim=limits[1], xlabel=name, ylabel="C₀",
                         title=f"C₀ against {name}")
        return True

