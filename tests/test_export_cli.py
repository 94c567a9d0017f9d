"""`reproduce export` writes a row's best model as .keras + SavedModel; `reproduce predict` reads
PNG files or a .npy batch with it, and refuses bad input with one line."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from kerasdl.commands import main as reproduce_main
from tests.test_cli import write_fake_mnist


def cli(*argv):
    return reproduce_main(list(argv))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    data = write_fake_mnist(root / "data")
    dest = root / "model"
    code = cli("export", "alt_softmax", "q1_softmax_alternatives", "plus-one-abs-max", "--profile", "smoke",
               "--trials", "2", "--data-dir", str(data), "--out", str(root / "results"), "--dest", str(dest), "--quiet")
    assert code == 0
    return root, dest


def test_export_writes_keras_savedmodel_and_labels(exported):
    root, dest = exported
    labels = json.loads((dest / "labels.json").read_text())
    assert labels["input_shape"] == [28, 28, 1] and labels["class_names"][3] == "3"
    assert (dest / "model.keras").stat().st_size > 0 and (dest / "saved_model" / "saved_model.pb").exists()
    assert not (root / "results" / "alt_softmax" / "q1_softmax_alternatives.json").exists()
    values = [json.loads(p.read_text())["metrics"]["test_accuracy_pct"]
              for p in (root / "results" / "alt_softmax" / "trials").glob("*.json")]
    assert labels["metrics"]["test_accuracy_pct"] == max(values)


def test_savedmodel_matches_keras_model_without_kerasdl(exported, tmp_path):
    _, dest = exported
    x = np.random.default_rng(0).random((5, 28, 28, 1)).astype("float32")
    np.save(tmp_path / "x.npy", x)
    script = f"""
import json, sys, numpy as np, tensorflow as tf
served = tf.saved_model.load({str(dest / 'saved_model')!r})
print(json.dumps({{"k": any(m.startswith("kerasdl") for m in sys.modules),
                   "p": np.asarray(served.serve(tf.constant(np.load({str(tmp_path / 'x.npy')!r})))).tolist()}}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    import keras

    expected = keras.models.load_model(dest / "model.keras").predict(x, verbose=0)
    assert result["k"] is False
    np.testing.assert_allclose(np.asarray(result["p"]), expected, rtol=1e-5, atol=1e-6)


def test_predict_png_and_npy(exported, tmp_path, capsys):
    _, dest = exported
    rng = np.random.default_rng(1)
    paths = []
    for i in range(2):
        path = tmp_path / f"digit{i}.png"
        Image.fromarray(rng.integers(0, 255, (28, 28), dtype=np.uint8)).save(path)
        paths.append(str(path))
    assert cli("predict", str(dest), *paths, "--top", "2") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["digit0.png", "digit1.png"]
    probabilities = [float(tok) for tok in lines[0].split(":")[1].replace(",", " ").split()[1::2]]
    assert len(probabilities) == 2 and probabilities[0] >= probabilities[1] and 0 <= probabilities[1] <= 1
    np.save(tmp_path / "batch.npy", rng.integers(0, 255, (3, 28, 28), dtype=np.uint8))
    assert cli("predict", str(dest), str(tmp_path / "batch.npy")) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 3


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda d: Image.fromarray(np.zeros((32, 32), np.uint8)).save(d / "big.png") or d / "big.png", ["big.png", "32x32", "28x28"]),
        (lambda d: (d / "junk.png").write_bytes(b"not an image") and d / "junk.png", ["junk.png", "not a readable image"]),
        (lambda d: np.save(d / "b.npy", np.zeros((2, 5, 5))) or d / "b.npy", ["b.npy", "(5, 5, 1)"]),
        (lambda d: d / "missing.png", ["missing.png", "no such file"]),
        (lambda d: np.save(d / "nan.npy", np.where(np.arange(3)[:, None, None] == 1, np.nan, np.zeros((3, 28, 28))))
         or d / "nan.npy", ["nan.npy", "784 non-finite", "nan.npy[1]"]),
        (lambda d: np.save(d / "inf.npy", np.full((1, 28, 28, 1), np.inf, np.float32)) or d / "inf.npy",
         ["inf.npy", "NaN or infinity", "inf.npy[0]"]),
    ],
)
def test_predict_bad_input_one_line(exported, tmp_path, capsys, make, words):
    _, dest = exported
    path = make(tmp_path)
    assert cli("predict", str(dest), str(path)) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    for word in words:
        assert word in err


def test_predict_command_refuses_nan_with_one_line(exported, tmp_path):
    _, dest = exported
    x = np.zeros((2, 28, 28, 1), np.float32)
    x[1, 3, 4, 0] = np.nan
    np.save(tmp_path / "x.npy", x)
    done = subprocess.run([sys.executable, "-m", "reproduce", "predict", str(dest), str(tmp_path / "x.npy")],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 2 and done.stdout == ""
    (line,) = [line for line in done.stderr.splitlines() if "x.npy" in line]
    assert line.startswith("reproduce predict: ") and "1 non-finite value(s)" in line and "x.npy[1]" in line


@pytest.mark.parametrize("value", [np.nan, -np.inf, 1e39])  # 1e39 overflows float32
def test_load_inputs_refuses_non_finite_floats(tmp_path, value):
    from kerasdl.predict import PredictError, load_inputs

    x = np.zeros((3, 4, 4), np.float64)
    x[2, 1, 1] = value
    np.save(tmp_path / "b.npy", x)
    with pytest.raises(PredictError, match=r"b\.npy: 1 non-finite value\(s\) .* the first in b\.npy\[2\]"):
        load_inputs([tmp_path / "b.npy"], [4, 4, 1])


@pytest.mark.parametrize(
    "arrays, match",
    [
        ([np.zeros((0, 4, 4, 1), np.uint8)], r"b0\.npy: holds no examples"),
        ([np.full((2, 4, 4), 3.5)], r"b0\.npy: float values from 3\.5 to 3\.5; floats must be pixels scaled to \[0, 1\]"),
        ([np.full((2, 4, 4), -0.5)], r"from -0\.5 to -0\.5"),
        ([np.zeros((2, 4, 4)), np.zeros((2, 4, 4))], r"b0\.npy: give one \.npy batch alone, or image files \(got 2"),
    ],
)
def test_load_inputs_refuses_empty_out_of_range_and_several_batches(tmp_path, arrays, match):
    from kerasdl.predict import PredictError, load_inputs

    paths = []
    for i, array in enumerate(arrays):
        np.save(tmp_path / f"b{i}.npy", array)
        paths.append(tmp_path / f"b{i}.npy")
    with pytest.raises(PredictError, match=match):
        load_inputs(paths, [4, 4, 1])


@pytest.mark.parametrize("one", [np.zeros((4, 4), np.uint8), np.zeros((4, 4, 1), np.uint8)])
def test_load_inputs_takes_one_example_without_its_batch_axis(tmp_path, one):
    from kerasdl.predict import load_inputs

    np.save(tmp_path / "one.npy", one)
    batch, names = load_inputs([tmp_path / "one.npy"], [4, 4, 1])
    assert batch.shape == (1, 4, 4, 1) and names == ["one.npy[0]"]


def test_export_unknown_row_and_non_keras_row(tmp_path, capsys):
    assert cli("export", "alt_softmax", "q1_softmax_alternatives", "nope", "--profile", "smoke", "--out", str(tmp_path)) == 2
    assert "unknown row 'nope'" in capsys.readouterr().err
    assert cli("export", "scratch_mlp", "t5_performance", "ANN1", "--profile", "smoke", "--trials", "1", "--epochs", "1",
               "--out", str(tmp_path), "--quiet") == 2
    assert "trains no Keras model" in capsys.readouterr().err


def test_ranked_reads_one_unit_outputs_as_labels_json_says():
    from kerasdl.predict import ranked

    names = ["3", "5"]
    assert ranked(np.array([0.8]), names, "probability", 3) == [("5", 0.8), ("3", pytest.approx(0.2))]
    assert ranked(np.array([0.3]), names, "probability", 1) == [("3", pytest.approx(0.7))]
    assert ranked(np.array([1.5]), names, "margin", 3) == [("5", 1.5)]
    assert ranked(np.array([-0.25]), names, "margin", 3) == [("3", -0.25)]
    assert ranked(np.array([0.4]), None, None, 3) == [("score", pytest.approx(0.4))]
    assert ranked(np.array([0.1, 0.7, 0.2]), None, "probabilities", 2) == [("1", 0.7), ("2", 0.2)]


def test_binary_svm_exports_its_two_classes_and_predict_prints_margins(tmp_path, capsys):
    data = write_fake_mnist(tmp_path / "data")
    dest = tmp_path / "svm"
    assert cli("export", "classifiers", "q3_svm", "linear SVM (hinge)", "--profile", "smoke", "--data-dir", str(data),
               "--out", str(tmp_path / "results"), "--dest", str(dest), "--quiet") == 0
    labels = json.loads((dest / "labels.json").read_text())
    assert labels["class_names"] == ["3", "5"] and labels["output"] == "margin"
    capsys.readouterr()
    x = np.random.default_rng(2).integers(0, 255, (4, 28, 28), dtype=np.uint8)
    np.save(tmp_path / "four.npy", x)
    assert cli("predict", str(dest), str(tmp_path / "four.npy")) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    import keras

    margins = keras.models.load_model(dest / "model.keras").predict(x[..., None].astype("float32") / 255, verbose=0)
    assert len(lines) == 4
    for line, margin in zip(lines, margins[:, 0]):
        label = line.split(": ")[1].split(" ")[0]
        assert label == ("5" if margin > 0 else "3")
        assert f"(margin {margin:+.3f})" in line
