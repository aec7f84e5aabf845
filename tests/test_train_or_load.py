"""Training recipes, saved weights, and train_or_load: train once, save, load the same after."""

import dataclasses
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from bp_helpers import recipes
from bp_helpers.activations import Activation, sigmoid, sigmoid_prime
from bp_helpers.data import Dataset
from bp_helpers.data.locate import PROJECT_ROOT, leftovers, set_aside
from bp_helpers.network import Network
from bp_helpers.recipes import (
    RECIPES,
    WEIGHTS_FORMAT,
    Recipe,
    load_saved,
    save_weights,
    train_or_load,
)
from bp_helpers.saved import temporary_pattern
from bp_helpers.training import EpochRecord, History

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
    (dict(epochs=0), ValueError, "epochs must be at least 1, got 0"),
    (dict(batch_size=-5), ValueError, "batch_size must be at least 1, got -5"),
    (dict(lr=-1), ValueError, "lr must be .*positive.*got -1"),
    (dict(lr_drops=((2, 0.0),)), ValueError, "lr_drops' lr must be"),
    (dict(sizes=()), ValueError, r"sizes needs at least 2 layers \(inputs and outputs\), got "
                                 r"\[\]"),
    (dict(sizes=784), TypeError, "sizes must be layer sizes such as"),
    (dict(sizes=(4, 0, 3)), ValueError, "sizes.1., the neurons in layer 1, must be at least 1"),
    (dict(activation="nope"), ValueError, "unknown activation 'nope'"),
    (dict(cost="nope"), ValueError, "unknown cost 'nope'"),
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


def weights_dir_in_a_new_process(**env):
    """recipes.WEIGHTS_DIR as a fresh Python sees it, with `env` over os.environ less
    BP_WEIGHTS_DIR."""
    environ = {k: v for k, v in os.environ.items() if k != "BP_WEIGHTS_DIR"} | env
    code = "from bp_helpers import recipes; print(recipes.WEIGHTS_DIR)"
    return Path(subprocess.run([sys.executable, "-c", code], env=environ, check=True,
                               capture_output=True, text=True).stdout.strip())


def test_bp_weights_dir_names_another_folder(tmp_path):
    assert weights_dir_in_a_new_process() == PROJECT_ROOT / "data" / "weights"
    assert weights_dir_in_a_new_process(BP_WEIGHTS_DIR=str(tmp_path)) == tmp_path
    home = weights_dir_in_a_new_process(BP_WEIGHTS_DIR="~/bp-weights", HOME=str(tmp_path))
    assert home == tmp_path / "bp-weights"


def test_the_default_place_is_the_projects_ignored_data_directory(tmp_path, monkeypatch):
    assert "data/*" in (PROJECT_ROOT / ".gitignore").read_text().splitlines()
    monkeypatch.setattr(recipes, "WEIGHTS_DIR", tmp_path / "data" / "weights")
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
])
def test_a_damaged_file_is_moved_aside_and_trained_again(tmp_path, spoil, problem):
    path = saved_file(tmp_path)
    for attempt in ("", ".1"):
        spoil(path)
        contents = path.read_bytes()
        with pytest.warns(UserWarning, match=rf"{problem}.*It was renamed to "
                                             rf"{path}\.corrupt{attempt} .*'tiny' recipe is "
                                             "trained again") as warned:
            network, _ = train_or_load(TINY, blobs(), tmp_path)
        assert warned[0].filename == __file__  # the learner's line, not bp_helpers'
        assert (tmp_path / f"{path.name}.corrupt{attempt}").read_bytes() == contents
        assert_same_weights(load_saved(path).network, network)
    assert sorted(os.listdir(tmp_path)) == [path.name, f"{path.name}.corrupt",
                                            f"{path.name}.corrupt.1"]


def test_the_warning_is_shown_again_when_the_cell_runs_again(tmp_path):
    path = saved_file(tmp_path)
    for _ in range(2):
        truncate(path)
        with pytest.warns(UserWarning, match="is damaged"):
            train_or_load(TINY, blobs(), tmp_path)


@pytest.fixture
def course(tmp_path, monkeypatch):
    """WEIGHTS_DIR in tmp_path/course, and the user's cache in tmp_path/cache."""
    course = tmp_path / "course" / "data" / "weights"
    course.mkdir(parents=True)
    monkeypatch.setattr(recipes, "WEIGHTS_DIR", course)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return course


def cached(tmp_path):
    return tmp_path / "cache" / "backprop-hands-on" / "weights" / "tiny-synthetic.npz"


def older_recipe(path):
    train_or_load(dataclasses.replace(TINY, lr=0.5), blobs(), path.parent)


def a_folder(path):
    path.mkdir()
    (path / "notes.txt").write_text("mine")


@pytest.mark.parametrize(("place", "problem"), [
    (weights_without_history, "holds weights but no training history"),
    (older_recipe, r"was saved for a different recipe or data set \(it says 'recipe tiny: "
                   r"sizes=\[4, 8, 3\] .* lr=0.5"),
    (a_folder, "is a folder, not a weights file"),
])
def test_a_file_that_is_not_ours_to_replace_is_left_and_the_cache_used(
        course, tmp_path, place, problem):
    path = course / "tiny-synthetic.npz"
    place(path)
    before = sorted(str(p.relative_to(course)) for p in course.rglob("*"))
    with pytest.warns(UserWarning) as warned:
        network, history = train_or_load(TINY, blobs())
    first, second = (str(w.message) for w in warned)
    assert re.search(problem, first)
    assert first.endswith("; it is left as it is and not used.")
    assert second == (
        f"The trained network could not be saved in {course}, so it was saved to "
        f"{cached(tmp_path)} instead, where the next run will find it."
    )
    assert sorted(str(p.relative_to(course)) for p in course.rglob("*")) == before
    with pytest.warns(UserWarning, match=problem):  # said again, then loaded from the cache
        again, history_again = train_or_load(TINY, blobs())
    assert_same_weights(again, network) and history_again == history


def test_in_a_folder_of_ones_choosing_a_file_not_ours_is_left_and_nothing_saved(tmp_path):
    path = tmp_path / "tiny-synthetic.npz"
    older_recipe(path)
    contents = path.read_bytes()
    with pytest.warns(UserWarning) as warned:
        network, _ = train_or_load(TINY, blobs(), tmp_path)
    assert "was saved for a different recipe" in str(warned[0].message)
    assert str(warned[1].message).startswith(
        "The trained network could not be saved, see the warning above. It works all the same")
    assert network.accuracy(blobs().X_test, blobs().y_test) > 0.9
    assert path.read_bytes() == contents and os.listdir(tmp_path) == [path.name]


def test_a_damaged_file_that_cannot_be_moved_aside_is_left_and_the_cache_used(
        course, tmp_path, monkeypatch):
    path = course / "tiny-synthetic.npz"
    path.write_text("not weights at all")

    def refuse(path, judged):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(recipes, "set_aside", refuse)
    with pytest.warns(UserWarning) as warned:
        train_or_load(TINY, blobs())
    assert re.search(r"is not an .npz archive. It could not be moved aside \(Permission "
                     r"denied\), so it is left as it is", str(warned[0].message))
    assert path.read_text() == "not weights at all" and load_saved(cached(tmp_path)).history


def test_a_file_that_cannot_be_read_is_left_and_the_cache_used(course, tmp_path, monkeypatch):
    path = course / "tiny-synthetic.npz"
    save_weights(TINY.network(), path)
    real_load = recipes.load_saved

    def unreadable(where):
        if where == path:  # as for a student, when the instructor's umask is 077
            raise PermissionError(13, "Permission denied", str(where))
        return real_load(where)

    monkeypatch.setattr(recipes, "load_saved", unreadable)
    with pytest.warns(UserWarning) as warned:
        network, _ = train_or_load(TINY, blobs())
    assert str(warned[0].message) == (f"The saved weights {path} cannot be read (Permission "
                                      "denied); it is left as it is and not used.")
    assert_same_weights(load_saved(cached(tmp_path)).network, network)


def test_a_folder_that_cannot_be_looked_in_is_passed_over(tmp_path, monkeypatch):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("mine")
    monkeypatch.setattr(recipes, "WEIGHTS_DIR", blocked)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.warns(UserWarning) as warned:
        train_or_load(TINY, blobs())
    assert str(warned[0].message).startswith(
        f"The saved weights {blocked / 'tiny-synthetic.npz'} cannot be looked at (Not a "
        "directory), so it is not used.")
    assert blocked.read_text() == "mine" and load_saved(cached(tmp_path)).history


def test_a_weights_dir_may_start_with_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    train_or_load(TINY, blobs(), "~/bp-weights")
    assert os.listdir(tmp_path / "bp-weights") == ["tiny-synthetic.npz"]
    assert not (tmp_path / "~").exists()
    with pytest.raises(TypeError, match="weights_dir must be a folder's path"):
        train_or_load(TINY, blobs(), 3)


def test_without_a_home_folder_the_course_folder_still_works(course, monkeypatch):
    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(recipes, "cache_home", no_home)
    network, _ = train_or_load(TINY, blobs())
    assert_same_weights(load_saved(course / "tiny-synthetic.npz").network, network)


def test_a_file_replaced_while_it_was_judged_is_not_moved_aside(tmp_path):
    path = tmp_path / "tiny-synthetic.npz"
    path.write_text("damaged")
    judged = path.stat()
    replacement = tmp_path / "good.tmp"
    save_weights(TINY.network(), replacement)
    os.replace(replacement, path)  # another notebook's save lands before the rename
    assert set_aside(path, judged) is None
    assert load_saved(path).network.sizes == [4, 8, 3] and os.listdir(tmp_path) == [path.name]
    assert set_aside(path, path.stat()) == tmp_path / "tiny-synthetic.npz.corrupt"


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
    monkeypatch.setattr(recipes, "WEIGHTS_DIR", course)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real_save = recipes.save_weights

    def refuse_in_the_course(network, path, *args, **kwargs):
        if course in path.parents:
            raise PermissionError(13, "Permission denied", str(path))
        return real_save(network, path, *args, **kwargs)

    monkeypatch.setattr(recipes, "save_weights", refuse_in_the_course)
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

    monkeypatch.setattr(recipes, "save_weights", refuse)
    with pytest.warns(UserWarning, match="could not be saved .*Read-only file system.*It works "
                                         "all the same in this session"):
        network, history = train_or_load(TINY, blobs())
    assert network.accuracy(blobs().X_test, blobs().y_test) > 0.9
    assert len(history.records) == TINY.epochs + 1


# Saving and loading


def saved(tmp_path, network=None, name="weights.npz"):
    path = tmp_path / name
    save_weights(network or Network([64, 16, 10], "tanh", "cross_entropy", seed=3), path)
    return path


def test_save_and_load_round_trip(tmp_path):
    network = Network([64, 16, 10], "tanh", "cross_entropy", seed=3)
    network.b[0][:] = np.arange(16.0)
    path = saved(tmp_path, network)
    loaded = load_saved(path).network
    assert (loaded.sizes, loaded.activation, loaded.cost_name) == (
        network.sizes, network.activation, network.cost_name)
    for got, expected in zip(weights(loaded), weights(network), strict=True):
        np.testing.assert_array_equal(got, expected)
    with np.load(path, allow_pickle=False) as archive:  # plain arrays only
        assert str(archive["activation"]) == "tanh"
    assert os.listdir(tmp_path) == ["weights.npz"]  # no temporary file left behind


def test_loading_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no weights file at .*nothing\.npz"):
        load_saved(tmp_path / "nothing.npz")


def test_a_truncated_file_gets_a_clear_error(tmp_path):
    path = saved(tmp_path)
    path.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(ValueError, match=r"weights.npz' is damaged \(truncated or corrupted\)"):
        load_saved(path)


def test_a_corrupted_file_gets_a_clear_error(tmp_path):
    path = saved(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside W0's numbers
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"weights.npz' is damaged .*Bad CRC-32"):
        load_saved(path)


def write_npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def write_bytes(path, make):
    with open(path, "wb") as file:
        make(file)
    return path


def good_fields(network=None):
    network = network or Network([3, 2])
    return dict(format=np.array(WEIGHTS_FORMAT), sizes=np.array(network.sizes),
                activation=np.array("sigmoid"), cost=np.array("quadratic"),
                W0=network.W[0], b0=network.b[0])


@pytest.mark.parametrize(("contents", "message"), [
    (lambda p: write_npz(p, x=np.ones(3)), r"not a weights file .*its entries are \['x'\]"),
    (lambda p: write_bytes(p, lambda f: np.save(f, np.ones(3))), "it is not an .npz archive"),
    (lambda p: write_bytes(p, lambda f: f.write(b"hello")),
     r"weights.npz' is not a weights file saved by save_weights: it is not an .npz archive"),
    (lambda p: write_npz(p, **good_fields() | dict(W0=np.ones((2, 4)))),
     r"mismatched layer sizes, the file says \[3, 2\] but its weights have sizes \[4, 2\]"),
    (lambda p: write_npz(p, **good_fields() | dict(b0=np.ones(5))),
     r"inconsistent weights: mismatched layer sizes: b\[0\] has shape \(5,\)"),
    (lambda p: write_npz(p, **{k: v for k, v in good_fields().items() if k != "b0"}),
     r"inconsistent weights: its sizes \[3, 2\] need the arrays W0, b0, but it holds W0$"),
    (lambda p: write_npz(p, **good_fields() | dict(activation=np.array("swish"))),
     "unknown activation 'swish'"),
    (lambda p: write_npz(p, **good_fields() | dict(W0=np.array([[np.nan, 0, 0]] * 2))),
     "W\\[0\\] must be finite"),
    (lambda p: write_npz(p, **good_fields() | dict(W0=np.array([None] * 6).reshape(2, 3))),
     "damaged .*allow_pickle=False"),
])
def test_foreign_or_inconsistent_files_get_a_clear_error(tmp_path, contents, message):
    path = contents(tmp_path / "weights.npz")
    with pytest.raises(ValueError, match=message):
        load_saved(path)


def test_a_failed_save_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = saved(tmp_path)
    before = path.read_bytes()

    def interrupted(file, **arrays):
        file.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_weights(Network([5, 5]), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["weights.npz"]
    assert isinstance(load_saved(path).network, Network)


def test_saving_refuses_a_custom_activation(tmp_path):
    network = Network([2, 2], Activation("mine", sigmoid, sigmoid_prime))
    with pytest.raises(ValueError, match="stores the activation by name"):
        save_weights(network, tmp_path / "w.npz")


def a_history(stopped=None):
    records = [EpochRecord(0, 2.5, None, 0.0), EpochRecord(1, 0.5, 0.875, 0.25)]
    return History(records, stopped, blas_threads=1)


@pytest.mark.parametrize("stopped", [None, "Training stopped in epoch 2 of 3: ..."])
def test_a_history_and_a_note_are_saved_with_the_weights(tmp_path, stopped):
    network = Network([64, 16, 10], "tanh", "cross_entropy", seed=3)
    path = tmp_path / "weights.npz"
    save_weights(network, path, a_history(stopped), note="trained by hand")
    saved = load_saved(path)
    assert saved.history == a_history(stopped) and saved.note == "trained by hand"
    for got, expected in zip(weights(saved.network), weights(network), strict=True):
        np.testing.assert_array_equal(got, expected)
    assert load_saved(saved_path := plain_file(tmp_path)).history is None
    assert load_saved(saved_path).note is None


def plain_file(tmp_path):
    return saved(tmp_path, name="plain.npz")


def test_an_inconsistent_history_gets_a_clear_error(tmp_path):
    path = tmp_path / "weights.npz"
    save_weights(Network([3, 2]), path, a_history())
    with np.load(path) as archive:
        fields = dict(archive)
    write_npz(path, **fields | dict(history_cost=np.ones(3)))
    with pytest.raises(ValueError, match=r"inconsistent training history: its columns epoch, "
                                         r"cost, test_accuracy, seconds must be 1-D and equally "
                                         r"long, got shapes \(2,\), \(3,\)"):
        load_saved(path)
    del fields["history_stopped"]
    write_npz(path, **fields)
    with pytest.raises(ValueError, match="inconsistent training history: 'history_stopped'"):
        load_saved(path)


def test_saving_refuses_something_else_as_history(tmp_path):
    with pytest.raises(TypeError, match="history must be a History from sgd, got list"):
        save_weights(Network([3, 2]), tmp_path / "w.npz", history=[])


def test_archive_entries_are_plain_arrays(tmp_path):
    path = saved(tmp_path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == sorted(
            f"{name}.npy" for name in ("format", "sizes", "activation", "cost",
                                       "W0", "b0", "W1", "b1"))

# a_history() as save_weights stores it: one array per EpochRecord field (a missing test
# accuracy as nan), then stopped ("" for None) and blas_threads (0 for unknown)
HISTORY_FIELDS = dict(
    history_epoch=np.array([0, 1]), history_cost=np.array([2.5, 0.5]),
    history_test_accuracy=np.array([np.nan, 0.875]), history_seconds=np.array([0.0, 0.25]),
    history_stopped=np.array(""), history_blas_threads=np.array(1),
)


def history_fields(**changes):
    network = Network([3, 4, 2])
    fields = good_fields(network) | dict(W1=network.W[1], b1=network.b[1])
    fields |= HISTORY_FIELDS  # a_history() as save_weights stores it
    return fields | changes


@pytest.mark.parametrize(("fields", "message"), [
    (history_fields(sizes=np.array([3, 4])),
     r"its sizes \[3, 4\] need the arrays W0, b0, but it holds W0, W1, b0, b1"),
    (history_fields(W0=np.ones((4, 3)) + 1j), "W0 must hold real numbers, got values of type "
                                               "complex128"),
    (history_fields(b1=np.array([True, False])), "b1 must hold real numbers"),
    (history_fields(history_cost=np.array([2.5, np.nan])),
     r"the cost of epoch 1 must be a finite number, 0 or more, got nan"),
    (history_fields(history_cost=np.array([2.5, -1.0])), "the cost of epoch 1 must be"),
    (history_fields(history_test_accuracy=np.array([np.nan, 7.0])),
     "the test accuracy of epoch 1 must be between 0 and 1, got 7.0"),
    (history_fields(history_epoch=np.array([0, 2])),
     r"epochs must count 0, 1, 2, ..., got \[0, 2\]"),
    (history_fields(history_seconds=np.array([0.0, np.inf])), "the seconds of epoch 1 must be"),
])
def test_a_saved_file_that_is_almost_right_is_refused(tmp_path, fields, message):
    path = write_npz(tmp_path / "weights.npz", **fields)
    before = path.read_bytes()
    with pytest.raises(ValueError, match=message):
        load_saved(path)
    assert path.read_bytes() == before


def test_the_almost_right_fields_are_right_as_they_stand(tmp_path):
    saved = load_saved(write_npz(tmp_path / "weights.npz", **history_fields()))
    assert saved.network.sizes == [3, 4, 2] and saved.history == a_history()


def test_a_header_claiming_a_huge_array_is_damaged_not_a_memory_error(tmp_path):
    path = write_npz(tmp_path / "weights.npz", **good_fields())
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    huge = b"(99999999999999,)"  # 728 TiB of float64, in place of (2, 3); the header keeps
    members["W0.npy"] = members["W0.npy"].replace(  # its length, losing some of its padding
        b"(2, 3), }" + b" " * (len(huge) - 6), huge + b", }", 1)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match=r"weights\.npz' is damaged: an array in it claims more "
                                         r"memory than this computer has"):
        load_saved(path)


def test_temporary_files_of_a_killed_save_are_removed_once_stale(tmp_path):
    old = tmp_path / "tiny-synthetic.npz.0123abcd.tmp"
    fresh = tmp_path / "tiny-synthetic.npz.89abcdef.tmp"  # perhaps another notebook's, running
    for path in (old, fresh):
        path.write_bytes(b"PK\x03\x04 half an archive")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    train_or_load(TINY, blobs(), tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["tiny-synthetic.npz", fresh.name]


def test_an_unknown_thread_count_is_loaded_back_as_unknown(tmp_path):
    path = tmp_path / "weights.npz"
    history = dataclasses.replace(a_history(), blas_threads=None)
    save_weights(Network([3, 2]), path, history)
    assert load_saved(path).history.blas_threads is None


def test_what_a_killed_save_leaves_is_what_verify_and_the_next_save_look_for(tmp_path,
                                                                               monkeypatch):
    monkeypatch.setattr(os, "replace", lambda source, target: None)  # killed before the rename
    save_weights(Network([2, 1], seed=0), tmp_path / "tiny-embedded.npz")
    left = list(tmp_path.iterdir())
    assert len(left) == 1 and left[0].name.startswith("tiny-embedded.npz.")
    assert leftovers(tmp_path, temporary_pattern()) == left
    assert leftovers(tmp_path, temporary_pattern(re.escape("tiny-embedded.npz"))) == left
    assert leftovers(tmp_path, temporary_pattern(re.escape("tiny-mnist.npz"))) == []
