"""Figures for the MNIST lesson: digits, weights as images, errors, gradients over training."""

import numpy as np

from bp_helpers.data.preprocess import IMAGE_SHAPE
from bp_helpers.plots.described import DescribedFigure, table_html


def image_grid(images, titles, columns=10, cmap="gray_r", symmetric=False, size=1.0,
               alt="Pictures of digits"):
    """Show images (n, 784) as 28x28 pictures in a grid, each with its title.

    symmetric: colour 0 as white and +-max as the two ends of a diverging
    map, and hatch the strongly negative pixels, so the sign does not rest on
    colour alone (for weights, which can be negative). alt: what the pictures
    are; the text alternative adds every title, in reading order.
    """
    images = np.asarray(images)
    rows = int(np.ceil(len(images) / columns))
    fig = DescribedFigure(figsize=(size * columns, size * 1.2 * rows), layout="constrained",
                          alt=f"{alt}, {len(images)} of them, titled: {', '.join(titles)}.")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes:
        ax.set_axis_off()
    for ax, image, title in zip(axes, images, titles, strict=False):
        limit = np.abs(image).max() or 1.0
        ax.imshow(image.reshape(IMAGE_SHAPE), cmap="RdBu" if symmetric else cmap,
                  vmin=-limit if symmetric else 0, vmax=limit if symmetric else 1)
        if symmetric:
            hatch_negative(ax, image.reshape(IMAGE_SHAPE), limit)
        ax.set_title(title, fontsize=8)
    return fig


HATCHED = 0.25  # pixels below -HATCHED * (the image's largest |w|) are hatched


def hatch_negative(ax, image, limit):
    """Hatch the pixels of image (28, 28) below -HATCHED * limit: negative without colour."""
    hatched = ax.contourf(image, levels=[-np.inf, -HATCHED * limit, np.inf], colors="none",
                          hatches=["/////", None])
    hatched.set_edgecolor("#3b0a0a")
    hatched.set_linewidth(0)
    return hatched


def sample_digits(X, labels, per_digit=3, seed=0):
    """A few examples (X (m, 784), labels (m,)) of every digit, chosen with a seed."""
    rng = np.random.default_rng(seed)
    chosen = [i for d in range(10)
              for i in rng.choice(np.flatnonzero(labels == d), per_digit, replace=False)]
    chosen = np.array(chosen).reshape(10, per_digit).T.ravel()
    return image_grid(X[chosen], [str(labels[i]) for i in chosen],
                      alt="Handwritten test digits, each titled with its label")


def first_layer_weights(W1, columns=8):
    """Each hidden neuron's 784 incoming weights as a 28x28 image (blue +, red and hatched -)."""
    return image_grid(W1, [f"neuron {j}" for j in range(len(W1))], columns=columns,
                      symmetric=True, size=1.3, alt=(
                          "Each hidden neuron's 784 incoming weights as a 28 by 28 picture, "
                          "positive weights blue, negative red (hatched where strongly "
                          "negative), zero white"))


BLOCK = 4  # neuron_weights' table averages the weights over BLOCK x BLOCK pixels
THIRDS = (slice(0, 9), slice(9, 19), slice(19, 28))
REGIONS = [[f"{row} {column}".replace("middle centre", "centre") for column in
            ("left", "centre", "right")] for row in ("top", "middle", "bottom")]


def neuron_weights(W1, j):
    """Neuron j's 784 incoming weights (row j of W1 (n, 784)), enlarged, in words and numbers.

    The alt text names the picture's regions (a 3 x 3 split: top left ... bottom
    right) where the weights are most positive and most negative on average;
    the table gives the mean of every 4 x 4 block of pixels, so the picture can
    be read without seeing it.
    """
    image = np.asarray(W1[j], dtype=float).reshape(IMAGE_SHAPE)
    limit = np.abs(image).max() or 1.0
    blocks = image.reshape(28 // BLOCK, BLOCK, 28 // BLOCK, BLOCK).mean(axis=(1, 3))
    fig = DescribedFigure(figsize=(3.4, 3.6), layout="constrained", alt=(
        f"Neuron {j}'s 784 incoming weights as a 28 by 28 picture: {weight_regions(image)}. "
        "The table below gives the mean weight of each 4 by 4 block of pixels."),
        data=table_html(["pixel rows \\ columns",
                         *(f"{c}–{c + BLOCK - 1}" for c in range(0, 28, BLOCK))],
                        [[f"{r * BLOCK}–{r * BLOCK + BLOCK - 1}",
                          *(f"{v:+.3f}" for v in row)] for r, row in enumerate(blocks)],
                        f"Neuron {j}'s mean weight over each 4 by 4 block of pixels, "
                        "top of the picture first"))
    ax = fig.add_subplot()
    ax.imshow(image, cmap="RdBu", vmin=-limit, vmax=limit)
    hatch_negative(ax, image, limit)
    ax.set_axis_off()
    ax.set_title(f"neuron {j}: blue +, red and hatched −", fontsize=9)
    return fig


def weight_regions(image):
    """Where a weight image (28, 28) is most positive and most negative, in words.

    The picture is split into a 3 x 3 grid of regions; of those with a positive
    mean weight the (up to) two highest are named, and likewise the negative,
    e.g. "most positive (blue) in the centre and the middle left, most negative
    (red) in the top right and the top centre".
    """
    means = np.array([[image[rows, columns].mean() for columns in THIRDS]
                      for rows in THIRDS]).ravel()
    names = [region for row in REGIONS for region in row]
    order = np.argsort(means, kind="stable")
    parts = []
    for sign, chosen in (("positive (blue)", [i for i in order[::-1][:2] if means[i] > 0]),
                         ("negative (red)", [i for i in order[:2] if means[i] < 0])):
        where = " and ".join(f"the {names[i]}" for i in chosen) or "no region, on average"
        parts.append(f"most {sign} in {where}")
    return ", ".join(parts)


def confusion_plot(counts):
    """The confusion matrix counts (10, 10), true digit by row, predicted by column."""
    counts = np.asarray(counts)
    right = int(np.trace(counts))
    fig = DescribedFigure(figsize=(5.2, 4.4), layout="constrained", alt=(
        f"Confusion matrix of the test set: true digit by row, predicted digit by column; "
        f"{right} of {counts.sum()} on the diagonal (right). The table below gives every "
        "count."), data=table_html(
            ["true \\ predicted", *range(10)],
            [[true, *row] for true, row in enumerate(counts.tolist())],
            "How many test digits of each true digit (row) got each answer (column)"))
    ax = fig.add_subplot()
    shown = ax.imshow(np.log1p(counts), cmap="Blues")
    for true, predicted in np.ndindex(counts.shape):
        if counts[true, predicted]:
            dark = np.log1p(counts[true, predicted]) > 0.6 * np.log1p(counts.max())
            ax.text(predicted, true, str(counts[true, predicted]), ha="center", va="center",
                    fontsize=7, color="white" if dark else "black")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted digit", ylabel="true digit",
           title="confusion matrix (test set)")
    fig.colorbar(shown, ax=ax, label="log(1 + count)")
    return fig


def misclassified_gallery(X, indices, predicted, true, columns=10):
    """The examples X[indices] with 'true → predicted' titles."""
    titles = [f"{t} → {p}" for t, p in zip(true, predicted, strict=True)]
    return image_grid(X[indices], titles, columns=columns,
                      alt="Misclassified test digits, each titled true → predicted")


def learning_curves(histories):
    """Training cost and test accuracy per epoch, one line per named History."""
    fig = DescribedFigure(figsize=(9.5, 3.0), layout="constrained", alt=(
        "Two line plots per epoch, one line per run: the training cost (log scale) and the "
        "test accuracy. The table below gives the last epoch's numbers."), data=table_html(
            ["run", "epochs", "training cost", "test accuracy"],
            [[name, h.epochs[-1], f"{h.costs[-1]:.4f}", f"{h.test_accuracies[-1]:.2%}"]
             for name, h in histories.items()], "After the last epoch"))
    ax_cost, ax_accuracy = fig.subplots(1, 2)
    lowest = 1.0
    for name, history in histories.items():
        ax_cost.plot(history.epochs, history.costs, "o-", ms=3, label=name)
        # Accuracy from epoch 1 on: the untrained 10% would squash the interesting part.
        ax_accuracy.plot(history.epochs[1:], history.test_accuracies[1:], "o-", ms=3, label=name)
        lowest = min(lowest, *history.test_accuracies[1:])
    ax_cost.set(xlabel="epoch", ylabel="training cost (each its own)", yscale="log",
                title="cost")
    ax_accuracy.set(xlabel="epoch", ylabel="test accuracy", title="test accuracy",
                    ylim=(np.floor(lowest * 20) / 20, 1.0))
    for ax in (ax_cost, ax_accuracy):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return fig


def cost_every_steps(curves, every):
    """The training cost every `every` steps: {name: [(step, cost), ...]}, one line per run.

    Finer than an epoch's record: the wiggles of single mini-batches show, and so does
    how soon each run gets where it ends.
    """
    fig = DescribedFigure(figsize=(9.5, 3.0), layout="constrained", alt=(
        f"The training cost (log scale) against the number of steps, recorded every {every} "
        "steps, one line per run. The table below gives each run's first and last point."),
        data=table_html(["run", "steps", "first cost", "last cost"],
                        [[name, curve[-1][0], f"{curve[0][1]:.4f}", f"{curve[-1][1]:.4f}"]
                         for name, curve in curves.items()], "The ends of each curve"))
    ax = fig.subplots()
    for i, (name, curve) in enumerate(curves.items()):
        style = ("-", "--", ":", "-.")[i % 4]  # not colour alone
        steps, costs = zip(*curve, strict=True)
        ax.plot(steps, costs, linestyle=style, lw=1.5, label=name)
    ax.set(xlabel=f"steps (a point every {every})", ylabel="training cost", yscale="log",
           title="cost over the whole training set")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def gradient_sizes_plot(sizes_by_name):
    """RMS of dC/dW(l) per layer over training: {name: array (epochs, L)}, one panel each."""
    fig = DescribedFigure(figsize=(9.5, 3.0), layout="constrained", alt=(
        "The typical size of dC/dw per layer over the epochs (log scale), one plot per "
        "network, one line and marker per layer. The table below gives the first and last "
        "epoch's sizes."), data=table_html(
            ["network", "layer", "first epoch", "last epoch"],
            [[name, l + 1, f"{sizes[0, l]:.2e}", f"{sizes[-1, l]:.2e}"]
             for name, sizes in sizes_by_name.items() for l in range(sizes.shape[1])],
            "Typical |∂C/∂w| (RMS) per layer"))
    axes = fig.subplots(1, len(sizes_by_name), squeeze=False, sharey=True)[0]
    for ax, (name, sizes) in zip(axes, sizes_by_name.items(), strict=True):
        for l in range(sizes.shape[1]):  # a marker per layer, not colour alone
            ax.semilogy(np.arange(len(sizes)), sizes[:, l], "-", marker="os^Dv"[l % 5], ms=4,
                        label=f"layer {l + 1}")
        ax.set(xlabel="epoch", title=name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_ylabel("typical |∂C/∂w| (RMS)")
    return fig
