"""Panel choices of the wrong kind get a sentence, not a raw TypeError or a silent rounding."""

import numpy as np
import pytest

from bp_helpers.evaluation import look_inside
from bp_helpers.network import Network
from bp_helpers.panels import PathsState, example_network, paths_result


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (PathsState(layer=1.0), "layer must be a whole number, got 1.0"),
        (PathsState(k=1.0), "k must be a whole number, got 1.0"),
        (PathsState(layer=True), "layer must be a whole number, got True"),
        (PathsState(k="2"), "k must be a whole number, got '2'"),
    ],
)
def test_a_paths_choice_that_is_not_a_whole_number(state, message):
    network, x, y = example_network()
    with pytest.raises(TypeError, match=message):
        paths_result(state, network, x, y)


def test_whole_numbers_of_any_integer_type_are_fine():
    network, x, y = example_network()
    assert paths_result(PathsState(layer=np.int64(0), k=np.int8(2)), network, x, y).paths


@pytest.fixture(scope="module")
def network():
    return Network([784, 16, 16, 10], seed=0)


@pytest.mark.parametrize(
    ("label", "message"),
    [
        (3.5, "label must be a whole number from 0 to 9, got 3.5"),
        (10, "label must be a whole number from 0 to 9, got 10"),
        ("3", "label must be a whole number from 0 to 9, got '3'"),
        ([3], r"label must be a whole number from 0 to 9, got \[3\]"),
    ],
)
def test_look_inside_refuses_a_label_that_is_not_a_digit(network, label, message):
    x = np.full(784, 0.5)
    with pytest.raises(ValueError, match=message):
        look_inside(network, x, label)


def test_look_inside_takes_a_label_of_any_whole_number_type(network):
    x = np.full(784, 0.5)
    assert look_inside(network, x, np.int64(3)).label == look_inside(network, x, 3.0).label == 3
    with pytest.raises(TypeError, match=r"neuron must be a whole number, got 1\.0"):
        look_inside(network, x, 3, neuron=1.0)
