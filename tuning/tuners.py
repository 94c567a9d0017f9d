"""KerasTuner's tuners, chosen by name, each noting which tuner process ran which trial.

KerasTuner's oracle does not keep that (a trial only knows its hyperparameters and metrics), yet it
is what shows how a distributed search split its trials: each tuner appends its id to
`trial_<id>/ran_by.jsonl` as the trial ends, so that a trial run twice would have two lines.
"""

from __future__ import annotations

import json
import os

import keras_tuner as kt

RAN_BY = "ran_by.jsonl"


class RecordsTunerId:
    """Mixin for a `keras_tuner.Tuner`: notes `tuner_id` in the trial's folder at its end."""

    def on_trial_end(self, trial):
        line = json.dumps({"tuner_id": self.tuner_id, "status": trial.status})
        # One short write in append mode: lines from several processes do not interleave.
        with open(os.path.join(self.get_trial_dir(trial.trial_id), RAN_BY), "a") as log:
            log.write(line + "\n")
        super().on_trial_end(trial)


class RandomSearch(RecordsTunerId, kt.RandomSearch):
    """`keras_tuner.RandomSearch`, noting which tuner ran each trial."""


class Hyperband(RecordsTunerId, kt.Hyperband):
    """`keras_tuner.Hyperband`, noting which tuner ran each trial."""


class BayesianOptimization(RecordsTunerId, kt.BayesianOptimization):
    """`keras_tuner.BayesianOptimization`, noting which tuner ran each trial."""


TUNERS = {"random": RandomSearch, "hyperband": Hyperband, "bayesian": BayesianOptimization}


def make_tuner(name, hypermodel, *, max_trials, epochs, seed, directory, project_name):
    """The tuner `name` maximising `val_accuracy`, in `directory/project_name`.

    A project found there is reloaded (KerasTuner's `overwrite=False`): starting fresh, and
    refusing a changed search, is the caller's decision (`tuning.run`). Hyperband has no trial
    count: its budget is `max_epochs` (the profile's epochs) and its factor, 3.
    """
    common = dict(
        hypermodel=hypermodel,
        objective="val_accuracy",
        seed=seed,
        directory=str(directory),
        project_name=project_name,
        overwrite=False,
    )
    if name == "hyperband":
        return Hyperband(max_epochs=epochs, factor=3, hyperband_iterations=1, **common)
    return TUNERS[name](max_trials=max_trials, **common)
