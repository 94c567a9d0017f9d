"""Subsets of a data set: the validation hold-out of report `classifiers`, and size limits."""

import dataclasses

import numpy as np


def validation_split(x, y, fraction=0.1, seed=0):
    """Holds out a random `fraction` of a training set as validation (`classifiers` Q4/Q5: 1/10).

    The held-out examples are chosen by a seeded permutation, so the split is the same on every
    run; both parts keep the original order of their examples.

    Args:
        x, y: training inputs and labels, of equal length.
        fraction: share of examples held out, rounded to a whole number of examples.
        seed: seed of the NumPy generator choosing the examples.

    Returns:
        (x_train, y_train, x_val, y_val).

    Raises:
        ValueError: lengths differ, or the fraction leaves either part empty.
    """
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} examples but y has {len(y)}")
    n_val = round(len(x) * fraction)
    if not 0 < n_val < len(x):
        raise ValueError(f"fraction {fraction} of {len(x)} examples leaves an empty part")
    order = np.random.default_rng(seed).permutation(len(x))
    val, train = np.sort(order[:n_val]), np.sort(order[n_val:])
    return x[train], y[train], x[val], y[val]


def limit(dataset, n_train=None, n_test=None):
    """The first `n_train` train and `n_test` test examples (None keeps a split whole).

    For the smoke and fast profiles; `source` records the cut so that tables printed from it say so.
    """
    if n_train is None and n_test is None:
        return dataset
    x_train, y_train = dataset.x_train[:n_train], dataset.y_train[:n_train]
    x_test, y_test = dataset.x_test[:n_test], dataset.y_test[:n_test]
    return dataclasses.replace(
        dataset,
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        source=f"{dataset.source}, first {len(x_train)} train / {len(x_test)} test",
    )
