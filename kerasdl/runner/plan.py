"""Planning a table: its rows x trials, each a `PlannedTrial` with its merged configuration, seed
and identity (what a stored record is found by). Planning runs nothing; it reads the table's data
once, for the fingerprint the identities carry and for the trials to train on.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Mapping

import kerasdl
from kerasdl import data as kdata
from kerasdl.runner.options import RunOptions
from kerasdl.runner.spec import Report, Row, Table


@dataclasses.dataclass(frozen=True)
class PlannedTrial:
    """One trial of a plan: trial `index` of `row`, run with `seed` and the merged `config`;
    `identity` is what its record is stored and found by (`trial_identity`)."""

    row: Row
    index: int
    seed: int
    config: Mapping[str, Any]
    identity: Mapping[str, Any]


def load_table_data(name: str | None, settings: Mapping[str, Any], data_dir: str | None):
    """The table's data set, limited to the profile's `n_train` / `n_test` (None: all)."""
    if name is None:
        return None
    if name == "disk":
        return kdata.disk_dataset(
            n_train=settings.get("n_train", 1000),
            n_test=settings.get("n_test", 1000),
            seed=settings.get("data_seed", 0),
        )
    return kdata.limit(kdata.load(name, data_dir), settings.get("n_train"), settings.get("n_test"))


def data_signature(dataset) -> dict | None:
    """What a trial's identity says of its data: which arrays (`Dataset.fingerprint`), not where they
    were read from, so that records made with the data in one folder are found with it in another."""
    if dataset is None:
        return None
    return {
        "name": dataset.name,
        "fingerprint": dataset.fingerprint,
        "train": len(dataset.y_train),
        "test": len(dataset.y_test),
    }


@dataclasses.dataclass
class TablePlan:
    """The trials of one table under `options`, each with its identity, and the data they use."""

    report: Report
    table: Table
    options: RunOptions
    settings: dict
    data: Any
    trials: list[PlannedTrial]

    @property
    def profile(self) -> str:
        return self.options.profile

    @property
    def data_dir(self) -> str | None:
        return self.options.data_dir

    @property
    def trials_per_row(self) -> int:
        return len(self.trials) // max(len(self.table.rows), 1)

    @property
    def protocol_trials(self) -> int:
        """The trials per row the table or its profile asks for (`--trials` may run fewer)."""
        return self.table.trials or self.settings["trials"]

    @property
    def strategy(self) -> str:
        return self.options.strategy

    @property
    def epochs_per_trial(self) -> int:
        return int(self.settings.get("epochs", 1))


def _function_name(function) -> str:
    # A script's module is `__main__`, and `__mp_main__` in the processes `--jobs` spawns.
    module = "__main__" if function.__module__ == "__mp_main__" else function.__module__
    return f"{module}.{function.__qualname__}"


def check_overrides(report: Report, table: Table, profile: str, overrides: Mapping[str, Any]) -> None:
    """Raise ValueError if an override names a setting that no row of `table` has (nor an unstated
    choice of the report reads), or gives a setting with declared `choices`, or an unstated
    choice, a value outside them."""
    unstated = {choice.key: choice.values for choice in report.choices_of(table)}
    settings = report.settings(table, profile)
    known = set(settings).union(*(row.config for row in table.rows), unstated)
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(
            f"unknown setting(s) {', '.join(unknown)} for {report.id}/{table.name}; "
            f"choose from: {', '.join(sorted(known))}"
        )
    for key, value in overrides.items():
        allowed = table.choices.get(key, unstated.get(key))
        if allowed is not None:
            if value not in allowed:
                raise ValueError(
                    f"bad value {value!r} for setting {key!r}; choose from: {', '.join(map(str, allowed))}"
                )
            continue
        given = [v for v in [settings.get(key), *(row.config.get(key) for row in table.rows)] if v is not None]
        expected = _expected(key, value, given)
        if expected is not None:
            raise ValueError(f"bad value {value!r} for setting {key!r}: expected {expected}")


# Settings that count something; n_train and n_test may also be null (all the examples).
COUNTS = {"epochs": False, "trials": False, "batch_size": False, "n_train": True, "n_test": True}


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a word"
    return "a list" if isinstance(value, (list, tuple)) else type(value).__name__


def _expected(key: str, value, given: list):
    """What `value` should have been for setting `key`, whose profile and rows give the values
    `given` (None where it fits): a count is a positive integer; otherwise the kind of the values
    given (a number where they are numbers, an integer where all are, positive where all are)."""
    if key in COUNTS:
        if value is None and COUNTS[key]:
            return None
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
        return None if ok else "a positive integer" + (" or null (all)" if COUNTS[key] else "")
    kinds = {_kind(v) for v in given}
    if not kinds:
        return None
    if kinds <= {"an integer", "a number"}:
        number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        whole = kinds == {"an integer"}
        if not number or (whole and value != int(value)):
            return "an integer" if whole else "a finite number"
        if all(v > 0 for v in given) and value <= 0:
            return "a positive " + ("integer" if whole else "number")
        return None
    if len(kinds) == 1 and _kind(value) not in kinds:
        (kind,) = kinds
        return f"{kind}, as {given[0]!r}"
    return None


def plan_table(report: Report, table: Table, options: RunOptions) -> TablePlan:
    """The trials of `table` under `options`: rows x trials, each with its merged config and
    identity.

    `options.overrides` replace config entries of every row (the command line's `--set
    key=value`); a key that no row's config has is an error, so a typo cannot silently change
    nothing.
    """
    settings = report.settings(table, options.profile)
    overrides = dict(options.overrides)
    if options.epochs is not None:
        overrides["epochs"] = options.epochs
    check_overrides(report, table, options.profile, overrides)
    unread = _settle_choices(report, table, settings, overrides)
    settings.update({k: v for k, v in overrides.items() if k in settings})
    count = table.trials or options.trials or settings["trials"]
    dataset = load_table_data(table.data_name(settings), settings, options.data_dir)
    signature = data_signature(dataset)
    distributed = options.distribution.identity()
    planned = []
    for row in table.rows:
        # How many trials a row gets is not part of any one trial: raising it runs only the new ones.
        config = {k: v for k, v in {**settings, **row.config}.items() if k != "trials"}
        config.update({k: v for k, v in overrides.items() if k not in unread or unread[k].reads(config)})
        row_signature = signature
        if table.row_data is not None:
            row_signature = data_signature(load_table_data(config[table.row_data], settings, options.data_dir))
        for index in range(count):
            seed = options.seed + index
            identity = trial_identity(report, table, settings, config, seed, row_signature, distributed)
            planned.append(PlannedTrial(row, index, seed, config, identity))
    return TablePlan(report, table, options, settings, dataset, planned)


def _settle_choices(report: Report, table: Table, settings: Mapping[str, Any], overrides: dict) -> dict:
    """Settle the unstated choices among `overrides` (in place), and return `{key: choice}` for
    those a row may not read.

    A value given for a choice becomes the candidate's own (`0.0` -> the candidate `0`). A choice
    that nothing else sets stays out of the identity of a trial that does not read it: dropped at
    its default, and left out of the rows its `reads` leaves out (the returned choices). Those
    trials are the ones a run that never named it plans, and stores."""
    unread = {}
    for choice in report.choices_of(table):
        if choice.key not in overrides:
            continue
        overrides[choice.key] = choice.values[choice.values.index(overrides[choice.key])]
        if choice.key in settings or any(choice.key in row.config for row in table.rows):
            continue
        if overrides[choice.key] == choice.default.value:
            del overrides[choice.key]
        elif choice.reads is not None:
            unread[choice.key] = choice
    return unread


def trial_identity(report: Report, table: Table, settings: Mapping[str, Any], config: Mapping[str, Any], seed: int,
                   data: dict | None, distributed: dict | None) -> dict:
    """What a trial's record is stored and found by: the report, the trial function, the data
    (its name and `data_signature`), the merged `config` (less `trials`), the seed, kerasdl's
    version and, for a distributed run, the strategy. No table or row label: the same experiment
    in two tables (a baseline) runs once. An unstated choice that nothing sets stays out of
    `config` (`plan_table`), so runs that never named it plan the same trials."""
    identity = {
        "report": report.id,
        "trial_function": _function_name(table.run),
        "data_name": table.data_name(settings),
        "config": config,
        "seed": seed,
        "data": data,
        "kerasdl": kerasdl.__version__,
    }
    if distributed is not None:
        identity["strategy"] = distributed
    return identity
