"""Keras callbacks of the reports.

`LearningRateLog` records the learning rate of every epoch in the training history, so a
scheduled run's curves can show its rate beside its accuracy (report `lenet5`: its scheduled
settings and the rate panel of its per-setting curves). Pass it in `callbacks` to `model.fit` or
to `kerasdl.runner.fit`. It is registered for Keras serialization (`kerasdl>LearningRateLog`), so
a saved list of callbacks restores it once `kerasdl.callbacks` is imported.

`BestValidationRestore` ends training with the parameters of the epoch with the best validation
accuracy, as report `classifiers`' starter Solver does.
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


@keras.saving.register_keras_serializable(package="kerasdl")
class BestValidationRestore(keras.callbacks.Callback):
    """Keeps the weights of the epoch with the strictly best `monitor` (higher is better) and puts
    them back when training ends (report `classifiers`: the starter's `solver.py` swaps its
    best-validation parameters into the model after its last epoch).

    Unlike `keras.callbacks.EarlyStopping(restore_best_weights=True)`, it never stops training and
    always restores, also when the last epoch is not the best; a later epoch replaces the kept
    weights only when it is strictly better (the Solver's `val_acc > best_val_acc`). After
    training, `best_epoch` is the 0-based index of the epoch restored and `best` its value (None
    and -inf if no epoch logged `monitor`).

    Args:
        monitor: the logged metric to maximise, `"val_accuracy"` by default.
    """

    def __init__(self, monitor="val_accuracy"):
        super().__init__()
        self.monitor = monitor
        self.best, self.best_epoch, self._weights = float("-inf"), None, None

    def on_train_begin(self, logs=None):
        self.best, self.best_epoch, self._weights = float("-inf"), None, None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is not None and float(value) > self.best:
            self.best, self.best_epoch = float(value), epoch
            self._weights = self.model.get_weights()

    def on_train_end(self, logs=None):
        if self._weights is not None:
            self.model.set_weights(self._weights)

    def get_config(self):
        return {"monitor": self.monitor}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
