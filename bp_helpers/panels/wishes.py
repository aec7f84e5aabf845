"""Lesson 5's "2" example, as the video tells it: one digit's wishes, and how they add up.

Pick a test digit by its class ("show me a 2"). Its output layer wishes to
move by -dC0/da(L) = -2(a(L) - y): up for the right digit, down for every
other. A neuron k of the last hidden layer then gets a wish from every output
neuron j, through the weight w_jk that connects them:

    -dC0/da_k(L-1) = sum_j  w_jk * sigma'(z_j) * wish_j,    wish_j = -dC0/da_j(L).

The panel draws that sum as stacked bars, one segment per output neuron j,
the way the video adds up the "desired nudges" of the ten outputs. And one
example is not what a step follows: the video then adds up the desired
nudges of many examples. The panel does the same for a mini-batch of
BATCH_SIZE test digits (this one and the next ones): the average wishes.

`wishes_result` computes everything for a state (numbers only, tested without
a browser); `next_example` and `next_mistake` move through the test set;
`WishesPanel` is the view.
"""

from dataclasses import dataclass, replace

import ipywidgets as widgets
import numpy as np

from bp_helpers.access import live
from bp_helpers.data.preprocess import IMAGE_SHAPE
from bp_helpers.panels.view import PanelView, bar_colors, html_table, live_figure, set_bars
from bp_helpers.validate import lessons_network, whole_number

BATCH_SIZE = 10
# One colour per output neuron j, so a segment of the stacked bars can be traced to its digit.
# Ten categories are too many for colour alone under colour-blindness: each output digit's
# segment also has its own hatching, and wide segments carry the digit (Paul Tol's "muted"
# colours, made for colour-blind readers).
DIGIT_COLORS = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
                "#882255", "#AA4499", "#BBBBBB")
DIGIT_HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--", "||", "**")


@dataclass(frozen=True)
class WishesState:
    """The panel's choices: the test example (its index), the hidden neuron k, the batch size."""

    index: int = 0
    neuron: int = 0
    batch_size: int = BATCH_SIZE


@dataclass(frozen=True, eq=False)
class WishesResult:
    """Everything the panel shows for one state.

    label and predicted are digits. output_wishes (n_L,) is -dC0/da(L) for
    this example; contributions (n_L,) are output neuron j's part
    w_jk sigma'(z_j) wish_j of hidden neuron k's wish, and hidden_wish their
    sum, -dC0/da_k(L-1). batch (the test indices of the mini-batch),
    batch_output_wishes and batch_contributions are the same averaged over
    the mini-batch, batch_hidden_wish their sum.
    """

    state: WishesState
    label: int
    predicted: int
    image: np.ndarray
    output_wishes: np.ndarray
    contributions: np.ndarray
    hidden_wish: float
    batch: np.ndarray
    batch_output_wishes: np.ndarray
    batch_contributions: np.ndarray
    batch_hidden_wish: float

    @property
    def right(self):
        return self.predicted == self.label


def check_network(network):
    """The panel reads the lessons' network: sigmoid neurons, quadratic cost, a hidden layer."""
    lessons_network(network, "the wishes panel")


def check_examples(network, X, labels):
    """Raise unless X is a batch of examples (m, n_0) for network with one label each."""
    shape, n_0 = np.shape(X), network.sizes[0]
    if len(shape) != 2 or shape[1] != n_0 or shape[0] == 0:
        raise ValueError(f"X must be test examples as rows, of shape (m, {n_0}), got shape "
                         f"{shape}")
    if np.shape(labels) != (shape[0],):
        raise ValueError(f"labels must hold one label per example of X, {shape[0]}, got shape "
                         f"{np.shape(labels)}")


def check_state(state, network, X):
    """Validate a WishesState: index a test example of X, neuron one of the last hidden layer."""
    m, hidden = len(X), network.sizes[-2]
    whole_number("index", state.index, least=0, most=m - 1)
    whole_number("neuron (of the last hidden layer)", state.neuron, least=0, most=hidden - 1)
    whole_number("batch_size", state.batch_size, least=1, most=m)


def wishes_result(state, network, X, labels):
    """The wishes for test example state.index of X (m, n_0) and labels (m,); a WishesResult."""
    check_network(network)
    check_examples(network, X, labels)
    check_state(state, network, X)
    m = len(X)
    batch = (state.index + np.arange(state.batch_size)) % m
    g = network.backprop(X[batch], np.asarray(labels)[batch])
    output_wishes = -g.dC_da[-1]                       # (B, n_L): -2(a - y)
    z = g.zs[-1]
    sigma_prime = network.activation.df(z)             # (B, n_L)
    w_k = network.W[-1][:, state.neuron]               # (n_L,): w_jk for every j
    contributions = w_k * sigma_prime * output_wishes  # (B, n_L)
    return WishesResult(
        state=state,
        label=int(labels[state.index]),
        predicted=int(np.argmax(g.activations[-1][0])),
        image=np.asarray(X[state.index]),
        output_wishes=output_wishes[0],
        contributions=contributions[0],
        hidden_wish=float(contributions[0].sum()),
        batch=batch,
        batch_output_wishes=output_wishes.mean(axis=0),
        batch_contributions=contributions.mean(axis=0),
        batch_hidden_wish=float(contributions.sum(axis=1).mean()),
    )


def next_example(labels, digit, after):
    """The first test index after `after` whose label is `digit` (wrapping round), or None."""
    return _next(np.flatnonzero(np.asarray(labels) == _digit(digit)), after)


def next_mistake(network, X, labels, digit, after):
    """The first test index after `after` of a `digit` the network gets wrong, or None."""
    labels = np.asarray(labels)
    candidates = np.flatnonzero(labels == _digit(digit))
    wrong = candidates[network.predict(X[candidates]) != digit]
    return _next(wrong, after)


def _next(indices, after):
    if len(indices) == 0:
        return None
    later = indices[indices > after]
    return int(later[0] if len(later) else indices[0])


def _digit(digit):
    return whole_number("digit", digit, least=0, most=9)


def stacked_segments(contributions):
    """Where each output neuron's segment sits in a stacked bar: (left, width) per j.

    Positive contributions stack rightwards from 0, negative ones leftwards,
    each in the order j = 0, 1, ..., so the bar's right end is the sum of the
    positive parts, its left end the sum of the negative parts, and the wish
    itself (their total) lies between.
    """
    contributions = np.asarray(contributions, dtype=float)
    left = np.empty_like(contributions)
    up = down = 0.0
    for j, c in enumerate(contributions):
        if c >= 0:
            left[j], up = up, up + c
        else:
            down += c
            left[j] = down
    return left, np.abs(contributions)


def readout_rows(result):
    """(key, label, value) rows for the readout: the digit, the verdict, neuron k's wish."""
    verdict = "right" if result.right else "wrong"
    return [
        ("index", "test digit", f"#{result.state.index}: a {result.label}"),
        ("predicted", "network says", f"{result.predicted} ({verdict})"),
        ("hidden_wish", f"wish of hidden neuron k = {result.state.neuron}",
         f"{result.hidden_wish:+.4f}"),
        ("batch_hidden_wish", f"its average over {BATCH_SIZE} digits",
         f"{result.batch_hidden_wish:+.4f}"),
    ]


def numbers_html(result):
    """The plots' numbers as a table, one row per output neuron j, in a collapsed section.

    Columns: this digit's wish for a_j, output j's part of hidden neuron k's wish,
    and the same two averaged over the mini-batch. A reader who cannot see the
    bars (or tell ten colours apart) reads them here.
    """
    k = result.state.neuron
    rows = "".join(
        f"<tr><th scope='row'>{j}</th><td>{wish:+.4f}</td><td>{part:+.4f}</td>"
        f"<td>{batch_wish:+.4f}</td><td>{batch_part:+.4f}</td></tr>"
        for j, (wish, part, batch_wish, batch_part) in enumerate(zip(
            result.output_wishes, result.contributions, result.batch_output_wishes,
            result.batch_contributions, strict=True)))
    return ("<details><summary>The numbers in the plots</summary><table "
            "style='font-family:monospace;text-align:right'>"
            f"<caption>output wishes, and each output's part of hidden neuron k = {k}'s wish"
            "</caption><tr><th scope='col'>output j</th><th scope='col'>wish, this digit</th>"
            f"<th scope='col'>part of k's wish</th><th scope='col'>wish, average over "
            f"{BATCH_SIZE}</th><th scope='col'>part, average</th></tr>{rows}</table></details>")


class WishesPanel(PanelView):
    """Show me a digit: its output wishes, one hidden neuron's wish as a sum, a batch's average."""

    title = "The '2' example: one digit's wishes and how they add up"

    def __init__(self, network, X, labels, digit=2, neuron=0):
        check_network(network)
        check_examples(network, X, labels)
        whole_number("digit", digit, least=0, most=9)
        self.network, self.X, self.labels = network, X, np.asarray(labels)
        first = next_example(self.labels, digit, -1)
        if first is None:
            raise ValueError(f"the test set has no {digit}")
        self.digit = widgets.Dropdown(options=list(range(10)), value=digit,
                                      description="show me a", layout={"width": "150px"})
        self.next_button = widgets.Button(description=f"next {digit}")
        self.mistake_button = widgets.Button(description="next mistake")
        self.neuron = widgets.Dropdown(options=list(range(network.sizes[-2])), value=neuron,
                                       description="hidden neuron k",
                                       style={"description_width": "initial"},
                                       layout={"width": "180px"})
        self.readout = live(widgets.HTML())
        self.note = live(widgets.HTML(layout=widgets.Layout(min_height="1.6em")))
        self._state = WishesState(index=first, neuron=neuron)  # the index and batch size
        self.fig = live_figure(9.8, 3.6, alt=(
            "Bar charts of the digit's output activations and of each output's wish for "
            "the hidden neuron; the table below the controls gives the same numbers."))
        self._build()
        controls = widgets.HBox([self.digit, self.next_button, self.mistake_button, self.neuron])
        self.numbers = widgets.HTML()
        self.widget = widgets.VBox([controls, self.note, self.readout, self.fig.canvas,
                                    self.numbers])
        self.digit.observe(self._new_digit, names="value")
        self.watch(self.neuron)
        self.next_button.on_click(lambda _: self.next_digit())
        self.mistake_button.on_click(lambda _: self.next_mistake())
        self.update()

    @property
    def state(self):
        """The example shown (its index), the menu's hidden neuron k, the batch size."""
        return replace(self._state, neuron=self.neuron.value)

    def controls(self, state):
        """The neuron menu with its value in `state`, e.g. for set_state(index=35, neuron=3)."""
        return [("neuron", self.neuron, state.neuron)]

    def check(self, state):
        check_state(state, self.network, self.X)
        super().check(state)

    def apply_state(self, state):
        """Show the example state.index (no control holds it) and move the neuron menu."""
        self._state = state
        self.neuron.value = state.neuron
        self.request_update()  # a new index moves no control

    def next_digit(self):
        """Move to the next test example of the chosen digit."""
        self.note.value = ""
        self.set_state(index=next_example(self.labels, self.digit.value, self.state.index))

    def next_mistake(self):
        """Move to the next test example of the chosen digit that the network gets wrong."""
        digit = self.digit.value
        index = next_mistake(self.network, self.X, self.labels, digit, self.state.index)
        if index is None:
            self.note.value = f"The network gets every {digit} of the test set right."
            return
        self.note.value = ""
        self.set_state(index=index)

    def _new_digit(self, change):
        digit = change["new"]
        self.next_button.description = f"next {digit}"
        self.note.value = ""
        index = next_example(self.labels, digit, -1)
        if index is None:
            self.note.value = f"The test set has no {digit}."
            return
        self.set_state(index=index)

    def _build(self):
        grid = self.fig.add_gridspec(1, 3, width_ratios=[0.7, 1.3, 1.6])
        self.ax_digit = self.fig.add_subplot(grid[0])
        self.ax_out = self.fig.add_subplot(grid[1])
        self.ax_sum = self.fig.add_subplot(grid[2])
        self.image = self.ax_digit.imshow(np.zeros(IMAGE_SHAPE), cmap="gray_r", vmin=0, vmax=1)
        self.ax_digit.set_axis_off()
        n_out = self.network.sizes[-1]
        self.out_bars = self.ax_out.bar(range(n_out), np.zeros(n_out))
        (self.batch_marks,) = self.ax_out.plot(range(n_out), np.zeros(n_out), "_", color="k",
                                               ms=14, mew=2.5,
                                               label=f"average over {BATCH_SIZE} digits")
        self.ax_out.axhline(0, color="#333", lw=0.8)
        self.ax_out.set(ylim=(-2.1, 2.1), xticks=range(n_out), xlabel="output neuron j",
                        title="output wishes −∂C₀/∂a(L)")
        self.ax_out.legend(loc="lower right", fontsize=7)
        self.sum_bars = [self.ax_sum.barh([1, 0], [0, 0], left=[0, 0], height=0.55,
                                          color=DIGIT_COLORS[j], edgecolor="white", lw=0.5,
                                          hatch=DIGIT_HATCHES[j])
                         for j in range(n_out)]
        (self.sum_marks,) = self.ax_sum.plot([0, 0], [1, 0], "D", color="k", ms=7,
                                             label="the sum: neuron k's wish")
        self.ax_sum.axvline(0, color="#333", lw=0.8)
        self.ax_sum.set(yticks=[1, 0], ylim=(-0.6, 1.6))
        self.ax_sum.set_yticklabels(["this digit", f"average over\n{BATCH_SIZE} digits"],
                                    fontsize=8)
        self.ax_sum.legend(loc="upper right", fontsize=7)
        self.labels_text = [self.ax_sum.text(0, 0, "", fontsize=7, ha="center", va="center",
                                             color="white") for _ in range(2 * n_out)]
        for ax in (self.ax_out, self.ax_sum):
            ax.tick_params(labelsize=8)
            ax.title.set_fontsize(10)

    def update(self, change=None):
        """Recompute for the current state and redraw."""
        r = wishes_result(self.state, self.network, self.X, self.labels)
        self.result = r
        k = r.state.neuron
        self.readout.value = html_table(readout_rows(r))
        self.numbers.value = numbers_html(r)
        self.image.set_data(r.image.reshape(IMAGE_SHAPE))
        self.ax_digit.set_title(f"#{r.state.index}: a {r.label}, network says {r.predicted}",
                                fontsize=9)
        set_bars(self.out_bars, r.output_wishes, bar_colors(r.output_wishes, r.label))
        self.batch_marks.set_ydata(r.batch_output_wishes)
        rows = [(1, r.contributions), (0, r.batch_contributions)]
        extent = max(1e-12, *(np.abs(c).sum() for _, c in rows))
        for row, values in rows:
            left, width = stacked_segments(values)
            for j, bars in enumerate(self.sum_bars):
                bar = bars[1 - row]
                bar.set_x(left[j])
                bar.set_width(width[j])
                text = self.labels_text[(1 - row) * len(self.sum_bars) + j]
                text.set_position((left[j] + width[j] / 2, row))
                text.set_text(str(j) if width[j] > 0.06 * extent else "")
        self.sum_marks.set_xdata([r.hidden_wish, r.batch_hidden_wish])
        reach = max(1e-12, *(max(np.sum(np.clip(c, 0, None)), -np.sum(np.clip(c, None, 0)))
                             for _, c in rows))
        self.ax_sum.set_xlim(-1.1 * reach, 1.1 * reach)
        self.ax_sum.set_title(f"hidden neuron k = {k}: its wish = Σⱼ w_jk σ′(z_j) wish_j",
                              fontsize=10)
        self.fig.canvas.draw_idle()
