"""Report `lenet5`: the LeNet-5 builder, the learning-rate schedules per setting, the statistics
trial, the inverse-invariant model, and (slow) the statistics of the real MNIST file."""

import math

import keras
import numpy as np
import pytest

from kerasdl import data as kdata
from kerasdl import schedules
from kerasdl.layers import InverseInvariant
from kerasdl.runner import Row, RunOptions, run_table
from kerasdl.runner.execute import Trial
from reproduce import lenet5


def make_trial(config, data=None, row=None):
    return Trial(report="lenet5", table="t", row=row or Row("r", {}), config=config, seed=0, index=0, data=data)


def tiny_dataset(shape=(28, 28, 1), n_train=32, n_test=16, seed=0):
    rng = np.random.default_rng(seed)
    return kdata.Dataset(
        x_train=rng.integers(0, 256, (n_train, *shape), dtype=np.uint8),
        y_train=rng.integers(0, 10, n_train).astype(np.int64),
        x_test=rng.integers(0, 256, (n_test, *shape), dtype=np.uint8),
        y_test=rng.integers(0, 10, n_test).astype(np.int64),
        source="generated",
        name="tiny",
    )


class TestLeNet5:
    LAYERS = [
        keras.layers.Conv2D,
        keras.layers.MaxPooling2D,
        keras.layers.Conv2D,
        keras.layers.MaxPooling2D,
        keras.layers.Flatten,
        keras.layers.Dense,
        keras.layers.Dense,
        keras.layers.Dense,
    ]

    # conv 6*(5*5*C+1), conv 16*(5*5*6+1), dense (flat*120+120), 120*84+84, 84*10+10
    @pytest.mark.parametrize(
        "shape, flat",
        [((28, 28, 1), 4 * 4 * 16), ((32, 32, 3), 5 * 5 * 16)],
    )
    def test_layers_and_parameter_count(self, shape, flat):
        model = lenet5.build_lenet5(shape)
        assert [type(layer) for layer in model.layers] == self.LAYERS
        assert [layer.output.shape[-1] for layer in model.layers if isinstance(layer, keras.layers.Dense)] == [120, 84, 10]
        assert model.layers[4].output.shape[-1] == flat
        channels = shape[-1]
        expected = 6 * (25 * channels + 1) + 16 * (25 * 6 + 1) + flat * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10
        assert model.count_params() == expected
        assert model.count_params() == {1: 44426, 3: 62006}[channels]

    def test_activations(self):
        model = lenet5.build_lenet5((28, 28, 1))
        activations = [layer.activation.__name__ for layer in model.layers if hasattr(layer, "activation")]
        assert activations == ["relu", "relu", "relu", "relu", "softmax"]

    def test_inverse_invariant_comes_first_and_adds_no_weights(self):
        model = lenet5.build_lenet5((28, 28, 1), inverse_invariant=True)
        assert isinstance(model.layers[0], InverseInvariant)
        assert [type(layer) for layer in model.layers[1:]] == self.LAYERS
        assert model.count_params() == lenet5.build_lenet5((28, 28, 1)).count_params()

    @pytest.mark.parametrize("reg, kind", [("l2", keras.regularizers.L2), ("l1", keras.regularizers.L1), (None, type(None))])
    def test_every_kernel_gets_the_penalty(self, reg, kind):
        model = lenet5.build_lenet5((28, 28, 1), reg=reg, reg_weight=1e-3)
        kernels = [layer for layer in model.layers if hasattr(layer, "kernel")]
        assert len(kernels) == 5
        for layer in kernels:
            assert isinstance(layer.kernel_regularizer, kind)
            if reg:
                assert layer.kernel_regularizer.get_config()[reg] == pytest.approx(1e-3)

    @pytest.mark.parametrize("init, kind", [("he", keras.initializers.HeNormal), ("random", keras.initializers.RandomNormal)])
    def test_initializers(self, init, kind):
        model = lenet5.build_lenet5((28, 28, 1), init=init)
        for layer in model.layers:
            if hasattr(layer, "kernel"):
                assert isinstance(layer.kernel_initializer, kind)
        if init == "random":
            assert model.layers[0].kernel_initializer.get_config()["stddev"] == 0.05

    def test_unknown_choices_are_rejected(self):
        with pytest.raises(ValueError, match="initializer"):
            lenet5.build_lenet5((28, 28, 1), init="xavier")
        with pytest.raises(ValueError, match="regularizer"):
            lenet5.build_lenet5((28, 28, 1), reg="l3")

    def test_identical_predictions_on_an_image_and_its_inverse(self):
        model = lenet5.build_lenet5((28, 28, 1), inverse_invariant=True)
        x = tiny_dataset().scaled().x_test
        inverse = kdata.inverse(x)
        np.testing.assert_allclose(model.predict(x, verbose=0), model.predict(inverse, verbose=0), atol=1e-6)
        # Without the layer the two inputs are told apart.
        plain = lenet5.build_lenet5((28, 28, 1))
        assert not np.allclose(plain.predict(x, verbose=0), plain.predict(inverse, verbose=0), atol=1e-3)


class TestUnstatedChoices:
    """The report's unstated choices (`REPORT.unstated`): every other candidate builds another model,
    the defaults build today's, and no table sets them (so stored trials keep their identity)."""

    CONFIG = {**lenet5.BASE, "init": "random"}

    @staticmethod
    def signature(model):
        return [(type(getattr(layer, "kernel_initializer", None)).__name__, tuple(layer.output.shape)) for layer in model.layers]

    @pytest.mark.parametrize("key, value", [(c.key, a.value) for c in lenet5.REPORT.unstated for a in c.alternatives])
    @pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3)])
    def test_every_other_candidate_changes_the_model(self, key, value, shape):
        default = lenet5.model_of(self.CONFIG, shape, 10)
        assert self.signature(lenet5.model_of({**self.CONFIG, key: value}, shape, 10)) != self.signature(default)

    def test_the_defaults_are_the_models_of_the_stored_trials(self):
        defaults = {c.key: c.default.value for c in lenet5.REPORT.unstated}
        assert defaults == {"random_init": "random_normal", "padding": "valid"}
        model = lenet5.model_of({**self.CONFIG, **defaults}, (28, 28, 1), 10)
        assert self.signature(model) == self.signature(lenet5.model_of(self.CONFIG, (28, 28, 1), 10))
        assert model.get_layer("conv1").kernel_initializer.get_config() == {"seed": None, "mean": 0.0, "stddev": 0.05}
        assert model.get_layer("flatten").output.shape[-1] == 4 * 4 * 16
        keras.utils.set_random_seed(1)
        chosen = lenet5.model_of({**self.CONFIG, **defaults}, (28, 28, 1), 10).get_weights()
        keras.utils.set_random_seed(1)
        plain = lenet5.build_lenet5((28, 28, 1), init="random", reg="l2").get_weights()
        assert all(np.array_equal(a, b) for a, b in zip(chosen, plain))

    def test_same_padding_gives_lenet5s_own_feature_maps(self):
        model = lenet5.model_of({**self.CONFIG, "padding": "same"}, (28, 28, 1), 10)
        assert [model.get_layer(n).output.shape[1] for n in ("conv1", "pool1", "conv2", "pool2")] == [28, 14, 10, 5]

    def test_the_choices_name_the_tables_that_read_them_and_no_table_sets_them(self):
        trained = {t.name for t in lenet5.REPORT.tables if t.run is lenet5.run}
        random = {t.name for t in lenet5.REPORT.tables for r in t.rows if r.config.get("init") == "random"}
        assert set(lenet5.PADDING.tables) == trained and set(lenet5.RANDOM_INIT.tables) == random
        for choice in lenet5.REPORT.unstated:
            for table in lenet5.REPORT.tables:
                assert all(choice.key not in lenet5.REPORT.settings(table, p) for p in ("smoke", "fast", "paper"))
                assert all(choice.key not in row.config for row in table.rows)


def scheduled_rows():
    """Every row of the report with a schedule, with its table."""
    return [(table, row) for table in lenet5.REPORT.tables for row in table.rows if row.config.get("schedule")]


class TestSchedules:
    def test_the_report_has_three_scheduled_settings(self):
        assert {(t.name, r.name.split(":")[0]) for t, r in scheduled_rows()} == {
            ("fashion_mnist", "setting 1"),
            ("cifar10", "setting 2"),
            ("cifar10", "setting 3"),
        }

    @pytest.mark.parametrize("table, row", scheduled_rows(), ids=lambda v: getattr(v, "name", ""))
    def test_paper_profile_uses_the_report_epochs(self, table, row):
        config = {**lenet5.REPORT.settings(table, "paper"), **row.config}
        schedule = row.config["schedule"]
        steps = 7
        epochs, rate = lenet5.learning_rate(config, steps)
        assert epochs == schedule["epochs"]
        assert rate.boundaries == tuple(schedule["boundaries"])
        lr = config["lr"]

        def at_epoch(e):  # the rate of 0-based epoch e's first and last step
            return float(rate(e * steps)), float(rate(e * steps + steps - 1))

        first = schedule["boundaries"][0]
        assert at_epoch(first - 1) == pytest.approx((lr, lr))
        for boundary, multiplier in zip(schedule["boundaries"], schedule["multipliers"]):
            assert at_epoch(boundary) == pytest.approx((lr * multiplier, lr * multiplier))
        assert at_epoch(epochs - 1)[1] == pytest.approx(lr * schedule["multipliers"][-1])

    def test_unscheduled_rows_use_a_constant_rate(self):
        for table in lenet5.REPORT.tables:
            for row in table.rows:
                if "lr" in row.config and not row.config["schedule"]:
                    config = {**lenet5.REPORT.settings(table, "fast"), **row.config}
                    assert lenet5.learning_rate(config, 10) == (config["epochs"], row.config["lr"])

    @pytest.mark.parametrize("table, row", scheduled_rows(), ids=lambda v: getattr(v, "name", ""))
    def test_fast_profile_scales_the_schedule(self, table, row):
        config = {**lenet5.REPORT.settings(table, "fast"), **row.config}
        schedule = row.config["schedule"]
        epochs, rate = lenet5.learning_rate(config, 5)
        scale = config["epochs"] / table.config["report_epochs"]
        assert (epochs, list(rate.boundaries)) == schedules.scaled_schedule(schedule["epochs"], schedule["boundaries"], scale)
        assert rate.multipliers == tuple(schedule["multipliers"])

    def test_the_trial_trains_at_the_scheduled_rate_each_epoch(self):
        table = lenet5.REPORT.table("cifar10")
        row = next(r for r in table.rows if len((r.config["schedule"] or {}).get("boundaries", [])) == 2)
        config = {**lenet5.REPORT.settings(table, "smoke"), **row.config, "epochs": 10}
        data = tiny_dataset(shape=(32, 32, 3))
        result = lenet5.run(make_trial(config, data, row))
        epochs, boundaries = schedules.scaled_schedule(150, [120, 140], 10 / 150)
        assert (epochs, boundaries) == (10, [8, 9])
        lr = row.config["lr"]
        expected = [lr] * boundaries[0] + [lr * 0.5] * (boundaries[1] - boundaries[0]) + [lr * 0.1] * (epochs - boundaries[1])
        assert result.history["learning_rate"] == pytest.approx(expected)
        assert set(result.metrics) == {"test_accuracy"}


class TestStatsTrial:
    @pytest.mark.parametrize("split", ["train", "test"])
    @pytest.mark.parametrize("inverse", [False, True])
    def test_matches_numpy(self, split, inverse):
        data = tiny_dataset(n_train=5, n_test=3, seed=4)
        x = (data.x_train if split == "train" else data.x_test).astype(np.float64) / 255
        if inverse:
            x = 1 - x
        result = lenet5.run_stats(make_trial({"split": split, "inverse": inverse}, data))
        assert result.metrics["pixel_mean"] == pytest.approx(np.mean(x), abs=1e-12)
        assert result.metrics["pixel_std"] == pytest.approx(np.std(x), abs=1e-12)

    def test_hand_made_values(self):
        # Pixels 0 and 255, half each: mean 0.5, std 0.5; the inverse alike.
        x = np.array([0, 255, 0, 255], dtype=np.uint8).reshape(1, 2, 2, 1)
        data = kdata.Dataset(x, np.zeros(1, np.int64), x, np.zeros(1, np.int64), source="generated", name="hand")
        result = lenet5.run_stats(make_trial({"split": "train", "inverse": True}, data))
        assert result.metrics == pytest.approx({"pixel_mean": 0.5, "pixel_std": 0.5})


class TestInverseTrial:
    def test_reports_both_test_sets_and_renames_the_curves(self):
        table = lenet5.REPORT.table("inverse_invariant")
        row = table.rows[1]
        assert row.config["inverse_invariant"]
        config = {**lenet5.REPORT.settings(table, "smoke"), **row.config, "epochs": 2}
        result = lenet5.run(make_trial(config, tiny_dataset(), row))
        assert set(result.metrics) == {"test_accuracy", "inverse_test_accuracy"}
        # F(x) = F(1 - x): the model cannot tell the two test sets apart.
        assert result.metrics["test_accuracy"] == pytest.approx(result.metrics["inverse_test_accuracy"])
        assert {"accuracy", "inverse_test_accuracy", "inverse_test_loss", "learning_rate"} <= set(result.history)
        assert len(result.history["inverse_test_accuracy"]) == 2


class TestProfiles:
    TRAINED = ["mnist", "fashion_mnist", "cifar10", "inverse_mnist", "inverse_invariant"]

    def test_the_report_wide_profiles_set_no_epochs(self):
        assert all("epochs" not in settings for settings in lenet5.PROFILES.values())

    @pytest.mark.parametrize("name", TRAINED)
    def test_every_training_table_sets_its_epochs_and_the_paper_ones_are_the_reports(self, name):
        table = lenet5.REPORT.table(name)
        assert set(table.profiles) == {"smoke", "fast", "paper"}
        assert all("epochs" in overrides for overrides in table.profiles.values())
        assert table.profiles["smoke"]["epochs"] == 1
        assert table.profiles["paper"]["epochs"] == table.config["report_epochs"]

    def test_the_inverse_tables_share_their_baseline_trials(self):
        a, b = (lenet5.REPORT.table(name) for name in ("inverse_mnist", "inverse_invariant"))
        for profile in ("smoke", "fast", "paper"):
            assert lenet5.REPORT.settings(a, profile) == lenet5.REPORT.settings(b, profile)

    @pytest.mark.parametrize("name, fast", [("mnist", 15), ("fashion_mnist", 10), ("cifar10", 12), ("inverse_mnist", 15)])
    def test_fast_epochs_are_unchanged(self, name, fast):
        # Stored fast trials are keyed by their merged settings: the epochs must stay what they were.
        assert lenet5.REPORT.settings(lenet5.REPORT.table(name), "fast")["epochs"] == fast

    @pytest.mark.parametrize("name", ["mnist_stats", "tsne"])
    def test_untrained_tables_keep_the_epochs_of_their_stored_identity(self, name):
        table = lenet5.REPORT.table(name)
        epochs = {p: lenet5.REPORT.settings(table, p)["epochs"] for p in ("smoke", "fast", "paper")}
        assert epochs == {"smoke": 1, "fast": 10, "paper": 80}


@pytest.mark.slow
def test_mnist_stats_on_the_real_file(shared_data, tmp_path):
    summary = run_table(lenet5.REPORT, lenet5.REPORT.table("mnist_stats"), RunOptions("fast", out=tmp_path, data_dir=str(shared_data), quiet=True), echo=None)
    with np.load(shared_data / "mnist.npz") as files:
        arrays = {split: files[f"x_{split}"].astype(np.float64) / 255 for split in ("train", "test")}
    for row in summary["rows"]:
        split = row["name"].split()[-1]
        x = 1 - arrays[split] if row["name"].startswith("inverse") else arrays[split]
        assert row["reproduced"]["pixel_mean"]["mean"] == pytest.approx(np.mean(x), abs=1e-9)
        assert row["reproduced"]["pixel_std"]["mean"] == pytest.approx(np.std(x), abs=1e-9)
    assert (tmp_path / "lenet5" / "mnist_pixel_histograms.png").exists()
    assert math.isclose(summary["rows"][0]["reproduced"]["pixel_mean"]["mean"] + summary["rows"][1]["reproduced"]["pixel_mean"]["mean"], 1)
