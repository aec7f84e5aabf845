"""The nudge panel as drawn: the moving lines pass under the legend, never over it."""

import numpy as np

from bp_helpers.panels import NudgePanel


def legend_pixels(panel):
    """The RGBA pixels of the cost plot's legend box, as the canvas shows them now."""
    frame = np.asarray(panel.fig.canvas.buffer_rgba())
    box = panel.legend.get_window_extent()
    height = frame.shape[0]
    rows = slice(int(height - box.y1) + 1, int(height - box.y0) - 1)
    cols = slice(int(box.x0) + 1, int(box.x1) - 1)
    return frame[rows, cols].copy()


def test_the_tangent_and_curves_pass_under_the_legend():
    panel = NudgePanel()
    panel.set_state(wrt="b", b=-6.0, w=1.5, y=0.0)
    quiet = legend_pixels(panel)  # the curve stays low, far from the legend
    crossings = 0
    for b in np.linspace(-6.0, 6.0, 25):
        panel.set_state(b=float(b))
        crossings += panel.tangent_line.get_ydata().max() > panel.ax_cost.get_ylim()[1] * 0.7
        shown = legend_pixels(panel)
        assert shown.shape == quiet.shape and np.array_equal(shown, quiet), f"b = {b}"
    assert crossings, "no state tried sends the tangent up through the legend's corner"
