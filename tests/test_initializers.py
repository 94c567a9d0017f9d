"""kerasdl.initializers.FanInUniform: PyTorch's default Conv2d/Linear initialisation in Keras."""

import math

import keras
import numpy as np
import pytest

import kerasdl
from kerasdl.initializers import FanInUniform, conv_fan_in, fan_in_of, torch_defaults


def test_draws_stay_within_the_bound_and_reach_it():
    values = keras.ops.convert_to_numpy(FanInUniform(seed=1)((3, 3, 64, 256)))
    bound = 1 / math.sqrt(3 * 3 * 64)
    assert np.abs(values).max() <= bound
    assert np.abs(values).max() > 0.999 * bound


@pytest.mark.parametrize("shape, fan_in", [((256, 4096), 256), ((3, 3, 16, 512), 144), ((4096,), 64)])
def test_mean_and_variance_match_the_uniform_formula(shape, fan_in):
    """U(-b, b) with b = 1/sqrt(fan_in): mean 0, variance b^2 / 3 = 1 / (3 fan_in)."""
    initializer = FanInUniform(fan_in=fan_in if len(shape) == 1 else None, seed=3)
    values = keras.ops.convert_to_numpy(initializer(shape)).ravel()
    variance = 1 / (3 * fan_in)
    n = values.size
    assert abs(values.mean()) < 5 * math.sqrt(variance / n)
    # The variance of a uniform sample's variance is (b^4 / 5 - b^4 / 9) / n = 4 b^4 / (45 n).
    b = 1 / math.sqrt(fan_in)
    assert abs(values.var() - variance) < 5 * math.sqrt(4 * b**4 / (45 * n))


@pytest.mark.parametrize(
    "layer, input_shape, expected",
    [
        (keras.layers.Dense(7), (5, 33), 33),
        (keras.layers.Conv2D(4, 3, data_format="channels_last"), (2, 9, 9, 6), 6 * 3 * 3),
        (keras.layers.Conv2D(4, (5, 3), data_format="channels_first"), (2, 6, 9, 9), 6 * 5 * 3),
        (keras.layers.Conv1D(4, 3), (2, 10, 5), 5 * 3),
    ],
)
def test_fan_in_of_each_layer_kind_and_data_format(layer, input_shape, expected):
    layer.build(input_shape)
    assert fan_in_of(layer.kernel.shape) == expected
    if isinstance(layer, keras.layers.Conv2D):
        channels = input_shape[1 if layer.data_format == "channels_first" else -1]
        assert conv_fan_in(channels, layer.kernel_size) == expected


def test_a_bias_needs_its_layers_fan_in():
    with pytest.raises(ValueError, match="fan_in"):
        FanInUniform()((10,))
    with pytest.raises(ValueError, match="fan_in"):
        FanInUniform(fan_in=0)


def test_a_layer_with_torch_defaults_draws_kernel_and_bias_from_the_same_bound():
    keras.utils.set_random_seed(0)
    layer = keras.layers.Conv2D(64, 3, **torch_defaults(conv_fan_in(8, 3)))
    layer.build((1, 8, 8, 8))
    bound = 1 / math.sqrt(72)
    for weight in (layer.kernel, layer.bias):
        values = keras.ops.convert_to_numpy(weight)
        assert np.abs(values).max() <= bound and np.abs(values).max() > 0.8 * bound


def test_set_random_seed_makes_unseeded_draws_repeat():
    def draw():
        keras.utils.set_random_seed(7)
        return keras.ops.convert_to_numpy(FanInUniform()((20, 30)))

    np.testing.assert_array_equal(draw(), draw())
    assert not np.array_equal(
        keras.ops.convert_to_numpy(FanInUniform(seed=1)((20, 30))),
        keras.ops.convert_to_numpy(FanInUniform(seed=2)((20, 30))),
    )


def test_serialization_round_trip_and_lookup_by_name():
    initializer = FanInUniform(fan_in=64, seed=5)
    config = keras.initializers.serialize(initializer)
    restored = keras.initializers.deserialize(config)
    assert isinstance(restored, FanInUniform) and restored.fan_in == 64
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(restored((10,))), keras.ops.convert_to_numpy(initializer((10,)))
    )
    assert isinstance(keras.initializers.get("kerasdl>FanInUniform"), FanInUniform)
    dense = keras.layers.Dense(10, kernel_initializer="kerasdl>FanInUniform", bias_initializer=FanInUniform(fan_in=64))
    dense.build((None, 64))
    assert np.abs(keras.ops.convert_to_numpy(dense.kernel)).max() <= 1 / 8


def test_a_model_saved_with_it_reloads_with_the_same_weights_and_initializers(tmp_path):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, **torch_defaults(conv_fan_in(3, 3)))(inputs)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(10, **torch_defaults(6 * 6 * 4))(x)
    model = keras.Model(inputs, outputs)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    bias_init = loaded.layers[-1].bias_initializer
    assert isinstance(bias_init, FanInUniform) and bias_init.fan_in == 144
    assert kerasdl.initializers.FanInUniform is FanInUniform
