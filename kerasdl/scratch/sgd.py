"""Mini-batch SGD with the four learning-rate options of report `scratch_mlp` (section 2.5)."""

import keras
import tensorflow as tf

from kerasdl.validation import check_choice, check_positive

_DECAY_PER = ("epoch", "step")


class SGD:
    """`w <- w - lr_i * dL/dw` for every parameter of a scratch model (report `scratch_mlp`, eq. 5).

    `lr_i` is constant or one of `kerasdl.schedules`' `StepDecay`, `ExponentialDecay` and
    `TFracDecay` evaluated at `i`, the 0-based index of the current epoch or of the current step
    (the report's "i is the step or epoch" leaves it open): `decay_per` picks which. The training
    loop calls `next_epoch()` after every epoch.

    Args:
        model: a `kerasdl.scratch.Module` whose `params()` are updated.
        learning_rate: a positive float, or a `keras.optimizers.schedules.LearningRateSchedule`.
        decay_per: `"epoch"` or `"step"`, the index a schedule is called with.

    Example:
    >>> from kerasdl.schedules import TFracDecay
    >>> from kerasdl.scratch import Linear
    >>> optimizer = SGD(Linear(2, 1, seed=0), TFracDecay(0.5, 0.01))
    >>> float(optimizer.current_learning_rate())
    0.5
    """

    def __init__(self, model, learning_rate, decay_per="epoch"):
        if not isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
            try:
                learning_rate = check_positive("learning_rate", learning_rate)
            except ValueError:
                raise ValueError(
                    "`learning_rate` must be either a finite number > 0 or a "
                    f"LearningRateSchedule, got {learning_rate!r}"
                ) from None
        self.model = model
        self.learning_rate = learning_rate
        self.decay_per = check_choice("decay_per", decay_per, _DECAY_PER)
        self.iterations = tf.Variable(0, dtype=tf.int64, trainable=False, name="iterations")
        self.epochs = tf.Variable(0, dtype=tf.int64, trainable=False, name="epochs")

    def current_learning_rate(self):
        """Returns the rate the next `step()` uses, a float32 scalar tensor."""
        if isinstance(self.learning_rate, keras.optimizers.schedules.LearningRateSchedule):
            index = self.epochs if self.decay_per == "epoch" else self.iterations
            return tf.cast(self.learning_rate(index.read_value()), tf.float32)
        return tf.constant(self.learning_rate, tf.float32)

    def step(self):
        """Updates every parameter by `-lr * grad` and counts the step."""
        learning_rate = self.current_learning_rate()
        for param, grad in self.model.params():
            param.assign_sub(tf.cast(learning_rate, param.dtype) * grad)
        self.iterations.assign_add(1)

    def zero_grad(self):
        """Sets the model's parameter gradients to zero."""
        self.model.zero_grad()

    def next_epoch(self):
        """Counts one finished epoch."""
        self.epochs.assign_add(1)
