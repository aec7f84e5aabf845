"""Input checks at the package boundary, with errors a learner can act on.

Each check names the argument, what was expected and what came instead, e.g.
"w must be finite, got nan at index 2". The dense network's checks (its
sizes, weights, batches, targets and labels) are here too, so that
`bp_helpers.network` holds only the math.
"""

import itertools
import numbers
from math import isqrt

import numpy as np

from bp_helpers.costs import COSTS


def as_float_array(name, value, ndim=None):
    """Return `value` as a finite float64 array, or raise naming `name`.

    ndim, if given, is the number of dimensions required (0 for a number).
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}")
    _check_real(name, value)
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a number or an array of numbers, got {type(value).__name__}"
        ) from None
    if ndim is not None and array.ndim != ndim:
        kind = {0: "a single number", 1: "a 1-D array", 2: "a 2-D array"}.get(ndim, f"{ndim}-D")
        raise ValueError(f"{name} must be {kind}, got an array of shape {array.shape}")
    bad = ~np.isfinite(array)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = "" if array.ndim == 0 else f" at index {index[0] if array.ndim == 1 else index}"
        raise ValueError(f"{name} must be finite, got {array[bad].flat[0]}{where}")
    return array


def _check_real(name, value):
    """Raise TypeError if value holds complex numbers, or something other than numbers
    (None, say), which conversion to float would drop or turn into nan without a word."""
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):  # ragged: the conversion to float says so
        return
    if raw.dtype.kind == "c":
        raise TypeError(f"{name} must hold real numbers, got complex values such as "
                        f"{raw.flat[0]}")
    if raw.dtype.kind == "O":
        for index, item in np.ndenumerate(raw):
            if not isinstance(item, numbers.Real):
                where = f" at index {index[0] if raw.ndim == 1 else index}" if raw.ndim else ""
                raise TypeError(f"{name} must hold numbers, got {item!r}{where}")


def as_float(name, value):
    """Return `value` as a finite Python float, or raise naming `name`."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}: {value!r}")
    return float(as_float_array(name, value, ndim=0))


def positive(name, value):
    """Return `value` as a finite float > 0 (a learning rate, a step), or raise naming `name`."""
    value = as_float(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


def whole_number(name, value, least=None, most=None):
    """Return `value` as an int from `least` to `most` (either may be None), or raise naming `name`.

    bool is refused: True is an int to Python, but never a count or an index here.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    value = int(value)
    if least is not None and most is not None and not least <= value <= most:
        raise ValueError(f"{name} must be {least} to {most}, got {value}")
    if least is not None and value < least:
        raise ValueError(f"{name} must be at least {least}, got {value}")
    if most is not None and value > most:
        raise ValueError(f"{name} must be at most {most}, got {value}")
    return value


def lessons_network(network, who):
    """Raise ValueError unless network is the videos' kind: sigmoid, quadratic cost, hidden layer.

    who names what needs it, for the message ("CostSlice", "the wishes panel").
    """
    if network.activation.name != "sigmoid" or network.cost_function is not COSTS["quadratic"]:
        raise ValueError(
            f"{who} needs the lessons' network (sigmoid neurons, quadratic cost), got "
            f"activation={network.activation.name!r}, cost={network.cost_name!r}"
        )
    if len(network.sizes) < 3:
        raise ValueError(f"{who} needs a hidden layer, got sizes {network.sizes}")


# At most this many weights and biases (400 MB as float64, and as much again for their
# gradients), so that a slip such as sizes=[784, 10**6, 10] is refused with a sentence,
# not by numpy's MemoryError part-way through.
MAX_PARAMETERS = 50_000_000


def check_sizes(sizes):
    """Return sizes, the neurons per layer, as a list of ints, or raise saying what is wrong."""
    example = "a list of layer sizes such as [784, 16, 16, 10]"
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be {example}, got {sizes!r}")
    sizes = list(sizes)
    sizes = [whole_number(f"sizes[{i}], the neurons in layer {i},", n, least=1)
             for i, n in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least 2 layers (inputs and outputs), got {sizes}")
    parameters = sum(n * (n_prev + 1) for n_prev, n in itertools.pairwise(sizes))
    if parameters > MAX_PARAMETERS:
        raise ValueError(
            f"sizes {sizes} make {parameters:,} weights and biases, {parameters * 8 / 1e9:.3g} "
            f"GB of memory; a network here may have at most {MAX_PARAMETERS:,} "
            "(784-16-16-10 has 13,002)"
        )
    return sizes


def check_weights(W, b):
    """W and b as lists of float64 copies, with shapes that chain layer to layer."""
    if isinstance(W, np.ndarray) or isinstance(b, np.ndarray):
        raise TypeError("W and b must be lists with one array per layer")
    W = [as_float_array(f"W[{i}]", w, ndim=2).copy() for i, w in enumerate(W)]
    b = [as_float_array(f"b[{i}]", b_l, ndim=1).copy() for i, b_l in enumerate(b)]
    if not W or len(W) != len(b):
        raise ValueError(
            f"W and b need one entry per layer, got {len(W)} weight matrices and {len(b)} biases"
        )
    for i, (w, b_l) in enumerate(zip(W, b, strict=True)):
        if i > 0 and w.shape[1] != W[i - 1].shape[0]:
            raise ValueError(
                f"mismatched layer sizes: W[{i}] has shape {w.shape}, but layer {i} has "
                f"{W[i - 1].shape[0]} neurons (W[{i - 1}] has shape {W[i - 1].shape}), "
                f"so W[{i}] needs {W[i - 1].shape[0]} columns"
            )
        if b_l.shape != (w.shape[0],):
            raise ValueError(
                f"mismatched layer sizes: b[{i}] has shape {b_l.shape}, expected "
                f"({w.shape[0]},), one bias per row of W[{i}]"
            )
    return W, b


def check_batch(network, X, Y=None, dtype=np.float64):
    """X (m, n_0) and Y (m, n_L) for `network`, checked, as 2-D arrays of `dtype`.

    A single example (n_0,) becomes a batch of one. Y may be integer labels
    (m,) or one-hot rows (m, n_L), and for the quadratic cost any real
    targets (m, n_L) (or (m,) when there is one output neuron). Raises
    ValueError or TypeError saying what was expected and what came instead.
    """
    X = numbers_array("X", X)
    single = X.ndim == 1
    n_0 = network.sizes[0]
    if X.ndim not in (1, 2) or X.shape[-1] != n_0:
        raise ValueError(_input_shape_message(X.shape, n_0))
    X = np.atleast_2d(X)
    if len(X) == 0:
        raise ValueError(f"X must hold at least one example, got shape {X.shape}")
    _check_finite("X", X)
    if Y is not None:
        Y = _targets(network, Y, len(X), single).astype(dtype, copy=False)
    return X.astype(dtype, copy=False), Y


def _targets(network, Y, m, single):
    """Y as an (m, n_L) float array of targets (see check_batch)."""
    n_L = network.sizes[-1]
    Y = numbers_array("Y", Y)
    real_targets = n_L == 1 and not network.cost_function.classes
    if single:
        if Y.shape not in ((), (n_L,)):
            raise ValueError(
                f"Y for one example must be a label (0 to {n_L - 1}) or a vector of "
                f"{n_L} targets, got shape {Y.shape}"
            )
        Y = Y.reshape(1, -1) if Y.ndim == 1 else Y.reshape(1)
    if Y.ndim == 1 and not real_targets:
        return np.eye(n_L)[network_labels(network, Y, m)]
    if Y.ndim == 1:
        Y = Y[:, None]
    if Y.ndim != 2 or Y.shape[1] != n_L:
        raise ValueError(
            f"Y must be labels of shape ({m},) or targets of shape ({m}, {n_L}), "
            f"got shape {Y.shape}"
        )
    if len(Y) != m:
        raise ValueError(f"Y has {len(Y)} rows but X has {m} examples")
    _check_finite("Y", Y)
    if network.cost_function.classes:
        _check_one_hot(Y, f"{network.cost_name} needs one-hot rows in Y")
    return Y.astype(float, copy=False)


def network_labels(network, labels, m):
    """Labels for m examples of `network` as ints (m,); one-hot rows (m, n_L) work too."""
    labels = numbers_array("labels", labels)
    if labels.ndim == 2 and labels.shape[1] == network.sizes[-1]:
        _check_one_hot(labels, "labels given as rows must be one-hot")
        labels = np.argmax(labels, axis=1)
    labels = check_labels(np.atleast_1d(labels), network.sizes[-1])
    if labels.shape != (m,):
        raise ValueError(f"expected {m} labels, one per example, got shape {labels.shape}")
    return labels


def one_hot(labels, n):
    """Rows of n zeros with a 1 at each label: (m,) labels give (m, n); one label gives (n,)."""
    n = whole_number("n, the number of classes,", n, least=1)
    return np.eye(n)[check_labels(labels, n)]


def check_labels(labels, n):
    """Return labels as ints, or raise unless every one is a whole number from 0 to n-1."""
    labels = numbers_array("labels", labels)
    if labels.dtype.kind not in "iuf":
        raise TypeError(f"labels must be whole numbers, got values of type {labels.dtype}")
    bad = ~np.isin(labels, np.arange(n))
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f" at index {index[0] if len(index) == 1 else index}" if index else ""
        raise ValueError(
            f"labels must be whole numbers from 0 to {n - 1} (one per output neuron), "
            f"got {labels[bad].flat[0]}{where}"
        )
    return labels.astype(int)


def targets_given(Y):
    """Y, unless it is None: the cost and its gradient need targets."""
    if Y is None:
        raise TypeError("Y must be the targets: labels (m,) or one-hot rows (m, n_L), "
                        "got None")
    return Y


def numbers_array(name, value):
    """value as a numeric (bool, int or float) array, without copying one."""
    if not isinstance(value, (str, bytes)):
        try:
            array = np.asarray(value)
        except (TypeError, ValueError):  # ragged nested lists, for instance
            array = None
        if array is not None and array.dtype.kind in "biuf":
            return array
    return as_float_array(name, value)  # converts numbers stored as objects, else TypeError


def _check_finite(name, array):
    """Raise unless every entry of array is finite, naming the first bad value and its index.

    A sum of finite numbers is finite unless it overflows, and any nan or inf
    makes it nan or inf: one pass, twice as fast as np.isfinite on MNIST's
    47 million pixels, with no array of booleans. Only if the sum is not
    finite are the entries looked at one by one.
    """
    if array.dtype.kind != "f":
        return
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(array)
    if not np.isfinite(total):
        if not np.isfinite(array).all():
            as_float_array(name, array)  # raises


def _check_one_hot(Y, requirement):
    """Raise `requirement`, showing the first row that is not a single 1 among 0s."""
    ok = np.isin(Y, (0, 1)).all(axis=1) & (Y.sum(axis=1) == 1)
    if not ok.all():
        i = int(np.argmin(ok))
        raise ValueError(
            f"{requirement} (a single 1, the rest 0), "
            f"got row {i}: {np.array2string(Y[i], precision=3, threshold=12)}"
        )


def _input_shape_message(shape, n_0):
    side = isqrt(n_0)
    pixels = f" ({side}x{side} pixels)" if side >= 8 and side * side == n_0 else ""
    if len(shape) in (1, 2) and shape[-1] != n_0:
        hint = " (examples are rows: did you mean X.T?)" if shape[0] == n_0 else ""
        return f"expected {n_0} inputs per example{pixels}, got {shape[-1]}{hint}"
    hint = ": flatten each example, e.g. X.reshape(len(X), -1)" if len(shape) > 2 else ""
    return (
        f"X must be one example of shape ({n_0},) or a batch of shape (m, {n_0}), "
        f"got shape {shape}{hint}"
    )
