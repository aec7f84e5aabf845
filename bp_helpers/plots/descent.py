"""Lesson 4's figures: the cost over two parameters, descent paths, training curves."""

import numpy as np

from bp_helpers.plots.described import DescribedFigure

GD_STYLE = dict(color="#222222", marker="o", ms=3.5, lw=1.4)
SGD_STYLE = dict(color="#e0712b", lw=0.8, alpha=0.9)



def draw_cost_contours(ax, w, b, C, labels=True):
    """Contours of C (rows: b, columns: w) on ax, denser near the bottom of the valley.

    The levels sit at C_min + (C_max - C_min) * p for p spaced evenly on a log
    scale, so both the steep walls and the flat valley floor show.
    """
    low, high = float(np.min(C)), float(np.max(C))
    levels = low + (high - low) * np.geomspace(3e-3, 0.999, 14)
    ax.contourf(w, b, C, levels=[low, *levels, high], cmap="Blues_r", alpha=0.55)
    lines = ax.contour(w, b, C, levels=levels, colors="#4d6d8f", linewidths=0.6)
    if labels:
        ax.clabel(lines, lines.levels[::3], fontsize=7, fmt="%.3f")
    i, j = np.unravel_index(np.argmin(C), C.shape)
    ax.plot(w[j], b[i], marker="*", color="#2e7d32", ms=12, ls="none", label="lowest C on the grid")
    ax.set(xlabel="w", ylabel="b", xlim=(w[0], w[-1]), ylim=(b[0], b[-1]))


def draw_path(ax, path, label, **style):
    """One DescentPath as a line on ax, with its start marked; returns the line."""
    ax.plot(path.w[0], path.b[0], "s", color="#444444", ms=6, ls="none")
    (line,) = ax.plot(path.w, path.b, label=label, **style)
    return line


def path_label(path):
    """'full batch, 20 steps' or 'B = 10, 270 steps' for a DescentPath."""
    size = "full batch" if path.full_batch else f"B = {path.batch_size}"
    return f"{size}, {path.steps:,} steps"


def slice_contours(grid, j, k, start=None, title=None):
    """The cost C(w, b) of the lesson's slice: grid = (w, b, C) from CostSlice.grid."""
    fig = DescribedFigure(figsize=(5.6, 4.2), layout="constrained", alt=(
        f"Contour map of the cost C over w = W(2)[{j}, {k}] (across) and b = b(2)[{j}] (up): "
        "the cost is lowest where the rings close in."))
    ax = fig.add_subplot()
    draw_cost_contours(ax, *grid)
    if start is not None:
        ax.plot(*start, "s", color="#444444", ms=6, ls="none", label="start for descent")
    ax.set_title(title or f"C(w, b): every parameter frozen but w = W(2)[{j}, {k}], b = b(2)[{j}]",
                 fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    return fig


def descent_paths(grid, paths):
    """Paths over the slice (left) and the full cost against examples read (right).

    paths: {label: DescentPath}; a full-batch path is drawn in black with a
    dot per step, a mini-batch path as a thin orange line.
    """
    fig = DescribedFigure(figsize=(10.5, 4.0), layout="constrained", alt=(
        "Left: the paths of " + ", ".join(paths) + " over the contour map of the cost. "
        "Right: the full cost along each path against the examples read. Final costs: "
        + "; ".join(f"{label} {path.cost[-1]:.4f}" for label, path in paths.items()) + "."))
    ax_map, ax_cost = fig.subplots(1, 2, width_ratios=[1.15, 1])
    draw_cost_contours(ax_map, *grid)
    mini_batches = 0
    for label, path in sorted(paths.items(), key=lambda item: item[1].full_batch):
        style = GD_STYLE if path.full_batch else _sgd_style(mini_batches)
        mini_batches += not path.full_batch
        draw_path(ax_map, path, label, **style)
        ax_cost.plot(path.examples[path.recorded], path.cost, label=label,
                     **{**style, "marker": "o" if path.full_batch else None, "lw": 1.4})
    ax_map.set_title("the paths over C(w, b)", fontsize=10)
    ax_map.legend(loc="upper right", fontsize=8)
    ax_cost.set(xscale="symlog", xlabel="examples read (log scale)", ylabel="full cost C",
                title="the cost along each path")
    ax_cost.set_xscale("symlog", linthresh=100)
    ax_cost.set_xlim(0, None)
    ax_cost.grid(True, alpha=0.3)
    ax_cost.legend(fontsize=8)
    return fig


def learning_rate_paths(grid, paths):
    """One small contour map per DescentPath in `paths` (a list), titled by its lr."""
    fig = DescribedFigure(figsize=(2.75 * len(paths) + 0.4, 3.0), layout="constrained", alt=(
        "One contour map of the cost per learning rate, each with the path descent takes: "
        + "; ".join(f"lr = {path.lr:g}, final cost {path.cost[-1]:.4f}" for path in paths)
        + "."))
    axes = fig.subplots(1, len(paths), sharey=True, squeeze=False)[0]
    for ax, path in zip(axes, paths, strict=True):
        draw_cost_contours(ax, *grid, labels=False)
        style = GD_STYLE if path.full_batch else _sgd_style(0)
        draw_path(ax, path, path_label(path), **style)
        ax.set_title(f"lr = {path.lr:g}", fontsize=10)
        if ax is not axes[0]:
            ax.set_ylabel("")
        ax.set_xlabel("w")
    axes[0].set_ylabel("b")
    return fig


def training_curves(runs):
    """Whole-network training runs (TrainingRun, one per batch size), three ways.

    The full training cost after each epoch against the number of steps, the
    examples read and the seconds the steps took, all on log scales (which
    have no 0, so the cost before training is a dashed line).
    """
    fig = DescribedFigure(figsize=(11.0, 3.6), layout="constrained", alt=(
        "The full cost during training against steps, examples read and seconds (log "
        "scales), one line per batch size. Final costs: " + "; ".join(
            f"{'full batch' if run.full_batch else f'B = {run.batch_size}'} "
            f"{run.cost[-1]:.4f}" for run in runs) + "."))
    axes = fig.subplots(1, 3, sharey=True)
    for i, run in enumerate(runs):
        label = f"all {run.n} (full batch)" if run.full_batch else f"B = {run.batch_size}"
        style = dict(color=_color(run, i), marker="o", ms=2.5, lw=1.4, label=label)
        for ax, x in zip(axes, (run.steps, run.examples, run.seconds), strict=True):
            ax.plot(x[1:], run.cost[1:], **style)
    for ax, xlabel, title in zip(
        axes, ("steps taken", "examples read", "seconds of training"),
        ("per step", "per example read", "per second"), strict=True,
    ):
        ax.axhline(runs[0].cost[0], color="#888888", ls="--", lw=1, label="before training")
        ax.set(xscale="log", yscale="log", xlabel=f"{xlabel} (log scale)", title=title)
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel("full cost C")
    axes[0].legend(fontsize=8)
    return fig


def _sgd_style(i):
    """The i-th mini-batch path's style: orange first, then purple, then green."""
    return {**SGD_STYLE, "color": ["#e0712b", "#8e44ad", "#16a085"][i % 3]}


def _color(run, i):
    return "#222222" if run.full_batch else ["#e0712b", "#8e44ad", "#16a085", "#c0392b"][i % 4]
