"""A toy report for the distribution tests: a linear model fitted by full-batch SGD without
shuffling, so a run under any strategy must give the single-device weights up to rounding."""


import keras
import numpy as np
import tensorflow as tf

from kerasdl.runner import Report, Row, Table, TrialResult, fit
from kerasdl.commands import script


def run(trial):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], "float32")).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(trial.config["lr"]), "mse")
    history, _ = fit(trial, model, x, y, batch_size=64, shuffle=False)
    weights = np.asarray(model.layers[0].kernel).ravel().tolist()
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    return TrialResult(
        metrics={"loss": history["loss"][-1]},
        history=history,
        extra={"weights": weights, "replicas": replicas},
    )


TABLE = Table(name="linear", title="full-batch linear regression", columns=["loss"],
              rows=[Row("sgd", {"loss": None}, {"lr": 0.1})], run=run)
REPORT = Report("toy", "Toy", "none", [TABLE], {p: {"epochs": 5, "trials": 1} for p in ("smoke", "fast", "paper")})

if __name__ == "__main__":
    script(REPORT)
