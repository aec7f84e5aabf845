"""Input checks at the package boundary, with errors a learner can act on.

Each check names the argument, what was expected and what came instead, e.g.
"w must be finite, got nan at index 2".
"""

import numbers

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
