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

import json
import os

import tensorflow as tf

from kerasdl.runner import multiworker_fix

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


def task(name: str) -> tuple[str, int] | None:
    """`(task type, index)` of this process in a multi-worker cluster, else None."""
    if name != "multiworker":
        return None
    config = json.loads(os.environ["TF_CONFIG"])
    return config["task"]["type"], int(config["task"]["index"])


def is_chief(name: str) -> bool:
    """The chief writes the results: the `chief` task, or worker 0 where the cluster has none."""
    me = task(name)
    if me is None:
        return True
    cluster = json.loads(os.environ["TF_CONFIG"]).get("cluster", {})
    if "chief" in cluster:
        return me[0] == "chief"
    return me == ("worker", 0)
