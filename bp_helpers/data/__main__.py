"""Command line: fetch or check the full MNIST files.

    python -m bp_helpers.data download [--dir DIR]
    python -m bp_helpers.data verify [--dir DIR] [--weights FOLDER]

DIR defaults to $BP_MNIST_DIR, else mnist/ in the data home (the clone's
data/ folder; see bp_helpers.data.locate.data_home). Exit status
0 means all four files are there and intact. `verify` also lists what
interrupted downloads left in DIR, and interrupted saves of trained weights
left in FOLDER (default: where lesson 5 keeps them, bp_helpers.recipes.WEIGHTS_DIR).
"""

import argparse
import sys
import warnings
from pathlib import Path

from bp_helpers.data.download import download_mnist
from bp_helpers.data.locate import (
    MNIST_FILES,
    free,
    leftovers,
    mnist_dir,
    partial_pattern,
    verified_files,
)
from bp_helpers.recipes import WEIGHTS_DIR
from bp_helpers.saved import temporary_pattern


def main(argv=None):
    """Run the command in argv (default sys.argv[1:]); return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m bp_helpers.data", description="Fetch or check the full MNIST files."
    )
    parser.add_argument("command", choices=["download", "verify"])
    parser.add_argument("--dir", help=f"where the files go (default: {mnist_dir()})")
    parser.add_argument("--weights", default=WEIGHTS_DIR,
                        help=f"verify: where trained weights are kept (default: {WEIGHTS_DIR})")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = _show_plainly
        if args.command == "download":
            return _download(mnist_dir(args.dir))
        return _verify(mnist_dir(args.dir), Path(args.weights).expanduser())


def _download(directory):
    """Fetch the files missing from directory; 0 if all are then there and intact."""
    try:
        download_mnist(directory)
    except (OSError, ValueError) as err:  # DownloadError is an OSError
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"All {len(MNIST_FILES)} MNIST files are in {directory} and intact.")
    return 0


def _verify(directory, weights):
    """List which files in directory are intact, and what interrupted downloads there and
    interrupted saves in the folder `weights` left behind; 0 if all files are intact."""
    found = verified_files(directory)  # warns about each file it cannot use
    for name in MNIST_FILES:
        there = name in found or not free(directory, name)
        print(f"{name:<28} {'ok' if name in found else 'not usable' if there else 'missing'}")
    for path in leftovers(directory, partial_pattern(MNIST_FILES)):
        size = path.stat().st_size
        print(f"left over from an interrupted download: {path.name} ({size:,} bytes); the next "
              "download removes it once it is an hour old, or delete it now")
    for path in leftovers(weights, temporary_pattern()):
        size = path.stat().st_size
        print(f"left over from an interrupted save of trained weights: {path} ({size:,} bytes); "
              "the next save of that network removes it once it is an hour old, or delete it now")
    if len(found) == len(MNIST_FILES):
        print(f"All {len(MNIST_FILES)} MNIST files are in {directory} and intact.")
        return 0
    print(f"Not all files are in {directory}: run `python -m bp_helpers.data download`.")
    return 1


def _show_plainly(message, category, filename, lineno, file=None, line=None):
    """Print a warning as one line, without the source location meant for programmers."""
    print(f"warning: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
