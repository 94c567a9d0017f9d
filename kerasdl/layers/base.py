"""What kerasdl's 2-D pooling and normalisation layers share, kept once as Keras keeps it for its
own pooling layers (`keras.layers.MaxPool2D` and its siblings share `BasePooling`)."""

import keras

from kerasdl.layers.layout import from_channels_last, to_channels_last
from kerasdl.validation import check_data_format, check_int


class SpatialLayer(keras.layers.Layer):
    """A layer on 4-D images in either layout: `data_format` (checked; default
    `keras.config.image_data_format()`), 4-D inputs, and a `get_config` of the constructor
    arguments a subclass names in `CONFIG` (each stored as an attribute of that name)."""

    CONFIG = ("data_format",)

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format)
        self.input_spec = keras.layers.InputSpec(ndim=4)

    @property
    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({name: getattr(self, name) for name in self.CONFIG})
        return config


class Pooling2D(SpatialLayer):
    """A pooling layer: square windows of `pool_size` (int >= 1) every `strides` (int >= 1),
    computed in channels-last order whatever the layout (`kerasdl.layers.layout`, the same numbers
    in both). A subclass gives `_pool(channels_last_inputs)` and `_pooled(n)`, the output size
    of an input of side `n`."""

    CONFIG = ("pool_size", "strides", "padding", "data_format")

    def __init__(self, pool_size, strides, data_format=None, **kwargs):
        super().__init__(data_format, **kwargs)
        self.pool_size = check_int("pool_size", pool_size, 1)
        self.strides = check_int("strides", strides, 1)

    def call(self, inputs):
        return from_channels_last(self._pool(to_channels_last(inputs, self.data_format)), self.data_format)

    def _pool(self, inputs):
        raise NotImplementedError

    def _pooled(self, n):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis in (1, 2) if self.data_format == "channels_last" else (2, 3):
            if shape[axis] is not None:
                shape[axis] = self._pooled(shape[axis])
        return tuple(shape)
