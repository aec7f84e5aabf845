"""What every panel view shares: a live figure, readout tables, display."""

import io
import warnings

import ipywidgets as widgets
import numpy as np
from ipympl.backend_nbagg import Canvas, FigureManager
from matplotlib.figure import Figure
from traitlets import validate

from bp_helpers.display import Displayable


def live_figure(width, height):
    """A matplotlib Figure drawn by an ipympl canvas widget, whatever the backend.

    The notebook's own backend (inline) is left alone. Its layout is
    constrained: see `freeze_layout` for panels that update at slider speed.
    """
    fig = Figure(figsize=(width, height), layout="constrained")
    canvas = PrefixedCanvas(fig)
    with warnings.catch_warnings():
        # ipympl's toolbar passes traitlets an argument it deprecates; harmless.
        warnings.simplefilter("ignore", DeprecationWarning)
        FigureManager(canvas, num=0)
    canvas.header_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    # The size a front-end shows the canvas at. ipympl sets it when a canvas is
    # displayed on its own; inside a VBox it is never set and the view stays 0x0.
    canvas._size = (fig.bbox.width, fig.bbox.height)
    canvas.mpl_connect("draw_event", lambda event: send_whole_frames(canvas))
    return fig


class PrefixedCanvas(Canvas):
    """ipympl's canvas widget, with its stored picture a complete data URL.

    Until a browser view is ready, ipympl keeps the last frame in `_data_url`
    as bare base64 ("iVBOR..."); the front end uses that string as an image
    address, so the browser requests it from the server as a relative URL and
    shows a broken image. Here the `data:image/png;base64,` prefix is added.
    """

    @validate("_data_url")
    def _prefixed(self, proposal):
        value = proposal["value"]
        if isinstance(value, str) and value and not value.startswith("data:"):
            return DATA_URL_PREFIX + value
        return value


DATA_URL_PREFIX = "data:image/png;base64,"


def send_whole_frames(canvas):
    """Make the canvas send its next frame whole rather than as a difference.

    The browser may drop a frame that arrives before the previous one loaded;
    a later difference would then leave stale pixels of the dropped frame on
    screen. Whole frames cost no measurable time at these sizes.
    """
    canvas._force_full = True


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
    only the result. This is matplotlib's blitting, which ipympl supports.
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
        send_whole_frames(canvas)
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


class PanelView(Displayable):
    """Base of the panel views: `self.widget` is what the notebook displays.

    Displaying a panel shows the live widget in JupyterLab and on Colab, a PNG
    snapshot of its figure where no kernel runs (static renderers), and a
    one-line text description in plain-text contexts such as nbval.
    """

    title = "panel"
    hint = "A picture of the panel: run the cells above, and this one, to bring it to life."
    widget: widgets.Widget
    fig: Figure

    def plain_text(self):
        return f"{self.title} (interactive: open in JupyterLab to use it)"

    def snapshot_png(self):
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png")
        return buffer.getvalue()
