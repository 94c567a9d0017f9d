"""The hyperparameter searches of report `classifiers` (EECS 598 HW1, Q2-Q5), as KerasTuner
HyperModels over the report's own models (`reproduce.classifiers`).

Each search picks what the report picked on its validation set (1/10 of the training set): the
hidden units of the 2-layer nets (Q2.4, Q3.4, Q4.4), the filter size and hidden units of the
three-layer ConvNet (Q5.3) and the dropout of its batch-norm variant (Q5.4). Every space holds the
report's own choice, as its default.
"""

from __future__ import annotations

import dataclasses
import math
import shlex
from typing import Any, Mapping

import keras_tuner as kt

from reproduce import classifiers
from kerasdl.runner.spec import Row, Table


class ClassifierHyperModel(kt.HyperModel):
    """A search space over one of the report's classifiers.

    Args:
        config: the table's settings and the tuned row's config (`reproduce.classifiers`); the
            searched hyperparameters replace their entries.
        input_shape, classes: of the data set.

    Data and fit options (epochs, batch size, the validation tenth) come through `search()`, as
    `HyperModel.fit` passes them on to `model.fit`.
    """

    def __init__(self, config: Mapping[str, Any], input_shape, classes, **kwargs):
        super().__init__(**kwargs)
        self.config = dict(config)
        self.input_shape = tuple(input_shape)
        self.classes = classes

    def model(self, **values):
        return classifiers.build_model({**self.config, **values}, self.input_shape, self.classes)


class TwoLayerNet(ClassifierHyperModel):
    """Q2.4 / Q3.4 / Q4.4: the hidden units of the 2-layer net (the report: 1000)."""

    def build(self, hp):
        return self.model(hidden=hp.Choice("hidden", [50, 100, 200, 500, 1000, 2000], default=1000))


class ThreeLayerConvNet(ClassifierHyperModel):
    """Q5.3: filter size and hidden units of conv-ReLU-pool-FC-ReLU-FC (the report: 7x7, 100)."""

    def build(self, hp):
        return self.model(
            kernel_size=hp.Choice("kernel_size", [3, 5, 7, 9], default=7),
            hidden=hp.Choice("hidden", [50, 100, 200, 500], default=100),
        )


class BatchNormDropoutConvNet(ClassifierHyperModel):
    """Q5.4: the dropout of Conv-BN-ReLU-MaxPool-Dropout-FC-ReLU-FC, as the course's keep
    probability (the report: 0.8, i.e. Keras rate 0.2); filter size and hidden units as the
    table's (the report's 7x7 and 100)."""

    def build(self, hp):
        return self.model(keep_prob=hp.Choice("keep_prob", [0.5, 0.6, 0.7, 0.8, 0.9, 1.0], default=0.8))


@dataclasses.dataclass(frozen=True)
class Search:
    """One search: the table and row whose model it tunes, its space, and the report's choice.

    Args:
        name: the `python -m tuning` argument.
        title: what it picks, in the report's words.
        table: the `reproduce.classifiers` table whose training settings the trials use.
        row: the tuned row of that table.
        hypermodel: the `ClassifierHyperModel` subclass whose `build(hp)` is the space.
        report_choice: the report's values, by hyperparameter name.
    """

    name: str
    title: str
    table: Table
    row: Row
    hypermodel: type
    report_choice: Mapping[str, Any]

    def settings(self, profile: str) -> dict:
        """The table's settings in `profile`, the row's config, then this package's profile."""
        settings = {**classifiers.REPORT.settings(self.table, profile), **self.row.config}
        return {**settings, **PROFILES[profile].get(self.table.name, PROFILES[profile]["*"])}

    def space(self) -> kt.HyperParameters:
        """The hyperparameters `build` declares, at their defaults (the report's choice)."""
        hp = kt.HyperParameters()
        self.hypermodel({**self.table.config, **self.row.config}, (28, 28, 1), 10).build(hp)
        return hp

    def size(self) -> int:
        return math.prod(len(p.values) for p in self.space().space)

    def apply_command(self, values: Mapping[str, Any], profile: str | None = None, data_dir: str | None = None) -> str:
        """The command that runs the search's table with `values` instead of the report's, at the
        search's profile and with its data folder."""
        flags = " ".join(f"--set {k}={v}" for k, v in values.items())
        where = (f" --profile {profile}" if profile else "") + (f" --data-dir {shlex.quote(data_dir)}" if data_dir else "")
        return f"python -m reproduce classifiers {self.table.name} {flags}{where}"


# Per profile: epochs, training-set limit and default trial count of the searches; "*" for every
# table without its own entry. `paper` keeps the table's epochs and data and tries the whole space.
PROFILES = {
    "smoke": {"*": {"epochs": 1, "max_trials": 2}},
    "fast": {
        "*": {"epochs": 2, "n_train": 30000, "max_trials": 8},
        # The binary stand-in keeps its 3s and 5s of the whole training set (~11 500).
        "q2_logistic": {"epochs": 5, "max_trials": 6},
        "q3_svm": {"epochs": 5, "max_trials": 6},
    },
    "paper": {"*": {"max_trials": None}},
}

SEARCHES = {
    s.name: s
    for s in [
        Search(
            "q2_hidden",
            "hidden units of the 2-layer net with a logistic output (Q2.4)",
            classifiers.q2, classifiers.q2.row("2-layer net, logistic output"), TwoLayerNet, {"hidden": 1000},
        ),
        Search(
            "q3_hidden",
            "hidden units of the 2-layer net with a hinge-loss output (Q3.4)",
            classifiers.q3, classifiers.q3.row("2-layer net, hinge output"), TwoLayerNet, {"hidden": 1000},
        ),
        Search(
            "q4_hidden",
            "hidden units of the 2-layer net with a softmax output on MNIST (Q4.4)",
            classifiers.q4, classifiers.q4.row("2-layer net, softmax output"), TwoLayerNet, {"hidden": 1000},
        ),
        Search(
            "q5_cnn",
            "filter size and hidden units of the three-layer ConvNet (Q5.3)",
            classifiers.q5, classifiers.q5.row(classifiers.CNN), ThreeLayerConvNet, {"kernel_size": 7, "hidden": 100},
        ),
        Search(
            "q5_dropout",
            "keep probability of the BN + dropout ConvNet (Q5.4; Keras rate = 1 - keep_prob)",
            classifiers.q5, classifiers.q5.row(classifiers.CNN_BN), BatchNormDropoutConvNet, {"keep_prob": 0.8},
        ),
    ]
}
