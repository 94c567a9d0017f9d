"""A model with every custom kerasdl object survives `.keras` saving and SavedModel export; the
SavedModel serves the same predictions in a fresh process that never imports kerasdl."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from kerasdl import activations, layers, losses, regularizers, schedules

HEADS = {
    "abs_max": activations.abs_max,
    "square_max": activations.square_max,
    "plus_one_abs_max": activations.plus_one_abs_max,
    "non_negative_max": activations.non_negative_max,
    "softmax_beta": activations.softmax_beta(2.0),
}


def build_everything():
    inputs = keras.Input((12, 12, 1))
    x = layers.InverseInvariant()(inputs)
    x = keras.layers.Conv2D(4, 3, padding="same", kernel_regularizer=regularizers.SignedLp(p=-1, sign=-1, weight_decay=1e-6))(x)
    x = layers.SubtractiveNormalization(kernel_size=5)(x)
    x = layers.LpPool2D(p=2, kernel="gaussian")(x)
    x = keras.layers.Conv2D(4, 3, padding="same", activation="relu", kernel_regularizer=regularizers.ElasticNet(1e-4, 0.5))(x)
    x = layers.LpPool2D(p=4, pool_size=2, strides=2, kernel="uniform")(x)
    x = layers.LpPool2D(p=float("inf"), pool_size=2, strides=1, padding="valid")(x)
    x = keras.layers.Flatten()(x)
    outputs = {name: keras.layers.Dense(3, activation=fn, name=name)(x) for name, fn in HEADS.items()}
    outputs["score"] = keras.layers.Dense(1, name="score")(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.SGD(schedules.TFracDecay(0.01, 0.01)),
        loss={
            "abs_max": losses.ClippedCrossEntropy(sparse=True),
            "square_max": losses.ClippedCrossEntropy(sparse=True),
            "plus_one_abs_max": losses.ProbabilityMSE(sparse=True),
            "non_negative_max": losses.ClippedCrossEntropy(sparse=True),
            "softmax_beta": losses.ProbabilityMSE(sparse=True),
            "score": losses.BinaryHinge(),
        },
    )
    return model


def _data(n=16):
    rng = np.random.default_rng(0)
    x = rng.random((n, 12, 12, 1)).astype("float32")
    y = {name: rng.integers(0, 3, n) for name in HEADS}
    y["score"] = rng.integers(0, 2, n)
    return x, y


def test_keras_format_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    model = build_everything()
    x, y = _data()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    path = tmp_path / "everything.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    before, after = model.predict(x, verbose=0), loaded.predict(x, verbose=0)
    for name in before:
        np.testing.assert_allclose(before[name], after[name], rtol=1e-6, atol=1e-7)
    assert type(loaded.optimizer._learning_rate) is schedules.TFracDecay
    # Training continues on the loaded model with the same losses.
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0)


def test_savedmodel_serves_without_kerasdl(tmp_path):
    keras.utils.set_random_seed(1)
    model = build_everything()
    x, _ = _data()
    expected = model.predict(x, verbose=0)
    export_dir = tmp_path / "saved"
    model.export(str(export_dir), verbose=False)
    np.save(tmp_path / "x.npy", x)
    script = f"""
import json, sys
import numpy as np
import tensorflow as tf
served = tf.saved_model.load({str(export_dir)!r})
out = served.serve(tf.constant(np.load({str(tmp_path / 'x.npy')!r})))
json.dump({{"kerasdl_imported": any(m.startswith("kerasdl") for m in sys.modules),
            "outputs": {{k: np.asarray(v).tolist() for k, v in out.items()}}}}, sys.stdout)
"""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["kerasdl_imported"] is False
    assert set(result["outputs"]) == set(expected)
    for name, values in expected.items():
        np.testing.assert_allclose(np.asarray(result["outputs"][name]), values, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("column, lower", [("test_error_pct", True), ("max_abs_diff", True), ("time_s", True),
                                           ("train_ms_per_sample", True), ("test_accuracy_pct", False),
                                           ("pixel_std", False), ("knn_accuracy", False)])
def test_which_columns_are_better_lower(column, lower):
    from kerasdl.runner.export import lower_is_better

    assert lower_is_better(column) is lower
