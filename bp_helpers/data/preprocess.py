"""MNIST's own preparation of a digit, repeated for a drawing so it looks like MNIST.

MNIST digits were prepared in a particular way: each was scaled to fit a
20x20 box (keeping its proportions) and then placed in the 28x28 image so
that its centre of mass sits at the centre. A drawing only looks like MNIST
to a network trained on it after the same treatment, so `to_mnist` repeats it.
"""

import numpy as np

# An MNIST example is a 28x28 image, stored as a row of 784 pixels.
IMAGE_SHAPE = (28, 28)


def resample(image, height, width):
    """Resize image (h, w) to (height, width) by averaging the area each new pixel covers."""
    def weights(n_out, n_in):
        edges = np.linspace(0, n_in, n_out + 1)
        lo, hi = edges[:-1, None], edges[1:, None]
        cells = np.arange(n_in)[None, :]
        overlap = np.clip(np.minimum(hi, cells + 1) - np.maximum(lo, cells), 0, None)
        return overlap / overlap.sum(axis=1, keepdims=True)

    return weights(height, image.shape[0]) @ image @ weights(width, image.shape[1]).T


def to_mnist(ink, box=20):
    """Turn a drawing (H, W) in [0, 1] into an MNIST-style example (784,) in [0, 1].

    Crop to the ink, scale the longer side to `box` pixels, then place it in
    28x28 with its centre of mass at the centre. An empty drawing gives zeros.
    """
    ink = np.asarray(ink, dtype=float)
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0.05), np.flatnonzero(ink.max(axis=0) > 0.05)
    image = np.zeros(IMAGE_SHAPE)
    if len(rows) == 0:
        return image.ravel()
    crop = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    scale = box / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    digit = np.clip(resample(crop, h, w), 0, 1)
    ys, xs = np.indices(digit.shape)
    mass = digit.sum()
    top = int(np.clip(round(14 - (ys * digit).sum() / mass), 0, 28 - h))
    left = int(np.clip(round(14 - (xs * digit).sum() / mass), 0, 28 - w))
    image[top:top + h, left:left + w] = digit
    return image.ravel()
