"""Watching training: a progress bar and live curves of cost and test accuracy.

A TrainingMonitor is the callback of `training.sgd` (and of
`recipes.train_or_load`, which replays a saved history through it): after
every epoch it moves the bar and extends both curves.

Why the curves are an image the kernel pushes, not an ipympl canvas: ipympl's
front end asks the kernel for each frame, and a kernel busy training cannot
answer, so an ipympl figure stays blank until the training cell ends. A
widget's new value, by contrast, is sent by the kernel at once. So the
monitor draws its figure with Agg and sets an `ipywidgets.Image` to the PNG
after each epoch, and the browser shows it while the cell still runs.

When the last epoch arrives, the monitor also replaces its own stored output
(through its display id), so a saved notebook shows the final curves, not
the empty axes it had when it was first displayed.
"""

import io
import numbers
import time

import ipywidgets as widgets
import numpy as np
from IPython.display import display
from matplotlib.figure import Figure

from bp_helpers.access import DescribedImage, live
from bp_helpers.display import on_colab
from bp_helpers.panels.view import PanelView

MIN_SECONDS_BETWEEN_FRAMES = 0.2  # since the last frame was drawn; fewer frames are skipped


class TrainingMonitor(PanelView):
    """Progress and live curves for a training run of `epochs` epochs (a whole number >= 1)."""

    title = "Training monitor: cost and test accuracy per epoch"
    hint = "The curves of the last run: run the cells above, and this one, to watch training live."

    def __init__(self, epochs, name="training"):
        if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
            raise ValueError(f"epochs must be a whole number of at least 1, got {epochs!r}")
        self.epochs, self.records = int(epochs), []
        self.progress = widgets.IntProgress(value=0, min=0, max=self.epochs, description=name,
                                            style={"description_width": "initial"})
        self.status = live(widgets.Label())
        self.fig = Figure(figsize=(8.0, 2.6), dpi=100, layout="constrained")
        self.ax_cost, self.ax_accuracy = self.fig.subplots(1, 2)
        (self.cost_line,) = self.ax_cost.plot([], [], "o-", ms=3, color="C0")
        (self.accuracy_line,) = self.ax_accuracy.plot([], [], "o-", ms=3, color="C2")
        self.ax_cost.set(xlabel="epoch", ylabel="training cost C", xlim=(0, self.epochs),
                         ylim=(0, 1), title="cost on the training set")
        self.ax_accuracy.set(xlabel="epoch", ylabel="test accuracy", xlim=(0, self.epochs),
                             ylim=(0, 1), title="accuracy on the test set")
        for ax in (self.ax_cost, self.ax_accuracy):
            ax.grid(alpha=0.3)
        width = round(self.fig.bbox.width)
        self.image = DescribedImage(
            "Two line plots per epoch: the cost on the training set and the accuracy on the "
            "test set; the line above them gives the latest numbers.",
            value=self.snapshot_png(), format="png",
            # Its own width, at most the column's; its height follows (keeps its shape).
            layout=widgets.Layout(width=f"{width}px", max_width="100%", height="auto"))
        self.widget = widgets.VBox([widgets.HBox([self.progress, self.status]), self.image])
        self._handle, self._last_frame = None, -np.inf

    def _ipython_display_(self):
        # Displayed with a display id, so that the last epoch can replace the stored
        # snapshot with the final curves (see module docstring).
        if on_colab():
            display(self.shown_widget())
            return
        self._handle = display(self._repr_mimebundle_(), raw=True, display_id=True)

    def __call__(self, record):
        """Take one EpochRecord (epoch, cost, test_accuracy, seconds) and show it."""
        self.records.append(record)
        epochs = [r.epoch for r in self.records]
        costs = np.array([r.cost for r in self.records], dtype=float)
        self.progress.value = min(max(record.epoch, 0), self.epochs)
        text = f"epoch {record.epoch}/{self.epochs}: cost {record.cost:.4f}"
        if not np.isfinite(record.cost):
            text += " (not a finite number: training has diverged)"
        if record.test_accuracy is not None:
            accuracies = [r.test_accuracy for r in self.records if r.test_accuracy is not None]
            self.accuracy_line.set_data(
                [r.epoch for r in self.records if r.test_accuracy is not None], accuracies)
            finite = [a for a in accuracies if np.isfinite(a)]
            low = min(finite) if finite else 0.0
            self.ax_accuracy.set_ylim(max(0.0, np.floor(low * 10) / 10), 1.0)
            text += f", test accuracy {record.test_accuracy:.2%}"
        self.status.value = text
        self.cost_line.set_data(epochs, costs)
        finite = costs[np.isfinite(costs)]
        top = finite.max() if finite.size else 0.0
        self.ax_cost.set_ylim(0, 1.05 * top if top > 0 else 1.0)
        last = record.epoch >= self.epochs
        # Measured from the end of the last frame: a frame takes longer to draw than the
        # gap, so a replayed history (records back to back) draws only its last frame.
        if last or time.monotonic() - self._last_frame >= MIN_SECONDS_BETWEEN_FRAMES:
            self.image.value = self.snapshot_png()  # sent to the browser at once
            self._last_frame = time.monotonic()
        if last and self._handle is not None:
            self._handle.update(self._repr_mimebundle_(), raw=True)

    def snapshot_png(self):
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png")
        return buffer.getvalue()
