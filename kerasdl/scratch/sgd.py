"""Mini-batch SGD with the four learning-rate options of report `scratch_mlp` (section 2.5)."""

import keras
import tensorflow as tf

from kerasdl.validation import check_positive


class SGD:
    """`w <- w - lr_i * dL/dw` for every parameter of a scratch model (report `scratch_mlp`, eq. 5).

    `lr_i` is constant or a `kerasdl.schedules` schedule (`StepDecay`, `ExponentialDecay`,
    `TFracDecay` and the `Recursive*` forms of the report's Table 3) evaluated at `i`, the 0-based
    index of the current step, as a Keras optimizer calls it. (The report's "i is the step or
    epoch" leaves the index open; the group's code counts steps.)

    Args:
        model: a `kerasdl.scratch.Module` whose `params()` are updated.
        learning_rate: a positive float, or a `keras.optimizers.schedules.LearningRateSchedule`.

    Example:
    >>> from kerasdl.schedules import TFracDecay
    >>> from kerasdl.scratch import Linear
    >>> optimizer = SGD(Linear(2, 1, seed=0), TFracDecay(0.5, 0.01))
    >>> float(optimizer.current_learning_rate())
    0.5
    """

    def __init__(self, model, learning_rate):
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
        self.iterations = tf.Variable(0, dtype=tf.int64, trainable=False, name="iterations")

    def current_learning_rate(self):
        """Returns the rate the next `step()` uses, a float32 scalar tensor."""
        if isinstance(self.learning_rate, keras.optimizers.schedules.LearningRateSchedule):
            return tf.cast(self.learning_rate(self.iterations.read_value()), tf.float32)
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
