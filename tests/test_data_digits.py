"""load_digits: scikit-learn's 8x8 digits, scaled and split with a seed."""

import numpy as np
import pytest

from bp_helpers.data.dataset import stratified_split
from bp_helpers.data.digits import Digits, load_digits


def test_shapes_types_and_scale():
    data = load_digits()
    assert isinstance(data, Digits)
    assert data.source == "sklearn"
    assert data.X_train.shape == (1347, 64) and data.X_test.shape == (450, 64)
    assert data.X_train.dtype == np.float64 and data.y_train.dtype == np.int64
    X = np.concatenate([data.X_train, data.X_test])
    assert X.min() == 0 and X.max() == 1
    assert set(np.unique(X * 16)) <= set(range(17))  # counts 0..16, divided by 16
    assert data.description == (
        "Using scikit-learn's 8x8 digits: 1,797 images (UCI Optical Recognition of "
        "Handwritten Digits), 1,347 for training and 450 for testing."
    )
    for array in (data.X_train, data.y_train, data.X_test, data.y_test):
        assert not array.flags.writeable


def test_every_digit_keeps_the_same_fraction_for_testing():
    data = load_digits(test_size=0.2)
    counts = np.bincount(data.y_train) + np.bincount(data.y_test)
    assert counts.sum() == 1797
    np.testing.assert_array_equal(np.bincount(data.y_test), np.round(0.2 * counts))


def test_the_seed_fixes_the_split():
    first, again, other = load_digits(seed=1), load_digits(seed=1), load_digits(seed=2)
    np.testing.assert_array_equal(first.X_train, again.X_train)
    np.testing.assert_array_equal(first.y_test, again.y_test)
    assert not np.array_equal(first.y_test, other.y_test)
    from_generator = load_digits(seed=np.random.default_rng(1))
    np.testing.assert_array_equal(from_generator.X_test, first.X_test)


def test_stratified_split_covers_every_example_once():
    y = np.array([0] * 10 + [1] * 4 + [2] * 6)
    train, test = stratified_split(y, 0.5, seed=0)
    assert sorted(np.concatenate([train, test])) == list(range(20))
    assert np.bincount(y[test]).tolist() == [5, 2, 3]


@pytest.mark.parametrize(
    ("test_size", "error", "message"),
    [
        (0, ValueError, "between 0 and 1; got 0.0"),
        (1.5, ValueError, "between 0 and 1; got 1.5"),
        ("half", TypeError, "test_size must be a number, got str"),
    ],
)
def test_bad_test_size(test_size, error, message):
    with pytest.raises(error, match=message):
        load_digits(test_size=test_size)
