"""Plots of gradients: their size per layer, their cost, and gradient-check errors."""

import numpy as np
from matplotlib.figure import Figure


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


def gradient_check_heatmap(report):
    """Heat maps of a GradientReport's relative errors, one panel per layer.

    Each panel shows log10 of the relative error of every weight w_jk
    (row j, column k) and, in the last column, of every bias b_j. Agreement
    (1e-7 or less) is pale; a bug lights up where it is.
    """
    L = len(report.error_W)
    fig = Figure(figsize=(3.2 * L + 1, 3.0), layout="constrained")
    axes = fig.subplots(1, L, squeeze=False)[0]
    image = None
    for i, ax in enumerate(axes):
        errors = np.column_stack([report.error_W[i], report.error_b[i]])
        image = ax.imshow(np.log10(np.maximum(errors, 1e-16)), cmap="magma_r", vmin=-12, vmax=0,
                          aspect="auto")
        n_prev = report.error_W[i].shape[1]
        ax.axvline(n_prev - 0.5, color="white", lw=2)
        ax.set(title=f"layer {i + 1}", xlabel=f"k (0..{n_prev - 1}), then b",
               ylabel="j", xticks=[], yticks=range(errors.shape[0]))
    fig.colorbar(image, ax=list(axes), label="log₁₀ relative error")
    return fig
