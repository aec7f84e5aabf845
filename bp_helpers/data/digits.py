"""load_digits: 1,797 small 8x8 digits for lesson 4, where a network must train in a blink.

They come with scikit-learn (sklearn.datasets.load_digits; nothing is
downloaded): the test set of the UCI "Optical Recognition of Handwritten
Digits" data, each pixel a count 0..16 of ink in a 4x4 block of the
original 32x32 bitmap. Here a pixel is that count / 16.
"""

from dataclasses import replace

import numpy as np

from bp_helpers.data.dataset import Dataset


class Digits(Dataset):
    """8x8 digits: X_train, X_test (n, 64) float64 in [0, 1]; y_train, y_test (n,) int64."""


def load_digits(test_size=0.25, seed=0):
    """Load the 8x8 digits, keeping a fraction test_size of every digit for testing.

    seed (int or numpy.random.Generator) fixes which images those are.
    Arrays are read-only.
    """
    from sklearn.datasets import load_digits as sklearn_digits  # slow import: only when needed

    bunch = sklearn_digits()
    X = bunch.data / 16.0
    y = bunch.target.astype(np.int64)
    data = Digits.split(X, y, test_size, seed, source="sklearn", description="")
    description = (
        f"Using scikit-learn's 8x8 digits: {len(y):,} images (UCI Optical Recognition of "
        f"Handwritten Digits), {len(data.y_train):,} for training and "
        f"{len(data.y_test):,} for testing."
    )
    return replace(data, description=description)
