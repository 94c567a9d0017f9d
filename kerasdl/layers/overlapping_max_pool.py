"""Torch7's padded, overlapping max pooling (report `convnet_tricks`, 2.3.2)."""

import math

import keras
from keras import ops

from kerasdl.layers.base import Pooling2D
from kerasdl.validation import check_int


@keras.saving.register_keras_serializable(package="kerasdl")
class OverlappingMaxPool2D(Pooling2D):
    """Torch7's `SpatialMaxPooling(k, k, s, s, pad, pad)`: max pooling whose padding never wins.

    Report `convnet_tricks`, 2.3.2, replaces 2x2 max pooling by overlapping windows: window 3,
    stride 2, padding 1. Torch pads every side with -inf and floors the output size,
    `(n + 2 * padding - pool_size) // strides + 1`: 24 -> 12 and 8 -> 4 on MNIST, the sizes of
    the 2x2 pooling it replaces. Keras's `MaxPool2D(padding="same")` pads only as much as the
    stride needs, mostly at the end, and so places the windows differently.

    Args:
        pool_size: the window side, an int >= 1.
        strides: the step between windows, an int >= 1.
        padding: pixels of -inf added on every side, an int >= 0 and < `pool_size` (Torch's
            rule: a window of padding alone would have no maximum).
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`. Either way the pooling is computed in
            channels-last order (`kerasdl.layers.layout`), with the same numbers.

    Input shape:
        4D tensor `(batch, rows, cols, channels)` (`channels_last`) or
        `(batch, channels, rows, cols)` (`channels_first`).

    Output shape:
        4D tensor in the same layout with `(n + 2 * padding - pool_size) // strides + 1` rows and
        cols.

    Example:

    >>> x = np.random.rand(8, 24, 24, 32).astype("float32")
    >>> OverlappingMaxPool2D(3, strides=2, padding=1)(x).shape
    (8, 12, 12, 32)
    """

    def __init__(self, pool_size=3, strides=2, padding=1, data_format=None, **kwargs):
        super().__init__(pool_size, strides, data_format, **kwargs)
        self.padding = check_int("padding", padding, 0)
        if self.padding >= self.pool_size:
            raise ValueError(f"`padding` must be < pool_size={self.pool_size}, got {padding!r}")

    def _pool(self, inputs):
        p = self.padding
        padded = ops.pad(inputs, [[0, 0], [p, p], [p, p], [0, 0]], constant_values=-math.inf)
        return ops.max_pool(padded, self.pool_size, self.strides, "valid", "channels_last")

    def _pooled(self, n):
        return (n + 2 * self.padding - self.pool_size) // self.strides + 1
