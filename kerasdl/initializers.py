"""PyTorch's default initialisation of `Conv2d` and `Linear` as a Keras initializer (report
`classifiers`, q6: the course's `vgg.py` trains its networks from PyTorch's defaults).

`torch.nn.Linear` and `torch.nn.ConvNd` call `kaiming_uniform_(weight, a=sqrt(5))`, whose bound is
gain * sqrt(3 / fan_in) with gain = sqrt(2 / (1 + a^2)) = sqrt(1 / 3), i.e. 1 / sqrt(fan_in); their
bias is drawn from the same U(-1/sqrt(fan_in), +1/sqrt(fan_in)), with the weight's fan_in. So both
are `FanInUniform`: the kernel's fan_in is read from its shape, the bias's must be given.
"""

from __future__ import annotations

import math
import random

import keras

from kerasdl.validation import check_positive


def fan_in_of(shape) -> int:
    """The fan_in of a Keras kernel of `shape`: the product of every axis but the last (the output
    units): input units for `Dense` ((in, out)), in_channels x kernel height x kernel width for
    `Conv2D` ((kh, kw, in, out), whatever its `data_format`: Keras keeps one kernel layout).

    Raises:
        ValueError: for a shape of fewer than 2 axes (a bias: its layer's fan_in is not in it).
    """
    shape = tuple(int(d) for d in shape)
    if len(shape) < 2:
        raise ValueError(
            f"a weight of shape {shape} has no fan_in in its shape (a bias?): give the layer's fan_in, "
            "FanInUniform(fan_in=...), e.g. kerasdl.initializers.fan_in_of(kernel_shape)"
        )
    return math.prod(shape[:-1])


def conv_fan_in(in_channels: int, kernel_size) -> int:
    """The fan_in of a convolution: in_channels x the product of its kernel size (an int for a
    square kernel, or one per spatial axis)."""
    sizes = (kernel_size,) * 2 if isinstance(kernel_size, int) else tuple(kernel_size)
    return int(in_channels) * math.prod(int(k) for k in sizes)


@keras.saving.register_keras_serializable(package="kerasdl")
class FanInUniform(keras.initializers.Initializer):
    """U(-1/sqrt(fan_in), +1/sqrt(fan_in)): PyTorch's default for the weight and the bias of
    `Conv2d` and `Linear` (report `classifiers`, q6; see the module docstring).

    Args:
        fan_in: the layer's fan_in. None (the default) reads it from the shape of the weight
            being drawn (`fan_in_of`), which works for kernels only: a bias's shape is its output
            units, so a bias initializer needs `fan_in` given (`fan_in_of(kernel.shape)`, or
            `conv_fan_in(in_channels, kernel_size)`).
        seed: an int or a `keras.random.SeedGenerator`, as Keras's random initializers take; None
            draws from Keras's global seed (`keras.utils.set_random_seed`).

    Registered as `kerasdl>FanInUniform`; `kernel_initializer="kerasdl>FanInUniform"` works by name.

    Example:
    >>> dense = keras.layers.Dense(10, kernel_initializer=FanInUniform(), bias_initializer=FanInUniform(fan_in=64))
    """

    def __init__(self, fan_in=None, seed=None):
        self.fan_in = None if fan_in is None else int(check_positive("fan_in", fan_in))
        self._init_seed = seed
        if seed is None:  # as Keras's random initializers: one draw of Python's seeded generator
            seed = random.randint(1, 10**9)
        elif isinstance(seed, dict):
            seed = keras.saving.deserialize_keras_object(seed)
        elif not isinstance(seed, (int, keras.random.SeedGenerator)):
            raise ValueError(f"`seed` must be an int or a keras.random.SeedGenerator, got {seed!r}")
        self.seed = seed

    def bound(self, shape) -> float:
        """1 / sqrt(fan_in) for a weight of `shape`."""
        return 1.0 / math.sqrt(self.fan_in if self.fan_in is not None else fan_in_of(shape))

    def __call__(self, shape, dtype=None):
        limit = self.bound(shape)
        return keras.random.uniform(shape, minval=-limit, maxval=limit, seed=self.seed, dtype=dtype)

    def get_config(self):
        return {"fan_in": self.fan_in, "seed": keras.saving.serialize_keras_object(self._init_seed)}


def torch_defaults(fan_in: int) -> dict:
    """`kernel_initializer` and `bias_initializer` of a layer of `fan_in`, as PyTorch initialises
    it: `keras.layers.Conv2D(8, 3, **torch_defaults(conv_fan_in(3, 3)))`."""
    return {"kernel_initializer": FanInUniform(), "bias_initializer": FanInUniform(fan_in=fan_in)}


__all__ = ["FanInUniform", "conv_fan_in", "fan_in_of", "torch_defaults"]
