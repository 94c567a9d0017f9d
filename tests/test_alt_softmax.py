"""Report `alt_softmax` on the course template (Megvii tf-tutorials `01-svhn/`): the network, the
schedule and the test metric its trials build (built, not trained), the data set a table runs on
(SVHN, or MNIST as a declared stand-in) and smoke trials on generated arrays."""

import keras
import numpy as np
import pytest

from kerasdl import layers as klayers
from kerasdl.data import Dataset, DataUnavailableError
from kerasdl.regularizers import SignedLp
from kerasdl.runner import RunOptions, Trial
from kerasdl.runner.plan import plan_table
from reproduce import alt_softmax as alt

SMOKE = alt.PROFILES["smoke"]


def _of(model, kind):
    return [layer for layer in model.layers if isinstance(layer, kind)]


def _kernels(model):
    return _of(model, (keras.layers.Conv2D, keras.layers.Dense))


def test_the_template_network():
    model = alt.build_model(alt.variant())
    convs = _of(model, keras.layers.Conv2D)
    assert [c.filters for c in convs] == [16, 32, 32, 64, 64, 128, 128]
    assert all(c.kernel_size == (3, 3) and c.use_bias and c.padding == "same" for c in convs)
    norms = _of(model, keras.layers.BatchNormalization)
    assert len(norms) == 7 and all(n.momentum == 0.99 and n.epsilon == 1e-3 for n in norms)
    assert len(_of(model, keras.layers.MaxPool2D)) == 3 and len(_of(model, keras.layers.AveragePooling2D)) == 1
    assert all(isinstance(k.kernel_initializer, keras.initializers.LecunNormal) for k in _kernels(model))
    assert model.output.shape == (None, 10)
    # A 28x28 stand-in reaches the average pool as 4x4, as SVHN's 32x32 does.
    assert alt.build_model(alt.variant(), (28, 28, 1)).output.shape == (None, 10)


def test_inputs_are_fed_as_raw_pixels():
    (scale,) = _of(alt.build_model(alt.variant()), keras.layers.Rescaling)
    assert scale.scale == 255.0


def test_the_penalty_covers_kernels_only_and_not_the_mse_row():
    model = alt.build_model(alt.q4.row("p=4").config)
    assert all(isinstance(k.kernel_regularizer, SignedLp) and k.kernel_regularizer.p == 4 for k in _kernels(model))
    assert all(k.bias_regularizer is None for k in _kernels(model))
    assert len(model.losses) == 8  # seven convolutions and the dense layer
    mse = alt.build_model(alt.q2.row("MSE (probabilities vs one-hot)").config)
    assert mse.losses == [] and all(k.kernel_regularizer is None for k in _kernels(mse))


def test_negative_p_guard():
    def guards(config):
        return {layer.kernel_regularizer.epsilon for layer in _kernels(alt.build_model(config))}

    q4 = alt.q4.row("p=-1").config
    assert guards(q4) == {1e-6}
    assert guards({**q4, "reg_epsilon": 1e-10}) == {1e-10}
    assert alt.REG_EPSILON in alt.REPORT.choices_of(alt.q4)
    assert alt.REG_EPSILON not in alt.REPORT.choices_of(alt.q1)


def test_lp_pooling_replaces_the_max_pools_and_the_average_pool_where_chosen():
    config = alt.q3.row("Lp p=2").config
    model = alt.build_model(config)
    pools = _of(model, klayers.LpPool2D)
    assert [(p.pool_size, p.strides) for p in pools] == [(3, 2)] * 3
    assert len(_of(model, keras.layers.AveragePooling2D)) == 1
    every = _of(alt.build_model({**config, "lp_final_pool": True}), klayers.LpPool2D)
    assert [(p.pool_size, p.strides) for p in every] == [(3, 2)] * 3 + [(4, 4)]
    assert alt.FINAL_POOL.reads(config) and not alt.FINAL_POOL.reads(alt.q3.row("max-pooling").config)


def test_profiles_run_the_stand_in_except_paper():
    assert [alt.PROFILES[p]["dataset"] for p in ("smoke", "fast", "paper")] == ["mnist", "mnist", "svhn_cropped"]
    assert all(t.data == "svhn_cropped" and t.data_setting == "dataset" for t in alt.REPORT.tables)
    assert alt.q1.stand_in(alt.PROFILES["fast"]) == "mnist"
    assert alt.q1.stand_in(alt.PROFILES["paper"]) is None


def test_a_stand_in_plan_loads_the_stand_in(shared_data):
    plan = plan_table(alt.REPORT, alt.q2, RunOptions(profile="smoke", data_dir=str(shared_data)))
    assert plan.data.name == "mnist" and len(plan.data.y_train) == SMOKE["n_train"]
    assert {t.identity["data_name"] for t in plan.trials} == {"mnist"}


def _svhn(n_train=600, n_test=300, n_extra=None, seed=0):
    rng = np.random.default_rng(seed)
    images = lambda n: rng.integers(0, 256, (n, 32, 32, 3)).astype("uint8")  # noqa: E731
    labels = lambda n: rng.integers(0, 10, n).astype("int64")  # noqa: E731
    extra = {} if n_extra is None else {"x_extra": images(n_extra), "y_extra": labels(n_extra)}
    return Dataset(images(n_train), labels(n_train), images(n_test), labels(n_test), source="generated",
                   name="svhn_cropped", **extra)


def _trial(config, data, table=alt.q1, row="softmax"):
    return Trial("alt_softmax", table.name, table.row(row), config, 0, 0, data)


def test_the_training_set_adds_the_extra_split_where_chosen():
    data = _svhn(n_train=300, n_extra=500)
    config = {**SMOKE, **alt.variant(), "dataset": "svhn_cropped", "n_train": None}
    x, y = alt.training_set(_trial(config, data))
    assert len(y) == 800 and np.array_equal(x[300:], data.x_extra)
    assert len(alt.training_set(_trial({**config, "extra": False}, data))[1]) == 300
    assert len(alt.training_set(_trial({**config, "n_train": 400}, data))[1]) == 400
    with pytest.raises(DataUnavailableError, match="extra=false"):
        alt.training_set(_trial(config, _svhn()))


def test_a_smoke_trial_runs_on_generated_svhn():
    data = _svhn(n_train=512, n_test=300, n_extra=256)
    config = {**SMOKE, **alt.variant(), "dataset": "svhn_cropped", "n_train": None}
    result = alt.run(_trial(config, data))
    # Nine full test batches of 32 of the 300 images, each epoch: the accuracy counts 288 images.
    accuracy = result.history["val_accuracy"]
    assert len(accuracy) == SMOKE["epochs"]
    assert all(abs(a * 288 - round(a * 288)) < 1e-3 for a in accuracy)
    assert result.metrics["test_accuracy_pct"] == pytest.approx(100 * max(accuracy))
    assert result.model.input_shape == (None, 32, 32, 3)


@pytest.mark.parametrize("epochs, rates", [
    (60, {0: 0.01, 14: 0.01, 15: 0.001, 39: 0.001, 40: 0.0005, 59: 0.0005}),
    (6, {0: 0.01, 1: 0.01, 2: 0.001, 3: 0.001, 4: 0.0005, 5: 0.0005}),
])
def test_the_schedule_keeps_the_templates_proportions(epochs, rates):
    steps = 7
    run_epochs, rate = alt.learning_rate({"epochs": epochs}, steps)
    assert run_epochs == epochs
    assert {e: float(rate(e * steps)) for e in rates} == pytest.approx(rates)
