"""Report `scratch_mlp`: the readings of the report its unstated choices declare (the decay index,
the gradient of a batch) reach both backends' optimizer and loss (built, not trained)."""

import keras
import numpy as np
import pytest

from kerasdl import scratch
from reproduce import scratch_mlp as sm

SMOKE = sm.PROFILES["smoke"]


def config(network="ANN1", **changes):
    return {**SMOKE, **sm.NETWORKS[network], **changes}


@pytest.mark.parametrize("network", ["ANN1", "ANN2"])
def test_scratch_backend_reads_the_choices(network):
    _, loss, optimizer = sm.scratch_parts(config(network), seed=0)
    assert optimizer.decay_per == "epoch" and loss.reduction == "mean"
    _, loss, optimizer = sm.scratch_parts(config(network, decay_per="step", batch_gradient="sum"), seed=0)
    assert optimizer.decay_per == "step" and loss.reduction == "sum"
    assert isinstance(loss, scratch.CrossEntropy if network == "ANN1" else scratch.MSE)


def test_summed_gradient_is_the_batch_times_the_mean():
    prediction = np.array([[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]], "float32")
    target = np.array([[0, 1], [1, 0], [0, 1]], "float32")
    for kind in (scratch.CrossEntropy, scratch.MSE):
        mean, summed = kind(), kind(reduction="sum")
        assert float(summed(prediction, target)) == pytest.approx(3 * float(mean(prediction, target)))
        np.testing.assert_allclose(summed.backward(), 3 * np.asarray(mean.backward()), rtol=1e-6)
    with pytest.raises(ValueError, match="reduction"):
        scratch.MSE(reduction="max")


def test_keras_backend_reads_the_choices():
    model, callbacks = sm.compiled_keras(config())
    assert isinstance(callbacks[0], keras.callbacks.LearningRateScheduler)
    assert model.loss == "sparse_categorical_crossentropy"
    model, callbacks = sm.compiled_keras(config(decay_per="step", batch_gradient="sum"))
    assert callbacks == []
    # The optimizer holds the schedule itself, which Keras calls with its step count.
    assert model.optimizer.get_config()["learning_rate"]["class_name"] == "TFracDecay"
    assert float(model.optimizer.learning_rate) == pytest.approx(sm.NETWORKS["ANN1"]["lr"])
    assert model.loss.reduction == "sum"
    model, _ = sm.compiled_keras(config("ANN2", batch_gradient="sum"))
    assert isinstance(model.loss, keras.losses.MeanSquaredError) and model.loss.reduction == "sum"


def test_step_decay_runs_the_schedule_per_step():
    # 200 points at batch 100: two steps per epoch, so after one epoch the step index is 2.
    from kerasdl import data as kdata

    data = kdata.disk_dataset(n_train=200, n_test=200, seed=0)
    rates = {}
    for reading in sm.DECAY_PER.values:
        model, _, optimizer = sm.scratch_parts(config(decay_per=reading), seed=0)
        scratch.fit(model, scratch.CrossEntropy(), optimizer, data.x_train, scratch.class_targets(data.y_train, 2),
                    epochs=1, batch_size=100, seed=0)
        rates[reading] = float(optimizer.current_learning_rate())
    schedule = sm.learning_rate(config())
    assert rates == pytest.approx({"epoch": float(schedule(1)), "step": float(schedule(2))})
