"""Run a table: every row for N seeded trials, skipping the trials already on disk.

Trial `i` of every row uses seed `seed + i`, so rows are compared on the same seeds, and with
TensorFlow's op determinism enabled a re-run with the same seed gives the same numbers. Each
finished trial is written at once (see `kerasdl.runner.store`); an interrupted run resumes where
it stopped. The trials are planned by `kerasdl.runner.plan`; with `--jobs N` they run in worker
processes (`kerasdl.runner.parallel`).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import json
import math
import time
from typing import Any, Callable, Mapping

import keras
import tensorflow as tf

from kerasdl.runner.environment import numeric_environment
from kerasdl.runner.control import TrialFailed, check_stop
from kerasdl.runner.options import RunOptions
from kerasdl.runner.parallel import run_parallel
from kerasdl.runner.plan import PlannedTrial, TablePlan, plan_table
from kerasdl.runner.spec import Row, Table
from kerasdl.runner.store import TrialStore, trial_key, trials_folder


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


def _check_metrics(table: Table, row: Row, result: TrialResult) -> dict:
    unknown = set(result.metrics) - set(table.columns)
    if unknown:
        raise ValueError(f"{table.name}/{row.name}: trial returned unknown columns {sorted(unknown)}")
    return {k: (float(v) if v is not None and math.isfinite(float(v)) else None) for k, v in result.metrics.items()}


def run_trial(plan: TablePlan, planned: PlannedTrial, store: TrialStore, progress=None) -> dict:
    """Run one planned trial, store it, return its record."""
    row, index, seed, config, identity = planned.row, planned.index, planned.seed, planned.config, planned.identity
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
    with plan.options.distribution.strategy.scope():
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
    return TrialStore(trials_folder(plan.options.out, plan.report.id))


def worker_store_of(plan: TablePlan) -> TrialStore:
    """Where this process writes its trials: the shared store, or for a non-chief worker of a
    multi-worker run its own folder (the chief writes the shared one)."""
    return TrialStore(plan.options.distribution.records(plan.options.out, plan.report.id))


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
    stored = store.get(planned.identity)
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
    records = [store.get(planned.identity) for planned in plan.trials]
    todo = [
        position
        for position, (record, planned) in enumerate(zip(records, plan.trials))
        if execute and record is None and in_shard(planned.identity, shard)
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
                error.records = [(planned.row, record) for planned, record in zip(plan.trials, records)]
                raise
            for position, record in finished.items():
                records[position] = record
        else:
            for position in todo:
                # Another process (a shard, a second run) may have finished it meanwhile.
                records[position] = store.get(plan.trials[position].identity) or run_trial(
                    plan, plan.trials[position], mine, progress
                )
    finally:
        if progress is not None:
            progress.end_table()
    return [(planned.row, record) for planned, record in zip(plan.trials, records)]
