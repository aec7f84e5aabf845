"""Lesson 1's levers panel: three ways to make one output neuron more active.

Output neuron j of the last layer computes z_j = sum_k w_jk a_k + b_j and
a_j = sigma(z_j), from the activations a_k of layer L-1. To raise a_j there
are three levers, as 3Blue1Brown's chapter 3 shows:

* raise the bias b_j:                          dz_j/db_j   = 1;
* raise each weight w_jk in proportion to a_k:  dz_j/dw_jk  = a_k;
* change each a_k in proportion to w_jk:        dz_j/da_k   = w_jk.

A nudge of total size 1 along a lever's best direction raises a_j by
sigma'(z_j) times the length of that lever's gradient: 1 for the bias,
|a| for the weights, |w_j| for the activations. The panel ranks the two
parameter levers, which training moves with the same step; it does not rank
the activations among them, because they are not parameters: they are what
layer L-1 computes, each a sigmoid's output, so each stays within 0 and 1
(an a_k already at 0 cannot go lower). Lever 3 is a request to layer L-1.
The weight lever is the Hebbian echo, "neurons that fire together wire
together": the weights from the most active inputs change the most.
"""

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from bp_helpers.access import live
from bp_helpers.activations import sigmoid, sigmoid_prime
from bp_helpers.panels.view import Blitter, PanelView, fmt, freeze_layout, html_table, live_figure
from bp_helpers.validate import as_float

N_PREV, N_OUT = 6, 3
A_RANGE = (0.0, 1.0)
STEP_RANGE = (0.0, 1.0)
LEVERS = ("bias", "weights", "activations")
PARAMETERS = ("bias", "weights")  # the levers training pulls, and the panel ranks
LEVER_NAMES = {
    "bias": "raise the bias b<sub>j</sub>",
    "weights": "raise each w<sub>jk</sub> in proportion to a<sub>k</sub>",
}


def example_layer():
    """The lesson's last layer: W (3, 6) and b (3,), seeded, the same every run."""
    rng = np.random.default_rng(1)
    W = np.round(rng.normal(0.0, 1.0, (N_OUT, N_PREV)), 2)
    return W, np.round(rng.normal(0.0, 0.5, N_OUT), 2)


@dataclass(frozen=True)
class LeversState:
    """The panel's choices: the activations a_k of layer L-1, the output j, the nudge size."""

    a_prev: tuple = (0.9, 0.1, 0.6, 0.0, 0.3, 0.8)
    j: int = 0
    step: float = 0.1


@dataclass(frozen=True)
class LeversResult:
    """Everything the panel shows for one state.

    z, a: output neuron j's weighted input and activation; sigma_prime its slope.
    effect: {lever: da_j per unit nudge along that lever's best direction};
    ranking: the two parameter levers, most effective first. w_direction
    (6,): how a weight nudge of total size 1 shares out over the w_jk
    (proportional to a_k); a_direction (6,): the same for the a_k
    (proportional to w_jk). dw, da_prev (6,): those shares times `step`.
    a_prev_after (6,): the activations after lever 3's nudge, each kept within
    [0, 1]; pinned: the k whose a_k cannot move as far as asked. new_a: a_j
    after each lever's nudge of size `step`, computed exactly.
    """

    state: LeversState
    w: np.ndarray
    b: float
    z: float
    a: float
    sigma_prime: float
    effect: dict
    ranking: tuple
    w_direction: np.ndarray
    a_direction: np.ndarray
    dw: np.ndarray
    da_prev: np.ndarray
    a_prev_after: np.ndarray
    pinned: tuple
    new_a: dict


def check_state(state):
    """Validate a LeversState: six activations in [0, 1], j an output neuron, step in [0, 1]."""
    a_prev = np.asarray(state.a_prev, dtype=float)
    if a_prev.shape != (N_PREV,):
        raise ValueError(f"a_prev must hold {N_PREV} activations, got shape {a_prev.shape}")
    if not np.all((a_prev >= A_RANGE[0]) & (a_prev <= A_RANGE[1])):
        raise ValueError(f"every a_prev must lie in {list(A_RANGE)}, got {a_prev.tolist()}")
    if state.j not in range(N_OUT):
        raise ValueError(f"j must be an output neuron 0 to {N_OUT - 1}, got {state.j!r}")
    step = as_float("step", state.step)
    if not STEP_RANGE[0] <= step <= STEP_RANGE[1]:
        raise ValueError(f"step must lie in {list(STEP_RANGE)}, got {step}")


def _unit(v):
    """v scaled to length 1 (zeros stay zeros: a lever with nothing to push)."""
    length = np.linalg.norm(v)
    return v / length if length > 0 else np.zeros_like(v)


def levers_result(state, layer=None):
    """Compare the three levers for raising output neuron j; return a LeversResult."""
    check_state(state)
    W, b = layer if layer is not None else example_layer()
    a_prev = np.asarray(state.a_prev, dtype=float)
    w, b_j = W[state.j], float(b[state.j])
    z = float(w @ a_prev + b_j)
    slope = float(sigmoid_prime(z))
    gradient_length = {"bias": 1.0, "weights": float(np.linalg.norm(a_prev)),
                       "activations": float(np.linalg.norm(w))}
    effect = {lever: slope * length for lever, length in gradient_length.items()}
    ranking = tuple(sorted(PARAMETERS, key=lambda lever: -effect[lever]))
    w_direction, a_direction = _unit(a_prev), _unit(w)
    dw, da_prev = state.step * w_direction, state.step * a_direction
    a_prev_after = np.clip(a_prev + da_prev, *A_RANGE)
    pinned = tuple(int(k) for k in np.flatnonzero(a_prev_after != a_prev + da_prev))
    new_z = {"bias": z + state.step, "weights": float((w + dw) @ a_prev + b_j),
             "activations": float(w @ a_prev_after + b_j)}
    return LeversResult(
        state=state, w=w, b=b_j, z=z, a=float(sigmoid(z)), sigma_prime=slope,
        effect=effect, ranking=ranking, w_direction=w_direction, a_direction=a_direction,
        dw=dw, da_prev=da_prev, a_prev_after=a_prev_after, pinned=pinned,
        new_a={lever: float(sigmoid(value)) for lever, value in new_z.items()},
    )


def readout_rows(result):
    """(key, label, value) rows: the parameter levers ranked by da_j per unit nudge, each
    with a_j after the nudge; then lever 3, the request to layer L-1, with a_j after it."""
    j, step = result.state.j, result.state.step
    rows = [("a", f"a<sub>{j}</sub><sup>(L)</sup> = σ(z<sub>{j}</sub>) now", fmt(result.a))]
    for rank, lever in enumerate(result.ranking, start=1):
        rows.append((f"effect_{lever}", f"{rank}. {LEVER_NAMES[lever]}: per unit nudge",
                     fmt(result.effect[lever])))
        rows.append((f"new_a_{lever}", f"&nbsp;&nbsp;&nbsp;a<sub>{j}</sub> after a nudge of "
                     f"{step:g}", fmt(result.new_a[lever])))
    held = ", ".join(f"a<sub>{k}</sub> at {result.a_prev_after[k]:g}" for k in result.pinned)
    rows.append(("new_a_activations", f"not a parameter, a request to layer L−1: "
                 f"a<sub>{j}</sub> after a nudge of {step:g}" + (f" ({held})" if held else ""),
                 fmt(result.new_a["activations"])))
    return rows


class LeversPanel(PanelView):
    """The levers panel's view: activation sliders in, ranking and two bar charts out."""

    title = "Levers panel: three ways to raise one output neuron"

    def __init__(self, state=LeversState(), layer=None):
        check_state(state)
        self.layer = layer if layer is not None else example_layer()
        self.a_sliders = [
            widgets.FloatSlider(value=v, min=A_RANGE[0], max=A_RANGE[1], step=0.01,
                                description=f"a<sub>{k}</sub><sup>(L-1)</sup>",
                                description_allow_html=True)
            for k, v in enumerate(state.a_prev)
        ]
        self.j = widgets.ToggleButtons(options=list(range(N_OUT)), value=state.j,
                                       description="raise j", style={"button_width": "40px"})
        self.step = widgets.FloatSlider(value=state.step, min=STEP_RANGE[0], max=STEP_RANGE[1],
                                        step=0.01, description="nudge size")
        self.readout = live(widgets.HTML())
        self.fig = live_figure(8.0, 2.8, alt=(
            "Two bar charts over k = 0 to 5: the weight lever's change of each w_jk beside "
            "the input a_k, and the change of each a_k that lever 3 requests of layer L-1, "
            "grey where a_k is already at 0 or 1; the table ranks the two parameter levers "
            "and gives lever 3's result, with their numbers."))
        self.ax_w, self.ax_a = self.fig.subplots(1, 2)
        k = np.arange(N_PREV)
        self.w_bars = self.ax_w.bar(k - 0.2, np.zeros(N_PREV), 0.4, color="C0",
                                    label=r"$\Delta w_{jk}$ per unit nudge")
        self.a_bars = self.ax_w.bar(k + 0.2, np.zeros(N_PREV), 0.4, color="C7",
                                    label=r"$a_k^{(L-1)}$ (input)")
        self.da_bars = self.ax_a.bar(k, np.zeros(N_PREV), 0.6, color="C2")
        self.ax_w.set(xticks=k, xlabel="k", ylim=(0, 1.3),
                      title=r"weight lever: $\Delta w_{jk} \propto a_k$")
        self.ax_w.legend(fontsize=8, loc="upper center", ncol=2)
        self.ax_a.set(xticks=k, xlabel="k   (grey: already at 0 or 1, cannot go further)",
                      ylim=(-1.05, 1.05),
                      ylabel=r"$\Delta a_k^{(L-1)}$ per unit nudge",
                      title=r"request to layer L-1: $\Delta a_k \propto w_{jk}$")
        self.ax_a.axhline(0, color="black", lw=0.8)
        freeze_layout(self.fig)
        self.blitter = Blitter(self.fig, [*self.w_bars, *self.a_bars, *self.da_bars])
        controls = widgets.VBox([self.j, self.step, *self.a_sliders])
        self.widget = widgets.VBox([widgets.HBox([controls, self.readout]), self.fig.canvas])
        self.watch(self.j, self.step, *self.a_sliders)
        self.update()

    @property
    def state(self):
        """The current slider values as a LeversState."""
        return LeversState(a_prev=tuple(s.value for s in self.a_sliders), j=self.j.value,
                           step=self.step.value)

    def controls(self, state):
        """Every control with its value in `state`, e.g. for set_state(j=2, a_prev=(1, 0, ...))."""
        return [*((f"a_prev[{k}]", slider, v)
                  for k, (slider, v) in enumerate(zip(self.a_sliders, state.a_prev, strict=True))),
                ("j", self.j, state.j), ("step", self.step, state.step)]

    def check(self, state):
        check_state(state)
        super().check(state)

    def update(self, change=None):
        """Recompute for the current sliders; update the ranking and bars in place."""
        result = levers_result(self.state, self.layer)
        self.readout.value = html_table(readout_rows(result),
                                        caption=f"raising output neuron j = {result.state.j}")
        for bars, heights in ((self.w_bars, result.w_direction),
                              (self.a_bars, result.state.a_prev),
                              (self.da_bars, result.a_direction)):
            for bar, height in zip(bars, heights, strict=True):
                bar.set_height(height)
        for k, bar in enumerate(self.da_bars):  # grey: asked past 0 or 1, where a_k cannot go
            bar.set_color("C7" if k in result.pinned else "C2")
        self.blitter.update()
