"""OverlappingMaxPool2D (report `convnet_tricks`, 2.3.2) against a NumPy reference of Torch7's
SpatialMaxPooling(k, k, s, s, pad, pad)."""

import keras
import numpy as np
import pytest

from kerasdl.layers import OverlappingMaxPool2D

pytestmark = pytest.mark.layers


def reference_max_pool(x, pool_size, strides, padding):
    """Channels-last Torch7 max pooling by explicit windows: -inf padding, floored output size."""
    batch, rows, cols, channels = x.shape
    padded = np.full((batch, rows + 2 * padding, cols + 2 * padding, channels), -np.inf, x.dtype)
    padded[:, padding : padding + rows, padding : padding + cols] = x
    out_rows = (rows + 2 * padding - pool_size) // strides + 1
    out_cols = (cols + 2 * padding - pool_size) // strides + 1
    out = np.empty((batch, out_rows, out_cols, channels), x.dtype)
    for i in range(out_rows):
        for j in range(out_cols):
            window = padded[:, i * strides : i * strides + pool_size, j * strides : j * strides + pool_size]
            out[:, i, j] = window.max(axis=(1, 2))
    return out


@pytest.mark.parametrize(
    "size, pool_size, strides, padding",
    [(24, 3, 2, 1), (8, 3, 2, 1), (7, 3, 2, 1), (5, 3, 2, 1), (9, 2, 2, 0), (10, 5, 3, 2)],
)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_matches_torch(size, pool_size, strides, padding, data_format):
    # Negative inputs: a padded -inf must never win, a 0 padding would.
    x = -np.random.default_rng(0).random((2, size, size + 1, 3)).astype("float32")
    expected = reference_max_pool(x, pool_size, strides, padding)
    layer = OverlappingMaxPool2D(pool_size, strides=strides, padding=padding, data_format=data_format)
    if data_format == "channels_first":
        y = np.asarray(layer(x.transpose(0, 3, 1, 2))).transpose(0, 2, 3, 1)
        assert layer.compute_output_shape(x.transpose(0, 3, 1, 2).shape) == expected.transpose(0, 3, 1, 2).shape
    else:
        y = np.asarray(layer(x))
        assert layer.compute_output_shape(x.shape) == expected.shape
    np.testing.assert_array_equal(y, expected)


def test_report_sizes():
    # 24 -> 12 and 8 -> 4 on MNIST: the sizes of the 2x2 pooling it replaces.
    layer = OverlappingMaxPool2D(3, strides=2, padding=1)
    assert layer.compute_output_shape((None, 24, 24, 32)) == (None, 12, 12, 32)
    assert layer.compute_output_shape((None, 8, 8, 64)) == (None, 4, 4, 64)
    assert layer.compute_output_shape((None, None, 8, 64)) == (None, None, 4, 64)


def test_gradient_reaches_the_maximum_only():
    x = keras.Variable(np.arange(16, dtype="float32").reshape(1, 4, 4, 1))
    import tensorflow as tf

    with tf.GradientTape() as tape:
        y = keras.ops.sum(OverlappingMaxPool2D(3, strides=2, padding=1)(x))
    grad = np.asarray(tape.gradient(y, x.value))[0, :, :, 0]
    # Windows rows/cols {-1,0,1} and {1,2,3}: maxima at (1,1), (1,3), (3,1), (3,3).
    expected = np.zeros((4, 4), "float32")
    expected[[1, 1, 3, 3], [1, 3, 1, 3]] = 1
    np.testing.assert_array_equal(grad, expected)


def test_config_round_trip():
    layer = OverlappingMaxPool2D(5, strides=3, padding=2, data_format="channels_first", name="pool")
    clone = OverlappingMaxPool2D.from_config(layer.get_config())
    assert (clone.pool_size, clone.strides, clone.padding, clone.data_format) == (5, 3, 2, "channels_first")
    assert clone.name == "pool"


def test_keras_file_round_trip(tmp_path):
    inputs = keras.Input((8, 8, 2))
    model = keras.Model(inputs, OverlappingMaxPool2D()(inputs))
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    x = np.random.default_rng(1).normal(size=(3, 8, 8, 2)).astype("float32")
    np.testing.assert_array_equal(loaded(x), model(x))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"pool_size": 0},
        {"pool_size": 2.0},
        {"strides": True},
        {"padding": -1},
        {"pool_size": 3, "padding": 3},
        {"data_format": "NCHW"},
    ],
)
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        OverlappingMaxPool2D(**kwargs)


def test_numpy_integers_accepted():
    layer = OverlappingMaxPool2D(np.int64(3), strides=np.int32(2), padding=np.int8(1))
    assert (layer.pool_size, layer.strides, layer.padding) == (3, 2, 1)
    assert all(type(v) is int for v in (layer.pool_size, layer.strides, layer.padding))
