"""kerasdl.callbacks: LearningRateLog records each epoch's rate (report `lenet5`)."""

import keras
import numpy as np
import pytest

from kerasdl import schedules
from kerasdl.callbacks import LearningRateLog


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
