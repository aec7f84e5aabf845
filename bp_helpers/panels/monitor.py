"""Watching training: a progress bar and live curves of cost and test accuracy.

A TrainingMonitor is the callback of `training.sgd` (and of
`models.train_or_load`, which replays a saved history through it): after
every epoch it moves the bar and extends both curves in place.
"""

import ipywidgets as widgets
import numpy as np

from bp_helpers.panels.view import PanelView, live_figure


class TrainingMonitor(PanelView):
    """Progress and live curves for a training run of `epochs` epochs."""

    title = "Training monitor: cost and test accuracy per epoch"

    def __init__(self, epochs, name="training"):
        self.epochs, self.records = epochs, []
        self.progress = widgets.IntProgress(value=0, min=0, max=epochs, description=name,
                                            style={"description_width": "initial"})
        self.status = widgets.Label()
        self.fig = live_figure(8.0, 2.6)
        self.ax_cost, self.ax_accuracy = self.fig.subplots(1, 2)
        (self.cost_line,) = self.ax_cost.plot([], [], "o-", ms=3, color="C0")
        (self.accuracy_line,) = self.ax_accuracy.plot([], [], "o-", ms=3, color="C2")
        self.ax_cost.set(xlabel="epoch", ylabel="training cost C", xlim=(0, epochs),
                         title="cost on the training set")
        self.ax_accuracy.set(xlabel="epoch", ylabel="test accuracy", xlim=(0, epochs),
                             ylim=(0, 1), title="accuracy on the test set")
        for ax in (self.ax_cost, self.ax_accuracy):
            ax.grid(alpha=0.3)
        self.widget = widgets.VBox([widgets.HBox([self.progress, self.status]), self.fig.canvas])

    def __call__(self, record):
        """Take one EpochRecord (epoch, cost, test_accuracy, seconds) and show it."""
        self.records.append(record)
        epochs = [r.epoch for r in self.records]
        costs = [r.cost for r in self.records]
        self.progress.value = min(record.epoch, self.epochs)
        text = f"epoch {record.epoch}/{self.epochs}: cost {record.cost:.4f}"
        if record.test_accuracy is not None:
            accuracies = [r.test_accuracy for r in self.records]
            self.accuracy_line.set_data(epochs, accuracies)
            low = min(accuracies)
            self.ax_accuracy.set_ylim(max(0.0, np.floor(low * 10) / 10), 1.0)
            text += f", test accuracy {record.test_accuracy:.2%}"
        self.status.value = text
        self.cost_line.set_data(epochs, costs)
        self.ax_cost.set_ylim(0, 1.05 * max(costs))
        # draw() now, not draw_idle(): while a cell trains, the kernel cannot answer
        # the browser's request for a redraw, so it sends each frame itself.
        self.fig.canvas.draw()
