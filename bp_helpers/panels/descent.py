"""Lesson 4's descent panel: pick a learning rate and a batch size, watch both kinds of descent.

For one state (lr, batch size B) the panel runs, for EPOCHS passes over the
training digits each:

- on the lesson's two-parameter slice C(w, b), mini-batch SGD with batch
  size B and full-batch GD, both from the same start, at the same lr;
- on the whole 64-16-10 network, training.sgd with batch size B and with
  the full batch, from the same seeded weights.

Both kinds read the same number of examples, so the comparison is fair in
work done: full batch makes EPOCHS exact steps, mini-batches make
EPOCHS * ceil(n/B) noisy ones. `descent_result` computes everything (numbers and
paths, no drawing); `diagnose` turns it into sentences about what went wrong,
if anything; `DescentPanel` is the view.
"""

import functools
import math
from dataclasses import dataclass, replace

import ipywidgets as widgets
import numpy as np

from bp_helpers.access import live
from bp_helpers.descent import (
    HIDDEN_K,
    OUTPUT_J,
    WINDOW,
    DescentPath,
    TrainingRun,
    descend,
    lesson_setup,
    train_run,
)
from bp_helpers.panels.view import Blitter, PanelView, freeze_layout, live_figure
from bp_helpers.plots.descent import GD_STYLE, SGD_STYLE, draw_cost_contours
from bp_helpers.validate import as_float, whole_number

EPOCHS = 5
LR_RANGE = (0.1, 300.0)
BATCH_SIZES = (1, 3, 10, 30, 100, 300)  # and n, the full batch
# The cost "went up" in an epoch when it grew by more than this fraction.
RISE = 0.05
# The height kept free for the diagnosis under the plots (two sentences of the longest kind).
MESSAGES_HEIGHT = "7em"


@dataclass(frozen=True)
class DescentState:
    """The panel's slider values: the learning rate and the mini-batch size."""

    lr: float = 3.0
    batch_size: int = 10


@dataclass(frozen=True, eq=False)
class DescentResult:
    """Everything the panel shows for one state.

    sgd_path and gd_path are DescentPaths on the slice, sgd_run and gd_run
    TrainingRuns of the whole network; with batch_size = n the two of each
    are the same. messages: diagnose's sentences.
    """

    state: DescentState
    sgd_path: DescentPath
    gd_path: DescentPath
    sgd_run: TrainingRun
    gd_run: TrainingRun
    messages: tuple[str, ...]

    @property
    def full_batch(self):
        return self.sgd_path.full_batch


def check_state(state, setup):
    """Validate a DescentState: lr inside the slider's range, batch_size 1 to n."""
    lr = as_float("lr", state.lr)
    low, high = LR_RANGE
    if not low * (1 - 1e-9) <= lr <= high * (1 + 1e-9):  # 10**log10(300) is 300.0000000000001
        raise ValueError(f"lr must lie in [{low}, {high}], got {lr}")
    whole_number("batch_size", state.batch_size, least=1, most=setup.n)  # n: the training digits


def descent_result(state, setup=None):
    """Run both kinds of descent for `state`, on the slice and on the network; a DescentResult."""
    setup = setup or lesson_setup()
    check_state(state, setup)
    lr, batch_size = float(state.lr), int(state.batch_size)
    gd_path, gd_run = _full_batch(setup, lr)
    if batch_size == setup.n:
        sgd_path, sgd_run = gd_path, gd_run
    else:
        sgd_path = descend(setup.cost_slice, setup.start, lr, batch_size, EPOCHS)
        sgd_run = train_run(setup.X, setup.y, batch_size, lr, EPOCHS, setup.X_test,
                            setup.y_test)
    result = DescentResult(state, sgd_path, gd_path, sgd_run, gd_run, messages=())
    return replace(result, messages=diagnose(result))


@functools.lru_cache(maxsize=64)
def _full_batch(setup, lr):
    """Full-batch GD at lr, on the slice and on the network (moving B leaves it unchanged)."""
    path = descend(setup.cost_slice, setup.start, lr, setup.n, EPOCHS)
    run = train_run(setup.X, setup.y, setup.n, lr, EPOCHS, setup.X_test, setup.y_test)
    return path, run


def diagnose(result):
    """Sentences saying what went wrong in `result`, or that nothing did.

    For each kind of descent (just one when B = n): training stopped by
    training.sgd (what the undone epoch did, and that the readouts show the
    weights it kept); too many saturated neurons; the cost going up from one
    epoch to the next; the network still on the plateau where it gives every
    digit the same answer; the slice's (w, b) thrown out of the picture
    (WINDOW). Every number quoted is one the readouts show, or says which
    epoch it belongs to.
    """
    kinds = [("full-batch GD", result.gd_path, result.gd_run)]
    if not result.full_batch:
        kinds.insert(0, ("mini-batch SGD", result.sgd_path, result.sgd_run))
    lr = result.state.lr
    messages = []
    for name, path, run in kinds:
        rises = np.flatnonzero(np.diff(run.cost) > RISE * run.cost[:-1])
        if run.stopped:
            messages.append(_stopped(name, run, lr))
        elif run.saturated >= run.neurons / 4:
            messages.append(
                f"{name}: {run.saturated} of the network's {run.neurons} neurons ended up "
                f"saturated on every training digit (σ′(z) < 10⁻⁴), so almost no gradient "
                f"reaches their weights and learning has stalled at C = {run.final_cost:.4f}. "
                f"The steps were too large: try an lr below {lr:.3g}."
            )
        elif len(rises):
            e = int(rises[0])
            messages.append(
                f"{name}: the network's cost went up in epoch {e + 1}, from "
                f"{run.cost[e]:.4f} to {run.cost[e + 1]:.4f}: the steps overshoot. "
                f"lr = {lr:.3g} is on the large side for this batch size."
            )
        elif run.on_plateau:
            messages.append(_plateau(name, run))
        (w_low, w_high), (b_low, b_high) = WINDOW
        if not (w_low <= path.w[-1] <= w_high and b_low <= path.b[-1] <= b_high):
            messages.append(
                f"{name} on the slice: a step threw (w, b) out of the picture, to "
                f"({path.w[-1]:.3g}, {path.b[-1]:.3g}), onto a plateau where C barely "
                f"slopes. lr = {lr:.3g} is too large for this valley."
            )
    if not messages:
        messages.append(f"No sign of trouble at lr = {lr:.3g}.")
    return tuple(messages)


def _plateau(name, run):
    """A run that never left (or never reached) the plateau of same-output answers."""
    steps = int(run.steps[-1])
    C, plateau = run.final_cost, run.plateau_cost
    where = ("still above the plateau" if C > plateau else "stuck on the plateau")
    compare = "higher than" if C > plateau else "about"
    return (
        f"{name}: {where}. After {steps:,} step{'s' * (steps != 1)} C = {C:.4f}, {compare} "
        f"the {plateau:.4f} of answering about 0.1 on every output for every digit, and "
        f"{100 * run.test_accuracy[-1]:.1f}% of the test digits are right. Nothing "
        f"overshoots: it needs more steps (a smaller B) or larger ones (a larger lr)."
    )


def _stopped(name, run, lr):
    """What a run that training.sgd stopped did: the undone epoch, then the kept weights."""
    undone = run.undone
    if undone.saturated is None:
        damage = "its steps overflowed the weights"
    else:
        damage = (f"after it C was {undone.cost:.4f} and {undone.saturated} of the "
                  f"{run.neurons} neurons were saturated on every training digit")
    kept = "from before training" if run.epochs_kept == 0 else f"after epoch {run.epochs_kept}"
    return (
        f"{name}: epoch {undone.epoch} went wrong: {damage}. training.sgd stopped and undid "
        f"it; the readouts show the weights it kept, {kept} (C = {run.final_cost:.4f}, "
        f"{run.saturated} saturated). The steps are too large: try an lr below {lr:.3g}."
    )


def readout_rows(result):
    """(key, label, mini-batch value, full-batch value) rows for the readout table."""
    columns = (result.sgd_path, result.sgd_run), (result.gd_path, result.gd_run)

    def row(key, label, value):
        return (key, label, *(value(path, run) for path, run in columns))

    return [
        row("steps", f"steps taken ({EPOCHS} epochs)", lambda p, r: f"{p.steps:,}"),
        row("examples", "examples read", lambda p, r: f"{int(p.examples[-1]):,}"),
        row("slice_cost", "slice: final C(w, b)", lambda p, r: f"{p.final_cost:.4f}"),
        row("kept", "network: epochs kept",
            lambda p, r: f"{r.epochs_kept} of {EPOCHS}" + (" (stopped)" if r.stopped else "")),
        row("network_cost", "network: final C", lambda p, r: f"{r.final_cost:.4f}"),
        row("accuracy", "network: test accuracy",
            lambda p, r: f"{100 * r.test_accuracy[-1]:.1f}%"),
        row("saturated", "network: saturated neurons",
            lambda p, r: f"{r.saturated} of {r.neurons}"),
    ]


def readout_html(result):
    """The readouts as an HTML table, one column per kind of descent.

    Each value cell carries data-key="sgd:key" or "gd:key" for browser tests.
    """
    B = result.state.batch_size
    head = (f"<tr><th></th><th style='padding:0 8px'>mini-batch SGD, B = {B}</th>"
            f"<th style='padding:0 8px'>full-batch GD, B = {result.sgd_path.n}</th></tr>")
    cell = ("<td data-key='{}' style='text-align:right;font-family:monospace;padding:0 8px;"
            "white-space:nowrap'>{}</td>")
    body = "".join(
        f"<tr><td style='padding:1px 10px 1px 0;white-space:nowrap'>{label}</td>"
        f"{cell.format('sgd:' + key, sgd)}{cell.format('gd:' + key, gd)}</tr>"
        for key, label, sgd, gd in readout_rows(result)
    )
    return f"<table style='border-collapse:collapse'>{head}{body}</table>"


def messages_html(result):
    """diagnose's sentences as an HTML list, each in its own <li data-key='message'>."""
    items = "".join(f"<li data-key='message'>{m}</li>" for m in result.messages)
    return f"<ul style='margin:4px 0;padding-left:18px;max-width:60em'>{items}</ul>"


class DescentPanel(PanelView):
    """The descent panel's view: two sliders in; readouts, paths and cost curves out."""

    title = "Descent panel: full batch against mini-batches, for any learning rate"

    def __init__(self, state=DescentState(), setup=None):
        self.setup = setup or lesson_setup()
        check_state(state, self.setup)
        n = self.setup.n
        self.lr = widgets.FloatLogSlider(
            value=state.lr, base=10, min=math.log10(LR_RANGE[0]), max=math.log10(LR_RANGE[1]),
            step=0.05, description="lr", readout_format=".3g", continuous_update=False,
        )
        options = [(str(B), B) for B in BATCH_SIZES if B < n] + [(f"all {n}", n)]
        self.batch_size = widgets.SelectionSlider(
            options=options, value=state.batch_size, description="batch size B",
            continuous_update=False, style={"description_width": "initial"},
        )
        self.readout = live(widgets.HTML())
        # The diagnosis (one to four sentences) sits under the plots, in a box tall enough
        # for two of them: a longer diagnosis never moves the plots the learner is watching.
        self.messages = live(widgets.HTML(layout=widgets.Layout(min_height=MESSAGES_HEIGHT)))
        self.fig = live_figure(9.8, 4.0, alt=(
            "Two plots: the cost per epoch for full-batch and mini-batch descent, and the "
            "path of the weights over the cost surface; the table and the sentences below "
            "give the final costs and what happened."))
        self._build_plots()
        controls = widgets.VBox([self.lr, self.batch_size])
        self.widget = widgets.VBox([widgets.HBox([controls, self.readout]), self.fig.canvas,
                                    self.messages])
        self.watch(self.lr, self.batch_size)
        self.update()

    @property
    def state(self):
        """The current slider values as a DescentState."""
        return DescentState(lr=self.lr.value, batch_size=self.batch_size.value)

    def controls(self, state):
        """Both sliders with their values in `state`, e.g. for set_state(lr=30.0, batch_size=1)."""
        return [("lr", self.lr, state.lr), ("batch_size", self.batch_size, state.batch_size)]

    def check(self, state):
        check_state(state, self.setup)
        super().check(state)

    def _build_plots(self):
        self.ax_map, self.ax_cost = self.fig.subplots(1, 2, width_ratios=[1.1, 1])
        draw_cost_contours(self.ax_map, *self.setup.grid, labels=False)
        self.ax_map.plot(*self.setup.start, "s", color="#444444", ms=6, ls="none",
                         label="start")
        (self.sgd_line,) = self.ax_map.plot([], [], label="mini-batch SGD", **SGD_STYLE)
        (self.gd_line,) = self.ax_map.plot([], [], label="full-batch GD", **GD_STYLE)
        self.ax_map.set_title(f"experiment 1: only w = W(2)[{OUTPUT_J}, {HIDDEN_K}] and "
                              f"b = b(2)[{OUTPUT_J}] move", fontsize=10)
        self.ax_map.legend(loc="upper right", fontsize=8)
        (self.sgd_cost,) = self.ax_cost.plot([], [], "o-", color=SGD_STYLE["color"], ms=4,
                                             label="mini-batch SGD")
        (self.gd_cost,) = self.ax_cost.plot([], [], "o-", color=GD_STYLE["color"], ms=4,
                                            label="full-batch GD")
        self.ax_cost.set(yscale="log", ylim=(0.005, 10.0), xlim=(-0.2, EPOCHS + 0.2),
                         xlabel="epochs (passes over the training digits)",
                         ylabel="full cost C of the network",
                         title="experiment 2: a fresh network, every weight trained")
        self.ax_cost.grid(True, which="major", alpha=0.3)
        self.ax_cost.legend(loc="upper right", fontsize=8)
        freeze_layout(self.fig)  # the axes never change, so lay them out once
        self.blitter = Blitter(self.fig, [self.sgd_line, self.gd_line, self.sgd_cost,
                                          self.gd_cost])

    def update(self, change=None):
        """Rerun for the current sliders; update the readouts and the artists in place."""
        result = descent_result(self.state, self.setup)
        self.result = result
        self.readout.value = readout_html(result)
        self.messages.value = messages_html(result)
        self.sgd_line.set_data(result.sgd_path.w, result.sgd_path.b)
        self.sgd_line.set_visible(not result.full_batch)
        self.gd_line.set_data(result.gd_path.w, result.gd_path.b)
        self.sgd_cost.set_data(result.sgd_run.epochs, result.sgd_run.cost)
        self.sgd_cost.set_visible(not result.full_batch)
        self.gd_cost.set_data(result.gd_run.epochs, result.gd_run.cost)
        self.blitter.update()
