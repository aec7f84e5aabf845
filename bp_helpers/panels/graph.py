"""The computation graph, step by step: values forward, derivatives backward.

Lessons 1 and 2 draw the chain x = a(0) -> z(1) -> a(1) -> ... -> a(L) -> C0
as a graph. Here the learner walks through it. A forward step fills in one
node's value, left to right; a backward step fills in one node's dC0/d(node),
right to left, as the local derivative on the edge times the derivative
already found at the edge's head. The numbers come from `chain.forward` and
`chain.backward`, and each backward step names the pattern it shows: an
addition passes the gradient on unchanged (dz/db = 1), a multiplication
hands each input the other one's value (dz/dw = a(l-1), dz/da(l-1) = w).

Before each step the learner can type the number it will fill in and check it
(`next_number`, `judge_next`): the panel asks for every number before it shows it.

`graph_result(state)` is the pure logic (GraphState -> GraphResult); GraphPanel
is the thin view: an SVG drawing in an HTML widget, the step buttons and the
number box. Before its cell runs, the lesson shows the graph's picture at step
0 (inputs only), so the lesson reads where no kernel runs, on GitHub say.
"""

from dataclasses import dataclass, replace

import ipywidgets as widgets

from bp_helpers.access import live
from bp_helpers.activations import get_activation
from bp_helpers.chain import backward, check_chain
from bp_helpers.display import Displayable

ADDITION = "An addition passes the gradient on unchanged: ∂z/∂b = 1."
MULTIPLICATION = ("A multiplication hands each input the other one's value: "
                  "∂z/∂w = a(l-1) and ∂z/∂a(l-1) = w.")


@dataclass(frozen=True)
class GraphState:
    """The chain's parameters (one w and b per layer), the example, and the step shown.

    step 0 shows the inputs only; each step after it fills in one more number.
    """

    w: tuple = (1.5,)
    b: tuple = (-0.5,)
    x: float = 0.8
    y: float = 0.0
    activation: str = "sigmoid"
    step: int = 0


@dataclass(frozen=True)
class Step:
    """One step: the node it fills in, in which direction, and what it computes.

    edge is the (source, target) edge whose local derivative a backward step
    uses, or None. formula is the computation with its numbers; pattern names
    the rule it shows (or is "").
    """

    direction: str
    node: str
    edge: tuple | None
    formula: str
    pattern: str


@dataclass(frozen=True)
class GraphResult:
    """What the panel shows at one step.

    labels: node -> its name in lesson notation. values, grads: node ->
    number, only for the nodes filled in so far (inputs always have their
    value). local: (source, target) -> the edge's local derivative as a
    number, for the edges backward steps have used. step: the step just
    taken, or None at step 0. n_steps: the last step's number.
    """

    state: GraphState
    labels: dict
    values: dict
    grads: dict
    local: dict
    step: Step | None
    n_steps: int

    @property
    def message(self):
        if self.step is None:
            return ("The inputs are set. Step forward to compute each node's value, "
                    "left to right.")
        return f"{self.step.formula} {self.step.pattern}".strip()


def node_labels(L):
    """Node -> label; a one-layer chain uses lesson 1's (L) and (L-1) names."""
    if L == 1:
        return {"a0": "a(L-1)", "w1": "w(L)", "b1": "b(L)", "z1": "z(L)", "a1": "a(L)",
                "y": "y", "C0": "C0"}
    labels = {"a0": "a(0)"}
    for l in range(1, L + 1):
        labels |= {f"w{l}": f"w({l})", f"b{l}": f"b({l})", f"z{l}": f"z({l})",
                   f"a{l}": f"a({l})"}
    return labels | {"y": "y", "C0": "C0"}


def edges(L):
    """The graph's edges as (source, target) pairs."""
    out = []
    for l in range(1, L + 1):
        out += [(f"w{l}", f"z{l}"), (f"a{l - 1}", f"z{l}"), (f"b{l}", f"z{l}"),
                (f"z{l}", f"a{l}")]
    return [*out, (f"a{L}", "C0"), ("y", "C0")]


def local_label(edge, labels):
    """The symbolic local derivative d(target)/d(source) written on an edge."""
    source, target = edge
    if target == "C0":
        return "" if source == "y" else f"2({labels[source]} − y)"
    if source.startswith("z"):
        return f"σ′({labels[source]})"
    l = int(target[1:])
    return {"w": labels[f"a{l - 1}"], "b": "1", "a": labels[f"w{l}"]}[source[0]]


def _n(x):
    return f"{x:.4g}" if x >= 0 else f"({x:.4g})"


def all_steps(state):
    """Every step in order, forward then backward, with the numbers of `state`."""
    w, b, x, y = check_chain(state.w, state.b, state.x, state.y)
    g = backward(w, b, x, y, state.activation)
    f, L = g.forward, len(w)
    labels = node_labels(L)
    act = "σ" if state.activation == "sigmoid" else get_activation(state.activation).name
    steps = []
    for l in range(1, L + 1):
        z, a = labels[f"z{l}"], labels[f"a{l}"]
        steps.append(Step("forward", f"z{l}", None,
                          f"{z} = {labels[f'w{l}']} {labels[f'a{l - 1}']} + {labels[f'b{l}']} = "
                          f"{_n(w[l - 1])} × {_n(f.a[l - 1])} + {_n(b[l - 1])} = "
                          f"{f.z[l - 1]:.4g}.", ""))
        steps.append(Step("forward", f"a{l}", None,
                          f"{a} = {act}({z}) = {act}({f.z[l - 1]:.4g}) = {f.a[l]:.4g}.", ""))
    aL = labels[f"a{L}"]
    steps.append(Step("forward", "C0", None,
                      f"C0 = ({aL} − y)² = ({f.a[L]:.4g} − {_n(y)})² = {f.C0:.4g}. "
                      "Now step backward, from the cost to the inputs.", ""))
    steps.append(Step("backward", "C0", None,
                      "∂C0/∂C0 = 1: the backward pass starts at the cost.", ""))
    steps.append(Step("backward", f"a{L}", (f"a{L}", "C0"),
                      f"∂C0/∂{aL} = 2({aL} − y) × ∂C0/∂C0 = {g.dC_da[L]:.4g} × 1 = "
                      f"{g.dC_da[L]:.4g}.", ""))
    for l in range(L, 0, -1):
        z, a, da = labels[f"z{l}"], labels[f"a{l}"], g.dC_da[l]
        delta = g.delta[l - 1]
        steps.append(Step("backward", f"z{l}", (f"z{l}", f"a{l}"),
                          f"∂C0/∂{z} = σ′({z}) × ∂C0/∂{a} = {g.sigma_prime[l - 1]:.4g} × "
                          f"{_n(da)} = {delta:.4g}.", ""))
        for kind, local, grad, pattern in [
            ("b", 1.0, g.dC_db[l - 1], ADDITION),
            ("w", f.a[l - 1], g.dC_dw[l - 1], MULTIPLICATION),
            ("a", w[l - 1], g.dC_da[l - 1], MULTIPLICATION),
        ]:
            node = f"{kind}{l}" if kind != "a" else f"a{l - 1}"
            steps.append(Step("backward", node, (node, f"z{l}"),
                              f"∂C0/∂{labels[node]} = ∂{z}/∂{labels[node]} × ∂C0/∂{z} = "
                              f"{_n(local)} × {_n(delta)} = {grad:.4g}.", pattern))
    return steps, g


def graph_result(state):
    """Everything the panel shows after `state.step` steps; raises ValueError if out of range."""
    steps, g = all_steps(state)
    if isinstance(state.step, bool) or int(state.step) != state.step or not (
            0 <= state.step <= len(steps)):
        raise ValueError(f"step must be a whole number from 0 to {len(steps)}, "
                         f"got {state.step!r}")
    f, L = g.forward, len(state.w)
    labels = node_labels(L)
    all_values = {"a0": f.a[0], "y": float(state.y), "C0": f.C0}
    all_grads = {"C0": 1.0}
    for l in range(1, L + 1):
        all_values |= {f"w{l}": state.w[l - 1], f"b{l}": state.b[l - 1], f"z{l}": f.z[l - 1],
                       f"a{l}": f.a[l]}
        all_grads |= {f"w{l}": g.dC_dw[l - 1], f"b{l}": g.dC_db[l - 1], f"z{l}": g.delta[l - 1],
                      f"a{l}": g.dC_da[l]}
    all_grads["a0"] = g.dC_da[0]
    inputs = ["a0", "y"] + [f"{p}{l}" for l in range(1, L + 1) for p in "wb"]
    values = {node: float(all_values[node]) for node in inputs}
    grads, local = {}, {}
    done = steps[:state.step]
    for step in done:
        if step.direction == "forward":
            values[step.node] = float(all_values[step.node])
        else:
            grads[step.node] = float(all_grads[step.node])
            if step.edge is not None:
                local[step.edge] = _local_value(step.edge, all_values, state)
    return GraphResult(state=state, labels=labels, values=values, grads=grads, local=local,
                       step=done[-1] if done else None, n_steps=len(steps))


def next_number(state):
    """(name, number) that step state.step + 1 fills in: a node's value on the way forward,
    its dC0/d(node) on the way back. None after the last step."""
    if state.step == graph_result(state).n_steps:
        return None
    result = graph_result(replace(state, step=state.step + 1))
    node, label = result.step.node, result.labels[result.step.node]
    if result.step.direction == "forward":
        return label, result.values[node]
    return f"∂C0/∂{label}", result.grads[node]


# How far a guess may be off: the panel shows 4 significant digits, and a learner
# computing from them by hand lands within a few units of the last one.
GUESS_RTOL, GUESS_ATOL = 0.01, 1e-3


def judge_next(state, guess):
    """(right, sentence) for a learner's guess of the next number; ValueError if none is left."""
    upcoming = next_number(state)
    if upcoming is None:
        raise ValueError("every number is already filled in: start over with ◀ or the slider")
    name, number = upcoming
    if abs(guess - number) <= max(GUESS_RTOL * abs(number), GUESS_ATOL):
        return True, f"Right: {name} = {number:.4g}."
    return False, f"Not quite: you said {guess:.4g}, and {name} = {number:.4g}. See how below."


def _local_value(edge, values, state):
    source, target = edge
    if target == "C0":
        return 2.0 * (values[source] - state.y)
    if source.startswith("z"):
        return float(get_activation(state.activation).df(values[source]))
    l = int(target[1:])
    return float({"w": values[f"a{l - 1}"], "b": 1.0, "a": values[f"w{l}"]}[source[0]])


# The view ----------------------------------------------------------------------------------

COLUMN, BOX_W, BOX_H = 150, 112, 54
ROWS = {"top": 40, "middle": 150, "bottom": 260}


def positions(L):
    """Node -> (x, y) centre in the SVG, one column apart along the chain.

    w(l) and b(l) sit above and below the gap before z(l); y above the cost.
    """
    pos = {"a0": (70, ROWS["middle"])}
    for l in range(1, L + 1):
        z_x = 70 + COLUMN * (2 * l - 1)
        pos |= {f"w{l}": (z_x - COLUMN / 2, ROWS["top"]),
                f"b{l}": (z_x - COLUMN / 2, ROWS["bottom"]),
                f"z{l}": (z_x, ROWS["middle"]), f"a{l}": (z_x + COLUMN, ROWS["middle"])}
    c_x = pos[f"a{L}"][0] + COLUMN
    return pos | {"C0": (c_x, ROWS["middle"]), "y": (c_x, ROWS["top"])}


def _svg_text(x, y, text, key="", size=13, colour="#222", weight="normal", anchor="middle"):
    attr = f" data-key='{key}'" if key else ""
    return (f"<text x='{x:.0f}' y='{y:.0f}' text-anchor='{anchor}' font-size='{size}' "
            f"fill='{colour}' font-weight='{weight}' font-family='sans-serif'{attr}>"
            f"{text}</text>")


def render_svg(result):
    """The graph at this step as an SVG string; every shown number carries a data-key."""
    L = len(result.state.w)
    pos = positions(L)
    width = pos["C0"][0] + 80
    active = result.step.edge if result.step is not None else None
    parts = [f"<svg viewBox='0 0 {width:.0f} 310' width='{width:.0f}' height='310' "
             f"xmlns='http://www.w3.org/2000/svg'>",
             "<defs><marker id='bp-arrow' viewBox='0 0 10 10' refX='10' refY='5' "
             "markerWidth='7' markerHeight='7' orient='auto-start-reverse'>"
             "<path d='M0,0 L10,5 L0,10 z' fill='#555'/></marker></defs>"]
    for edge in edges(L):
        (x0, y0), (x1, y1) = pos[edge[0]], pos[edge[1]]
        dx, dy = x1 - x0, y1 - y0
        norm = (dx * dx + dy * dy) ** 0.5
        # Start and end at the boxes' edges (roughly), so that arrow heads show.
        sx, sy = x0 + dx / norm * 60, y0 + dy / norm * 30
        ex, ey = x1 - dx / norm * 62, y1 - dy / norm * 30
        on = edge == active
        parts.append(f"<line x1='{sx:.0f}' y1='{sy:.0f}' x2='{ex:.0f}' y2='{ey:.0f}' "
                     f"stroke='{'#d35400' if on else '#777'}' stroke-width='{3 if on else 1.3}' "
                     f"marker-end='url(#bp-arrow)'/>")
        label = local_label(edge, result.labels)
        if label:
            number = result.local.get(edge)
            if number is not None and label != f"{number:.4g}":
                label += f" = {number:.4g}"
            # Labels of the chain's own (level) arrows go above the boxes, where there
            # is room; slanted ones sit on their arrow.
            mx = (x0 + x1) / 2 if dy == 0 else sx + 0.5 * (ex - sx) - 6
            my = y0 - BOX_H / 2 - 10 if dy == 0 else sy + 0.5 * (ey - sy) + 4
            key = f"local-{edge[0]}-{edge[1]}"
            parts.append(_svg_text(mx, my, label, key, size=11,
                                   colour="#a04000" if on else "#b03a2e",
                                   weight="bold" if on else "normal",
                                   anchor="middle" if dy == 0 else "end"))
    current = result.step.node if result.step is not None else None
    for node, (x, y) in pos.items():
        on = node == current
        parts.append(f"<rect x='{x - BOX_W / 2:.0f}' y='{y - BOX_H / 2:.0f}' width='{BOX_W}' "
                     f"height='{BOX_H}' rx='8' fill='{'#fff3b0' if on else '#eef4fb'}' "
                     f"stroke='{'#d35400' if on else '#4a7ab7'}' "
                     f"stroke-width='{2.5 if on else 1}'/>")
        parts.append(_svg_text(x, y - 9, result.labels[node], weight="bold"))
        value = result.values.get(node)
        parts.append(_svg_text(x, y + 7, f"= {value:.4g}" if value is not None else "= ?",
                               f"value-{node}", size=12))
        if node != "y":
            grad = result.grads.get(node)
            parts.append(_svg_text(x, y + 22, f"∂C0/∂· = {grad:.4g}" if grad is not None
                                   else "∂C0/∂· = ?", f"grad-{node}", size=11,
                                   colour="#1f5fa8" if grad is not None else "#595959"))
    parts.append("</svg>")
    return "".join(parts)


def scroller(svg):
    """The graph at its own size in a box that scrolls sideways when the column is narrower.

    Scaled down to a narrow column (at 200% zoom, say) its text would shrink below
    readable; so it keeps its size, and the box (a named region) takes keyboard focus
    so that the arrow keys can scroll it.
    """
    return ("<div role='region' aria-label='the computational graph' tabindex='0' "
            f"style='overflow-x:auto;max-width:100%'>{svg}</div>")


class GraphPanel(Displayable):
    """The step-through graph: step forward or back, play, or start over."""

    def __init__(self, state=GraphState()):
        graph_result(state)
        self.params = replace(state, step=0)
        self.n_steps = graph_result(self.params).n_steps
        self.slider = widgets.IntSlider(value=state.step, min=0, max=self.n_steps,
                                        description="step", continuous_update=True)
        self.play = widgets.Play(min=0, max=self.n_steps, interval=1200, description="play")
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.back_button = widgets.Button(description="◀ step back")
        self.next_button = widgets.Button(description="step ▶", button_style="info")
        self.back_button.on_click(lambda _: self.step_by(-1))
        self.next_button.on_click(lambda _: self.step_by(1))
        self.guess = widgets.FloatText(description="your next number", value=0.0,
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="260px"))
        self.check_button = widgets.Button(description="check ▶", button_style="info")
        self.check_button.on_click(lambda _: self.check_guess())
        self.verdict = live(widgets.HTML())
        self.drawing = widgets.HTML()
        self.message = live(widgets.HTML())
        self.drawing.add_class("bp-graph-drawing")
        self.message.add_class("bp-graph-message")
        self.widget = widgets.VBox([
            widgets.HBox([self.back_button, self.next_button, self.play, self.slider]),
            widgets.HBox([self.guess, self.check_button, self.verdict]),
            self.drawing, self.message])
        self.slider.observe(self.update, names="value")
        self.update()

    @property
    def state(self):
        return replace(self.params, step=self.slider.value)

    def step_by(self, change):
        """Take `change` steps (+1 forward, -1 back), staying within the first and last."""
        self.verdict.value = ""
        self.slider.value = min(max(self.slider.value + change, 0), self.n_steps)

    def check_guess(self):
        """Judge the number in the box against the next step's, then take that step."""
        if next_number(self.state) is None:
            self.verdict.value = "Every number is filled in: go back with ◀ or the slider."
            return
        right, sentence = judge_next(self.state, self.guess.value)
        self.slider.value += 1
        self.verdict.value = f"<span data-key='verdict'>{'✅' if right else '❌'} {sentence}</span>"

    def update(self, change=None):
        result = graph_result(self.state)
        self.drawing.value = scroller(render_svg(result))
        where = ("" if result.step is None else
                 f"<b>{result.step.direction} step {self.slider.value} of {self.n_steps}:</b> ")
        upcoming = next_number(self.state)
        ask = ("" if upcoming is None else
               f"<br>Next: {upcoming[0]} = ? Work it out, type it above and press "
               "<b>check ▶</b> (or <b>step ▶</b> to see it).")
        self.message.value = (f"<div data-key='message' style='font-size:110%'>{where}"
                              f"{result.message}{ask}</div>")

    def static_picture(self):
        """The graph with its inputs only: what the lesson shows before its cell runs."""
        return scroller(render_svg(graph_result(replace(self.params, step=0))))

    def plain_text(self):
        return ("The computation graph, step by step (interactive: open in JupyterLab to "
                "step through it)")
