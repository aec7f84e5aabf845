"""Measuring derivatives by nudging, to check the ones backprop computes.

A nudge changes one input by h and measures the change in the output:
one-sided (f(x+h) - f(x)) / h has an error proportional to h, central
(f(x+h) - f(x-h)) / 2h one proportional to h^2. Below about h = 1e-8 both
drown in round-off, because f(x+h) - f(x) cancels almost every digit.

`check_gradients` nudges every weight and bias of a network and compares
with what a backprop function computed, entry by entry, to locate a bug.
"""

import math
from dataclasses import dataclass

import numpy as np

from bp_helpers.validate import as_float

METHODS = ("one-sided", "central")
# check_gradients refuses an h whose round-off is more than this fraction of the largest
# derivative: then every error larger than 1% of it is caught.
RESOLUTION = 0.01


def difference_quotient(f, x, h, method="central"):
    """Estimate df/dx at the number x from nudges of size h (h != 0)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if h == 0:
        raise ValueError("the nudge h must be non-zero, got 0")
    if method == "one-sided":
        return (f(x + h) - f(x)) / h
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, params, h=1e-5, method="central"):
    """Nudge every entry of every array in `params` in turn; return df/dparam.

    f takes no arguments and reads `params`, a list of float arrays that this
    function changes in place and restores. The result is a list of arrays of
    the same shapes: the "nudge every parameter" way, costing 2P calls of f.
    """
    grads = []
    for p in params:
        g = np.zeros_like(p, dtype=float)
        for index in np.ndindex(p.shape):
            saved = p[index]

            def f_at(value, index=index, p=p):
                p[index] = value
                return f()

            try:
                g[index] = difference_quotient(f_at, saved, h, method)
            finally:
                p[index] = saved
        grads.append(g)
    return grads


def relative_error(analytic, numeric, *, floor=0.0):
    """|analytic - numeric| / max(|analytic|, |numeric|, floor), and 0 where that is 0.

    Around 1e-7 or less means the two agree; 1e-2 means a bug. A floor > 0
    stops derivatives too small for nudges to measure from looking wrong.
    """
    analytic = np.asarray(analytic, dtype=float)
    numeric = np.asarray(numeric, dtype=float)
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), floor)
    diff = np.abs(analytic - numeric)
    return np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)


@dataclass(frozen=True)
class GradientReport:
    """Backprop's gradients next to nudged ones, with their relative errors.

    Every list has one array per layer, shaped like W (n_l, n_{l-1}) or b (n_l,):
    dC_dW, dC_db from the backprop being checked; nudged_dW, nudged_db from
    central differences; error_W, error_b their relative errors (a heat map
    of these shows where a bug is). worst is the largest error and worst_at
    where: ("W", i, j, k) for W[i][j, k] or ("b", i, j) for b[i][j], i.e. layer i+1.
    """

    dC_dW: list
    dC_db: list
    nudged_dW: list
    nudged_db: list
    error_W: list
    error_b: list
    worst: float
    worst_at: tuple
    threshold: float

    @property
    def ok(self):
        """True when every relative error is at most the threshold."""
        return bool(self.worst <= self.threshold)

    def __str__(self):
        name, i, j, *k = self.worst_at
        entry = f"{name}[{i}][{j}, {k[0]}]" if k else f"{name}[{i}][{j}]"
        neuron = f"to neuron {j} from neuron {k[0]}" if k else f"neuron {j}"
        verdict = "passed" if self.ok else f"FAILED (threshold {self.threshold:.0e})"
        layers = "; ".join(
            f"layer {n}: W {np.max(e_W):.1e}, b {np.max(e_b):.1e}"
            for n, (e_W, e_b) in enumerate(zip(self.error_W, self.error_b, strict=True), start=1)
        )
        return (
            f"gradient check {verdict}: worst relative error {self.worst:.1e} at {entry} "
            f"(layer {i + 1}, {neuron}).\nWorst by layer: {layers}"
        )


def check_gradients(network, X, Y, h=1e-5, backprop=None, threshold=1e-6):
    """Compare backprop(network, X, Y) with nudges of every parameter; return a GradientReport.

    backprop defaults to the network's own; pass any function taking
    (network, X, Y) and returning (dC_dW, dC_db), such as
    `network_loops.backprop_loops` or a learner's version, to check it.
    Nudges of size h measure a derivative only to about eps |C| / h, so an
    entry counts as agreeing when its difference is within threshold times
    max(|analytic|, |nudged|) or within ten times that round-off. An h so
    small that this round-off is more than RESOLUTION of the largest
    derivative is refused (ValueError): a broken backprop could pass. So is
    an h with h² above a tenth of threshold, whose own error (of order h²)
    could fail a correct backprop (h = 1e-3 does, at the default threshold).
    The network itself is never changed: backprop gets copies of it and of X
    and Y, so one that edits them in place (`Y -= a`) is judged on its gradients.
    """
    X, Y = network.as_batch(X, Y)
    h, threshold = as_float("h", h), as_float("threshold", threshold)
    if threshold <= 0:
        raise ValueError(f"threshold must be positive, got {threshold}")
    if h == 0:
        raise ValueError("the nudge h must be non-zero, got 0")
    if abs(h) > math.sqrt(threshold / 10):  # h² > threshold / 10
        raise ValueError(
            f"h = {h:g} is too large for a gradient check with threshold {threshold:g}: a "
            f"central difference is off by about h² = {h * h:.1e} times the cost's third "
            f"derivative, so even a correct backprop could fail. Use an h of at most "
            f"{math.sqrt(threshold / 10):.2g}, such as the default 1e-5"
        )
    backprop = backprop or type(network).backprop
    dC_dW, dC_db = _as_gradients(backprop(network.copy(), X.copy(), Y.copy()), network)
    nudged = network.copy()  # batch_cost skips the checks: X and Y passed them above
    numeric = numerical_gradient(lambda: nudged.batch_cost(X, Y), nudged.W + nudged.b, h)
    round_off = np.finfo(float).eps * max(abs(nudged.batch_cost(X, Y)), 1.0) / abs(h)
    _check_resolution(h, 10 * round_off, dC_dW + dC_db, numeric)
    floor = 10 * round_off / threshold
    L = len(network.W)
    with np.errstate(invalid="ignore"):  # a broken backprop's inf or nan counts as error inf
        errors = [
            np.where(np.isfinite(g), relative_error(g, n, floor=floor), np.inf)
            for g, n in zip(dC_dW + dC_db, numeric, strict=True)
        ]
    worst_i = int(np.argmax([np.max(e) for e in errors]))
    where = np.unravel_index(np.argmax(errors[worst_i]), errors[worst_i].shape)
    name, layer = ("W", worst_i) if worst_i < L else ("b", worst_i - L)
    return GradientReport(
        dC_dW, dC_db, numeric[:L], numeric[L:], errors[:L], errors[L:],
        worst=float(np.max(errors[worst_i])),
        worst_at=(name, layer, *(int(i) for i in where)),
        threshold=threshold,
    )


def _check_resolution(h, smallest_error, analytic, numeric):
    """Refuse an h whose round-off hides errors of more than RESOLUTION of the largest derivative.

    smallest_error is the smallest difference the check can see at this h
    (ten times eps |C| / h); analytic and numeric are the two lists of
    gradient arrays. Below it a wrong derivative passes: at h = 1e-16 one of
    all zeros, or of the wrong sign, would.
    """
    largest = max(float(np.max(np.abs(g), initial=0.0)) for g in analytic + numeric)
    if smallest_error > RESOLUTION * largest:
        raise ValueError(
            f"h = {h:g} is too small for a gradient check: round-off in C(w + h) - C(w - h) "
            f"makes each nudged derivative uncertain by about {smallest_error:.1e}, while the "
            f"largest derivative is {largest:.1e}, so a backprop wrong by less than "
            f"{smallest_error:.1e} would pass. Use a larger h, such as the default 1e-5"
        )


def _as_gradients(result, network):
    """A backprop function's (dC_dW, dC_db) as float arrays, checked against W and b."""
    try:
        dC_dW, dC_db = result
    except (TypeError, ValueError):
        raise TypeError(
            f"backprop must return (dC_dW, dC_db), two lists with one array per layer, "
            f"got {type(result).__name__}"
        ) from None
    checked = []
    for name, grads, params in (("dC_dW", dC_dW, network.W), ("dC_db", dC_db, network.b)):
        grads = [np.asarray(g, dtype=float) for g in grads]
        if len(grads) != len(params):
            raise ValueError(
                f"{name} must have {len(params)} arrays, one per layer, got {len(grads)}"
            )
        for i, (g, p) in enumerate(zip(grads, params, strict=True)):
            if g.shape != p.shape:
                raise ValueError(
                    f"{name}[{i}] must have the shape of {name[-1]}[{i}], {p.shape}, got {g.shape}"
                )
        checked.append(grads)
    return checked


_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPT = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def in_notation(worst_at):
    """A GradientReport's worst_at in the lessons' notation, layers counted from 1.

    ("W", 1, 1, 0) -> "w₁₀⁽²⁾ (layer 2, to neuron 1 from neuron 0)";
    ("b", 0, 3) -> "b₃⁽¹⁾ (layer 1, neuron 3)". Indices of 10 or more are
    separated by a comma: w₁₅,₇⁽²⁾.
    """
    name, i, j, *k = worst_at
    if name not in ("W", "b") or len(k) != (1 if name == "W" else 0):
        raise ValueError(f"expected ('W', i, j, k) or ('b', i, j), got {worst_at!r}")
    layer = f"({i + 1})".translate(_SUPERSCRIPT)
    if k:
        indices = f"{j}{k[0]}" if max(j, k[0]) < 10 else f"{j},{k[0]}"
        return (f"w{indices.translate(_SUBSCRIPT)}{layer} "
                f"(layer {i + 1}, to neuron {j} from neuron {k[0]})")
    return f"b{str(j).translate(_SUBSCRIPT)}{layer} (layer {i + 1}, neuron {j})"
