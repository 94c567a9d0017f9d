"""The disk data set of report scratch_mlp."""

import numpy as np
import pytest

from kerasdl.data import disk, disk_dataset


def test_points_and_labels():
    x, y = disk(500, seed=0)
    assert x.shape == (500, 2) and x.dtype == np.float32
    assert y.shape == (500,) and y.dtype == np.int64
    assert x.min() >= 0 and x.max() <= 1
    inside = (x[:, 0] - 0.5) ** 2 + (x[:, 1] - 0.5) ** 2 < 1 / (2 * np.pi)
    np.testing.assert_array_equal(y, inside)


def test_half_the_points_inside():
    # The disk's area π/(2π) is exactly 1/2; for n = 20000 the share's sampling std is 0.0035.
    _, y = disk(20_000, seed=1)
    assert y.mean() == pytest.approx(0.5, abs=0.02)


def test_seeded():
    np.testing.assert_array_equal(disk(100, seed=7)[0], disk(100, seed=7)[0])
    assert not np.array_equal(disk(100, seed=7)[0], disk(100, seed=8)[0])


def test_dataset():
    ds = disk_dataset()
    assert ds.x_train.shape == (1000, 2) and ds.x_test.shape == (1000, 2)
    assert ds.source == "generated" and ds.name == "disk" and ds.num_classes == 2
    assert ds.image_shape == (2,)
    assert not np.array_equal(ds.x_train, ds.x_test)
    np.testing.assert_array_equal(ds.x_test, disk_dataset(n_train=10).x_test)
    assert not np.array_equal(ds.x_train, disk_dataset(seed=1).x_train)
