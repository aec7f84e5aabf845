"""Plots of gradients: their size per layer, their cost, and gradient-check errors."""

import numpy as np

from bp_helpers.backprop_vs_nudging import layer_evaluations, loglog_slope
from bp_helpers.plots.described import DescribedFigure

LAYER_QUANTITIES = {"dC_dw": "|∂C₀/∂w(l)|", "dC_db": "|∂C₀/∂b(l)| = |δ(l)|"}


def gradient_per_layer(gradients_by_name, title=None, quantity="dC_dw", relative=False):
    """Log plot of |dC0/dw(l)| (or |dC0/db(l)|) against the layer l, one line per chain.

    gradients_by_name: {label: ChainGradients}; quantity: "dC_dw" or "dC_db"
    (the backward signal delta(l) itself). relative=True divides each line by
    its last layer's value, so every line starts at 1 at the output and shows
    only how the quantity grows or shrinks on the way back (chains whose
    outputs are wrong by different amounts then compare). Zero gradients (a
    dead ReLU) are left out of the log plot rather than drawn at minus infinity.
    """
    if quantity not in LAYER_QUANTITIES:
        raise ValueError(f"quantity must be one of {list(LAYER_QUANTITIES)}, got {quantity!r}")
    label = LAYER_QUANTITIES[quantity]
    fig = DescribedFigure(figsize=(6.5, 3.2), layout="constrained", alt=(
        f"Log plot of {label} against the layer, one line per chain: "
        + "; ".join(f"{name}: " + ", ".join(f"{v:.2g}" for v in np.abs(getattr(g, quantity)))
                    for name, g in gradients_by_name.items()) + "."))
    ax = fig.add_subplot()
    for name, gradients in gradients_by_name.items():
        size = np.abs(getattr(gradients, quantity))
        if relative:
            size = size / size[-1]
        layers = np.arange(1, len(size) + 1)
        ax.semilogy(layers, np.where(size > 0, size, np.nan), "o-", label=name)
    if relative:
        label = f"{label} / its value at layer {len(size)}"
    ax.set(xlabel="layer l", ylabel=label, title=title or f"size of {label}, layer by layer")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return fig


def backprop_vs_nudging_plot(lengths, backprop_seconds, nudging_seconds):
    """Two log-log panels: exact layer evaluations, and measured seconds, against L.

    lengths (n,): chain lengths; backprop_seconds, nudging_seconds (n,): the
    measured time of each way. On log-log axes a power law c L^p is a straight
    line of slope p; each legend entry gives the least-squares slope.
    """
    lengths = np.asarray(lengths)
    backprop_count, nudging_count = layer_evaluations(lengths)
    fig = DescribedFigure(figsize=(9.0, 3.4), layout="constrained", alt=(
        "Two log-log plots against the chain length L: the layer evaluations and the "
        "measured seconds of backprop and of nudging; nudging's grow much faster."))
    ax_count, ax_time = fig.subplots(1, 2)
    for ax, nudging, backprop, ylabel, title in (
        (ax_count, nudging_count, backprop_count, "layer evaluations", "counted exactly"),
        (ax_time, nudging_seconds, backprop_seconds, "seconds (best of 3)",
         "measured on this machine"),
    ):
        ax.loglog(lengths, nudging, "o-", color="C3",
                  label=f"nudge every parameter: slope {loglog_slope(lengths, nudging):.2f}")
        ax.loglog(lengths, backprop, "o-", color="C0",
                  label=f"backprop: slope {loglog_slope(lengths, backprop):.2f}")
        ax.set(xlabel="number of layers L", ylabel=ylabel, title=title)
        ax.set_xticks(lengths, [str(L) for L in lengths])
        ax.minorticks_off()
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
    return fig


def gradient_check_heatmap(report):
    """Heat maps of a GradientReport's relative errors, one panel per layer.

    Each panel shows log10 of the relative error of every weight w_jk
    (row j, column k) and, in the last column, of every bias b_j. Every entry
    that passes (at most the check's threshold) is the palest colour, whatever
    its round-off; above it the colour darkens up to 1 (100%). The colour bar
    marks the threshold.
    """
    L = len(report.error_W)
    fig = DescribedFigure(figsize=(3.2 * L + 1, 3.0), layout="constrained", alt=(
        "Heat maps of the relative error of every weight and bias, one per layer; the "
        "largest per layer: " + ", ".join(
            f"layer {l + 1} {max(np.max(w), np.max(b)):.1e}"
            for l, (w, b) in enumerate(zip(report.error_W, report.error_b, strict=True)))
        + "."))
    axes = fig.subplots(1, L, squeeze=False)[0]
    passing = float(np.log10(report.threshold))
    image = None
    for i, ax in enumerate(axes):
        errors = np.column_stack([report.error_W[i], report.error_b[i]])
        image = ax.imshow(np.log10(np.maximum(errors, 1e-16)), cmap="magma_r", vmin=passing,
                          vmax=0, aspect="auto")
        n_prev = report.error_W[i].shape[1]
        ax.axvline(n_prev - 0.5, color="white", lw=2)
        ax.set(title=f"layer {i + 1}", xlabel=f"k (0..{n_prev - 1}), then b",
               ylabel="j", xticks=[], yticks=range(errors.shape[0]))
    bar = fig.colorbar(image, ax=list(axes), label="relative error", extend="min")
    ticks = np.arange(np.ceil(passing), 1)
    bar.set_ticks(ticks, labels=[f"≤ {report.threshold:.0e}: passes" if t == ticks[0] else
                                 f"1e{int(t)}" if t < 0 else "1" for t in ticks])
    return fig
