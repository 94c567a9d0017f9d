"""SubtractiveNormalization and DivisiveNormalization (report `convnet_tricks`) against NumPy copies
of Torch7's algorithms."""

import math

import keras
import numpy as np
import pytest

from kerasdl.layers import DivisiveNormalization, SubtractiveNormalization

pytestmark = pytest.mark.layers


def torch_gaussian_1d(size, sigma):
    """Torch's image.gaussian1D(size, sigma): amplitude 1, mean 0.5, not normalised."""
    center = 0.5 * size + 0.5
    return np.array(
        [math.exp(-(((i - center) / (sigma * size)) ** 2) / 2) for i in range(1, size + 1)]
    )


def mean_estimator(x, kernel_size, sigma):
    """Torch's meanestimator of both normalisations: the Gaussian window (normalised by its sum
    times the planes) over all planes of channels-last x, and the same of a map of ones."""
    batch, rows, cols, planes = x.shape
    kernel = torch_gaussian_1d(kernel_size, sigma)
    kernel = kernel / (kernel.sum() * planes)
    pad = kernel_size // 2

    def estimate(maps):
        # SpatialZeroPadding, then a 1 x k pass per plane, then a k x 1 pass summing the planes.
        padded = np.pad(maps.astype("float64"), ((0, 0), (pad, pad), (pad, pad), (0, 0)))
        horizontal = np.zeros((batch, rows + 2 * pad, cols, planes))
        for c in range(cols):
            for t in range(kernel_size):
                horizontal[:, :, c] += kernel[t] * padded[:, :, c + t]
        sums = np.zeros((batch, rows, cols))
        for r in range(rows):
            for t in range(kernel_size):
                sums[:, r] += kernel[t] * horizontal[:, r + t].sum(axis=-1)
        return sums

    return estimate(x), estimate(np.ones_like(x))


def reference_subtractive_normalization(x, kernel_size, sigma):
    """nn.SpatialSubtractiveNormalization(planes, gaussian1D) forward, on channels-last x."""
    mean, coef = mean_estimator(x, kernel_size, sigma)
    return x - (mean / coef)[..., None]


def reference_divisive_normalization(x, kernel_size, sigma, threshold, thresval):
    """nn.SpatialDivisiveNormalization(planes, gaussian1D, threshold, thresval) forward: the root of
    the windowed mean square, divided by the border coefficient, thresholded, divided out."""
    square, coef = mean_estimator(x.astype("float64") ** 2, kernel_size, sigma)
    std = np.sqrt(square) / coef
    std = np.where(std > threshold, std, thresval)
    return x / std[..., None]


def normalize(x, **kwargs):
    return keras.ops.convert_to_numpy(SubtractiveNormalization(**kwargs)(x))


class TestSubtractiveNormalizationContract:
    @pytest.mark.parametrize(
        "input_shape, kwargs",
        [
            ((2, 12, 12, 4), {}),
            ((1, 10, 7, 3), {"kernel_size": 3, "sigma": 0.5}),
            ((1, 3, 10, 7), {"data_format": "channels_first"}),
            ((2, 5, 4, 1), {"kernel_size": 9}),
        ],
    )
    def test_output_shape(self, input_shape, kwargs):
        layer = SubtractiveNormalization(**kwargs)
        y = layer(np.random.default_rng(0).random(input_shape, dtype="float32"))
        assert y.shape == input_shape
        assert layer.compute_output_shape(input_shape) == input_shape
        assert keras.backend.standardize_dtype(y.dtype) == "float32"
        assert layer.weights == []

    def test_channels_first_matches_channels_last(self):
        x = np.random.default_rng(1).random((2, 9, 11, 3), dtype="float32")
        first = normalize(x.transpose(0, 3, 1, 2), data_format="channels_first")
        np.testing.assert_array_equal(first.transpose(0, 2, 3, 1), normalize(x))

    def test_unknown_spatial_size(self):
        model = keras.Sequential([keras.Input((None, None, 2)), SubtractiveNormalization(5)])
        x = np.random.default_rng(2).random((1, 8, 6, 2), dtype="float32")
        np.testing.assert_allclose(
            model.predict(x, verbose=0), reference_subtractive_normalization(x, 5, 0.25), atol=1e-5
        )

    def test_config_round_trip(self):
        layer = SubtractiveNormalization(9, sigma=0.4, data_format="channels_first", name="sub")
        restored = SubtractiveNormalization.from_config(layer.get_config())
        assert restored.get_config() == layer.get_config()

    def test_saved_model_round_trip(self, tmp_path):
        model = keras.Sequential(
            [keras.Input((10, 10, 1)), keras.layers.Conv2D(3, 3), SubtractiveNormalization(5)]
        )
        x = np.random.default_rng(3).random((2, 10, 10, 1), dtype="float32")
        path = tmp_path / "subtractive.keras"
        model.save(path)
        restored = keras.models.load_model(path)
        assert isinstance(restored.layers[-1], SubtractiveNormalization)
        np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0))

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"kernel_size": 0},
            {"kernel_size": 4},
            {"kernel_size": 7.0},
            {"kernel_size": "7"},
            {"kernel_size": True},
            {"sigma": 0},
            {"sigma": -0.25},
            {"sigma": float("nan")},
            {"sigma": float("inf")},
            {"sigma": "0.25"},
            {"data_format": "NCHW"},
        ],
    )
    def test_bad_arguments(self, kwargs):
        ((name, value),) = kwargs.items()
        with pytest.raises(ValueError) as error:
            SubtractiveNormalization(**kwargs)
        assert name in str(error.value) and repr(value) in str(error.value)


class TestSubtractiveNormalizationCorrectness:
    @pytest.mark.parametrize(
        "input_shape, kernel_size, sigma",
        [
            ((2, 12, 12, 4), 7, 0.25),
            ((1, 10, 13, 3), 3, 0.25),
            ((2, 9, 6, 2), 5, 0.5),
            ((1, 5, 4, 3), 7, 0.25),
            ((1, 6, 8, 2), 1, 0.25),
        ],
    )
    def test_matches_torch(self, input_shape, kernel_size, sigma):
        x = np.random.default_rng(4).normal(size=input_shape).astype("float32")
        np.testing.assert_allclose(
            normalize(x, kernel_size=kernel_size, sigma=sigma),
            reference_subtractive_normalization(x, kernel_size, sigma),
            atol=2e-5,
        )

    def test_constant_input_gives_zero_everywhere(self):
        # Without the edge correction the zero padding leaves a border of up to half the value.
        x = np.full((1, 12, 10, 3), 3.0, "float32")
        y = normalize(x, kernel_size=7)
        np.testing.assert_allclose(y, 0.0, atol=1e-5)
        assert np.abs(y[:, [0, -1]]).max() < 1e-5 and np.abs(y[:, :, [0, -1]]).max() < 1e-5

    def test_invariant_to_adding_a_constant(self):
        x = np.random.default_rng(5).normal(size=(2, 9, 9, 4)).astype("float32")
        np.testing.assert_allclose(normalize(x + 5.0), normalize(x), atol=1e-5)


def divide(x, **kwargs):
    return keras.ops.convert_to_numpy(DivisiveNormalization(**kwargs)(x))


class TestDivisiveNormalization:
    @pytest.mark.parametrize(
        "input_shape, kwargs",
        [
            ((2, 12, 12, 4), {"threshold": 1e-4}),
            ((1, 10, 13, 1), {"kernel_size": 7, "threshold": 1.0}),
            ((2, 9, 6, 2), {"kernel_size": 5, "sigma": 0.5, "threshold": 0.5, "thresval": 2.0}),
            ((1, 5, 4, 3), {"kernel_size": 3, "threshold": 1e-4}),
        ],
    )
    def test_matches_torch(self, input_shape, kwargs):
        x = np.random.default_rng(6).normal(size=input_shape).astype("float32")
        kernel_size, sigma = kwargs.get("kernel_size", 7), kwargs.get("sigma", 0.25)
        thresval = kwargs.get("thresval", kwargs["threshold"])
        np.testing.assert_allclose(
            divide(x, **kwargs), reference_divisive_normalization(x, kernel_size, sigma, kwargs["threshold"], thresval),
            rtol=1e-4, atol=1e-5,
        )

    def test_flat_regions_are_left_as_they_are_with_threshold_one(self):
        # The starter's contrastive normalisation: a faint image is divided by 1 nowhere but the
        # strokes; a zero image stays zero, with finite gradients.
        x = np.zeros((1, 16, 16, 1), "float32")
        x[0, 6:10, 6:10] = 0.1
        np.testing.assert_allclose(divide(x, threshold=1.0), x, atol=1e-7)
        strong = x * 100
        assert np.abs(divide(strong, threshold=1.0)).max() < np.abs(strong).max()
        inputs = keras.ops.convert_to_tensor(np.zeros((1, 8, 8, 2), "float32"))
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(inputs)
            out = DivisiveNormalization(5, threshold=1.0)(inputs)
        assert np.isfinite(tape.gradient(out, inputs).numpy()).all()

    def test_scale_invariant_above_the_threshold(self):
        x = np.random.default_rng(7).normal(size=(2, 9, 9, 3)).astype("float32")
        np.testing.assert_allclose(divide(10 * x, threshold=1e-4), divide(x, threshold=1e-4), rtol=1e-4, atol=1e-5)

    def test_channels_first_matches_channels_last(self):
        x = np.random.default_rng(8).normal(size=(2, 9, 11, 3)).astype("float32")
        first = divide(x.transpose(0, 3, 1, 2), threshold=0.5, data_format="channels_first")
        np.testing.assert_allclose(first.transpose(0, 2, 3, 1), divide(x, threshold=0.5), rtol=1e-6)

    def test_config_and_saved_model_round_trip(self, tmp_path):
        layer = DivisiveNormalization(5, sigma=0.4, threshold=1.0, thresval=2.0, name="div")
        assert DivisiveNormalization.from_config(layer.get_config()).get_config() == layer.get_config()
        model = keras.Sequential([keras.Input((10, 10, 1)), SubtractiveNormalization(7), DivisiveNormalization(7, threshold=1.0)])
        x = np.random.default_rng(9).normal(size=(2, 10, 10, 1)).astype("float32")
        model.save(tmp_path / "contrastive.keras")
        restored = keras.models.load_model(tmp_path / "contrastive.keras")
        np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0))

    @pytest.mark.parametrize("kwargs", [{"threshold": 0}, {"threshold": -1.0}, {"thresval": 0}, {"kernel_size": 4},
                                        {"threshold": float("nan")}])
    def test_bad_arguments(self, kwargs):
        ((name, value),) = kwargs.items()
        with pytest.raises(ValueError) as error:
            DivisiveNormalization(**kwargs)
        assert name in str(error.value) and repr(value) in str(error.value)
