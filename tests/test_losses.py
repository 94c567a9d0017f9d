import keras
import numpy as np
import pytest

from kerasdl import losses

RNG = np.random.default_rng(1)


def _probabilities(n, k):
    p = RNG.random((n, k)).astype("float32")
    p[0, :] = 0  # exact zeros, as abs-max and friends produce
    p[0, 0] = 1
    return p / p.sum(-1, keepdims=True)


class TestClippedCrossEntropy:
    def test_matches_reference(self):
        q = _probabilities(8, 10)
        labels = RNG.integers(0, 10, 8)
        labels[0] = 3  # probability exactly zero: the clip decides the value
        onehot = np.eye(10, dtype="float32")[labels]
        expected = -np.mean(np.sum(onehot * np.log(np.clip(q, 1e-10, 1)), -1))
        assert float(losses.ClippedCrossEntropy()(onehot, q)) == pytest.approx(expected, rel=1e-5)
        sparse = losses.ClippedCrossEntropy(sparse=True)(labels, q)
        assert float(sparse) == pytest.approx(expected, rel=1e-5)

    def test_epsilon_changes_the_floor(self):
        q = np.array([[0.0, 1.0]], "float32")
        y = np.array([[1.0, 0.0]], "float32")
        assert float(losses.ClippedCrossEntropy(epsilon=1e-3)(y, q)) == pytest.approx(-np.log(1e-3), rel=1e-5)

    @pytest.mark.parametrize("eps", [0, 1, -1e-3, "x", None])
    def test_bad_epsilon(self, eps):
        with pytest.raises(ValueError, match="epsilon"):
            losses.ClippedCrossEntropy(epsilon=eps)


class TestProbabilityMSE:
    def test_sums_classes_and_averages_batch(self):
        q = _probabilities(6, 4)
        labels = RNG.integers(0, 4, 6)
        onehot = np.eye(4, dtype="float32")[labels]
        expected = np.mean(np.sum((q - onehot) ** 2, -1))
        assert float(losses.ProbabilityMSE()(onehot, q)) == pytest.approx(expected, rel=1e-5)
        assert float(losses.ProbabilityMSE(sparse=True)(labels, q)) == pytest.approx(expected, rel=1e-5)


class TestBinaryHinge:
    def test_matches_reference(self):
        scores = RNG.normal(size=(10, 1)).astype("float32")
        y = RNG.integers(0, 2, (10, 1))
        expected = np.mean(np.maximum(0, 1 - (2 * y - 1) * scores))
        assert float(losses.BinaryHinge()(y, scores)) == pytest.approx(expected, rel=1e-5)
        assert float(losses.BinaryHinge(margin=2.0)(y, scores)) == pytest.approx(
            np.mean(np.maximum(0, 2 - (2 * y - 1) * scores)), rel=1e-5
        )

    @pytest.mark.parametrize("margin", [0, -1, "1"])
    def test_bad_margin(self, margin):
        with pytest.raises(ValueError, match="margin"):
            losses.BinaryHinge(margin=margin)


@pytest.mark.parametrize(
    "loss",
    [losses.ClippedCrossEntropy(epsilon=1e-7, sparse=True), losses.ProbabilityMSE(sparse=True), losses.BinaryHinge(margin=0.5)],
)
def test_config_round_trip(loss):
    restored = keras.losses.deserialize(keras.losses.serialize(loss))
    assert type(restored) is type(loss)
    assert restored.get_config() == loss.get_config()


@pytest.mark.parametrize(
    "integer, real", [(np.int64, np.float64), (np.int32, np.float32), (np.int8, np.float16)]
)
def test_numpy_scalars_are_accepted_as_plain_values(integer, real):
    for margin, expected in ((integer(2), 2.0), (real(0.5), 0.5)):
        hinge = losses.BinaryHinge(margin=margin)
        assert hinge.margin == expected and type(hinge.margin) is float
        assert hinge.get_config() == losses.BinaryHinge(margin=expected).get_config()
    clipped = losses.ClippedCrossEntropy(epsilon=real(0.5))
    assert clipped.epsilon == 0.5 and type(clipped.epsilon) is float


@pytest.mark.parametrize(
    "factory, word",
    [
        (lambda: losses.ClippedCrossEntropy(epsilon=True), "epsilon"),
        (lambda: losses.ClippedCrossEntropy(epsilon=np.bool_(True)), "epsilon"),
        (lambda: losses.ClippedCrossEntropy(epsilon=np.float32(1.0)), "epsilon"),
        (lambda: losses.ClippedCrossEntropy(epsilon=np.float64("nan")), "epsilon"),
        (lambda: losses.BinaryHinge(margin=True), "margin"),
        (lambda: losses.BinaryHinge(margin=np.int64(0)), "margin"),
        (lambda: losses.BinaryHinge(margin=np.float64("inf")), "margin"),
    ],
)
def test_bools_and_bad_numpy_scalars_are_refused(factory, word):
    with pytest.raises(ValueError, match=f"`{word}`"):
        factory()
