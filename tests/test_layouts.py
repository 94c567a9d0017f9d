"""Every layer of the reports gives the same numbers, values and gradients, in both data formats,
whether or not TensorFlow's oneDNN ops are on (CI runs this file with each setting)."""

import numpy as np
import pytest
import tensorflow as tf

from kerasdl.layers import InverseInvariant, LpPool2D, OverlappingMaxPool2D, SubtractiveNormalization

pytestmark = pytest.mark.layers

LAYERS = {
    "lp_pool_p2_gaussian": lambda fmt: LpPool2D(2, pool_size=3, strides=2, data_format=fmt),
    "lp_pool_p4_uniform_valid": lambda fmt: LpPool2D(4, 2, 2, kernel="uniform", padding="valid", data_format=fmt),
    "lp_pool_p1": lambda fmt: LpPool2D(1, data_format=fmt),
    "lp_pool_p_minus_1": lambda fmt: LpPool2D(-1, data_format=fmt),
    "lp_pool_p_inf": lambda fmt: LpPool2D(float("inf"), data_format=fmt),
    "lp_pool_p2_5": lambda fmt: LpPool2D(2.5, data_format=fmt),
    "subtractive_normalization": lambda fmt: SubtractiveNormalization(7, data_format=fmt),
    "overlapping_max_pool": lambda fmt: OverlappingMaxPool2D(3, 2, 1, data_format=fmt),
}


def _value_and_gradient(layer, x, channels_first=False):
    """The layer's output and the gradient of a weighted sum of it, both channels-last."""
    x = tf.constant(x.transpose(0, 3, 1, 2) if channels_first else x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        if channels_first:
            y = tf.transpose(y, (0, 2, 3, 1))
        # A non-uniform upstream gradient, so every output position matters.
        weights = tf.cast(tf.reshape(tf.range(tf.size(y)) % 7, tf.shape(y)), y.dtype)
        loss = tf.reduce_sum(y * weights)
    gradient = tape.gradient(loss, x).numpy()
    return y.numpy(), gradient.transpose(0, 2, 3, 1) if channels_first else gradient


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_channels_first_equals_channels_last(name):
    x = np.random.default_rng(3).normal(size=(2, 12, 10, 5)).astype("float32")
    last, last_grad = _value_and_gradient(LAYERS[name]("channels_last"), x)
    first, first_grad = _value_and_gradient(LAYERS[name]("channels_first"), x, channels_first=True)
    np.testing.assert_array_equal(first, last)
    np.testing.assert_array_equal(first_grad, last_grad)


def test_inverse_invariant_any_layout():
    x = np.random.default_rng(4).random((2, 3, 6, 6)).astype("float32")
    np.testing.assert_allclose(InverseInvariant()(x), InverseInvariant()(1 - x), atol=1e-7)
