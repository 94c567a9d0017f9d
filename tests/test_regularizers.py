import keras
import numpy as np
import pytest

from kerasdl import regularizers

W = np.random.default_rng(2).normal(size=(5, 7)).astype("float32")


class TestSignedLp:
    @pytest.mark.parametrize("p", [-1, 1, 2, 4, 0.5])
    @pytest.mark.parametrize("sign", [1, -1])
    def test_value(self, p, sign):
        reg = regularizers.SignedLp(p=p, weight_decay=1e-3, sign=sign)
        magnitude = np.abs(W.astype("float64")) + (1e-6 if p < 0 else 0)
        expected = sign * 1e-3 * np.sum(magnitude**p)
        assert float(reg(W)) == pytest.approx(expected, rel=1e-4)

    def test_negative_p_is_finite_at_zero(self):
        assert np.isfinite(float(regularizers.SignedLp(p=-1)(np.zeros((3, 3), "float32"))))

    @pytest.mark.parametrize(
        "kwargs, word",
        [
            ({"p": 0}, "p"),
            ({"p": float("nan")}, "p"),
            ({"p": "2"}, "p"),
            ({"weight_decay": -1e-3}, "weight_decay"),
            ({"sign": 2}, "sign"),
            ({"epsilon": 0}, "epsilon"),
        ],
    )
    def test_bad_arguments(self, kwargs, word):
        with pytest.raises(ValueError, match=word):
            regularizers.SignedLp(**kwargs)


class TestElasticNet:
    @pytest.mark.parametrize("ratio", [0.0, 0.3, 1.0])
    def test_value(self, ratio):
        reg = regularizers.ElasticNet(lam=0.01, l1_ratio=ratio)
        expected = 0.01 * (ratio * np.abs(W).sum() + (1 - ratio) * (W.astype("float64") ** 2).sum())
        assert float(reg(W)) == pytest.approx(expected, rel=1e-5)

    @pytest.mark.parametrize("kwargs", [{"lam": -1}, {"l1_ratio": 1.5}, {"l1_ratio": "a"}])
    def test_bad_arguments(self, kwargs):
        with pytest.raises(ValueError):
            regularizers.ElasticNet(**kwargs)


@pytest.mark.parametrize(
    "reg", [regularizers.SignedLp(p=-1, weight_decay=0.01, sign=-1), regularizers.ElasticNet(0.005, 0.5)]
)
def test_config_round_trip(reg):
    restored = keras.regularizers.deserialize(keras.regularizers.serialize(reg))
    assert type(restored) is type(reg) and restored.get_config() == reg.get_config()
    assert float(restored(W)) == pytest.approx(float(reg(W)))


def test_penalty_enters_the_model_loss():
    layer = keras.layers.Dense(3, kernel_regularizer=regularizers.SignedLp(p=2, weight_decay=0.1, sign=-1))
    layer.build((None, 4))
    layer(np.zeros((1, 4), "float32"))
    kernel = np.asarray(layer.kernel)
    assert float(sum(layer.losses)) == pytest.approx(-0.1 * np.sum(kernel**2), rel=1e-5)


@pytest.mark.parametrize(
    "integer, real", [(np.int64, np.float64), (np.int32, np.float32), (np.int8, np.float16)]
)
def test_numpy_scalars_are_accepted_as_plain_values(integer, real):
    reg = regularizers.SignedLp(
        p=integer(2), weight_decay=real(0.5), sign=integer(-1), epsilon=real(0.5)
    )
    assert reg.get_config() == regularizers.SignedLp(2, 0.5, -1, 0.5).get_config()
    assert all(type(v) in (int, float) for v in reg.get_config().values())
    assert regularizers.SignedLp(p=real(-1), sign=real(1)).sign == 1
    net = regularizers.ElasticNet(lam=integer(1), l1_ratio=real(0.5))
    assert net.get_config() == {"lam": 1.0, "l1_ratio": 0.5}
    assert regularizers.ElasticNet(lam=real(0), l1_ratio=integer(1)).l1_ratio == 1.0


@pytest.mark.parametrize(
    "factory, word",
    [
        (lambda: regularizers.SignedLp(p=True), "p"),
        (lambda: regularizers.SignedLp(weight_decay=False), "weight_decay"),
        (lambda: regularizers.SignedLp(sign=True), "sign"),
        (lambda: regularizers.SignedLp(sign=np.bool_(True)), "sign"),
        (lambda: regularizers.SignedLp(sign=np.int64(2)), "sign"),
        (lambda: regularizers.SignedLp(epsilon=True), "epsilon"),
        (lambda: regularizers.SignedLp(epsilon=np.float32("inf")), "epsilon"),
        (lambda: regularizers.ElasticNet(lam=True), "lam"),
        (lambda: regularizers.ElasticNet(l1_ratio=True), "l1_ratio"),
        (lambda: regularizers.ElasticNet(l1_ratio=False), "l1_ratio"),
        (lambda: regularizers.ElasticNet(l1_ratio=np.float64(1.5)), "l1_ratio"),
        (lambda: regularizers.ElasticNet(lam=np.float32("nan")), "lam"),
    ],
)
def test_bools_and_bad_numpy_scalars_are_refused(factory, word):
    with pytest.raises(ValueError, match=f"`{word}`"):
        factory()


@pytest.mark.parametrize("name, kind", [("l1", keras.regularizers.L1), ("l2", keras.regularizers.L2)])
def test_kernel_penalty_by_name(name, kind):
    penalty = regularizers.kernel_penalty(name, 1e-3)
    assert isinstance(penalty, kind) and penalty.get_config()[name] == pytest.approx(1e-3)
    assert regularizers.kernel_penalty(None, 1e-3) is None
    with pytest.raises(ValueError, match="unknown kernel regularizer 'l3'"):
        regularizers.kernel_penalty("l3", 1e-3)
