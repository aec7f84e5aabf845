"""The graph is data: draw any `Value` expression, values forward and grads backward.

`value_graph_frames(root)` is the logic: the nodes of root's graph, where each
is drawn, and one frame per step. Steps 1 to N reveal the values in
topological order (the forward pass); steps N + 1 to 2N pass the grads back
one node at a time, in reverse topological order, exactly as
`Value.backward` does. `draw_value_graph` renders a frame as a matplotlib
figure, and `ValueGraphPanel` steps through the frames, showing each as a
PNG with alt text that reads out every node's value and grad.
"""

import base64
import html
import io
from dataclasses import dataclass

import ipywidgets as widgets
from matplotlib.figure import Figure

from bp_helpers.autodiff import topological_order
from bp_helpers.display import Displayable


@dataclass(frozen=True)
class Frame:
    """One step: the values shown, the grads so far, the node just handled, and what happened."""

    values: dict
    grads: dict
    current: int | None
    message: str


@dataclass(frozen=True)
class ValueGraph:
    """A Value graph laid out: labels[i], position[i] = (x, y) of node i, edges (parent, child)."""

    labels: tuple
    positions: tuple
    edges: tuple
    frames: tuple


def label(node):
    """The name a node is drawn with: its name, its operation, or its number (a constant)."""
    if node.name:
        return node.name
    return node.op if node.parents else f"{node.data:g}"


def value_graph_frames(root):
    """The laid-out graph of root with its 2N + 1 frames (frame 0: nothing computed yet)."""
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    depth = {}
    for node in order:  # a node sits one column right of its deepest parent
        depth[node] = 1 + max((depth[p] for p in node.parents), default=-1)
    users = {}
    for node in order:
        for parent in node.parents:
            users.setdefault(parent, []).append(node)
    for node in order:  # an input sits just left of the first node that uses it
        if not node.parents and node in users:
            depth[node] = min(depth[user] for user in users[node]) - 1
    columns = {}
    for node in order:
        columns.setdefault(depth[node], []).append(node)
    positions = [None] * len(order)
    for x, nodes in columns.items():
        for row, node in enumerate(nodes):
            positions[index[node]] = (x, row - (len(nodes) - 1) / 2)
    edges = tuple((index[p], index[node]) for node in order for p in node.parents)
    labels = tuple(label(node) for node in order)

    frames = [Frame({}, {}, None, "Nothing computed yet: step forward.")]
    values = {}
    for i, node in enumerate(order):
        values = {**values, i: node.data}
        how = (f"computed by {node.op} from {', '.join(labels[index[p]] for p in node.parents)}"
               if node.parents else "an input")
        frames.append(Frame(values, {}, i, f"Forward: {labels[i]} = {node.data:.4g}, {how}."))
    grads = {i: 0.0 for i in range(len(order))}
    for node in reversed(order):
        i = index[node]
        grads = dict(grads)
        if node is root:
            grads[i] = 1.0
            message = f"Backward: the root {labels[i]} starts with grad 1 (∂C/∂C)."
        else:
            message = f"Backward: {labels[i]}'s grad is complete, {grads[i]:.4g}"
        passed = []
        for parent, local in zip(node.parents, node.local, strict=True):
            grads[index[parent]] += local * grads[i]
            passed.append(f"{labels[index[parent]]} += {local:.4g} × {grads[i]:.4g}")
        message += ("; it passes back " + ", ".join(passed) + "." if passed
                    else "; it is an input, so nothing passes further.")
        frames.append(Frame(values, grads, i, message))
    return ValueGraph(labels, tuple(positions), edges, tuple(frames))


def describe(graph, step):
    """The frame as text, for the picture's alt text: every node, its value and its grad."""
    frame = graph.frames[step]
    parts = []
    for i, name in enumerate(graph.labels):
        value = frame.values.get(i)
        grad = frame.grads.get(i)
        parts.append(f"{name} = {'?' if value is None else f'{value:.4g}'}"
                     + ("" if grad is None else f" (grad {grad:.4g})"))
    return f"Computation graph, step {step} of {len(graph.frames) - 1}: " + "; ".join(parts)


def draw_value_graph(graph, step=None):
    """A Figure of `graph` at `step` (default: the last, every value and grad in)."""
    step = len(graph.frames) - 1 if step is None else step
    frame = graph.frames[step]
    xs = [x for x, _ in graph.positions]
    ys = [y for _, y in graph.positions]
    fig = Figure(figsize=(1.9 * (max(xs) + 1) + 0.4, 1.0 * (max(ys) - min(ys) + 1) + 0.6))
    ax = fig.add_axes((0, 0, 1, 1))
    for i, ((x, y), name) in enumerate(zip(graph.positions, graph.labels, strict=True)):
        value, grad = frame.values.get(i), frame.grads.get(i)
        text = f"{name}\n{'?' if value is None else f'{value:.4g}'}"
        text += "" if grad is None else f"\ngrad {grad:.4g}"
        on = i == frame.current
        ax.text(x, y, text, ha="center", va="center", fontsize=9, zorder=5,
                bbox=dict(boxstyle="round,pad=0.3", fc="#fff3b0" if on else "#eef4fb",
                          ec="#d35400" if on else "#4a7ab7", lw=2 if on else 1))
    for parent, child in graph.edges:  # drawn over the boxes, so that every head shows
        (x0, y0), (x1, y1) = graph.positions[parent], graph.positions[child]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=6,
                    arrowprops=dict(arrowstyle="-|>", color="#555", shrinkA=24, shrinkB=24))
    ax.set(xlim=(-0.6, max(xs) + 0.6), ylim=(min(ys) - 0.6, max(ys) + 0.6))
    ax.set_axis_off()
    return fig


def png(fig):
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    return buffer.getvalue()


class ValueGraphPanel(Displayable):
    """Step through any Value expression: forward one node at a time, then backward."""

    def __init__(self, root):
        self.graph = value_graph_frames(root)
        last = len(self.graph.frames) - 1
        self.slider = widgets.IntSlider(value=0, min=0, max=last, description="step",
                                        continuous_update=False)
        self.back_button = widgets.Button(description="◀ step back")
        self.next_button = widgets.Button(description="step ▶", button_style="info")
        self.back_button.on_click(lambda _: self.step_by(-1))
        self.next_button.on_click(lambda _: self.step_by(1))
        self.picture = widgets.HTML()
        self.message = widgets.HTML()
        self.widget = widgets.VBox([
            widgets.HBox([self.back_button, self.next_button, self.slider]),
            self.picture, self.message])
        self.widget.add_class("bp-value-graph")
        self.slider.observe(self.update, names="value")
        self.update()

    def step_by(self, change):
        self.slider.value = min(max(self.slider.value + change, 0), self.slider.max)

    def picture_html(self, step):
        data = base64.b64encode(png(draw_value_graph(self.graph, step))).decode("ascii")
        alt = html.escape(describe(self.graph, step), quote=True)
        return f"<img src='data:image/png;base64,{data}' alt='{alt}' style='max-width:100%'>"

    def update(self, change=None):
        step = self.slider.value
        self.picture.value = self.picture_html(step)
        self.message.value = (f"<div data-key='value-graph-message'>"
                              f"{html.escape(self.graph.frames[step].message)}</div>")

    def plain_text(self):
        return (f"{describe(self.graph, len(self.graph.frames) - 1)} (interactive: open in "
                "JupyterLab to use it)")

    def snapshot_png(self):
        return png(draw_value_graph(self.graph))
