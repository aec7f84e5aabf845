"""Training recipes, and train_or_load: train once, save, and load the same numbers after."""

import dataclasses
import os

import numpy as np
import pytest

from bp_helpers import models
from bp_helpers.data import Dataset
from bp_helpers.data.locate import PROJECT_ROOT
from bp_helpers.models import RECIPES, Recipe, train_or_load
from bp_helpers.network import Network
from bp_helpers.training import load_saved, save_weights

TINY = Recipe(
    name="tiny", sizes=(4, 8, 3), activation="sigmoid", cost="quadratic", lr=1.0,
    batch_size=10, epochs=3, seed=0, description="A tiny network for the tests.",
)


def blobs(source="synthetic", seed=0):
    """Three blobs in 4 dimensions, one per class: 300 training and 100 test examples."""
    rng = np.random.default_rng(seed)
    centres = 2 * rng.standard_normal((3, 4))
    y = rng.integers(0, 3, 400)
    X = centres[y] + 0.5 * rng.standard_normal((400, 4))
    return Dataset(X[:300], y[:300], X[300:], y[300:], source, f"blobs from {source}")


def weights(network):
    return network.W + network.b


def assert_same_weights(a, b):
    for got, expected in zip(weights(a), weights(b), strict=True):
        np.testing.assert_array_equal(got, expected)


# The recipes


def test_the_two_recipes():
    sigmoid, relu = RECIPES["sigmoid"], RECIPES["relu"]
    assert (sigmoid.sizes, sigmoid.activation, sigmoid.cost) == (
        (784, 16, 16, 10), "sigmoid", "quadratic")
    assert (relu.activation, relu.cost) == ("relu", "cross_entropy")
    for name, recipe in RECIPES.items():
        assert recipe.name == name
        assert "\n" not in recipe.description and recipe.description.endswith(".")
        assert f"lr = {recipe.lr:g}" in recipe.description
        assert f"batches of {recipe.batch_size}" in recipe.description
        assert f"{recipe.epochs} epochs" in recipe.description


def test_a_recipes_network_is_seeded():
    a, b = TINY.network(), TINY.network()
    assert isinstance(a, Network) and a.sizes == [4, 8, 3]
    assert_same_weights(a, b)
    assert not np.array_equal(a.W[0], dataclasses.replace(TINY, seed=1).network().W[0])


@pytest.mark.parametrize(("change", "error", "message"), [
    (dict(name="../tiny"), ValueError, "may only hold letters, digits, - and _; got '../tiny'"),
    (dict(name=""), ValueError, "may only hold letters"),
    (dict(epochs=2.5), TypeError, "epochs must be a whole number, got 2.5"),
    (dict(seed=None), TypeError, "seed must be a whole number"),
    (dict(lr="fast"), TypeError, "lr must be a number"),
])
def test_a_bad_recipe_gets_a_clear_error(change, error, message):
    with pytest.raises(error, match=message):
        dataclasses.replace(TINY, **change)


def test_recipes_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        TINY.lr = 3.0


# Train, then load


def test_the_second_call_loads_what_the_first_trained(tmp_path):
    trained_records, loaded_records = [], []
    network, history = train_or_load(TINY, blobs(), tmp_path, callback=trained_records.append)
    assert os.listdir(tmp_path) == ["tiny-synthetic.npz"]
    assert history.stopped is None and history.epochs == [0, 1, 2, 3]
    assert trained_records == history.records

    before = (tmp_path / "tiny-synthetic.npz").stat().st_mtime_ns
    loaded, loaded_history = train_or_load(TINY, blobs(), tmp_path,
                                           callback=loaded_records.append)
    assert (tmp_path / "tiny-synthetic.npz").stat().st_mtime_ns == before  # not saved again
    assert loaded_history == history and loaded_records == trained_records
    assert_same_weights(loaded, network)
    assert (loaded.sizes, loaded.activation, loaded.cost_name) == (
        network.sizes, network.activation, network.cost_name)
    data = blobs()
    assert loaded.accuracy(data.X_test, data.y_test) == network.accuracy(data.X_test, data.y_test)


def test_training_matches_the_recipe_trained_by_hand(tmp_path):
    network, history = train_or_load(TINY, blobs(), tmp_path)
    by_hand, by_hand_history = TINY.train(blobs())
    assert_same_weights(network, by_hand)
    assert history.costs == by_hand_history.costs
    assert history.test_accuracies == by_hand_history.test_accuracies


def test_a_recipe_can_be_named(tmp_path, monkeypatch):
    monkeypatch.setitem(RECIPES, "tiny", TINY)
    network, _ = train_or_load("tiny", blobs(), tmp_path)
    assert_same_weights(network, train_or_load(TINY, blobs(), tmp_path)[0])
    with pytest.raises(ValueError, match="recipe must be a Recipe or one of 'sigmoid', 'relu'"):
        train_or_load("huge", blobs(), tmp_path)


def test_a_diverged_training_is_saved_and_replayed_with_its_message(tmp_path):
    wild = dataclasses.replace(TINY, lr=1000.0)
    _, history = train_or_load(wild, blobs(), tmp_path)
    assert history.stopped.startswith("Training stopped in epoch 1 of 3")
    assert train_or_load(wild, blobs(), tmp_path)[1] == history


def test_the_default_place_is_the_projects_ignored_data_directory(tmp_path, monkeypatch):
    assert models.WEIGHTS_DIR == PROJECT_ROOT / "data" / "weights"
    assert "data/*" in (PROJECT_ROOT / ".gitignore").read_text().splitlines()
    monkeypatch.setattr(models, "WEIGHTS_DIR", tmp_path / "data" / "weights")
    train_or_load(TINY, blobs())
    assert os.listdir(tmp_path / "data" / "weights") == ["tiny-synthetic.npz"]


# One file per recipe and data source


def test_each_data_source_gets_its_own_file(tmp_path):
    embedded, _ = train_or_load(TINY, blobs("embedded", seed=1), tmp_path)
    full, _ = train_or_load(TINY, blobs("full", seed=2), tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["tiny-embedded.npz", "tiny-full.npz"]
    assert not np.array_equal(embedded.W[0], full.W[0])
    assert_same_weights(train_or_load(TINY, blobs("embedded", seed=1), tmp_path)[0], embedded)
    assert_same_weights(train_or_load(TINY, blobs("full", seed=2), tmp_path)[0], full)


def test_the_real_recipes_file_names():
    assert RECIPES["sigmoid"].file_name("full") == "sigmoid-full.npz"
    assert RECIPES["relu"].file_name("embedded") == "relu-embedded.npz"
    with pytest.raises(ValueError, match="the data's source becomes part of a file name"):
        RECIPES["relu"].file_name("../full")


def test_data_without_a_source_is_refused(tmp_path):
    with pytest.raises(TypeError, match="data must be a data set such as load_mnist"):
        train_or_load(TINY, (np.zeros((5, 4)), np.zeros(5)), tmp_path)


# Saved files that cannot be used


def saved_file(tmp_path):
    train_or_load(TINY, blobs(), tmp_path)
    return tmp_path / "tiny-synthetic.npz"


def truncate(path):
    path.write_bytes(path.read_bytes()[:500])


def flip_a_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def write_text(path):
    path.write_text("not weights at all")


def weights_without_history(path):
    save_weights(TINY.network(), path)


@pytest.mark.parametrize(("spoil", "problem"), [
    (truncate, "is damaged"),
    (flip_a_byte, "is damaged"),
    (write_text, "it is not an .npz archive"),
    (weights_without_history, "holds weights but no training history"),
])
def test_an_unusable_file_is_reported_and_left_alone(tmp_path, spoil, problem):
    path = saved_file(tmp_path)
    spoil(path)
    contents = path.read_bytes()
    with pytest.raises(ValueError, match=problem) as error:
        train_or_load(TINY, blobs(), tmp_path)
    assert str(path) in str(error.value)
    assert f"Delete {path} to train the 'tiny' recipe again" in str(error.value)
    assert path.read_bytes() == contents and os.listdir(tmp_path) == [path.name]
    path.unlink()  # the fix the message suggests
    train_or_load(TINY, blobs(), tmp_path)
    assert load_saved(path).history is not None


@pytest.mark.parametrize(("change", "data"), [
    (dict(lr=0.5), blobs()),
    (dict(epochs=4), blobs()),
    (dict(sizes=(4, 5, 3)), blobs()),
    ({}, dataclasses.replace(blobs(), X_train=blobs().X_train[:200],
                             y_train=blobs().y_train[:200])),
])
def test_a_file_from_another_recipe_or_data_set_is_not_used(tmp_path, change, data):
    path = saved_file(tmp_path)
    contents = path.read_bytes()
    with pytest.raises(ValueError, match=r"was saved for a different recipe or data set: it "
                                         r"says 'recipe tiny: sizes=\[4, 8, 3\]"):
        train_or_load(dataclasses.replace(TINY, **change), data, tmp_path)
    assert path.read_bytes() == contents


# Saving


def test_an_interrupted_save_leaves_no_file_and_the_next_call_trains(tmp_path, monkeypatch):
    def interrupted(file, **arrays):
        file.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(np, "savez", interrupted)
        with pytest.raises(KeyboardInterrupt):
            train_or_load(TINY, blobs(), tmp_path)
    assert os.listdir(tmp_path) == []  # neither a half-written file nor a temporary one
    network, _ = train_or_load(TINY, blobs(), tmp_path)
    assert_same_weights(train_or_load(TINY, blobs(), tmp_path)[0], network)


def test_the_weights_directory_is_created(tmp_path):
    train_or_load(TINY, blobs(), tmp_path / "a" / "b")
    assert os.listdir(tmp_path / "a" / "b") == ["tiny-synthetic.npz"]


def test_a_callback_must_be_a_function(tmp_path):
    with pytest.raises(TypeError, match="callback must be a function of one record"):
        train_or_load(TINY, blobs(), tmp_path, callback="print")


# A read-only course folder


@pytest.fixture
def read_only_course(tmp_path, monkeypatch):
    """WEIGHTS_DIR in a folder that refuses writes (as a shared read-only copy does; root can
    write anywhere, so the refusal is simulated), and the user's cache in tmp_path/cache."""
    course = tmp_path / "course" / "data" / "weights"
    monkeypatch.setattr(models, "WEIGHTS_DIR", course)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real_save = models.save_weights

    def refuse_in_the_course(network, path, *args, **kwargs):
        if course in path.parents:
            raise PermissionError(13, "Permission denied", str(path))
        return real_save(network, path, *args, **kwargs)

    monkeypatch.setattr(models, "save_weights", refuse_in_the_course)
    return course


def test_a_read_only_course_folder_saves_to_the_users_cache(read_only_course, tmp_path):
    cached = tmp_path / "cache" / "backprop-hands-on" / "weights" / "tiny-synthetic.npz"
    with pytest.warns(UserWarning, match=rf"could not be saved in {read_only_course} "
                                         r"\(.*Permission denied\), so it was saved to "
                                         rf"{cached} instead"):
        network, history = train_or_load(TINY, blobs())
    assert network.accuracy(blobs().X_test, blobs().y_test) > 0.9
    again, history_again = train_or_load(TINY, blobs())  # loaded from the cache, quietly
    assert_same_weights(again, network) and history_again == history
    assert os.listdir(cached.parent) == [cached.name]


def test_a_network_that_cannot_be_saved_anywhere_is_returned_all_the_same(
    read_only_course, tmp_path, monkeypatch
):
    def refuse(network, path, *args, **kwargs):
        raise OSError(30, "Read-only file system", str(path))

    monkeypatch.setattr(models, "save_weights", refuse)
    with pytest.warns(UserWarning, match="could not be saved .*Read-only file system.*It works "
                                         "all the same in this session"):
        network, history = train_or_load(TINY, blobs())
    assert network.accuracy(blobs().X_test, blobs().y_test) > 0.9
    assert len(history.records) == TINY.epochs + 1
