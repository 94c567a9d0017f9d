"""Pixel transforms and statistics of the `lenet5` report (inverse images, pixel mean/std)."""

import numpy as np

_CHUNK = 1 << 22


def to_float(x):
    """Returns images as float32 in [0, 1]: uint8 pixels are divided by 255, floats are kept.

    Args:
        x: uint8 images, or floating images already in [0, 1].
    """
    if x.dtype == np.uint8:
        return x.astype(np.float32) / np.float32(255)
    return x.astype(np.float32, copy=False)


def inverse(x):
    """The inverse image 1 − x of report `lenet5` (white digits become black on white).

    uint8 images map to 255 − x, which is the same image as 1 − x/255 without leaving uint8;
    floating images are taken to lie in [0, 1] and map to 1 − x in their own dtype.

    Args:
        x: uint8 or floating image array of any shape.

    Raises:
        TypeError: for any other dtype, whose pixel range would be a guess.
    """
    if x.dtype == np.uint8:
        return np.subtract(np.uint8(255), x)
    if np.issubdtype(x.dtype, np.floating):
        return np.subtract(x.dtype.type(1), x)
    raise TypeError(f"inverse expects uint8 or floating images, got {x.dtype}")


def pixel_stats(x, per_channel=False):
    """Mean and standard deviation of pixel values after /255 (table `mnist_stats` of `lenet5`).

    The standard deviation is the population one (ddof=0). uint8 images are divided by 255;
    floating images are taken to be in [0, 1] already.

    Args:
        x: images of shape (..., C).
        per_channel: if True, one (mean, std) per channel (last axis), as arrays of shape (C,).

    Returns:
        (mean, std) as float64 scalars, or float64 arrays of shape (C,) with `per_channel`.
    """
    channels = x.reshape(-1, x.shape[-1]) if per_channel else x.reshape(-1, 1)
    stats = np.array([_mean_std(channels[:, c]) for c in range(channels.shape[1])])
    if per_channel:
        return stats[:, 0], stats[:, 1]
    return float(stats[0, 0]), float(stats[0, 1])


def _mean_std(values):
    if values.dtype == np.uint8:
        # A 256-bin histogram gives exact statistics without a float64 copy of every pixel
        # (370 MB for the MNIST train set, 1.2 GB for CIFAR-10); bincount widens its input to
        # int64, hence the chunks.
        counts = sum(
            np.bincount(values[start : start + _CHUNK], minlength=256)
            for start in range(0, len(values), _CHUNK)
        )
        levels = np.arange(256) / 255.0
        mean = counts @ levels / counts.sum()
        return mean, np.sqrt(counts @ (levels - mean) ** 2 / counts.sum())
    return values.mean(dtype=np.float64), values.std(dtype=np.float64)
