"""InverseInvariant (report `lenet5`): F(x) = x * (1 - x) sees an image and its inverse alike."""

import keras
import numpy as np
import pytest

from kerasdl.layers import InverseInvariant

pytestmark = pytest.mark.layers


def apply(x):
    return keras.ops.convert_to_numpy(InverseInvariant()(x))


class TestInverseInvariantContract:
    @pytest.mark.parametrize("shape", [(3, 5), (2, 28, 28, 1), (2, 4, 6, 3)])
    def test_output_shape(self, shape):
        layer = InverseInvariant()
        y = layer(np.random.default_rng(0).random(shape, dtype="float32"))
        assert y.shape == shape
        assert layer.compute_output_shape(shape) == shape
        assert keras.backend.standardize_dtype(y.dtype) == "float32"
        assert layer.weights == []

    def test_config_round_trip(self):
        layer = InverseInvariant(name="inverse")
        restored = InverseInvariant.from_config(layer.get_config())
        assert restored.get_config() == layer.get_config()

    def test_saved_model_round_trip(self, tmp_path):
        model = keras.Sequential(
            [
                keras.Input((6, 6, 1)),
                InverseInvariant(),
                keras.layers.Flatten(),
                keras.layers.Dense(3),
            ]
        )
        x = np.random.default_rng(1).random((2, 6, 6, 1), dtype="float32")
        path = tmp_path / "inverse.keras"
        model.save(path)
        restored = keras.models.load_model(path)
        assert isinstance(restored.layers[0], InverseInvariant)
        np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0))


class TestInverseInvariantCorrectness:
    def test_matches_numpy(self):
        x = np.random.default_rng(2).normal(size=(4, 7)).astype("float32")
        np.testing.assert_allclose(apply(x), x * (1 - x), rtol=1e-6)

    def test_image_and_inverse_map_alike(self):
        x = np.random.default_rng(3).random((8, 28, 28, 1), dtype="float32")
        np.testing.assert_allclose(apply(x), apply(1 - x), atol=1e-6)

    def test_range_on_unit_interval(self):
        y = apply(np.linspace(0, 1, 101, dtype="float32"))
        assert y.min() >= 0 and y.max() == pytest.approx(0.25)
