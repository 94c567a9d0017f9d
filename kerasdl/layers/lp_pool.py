"""Lp pooling (Sermanet, Chintala & LeCun 2012): reports `alt_softmax` (q3) and `convnet_tricks`."""

import math
import numbers

import keras
import ml_dtypes
import numpy as np
from keras import ops

from kerasdl.layers.base import Pooling2D
from kerasdl.validation import check_choice, check_int, check_positive


def _integer_power(base, exponent):
    """`base ** exponent` by repeated squaring, for an int exponent >= 1."""
    result = None
    while exponent:
        if exponent % 2:
            result = base if result is None else result * base
        exponent //= 2
        if exponent:
            base = ops.square(base)
    return result


def gaussian_kernel(size):
    """The normalised `size`×`size` Gaussian window of Lp pooling (report `alt_softmax`, q3).

    The report takes sigma from OpenCV's rule for an unset sigma,
    `sigma = ((size - 1) * 0.5 - 1) * 0.3 + 0.8`, and evaluates the exponential directly (not
    OpenCV's fixed small-kernel tables). Taps sit at offsets `i - (size - 1) / 2`: the report's
    `center = size // 2` for odd sizes; for even sizes the window stays symmetric, as in OpenCV,
    rather than shifting half a pixel.

    Args:
        size: the window side, an int >= 1.

    Returns:
        A float64 NumPy array of shape `(size, size)` summing to 1. For `size=3` the centre, edge
        and corner are 0.27249597, 0.12475775 and 0.05711826, the values the report prints.

    Example:

    >>> gaussian_kernel(3)[1, 1]
    0.2724959...
    """
    size = check_int("size", size, 1)
    sigma = ((size - 1) * 0.5 - 1) * 0.3 + 0.8
    offsets = np.arange(size) - (size - 1) / 2
    window = np.exp(-(offsets[:, None] ** 2 + offsets[None, :] ** 2) / (2 * sigma**2))
    return window / window.sum()


@keras.saving.register_keras_serializable(package="kerasdl")
class LpPool2D(Pooling2D):
    """Lp pooling `O = (sum_window G * |I|^p)^(1/p)`, per channel.

    Sermanet, Chintala & LeCun (2012), "Convolutional Neural Networks Applied to House Numbers
    Digit Classification". Report `alt_softmax` (q3) uses a normalised 3×3 Gaussian `G` with
    stride 2 and p in {-1, 1, 2, 4}; report `convnet_tricks` uses Torch7's `SpatialLPPooling`
    (also PyTorch's `nn.LPPool2d`): an unweighted window sum of `|I|^p`, `kernel="uniform"`.
    The window sum is one depthwise convolution of `|I|^p` with `G` tiled over the channels.

    Special cases: p=1 with the Gaussian kernel is Gaussian averaging of `|I|`. As p grows, `O`
    tends to the window max of `|I|` with either kernel, from below with the Gaussian kernel (a
    weighted power mean: `G_min^(1/p) * max <= O <= max`, its weights summing to at most 1) and
    from above with the uniform one (`max <= O <= n^(1/p) * max` over a window of n inputs).
    `p=float("inf")` is max pooling of `I` (the same as the max of `|I|` after a ReLU).

    `epsilon` keeps values and gradients finite where inputs are zero, as after a ReLU:

    - p >= 1: `O = max(sum G * |I|^p, epsilon^p)^(1/p)`. The root has an infinite slope at 0;
      with the floor an all-zero window gives `O = epsilon` and a zero gradient. Where
      `epsilon^p` underflows the compute dtype (large p: p > 6 in float32 with epsilon=1e-6),
      the floor is the dtype's smallest normal number and windows whose sum falls below it give
      `O = 0`, also with a zero gradient.
    - p < 1 (the report's p=-1): `O = (sum G * (|I| + epsilon)^p)^(1/p)`, since `|I|^p` is
      infinite (p < 0) or infinitely steep (0 < p < 1) at 0. An all-zero window gives
      `O = epsilon * (sum G)^(1/p)`. `epsilon^p` must fit the compute dtype (in float32 with
      epsilon=1e-6, p >= -6), else the constructor raises.

    As with any direct evaluation, `|I|^p` must stay within the dtype's range: at p=64 in
    float32, inputs above about 4 overflow. Under a float16 or bfloat16 policy
    (`keras.mixed_precision`) the pooling is computed in float32 and its output cast back, so the
    limits above are float32's.

    Args:
        p: the exponent: a non-zero number or `float("inf")`.
        pool_size: the side of the square window, an int >= 1.
        strides: the step between windows, an int >= 1.
        kernel: `"gaussian"` (`gaussian_kernel(pool_size)`) or `"uniform"` (all ones).
        padding: `"same"` or `"valid"`, as in `keras.layers.MaxPool2D`; padded inputs count as
            zeros in the window sum.
        epsilon: the guard described above, a finite number > 0.
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()` Either way the pooling is computed in
            channels-last order (`kerasdl.layers.layout`), with the same numbers.

    Input shape:
        4D tensor `(batch, rows, cols, channels)` (`channels_last`) or
        `(batch, channels, rows, cols)` (`channels_first`); the channel count must be known.

    Output shape:
        4D tensor in the same layout with pooled rows and cols: `ceil(n / strides)` for `"same"`,
        `(n - pool_size) // strides + 1` for `"valid"`.

    Example:

    >>> x = np.random.rand(8, 28, 28, 32).astype("float32")
    >>> LpPool2D(p=2, pool_size=3, strides=2)(x).shape
    (8, 14, 14, 32)
    """

    CONFIG = ("p", "pool_size", "strides", "kernel", "padding", "epsilon", "data_format")

    def __init__(
        self,
        p=2,
        pool_size=3,
        strides=2,
        kernel="gaussian",
        padding="same",
        epsilon=1e-6,
        data_format=None,
        **kwargs,
    ):
        super().__init__(pool_size, strides, data_format, **kwargs)
        if (
            isinstance(p, bool)
            or not isinstance(p, numbers.Real)
            or math.isnan(p)
            or p == 0
            or p == -math.inf
        ):
            raise ValueError(f"`p` must be a non-zero number or float('inf'), got {p!r}")
        self.p = float(p)
        self.kernel = check_choice("kernel", kernel, ("gaussian", "uniform"))
        self.padding = check_choice("padding", padding, ("same", "valid"))
        self.epsilon = check_positive("epsilon", epsilon)
        # Half-precision policies (keras.mixed_precision) pool in float32: |I|^p and the window
        # sums leave float16's range for most p (p=-1 at epsilon 1e-6 sums 1e6), and cast back.
        self._math_dtype = "float32" if self.compute_dtype in ("float16", "bfloat16") else self.compute_dtype
        finfo = ml_dtypes.finfo(self._math_dtype)
        log_zero_window = 2 * math.log(self.pool_size) + self.p * math.log(self.epsilon)
        if self.p < 0 and log_zero_window > math.log(float(finfo.max)):
            raise ValueError(
                f"`epsilon` {epsilon!r} is too small for p={p!r} in {self._math_dtype}: "
                f"a window of zeros sums pool_size^2 * epsilon^p, which overflows"
            )
        if math.isfinite(self.p) and self.p >= 1:
            floor = math.exp(self.p * math.log(self.epsilon))
            self._flush = floor < float(finfo.tiny)
            self._floor = max(floor, float(finfo.tiny))

    def build(self, input_shape):
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(f"LpPool2D needs a known channel count, got input shape {input_shape}")
        if self.kernel == "gaussian":
            window = gaussian_kernel(self.pool_size)
        else:
            window = np.ones((self.pool_size, self.pool_size))
        # Stored as NumPy so it becomes a graph constant, neither a weight nor a saved variable.
        self._window = np.tile(window[:, :, None, None], (1, 1, channels, 1))
        self.input_spec = keras.layers.InputSpec(ndim=4, axes={self._channel_axis: channels})

    def _pool(self, inputs):
        """Lp pooling of channels-last `inputs` (see `kerasdl.layers.layout`), in `_math_dtype`."""
        return ops.cast(self._pool_in_math_dtype(ops.cast(inputs, self._math_dtype)), self.compute_dtype)

    def _pool_in_math_dtype(self, inputs):
        if self.p == math.inf:
            return ops.max_pool(inputs, self.pool_size, self.strides, self.padding, "channels_last")
        window = ops.convert_to_tensor(self._window, dtype=self._math_dtype)
        if self.p >= 1 and keras.backend.backend() == "tensorflow":
            return self._pool_with_written_gradient(inputs, window)
        total = ops.depthwise_conv(
            self._powered(inputs), window, self.strides, self.padding, "channels_last"
        )
        if self.p < 1:
            return self._root(total)
        pooled = self._root(ops.maximum(total, self._floor))
        if self._flush:
            pooled = pooled * ops.cast(total >= self._floor, pooled.dtype)
        return pooled

    def _pool_with_written_gradient(self, inputs, window):
        """The p >= 1 pooling of `call`, with its backward pass written out (TensorFlow).

        Autodiff spends its time at the input's resolution, several elementwise passes for the
        power's gradient alone. By the chain rule, dO/dI = sign(I) |I|^(p-1) * conv^T(g * O / S)
        (S the window sum, g the upstream gradient): p cancels, everything but the transposed
        convolution and one product is done at the pooled resolution, and for p=2 the factor is
        `I` itself. Values and gradients are those of the autodiff path (an all-zero window,
        S < the floor, still gets a zero gradient).
        """
        import tensorflow as tf

        strides = (1, self.strides, self.strides, 1)
        padding = self.padding.upper()

        @tf.custom_gradient
        def pool(x):
            # p=4: the backward's I^3 reuses the forward's I^2.
            square = ops.square(x) if self.p == 4 else None
            powered = ops.square(square) if self.p == 4 else self._powered(x)
            total = tf.nn.depthwise_conv2d(powered, window, strides, padding)
            floored = tf.maximum(total, self._floor)
            kept = tf.cast(total >= self._floor, floored.dtype)
            pooled = self._root(floored)
            if self._flush:
                pooled = pooled * kept

            def grad(upstream):
                scaled = upstream * (pooled / floored) * kept
                spread = tf.nn.depthwise_conv2d_backprop_input(tf.shape(x), window, scaled, strides, padding)
                return spread * (square * x if self.p == 4 else self._slope(x))

            return pooled, grad

        return pool(inputs)

    def _slope(self, inputs):
        """`sign(I) |I|^(p-1)`, the derivative of `|I|^p` divided by p (p >= 1)."""
        if self.p == 1:
            return ops.sign(inputs)
        if self.p.is_integer():
            if self.p % 2 == 0:
                return _integer_power(inputs, int(self.p) - 1)
            return inputs * _integer_power(ops.abs(inputs), int(self.p) - 2)
        return ops.sign(inputs) * ops.power(ops.abs(inputs), self.p - 1)

    def _root(self, total):
        if self.p == 1:
            return total
        if self.p == 2:
            return ops.sqrt(total)
        # total > 0 here, so exp-log is exact; it avoids TF's CPU Pow kernel, ~10x slower.
        return ops.exp(ops.log(total) / self.p)

    def _powered(self, inputs):
        if self.p < 1:
            return ops.exp(self.p * ops.log(ops.abs(inputs) + self.epsilon))
        if self.p.is_integer():
            # Even powers need no abs; products keep a finite gradient at 0, unlike exp-log.
            base = inputs if self.p % 2 == 0 else ops.abs(inputs)
            return _integer_power(base, int(self.p))
        return ops.power(ops.abs(inputs), self.p)

    def _pooled(self, n):
        if self.padding == "same":
            return -(-n // self.strides)
        return (n - self.pool_size) // self.strides + 1
