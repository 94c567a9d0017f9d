"""Learning-rate schedules of the reports.

The four learning-rate options of report `scratch_mlp` (constant, step, exponential and t-fraction
decay, the last two also as its Table 3 prints them, `Recursive*`) and the epoch-based multiplier schedules of report `lenet5` ("epochs 120-140 at 0.5x,
140-150 at 0.1x"). Each is a `keras.optimizers.schedules.LearningRateSchedule`: a Keras optimizer
takes it as `learning_rate`, and `kerasdl.scratch.SGD` calls it with its step index.

`scaled_schedule` and `scaled_epoch_multiplier` shrink a schedule given in a report's epochs to a
shorter run, keeping its proportions (report `lenet5`'s fast profile).
"""

import math

import keras
import tensorflow as tf
from keras import ops

from kerasdl.validation import check_int, check_number, check_positive


class _Decay(keras.optimizers.schedules.LearningRateSchedule):
    """Shared argument checks and config of the `scratch_mlp` decays."""

    def __init__(self, initial_learning_rate, decay_rate):
        self.initial_learning_rate = check_positive("initial_learning_rate", initial_learning_rate)
        self.decay_rate = check_number("decay_rate", decay_rate, 0)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_rate": self.decay_rate,
        }


@keras.saving.register_keras_serializable(package="kerasdl")
class StepDecay(_Decay):
    """Step decay: `lr0 * decay_rate ** floor(i / step_length)` (report `scratch_mlp`, `step_decay`).

    The report's printed formula is garbled (REPORTS.md); this is the standard step decay it names.

    Args:
        initial_learning_rate: lr0, a positive float.
        decay_rate: factor applied every `step_length` steps, in [0, inf).
        step_length: number of steps between two decays, a positive integer.

    Example:
    >>> round(float(StepDecay(0.1, 0.5, step_length=10)(25)), 6)
    0.025
    """

    def __init__(self, initial_learning_rate, decay_rate, step_length):
        super().__init__(initial_learning_rate, decay_rate)
        self.step_length = check_int("step_length", step_length, 1)

    def __call__(self, step):
        exponent = ops.floor(ops.cast(step, "float32") / self.step_length)
        return self.initial_learning_rate * ops.power(self.decay_rate, exponent)

    def get_config(self):
        return {**super().get_config(), "step_length": self.step_length}


@keras.saving.register_keras_serializable(package="kerasdl")
class ExponentialDecay(_Decay):
    """Exponential decay: `lr0 * exp(-decay_rate * i)` (report `scratch_mlp`, `exp_decay`).

    Unlike `keras.optimizers.schedules.ExponentialDecay` (`lr0 * rate ** (i / steps)`), the rate is
    the coefficient in the exponent, as in the report's Table 3.

    Args:
        initial_learning_rate: lr0, a positive float.
        decay_rate: the coefficient of `i` in the exponent, in [0, inf).
    """

    def __call__(self, step):
        return self.initial_learning_rate * ops.exp(-self.decay_rate * ops.cast(step, "float32"))


@keras.saving.register_keras_serializable(package="kerasdl")
class TFracDecay(_Decay):
    """t-fraction (inverse-time) decay: `lr0 / (1 + decay_rate * i)` (report `scratch_mlp`).

    Args:
        initial_learning_rate: lr0, a positive float.
        decay_rate: the coefficient of `i` in the denominator, in [0, inf).
    """

    def __call__(self, step):
        return self.initial_learning_rate / (1.0 + self.decay_rate * ops.cast(step, "float32"))


@keras.saving.register_keras_serializable(package="kerasdl")
class RecursiveExponentialDecay(_Decay):
    """`lr_{i+1} = lr_i * exp(-i * decay_rate)`, as report `scratch_mlp`'s Table 3 prints `exp_decay`.

    Unrolled from `lr_0 = lr0`: `lr_i = lr0 * exp(-decay_rate * i (i - 1) / 2)`, a Gaussian fall,
    not `ExponentialDecay`'s `lr0 * exp(-decay_rate * i)` (the usual reading of the same name).

    Args:
        initial_learning_rate: lr0, a positive float.
        decay_rate: the coefficient of `i` in each step's exponent, in [0, inf).

    Example:
    >>> round(float(RecursiveExponentialDecay(1.0, 0.5)(3)), 6)  # exp(-0.5 * (0 + 1 + 2))
    0.22313
    """

    def __call__(self, step):
        i = ops.cast(step, "float32")
        return self.initial_learning_rate * ops.exp(-self.decay_rate * i * (i - 1.0) / 2.0)


@keras.saving.register_keras_serializable(package="kerasdl")
class RecursiveTFracDecay(_Decay):
    """`lr_{i+1} = lr_i / (1 + i * decay_rate)`, as report `scratch_mlp`'s Table 3 prints `t_frac_decay`.

    Unrolled from `lr_0 = lr0`: `lr_i = lr0 / prod_{k<i} (1 + k r)`
    `= lr0 * Gamma(1/r) / (r^i * Gamma(i + 1/r))` for `r = decay_rate > 0`, computed through
    log-gamma in float64 (the product underflows to 0 within a few hundred steps at the report's
    rates). `TFracDecay` is the usual reading, `lr0 / (1 + r i)`.

    Args:
        initial_learning_rate: lr0, a positive float.
        decay_rate: r, in [0, inf); 0 keeps lr0.

    Example:
    >>> round(float(RecursiveTFracDecay(1.0, 0.5)(3)), 6)  # 1 / (1 * 1.5 * 2)
    0.333333
    """

    def __call__(self, step):
        if self.decay_rate == 0:
            return ops.convert_to_tensor(self.initial_learning_rate, "float32")
        i = tf.cast(step, tf.float64)
        r = tf.constant(self.decay_rate, tf.float64)
        log_product = i * tf.math.log(r) + tf.math.lgamma(i + 1.0 / r) - tf.math.lgamma(1.0 / r)
        return tf.cast(self.initial_learning_rate * tf.exp(-log_product), tf.float32)


@keras.saving.register_keras_serializable(package="kerasdl")
class EpochMultiplier(keras.optimizers.schedules.LearningRateSchedule):
    """Piecewise-constant multiples of a base rate by epoch (report `lenet5`).

    Epoch `e` (0-based) trains at `initial_learning_rate * multipliers[k]`, where `k` is the number
    of `boundaries` that are `<= e`, and at the plain rate before the first boundary. The lenet5
    CIFAR-10 "schedule 1" (epochs 120-140 at 0.5x, 140-150 at 0.1x) is
    `EpochMultiplier(lr, steps_per_epoch, boundaries=(120, 140), multipliers=(0.5, 0.1))`.

    Args:
        initial_learning_rate: the base rate, a positive float.
        steps_per_epoch: optimizer steps in one epoch, a positive integer.
        boundaries: increasing epoch indices at which a new multiplier starts.
        multipliers: one positive factor per boundary.
    """

    def __init__(self, initial_learning_rate, steps_per_epoch, boundaries, multipliers):
        initial_learning_rate = check_positive("initial_learning_rate", initial_learning_rate)
        steps_per_epoch = check_int("steps_per_epoch", steps_per_epoch, 1)
        boundaries, multipliers = tuple(boundaries), tuple(multipliers)
        if len(boundaries) != len(multipliers) or not boundaries:
            raise ValueError(
                "`boundaries` and `multipliers` must be non-empty and of equal length, got "
                f"{boundaries!r} and {multipliers!r}"
            )
        checked = tuple(check_int("boundaries", b, 0) for b in boundaries)
        if list(checked) != sorted(set(checked)):
            raise ValueError(
                f"`boundaries` must be strictly increasing non-negative integers, got {boundaries!r}"
            )
        self.initial_learning_rate = initial_learning_rate
        self.steps_per_epoch = steps_per_epoch
        self.boundaries = checked
        self.multipliers = tuple(check_positive("multipliers", m) for m in multipliers)

    def __call__(self, step):
        epoch = ops.floor(ops.cast(step, "float32") / self.steps_per_epoch)
        factor = ops.convert_to_tensor(1.0)
        for boundary, multiplier in zip(self.boundaries, self.multipliers):
            factor = ops.where(epoch >= boundary, multiplier, factor)
        return self.initial_learning_rate * factor

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "steps_per_epoch": self.steps_per_epoch,
            "boundaries": list(self.boundaries),
            "multipliers": list(self.multipliers),
        }


def scaled_schedule(length, boundaries, scale):
    """A schedule given in a report's epochs, scaled to a run `scale` times as long (report
    `lenet5`: its fast profile trains the 110- and 150-epoch schedules in 10-15 epochs).

    Each of `length` and `boundaries` is multiplied by `scale` and rounded half up; every phase
    keeps at least one epoch, so a run too short for the proportions still visits each rate.

    Args:
        length: the schedule's epochs in the report.
        boundaries: increasing epoch indices (in the report's epochs) where a new phase starts.
        scale: the run's epochs over the report's.

    Returns:
        `(epochs, boundaries)`: the scaled length and the scaled boundaries (a list).

    Example:
    >>> scaled_schedule(150, [120, 140], 12 / 150)
    (12, [10, 11])
    """
    half_up = lambda v: math.floor(v * scale + 0.5)  # noqa: E731
    epochs = max(half_up(length), len(boundaries) + 1)
    scaled = []
    for i, boundary in enumerate(boundaries):
        low = scaled[-1] + 1 if scaled else 1
        high = epochs - (len(boundaries) - i)
        scaled.append(min(max(half_up(boundary), low), high))
    return epochs, scaled


def scaled_epoch_multiplier(initial_learning_rate, steps_per_epoch, *, epochs, boundaries, multipliers, scale=1.0):
    """An `EpochMultiplier` schedule given in a report's epochs, scaled by `scale` with
    `scaled_schedule` (report `lenet5`'s scheduled settings, run in fewer epochs than the report's).

    Args:
        initial_learning_rate: the base rate.
        steps_per_epoch: optimizer steps in one epoch of the run.
        epochs, boundaries, multipliers: the schedule in the report's epochs (its length, the
            epochs where each multiplier starts, and the multipliers).
        scale: the run's epochs over the report's.

    Returns:
        `(epochs, schedule)`: the run's epochs and its `EpochMultiplier`.
    """
    epochs, scaled = scaled_schedule(epochs, boundaries, scale)
    return epochs, EpochMultiplier(initial_learning_rate, steps_per_epoch, scaled, multipliers)


def scaled_learning_rate(learning_rate, steps_per_epoch, *, epochs, report_epochs, schedule=None):
    """The epochs and learning rate of a setting the report trained `report_epochs` epochs, run
    for `epochs`: `learning_rate` constant without a `schedule`, else the schedule
    (`{"epochs", "boundaries", "multipliers"}` in the report's epochs) as a
    `scaled_epoch_multiplier` scaled by epochs / report_epochs (report `lenet5`'s settings).

    Returns:
        `(epochs, rate)`: the run's epochs and its learning rate (a float or a schedule).

    Example:
    >>> scaled_learning_rate(0.01, 100, epochs=10, report_epochs=80)
    (10, 0.01)
    """
    if not schedule:
        return epochs, learning_rate
    return scaled_epoch_multiplier(learning_rate, steps_per_epoch, **schedule, scale=epochs / report_epochs)
