"""The layers compute in channels-last (NHWC) order whatever their `data_format`.

TensorFlow's CPU kernels for convolutions exist only for NHWC unless its oneDNN ops are on
(`TF_ENABLE_ONEDNN_OPTS`, on by default only on some Intel CPUs), so a `channels_first` layer
that convolves directly fails on most CPUs. A layer with `data_format="channels_first"` moves
the channel axis last, computes, and moves it back: the same numbers in either layout, on every
device (on a GPU the two transposes cost little beside the convolutions).
"""

from keras import ops


def to_channels_last(inputs, data_format):
    """`(batch, channels, rows, cols)` -> `(batch, rows, cols, channels)` for `channels_first`."""
    return ops.transpose(inputs, (0, 2, 3, 1)) if data_format == "channels_first" else inputs


def from_channels_last(outputs, data_format):
    """The inverse of `to_channels_last`."""
    return ops.transpose(outputs, (0, 3, 1, 2)) if data_format == "channels_first" else outputs
