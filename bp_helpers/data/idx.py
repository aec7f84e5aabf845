"""Read and write IDX files, the format the MNIST digits are published in.

An IDX file is a header followed by the values, row-major:

- a 4-byte big-endian magic number: two zero bytes, a type code (0x08 for
  unsigned bytes) and the number of dimensions. So MNIST images, 3-D
  (count, rows, columns), have magic 0x0803 = 2051, and labels, 1-D
  (count,), have magic 0x0801 = 2049;
- one 4-byte big-endian size per dimension;
- the values, one byte each.

MNIST publishes them gzip-compressed; both gzip and raw files are read.
Nothing here unpickles anything: the bytes become a numpy array directly.
"""

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
ROWS, COLS = 28, 28
_KIND = {IMAGES_MAGIC: "images", LABELS_MAGIC: "labels"}


def read_images(path):
    """Read an MNIST images file: a read-only uint8 array of shape (n, 28, 28)."""
    images = _read_idx(path, IMAGES_MAGIC)
    if images.shape[1:] != (ROWS, COLS):
        rows, cols = images.shape[1:]
        raise ValueError(
            f"{Path(path).name}: expected images of {ROWS}x{COLS} pixels, got {rows}x{cols}"
        )
    return images


def read_labels(path):
    """Read an MNIST labels file: a read-only uint8 array of shape (n,), digits 0..9."""
    labels = _read_idx(path, LABELS_MAGIC)
    if labels.size and labels.max() > 9:
        raise ValueError(
            f"{Path(path).name}: expected labels 0 to 9, got {labels.max()} "
            f"at index {labels.argmax()}"
        )
    return labels


def read_images_and_labels(images_path, labels_path):
    """Read a matching pair: images (n, 28, 28) and labels (n,), both uint8.

    Image i is labelled labels[i], so the two counts must agree.
    """
    images, labels = read_images(images_path), read_labels(labels_path)
    if len(images) != len(labels):
        raise ValueError(
            f"{Path(images_path).name} holds {len(images)} images but "
            f"{Path(labels_path).name} holds {len(labels)} labels: expected one label per image"
        )
    return images, labels


def write_idx(path, values):
    """Write a uint8 array as an IDX file, gzip-compressed if path ends in '.gz'.

    A 1-D array gets magic 2049 (labels), a 3-D one 2051 (images). The gzip
    header carries no timestamp, so the same array always gives the same bytes.
    Returns the path.
    """
    values = np.asarray(values)
    if values.dtype != np.uint8:
        raise TypeError(f"IDX files here hold unsigned bytes: expected uint8, got {values.dtype}")
    if values.ndim == 0:
        raise ValueError("expected an array with at least one dimension, got a single number")
    header = (0x0800 + values.ndim).to_bytes(4, "big")
    header += b"".join(size.to_bytes(4, "big") for size in values.shape)
    data = header + np.ascontiguousarray(values).tobytes()
    path = Path(path)
    if path.name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path


def _read_idx(path, magic):
    """Check an IDX file's header against `magic` and its payload length; return the values."""
    name = Path(path).name
    data = Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as err:
            raise ValueError(f"{name}: the gzip data is damaged or cut short ({err})") from None
    if len(data) < 4:
        raise ValueError(f"{name}: expected a 4-byte magic number, got a file of {len(data)} bytes")
    got = int.from_bytes(data[:4], "big")
    if got != magic:
        hint = f", the magic number of {_KIND[got]}" if got in _KIND else ""
        raise ValueError(f"{name}: expected magic number {magic} ({_KIND[magic]}), got {got}{hint}")
    ndim = magic & 0xFF
    start = 4 + 4 * ndim
    if len(data) < start:
        raise ValueError(f"{name}: expected a {start}-byte header, got {len(data)} bytes")
    shape = tuple(int.from_bytes(data[i : i + 4], "big") for i in range(4, start, 4))
    expected = math.prod(shape)  # Python's ints: no overflow, however large the header's sizes
    if len(data) - start != expected:
        sizes = "x".join(map(str, shape))
        raise ValueError(
            f"{name}: the header promises {sizes} = {expected} bytes of {_KIND[magic]}, "
            f"got {len(data) - start} bytes (the file is cut short or has extra bytes)"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=start).reshape(shape)
