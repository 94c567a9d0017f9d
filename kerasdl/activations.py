"""Alternatives to softmax (report `alt_softmax`, q1) and the softmax with temperature of report
`convnet_tricks` (eqs. 1.2-1.3).

Each function maps logits `x` to a probability distribution over the last axis:

    abs_max(x)          = |x| / sum |x|
    square_max(x)       = x^2 / sum x^2
    plus_one_abs_max(x) = (1 + |x|) / sum (1 + |x|)
    non_negative_max(x) = max(0, x) / sum max(0, x)
    softmax_beta(beta)  : x -> exp(-beta x) / sum exp(-beta x)

The report's formulas are undefined on rows whose denominator is zero (an all-zero row for
abs-max and square-max, an all-non-positive row for non-negative-max) and overflow for large
logits. Here such rows give the uniform distribution, and the first three ratios are evaluated on
`x / max|x|`, which leaves them unchanged (they are homogeneous), so every finite input gives a
finite distribution.
"""

import keras
from keras import ops

from kerasdl.validation import check_number


def _normalise(numerator):
    """`numerator / sum(numerator)` over the last axis; uniform where the sum is zero."""
    total = ops.sum(numerator, axis=-1, keepdims=True)
    defined = total > 0
    uniform = ops.ones_like(numerator) / ops.cast(ops.shape(numerator)[-1], numerator.dtype)
    return ops.where(defined, numerator / ops.where(defined, total, 1.0), uniform)


def _scaled(x, floor=0.0):
    """`x / m` with `m = max(floor, max|x|)` held constant: the ratios below are invariant to it."""
    scale = ops.max(ops.abs(x), axis=-1, keepdims=True)
    if floor:
        scale = ops.maximum(scale, floor)
    scale = ops.stop_gradient(ops.where(scale > 0, scale, 1.0))
    return x / scale, scale


@keras.saving.register_keras_serializable(package="kerasdl")
def abs_max(x):
    """abs-max: `|x| / sum |x|` over the last axis (report `alt_softmax`, q1.1).

    Example:
    >>> abs_max(keras.ops.convert_to_tensor([[1.0, -3.0]]))  # [[0.25, 0.75]]
    """
    x = ops.convert_to_tensor(x)
    return _normalise(ops.abs(_scaled(x)[0]))


@keras.saving.register_keras_serializable(package="kerasdl")
def square_max(x):
    """square-max: `x^2 / sum x^2` over the last axis (report `alt_softmax`, q1.2)."""
    x = ops.convert_to_tensor(x)
    return _normalise(ops.square(_scaled(x)[0]))


@keras.saving.register_keras_serializable(package="kerasdl")
def plus_one_abs_max(x):
    """plus-one-abs-max: `(1 + |x|) / sum (1 + |x|)` over the last axis (report `alt_softmax`, q1.3).

    The denominator is never zero; numerator and denominator are divided by `max(1, max|x|)`
    so that huge logits do not overflow.
    """
    x = ops.convert_to_tensor(x)
    scaled, scale = _scaled(x, floor=1.0)
    return _normalise(1.0 / scale + ops.abs(scaled))


@keras.saving.register_keras_serializable(package="kerasdl")
def non_negative_max(x):
    """non-negative-max: `max(0, x) / sum max(0, x)` over the last axis (report `alt_softmax`, q1.4).

    A row with no positive logit has no defined value in the report; it gives the uniform
    distribution here.
    """
    x = ops.convert_to_tensor(x)
    return _normalise(ops.relu(_scaled(x)[0]))


@keras.saving.register_keras_serializable(package="kerasdl")
class SoftmaxBeta:
    """Softmax with temperature, `exp(-beta x_i) / sum_k exp(-beta x_k)` (report `convnet_tricks`,
    eqs. 1.2-1.3; note the minus sign: a large logit gets a small probability for beta > 0).

    Args:
        beta: the inverse temperature, a finite non-zero number.

    Example:
    >>> layer = keras.layers.Dense(10, activation=SoftmaxBeta(2.0))
    """

    def __init__(self, beta=1.0):
        self.beta = check_number("beta", beta)
        if self.beta == 0:
            raise ValueError(f"`beta` must be non-zero (the inverse temperature), got {beta!r}")

    def __call__(self, x):
        return ops.softmax(-self.beta * ops.convert_to_tensor(x), axis=-1)

    def get_config(self):
        return {"beta": self.beta}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def softmax_beta(beta=1.0):
    """The activation `x -> softmax(-beta x)` of report `convnet_tricks`, as a `SoftmaxBeta`."""
    return SoftmaxBeta(beta)
