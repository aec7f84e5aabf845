"""Static figures for the lessons: computation graphs and gradient plots.

Every function returns a matplotlib Figure that pyplot does not track, so a
notebook cell shows it exactly once (as an inline PNG, readable without a
kernel) and nothing accumulates in memory.
"""

import numpy as np
from matplotlib.figure import Figure


def draw_graph(ax, nodes, edges):
    """Draw a computation graph on `ax`.

    nodes: {name: (x, y, label)}, label in mathtext. edges: (source, target,
    label) triples; each arrow carries its label, usually the partial
    derivative of the target with respect to the source.
    """
    for x, y, label in nodes.values():
        ax.text(x, y, label, ha="center", va="center", fontsize=15, zorder=5,
                bbox=dict(boxstyle="round,pad=0.35", fc="#eef4fb", ec="#4a7ab7"))
    for source, target, label in edges:
        (x0, y0, _), (x1, y1, _) = nodes[source], nodes[target]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", color="#555", shrinkA=22, shrinkB=22))
        if label:
            # Horizontal arrows carry their label above the middle; slanted ones on
            # the arrow, nearer the source, so that converging labels stay apart.
            t, above = (0.5, 0.3) if y0 == y1 else (0.35, 0.0)
            ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0) + above, label, ha="center",
                    va="center", zorder=4, fontsize=11, color="#b03a2e",
                    bbox=dict(fc="white", ec="none", pad=1))
    xs = [x for x, _, _ in nodes.values()]
    ys = [y for _, y, _ in nodes.values()]
    ax.set(xlim=(min(xs) - 0.7, max(xs) + 0.7), ylim=(min(ys) - 0.6, max(ys) + 0.6))
    ax.set_axis_off()


def computation_tree():
    """Lesson 1's tree: w, a(L-1), b feed z(L), which feeds a(L), then C0 (with y)."""
    nodes = {
        "w": (0, 1.4, r"$w^{(L)}$"),
        "a_prev": (0, 0, r"$a^{(L-1)}$"),
        "b": (0, -1.4, r"$b^{(L)}$"),
        "z": (4.0, 0, r"$z^{(L)}$"),
        "a": (6.6, 0, r"$a^{(L)}$"),
        "C0": (9.2, 0, r"$C_0$"),
        "y": (9.2, 1.4, r"$y$"),
    }
    edges = [
        ("w", "z", r"$\partial z/\partial w = a^{(L-1)}$"),
        ("a_prev", "z", r"$\partial z/\partial a^{(L-1)} = w^{(L)}$"),
        ("b", "z", r"$\partial z/\partial b = 1$"),
        ("z", "a", r"$\sigma'(z^{(L)})$"),
        ("a", "C0", r"$2(a^{(L)} - y)$"),
        ("y", "C0", ""),
    ]
    fig = Figure(figsize=(9.5, 3.4))
    draw_graph(fig.add_subplot(), nodes, edges)
    return fig


def chain_graph(L=3):
    """Lesson 2's chain x = a(0) -> z(1) -> a(1) -> ... -> a(L) -> C0, weights above."""
    step = 3.4
    nodes = {"a0": (0, 0, r"$a^{(0)}$")}
    edges = []
    for l in range(1, L + 1):
        z_x = step * (l - 1) + 1.7
        nodes[f"w{l}"] = (z_x, 1.3, rf"$w^{{({l})}}, b^{{({l})}}$")
        nodes[f"z{l}"] = (z_x, 0, rf"$z^{{({l})}}$")
        nodes[f"a{l}"] = (step * l, 0, rf"$a^{{({l})}}$")
        edges += [
            (f"a{l - 1}", f"z{l}", rf"$w^{{({l})}}$"),
            (f"w{l}", f"z{l}", ""),
            (f"z{l}", f"a{l}", rf"$\sigma'(z^{{({l})}})$"),
        ]
    nodes["C0"] = (step * L + 2.8, 0, r"$C_0$")
    edges.append((f"a{L}", "C0", rf"$2(a^{{({L})}}-y)$"))
    fig = Figure(figsize=(2.6 * L + 3, 2.4))
    draw_graph(fig.add_subplot(), nodes, edges)
    return fig


def gradient_per_layer(gradients_by_name, title="size of ∂C₀/∂w(l), layer by layer"):
    """Log plot of |dC0/dw(l)| against the layer l, one line per labelled chain.

    gradients_by_name: {label: ChainGradients}. Zero gradients (a dead ReLU)
    are left out of the log plot rather than drawn at minus infinity.
    """
    fig = Figure(figsize=(6.5, 3.2), layout="constrained")
    ax = fig.add_subplot()
    for name, gradients in gradients_by_name.items():
        size = np.abs(gradients.dC_dw)
        layers = np.arange(1, len(size) + 1)
        ax.semilogy(layers, np.where(size > 0, size, np.nan), "o-", label=name)
    ax.set(xlabel="layer l", ylabel="|∂C₀/∂w(l)|", title=title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return fig


def gradient_cost_plot(lengths, backprop, nudging, ylabel):
    """Compare the work of one backward pass with nudging every parameter.

    lengths (n,): chain lengths; backprop and nudging (n,): the work of each
    way, as time or as a count of forward passes.
    """
    fig = Figure(figsize=(6.5, 3.2), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(lengths, nudging, "o-", color="C3", label="nudge every parameter (2P forward passes)")
    ax.plot(lengths, backprop, "o-", color="C0", label="backprop (one forward, one backward)")
    ax.set(xlabel="number of layers L", ylabel=ylabel, yscale="log")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return fig
