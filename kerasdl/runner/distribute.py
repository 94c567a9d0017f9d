"""`tf.distribute` inside a trial: the model is built, compiled and fitted under the chosen
strategy's scope, so one trial uses every local GPU (`mirrored`) or several machines
(`multiworker`), with no change to the report's code.

The batch size stays the report's global batch: Keras splits each batch evenly over the replicas
(batch / replicas each) and averages their gradients, so one step sees the same examples as on a
single device.

- `default`: no distribution (one device).
- `mirrored`: `tf.distribute.MirroredStrategy` over every local GPU; on a CPU-only machine over the
  logical CPU devices the user configured (`--cpu-devices N` splits the CPU into N).
- `multiworker`: `tf.distribute.MultiWorkerMirroredStrategy`, configured by the `TF_CONFIG`
  environment variable as TensorFlow documents it. Every worker runs the same command; they
  train each trial together. Only the chief writes into `--out`; the other workers keep their
  records under `<out>/<report>/workers/<task>/` (so one can see they trained). All workers read
  the chief's store to agree on which trials remain, so on several machines `--out` must be a
  shared folder.

Strategies apply to Keras models; the from-scratch framework of `scratch_mlp` ignores them. Keras
3's `fit` needs two fixes to run under a multi-worker strategy: see
`kerasdl.runner.multiworker_fix`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from pathlib import Path

import tensorflow as tf

from kerasdl.runner import multiworker_fix
from kerasdl.runner.store import trials_folder

STRATEGIES = ("default", "mirrored", "multiworker")


def split_cpu(devices: int) -> None:
    """Split the physical CPU into `devices` logical devices (before TensorFlow starts)."""
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * devices)


def make_strategy(name: str) -> tf.distribute.Strategy:
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        devices = gpus or tf.config.list_logical_devices("CPU")
        return tf.distribute.MirroredStrategy(devices=[d.name for d in devices])
    if name == "multiworker":
        if "TF_CONFIG" not in os.environ:
            raise ValueError("--strategy multiworker needs the TF_CONFIG environment variable (cluster and task)")
        multiworker_fix.apply()
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(f"unknown strategy {name!r}; choose from: {', '.join(STRATEGIES)}")


_MADE: dict = {}


def get(name: str) -> tf.distribute.Strategy:
    """The process's strategy of that name, made once (a multi-worker strategy must be made
    before any other TensorFlow work, so the CLI asks for it first)."""
    if name not in _MADE:
        _MADE[name] = make_strategy(name)
    return _MADE[name]


def identity_of(name: str, strategy: tf.distribute.Strategy) -> dict | None:
    """What a trial's identity records of its strategy (None for the default, so single-device
    results stay shared with runs that never named a strategy)."""
    if name == "default":
        return None
    return {"strategy": name, "replicas": strategy.num_replicas_in_sync}


@dataclasses.dataclass(frozen=True)
class Distribution:
    """How and where this process trains, resolved once (`resolve`): the strategy's `name`,
    this process's `task` `(type, index)` in a multi-worker cluster (None elsewhere), and
    whether it is the `chief`, the one process that writes results: the `chief` task, or worker 0
    where the cluster has none."""

    name: str
    task: tuple[str, int] | None
    chief: bool

    @property
    def strategy(self) -> tf.distribute.Strategy:
        return get(self.name)

    def identity(self) -> dict | None:
        return identity_of(self.name, self.strategy)

    def records(self, out, report_id: str) -> Path:
        """Where this process stores its trials of a report: the shared `<out>/<report>/trials`,
        or for a non-chief worker its own folder under `<out>/<report>/workers/`."""
        if self.chief:
            return trials_folder(out, report_id)
        kind, index = self.task
        return Path(out) / report_id / "workers" / f"{kind}-{index}" / "trials"


@functools.lru_cache(maxsize=None)
def resolve(name: str, cpu_devices: int | None = None) -> Distribution:
    """The process's `Distribution` of strategy `name`: splits the CPU into `cpu_devices`
    logical devices if asked, makes the strategy (both before any other TensorFlow work, as
    TensorFlow requires: the command line calls this first) and reads `TF_CONFIG` once."""
    if cpu_devices:
        split_cpu(cpu_devices)
    get(name)
    if name != "multiworker":
        return Distribution(name, None, True)
    config = json.loads(os.environ["TF_CONFIG"])
    me = config["task"]["type"], int(config["task"]["index"])
    chief = me[0] == "chief" if "chief" in config.get("cluster", {}) else me == ("worker", 0)
    return Distribution(name, me, chief)
