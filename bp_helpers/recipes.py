"""Named training recipes for MNIST, and training that is done once and then loaded.

A Recipe fixes everything that decides the trained weights: the layer sizes,
activation, cost, learning rate (and when it drops), batch size, number of
epochs and seed. Lesson 5, benchmarks/bench_mnist.py and the tests share the
recipes in RECIPES:

- "sigmoid": the videos' network, 784-16-16-10, sigmoid everywhere and the
  quadratic cost, trained by plain SGD whose learning rate drops from 0.3 to
  0.1 for the last 10 of 30 epochs: 95.6% of the full MNIST test set in
  about 20 s (95.56% to 95.66% under the Haswell, SkylakeX and Sandybridge
  kernels). Without the drop it levels off near 95.2%, too close to its 95%
  target to hold on every CPU.
- "relu": one hidden layer of 256 ReLU neurons, softmax with cross-entropy,
  whose output error a - y has no sigma' factor to shrink it: 98.25% to
  98.29% in about 60 s (about 98.3% with other seeds too). Network's N(0, 1/n) weights suit
  its single ReLU layer; no special initialisation is needed.
- "videos-relu": the videos' 784-16-16-10 again, with three of the tweaks the
  videos allude to: ReLU hidden neurons, a softmax output with cross-entropy,
  and a learning rate that drops from 0.2 to 0.02 for the last 5 of 20
  epochs (a schedule): about 96% of the full test set (96.17% to 96.37% under
  the kernel sets above), as the videos say, with the same 13,002 weights and
  biases. (Other learning rates, schedules, batch sizes and seeds also land
  between 95.9% and 96.4%: 16 ReLU neurons a layer level off there.)

`train_or_load(recipe, data)` trains a recipe once and saves the weights and
the History to data/weights/<recipe>-<data source>.npz (see data_home in
bp_helpers.data.locate for installs without a clone, and cache_home for a
read-only course folder; the environment variable BP_WEIGHTS_DIR names another
folder, as the checks do to train afresh under each CPU's kernels); afterwards it loads
them, so a notebook gives the same numbers (and, through the callback, the
same curves) whether it trained or loaded.

Weights, and the History that made them, are saved as .npz archives of plain
arrays and strings (no pickle) by bp_helpers.saved (`save_weights`,
`load_saved`, re-exported here).
"""

import numbers
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bp_helpers.data.locate import cache_home, data_home, remove_leftovers, set_aside
from bp_helpers.network import Network
from bp_helpers.notices import warn
from bp_helpers.saved import WEIGHTS_FORMAT, Saved, load_saved, save_weights, temporary_pattern
from bp_helpers.training import sgd
from bp_helpers.validate import positive, whole_number

# Where trained weights are kept: $BP_WEIGHTS_DIR if set, else data/weights in a clone.
WEIGHTS_DIR = Path(os.environ.get("BP_WEIGHTS_DIR") or data_home() / "weights").expanduser()
_WORD = re.compile(r"[A-Za-z0-9_-]+")  # safe inside a file name


@dataclass(frozen=True)
class Recipe:
    """How to train one network: sizes, activation, cost, lr, batch_size, epochs, seed.

    sizes lists the neurons per layer, inputs first (a tuple, e.g.
    (784, 16, 16, 10)); activation and cost are as for Network; lr,
    batch_size and epochs as for training.sgd. seed draws both the initial
    weights and the order of the examples in every epoch. name (letters,
    digits, - and _) names the saved file; description is one sentence for
    learners. lr_drops is a schedule, pairs (epoch, lr): after that epoch
    the learning rate becomes lr (empty: lr throughout).
    """

    name: str
    sizes: tuple
    activation: str
    cost: str
    lr: float
    batch_size: int
    epochs: int
    seed: int
    description: str
    lr_drops: tuple = ()

    def __post_init__(self):
        if not isinstance(self.name, str) or not _WORD.fullmatch(self.name):
            raise ValueError(
                f"a recipe's name becomes part of a file name, so it may only hold letters, "
                f"digits, - and _; got {self.name!r}"
            )
        if isinstance(self.sizes, (str, bytes)) or not hasattr(self.sizes, "__len__"):
            raise TypeError(f"sizes must be layer sizes such as (784, 16, 16, 10), got "
                            f"{self.sizes!r}")
        object.__setattr__(self, "sizes", tuple(self.sizes))
        object.__setattr__(self, "lr", positive("lr", self.lr))
        for name in ("batch_size", "epochs"):
            whole_number(name, getattr(self, name), least=1)
        whole_number("seed", self.seed)
        self.network()  # the sizes, activation and cost make a network, or the error says why
        drops = tuple((epoch, positive("lr_drops' lr", lr)) for epoch, lr in self.lr_drops)
        after = 0
        for epoch, _ in drops:
            if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral) or not (
                    after < epoch < self.epochs):
                raise ValueError(
                    f"lr_drops must be (epoch, lr) pairs with epochs rising from 1 to "
                    f"{self.epochs - 1}, got {self.lr_drops!r}"
                )
            after = epoch
        object.__setattr__(self, "lr_drops", drops)

    def phases(self):
        """The schedule as (epochs, lr) phases, e.g. ((15, 0.1), (5, 0.02)); one without drops."""
        starts = [0] + [epoch for epoch, _ in self.lr_drops]
        ends = [*starts[1:], self.epochs]
        rates = [self.lr] + [lr for _, lr in self.lr_drops]
        return tuple((end - start, lr) for start, end, lr in zip(starts, ends, rates,
                                                                  strict=True))

    def network(self):
        """The untrained network: Network(sizes, activation, cost), weights drawn from seed."""
        return Network(self.sizes, self.activation, self.cost, seed=self.seed)

    def train(self, data, callback=None):
        """Train self.network() on data.X_train, y_train, testing on X_test, y_test.

        Returns (network, history); callback(record) runs after every epoch
        (see training.sgd, which runs the schedule: its phase p draws its
        orders of examples from seed + p).
        """
        network = self.network()
        history = sgd(network, data.X_train, data.y_train, epochs=self.epochs,
                      batch_size=self.batch_size, lr=list(self.phases()), seed=self.seed,
                      X_test=data.X_test, y_test=data.y_test, callback=callback)
        return network, history

    def file_name(self, source):
        """The saved file's name for data from `source`, e.g. "sigmoid-full.npz"."""
        if not isinstance(source, str) or not _WORD.fullmatch(source):
            raise ValueError(
                f"the data's source becomes part of a file name, so it may only hold "
                f"letters, digits, - and _; got {source!r}"
            )
        return f"{self.name}-{source}.npz"


RECIPES = {
    "sigmoid": Recipe(
        name="sigmoid", sizes=(784, 16, 16, 10), activation="sigmoid", cost="quadratic",
        lr=0.3, batch_size=10, epochs=30, seed=0, lr_drops=((20, 0.1),),
        description=(
            "The videos' network: 784 pixels, two hidden layers of 16 sigmoid neurons and "
            "10 sigmoid outputs, quadratic cost; mini-batch SGD on batches of 10 for 30 "
            "epochs, lr = 0.3 for the first 20 and 0.1 for the last 10."
        ),
    ),
    "relu": Recipe(
        name="relu", sizes=(784, 256, 10), activation="relu", cost="cross_entropy",
        lr=0.2, batch_size=32, epochs=20, seed=0,
        description=(
            "A stronger network: one hidden layer of 256 ReLU neurons and a softmax output "
            "with the cross-entropy cost; mini-batch SGD with lr = 0.2 on batches of 32 "
            "for 20 epochs."
        ),
    ),
    "videos-relu": Recipe(
        name="videos-relu", sizes=(784, 16, 16, 10), activation="relu", cost="cross_entropy",
        lr=0.2, batch_size=32, epochs=20, seed=0, lr_drops=((15, 0.02),),
        description=(
            "The videos' 784-16-16-10 network with two tweaks: ReLU hidden neurons and a "
            "softmax output with the cross-entropy cost; mini-batch SGD on batches of 32 "
            "for 20 epochs, lr = 0.2 for the first 15 and 0.02 for the last 5."
        ),
    ),
}


def train_or_load(recipe, data, weights_dir=None, callback=None):
    """(network, history) for `recipe` trained on `data`: loaded if saved before, else trained.

    recipe is a Recipe or the name of one in RECIPES. data has X_train,
    y_train, X_test, y_test and source (e.g. load_mnist()'s "full" or
    "embedded"). The file is weights_dir/<recipe name>-<data source>.npz
    (weights_dir, where ~ means the home folder, defaults to WEIGHTS_DIR, the
    clone's data/weights/). If it exists, the network and its History are
    loaded and every record is passed to callback(record), so a live plot
    draws the same curves; otherwise the recipe is trained (callback after
    every epoch) and the file saved.

    Nothing a user has is lost, and nothing ends in an error, because a
    shared read-only copy of the course (as on a JupyterHub) must work for
    every student. With the default folder, a file there that cannot be used
    (a folder that cannot be read, a file of someone else's that cannot be
    read, weights saved for another version of the recipe, a damaged file
    that cannot be moved aside) is left as it is, with a warning, and the
    network is loaded from, or trained and saved to, weights/ in the user's
    cache (locate.cache_home) instead. A damaged file is renamed to
    <name>.corrupt (never over another) and trained again. If the network
    cannot be saved anywhere, a warning says so: it is returned all the same.
    """
    recipe = _recipe(recipe)
    _check_data(data)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function of one record, got {callback!r}")
    name = recipe.file_name(data.source)
    note = _note(recipe, data)
    free = []  # folders without a file of that name: where the trained network may go
    folders = _folders(weights_dir)
    for folder in folders:
        found = _look(folder / name, recipe, note)
        if found is _FREE:
            free.append(folder)
        elif found is not _TAKEN:
            network, history = found
            if callback is not None:
                for record in history.records:
                    callback(record)
            return network, history
    network, history = recipe.train(data, callback)
    _save(network, history, note, free, name, folders[0])
    return network, history


_FREE, _TAKEN = "free", "taken"  # what _look finds when there is nothing to load


def _folders(weights_dir):
    """Where to look, in order: weights_dir; or WEIGHTS_DIR, then weights/ in the user's
    cache (for a read-only course folder; left out if the user has no home folder)."""
    if weights_dir is not None:
        if not isinstance(weights_dir, (str, os.PathLike)):
            raise TypeError(
                f"weights_dir must be a folder's path (a str or Path), got {weights_dir!r}"
            )
        return [Path(weights_dir).expanduser()]
    first = Path(WEIGHTS_DIR).expanduser()
    try:
        fallback = cache_home() / "weights"
    except RuntimeError:  # no $HOME and no home in the password database
        return [first]
    return [first] + ([fallback] if fallback != first else [])


def _look(path, recipe, note):
    """What train_or_load finds at path: (network, history) saved there for this recipe
    and data; _FREE if nothing is there (a damaged file is first moved aside); _TAKEN if
    something that cannot be used is there, left as it is with a warning."""
    leave = "it is left as it is and not used"
    try:
        judged = path.stat()
    except FileNotFoundError:
        return _FREE
    except OSError as error:
        warn(f"The saved weights {path} cannot be looked at ({error.strerror or error}), so "
             "it is not used.")
        return _TAKEN
    if stat.S_ISDIR(judged.st_mode):
        warn(f"{path} is a folder, not a weights file; {leave}.")
        return _TAKEN
    try:
        network, history, saved_note = load_saved(path)
    except OSError as error:
        warn(f"The saved weights {path} cannot be read ({error.strerror or error}); {leave}.")
        return _TAKEN
    except ValueError as error:
        try:
            aside = set_aside(path, judged)
        except OSError as move_error:
            warn(f"{error}. It could not be moved aside ({move_error.strerror or move_error}), "
                 f"so {leave}.")
            return _TAKEN
        if aside is None:  # another notebook has just saved a file there: look at that one
            return _look(path, recipe, note)
        warn(f"{error}. It was renamed to {aside} (delete that once you have looked at it), "
             f"and the {recipe.name!r} recipe is trained again.")
        return _FREE
    if history is None or saved_note is None:
        warn(f"{path} holds weights but no training history, so train_or_load did not save "
             f"it; {leave}.")
        return _TAKEN
    if saved_note != note:
        warn(f"{path} was saved for a different recipe or data set (it says '{saved_note}', "
             f"but now it is '{note}'); {leave}.")
        return _TAKEN
    return network, history


def _save(network, history, note, folders, name, first):
    """Save in the first of `folders` that can be written; warn if that is not `first`
    (the folder train_or_load looks in first), or if none can be. Returns the path, or None.
    """
    problems = []
    for folder in folders:
        remove_leftovers(folder, temporary_pattern(re.escape(name)))  # of killed saves
        try:
            folder.mkdir(parents=True, exist_ok=True)
            save_weights(network, folder / name, history, note=note)
        except OSError as error:
            problems.append(f"{folder}: {error.strerror or error}")
            continue
        if folder != first:
            why = f" ({problems[0]})" if problems else ""
            warn(f"The trained network could not be saved in {first}{why}, so it was saved to "
                 f"{folder / name} instead, where the next run will find it.")
        return folder / name
    why = f" ({'; '.join(problems)})" if problems else ", see the warning above"
    warn(f"The trained network could not be saved{why}. "
         "It works all the same in this session, but the next run will train it again.")
    return None


def _recipe(recipe):
    if isinstance(recipe, Recipe):
        return recipe
    if isinstance(recipe, str) and recipe in RECIPES:
        return RECIPES[recipe]
    raise ValueError(
        f"recipe must be a Recipe or one of {', '.join(map(repr, RECIPES))}, got {recipe!r}"
    )


def _check_data(data):
    missing = [name for name in ("X_train", "y_train", "X_test", "y_test", "source")
               if not hasattr(data, name)]
    if missing:
        raise TypeError(
            f"data must be a data set such as load_mnist() returns, with X_train, y_train, "
            f"X_test, y_test and source; {type(data).__name__} has no {', '.join(missing)}"
        )


def _note(recipe, data):
    """One line naming everything the saved weights depend on: the recipe and the data."""
    fields = (
        f"sizes={list(recipe.sizes)} activation={recipe.activation} cost={recipe.cost} "
        f"lr={recipe.lr!r} batch_size={recipe.batch_size} epochs={recipe.epochs} "
        f"seed={recipe.seed}"
    )
    if recipe.lr_drops:  # only schedules say so, so that older files still match
        fields += f" lr_drops={[list(drop) for drop in recipe.lr_drops]}"
    shapes = f"X_train {np.shape(data.X_train)}, X_test {np.shape(data.X_test)}"
    return f"recipe {recipe.name}: {fields}; data {data.source}: {shapes}"


__all__ = ["RECIPES", "WEIGHTS_DIR", "WEIGHTS_FORMAT", "Recipe", "Saved", "load_saved",
           "save_weights", "train_or_load"]
