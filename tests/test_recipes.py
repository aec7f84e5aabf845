"""The recipes' learning-rate schedules, and the videos' network at 96% (lesson 5)."""

import dataclasses

import numpy as np
import pytest

from bp_helpers.data import Dataset
from bp_helpers.recipes import RECIPES, Recipe, _note, train_or_load
from bp_helpers.training import sgd

SCHEDULED = Recipe(
    name="scheduled", sizes=(4, 8, 3), activation="relu", cost="cross_entropy", lr=0.5,
    batch_size=10, epochs=5, seed=2, lr_drops=((2, 0.1), (4, 0.02)),
    description="A tiny network with a schedule, for the tests.",
)


def blobs(source="synthetic"):
    """Three blobs in 4 dimensions: 300 training and 100 test examples."""
    rng = np.random.default_rng(0)
    centres = 2 * rng.standard_normal((3, 4))
    y = rng.integers(0, 3, 400)
    X = centres[y] + 0.5 * rng.standard_normal((400, 4))
    return Dataset(X[:300], y[:300], X[300:], y[300:], source, f"blobs from {source}")


def test_a_schedule_is_a_list_of_phases():
    assert SCHEDULED.phases() == ((2, 0.5), (2, 0.1), (1, 0.02))
    assert RECIPES["sigmoid"].phases() == ((20, 0.3), (10, 0.1))
    assert RECIPES["videos-relu"].phases() == ((15, 0.2), (5, 0.02))
    assert RECIPES["relu"].phases() == ((20, 0.2),)


def test_a_schedule_trains_phase_by_phase_as_sgd_would_by_hand():
    data = blobs()
    records = []
    network, history = SCHEDULED.train(data, callback=records.append)
    by_hand = SCHEDULED.network()
    costs = []
    for phase, (epochs, lr) in enumerate(SCHEDULED.phases()):
        part = sgd(by_hand, data.X_train, data.y_train, epochs=epochs, batch_size=10, lr=lr,
                   seed=2 + phase)
        costs += part.costs if phase == 0 else part.costs[1:]
    for got, expected in zip(network.W + network.b, by_hand.W + by_hand.b, strict=True):
        np.testing.assert_array_equal(got, expected)
    assert history.costs == costs
    assert history.epochs == [0, 1, 2, 3, 4, 5] == [r.epoch for r in records]
    assert records == history.records and history.stopped is None


def test_a_schedule_is_part_of_the_saved_files_note(tmp_path):
    data = blobs()
    assert "lr_drops=[[2, 0.1], [4, 0.02]]" in _note(SCHEDULED, data)
    assert "lr_drops" not in _note(RECIPES["relu"], data)  # older files still match
    train_or_load(SCHEDULED, data, tmp_path)
    other = dataclasses.replace(SCHEDULED, lr_drops=((3, 0.1),))
    with pytest.warns(UserWarning) as warned:
        train_or_load(other, data, tmp_path)
    assert "was saved for a different recipe" in str(warned[0].message)
    _, again = train_or_load(SCHEDULED, data, tmp_path)
    assert again.epochs == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("drops", [((0, 0.1),), ((5, 0.1),), ((3, 0.1), (2, 0.01)),
                                   ((2.5, 0.1),), ((True, 0.1),)])
def test_a_bad_schedule_gets_a_clear_error(drops):
    with pytest.raises(ValueError, match=r"lr_drops must be \(epoch, lr\) pairs with epochs "
                                         r"rising from 1 to 4"):
        dataclasses.replace(SCHEDULED, lr_drops=drops)


def test_the_videos_network_recipe():
    recipe = RECIPES["videos-relu"]
    assert recipe.sizes == RECIPES["sigmoid"].sizes == (784, 16, 16, 10)
    assert (recipe.activation, recipe.cost) == ("relu", "cross_entropy")
    assert recipe.network().sizes == [784, 16, 16, 10]
