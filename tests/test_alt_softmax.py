"""Report `alt_softmax`: the network, optimizer, initialiser and p < 0 guard its trials read from
the unstated choices (built, not trained), and a smoke trial of the baseline."""

import keras
import numpy as np
import pytest

from kerasdl.data import Dataset
from kerasdl.regularizers import SignedLp
from kerasdl.runner import Row, Trial
from reproduce import alt_softmax as alt

SMOKE = alt.PROFILES["smoke"]


def _kernels(model):
    return [layer for layer in model.layers if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense))]


def _widths(config):
    return [getattr(layer, "filters", None) or layer.units for layer in _kernels(alt.build_model(config))]


def test_network_width():
    assert alt.NETWORK.default.value == "small"
    assert _widths(alt.variant()) == [8, 16, 10]
    assert _widths(alt.variant(network="tf_tutorial")) == [32, 64, 1024, 10]
    model = alt.build_model(alt.variant(network="tf_tutorial"))
    assert model.output.shape == (None, 10) and model.count_params() > 3_000_000


def test_optimizer():
    assert type(alt.optimizer(alt.variant())) is keras.optimizers.SGD
    assert float(alt.optimizer(alt.variant()).learning_rate) == pytest.approx(alt.BASELINE["learning_rate"])
    adam = alt.optimizer(alt.variant(optimizer="adam"))
    assert type(adam) is keras.optimizers.Adam and float(adam.learning_rate) == pytest.approx(alt.ADAM_LEARNING_RATE)


@pytest.mark.parametrize(
    "name, kind",
    [
        ("glorot_uniform", keras.initializers.GlorotUniform),
        ("truncated_normal", keras.initializers.TruncatedNormal),
        ("he_normal", keras.initializers.HeNormal),
    ],
)
def test_kernel_initializer(name, kind):
    assert name in alt.KERNEL_INIT.values
    layers = _kernels(alt.build_model(alt.variant(kernel_init=name)))
    assert all(type(layer.kernel_initializer) is kind for layer in layers)
    if name == "truncated_normal":
        assert all(layer.kernel_initializer.stddev == 0.1 for layer in layers)


def test_default_initializer_is_keras_default():
    # The default draws what a layer left at Keras's default draws: the stored trials stay valid.
    keras.utils.set_random_seed(3)
    chosen = alt.build_model(alt.variant()).get_weights()
    keras.utils.set_random_seed(3)
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.MaxPool2D(2, padding="same")(keras.layers.Conv2D(8, 5, padding="same")(inputs))
    x = keras.layers.MaxPool2D(2, padding="same")(keras.layers.Conv2D(16, 5, padding="same")(x))
    plain = keras.Model(inputs, keras.layers.Dense(10)(keras.layers.Flatten()(x))).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(chosen, plain, strict=True))


def test_negative_p_guard():
    def guards(config):
        return {layer.kernel_regularizer.epsilon for layer in _kernels(alt.build_model(config))}

    q4 = alt.q4.row("p=-1").config
    assert guards(q4) == {1e-6}
    assert guards({**q4, "reg_epsilon": 1e-10}) == {1e-10}
    assert all(isinstance(layer.kernel_regularizer, SignedLp) for layer in _kernels(alt.build_model(q4)))
    assert alt.REPORT.choices_of(alt.q4) == alt.UNSTATED
    assert alt.REG_EPSILON not in alt.REPORT.choices_of(alt.q1)


def test_baseline_trial_runs():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (64, 28, 28, 1)).astype("uint8")
    y = rng.integers(0, 10, 64).astype("int64")
    data = Dataset(x, y, x[:16], y[:16], source="generated", name="mnist")
    config = {**SMOKE, **alt.variant(), "batch_size": 32}
    result = alt.run(Trial("alt_softmax", "q1_softmax_alternatives", Row("softmax", {}), config, 0, 0, data))
    assert 0 <= result.metrics["test_accuracy_pct"] <= 100
