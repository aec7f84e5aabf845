"""What every loader returns: a labelled dataset, split into train and test.

Examples are rows (see bp_helpers): X_train has shape (n_train, n_inputs),
y_train shape (n_train,) with class labels 0..9. Arrays are read-only, so
loaders can cache them and hand the same arrays to every caller.
"""

from dataclasses import dataclass

import numpy as np

from bp_helpers.validate import as_float


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """Train and test examples (rows of X) with their labels y.

    source says where the data came from, description says so in one
    sentence for a learner.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    source: str
    description: str

    @classmethod
    def split(cls, X, y, test_size, seed, source, description):
        """Keep a fraction test_size of every class for testing, drawn with `seed`.

        X has shape (n, n_inputs), y shape (n,). The four arrays returned are
        read-only copies, their rows shuffled so no slice is sorted by label.
        """
        train, test = stratified_split(y, test_size, seed)
        return cls(
            X_train=read_only_array(X[train]),
            y_train=read_only_array(y[train]),
            X_test=read_only_array(X[test]),
            y_test=read_only_array(y[test]),
            source=source,
            description=description,
        )

    def __repr__(self):
        arrays = ", ".join(
            f"{name}: {value.shape} {value.dtype}"
            for name, value in vars(self).items()
            if isinstance(value, np.ndarray)
        )
        return f"{type(self).__name__}(source={self.source!r}, {arrays})"


def stratified_split(y, test_size, seed):
    """Indices (train, test) that keep round(test_size * count) of every class for testing.

    y holds the labels, shape (n,); seed is an int or a numpy.random.Generator.
    Both index arrays are shuffled.
    """
    test_size = as_float("test_size", test_size)
    if not 0 < test_size < 1:
        raise ValueError(
            f"test_size is the fraction of examples kept for testing, "
            f"between 0 and 1; got {test_size}"
        )
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        n_test = round(test_size * len(members))
        test.append(members[:n_test])
        train.append(members[n_test:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def read_only_array(array):
    """Mark a freshly made array read-only and return it."""
    array.flags.writeable = False
    return array
