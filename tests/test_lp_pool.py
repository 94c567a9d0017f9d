"""LpPool2D (reports `alt_softmax` q3 and `convnet_tricks`) against a NumPy reference."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasdl.layers import LpPool2D, gaussian_kernel

pytestmark = pytest.mark.layers

EPS = 1e-6
INF = float("inf")


def reference_gaussian(size):
    """The report's `gauss(ksize)` loop, centred at (size - 1) / 2."""
    sigma = ((size - 1) * 0.5 - 1) * 0.3 + 0.8
    centre = (size - 1) / 2
    kernel = np.zeros((size, size))
    for i in range(size):
        for j in range(size):
            kernel[i, j] = math.exp(-((i - centre) ** 2 + (j - centre) ** 2) / (2 * sigma**2))
    return kernel / kernel.sum()


def window_starts(length, pool_size, strides, padding):
    """First index of every window along one axis, TF's convention (extra padding at the end)."""
    if padding == "valid":
        count, before = (length - pool_size) // strides + 1, 0
    else:
        count = -(-length // strides)
        before = max((count - 1) * strides + pool_size - length, 0) // 2
    return [i * strides - before for i in range(count)]


def reference_lp_pool(x, p, pool_size, strides, kernel, padding):
    """Channels-last Lp pooling by explicit windows in float64, epsilon as documented."""
    weights = reference_gaussian(pool_size) if kernel == "gaussian" else np.ones((pool_size,) * 2)
    batch, rows, cols, channels = x.shape
    row_starts = window_starts(rows, pool_size, strides, padding)
    col_starts = window_starts(cols, pool_size, strides, padding)
    out = np.zeros((batch, len(row_starts), len(col_starts), channels))
    for i, r0 in enumerate(row_starts):
        for j, c0 in enumerate(col_starts):
            taps = [
                (r, c)
                for r in range(r0, r0 + pool_size)
                for c in range(c0, c0 + pool_size)
                if 0 <= r < rows and 0 <= c < cols
            ]
            values = np.stack([x[:, r, c, :] for r, c in taps]).astype("float64")
            g = np.array([weights[r - r0, c - c0] for r, c in taps])[:, None, None]
            if p == INF:
                out[:, i, j] = values.max(axis=0)
            elif p >= 1:
                total = (g * np.abs(values) ** p).sum(axis=0)
                out[:, i, j] = np.maximum(total, EPS**p) ** (1 / p)
            else:
                out[:, i, j] = ((g * (np.abs(values) + EPS) ** p).sum(axis=0)) ** (1 / p)
    return out


def pool(x, **kwargs):
    return keras.ops.convert_to_numpy(LpPool2D(**kwargs)(x))


class TestLpPool2DContract:
    @pytest.mark.parametrize(
        "input_shape, kwargs, expected",
        [
            ((2, 28, 28, 4), {}, (2, 14, 14, 4)),
            ((2, 11, 8, 3), {"pool_size": 5, "strides": 3}, (2, 4, 3, 3)),
            ((2, 11, 8, 3), {"pool_size": 5, "strides": 3, "padding": "valid"}, (2, 3, 2, 3)),
            ((1, 9, 6, 2), {"pool_size": 2, "strides": 2, "padding": "valid"}, (1, 4, 3, 2)),
            ((1, 9, 6, 2), {"p": INF, "pool_size": 3, "strides": 1}, (1, 9, 6, 2)),
            ((1, 2, 9, 6), {"data_format": "channels_first"}, (1, 2, 5, 3)),
        ],
    )
    def test_output_shape(self, input_shape, kwargs, expected):
        layer = LpPool2D(**kwargs)
        y = layer(np.random.default_rng(0).random(input_shape, dtype="float32"))
        assert y.shape == expected
        assert layer.compute_output_shape(input_shape) == expected
        assert keras.backend.standardize_dtype(y.dtype) == "float32"

    def test_channels_first_matches_channels_last(self):
        x = np.random.default_rng(1).random((2, 7, 10, 3), dtype="float32")
        first = pool(x.transpose(0, 3, 1, 2), p=4, pool_size=3, data_format="channels_first")
        np.testing.assert_array_equal(first.transpose(0, 2, 3, 1), pool(x, p=4))

    def test_unknown_spatial_size(self):
        model = keras.Sequential([keras.Input((None, None, 3)), LpPool2D(p=2)])
        assert model.output_shape == (None, None, None, 3)
        assert model(np.ones((1, 10, 7, 3), "float32")).shape == (1, 5, 4, 3)

    def test_has_no_weights(self):
        layer = LpPool2D()
        layer(np.ones((1, 6, 6, 2), "float32"))
        assert layer.weights == []

    def test_config_round_trip(self):
        layer = LpPool2D(
            p=-1,
            pool_size=5,
            strides=3,
            kernel="uniform",
            padding="valid",
            epsilon=1e-4,
            data_format="channels_first",
            name="lp",
        )
        restored = LpPool2D.from_config(layer.get_config())
        assert restored.get_config() == layer.get_config()
        assert restored.get_config()["p"] == -1.0

    @pytest.mark.parametrize("p", [2, INF])
    def test_saved_model_round_trip(self, tmp_path, p):
        model = keras.Sequential(
            [
                keras.Input((12, 12, 3)),
                keras.layers.Conv2D(4, 3),
                LpPool2D(p=p),
                keras.layers.Flatten(),
            ]
        )
        x = np.random.default_rng(2).random((2, 12, 12, 3), dtype="float32")
        path = tmp_path / "lp_pool.keras"
        model.save(path)
        restored = keras.models.load_model(path)
        assert isinstance(restored.layers[1], LpPool2D)
        np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0))

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"p": 0},
            {"p": float("nan")},
            {"p": -INF},
            {"p": "2"},
            {"p": None},
            {"p": True},
            {"p": -8},
            {"pool_size": 0},
            {"pool_size": 2.5},
            {"strides": 0},
            {"strides": -1},
            {"kernel": "box"},
            {"padding": "full"},
            {"epsilon": 0},
            {"epsilon": -1e-6},
            {"data_format": "NHWC"},
        ],
    )
    def test_bad_arguments(self, kwargs):
        ((name, value),) = kwargs.items()
        with pytest.raises(ValueError) as error:
            LpPool2D(**kwargs)
        assert name in str(error.value) and repr(value) in str(error.value)


class TestLpPool2DCorrectness:
    @pytest.mark.parametrize("p", [-1, 1, 2, 4, INF])
    @pytest.mark.parametrize("kernel", ["gaussian", "uniform"])
    @pytest.mark.parametrize(
        "pool_size, strides, padding",
        [
            (2, 2, "valid"),
            (2, 1, "same"),
            (3, 2, "same"),
            (3, 1, "valid"),
            (3, 3, "same"),
            (5, 3, "same"),
            (5, 2, "valid"),
        ],
    )
    def test_matches_reference(self, p, kernel, pool_size, strides, padding):
        x = np.random.default_rng(3).normal(size=(2, 11, 8, 3)).astype("float32")
        kwargs = dict(pool_size=pool_size, strides=strides, padding=padding)
        np.testing.assert_allclose(
            pool(x, p=p, kernel=kernel, **kwargs),
            reference_lp_pool(x, p, kernel=kernel, **kwargs),
            rtol=2e-5,
            atol=1e-6,
        )

    def test_report_kernel(self):
        kernel = gaussian_kernel(3)
        assert kernel.dtype == np.float64
        np.testing.assert_allclose(kernel[1, 1], 0.27249597, atol=1e-7)
        np.testing.assert_allclose(kernel[[0, 1, 1, 2], [1, 0, 2, 1]], 0.12475775, atol=1e-7)
        np.testing.assert_allclose(kernel[[0, 0, 2, 2], [0, 2, 0, 2]], 0.05711826, atol=1e-7)

    @pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7])
    def test_kernel_matches_report_loop(self, size):
        np.testing.assert_allclose(gaussian_kernel(size), reference_gaussian(size), rtol=1e-12)

    def test_p1_is_gaussian_averaging(self):
        x = np.random.default_rng(4).random((2, 10, 9, 3), dtype="float32")
        blur = keras.layers.DepthwiseConv2D(3, strides=2, padding="same", use_bias=False)
        blur.build(x.shape)
        blur.set_weights([np.tile(gaussian_kernel(3)[:, :, None, None], (1, 1, 3, 1))])
        np.testing.assert_allclose(pool(x, p=1), blur(x), rtol=1e-5, atol=1e-6)

    def test_uniform_is_window_sum_then_root(self):
        x = np.random.default_rng(5).normal(size=(1, 4, 6, 1)).astype("float32")
        blocks = x[0, :, :, 0].reshape(2, 2, 3, 2).transpose(0, 2, 1, 3).reshape(2, 3, 4)
        for p in (2, 3):
            expected = ((np.abs(blocks) ** p).sum(axis=-1)) ** (1 / p)
            y = pool(x, p=p, pool_size=2, strides=2, kernel="uniform", padding="valid")
            np.testing.assert_allclose(y[0, :, :, 0], expected, rtol=1e-5)

    @pytest.mark.parametrize("padding", ["same", "valid"])
    def test_large_p_approaches_window_max(self, padding):
        x = np.random.default_rng(6).uniform(0.1, 1.0, size=(2, 9, 12, 3)).astype("float32")
        window_max = reference_lp_pool(x, INF, 3, 2, "uniform", padding)
        gaussian = pool(x, p=64, kernel="gaussian", padding=padding)
        uniform = pool(x, p=64, kernel="uniform", padding=padding)
        # Gaussian: a weighted power mean, below the max by at most the smallest weight's root.
        assert np.all(gaussian <= window_max * (1 + 1e-5))
        assert np.all(gaussian >= window_max * gaussian_kernel(3).min() ** (1 / 64) * (1 - 1e-5))
        # Uniform: a plain sum of n terms, above the max by at most n^(1/p).
        assert np.all(uniform >= window_max * (1 - 1e-5))
        assert np.all(uniform <= window_max * 9 ** (1 / 64) * (1 + 1e-5))
        np.testing.assert_allclose(pool(x, p=INF, padding=padding), window_max, rtol=1e-6)

    @pytest.mark.parametrize("p", [-1, 0.5, 1, 2, 4, 16, INF])
    @pytest.mark.parametrize("kernel", ["gaussian", "uniform"])
    def test_all_zero_windows(self, p, kernel):
        x = np.maximum(np.random.default_rng(7).normal(size=(2, 12, 12, 3)), 0).astype("float32")
        x[:, :7, :7] = 0
        x = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = LpPool2D(p=p, kernel=kernel)(x)
            total = tf.reduce_sum(y)
        gradient = tape.gradient(total, x).numpy()
        assert np.all(np.isfinite(gradient)) and np.all(np.isfinite(y.numpy()))
        # Windows of zeros give about epsilon (exactly 0 once epsilon^p underflows, p=16).
        assert np.all(np.abs(y.numpy()[:, :3, :3]) <= 100 * EPS)

    @pytest.mark.parametrize("p", [-1, 0.5, 1.5, 2, 3, 4])
    def test_gradient_matches_finite_differences(self, p):
        x = np.random.default_rng(8).uniform(0.2, 1.0, size=(1, 6, 5, 2))
        x *= np.sign(np.random.default_rng(9).normal(size=x.shape))
        layer = LpPool2D(p=p, kernel="gaussian", dtype="float64")
        analytic, numeric = tf.test.compute_gradient(layer, [tf.constant(x)])
        np.testing.assert_allclose(analytic[0], numeric[0], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("p", [-1, 1, 2, 4])
def test_a_half_precision_policy_pools_in_float32(p):
    # Keras's layer-test harness runs a mixed_float16 pass; p=-1's zero windows sum epsilon^-1.
    x = np.abs(np.random.default_rng(0).normal(size=(2, 8, 8, 3))).astype("float32")
    x[0, :4, :4] = 0.0
    layer = LpPool2D(p=p, pool_size=3, strides=2, dtype="mixed_float16")
    y = layer(x.astype("float16"))
    assert keras.backend.standardize_dtype(y.dtype) == "float16"
    reference = np.asarray(LpPool2D(p=p, pool_size=3, strides=2)(x.astype("float16").astype("float32")))
    np.testing.assert_allclose(np.asarray(y).astype("float32"), reference, rtol=2e-3, atol=1e-6)
