"""`kerasdl.runner.fit` trains several batches per call of the compiled step
(`STEPS_PER_EXECUTION`); the numbers must be those of one batch per call, bit for bit."""

import json

import keras
import numpy as np

from kerasdl.runner import Report, Row, RunOptions, Table, TrialResult, run_table
from kerasdl.runner.fit import STEPS_PER_EXECUTION, fit


def _trial(trial):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 8, 8, 1)).astype("float32")  # 19 batches of 16: the last one partial
    y = rng.integers(0, 3, 300)
    model = keras.Sequential([
        keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(), keras.layers.Dropout(0.3, seed=trial.seed), keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(keras.optimizers.SGD(0.05, momentum=0.9), "sparse_categorical_crossentropy", metrics=["accuracy"])
    steps = trial.config["steps"]
    history, _ = fit(trial, model, x, y, validation_data=(x[:50], y[:50]), batch_size=16,
                     **({} if steps is None else {"steps_per_execution": steps}))
    assert model.steps_per_execution == (STEPS_PER_EXECUTION if steps is None else steps)
    evaluated = model.evaluate(x, y, batch_size=16, verbose=0)
    return TrialResult(metrics={"loss": history["loss"][-1]}, history=history,
                       extra={"weights": [w.numpy().ravel().tolist() for w in model.weights],
                              "evaluated": evaluated, "predicted": model.predict(x[:40], verbose=0).tolist()})


def test_steps_per_call_change_nothing_but_speed(tmp_path):
    rows = [Row(f"steps {s}", {"loss": None}, {"steps": s}) for s in (1, 5, None)]
    table = Table(name="steps", title="steps per call", columns=["loss"], rows=rows, run=_trial)
    report = Report("toy", "Toy", "none", [table], {p: {"epochs": 3, "trials": 1} for p in ("smoke", "fast", "paper")})
    run_table(report, table, RunOptions("smoke", out=tmp_path, quiet=True))
    records = {}
    for path in (tmp_path / "toy" / "trials").glob("*.json"):
        record = json.loads(path.read_text())
        records[record["identity"]["config"]["steps"]] = record
    one = records[1]
    assert len(one["history"]["loss"]) == 3
    for steps in (5, None):
        assert records[steps]["history"] == one["history"]
        assert records[steps]["extra"] == one["extra"]
