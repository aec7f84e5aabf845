"""Diagrams: computation graphs, chains and dense networks with their weights."""

import numpy as np

from bp_helpers.plots.described import DescribedFigure, table_html


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
    fig = DescribedFigure(figsize=(9.5, 3.4), alt=(
        "Tree: w(L), a(L-1) and b(L) feed z(L), with derivatives a(L-1), w(L) and 1 on "
        "the edges; z(L) feeds a(L) through sigma'(z(L)); a(L) and y feed C0 through "
        "2(a(L) - y)."))
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
    fig = DescribedFigure(figsize=(2.6 * L + 3, 2.4), alt=(
        f"Chain: x = a(0) feeds z(1) through w(1), z(1) feeds a(1) through sigma'(z(1)), "
        f"and so on to a({L}), which feeds C0 through 2(a({L}) - y)."))
    draw_graph(fig.add_subplot(), nodes, edges)
    return fig


def neuron_positions(sizes):
    """(x, y) of every neuron: positions[l][j] for neuron j of layer l, layers left to right.

    Neuron 0 of each layer is at the top, as in the weight matrix's row 0.
    """
    return [[(1.6 * l, (n - 1) / 2 - j) for j in range(n)] for l, n in enumerate(sizes)]


def draw_network(ax, W, highlight=(), chosen=None):
    """Draw a dense network whose edges show its weights.

    W: the weight matrices, W[l-1] of shape (n_l, n_{l-1}). An edge's width
    grows with |w_jk|; blue and solid is positive, red and dashed negative. highlight: edges
    (l, j, k) to draw strongly while the rest fade; chosen: (l, j), a
    neuron to ring.
    """
    sizes = [W[0].shape[1]] + [w.shape[0] for w in W]
    positions = neuron_positions(sizes)
    largest = max(np.abs(w).max() for w in W)
    faded = bool(highlight)
    for l, w in enumerate(W, start=1):
        for j, k in np.ndindex(w.shape):
            (x0, y0), (x1, y1) = positions[l - 1][k], positions[l][j]
            strong = (l, j, k) in highlight
            ax.plot([x0, x1], [y0, y1], color="#2a6fdb" if w[j, k] > 0 else "#d1495b",
                    ls="-" if w[j, k] > 0 else (0, (3, 1.5)),  # sign not by colour alone
                    lw=0.5 + 3.5 * abs(w[j, k]) / largest, zorder=2 if strong else 1,
                    alpha=1.0 if strong or not faded else 0.15)
    for l, layer in enumerate(positions):
        for j, (x, y) in enumerate(layer):
            ring = chosen == (l, j)
            ax.scatter([x], [y], s=420, zorder=3, c="#fff3b0" if ring else "white",
                       edgecolors="#b03a2e" if ring else "#333", linewidths=2.5 if ring else 1)
            ax.text(x, y, str(j), ha="center", va="center", fontsize=9, zorder=4)
    for l in range(len(sizes)):
        ax.text(1.6 * l, (max(sizes) - 1) / 2 + 0.8, f"layer {l}", ha="center", fontsize=9)
    ax.set(xlim=(-0.6, 1.6 * (len(sizes) - 1) + 0.6),
           ylim=(-(max(sizes) - 1) / 2 - 0.6, (max(sizes) - 1) / 2 + 1.1))
    ax.set_axis_off()


def draw_matrix(ax, w, name="W"):
    """Show a weight matrix with every entry written in: row j (to), column k (from)."""
    limit = np.abs(w).max()
    ax.imshow(w, cmap="RdBu", vmin=-limit, vmax=limit)
    for j, k in np.ndindex(w.shape):
        dark = abs(w[j, k]) > 0.6 * limit
        ax.text(k, j, f"{w[j, k]:+.2f}", ha="center", va="center", fontsize=9,
                color="white" if dark else "black")
    ax.set(xticks=range(w.shape[1]), yticks=range(w.shape[0]),
           xlabel="k: from neuron k of layer L-1", ylabel="j: to neuron j of layer L",
           title=f"{name}: row j, column k holds $w_{{jk}}$")


def network_and_matrix(W):
    """A small network's diagram beside its last weight matrix, for the notation."""
    sizes = [W[0].shape[1], *(w.shape[0] for w in W)]
    fig = DescribedFigure(figsize=(9.5, 3.4), layout="constrained", alt=(
        f"A network with layers of {', '.join(map(str, sizes))} neurons, every neuron joined "
        f"to every neuron of the next layer, beside its last weight matrix W({len(W)}), "
        "whose row j, column k holds w_jk, the weight from neuron k to neuron j."),
        data=table_html(["j \\ k", *range(W[-1].shape[1])],
                        [[j, *(f"{v:+.2f}" for v in row)] for j, row in enumerate(W[-1])],
                        f"W({len(W)}): row j, column k holds w_jk"))
    ax_net, ax_matrix = fig.subplots(1, 2, width_ratios=[1.2, 1])
    draw_network(ax_net, W)
    draw_matrix(ax_matrix, W[-1], name=f"W({len(W)})")
    return fig
