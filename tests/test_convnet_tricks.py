"""Report `convnet_tricks` on the course starter: its inputs (32x32, standardised, contrast-normalised),
the Torch7 tutorial network per row, the overlapping max pooling, the Torch-style momentum, the
timing trial and the derivations table."""

import keras
import numpy as np
import pytest

from kerasdl.data import Dataset
from kerasdl.layers import DivisiveNormalization, LpPool2D, OverlappingMaxPool2D, SubtractiveNormalization
from kerasdl.runner import Row, RunOptions, Trial, run_table
from reproduce import convnet_tricks as ct

SMALL = {**ct.PROFILES["smoke"], **ct.SHARED}
POOLING_KIND = {
    "l2": (LpPool2D, 2.0),
    "l4": (LpPool2D, 4.0),
    "max": (keras.layers.MaxPooling2D, None),
    "overlapping_max": (OverlappingMaxPool2D, None),
}


def _config(row):
    return {**SMALL, **row.config}


def _body(model):
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


@pytest.mark.parametrize("row", [r for r in ct.t2_2.rows if r.config["model"] == "convnet"], ids=lambda r: r.name)
def test_convnet_row_layer_sequence_and_shapes(row):
    config = _config(row)
    pool_class, p = POOLING_KIND[config["pooling"]]
    model = ct.build_model(config, (28, 28, 1), 10)
    body = _body(model)
    expected = [("pad", 2), ("standardize", None), ("norm", 7), ("divide", 1.0)]
    for maps, rate in zip(config["maps"], ct.DROPOUT_AFTER_POOLING):
        expected += [("conv", maps), ("act", config["activation"]), ("pool", p)]
        if config["dropout"]:
            expected.append(("dropout", rate))
        expected.append(("norm", 7))
    expected += [("flatten", None), ("dense", config["hidden"]), ("act", "tanh"), ("dense", 10), ("act", "softmax")]

    def describe(layer):
        if isinstance(layer, keras.layers.Conv2D):
            assert layer.kernel_size == (5, 5) and layer.padding == "valid"
            return ("conv", layer.filters)
        if isinstance(layer, keras.layers.Activation):
            return ("act", layer.activation.__name__)
        if isinstance(layer, pool_class):
            return ("pool", layer.p if isinstance(layer, LpPool2D) else None)
        if isinstance(layer, keras.layers.Dropout):
            return ("dropout", layer.rate)
        if isinstance(layer, SubtractiveNormalization):
            return ("norm", layer.kernel_size)
        if isinstance(layer, DivisiveNormalization):
            assert layer.kernel_size == 7
            return ("divide", layer.threshold)
        if isinstance(layer, keras.layers.ZeroPadding2D):
            return ("pad", layer.padding[0][0])
        if isinstance(layer, keras.layers.Normalization):
            return ("standardize", None)
        if isinstance(layer, keras.layers.Flatten):
            return ("flatten", None)
        if isinstance(layer, keras.layers.Dense):
            return ("dense", layer.units)
        return (type(layer).__name__, None)

    assert [describe(layer) for layer in body] == expected
    assert model(np.zeros((3, 28, 28, 1), "float32")).shape == (3, 10)
    # The starter's sizes: 32 -> 28 -> 14 -> 10 -> 5.
    assert [layer.output.shape[1:3] for layer in body if isinstance(layer, pool_class)] == [(14, 14), (5, 5)]
    if config["pooling"] in ("l2", "l4"):
        assert all(layer.kernel == "uniform" and layer.pool_size == 2 and layer.strides == 2
                   for layer in body if isinstance(layer, LpPool2D))


def test_baseline_is_one_hidden_tanh_layer():
    body = _body(ct.build_model(_config(ct.t2_2.row(ct.BASELINE))))
    names = [type(layer).__name__ for layer in body]
    assert names == ["ZeroPadding2D", "Normalization", "SubtractiveNormalization", "DivisiveNormalization",
                     "Flatten", "Dense", "Activation", "Dense", "Activation"]
    assert body[4].output.shape == (None, 1024)
    assert body[5].units == ct.SHARED["mlp_hidden"] == 512 and body[6].activation.__name__ == "tanh"
    assert body[-1].output.shape == (None, 10)


def test_momentum_steps_like_torch():
    # A constant gradient: Torch7's dampened momentum steps lr * g; the Keras translation must too.
    config = {"learning_rate": 0.1, "momentum": 0.7}
    weight = keras.Variable(np.zeros(1, "float32"))
    opt = ct.optimizer(config)
    steps = []
    for _ in range(60):
        before = float(weight.numpy()[0])
        opt.apply_gradients([(keras.ops.ones(1), weight)])
        steps.append(before - float(weight.numpy()[0]))
    assert steps[-1] == pytest.approx(config["learning_rate"], rel=1e-4)


def _dataset(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (n, 28, 28, 1)).astype("uint8")
    y = rng.integers(0, 10, n).astype("int64")
    return Dataset(x, y, x[:8], y[:8], source="generated", name="mnist")


def test_the_padded_training_pixels_are_standardized():
    data = _dataset().scaled()
    model = ct.compiled_model({**SMALL, **ct.t2_2.row("L2 pooling + Tanh").config}, data)
    padded = np.pad(data.x_train, ((0, 0), (2, 2), (2, 2), (0, 0)))
    assert ct.pixel_stats(data) == pytest.approx((padded.mean(), padded.std()), rel=1e-6)
    standardized = np.asarray(model.get_layer("standardize")(padded))
    assert abs(standardized.mean()) < 1e-4 and standardized.std() == pytest.approx(1.0, abs=1e-4)


def test_every_profile_keeps_the_reports_optimizer_and_the_starters_widths_but_smoke():
    for name, profile in ct.PROFILES.items():
        assert (profile["learning_rate"], profile["batch_size"]) == (0.001, 16), name
    assert ct.SHARED["momentum"] == 0.7
    assert all((ct.PROFILES[p]["maps"], ct.PROFILES[p]["hidden"]) == ([64, 64], 128) for p in ("fast", "paper"))


def test_model_with_overlapping_pooling_survives_a_keras_file(tmp_path):
    config = {**SMALL, **ct.t2_2.row("overlapping max pooling + Tanh + dropout").config}
    model = ct.build_model(config, (28, 28, 1), 10, (0.13, 0.31))
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    x = np.random.default_rng(1).random((2, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-6, atol=1e-6)


def test_timing_trial_gives_positive_costs_at_every_batch_size():
    data = _dataset()
    # The trial times whatever network the config names; a tiny MLP keeps the tracing cheap.
    settings = {**SMALL, **ct.t2_1.config, "model": "mlp", "mlp_hidden": 4, "timing_samples": 16}
    for row in ct.t2_1.rows:
        config = {**settings, **row.config}
        trial = Trial("convnet_tricks", "t2_1_batch_size", row, config, seed=0, index=0, data=data)
        result = ct.run_timing(trial)
        assert set(result.metrics) == {"train_ms_per_sample", "test_ms_per_sample"}
        assert all(v > 0 and np.isfinite(v) for v in result.metrics.values()), row.name
        assert result.extra["samples"] >= config["batch_size"]


def test_batch_size_rows_are_the_reports():
    assert [row.config["batch_size"] for row in ct.t2_1.rows] == [1, 2, 4, 8, 10, 16, 32, 128]


def test_timing_conclusion_reads_the_shape():
    falling = {f"batch {b}": {"train_ms_per_sample": 10 / b, "test_ms_per_sample": 5.0} for b in ct.BATCH_SIZES}
    train, test = (c.check(falling) for c in ct.t2_1.conclusions)
    assert train is True and test is False


def test_derivations_table_values_are_small(tmp_path):
    summary = run_table(ct.REPORT, ct.derivations_table, RunOptions("smoke", out=tmp_path, quiet=True), echo=None)
    values = [row["reproduced"]["max_abs_diff"]["mean"] for row in summary["rows"]]
    assert len(values) == 3 and all(0 <= v < 1e-10 for v in values)
    assert summary["conclusions"][0]["holds"] is True


def test_results_conclusions_on_a_made_up_table():
    errors = {name: 1.0 for name in ct.CONVNETS}
    errors[ct.BASELINE] = 3.0
    errors["overlapping max pooling + Tanh + dropout"] = 0.5
    means = {name: {"test_error_pct": e} for name, e in errors.items()}
    verdicts = {c.claim: c.check(means) for c in ct.t2_2.conclusions}
    assert verdicts["every ConvNet beats the simple 2-layer NN"] is True
    assert verdicts["overlapping max pooling + Tanh + dropout is the best model"] is True
    assert verdicts["Tanh beats ReLU (L2 pooling)"] is False


def test_rows_have_one_paper_number():
    for table in (ct.t2_2, ct.t2_1):
        for row in table.rows:
            assert isinstance(row, Row) and set(row.paper) == set(table.columns)


def _penalties(model):
    return {layer.kernel_regularizer.lam for layer in model.layers if getattr(layer, "kernel_regularizer", None)}


@pytest.mark.parametrize("lam", ct.L2_LAMBDA.values)
def test_l2_lambda_reaches_every_kernel(lam):
    for row in (ct.t2_2.row(ct.BASELINE), ct.t2_2.row("L2 pooling + Tanh")):
        assert _penalties(ct.build_model({**_config(row), "l2_lambda": lam})) == {lam}
    assert ct.L2_LAMBDA.default.value == ct.SHARED["l2_lambda"]


def test_undampened_momentum_steps_lr_over_one_minus_m():
    # A constant gradient: with no dampening (v = m v + g) the steps grow to lr / (1 - m).
    config = {"learning_rate": 0.1, "momentum": 0.7, "dampening": 0}
    opt = ct.optimizer(config)
    assert float(opt.learning_rate) == pytest.approx(0.1)
    assert float(ct.optimizer({**config, "dampening": "momentum"}).learning_rate) == pytest.approx(0.03)
    weight = keras.Variable(np.zeros(1, "float32"))
    steps = []
    for _ in range(60):
        before = float(weight.numpy()[0])
        opt.apply_gradients([(keras.ops.ones(1), weight)])
        steps.append(before - float(weight.numpy()[0]))
    assert steps[0] == pytest.approx(0.1, rel=1e-5) and steps[-1] == pytest.approx(0.1 / 0.3, rel=1e-4)
