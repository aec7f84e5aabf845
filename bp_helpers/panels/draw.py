"""Lesson 5's drawing pad: draw a digit, see what the network makes of it.

A drawing only looks like MNIST to the network after MNIST's own preparation
(bp_helpers.data.preprocess.to_mnist: scaled into a 20x20 box, centred by its
centre of mass). Strokes are rasterised here in Python (a 280x280 pad, ten
pad pixels per MNIST pixel), so everything but the drawing itself can be
tested without a browser.
"""

import ipywidgets as widgets
import numpy as np

from bp_helpers.access import live
from bp_helpers.data.preprocess import IMAGE_SHAPE, to_mnist
from bp_helpers.evaluation import look_inside
from bp_helpers.panels.view import PanelView, bar_colors, html_table, live_figure, set_bars

PAD = 280
PEN_RADIUS = 11.0


class Sketch:
    """A drawing pad's ink as an array (PAD, PAD) of values in [0, 1]."""

    def __init__(self, size=PAD, pen_radius=PEN_RADIUS):
        self.ink = np.zeros((size, size))
        self.pen_radius = pen_radius

    def clear(self):
        self.ink[:] = 0.0

    def stroke(self, x0, y0, x1, y1):
        """Ink the segment from (x0, y0) to (x1, y1) (pad pixels) with a round pen."""
        r = self.pen_radius
        size = self.ink.shape[0]
        left, right = int(max(min(x0, x1) - r - 1, 0)), int(min(max(x0, x1) + r + 2, size))
        top, bottom = int(max(min(y0, y1) - r - 1, 0)), int(min(max(y0, y1) + r + 2, size))
        if left >= right or top >= bottom:
            return
        ys, xs = np.mgrid[top:bottom, left:right] + 0.5
        dx, dy = x1 - x0, y1 - y0
        length2 = dx * dx + dy * dy
        t = np.zeros_like(xs) if length2 == 0 else np.clip(
            ((xs - x0) * dx + (ys - y0) * dy) / length2, 0, 1)
        distance = np.hypot(xs - (x0 + t * dx), ys - (y0 + t * dy))
        paint = np.clip(r + 0.5 - distance, 0, 1)  # one pixel of soft edge
        window = self.ink[top:bottom, left:right]
        np.maximum(window, paint, out=window)


class DrawPanel(PanelView):
    """A pad to draw a digit on, with the network's verdict and wishes beside it."""

    title = "Drawing pad: draw a digit and see the network's answer"

    def __init__(self, network, X=None, labels=None):
        """`X` (N, 784) and `labels` (N,), if given, offer sample digits to pick by keyboard."""
        from ipycanvas import Canvas  # imported here: only this panel needs it

        self.network = network
        self.sketch = Sketch()
        self.pad = Canvas(width=PAD, height=PAD, layout=widgets.Layout(border="1px solid #888"))
        self.pad.line_width, self.pad.line_cap = 2 * PEN_RADIUS, "round"
        self.pad.stroke_style = "black"
        self.clear_button = widgets.Button(description="Clear")
        self.readout = live(widgets.HTML())
        self.fig = live_figure(6.6, 2.5, alt=(
            "Three plots: the drawing as the network sees it (28 by 28 pixels), the output "
            "activation of each digit 0 to 9, and each output's wish; the table gives the "
            "answer in words."))
        self.ax_image, self.ax_output, self.ax_wishes = self.fig.subplots(
            1, 3, width_ratios=[1, 1.4, 1.4])
        self.image = self.ax_image.imshow(np.zeros(IMAGE_SHAPE), cmap="gray_r", vmin=0, vmax=1)
        self.ax_image.set_axis_off()
        self.ax_image.set_title("what the network sees", fontsize=9)
        self.output_bars = self.ax_output.bar(range(10), np.zeros(10))
        self.wish_bars = self.ax_wishes.bar(range(10), np.zeros(10))
        self.ax_output.set(ylim=(0, 1), xticks=range(10), title="output a(L)")
        self.ax_wishes.set(xticks=range(10), title="wishes −∂C₀/∂a(L)")
        self.ax_wishes.axhline(0, color="#333", lw=0.8)
        self.label = widgets.Dropdown(options=list(range(10)), value=0,
                                      description="I meant", layout=widgets.Layout(width="160px"))
        # The keyboard's way in: the pad takes the mouse only (and no focus).
        self.X, self.labels = X, None if labels is None else np.asarray(labels)
        self.sample = widgets.Dropdown(
            options=[("none", None)] + [(str(d), d) for d in range(10)
                                        if labels is not None and d in self.labels],
            value=None, description="or pick a sample digit",
            style={"description_width": "initial"}, layout=widgets.Layout(width="240px"))
        self.sample.observe(lambda _: self.show_sample(), names="value")
        self.widget = widgets.HBox([
            widgets.VBox([self.pad, widgets.HBox([self.clear_button, self.label]),
                          *([self.sample] if labels is not None else [])]),
            widgets.VBox([self.readout, self.fig.canvas]),
        ])
        self._last = None
        self.pad.on_mouse_down(self.pen_down)
        self.pad.on_mouse_move(self.pen_move)
        self.pad.on_mouse_up(self.pen_up)
        self.pad.on_mouse_out(self.pen_up)
        self.clear_button.on_click(lambda _: self.clear())
        self.label.observe(lambda _: self.update(), names="value")
        self.update()

    def pen_down(self, x, y):
        self._last = (x, y)
        self.pen_move(x, y)

    def pen_move(self, x, y):
        if self._last is None:
            return
        (x0, y0), self._last = self._last, (x, y)
        self.sketch.stroke(x0, y0, x, y)
        self.pad.stroke_line(x0, y0, x, y)

    def pen_up(self, x, y):
        if self._last is not None:
            self._last = None
            self.update()

    def clear(self):
        self.sketch.clear()
        self.pad.clear()
        self.sample.value = None
        self.update()

    def show_sample(self):
        """Put the first test example of the picked digit on the pad, as if drawn."""
        digit = self.sample.value
        if digit is None:
            return
        image = self.X[int(np.flatnonzero(self.labels == digit)[0])].reshape(IMAGE_SHAPE)
        self.sketch.ink[:] = np.kron(image, np.ones((PAD // IMAGE_SHAPE[0],) * 2))
        grey = np.round(255 * (1 - self.sketch.ink)).astype(np.uint8)
        self.pad.put_image_data(np.stack([grey] * 3, axis=-1), 0, 0)
        self.label.value = digit
        self.update()

    def update(self):
        """Classify the drawing and show the output layer and its wishes."""
        x = to_mnist(self.sketch.ink)
        r = look_inside(self.network, x, self.label.value)
        empty = not x.any()
        self.readout.value = html_table([
            ("predicted", "the network says", "draw a digit on the pad" if empty
             else f"<b>{r.predicted}</b> ({r.activations[-1][r.predicted]:.0%} active)"),
        ])
        self.image.set_data(x.reshape(IMAGE_SHAPE))
        outputs, wishes = r.activations[-1], r.wishes[-1]
        set_bars(self.output_bars, outputs, bar_colors(outputs, r.predicted))
        set_bars(self.wish_bars, wishes, bar_colors(wishes))
        top = max(np.abs(wishes).max(), 1e-12) * 1.1
        self.ax_wishes.set_ylim(-top, top)
        self.fig.canvas.draw_idle()
