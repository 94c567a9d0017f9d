"""Weight penalties of the reports: signed Lp (report `alt_softmax`, q4), the elastic net
(report `convnet_tricks`, section 2.4.1) and Keras's L1/L2 by name (report `lenet5`).
"""

import keras
from keras import ops

from kerasdl.validation import check_number, check_positive


@keras.saving.register_keras_serializable(package="kerasdl")
class SignedLp(keras.regularizers.Regularizer):
    """Signed Lp penalty `sign * weight_decay * sum |w|^p` (report `alt_softmax`, q4).

    q4.1 tries p in {-1, 1, 2, 4} with `weight_decay=1e-3`; q4.2 flips the sign of the penalty
    (`L_model - L_reg`, `sign=-1`). For negative p, `|w|^p` is infinite at `w = 0`, so
    `(|w| + epsilon)^p` is used instead (for p < 0 only; p > 0 is exact).

    Args:
        p: the exponent, a finite non-zero number.
        weight_decay: the penalty's scale, >= 0 (use `sign` to subtract the penalty).
        sign: +1 adds the penalty to the loss, -1 subtracts it.
        epsilon: the guard added to `|w|` when p < 0, > 0.

    Example:
    >>> keras.layers.Dense(10, kernel_regularizer=SignedLp(p=4, weight_decay=1e-3))
    """

    def __init__(self, p=2.0, weight_decay=1e-3, sign=1, epsilon=1e-6):
        self.p = check_number("p", p)
        if self.p == 0:
            raise ValueError(f"`p` must be non-zero (|w|^0 is a constant), got {p!r}")
        self.weight_decay = check_number("weight_decay", weight_decay)
        if self.weight_decay < 0:
            raise ValueError(
                f"`weight_decay` must be >= 0 (use sign=-1 to subtract), got {weight_decay!r}"
            )
        if check_number("sign", sign) not in (1, -1):
            raise ValueError(f"`sign` must be 1 or -1, got {sign!r}")
        self.sign = int(sign)
        self.epsilon = check_positive("epsilon", epsilon)

    def __call__(self, x):
        magnitude = ops.abs(x)
        if self.p < 0:
            magnitude = magnitude + self.epsilon
        return self.sign * self.weight_decay * ops.sum(ops.power(magnitude, self.p))

    def get_config(self):
        return {
            "p": self.p,
            "weight_decay": self.weight_decay,
            "sign": self.sign,
            "epsilon": self.epsilon,
        }


@keras.saving.register_keras_serializable(package="kerasdl")
class ElasticNet(keras.regularizers.Regularizer):
    """Elastic net `lam * (l1_ratio * sum|w| + (1 - l1_ratio) * sum w^2)` (report
    `convnet_tricks`, 2.4.1: lambda scales the penalty and C, here `l1_ratio`, is the lasso
    (L1) share; the report kept C = 0, a pure L2 penalty).

    Args:
        lam: the penalty's scale, >= 0 (the report tries 0.01, 0.005, 0.001, 0.0005).
        l1_ratio: the share of the L1 term, in [0, 1].
    """

    def __init__(self, lam=1e-3, l1_ratio=0.0):
        self.lam = check_number("lam", lam, 0)
        self.l1_ratio = check_number("l1_ratio", l1_ratio, 0, maximum=1)

    def __call__(self, x):
        l1 = ops.sum(ops.abs(x))
        l2 = ops.sum(ops.square(x))
        return self.lam * (self.l1_ratio * l1 + (1.0 - self.l1_ratio) * l2)

    def get_config(self):
        return {"lam": self.lam, "l1_ratio": self.l1_ratio}


KERNEL_PENALTIES = {None: None, "l1": keras.regularizers.L1, "l2": keras.regularizers.L2}


def kernel_penalty(name, weight):
    """Keras's `L1(weight)` or `L2(weight)` for `name` `"l1"` or `"l2"`, None for None (report
    `lenet5`'s "Kernel Regularization" column: L1(0.001), L2(0.001) or None).

    Raises:
        ValueError: for any other name.
    """
    if name not in KERNEL_PENALTIES:
        raise ValueError(f"unknown kernel regularizer {name!r}; choose from: l2, l1, None")
    return KERNEL_PENALTIES[name](weight) if name else None
