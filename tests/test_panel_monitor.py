"""The training monitor: frames pushed per epoch, the final curves stored, NaN survived."""

import io
import itertools

import numpy as np
import pytest
from matplotlib.image import imread

from bp_helpers.panels import monitor as monitor_module
from bp_helpers.panels.monitor import TrainingMonitor
from bp_helpers.training import EpochRecord


def pixels(png):
    return imread(io.BytesIO(png), format="png")


class FakeHandle:
    """Stands in for IPython's DisplayHandle: records what replaces the stored output."""

    def __init__(self):
        self.updates = []

    def update(self, bundle, raw=False):
        self.updates.append((bundle, raw))


@pytest.fixture
def shown(monkeypatch):
    """A displayed monitor (3 epochs) and the handle of its output."""
    handle = FakeHandle()
    monkeypatch.setattr(monitor_module, "display", lambda *args, **kwargs: handle)
    monitor = TrainingMonitor(epochs=3)
    monitor._ipython_display_()
    return monitor, handle


def test_every_epoch_pushes_a_new_picture_to_the_image_widget(shown, monkeypatch):
    monitor, _ = shown
    monkeypatch.setattr(monitor_module, "MIN_SECONDS_BETWEEN_FRAMES", 0.0)
    frames = [monitor.image.value]
    for epoch, cost in enumerate([1.0, 0.6, 0.4]):
        monitor(EpochRecord(epoch, cost, 0.2 * epoch, 0.0))
        frames.append(monitor.image.value)
    assert all(not np.array_equal(pixels(a), pixels(b)) for a, b in itertools.pairwise(frames))
    assert monitor.image.value == monitor.snapshot_png()


def test_a_replayed_history_draws_its_first_and_last_frames_only(shown):
    # train_or_load replays a saved History back to back; drawing all of its frames made
    # loading lesson 5's 30 epochs take 13 s. While training, epochs are further apart.
    monitor, _ = shown
    pushed = []
    monitor.image.observe(lambda change: pushed.append(change.new), names="value")
    for epoch, cost in enumerate([1.0, 0.6, 0.4, 0.3]):
        monitor(EpochRecord(epoch, cost, 0.2 * epoch, 0.0))
    assert len(pushed) == 2
    assert pushed[-1] == monitor.snapshot_png()


def test_frames_follow_epochs_that_come_slower_than_the_frame_gap(shown, monkeypatch):
    monitor, _ = shown
    clock = iter(np.arange(0.0, 100.0, 0.5))  # every reading half a second later
    monkeypatch.setattr(monitor_module.time, "monotonic", lambda: next(clock))
    frames = []
    for epoch, cost in enumerate([1.0, 0.6, 0.4, 0.3]):
        monitor(EpochRecord(epoch, cost, 0.2 * epoch, 0.0))
        frames.append(monitor.image.value)
    assert len({bytes(frame) for frame in frames}) == 4


def test_the_last_epoch_replaces_the_stored_output_with_the_final_curves(shown):
    monitor, handle = shown
    empty = pixels(monitor.snapshot_png())
    for epoch, cost in enumerate([1.0, 0.6, 0.4, 0.3]):
        monitor(EpochRecord(epoch, cost, 0.2 * epoch, 0.0))
        assert len(handle.updates) == (epoch == 3)
    bundle, raw = handle.updates[0]
    assert raw and bundle["image/png"] == monitor.snapshot_png() == monitor.image.value
    final = pixels(bundle["image/png"])
    assert final.shape == empty.shape and (np.abs(final - empty).sum(axis=2) > 0.1).sum() > 500
    assert "data:image/png;base64," in bundle["text/html"]
    assert "watch training live" in bundle["text/html"]


def test_a_nan_cost_is_shown_not_a_crash():
    monitor = TrainingMonitor(epochs=3)
    monitor(EpochRecord(0, 2.0, 0.1, 0.0))
    monitor(EpochRecord(1, float("nan"), 0.1, 0.0))
    monitor(EpochRecord(2, float("inf"), float("nan"), 0.0))
    assert "not a finite number" in monitor.status.value
    low, high = monitor.ax_cost.get_ylim()
    assert (low, high) == (0, pytest.approx(2.1))
    assert monitor.snapshot_png()  # draws without error or warning


def test_a_nan_first_cost_is_shown_too():
    monitor = TrainingMonitor(epochs=2)
    monitor(EpochRecord(0, float("nan"), None, 0.0))
    assert monitor.ax_cost.get_ylim() == (0, 1)
    assert "epoch 0/2: cost nan" in monitor.status.value


@pytest.mark.parametrize("epochs", [0, -1, 2.5, True, "3"])
def test_a_monitor_needs_at_least_one_epoch(epochs):
    with pytest.raises(ValueError, match="epochs must be a whole number of at least 1"):
        TrainingMonitor(epochs)


def test_the_monitor_image_scales_down_keeping_its_shape():
    layout = TrainingMonitor(epochs=2).image.layout
    assert (layout.width, layout.max_width, layout.height) == ("800px", "100%", "auto")
