"""Report `classifiers`: the models follow the report's layers, the stand-in task is what its note
says, and the report runs in smoke on generated data."""

import json

import keras
import numpy as np
import pytest

from kerasdl.data import Dataset
from kerasdl.commands import main as reproduce_main
from kerasdl.runner.registry import load_report, report_ids
from kerasdl.runner.plan import check_overrides
from reproduce import classifiers
from tests.test_cli import write_fake_data


def _layers(model, kind):
    return [layer for layer in model.layers if isinstance(layer, kind)]


def _config(table, **row):
    return {**classifiers.REPORT.settings(table, "smoke"), **row}


def test_registered_with_every_table():
    assert "classifiers" in report_ids()
    report = load_report("classifiers")
    assert [t.name for t in report.tables] == [
        "derivations", "q2_logistic", "q3_svm", "q4_softmax_mnist", "q5_cnn_mnist", "q6_cifar10"
    ]
    for table in report.tables:
        for row in table.rows:
            assert set(row.paper) <= set(table.columns)


def test_three_layer_convnet_is_the_courses():
    model = classifiers.build_model(_config(classifiers.q5, **classifiers.q5.row(classifiers.CNN).config), (28, 28, 1), 10)
    (conv,) = _layers(model, keras.layers.Conv2D)
    assert conv.kernel_size == (7, 7) and conv.padding == "valid" and conv.filters == 32
    assert model.get_layer(index=2).output.shape[1:] == (22, 22, 32)
    assert [layer.units for layer in _layers(model, keras.layers.Dense)] == [100, 10]
    assert not _layers(model, keras.layers.BatchNormalization) and not _layers(model, keras.layers.Dropout)


def test_batch_norm_variant_converts_keep_probability_to_rate():
    row = classifiers.q5.row(classifiers.CNN_BN)
    model = classifiers.build_model(_config(classifiers.q5, **row.config), (28, 28, 1), 10)
    kinds = [type(layer).__name__ for layer in model.layers[1:]]
    assert kinds[:5] == ["Conv2D", "BatchNormalization", "ReLU", "MaxPooling2D", "Dropout"]
    (dropout,) = _layers(model, keras.layers.Dropout)
    assert dropout.rate == pytest.approx(1 - classifiers.q5.config["keep_prob"])


@pytest.mark.parametrize(
    "model, filters, relus, hidden",
    [("cifar_given", [8, 16, 32, 32, 64, 64, 64, 64], 0, (64, "linear")),
     ("cifar_wider", [32, 64, 128, 128, 256, 256, 256, 256], 6, (256, "relu"))],
)
def test_cifar_networks_follow_vgg_py_and_the_printed_layers(model, filters, relus, hidden):
    net = classifiers.build_model(_config(classifiers.q6, model=model), (32, 32, 3), 10)
    convs = _layers(net, keras.layers.Conv2D)
    assert [c.filters for c in convs] == filters
    assert all(c.kernel_size == (3, 3) and c.padding == "same" and c.use_bias for c in convs)
    assert len(_layers(net, keras.layers.ReLU)) == relus
    assert len(_layers(net, keras.layers.MaxPooling2D)) == 5
    dense = _layers(net, keras.layers.Dense)
    assert [(d.units, d.activation.__name__) for d in dense] == [hidden, (10, "softmax")]
    assert net.get_layer(index=-3).output.shape[1:] == (filters[-1],)
    # PyTorch's parameter count of the same layers: (in * 9 + 1) * out per conv, (in + 1) * out per Linear.
    widths = [3, *filters]
    expected = sum((i * 9 + 1) * o for i, o in zip(widths, widths[1:])) + (filters[-1] + 1) * hidden[0] + (hidden[0] + 1) * 10
    assert net.count_params() == expected


def test_q6_trains_as_vgg_py_does():
    config = _config(classifiers.q6, model="cifar_given")
    net = classifiers.build_model(config, (32, 32, 3), 10)
    assert config["batch_size"] == 100 and config["learning_rate"] == 1e-3
    assert net.optimizer.epsilon == 1e-8 and net.optimizer.beta_1 == 0.9 and net.optimizer.beta_2 == 0.999
    assert classifiers.q6.paper_truncated and classifiers.REPORT.profiles["paper"]["epochs"] == 10
    assert classifiers.REPORT.settings(classifiers.q6, "paper")["trials"] == 5


def _weights_of(net, kind):
    return [(layer, keras.ops.convert_to_numpy(layer.kernel), keras.ops.convert_to_numpy(layer.bias))
            for layer in _layers(net, kind)]


def test_q6_initialises_as_pytorch_unless_set_to_keras():
    keras.utils.set_random_seed(0)
    net = classifiers.build_model(_config(classifiers.q6, model="cifar_given"), (32, 32, 3), 10)
    for kind in (keras.layers.Conv2D, keras.layers.Dense):
        for layer, kernel, bias in _weights_of(net, kind):
            bound = 1 / np.sqrt(np.prod(kernel.shape[:-1]))
            assert np.abs(kernel).max() <= bound and np.abs(bias).max() <= bound
            assert np.abs(bias).max() > 0.5 * bound, layer.name  # PyTorch's biases are not zero
    keras_net = classifiers.build_model(_config(classifiers.q6, model="cifar_given", q6_init="keras"), (32, 32, 3), 10)
    assert all(not bias.any() for _, _, bias in _weights_of(keras_net, keras.layers.Conv2D))


def test_q6_former_head_is_a_candidate_for_the_given_row_only():
    net = classifiers.build_model(_config(classifiers.q6, model="cifar_given", q6_head="affine256_relu"), (32, 32, 3), 10)
    assert [(d.units, d.activation.__name__) for d in _layers(net, keras.layers.Dense)] == [(256, "relu"), (10, "softmax")]
    choice = classifiers.Q6_HEAD
    assert choice.reads({"model": "cifar_given"}) and not choice.reads({"model": "cifar_wider"})
    assert {c.key for c in classifiers.REPORT.choices_of(classifiers.q6)} == {"q6_head", "batch_size", "q6_init"}
    assert {c.key for c in classifiers.REPORT.choices_of(classifiers.q5)} == {"solver", "weight_init", "q5_affine_init"}


def test_q5_affine_layers_can_take_the_student_copys_scales():
    config = {**_config(classifiers.q5, **classifiers.q5.row(classifiers.CNN).config), "q5_affine_init": "cnn_py"}
    model = classifiers.build_model(config, (28, 28, 1), 10)
    stddevs = [layer.kernel_initializer.get_config()["stddev"]
               for layer in [*_layers(model, keras.layers.Conv2D), *_layers(model, keras.layers.Dense)]]
    assert stddevs == pytest.approx([1e-3, (2 / 100) ** 0.5, (2 / 110) ** 0.5])


def test_q2_to_q5_follow_the_starters_solver_and_initialisation():
    config = _config(classifiers.q5, **classifiers.q5.row(classifiers.CNN).config)
    model = classifiers.build_model(config, (28, 28, 1), 10)
    assert isinstance(model.optimizer, keras.optimizers.SGD) and float(model.optimizer.learning_rate) == pytest.approx(1e-2)
    assert float(model.optimizer.momentum) == 0.0
    (conv,) = _layers(model, keras.layers.Conv2D)
    assert not conv.use_bias
    for layer in [conv, *_layers(model, keras.layers.Dense)]:
        assert layer.kernel_initializer.get_config()["stddev"] == pytest.approx(1e-3)
        assert float(np.std(layer.kernel.numpy())) == pytest.approx(1e-3, rel=0.1)
    assert classifiers.solver_of(config) == "starter" and classifiers.solver_of(_config(classifiers.q6)) == "adam"

    former = classifiers.build_model({**config, "solver": "adam", "weight_init": "keras"}, (28, 28, 1), 10)
    assert isinstance(former.optimizer, keras.optimizers.Adam)
    assert float(former.optimizer.learning_rate) == pytest.approx(classifiers.FORMER_ADAM_RATE)
    assert isinstance(_layers(former, keras.layers.Conv2D)[0].kernel_initializer, keras.initializers.GlorotUniform)
    q6 = classifiers.build_model(_config(classifiers.q6, model="cifar_given"), (32, 32, 3), 10)
    assert isinstance(q6.optimizer, keras.optimizers.Adam) and q6.optimizer.epsilon == 1e-8


class _Trial:
    def __init__(self, config, data):
        self.config, self.data, self.seed = config, data, 0

    def epoch_done(self, *args):
        pass


def test_the_solver_restores_the_best_validation_epoch():
    """A smoke trial of q4 on the starter's loop: the restored epoch's validation accuracy is
    reported, and the test accuracy is that of its weights."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 255, (400, 28, 28, 1), dtype="uint8")
    y = (x.reshape(400, -1).mean(axis=1) > 127).astype("int64")
    data = Dataset(x[:300], y[:300], x[300:], y[300:], source="test", name="mnist")
    config = {**_config(classifiers.q4, model="linear"), "epochs": 4}
    result = classifiers.run(_Trial(config, data))
    val = result.history["val_accuracy"]
    assert result.extra["restored_epoch"] == int(np.argmax(val))
    assert result.metrics["val_accuracy_pct"] == pytest.approx(100 * max(val))
    assert len(val) == 4 and result.extra["examples"] == {"train": 270, "validation": 30, "test": 100}
    model = result.model
    restored = model.evaluate(*classifiers.splits(config, data)[2], verbose=0, return_dict=True)["accuracy"]
    assert result.metrics["test_accuracy_pct"] == pytest.approx(100 * restored)


def test_stand_in_task_is_3_vs_5():
    x = np.zeros((20, 28, 28, 1), "uint8")
    y = np.arange(20) % 10
    data = Dataset(x, y, x[:10], y[:10], source="test", name="mnist")
    x_train, y_train, x_test, y_test = classifiers.task_data({"task": "mnist_3_vs_5"}, data)
    assert len(x_train) == 4 and len(x_test) == 2
    assert sorted(y_train.tolist()) == [0.0, 0.0, 1.0, 1.0] and x_train.dtype == np.float32


@pytest.mark.parametrize("loss, units", [("logistic", 1), ("hinge", 1), ("softmax", 10)])
def test_linear_and_two_layer_outputs(loss, units):
    for model_kind, hidden_layers in (("linear", 0), ("two_layer", 1)):
        config = _config(classifiers.q4, model=model_kind, loss=loss, hidden=7)
        model = classifiers.build_model(config, (28, 28, 1), 10)
        dense = _layers(model, keras.layers.Dense)
        assert [d.units for d in dense] == [7] * hidden_layers + [units]


def test_hinge_accuracy_counts_positive_scores_as_class_1():
    model = classifiers.build_model(_config(classifiers.q3, model="linear"), (4,), 2)
    model.set_weights([np.eye(4, 1, dtype="float32"), np.zeros(1, "float32")])
    x = np.zeros((4, 4), "float32")
    x[:, 0] = [2.0, -1.0, 0.5, -3.0]  # the scores
    y = np.array([1, 0, 0, 0], "float32")
    assert model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"] == pytest.approx(0.75)


def test_validation_is_a_tenth_of_the_training_set():
    x = np.zeros((50, 28, 28, 1), "uint8")
    data = Dataset(x, np.arange(50) % 10, x[:5], np.arange(5), source="test", name="mnist")
    train, validation, test = classifiers.splits(_config(classifiers.q4), data)
    assert (len(train[0]), len(validation[0]), len(test[0])) == (45, 5, 5)
    assert classifiers.splits(_config(classifiers.q6), data)[1] is None


def test_searched_settings_can_be_set_from_the_command_line():
    check_overrides(classifiers.REPORT, classifiers.q5, "fast", {"kernel_size": 5, "hidden": 200, "keep_prob": 0.5})
    for table in (classifiers.q2, classifiers.q3, classifiers.q4):
        check_overrides(classifiers.REPORT, table, "fast", {"hidden": 500})


def test_derivations_and_binary_tables_run_in_smoke(tmp_path, capsys):
    data = write_fake_data(tmp_path / "data")
    out = tmp_path / "results"
    argv = ["classifiers", "derivations", "q3_svm", "--profile", "smoke", "--data-dir", str(data), "--out", str(out), "--quiet"]
    assert reproduce_main(argv) == 0
    derivations = json.loads((out / "classifiers" / "derivations.json").read_text())
    assert all(r["reproduced"]["max_abs_diff"]["mean"] < 1e-10 for r in derivations["rows"])
    svm = json.loads((out / "classifiers" / "q3_svm.json").read_text())
    for row in svm["rows"]:
        for column in ("test_accuracy_pct", "val_accuracy_pct"):
            assert 0 <= row["reproduced"][column]["mean"] <= 100
    printed = capsys.readouterr().out
    assert "not comparable" in printed and "3 vs 5" in printed
