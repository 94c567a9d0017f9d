"""Torch7's local normalisations, nn.SpatialSubtractiveNormalization and
nn.SpatialDivisiveNormalization (report `convnet_tricks`: the course starter normalises its inputs
with both, a contrastive normalisation, and each ConvNet stage with the first)."""

import keras
import numpy as np
from keras import ops

from kerasdl.layers.base import SpatialLayer
from kerasdl.validation import check_int, check_positive


def _torch_gaussian_1d(size, sigma):
    # Torch's image.gaussian1D(size, sigma) with its defaults amplitude=1, mean=0.5, unnormalised.
    offsets = np.arange(1, size + 1) - (size / 2 + 0.5)
    return np.exp(-0.5 * (offsets / (sigma * size)) ** 2)


class _LocalNormalization(SpatialLayer):
    """What both of Torch7's local normalisations share: the separable Gaussian window
    (`image.gaussian1D(kernel_size, sigma)`, normalised to sum 1), zero padding, a statistic taken
    jointly over all maps, and the border correction that divides it by the same smoothing of a
    map of ones."""

    CONFIG = ("kernel_size", "sigma", "data_format")

    def __init__(self, kernel_size=7, sigma=0.25, data_format=None, **kwargs):
        super().__init__(data_format, **kwargs)
        self.kernel_size = check_int("kernel_size", kernel_size, 1)
        if self.kernel_size % 2 == 0:
            raise ValueError(f"`kernel_size` must be odd, got {kernel_size!r}")
        self.sigma = check_positive("sigma", sigma)
        taps = _torch_gaussian_1d(self.kernel_size, self.sigma)
        self._taps = taps / taps.sum()

    def _smooth(self, maps):
        """Separable Gaussian smoothing of channels-last, one-channel `maps`."""
        taps = ops.convert_to_tensor(self._taps, dtype=self.compute_dtype)
        horizontal = ops.reshape(taps, (1, self.kernel_size, 1, 1))
        vertical = ops.reshape(taps, (self.kernel_size, 1, 1, 1))
        maps = ops.conv(maps, horizontal, padding="same", data_format="channels_last")
        return ops.conv(maps, vertical, padding="same", data_format="channels_last")

    def _window(self, values):
        """`(G * mean_maps(values), G * 1)`: the Gaussian window over the mean of `values` across
        all maps, and over a map of ones (the border correction: 1 in the interior), each with one
        channel, last."""
        # The mean over the maps has one channel: moving that axis last is a reshape.
        mean = ops.expand_dims(ops.mean(values, axis=self._channel_axis), -1)
        # With static sizes this is a constant subgraph: Grappler folds it once per traced size.
        ones = ops.ones((1,) + tuple(ops.shape(mean)[1:]), dtype=mean.dtype)
        return self._smooth(mean), self._smooth(ones)

    def _over_maps(self, statistic):
        """A one-channel, channels-last `statistic` broadcastable over the input's maps."""
        return ops.expand_dims(statistic[..., 0], self._channel_axis)



@keras.saving.register_keras_serializable(package="kerasdl")
class SubtractiveNormalization(_LocalNormalization):
    """Subtracts a Gaussian-weighted local mean, taken across all feature maps, from every map.

    Torch7's `nn.SpatialSubtractiveNormalization(nInputPlane, image.gaussian1D(7))` as in the
    Torch7 supervised tutorial, which report `convnet_tricks` follows. The neighbourhood kernel
    is Torch's `image.gaussian1D(kernel_size, sigma)`: `exp(-((i - c) / (sigma * kernel_size))^2
    / 2)` at `i = 1..kernel_size`, `c = (kernel_size + 1) / 2`, so `sigma` is relative to the
    window (standard deviation `sigma * kernel_size` pixels; 1.75 for the defaults). As in Torch
    it is applied separably, a horizontal then a vertical pass, with zero padding ("same").

    Torch divides the kernel by `sum * nInputPlane` and sums the smoothed maps, i.e. it smooths
    the mean over the maps with a unit-sum kernel; this layer does exactly that. Near the borders
    the zero padding pulls that mean towards 0, so, as in Torch, it is divided by the same
    smoothing of a map of ones (1 in the interior): a constant input maps to 0 everywhere.
    Output = input - corrected mean, the mean broadcast over the maps.

    Args:
        kernel_size: the window side, an odd int >= 1 (Torch requires odd sizes).
        sigma: Torch's relative width of the Gaussian, a finite number > 0.
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()` Either way the mean map, one channel,
            is smoothed in channels-last order (a reshape, no transpose), so the layer runs on
            CPUs without NCHW convolutions and gives the same numbers in both layouts.

    Input shape:
        4D tensor `(batch, rows, cols, channels)` (`channels_last`) or
        `(batch, channels, rows, cols)` (`channels_first`).

    Output shape:
        The input shape.

    Example:

    >>> x = np.random.rand(8, 24, 24, 64).astype("float32")
    >>> SubtractiveNormalization(kernel_size=7)(x).shape
    (8, 24, 24, 64)
    """

    def call(self, inputs):
        mean, border = self._window(inputs)
        return inputs - self._over_maps(mean / border)


@keras.saving.register_keras_serializable(package="kerasdl")
class DivisiveNormalization(_LocalNormalization):
    """Divides every map by a Gaussian-weighted local standard deviation taken across all maps.

    Torch7's `nn.SpatialDivisiveNormalization(nInputPlane, image.gaussian1D(7), threshold,
    thresval)`. The course starter of report `convnet_tricks` (NYU DS-GA 1008, `1_data.lua`)
    normalises each input image with `nn.SpatialContrastiveNormalization(1, gaussian1D(7), 1)`:
    `SubtractiveNormalization` then this layer with `threshold=1`.

    The local standard deviation is Torch's: `sqrt(n * G * mean_maps(x^2))` over `n` maps, `G` the
    window of `SubtractiveNormalization` (the same separable Gaussian, zero padding), divided by
    the same smoothing of a map of ones to correct the borders (the root is not applied to the
    correction). The factor `n` is Torch's too: its window carries the 1 / nInputPlane of its
    kernel in both separable passes, which cancels in the subtractive ratio but not under the
    root (with one map, the starter's case, it is 1). Where the deviation is not above
    `threshold` it is replaced by `thresval` (Torch's `nn.Threshold`), so flat regions are left as
    they are with `threshold=thresval=1`. Output = input / that, broadcast over the maps.

    Args:
        kernel_size: the window side, an odd int >= 1 (Torch requires odd sizes).
        sigma: Torch's relative width of the Gaussian, a finite number > 0.
        threshold: the smallest standard deviation divided by, a finite number > 0 (Torch's
            default 1e-4).
        thresval: what replaces a standard deviation not above `threshold`, a finite number > 0;
            None: `threshold`, as in Torch.
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`.

    Input shape:
        4D tensor `(batch, rows, cols, channels)` (`channels_last`) or
        `(batch, channels, rows, cols)` (`channels_first`).

    Output shape:
        The input shape.

    Example:

    >>> x = np.random.rand(8, 32, 32, 1).astype("float32")
    >>> DivisiveNormalization(kernel_size=7, threshold=1)(x).shape
    (8, 32, 32, 1)
    """

    CONFIG = ("kernel_size", "sigma", "threshold", "thresval", "data_format")
    # Below this, the local mean square is taken as this: the root keeps a finite slope.
    _FLOOR = 1e-12

    def __init__(self, kernel_size=7, sigma=0.25, threshold=1e-4, thresval=None, data_format=None, **kwargs):
        super().__init__(kernel_size, sigma, data_format, **kwargs)
        self.threshold = check_positive("threshold", threshold)
        self.thresval = self.threshold if thresval is None else check_positive("thresval", thresval)

    def call(self, inputs):
        square, border = self._window(ops.square(inputs))
        maps = ops.shape(inputs)[self._channel_axis]
        std = ops.sqrt(ops.maximum(maps * square, self._FLOOR)) / border
        std = ops.where(std > self.threshold, std, self.thresval)
        return inputs / self._over_maps(std)

