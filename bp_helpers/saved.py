"""Weights, and the History that made them, saved as .npz and loaded back.

An archive holds plain arrays and strings (no pickle): "format" (WEIGHTS_FORMAT),
the sizes, the activation's and the cost's registry names, every W and b, and
optionally the History's records (one array per EpochRecord field), stopped,
blas_threads and a note, a line of text saying what made the weights.
`save_weights` writes to a temporary file first, so that a failed save never
destroys the previous file; `load_saved` checks every field before it builds
a Network, and says what is wrong with a file it cannot use.
"""

import os
import re
import uuid
import zipfile
from typing import NamedTuple

import numpy as np

from bp_helpers.activations import ACTIVATIONS
from bp_helpers.costs import COSTS
from bp_helpers.network import Network
from bp_helpers.training import EpochRecord, History, RejectedEpoch

WEIGHTS_FORMAT = "bp_helpers.network/1"  # the "format" entry of every saved archive


class Saved(NamedTuple):
    """What load_saved reads: the network, its History (None if none was saved), the note."""

    network: Network
    history: History | None
    note: str | None



def temporary_pattern(name_pattern=r".+\.npz"):
    """The names save_weights writes first, for files named by the regular expression
    `name_pattern`: <name>.<8 hex>.tmp, renamed into place once written whole. One that
    is still there was left by a save that never finished (a killed kernel)."""
    return name_pattern + r"\.[0-9a-f]{8}\.tmp"

def save_weights(network, path, history=None, note=None):
    """Save network's sizes, activation, cost, W and b to `path` as .npz, without pickle.

    With a History, its records, stopped and blas_threads are saved too, and
    `note` is a line of text kept with them (e.g. how the network was
    trained). The archive is written to a temporary file in the same
    directory and then renamed over `path`, so an interrupted save leaves any
    previous file intact.
    """
    path = os.fspath(path)
    name = network.activation.name
    if ACTIVATIONS.get(name) is not network.activation:
        raise ValueError(
            f"save_weights stores the activation by name, so it must be one of "
            f"{', '.join(ACTIVATIONS)}; got a custom activation called {name!r}"
        )
    if COSTS.get(network.cost_name) is not network.cost_function:
        raise ValueError(
            f"save_weights stores the cost by name, so it must be one of {', '.join(COSTS)}; "
            f"got a custom cost called {network.cost_name!r}"
        )
    if history is not None and not isinstance(history, History):
        raise TypeError(f"history must be a History from sgd, got {type(history).__name__}")
    arrays = {
        "format": np.array(WEIGHTS_FORMAT),
        "sizes": np.array(network.sizes, dtype=np.int64),
        "activation": np.array(name),
        "cost": np.array(network.cost_name),
    }
    for i, (w, b) in enumerate(zip(network.W, network.b, strict=True)):
        arrays[f"W{i}"], arrays[f"b{i}"] = np.asarray(w, float), np.asarray(b, float)
    if history is not None:
        arrays |= _history_arrays(history)
    if note is not None:
        arrays["note"] = np.array(str(note))
    temporary = f"{path}.{uuid.uuid4().hex[:8]}.tmp"  # matches temporary_pattern
    try:
        with open(temporary, "xb") as file:
            np.savez(file, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def load_saved(path):
    """Everything save_weights stored at `path`, as Saved(network, history, note).

    history and note are None when the file has none. Raises FileNotFoundError if
    there is no file, and ValueError naming the path and the problem if it is
    truncated, corrupted or something else.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no weights file at {path!r}")
    problem = f"{path!r} is not a weights file saved by save_weights"
    with open(path, "rb") as file:  # ours to close, even when np.load fails
        if file.read(4) != b"PK\x03\x04":  # how every .npz (zip) archive starts
            raise ValueError(f"{problem}: it is not an .npz archive")
        file.seek(0)
        try:
            with np.load(file, allow_pickle=False) as archive:
                fields = {name: archive[name] for name in archive.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
            raise ValueError(f"{path!r} is damaged (truncated or corrupted): {error}") from None
        except MemoryError:  # a header claiming a huge array: no real weights are that large
            raise ValueError(f"{path!r} is damaged: an array in it claims more memory than "
                             "this computer has") from None
    if str(fields.get("format", "")) != WEIGHTS_FORMAT:
        raise ValueError(f"{problem}: its entries are {sorted(fields)}")
    try:
        sizes = [int(n) for n in fields["sizes"]]
        W, b = _layers(fields, sizes)
        network = Network.from_weights(W, b, str(fields["activation"]), str(fields["cost"]))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path!r} holds inconsistent weights: {error}") from None
    if network.sizes != sizes:
        raise ValueError(
            f"{path!r} holds inconsistent weights: mismatched layer sizes, the file says "
            f"{sizes} but its weights have sizes {network.sizes}"
        )
    try:
        history = _history_from(fields)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path!r} holds an inconsistent training history: {error}") from None
    note = str(fields["note"]) if "note" in fields else None
    return Saved(network, history, note)


def _layers(fields, sizes):
    """An archive's arrays W0, W1, ... and b0, b1, ...: one of each per layer after the
    inputs in `sizes`, holding real numbers."""
    n_layers = len(sizes) - 1
    stored = sorted(name for name in fields if re.fullmatch(r"[Wb]\d+", name))
    expected = sorted([f"W{i}" for i in range(n_layers)] + [f"b{i}" for i in range(n_layers)])
    if stored != expected:
        raise ValueError(
            f"its sizes {sizes} need the arrays {', '.join(expected) or 'W0, b0'}, but it "
            f"holds {', '.join(stored) or 'none'}"
        )
    for name in stored:
        if fields[name].dtype.kind not in "fiu":
            raise ValueError(
                f"{name} must hold real numbers, got values of type {fields[name].dtype}"
            )
    return [fields[f"W{i}"] for i in range(n_layers)], [fields[f"b{i}"] for i in range(n_layers)]


# A History in an archive: one array per EpochRecord field, then stopped and blas_threads.
# A missing test accuracy is stored as nan, an unknown thread count as 0.
_HISTORY_FIELDS = ("epoch", "cost", "test_accuracy", "seconds")


def _history_arrays(history):
    records = history.records
    return {
        "history_epoch": np.array([r.epoch for r in records], dtype=np.int64),
        "history_cost": np.array([r.cost for r in records], dtype=float),
        "history_test_accuracy": np.array(
            [np.nan if r.test_accuracy is None else r.test_accuracy for r in records],
            dtype=float,
        ),
        "history_seconds": np.array([r.seconds for r in records], dtype=float),
        "history_stopped": np.array(history.stopped or ""),
        "history_blas_threads": np.array(history.blas_threads or 0, dtype=np.int64),
        # (epoch, cost, saturated or -1) of the rejected epoch; none: empty
        "history_rejected": np.array([] if history.rejected is None else [
            history.rejected.epoch, history.rejected.cost,
            -1 if history.rejected.saturated is None else history.rejected.saturated]),
        "history_step_costs": np.array(history.step_costs, dtype=float).reshape(-1, 2),
    }


def _history_from(fields):
    """The History stored in an archive's fields, or None if it has none."""
    if not any(name.startswith("history_") for name in fields):
        return None
    columns = [fields[f"history_{name}"] for name in _HISTORY_FIELDS]
    if any(c.ndim != 1 or len(c) != len(columns[0]) for c in columns):
        raise ValueError(
            f"its columns {', '.join(_HISTORY_FIELDS)} must be 1-D and equally long, got shapes "
            f"{', '.join(str(c.shape) for c in columns)}"
        )
    epochs, costs, accuracies, seconds = columns
    if any(c.dtype.kind not in "fiu" for c in columns):
        types = ", ".join(str(c.dtype) for c in columns)
        raise ValueError(f"its columns must hold real numbers, got types {types}")
    if not np.array_equal(epochs, np.arange(len(epochs))):
        raise ValueError(f"its epochs must count 0, 1, 2, ..., got {epochs.tolist()}")
    at_least_0 = "a finite number, 0 or more"
    problems = (
        ("cost", costs, ~(np.isfinite(costs) & (costs >= 0)), at_least_0),
        ("test accuracy", accuracies, (accuracies < 0) | (accuracies > 1), "between 0 and 1"),
        ("seconds", seconds, ~(np.isfinite(seconds) & (seconds >= 0)), at_least_0),
    )
    for name, column, bad, expected in problems:
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"the {name} of epoch {i} must be {expected}, got {column[i]}")
    records = [
        EpochRecord(int(epoch), float(cost), None if np.isnan(accuracy) else float(accuracy),
                    float(second))
        for epoch, cost, accuracy, second in zip(*columns, strict=True)
    ]
    stopped = str(fields["history_stopped"]) or None
    threads = int(fields["history_blas_threads"]) or None
    rejected = fields.get("history_rejected", np.array([]))  # older files have neither
    if len(rejected) == 3:
        epoch, cost, saturated = rejected.tolist()
        rejected = RejectedEpoch(int(epoch), cost, None if saturated < 0 else int(saturated))
    step_costs = fields.get("history_step_costs", np.empty((0, 2)))
    return History(records, stopped, threads,
                   rejected if isinstance(rejected, RejectedEpoch) else None,
                   [(int(step), float(cost)) for step, cost in step_costs])


__all__ = ["WEIGHTS_FORMAT", "Saved", "load_saved", "save_weights"]
