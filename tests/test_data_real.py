"""kerasdl.data.load on the real files of ../shared/data, checked against a direct np.load."""

import numpy as np
import pytest

from kerasdl.data import load


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, file",
    [
        ("mnist", "mnist.npz"),
        ("fashion_mnist", "fashion_mnist.npz"),
        ("cifar10", "cifar10-jpeg/cifar10.npz"),
    ],
)
def test_real_files(shared_data, name, file):
    ds = load(name, shared_data)
    assert ds.source == str(shared_data / file)
    with np.load(shared_data / file) as raw:
        for key in ("x_train", "x_test"):
            np.testing.assert_array_equal(getattr(ds, key).reshape(raw[key].shape), raw[key])
        for key in ("y_train", "y_test"):
            np.testing.assert_array_equal(getattr(ds, key), raw[key].reshape(-1))
