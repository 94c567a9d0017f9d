"""Report `scratch_mlp`: the group's protocol (sampled steps, constant rates) and the readings its
unstated choices declare (learning-rate formulas, ANN2's hidden activation, the gradient of a
batch) reach both backends' network, optimizer and loss."""

import keras
import numpy as np
import pytest

from kerasdl import data as kdata
from kerasdl import schedules, scratch
from reproduce import scratch_mlp as sm

FAST = sm.PROFILES["fast"]


def config(network="ANN1", **changes):
    return {**FAST, **sm.NETWORKS[network], **changes}


def test_fast_runs_the_groups_5000_steps():
    assert sm.total_steps(config()) == 5000


@pytest.mark.parametrize("network, rate", [("ANN1", 0.1 / 51), ("ANN2", 0.8 * np.exp(-1.0)), ("ANN3", 0.005)])
def test_the_groups_rates_are_the_decay_at_the_total_step_count(network, rate):
    lr = sm.learning_rate(config(network))
    assert isinstance(lr, float) and lr == pytest.approx(rate, rel=1e-6)
    _, _, optimizer = sm.scratch_parts(config(network), seed=0)
    assert optimizer.learning_rate == lr


@pytest.mark.parametrize(
    "reading, network, kind",
    [
        ("usual", "ANN1", schedules.TFracDecay),
        ("usual", "ANN2", schedules.ExponentialDecay),
        ("table3", "ANN3", schedules.RecursiveTFracDecay),
        ("table3", "ANN2", schedules.RecursiveExponentialDecay),
    ],
)
def test_the_other_readings_decay_per_step(reading, network, kind):
    schedule = sm.learning_rate(config(network, lr_schedule=reading))
    assert type(schedule) is kind
    assert schedule.get_config() == {"initial_learning_rate": sm.NETWORKS[network]["lr"],
                                     "decay_rate": sm.NETWORKS[network]["decay_rate"]}


@pytest.mark.parametrize("network", ["ANN1", "ANN2"])
def test_scratch_backend_reads_the_choices(network):
    _, loss, _ = sm.scratch_parts(config(network), seed=0)
    assert loss.reduction == "mean"
    _, loss, _ = sm.scratch_parts(config(network, batch_gradient="sum"), seed=0)
    assert loss.reduction == "sum"
    assert isinstance(loss, scratch.CrossEntropy if network == "ANN1" else scratch.MSE)


def _hidden_kinds(model):
    return [type(m).__name__ for m in model.modules[1:-1:2]]


def test_ann2_hidden_activation_is_read_only_by_ann2():
    assert sm.ANN2_HIDDEN.reads(config("ANN2")) and not sm.ANN2_HIDDEN.reads(config("ANN3"))
    relu, _, _ = sm.scratch_parts(config("ANN2"), seed=0)
    sigmoid, _, _ = sm.scratch_parts(config("ANN2", ann2_hidden="sigmoid"), seed=0)
    tanh, _, _ = sm.scratch_parts(config("ANN3", ann2_hidden="sigmoid"), seed=0)
    assert _hidden_kinds(relu) == ["ReLU"] * 3
    assert _hidden_kinds(sigmoid) == ["Sigmoid"] * 3
    assert _hidden_kinds(tanh) == ["Tanh"] * 3
    keras_model = sm.build_keras(config("ANN2", ann2_hidden="sigmoid"))
    assert [layer.activation.__name__ for layer in keras_model.layers[1:-1]] == ["sigmoid"] * 3


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
    model = sm.compiled_keras(config())
    assert model.loss == "sparse_categorical_crossentropy"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.1 / 51)
    model = sm.compiled_keras(config(lr_schedule="table3", batch_gradient="sum"))
    # The optimizer holds the schedule itself, which Keras calls with its step count.
    assert model.optimizer.get_config()["learning_rate"]["class_name"] == "RecursiveTFracDecay"
    assert model.loss.reduction == "sum"
    model = sm.compiled_keras(config("ANN2", batch_gradient="sum"))
    assert isinstance(model.loss, keras.losses.MeanSquaredError) and model.loss.reduction == "sum"


def test_sampled_order_draws_distinct_points_per_step():
    small = config(n_train=10, batch_size=4, epochs=3)
    order = sm.sampled_order(small, 10, seed=0).reshape(6, 4)
    assert all(len(set(row)) == 4 for row in order)
    assert len({tuple(sorted(row)) for row in order}) > 1
    np.testing.assert_array_equal(order.ravel(), sm.sampled_order(small, 10, seed=0))


def test_step_schedules_advance_once_per_sampled_step():
    # 200 points at batch 100: two sampled steps per epoch, so after one epoch the step index is 2.
    small = config(n_train=200, batch_size=100, epochs=1, lr_schedule="usual")
    data = kdata.disk_dataset(n_train=200, n_test=200, seed=0)
    model, loss, optimizer = sm.scratch_parts(small, seed=0)
    scratch.fit(model, loss, optimizer, data.x_train, scratch.class_targets(data.y_train, 2),
                epochs=1, batch_size=100, seed=0, sampling="sample")
    assert float(optimizer.current_learning_rate()) == pytest.approx(float(sm.learning_rate(small)(2)))
