"""kerasdl.callbacks: LearningRateLog records each epoch's rate (report `lenet5`);
BestValidationRestore ends on the best validation epoch's weights (report `classifiers`)."""

import keras
import numpy as np
import pytest

from kerasdl import schedules
from kerasdl.callbacks import BestValidationRestore, LearningRateLog


def tiny_model(rate):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(rate), loss="sparse_categorical_crossentropy")
    return model


def data(n=12):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 3)).astype("float32"), rng.integers(0, 2, n)


def test_logs_a_constant_rate():
    x, y = data()
    history = tiny_model(0.05).fit(x, y, epochs=3, batch_size=4, verbose=0, callbacks=[LearningRateLog()])
    assert history.history["learning_rate"] == pytest.approx([0.05] * 3)


def test_logs_each_epochs_scheduled_rate():
    x, y = data(12)  # 3 steps per epoch at batch 4
    rate = schedules.EpochMultiplier(0.1, 3, boundaries=(2, 3), multipliers=(0.5, 0.1))
    history = tiny_model(rate).fit(x, y, epochs=4, batch_size=4, verbose=0, callbacks=[LearningRateLog()])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.05, 0.01])


def test_is_registered_for_serialization():
    config = keras.saving.serialize_keras_object(LearningRateLog())
    assert config["registered_name"] == "kerasdl>LearningRateLog"
    assert isinstance(keras.saving.deserialize_keras_object(config), LearningRateLog)


class _Scripted(keras.callbacks.Callback):
    """Sets the kernel to the epoch's index and logs a scripted validation accuracy."""

    def __init__(self, accuracies):
        super().__init__()
        self.accuracies = accuracies

    def on_epoch_end(self, epoch, logs=None):
        kernel = self.model.layers[0].kernel
        kernel.assign(np.full(kernel.shape, float(epoch), "float32"))
        logs["val_accuracy"] = self.accuracies[epoch]


@pytest.mark.parametrize(
    "accuracies, best",
    [([0.2, 0.7, 0.5, 0.6], 1), ([0.3, 0.3, 0.3], 0), ([0.1, 0.2, 0.9], 2)],  # strictly better only
)
def test_restores_the_strictly_best_epoch(accuracies, best):
    x, y = data()
    model = tiny_model(0.05)
    restore = BestValidationRestore()
    # The scripted callback runs first, so the restorer sees the kernel it set.
    model.fit(x, y, epochs=len(accuracies), batch_size=4, verbose=0, callbacks=[_Scripted(accuracies), restore])
    assert restore.best_epoch == best and restore.best == pytest.approx(accuracies[best])
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), best)


def test_without_the_monitored_metric_nothing_is_restored():
    x, y = data()
    model = tiny_model(0.05)
    restore = BestValidationRestore()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[restore])
    assert restore.best_epoch is None and restore.best == float("-inf")


def test_round_trips_through_keras_serialization():
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(BestValidationRestore("val_auc")))
    assert isinstance(restored, BestValidationRestore) and restored.monitor == "val_auc"
