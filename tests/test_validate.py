"""validate.py, the one home of the package's input checks: what each accepts and refuses."""

import numpy as np
import pytest

from bp_helpers import validate
from bp_helpers.network import Network


@pytest.mark.parametrize("value", [1, np.int64(7), 10**12])
def test_whole_number_accepts_ints_of_any_kind(value):
    assert validate.whole_number("epochs", value, least=1) == int(value)
    assert type(validate.whole_number("epochs", value, least=1)) is int


@pytest.mark.parametrize("value, error, words", [
    (True, TypeError, "epochs must be a whole number, got True"),
    (2.0, TypeError, "epochs must be a whole number, got 2.0"),
    ("3", TypeError, "epochs must be a whole number, got '3'"),
    (0, ValueError, "epochs must be at least 1, got 0"),
])
def test_whole_number_names_what_it_expected_and_what_came(value, error, words):
    with pytest.raises(error, match=words):
        validate.whole_number("epochs", value, least=1)


def test_whole_number_with_both_bounds_states_the_range():
    assert validate.whole_number("index", 999, least=0, most=999) == 999
    with pytest.raises(ValueError, match="index must be 0 to 999, got 5000"):
        validate.whole_number("index", 5000, least=0, most=999)
    with pytest.raises(ValueError, match="k must be at most 3, got 4"):
        validate.whole_number("k", 4, most=3)


@pytest.mark.parametrize("value, error, words", [
    (0, ValueError, "lr must be positive, got 0.0"),
    (-3, ValueError, "lr must be positive, got -3.0"),
    (float("nan"), ValueError, "lr must be finite"),
    ("3", TypeError, "lr must be a number"),
    (None, TypeError, "lr must be a number"),
])
def test_positive_refuses_what_is_not_a_positive_number(value, error, words):
    with pytest.raises(error, match=words):
        validate.positive("lr", value)


def test_positive_returns_a_float():
    assert validate.positive("lr", 3) == 3.0 and type(validate.positive("lr", 3)) is float


def test_huge_but_finite_inputs_pass_though_their_sum_overflows():
    network = Network([2, 1])
    X = np.full((3, 2), 3e38, dtype=np.float32)  # the float32 sum is inf, every entry finite
    assert network.as_batch(X)[0].shape == (3, 2)
    X[1, 0] = np.nan
    with pytest.raises(ValueError, match=r"X must be finite, got nan at index \(1, 0\)"):
        network.as_batch(X)
