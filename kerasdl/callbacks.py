"""Keras callbacks of the reports.

`LearningRateLog` records the learning rate of every epoch in the training history, so a
scheduled run's curves can show its rate beside its accuracy (report `lenet5`: its scheduled
settings and the rate panel of its per-setting curves). Pass it in `callbacks` to `model.fit` or
to `kerasdl.runner.fit`. It is registered for Keras serialization (`kerasdl>LearningRateLog`), so
a saved list of callbacks restores it once `kerasdl.callbacks` is imported.
"""

import keras


@keras.saving.register_keras_serializable(package="kerasdl")
class LearningRateLog(keras.callbacks.Callback):
    """Adds the learning rate each epoch trained at to the history, as `learning_rate`.

    The rate is read from the optimizer when the epoch begins (the rate of its first step), so a
    schedule such as `kerasdl.schedules.EpochMultiplier` is logged at the value the epoch used, and
    a constant rate as that constant. Report `lenet5` draws it under each setting's curves.

    Example:
    >>> model.fit(x, y, epochs=3, callbacks=[LearningRateLog()]).history["learning_rate"]  # doctest: +SKIP
    [0.01, 0.01, 0.005]
    """

    def on_epoch_begin(self, epoch, logs=None):
        self._rate = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = self._rate

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
