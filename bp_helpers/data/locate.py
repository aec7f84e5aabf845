"""Where the full MNIST files live, and whether the ones there are intact.

The four files are looked for in one directory: the `data_dir` a caller
passes, else the environment variable BP_MNIST_DIR, else `mnist/` in the
course's data home (see data_home). Each file must have the SHA-256 pinned below,
the checksum of the original gzip files (see data/README.md). A file that
fails it is never used, and never deleted: it is renamed to
`<name>.corrupt` (or `.corrupt.1`, ...) and a warning says so.
"""

import hashlib
import os
import warnings
from pathlib import Path

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"

# File name -> SHA-256 of the original gzip file.
MNIST_FILES = {
    TRAIN_IMAGES: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    TRAIN_LABELS: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    TEST_IMAGES: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    TEST_LABELS: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def data_home():
    """Where downloaded data and trained weights are kept.

    In a clone of the course that is its git-ignored `data/` folder. When
    bp_helpers is installed on its own (as on Colab, with pip from git),
    PROJECT_ROOT is site-packages' parent, so the data goes to the user's
    cache instead: $XDG_CACHE_HOME/backprop-hands-on, else
    ~/.cache/backprop-hands-on.
    """
    if (PROJECT_ROOT / "notebooks").is_dir() and (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / "data"
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache).expanduser() / "backprop-hands-on"


def mnist_dir(data_dir=None):
    """The directory to look in: `data_dir`, else $BP_MNIST_DIR, else <data home>/mnist."""
    if data_dir is None:
        data_dir = os.environ.get("BP_MNIST_DIR") or data_home() / "mnist"
    return Path(data_dir).expanduser()


def sha256_file(path):
    """The SHA-256 of a file's bytes, as 64 hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified_files(directory, files=MNIST_FILES):
    """Check the files named in `files` ({name: sha256}) inside `directory`.

    Returns {name: path} for those present with the right checksum. Missing
    ones are simply left out; a present one with the wrong checksum is moved
    aside (see move_aside), reported with a warning and left out too.
    """
    directory = Path(directory)
    found = {}
    for name, sha256 in files.items():
        path = directory / name
        if not path.is_file():
            continue
        got = sha256_file(path)
        if got == sha256:
            found[name] = path
        else:
            warnings.warn(
                f"{path} is damaged or not the original (SHA-256 {got[:12]}..., "
                f"expected {sha256[:12]}...), so it is not used; {move_aside(path)}",
                stacklevel=2,
            )
    return found


def move_aside(path):
    """Rename a bad file to <name>.corrupt (never over an earlier one); say what happened."""
    path = Path(path)
    target = path.with_name(path.name + ".corrupt")
    number = 0
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.corrupt.{number}")
    try:
        path.rename(target)
    except OSError as err:
        return f"it could not be moved aside ({err}); please remove it by hand"
    return f"it was moved aside to {target.name}; delete that once you have looked at it"
