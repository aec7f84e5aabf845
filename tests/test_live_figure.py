"""live_figure's canvas: an image widget the kernel repaints, which takes no keyboard focus."""

import io

import ipywidgets as widgets
import numpy as np
from PIL import Image

from bp_helpers.access import AccessHelper
from bp_helpers.panels.view import Blitter, live_figure


def shown(canvas):
    """The widget's current picture as an RGBA array."""
    return np.asarray(Image.open(io.BytesIO(canvas.value)).convert("RGBA"))


def test_the_canvas_is_an_image_widget_named_by_its_text_alternative():
    fig = live_figure(2, 1, alt="a line rising from left to right")
    assert isinstance(fig.canvas, widgets.Image)
    assert fig.canvas.alt == "a line rising from left to right"
    assert AccessHelper(widgets.VBox([fig.canvas])).alts == [fig.canvas.alt]
    assert fig.canvas.layout.max_width == "100%"  # scales down in a narrow column


def test_each_draw_sends_the_figure_as_it_is_now():
    fig = live_figure(2, 1, alt="one line")
    (line,) = fig.subplots().plot([0, 1], [0, 0], color="red")
    fig.canvas.draw()
    first = shown(fig.canvas)
    assert first.shape == (100, 200, 4)
    line.set_color("blue")
    fig.canvas.draw_idle()
    second = shown(fig.canvas)
    assert (second[..., 2] > 200).sum() > (first[..., 2] > 200).sum()  # more blue now


def test_a_blit_sends_the_moved_artists_over_the_saved_background():
    fig = live_figure(2, 1, alt="one moving line")
    ax = fig.subplots()
    ax.set(xlim=(0, 1), ylim=(0, 1))
    (line,) = ax.plot([0, 1], [0.2, 0.2], color="red", lw=4)
    blitter = Blitter(fig, [line])
    blitter.update()
    low = shown(fig.canvas)
    line.set_ydata([0.8, 0.8])
    blitter.update()
    high = shown(fig.canvas)
    assert red_rows(high).mean() < red_rows(low).mean() - 30  # the line moved up, whole


def red_rows(pixels):
    """The row of every red pixel."""
    return np.argwhere((pixels[..., 0] > 200) & (pixels[..., 1] < 80))[:, 0]
