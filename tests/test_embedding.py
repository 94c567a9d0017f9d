"""kerasdl.embedding: the seeded sample, t-SNE and the kNN score of report `lenet5`'s `tsne` table."""

import numpy as np
import pytest

from kerasdl import embedding


def clusters(classes=3, per_class=10, spread=100.0, seed=0):
    labels = np.repeat(np.arange(classes), per_class)
    points = np.column_stack([labels * spread, np.zeros(len(labels))]) + np.random.default_rng(seed).normal(size=(len(labels), 2))
    return points, labels


def test_knn_accuracy():
    points, labels = clusters()
    assert embedding.knn_accuracy(points, labels) == 1.0
    assert embedding.knn_accuracy(np.random.default_rng(1).normal(size=(300, 2)), np.repeat(np.arange(3), 100)) < 0.6


def test_knn_accuracy_leaves_each_point_out():
    # One point of class 1 inside class 0's cluster: its neighbours outvote it, it alone is wrong.
    points, labels = clusters(classes=2, per_class=10)
    labels[0] = 1
    assert embedding.knn_accuracy(points, labels) == pytest.approx(19 / 20)


def test_sample_is_seeded_ordered_and_scaled():
    x = np.arange(20 * 2 * 2, dtype=np.uint8).reshape(20, 2, 2, 1)
    y = np.arange(20) % 4
    xs, labels = embedding.sample(x, y, 5)
    again, _ = embedding.sample(x, y, 5)
    np.testing.assert_array_equal(xs, again)
    assert xs.shape == (5, 4) and xs.dtype == np.float32 and xs.max() <= 1
    first = (xs[:, 0] * 255).round().astype(int) // 4  # the index of each picked image
    assert list(first) == sorted(first) and len(set(first)) == 5
    np.testing.assert_array_equal(labels, y[first])
    # More points asked for than there are: all of them.
    assert embedding.sample(x, y, 100)[0].shape == (20, 4)


def test_tsne_separates_well_separated_classes():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 20)
    x = (rng.normal(size=(60, 64)) * 0.05 + labels[:, None]).astype("float32")
    points = embedding.tsne(x, seed=0)
    assert points.shape == (60, 2)
    np.testing.assert_allclose(points, embedding.tsne(x, seed=0))
    assert embedding.knn_accuracy(points, labels) == 1.0


def test_separability_is_sample_then_tsne_then_knn():
    rng = np.random.default_rng(1)
    y = np.repeat(np.arange(3), 15)
    x = np.clip(rng.normal(size=(45, 4, 4, 1)) * 5 + y[:, None, None, None] * 80, 0, 255).astype(np.uint8)
    points, labels, accuracy = embedding.separability(x, y, 30, seed=2)
    sampled, expected_labels = embedding.sample(x, y, 30, seed=0)
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_allclose(points, embedding.tsne(sampled, 2))
    assert accuracy == embedding.knn_accuracy(points, labels)
