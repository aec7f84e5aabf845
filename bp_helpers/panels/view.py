"""What every panel view shares: a live figure, readout tables, display, and moving its
controls together (set_state), checked first and updated once."""

import io
from contextlib import contextmanager
from dataclasses import replace

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from bp_helpers.access import DescribedImage
from bp_helpers.display import Displayable
from bp_helpers.validate import as_float, whole_number


def live_figure(width, height, alt):
    """A matplotlib Figure whose canvas is an image widget the kernel repaints; see FigureImage.

    `alt` says in words what the figure shows (its text alternative). The
    notebook's own backend (inline) is left alone. Its layout is constrained:
    see `freeze_layout` for panels that update at slider speed.
    """
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureImage(fig, alt)
    return fig


class FigureImage(DescribedImage, FigureCanvasAgg):
    """A figure's canvas that is also the widget showing it: a PNG the kernel pushes.

    Why not ipympl's canvas: its front end makes the figure a focusable element
    that swallows every key, Tab and Escape included, so a keyboard learner who
    reaches a panel's plot can never leave it (a keyboard trap), and it offers
    no setting to turn that off. A panel's plot takes no input, so it needs no
    focus: an image takes none. Each draw (and each blit) renders with Agg, as
    ipympl does, and sets the widget's value to the PNG, which the kernel sends
    at once (no round trip for a frame, as with ipympl). Its size is the
    figure's, at most the column's width (it scales down, keeping its shape,
    when the page is narrow or zoomed). `alt` is its text alternative.
    """

    def __init__(self, figure, alt):
        width = round(figure.bbox.width)
        DescribedImage.__init__(self, alt, format="png", layout=widgets.Layout(
            width=f"{width}px", max_width="100%", height="auto"))
        FigureCanvasAgg.__init__(self, figure)

    def draw(self):
        FigureCanvasAgg.draw(self)
        self.send()

    def blit(self, bbox=None):
        """Show what was drawn since the last draw (matplotlib's blitting)."""
        self.send()

    def send(self):
        """Set the widget's value to the canvas's pixels as PNG (fast, light compression)."""
        buffer = io.BytesIO()
        PILImage.fromarray(np.asarray(self.buffer_rgba())).save(buffer, format="png",
                                                                compress_level=1)
        self.value = buffer.getvalue()


def freeze_layout(fig):
    """Lay out the figure's axes once, then keep them where they are.

    Call it after the axes are built. A constrained layout costs tens of
    milliseconds per draw; a panel that updates at slider speed (see
    `Blitter`) pays it once. Panels that redraw whole plots with new tick
    labels keep the layout live instead.
    """
    fig.canvas.draw()
    fig.set_layout_engine("none")


class Blitter:
    """Redraw only the artists a slider moves, on top of a saved background.

    A full draw of a figure with axes, ticks and labels takes tens of
    milliseconds; the lines that move take a few. The artists given are
    marked animated: a full draw (for the browser, or after axes limits
    change) paints everything else and saves it as the background; an
    `update` restores that background, draws the moving artists and sends
    only the result. This is matplotlib's blitting (FigureImage sends the result).
    """

    def __init__(self, fig, artists):
        self.fig, self.artists, self.background = fig, list(artists), None
        for artist in self.artists:
            artist.set_animated(True)
        fig.canvas.mpl_connect("draw_event", self._on_draw)

    def _on_draw(self, event):
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self._draw_artists()

    def _draw_artists(self):
        for artist in self.artists:
            artist.axes.draw_artist(artist)

    def update(self, full=False):
        """Show the artists' new data; `full` redraws everything (limits changed)."""
        canvas = self.fig.canvas
        if full or self.background is None:
            canvas.draw()
            return
        canvas.restore_region(self.background)
        self._draw_artists()
        canvas.blit(self.fig.bbox)


def nice_top(highest):
    """An axis top 5% above the first of 0.01, 0.02, 0.05, 0.1, ..., 1000 >= highest.

    A few fixed steps keep an axis still while sliders move, so most updates
    redraw only the moving artists (see Blitter).
    """
    for step in (m * 10.0**k for k in range(-2, 4) for m in (1, 2, 5)):
        if step >= highest:
            return 1.05 * step
    return 1.05 * highest


# Wide sliders: the track is about 380 px, so a mouse can set a value to a few hundredths
# of a range like w's 12 units (ipywidgets' default track is about 150 px); the arrow
# keys still move one step at a time.
SLIDER_WIDTH = "560px"


def wide_slider_layout():
    """The layout of a panel slider that a mouse can set finely (see SLIDER_WIDTH)."""
    return widgets.Layout(width=SLIDER_WIDTH)


def bar_colors(values, highlight=None):
    """Blue for up, red for down; the highlighted bar (if any) in gold."""
    colors = np.where(np.asarray(values) >= 0, "#2a6fdb", "#d1495b").astype(object)
    if highlight is not None:
        colors[highlight] = "#f4a259"
    return list(colors)


def set_bars(bars, heights, colors):
    """Give each bar of a bar container its new height and colour."""
    for bar, height, color in zip(bars, heights, colors, strict=True):
        bar.set_height(height)
        bar.set_color(color)


def html_table(rows, caption=""):
    """An HTML table of (key, label, value) rows; labels may hold HTML such as <sup>.

    Each value cell carries data-key="key", so a browser test can read it; a value
    never wraps (a number split over two lines reads as two numbers).
    """
    body = "".join(
        f"<tr><td style='padding:1px 10px 1px 0'>{label}</td>"
        f"<td data-key='{key}' style='text-align:right;font-family:monospace;"
        f"white-space:nowrap'>{value}</td></tr>"
        for key, label, value in rows
    )
    head = f"<caption style='text-align:left'><b>{caption}</b></caption>" if caption else ""
    return f"<table style='border-collapse:collapse'>{head}{body}</table>"


def fmt(x, digits=4):
    """A number as learners read it: 4 significant digits, or a dash for None."""
    if x is None:
        return "—"
    return f"{x:+.{digits}g}" if x != 0 else "0"


def check_controls(settings):
    """Raise unless every control would take its value exactly; settings: (name, control, value).

    A widget does not refuse a value it cannot show, it changes it: a slider
    clamps it to its range (delta = 0 becomes the smallest delta), an
    IntSlider cuts 2.7 to 2, and a toggle raises only as it is set, after the
    controls before it have moved. Checking every value first lets set_state
    refuse a state whole, with nothing changed.
    """
    for name, control, value in settings:
        if isinstance(control, (widgets.ToggleButtons, widgets.Dropdown,
                                widgets.SelectionSlider)):
            offered = [o[1] if isinstance(o, tuple) else o for o in control.options]
            if value not in offered:
                kind = {widgets.ToggleButtons: "buttons offer", widgets.Dropdown: "menu offers",
                        widgets.SelectionSlider: "slider offers"}[type(control)]
                raise ValueError(f"the {name.replace('_', ' ')} {kind} {offered}, got {value!r}")
        elif isinstance(control, widgets.IntSlider):
            whole_number(name, value, least=control.min, most=control.max)
        elif isinstance(control, (widgets.FloatSlider, widgets.FloatLogSlider)):
            low, high = control.min, control.max
            if isinstance(control, widgets.FloatLogSlider):
                low, high = control.base**low, control.base**high
            if not low <= as_float(name, value) <= high:
                raise ValueError(f"{name} must lie in [{low:g}, {high:g}] (the slider's range), "
                                 f"got {value}")


class PanelView(Displayable):
    """Base of the panel views: `self.widget` is what the notebook displays.

    Displaying a panel shows the live widget in JupyterLab and on Colab, a PNG
    snapshot of its figure where no kernel runs (static renderers), and a
    one-line text description in plain-text contexts such as nbval.

    A view lists its controls for a state in `controls` (and adds the logic's
    own checks in `check`); `watch` makes a change of any control update the
    view. `set_state` then checks a whole new state before it moves anything,
    and moves the controls together with a single update at the end.
    """

    title = "panel"
    hint = "A picture of the panel: run the cells above, and this one, to bring it to life."
    widget: widgets.Widget
    fig: Figure
    _holding = False  # True while set_state moves several controls
    _stale = False  # a control moved while holding: update once at the end

    def update(self, change=None):
        """Recompute for the current controls and redraw; each view defines it."""
        raise NotImplementedError

    def controls(self, state):
        """(name, control, value) for every control `state` sets, in the order to set them."""
        raise NotImplementedError

    def check(self, state):
        """Raise ValueError or TypeError unless the view can show `state` exactly.

        Here: every control takes its value (check_controls). A view adds its
        logic's checks (ranges, types) before these.
        """
        check_controls(self.controls(state))

    def apply_state(self, state):
        """Move every control to its value in `state`, which `check` has accepted."""
        for _, control, value in self.controls(state):
            control.value = value

    def set_state(self, **values):
        """Move controls, e.g. panel.set_state(w=2.0, b=0.5), then update once.

        The whole new state is checked first: a value the panel cannot show
        exactly raises an error naming what was expected and what came, and
        nothing changes.
        """
        state = replace(self.state, **values)
        self.check(state)
        with self.holding_updates():
            self.apply_state(state)

    def watch(self, *controls):
        """Update the view whenever one of `controls` changes value (see request_update)."""
        for control in controls:
            control.observe(self.request_update, names="value")

    def request_update(self, change=None):
        """Update now, or once at the end while several controls move together."""
        if self._holding:
            self._stale = True
        else:
            self.update()

    @contextmanager
    def holding_updates(self):
        """Move several controls inside this block; the view updates once, after the last.

        A view that reran its logic for every control would compute (and draw)
        states the learner never asked for, one per control.
        """
        if self._holding:  # an outer block updates
            yield
            return
        self._holding, self._stale = True, False
        try:
            yield
        finally:
            self._holding = False
            if self._stale:
                self._stale = False
                self.update()

    def plain_text(self):
        return f"{self.title} (interactive: open in JupyterLab to use it)"

    def snapshot_png(self):
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png")
        return buffer.getvalue()
