import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasdl import activations

RNG = np.random.default_rng(0)


def _reference(name, x):
    """NumPy reference of report alt_softmax's formulas (undefined rows excluded by the caller)."""
    if name == "abs_max":
        num = np.abs(x)
    elif name == "square_max":
        num = x**2
    elif name == "plus_one_abs_max":
        num = 1 + np.abs(x)
    else:
        num = np.maximum(0, x)
    return num / num.sum(-1, keepdims=True)


NAMES = ["abs_max", "square_max", "plus_one_abs_max", "non_negative_max"]


class TestCorrectness:
    @pytest.mark.parametrize("name", NAMES)
    def test_matches_formula(self, name):
        x = RNG.normal(size=(16, 10)).astype("float32")
        x[:, 0] = np.abs(x[:, 0]) + 0.1  # every row has a positive entry for non_negative_max
        got = np.asarray(getattr(activations, name)(x))
        np.testing.assert_allclose(got, _reference(name, x.astype("float64")), rtol=1e-5, atol=1e-7)

    @pytest.mark.parametrize("name", NAMES)
    def test_degenerate_and_huge_rows_are_finite_distributions(self, name):
        x = np.array(
            [[0, 0, 0, 0], [-1, -2, -3, -4], [1e30, -1e30, 3, 0], [3e38, 3e38, 3e38, -3e38]],
            "float32",
        )
        fn = getattr(activations, name)
        with tf.GradientTape() as tape:
            xt = tf.constant(x)
            tape.watch(xt)
            q = fn(xt)
            loss = tf.reduce_sum(q * tf.constant([1.0, 2.0, 3.0, 4.0]))
        grad = tape.gradient(loss, xt).numpy()
        q = q.numpy()
        assert np.isfinite(q).all() and np.isfinite(grad).all()
        np.testing.assert_allclose(q.sum(-1), 1.0, rtol=1e-6)
        assert (q >= 0).all()

    def test_undefined_rows_are_uniform(self):
        np.testing.assert_allclose(activations.abs_max(np.zeros((1, 4), "float32")), 0.25)
        np.testing.assert_allclose(
            activations.non_negative_max(-np.ones((1, 5), "float32")), 0.2, rtol=1e-6
        )

    @pytest.mark.parametrize("name", NAMES)
    def test_gradient_matches_finite_differences(self, name):
        x = tf.constant(RNG.normal(size=(3, 5)) + 0.5, dtype="float64")
        w = tf.constant(RNG.normal(size=(3, 5)), dtype="float64")
        fn = getattr(activations, name)
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = tf.reduce_sum(w * fn(x))
        grad = tape.gradient(value, x).numpy()
        h, numeric = 1e-6, np.zeros((3, 5))
        for idx in np.ndindex(3, 5):
            step = np.zeros((3, 5))
            step[idx] = h
            up = tf.reduce_sum(w * _reference(name, x.numpy() + step))
            down = tf.reduce_sum(w * _reference(name, x.numpy() - step))
            numeric[idx] = (up - down) / (2 * h)
        np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-6)

    def test_softmax_beta_is_softmax_of_minus_beta_x(self):
        x = RNG.normal(size=(4, 6))
        for beta in (1.0, 2.5, -0.5):
            e = np.exp(-beta * x - (-beta * x).max(-1, keepdims=True))
            np.testing.assert_allclose(
                activations.softmax_beta(beta)(x), e / e.sum(-1, keepdims=True), rtol=1e-6
            )


class TestContract:
    def test_registered_and_round_trip(self, tmp_path):
        inputs = keras.Input((6,))
        outputs = [
            keras.layers.Dense(4, activation=getattr(activations, name))(inputs) for name in NAMES
        ] + [keras.layers.Dense(4, activation=activations.softmax_beta(2.0))(inputs)]
        model = keras.Model(inputs, outputs)
        path = tmp_path / "m.keras"
        model.save(path)
        loaded = keras.models.load_model(path)
        x = RNG.normal(size=(5, 6)).astype("float32")
        for a, b in zip(model.predict(x, verbose=0), loaded.predict(x, verbose=0)):
            np.testing.assert_array_equal(a, b)
        assert loaded.layers[-1].activation.beta == 2.0

    @pytest.mark.parametrize("beta", [0, 0.0, float("nan"), float("inf"), "2", None, True])
    def test_bad_beta(self, beta):
        with pytest.raises(ValueError, match="beta"):
            activations.softmax_beta(beta)


@pytest.mark.parametrize(
    "beta",
    [np.float64(2.0), np.float32(2.0), np.float16(2.0), np.int64(2), np.int32(2), np.int8(2)],
)
def test_numpy_beta_is_accepted_as_plain_float(beta):
    activation = activations.softmax_beta(beta)
    assert activation.beta == 2.0 and type(activation.beta) is float
    assert activation.get_config() == activations.SoftmaxBeta(2.0).get_config()


@pytest.mark.parametrize(
    "beta",
    [True, False, np.bool_(True), np.float32(0), np.int64(0), np.float64("nan"), np.float32("inf")],
)
def test_bool_and_bad_numpy_beta_are_refused(beta):
    with pytest.raises(ValueError, match="`beta`"):
        activations.SoftmaxBeta(beta)
