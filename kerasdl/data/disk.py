"""The synthetic disk data set of report `scratch_mlp`."""

import numpy as np

from kerasdl.data.dataset import Dataset

# The disk's area π r² is then exactly 1/2 of the unit square: the two classes are balanced.
RADIUS = 1 / np.sqrt(2 * np.pi)
CENTRE = (0.5, 0.5)


def disk(n, seed):
    """Draws `n` points uniform in [0, 1]², labelled 1 inside the disk of report `scratch_mlp`.

    The disk has radius 1/√(2π) and centre (0.5, 0.5).

    Args:
        n: number of points.
        seed: anything `np.random.default_rng` accepts (an int, a `SeedSequence`).

    Returns:
        (x, y): float32 points of shape (n, 2) and int64 labels of shape (n,), 1 inside, 0 outside.
    """
    x = np.random.default_rng(seed).uniform(0.0, 1.0, size=(n, 2)).astype(np.float32)
    # Labelled from the float32 points returned, so that a point and its label always agree.
    inside = np.sum((x - np.float32(CENTRE)) ** 2, axis=1) < RADIUS**2
    return x, inside.astype(np.int64)


def disk_dataset(n_train=1000, n_test=1000, seed=0):
    """The train and test sets of `scratch_mlp` (1000 points each), drawn independently from `seed`.

    Returns:
        A `Dataset` named `disk` with 2 classes and source `generated`.
    """
    train_seed, test_seed = np.random.SeedSequence(seed).spawn(2)
    x_train, y_train = disk(n_train, train_seed)
    x_test, y_test = disk(n_test, test_seed)
    return Dataset(x_train, y_train, x_test, y_test, source="generated", name="disk", num_classes=2)
