"""Run a table: every row for N seeded trials, skipping the trials already on disk.

Trial `i` of every row uses seed `seed + i`, so rows are compared on the same seeds, and with
TensorFlow's op determinism enabled a re-run with the same seed gives the same numbers. Each
finished trial is written at once (see `kerasdl.runner.store`); an interrupted run resumes where
it stopped. With `--jobs N` the trials run in worker processes (`kerasdl.runner.parallel`, which
this module imports and which does not import it: it is handed `run_in_worker`).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import json
import math
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import keras
import tensorflow as tf

import kerasdl
from kerasdl import data as kdata
from kerasdl.runner import distribute
from kerasdl.runner.environment import numeric_environment
from kerasdl.runner.control import STOP, TrialFailed, check_stop  # noqa: F401 (the CLI and fit import STOP, check_stop from here)
from kerasdl.runner.options import RunOptions
from kerasdl.runner.parallel import run_parallel
from kerasdl.runner.spec import Report, Row, Table
from kerasdl.runner.store import TrialStore, trial_key


@dataclasses.dataclass
class TrialResult:
    """What a trial function returns.

    Args:
        metrics: one number per table column (columns a trial cannot measure may be left out).
        history: per-epoch curves (`loss`, `val_accuracy`, ...), kept for the figures.
        diverged_epoch: the epoch (1-based) at which the loss became NaN or infinite, if it did;
            the metrics then describe the trial up to that epoch.
        extra: anything else worth keeping with the trial (JSON-able).
        model: the trained Keras model, if the trial has one: it is saved beside the record, for
            `python -m reproduce export`.
    """

    metrics: Mapping[str, float]
    history: Mapping[str, list] = dataclasses.field(default_factory=dict)
    diverged_epoch: int | None = None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    model: Any = None


@dataclasses.dataclass
class Trial:
    """Everything a trial function gets: its row, merged configuration, seed and data.

    `config` is the profile's settings merged with the table's and the row's (and the command
    line's `--epochs`); `data` is the table's data set, already limited to the profile's sizes.
    A trial function reports each finished epoch with `epoch_done()` (Keras models get that from
    `kerasdl.runner.fit`), which drives the progress bar. `data_dir` is the data folder the run was
    given (`--data-dir`; None: `$KERASDL_DATA_DIR`, then tfds), for a trial that loads other data
    sets with `kerasdl.data.load(name, trial.data_dir)`.
    """

    report: str
    table: str
    row: Row
    config: Mapping[str, Any]
    seed: int
    index: int
    data: Any
    epoch_done: Callable[[], None] = lambda: None
    data_dir: str | None = None


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
    trials: list  # (row, index, seed, config, identity)

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
    # An unstated choice that nothing else sets stays out of the identity of a trial that does not
    # read it: at its default, and in the rows its `reads` leaves out. Those trials are the ones a
    # run that never named it plans (and stores).
    unread = {}  # key -> the choice, for the rows it leaves out
    for choice in report.choices_of(table):
        if choice.key not in overrides:
            continue
        overrides[choice.key] = choice.values[choice.values.index(overrides[choice.key])]  # 0.0 -> the candidate's 0
        if choice.key in settings or any(choice.key in row.config for row in table.rows):
            continue
        if overrides[choice.key] == choice.default.value:
            del overrides[choice.key]
        elif choice.reads is not None:
            unread[choice.key] = choice
    settings.update({k: v for k, v in overrides.items() if k in settings})
    count = table.trials or options.trials or settings["trials"]
    dataset = load_table_data(table.data_name(settings), settings, options.data_dir)
    signature = data_signature(dataset)
    distributed = distribute.identity_of(options.strategy, distribute.get(options.strategy))
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
            # No table or row label: the same experiment in two tables (a baseline) runs once.
            identity = {
                "report": report.id,
                "trial_function": _function_name(table.run),
                "data_name": table.data_name(settings),
                "config": config,
                "seed": seed,
                "data": row_signature,
                "kerasdl": kerasdl.__version__,
            }
            if distributed is not None:
                identity["strategy"] = distributed
            planned.append((row, index, seed, config, identity))
    return TablePlan(report, table, options, settings, dataset, planned)


def _check_metrics(table: Table, row: Row, result: TrialResult) -> dict:
    unknown = set(result.metrics) - set(table.columns)
    if unknown:
        raise ValueError(f"{table.name}/{row.name}: trial returned unknown columns {sorted(unknown)}")
    return {k: (float(v) if v is not None and math.isfinite(float(v)) else None) for k, v in result.metrics.items()}


def run_trial(plan: TablePlan, planned, store: TrialStore, progress=None) -> dict:
    """Run one planned trial `(row, index, seed, config, identity)`, store it, return its record."""
    row, index, seed, config, identity = planned
    # Same seed, same numbers: seeded RNGs and deterministic kernels (idempotent, process-wide).
    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(seed)

    def epoch_done():
        check_stop()
        if progress is not None:
            progress.epoch_done()

    check_stop()
    trial = Trial(
        report=plan.report.id,
        table=plan.table.name,
        row=row,
        config=config,
        seed=seed,
        index=index,
        data=plan.data,
        epoch_done=epoch_done,
        data_dir=plan.data_dir,
    )
    if progress is not None:
        progress.start_trial(f"{row.name} #{index + 1}")
    start = time.perf_counter()
    with distribute.get(plan.strategy).scope():
        result = plan.table.run(trial)
    elapsed = time.perf_counter() - start
    record = {
        "trial": index,
        "seed": seed,
        "metrics": _check_metrics(plan.table, row, result),
        "history": {k: [float(v) for v in vs] for k, vs in result.history.items()},
        "diverged_epoch": result.diverged_epoch,
        "extra": dict(result.extra),
        "elapsed_s": elapsed,
        "model": None,
        # Not part of the identity (the published records match what the code plans on any CPU),
        # but what the same identity's numbers may differ by: `summary` says when a table mixes them.
        "environment": numeric_environment(),
    }
    if result.model is not None:
        record["model"] = store.put_model(identity, result.model).name
    store.put(identity, record)
    # Free the trial's graphs: a table runs many models in one process.
    keras.backend.clear_session()
    if progress is not None:
        progress.end_trial()
    return {**record, "identity": identity}


def store_of(plan: TablePlan) -> TrialStore:
    return TrialStore(Path(plan.options.out) / plan.report.id / "trials")


def worker_store_of(plan: TablePlan) -> TrialStore:
    """Where this process writes its trials: the shared store, or for a non-chief worker of a
    multi-worker run its own folder (the chief writes the shared one)."""
    if distribute.is_chief(plan.strategy):
        return store_of(plan)
    kind, index = distribute.task(plan.strategy)
    return TrialStore(Path(plan.options.out) / plan.report.id / "workers" / f"{kind}-{index}" / "trials")


@functools.lru_cache(maxsize=4)
def _worker_plan(location: tuple[str, str], table: str, planning: str, out) -> TablePlan:
    """A worker's plan of `table`, cached on everything that decides it: where the report is
    bound, the table, the options' `planning()` (canonical JSON) and `out`."""
    module, attribute = location
    report = getattr(importlib.import_module(module), attribute)
    return plan_table(report, report.table(table), RunOptions(**json.loads(planning), out=out))


def run_in_worker(location: tuple[str, str], table: str, planning: str, out, position: int, progress=None) -> dict:
    """In a `--jobs` worker process (`kerasdl.runner.parallel.run_parallel`): plan the table as
    the parent did and run its trial `position` into the store under `out`; return its record."""
    plan = _worker_plan(location, table, planning, out)
    store, planned = store_of(plan), plan.trials[position]
    # Another process (a shard, a second run) may have finished it meanwhile.
    stored = store.get(planned[4])
    if stored is not None:
        return stored
    return run_trial(plan, planned, store, progress)


def in_shard(identity: Mapping[str, Any], shard: tuple[int, int] | None) -> bool:
    """Whether shard `(k, n)` (1-based k) owns this trial. Ownership follows the trial's key, not
    its position, so one experiment shared by two tables belongs to one shard only."""
    if shard is None:
        return True
    k, n = shard
    return int(trial_key(identity), 16) % n == k - 1


def run_plan(plan: TablePlan, *, progress=None, execute: bool = True) -> list[tuple[Row, dict | None]]:
    """Run the plan's unfinished trials; return `(row, record)` for every trial, in plan order.

    With `options.shard=(k, n)` only the trials of shard k of n are run; with `execute=False`
    none are; with `options.jobs > 1` they run in that many worker processes
    (`kerasdl.runner.parallel`), with the numbers of a serial run. Trials neither stored nor run
    come back as `(row, None)`. `progress`, if given, is a `Progress` (see
    `kerasdl.runner.progress`).
    """
    store, mine = store_of(plan), worker_store_of(plan)
    shard, jobs = plan.options.shard, plan.options.jobs
    records = [store.get(identity) for *_, identity in plan.trials]
    todo = [
        position
        for position, (record, planned) in enumerate(zip(records, plan.trials))
        if execute and record is None and in_shard(planned[4], shard)
    ]
    if progress is not None:
        progress.start_table(f"{plan.report.id}/{plan.table.name}", len(todo), plan.epochs_per_trial)
    try:
        if jobs > 1 and len(todo) > 1:
            try:
                finished = run_parallel(plan, todo, run_in_worker, progress)
            except TrialFailed as error:
                for position, record in error.records.items():
                    records[position] = record
                error.records = [(row, record) for (row, *_), record in zip(plan.trials, records)]
                raise
            for position, record in finished.items():
                records[position] = record
        else:
            for position in todo:
                # Another process (a shard, a second run) may have finished it meanwhile.
                records[position] = store.get(plan.trials[position][4]) or run_trial(
                    plan, plan.trials[position], mine, progress
                )
    finally:
        if progress is not None:
            progress.end_table()
    return [(row, record) for (row, *_), record in zip(plan.trials, records)]
