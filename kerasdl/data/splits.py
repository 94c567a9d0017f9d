"""Subsets of a data set: the validation hold-out of report `classifiers`, size limits, the
minibatches its starter Solver draws with replacement, and the shuffled full batches of report
`alt_softmax`'s template."""

import dataclasses

import numpy as np

from kerasdl.validation import check_int


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


def batches_with_replacement(x, y, batch_size, seed):
    """A `tf.data.Dataset` of minibatches drawn with replacement, as report `classifiers`' starter
    Solver draws them (`np.random.choice(N, batch_size)` for every step of `solver.py`).

    One pass over the dataset is one epoch of the Solver: `max(N // batch_size, 1)` batches, each of
    `batch_size` indices drawn uniformly from all `N` examples, independently of every other batch
    (an example may appear twice in a batch, or in no batch of the epoch). Every new pass (every
    Keras epoch) draws new batches; the sequence of passes is fixed by `seed`.

    Args:
        x, y: inputs and labels, of equal length N > 0.
        batch_size: examples per batch, a positive integer.
        seed: integer seed of the draws.

    Returns:
        A dataset of `(x_batch, y_batch)` pairs; pass it to `model.fit` without `batch_size`.
    """
    import tensorflow as tf

    batch_size = check_int("batch_size", batch_size, 1)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} examples but y has {len(y)}")
    n = len(x)
    if n == 0:
        raise ValueError("x and y hold no examples")
    x, y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)

    @tf.autograph.experimental.do_not_convert
    def gather(draws):
        rows = tf.math.floormod(draws, n)
        return tf.gather(x, rows), tf.gather(y, rows)

    draws = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(batch_size)
    return draws.take(max(n // batch_size, 1)).map(gather).prefetch(tf.data.AUTOTUNE)


def shuffled_batches(x, y, batch_size, seed):
    """A `tf.data.Dataset` of shuffled full minibatches, as report `alt_softmax`'s course template
    (Megvii tf-tutorials `01-svhn/`) batches its training set: a shuffle over the whole set, then
    batches of `batch_size` with the remainder dropped (`drop_remainder=True`).

    One pass is one epoch: `N // batch_size` batches, each example at most once; every new pass
    (every Keras epoch) draws a new order, fixed by `seed`. The arrays stay as they are until a
    batch is gathered, so a large uint8 set (SVHN's train + extra, 1.9 GB) is never copied whole
    as floats; each batch's inputs come out as float32 in [0, 1] (`to_float`).

    Args:
        x, y: inputs and labels, of equal length N >= `batch_size`.
        batch_size: examples per batch, a positive integer.
        seed: integer seed of the order.

    Returns:
        A dataset of `(x_batch, y_batch)` pairs; pass it to `model.fit` without `batch_size`.

    Raises:
        ValueError: lengths differ, or there are fewer than `batch_size` examples.
    """
    import tensorflow as tf

    batch_size = check_int("batch_size", batch_size, 1)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} examples but y has {len(y)}")
    n = len(x)
    if n < batch_size:
        raise ValueError(f"{n} examples do not fill one batch of {batch_size}")
    scale = 1 / 255 if x.dtype == np.uint8 else 1.0
    x, y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)

    @tf.autograph.experimental.do_not_convert
    def gather(rows):
        return tf.cast(tf.gather(x, rows), tf.float32) * scale, tf.gather(y, rows)

    order = tf.data.Dataset.range(n).shuffle(n, seed=seed, reshuffle_each_iteration=True)
    return order.batch(batch_size, drop_remainder=True).map(gather).prefetch(tf.data.AUTOTUNE)
