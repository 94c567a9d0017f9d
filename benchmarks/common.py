"""What every benchmark shares: timing (median after warm-up), the machine, the printed table and
its JSON document, and TensorFlow worker processes with oneDNN off or on."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import platform
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Sequence

from kerasdl.runner.environment import cpu_model, onednn_enabled
from kerasdl.runner.store import write_json_atomic


# The command line that ran the benchmarks (set by `benchmarks.cli.main`), written in each JSON.
COMMAND = [None]


def time_calls(fn: Callable[[], object], repeats: int, warmup: int = 1) -> list[float]:
    """Seconds of each of `repeats` calls of `fn`, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def interleaved_times(fns: dict, repeats: int, warmup: int = 2) -> dict[str, list[float]]:
    """Seconds of each of `repeats` calls of each `fns[name]()`, timed in rounds (one call of each
    per round) so that a change of the machine's load weighs on all of them alike."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def interleaved(fns: dict, repeats: int, warmup: int = 2) -> dict:
    """Median seconds per call of each `fns[name]()`, timed in rounds (`interleaved_times`)."""
    return {name: median(ts) for name, ts in interleaved_times(fns, repeats, warmup).items()}


def epoch_timer():
    """A Keras callback whose `times` lists each epoch's wall time."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self._start)

    return EpochTimer()


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def quartiles(values: Sequence[float]) -> str:
    """The spread of `values` as "p25-p75" (3 significant digits), or "" for fewer than two."""
    if len(values) < 2:
        return ""
    low, _, high = statistics.quantiles(values, n=4, method="inclusive")
    return f"{low:.3g}-{high:.3g}"


def load_average() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def onednn_label(enabled: bool | None) -> str:
    return {True: "on", False: "off", None: "unknown"}[enabled]


def machine(onednn=None) -> dict:
    """The facts a figure depends on: CPU, cores, library versions, load at the time, and whether
    TensorFlow's oneDNN ops were on: in this process, or `onednn` (`{setting: on?}` of the worker
    processes, `onednn_workers`) where the TensorFlow figures came from those."""
    import keras
    import numpy as np
    import tensorflow as tf

    versions = {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
                "numpy": np.__version__}
    try:
        import torch

        versions["torch"] = torch.__version__
    except ImportError:
        pass
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "gpus": len(tf.config.list_physical_devices("GPU")),
        "onednn": onednn_enabled() if onednn is None else onednn,
        "TF_ENABLE_ONEDNN_OPTS": ({s: ONEDNN_SETTINGS[s] for s in onednn} if isinstance(onednn, dict)
                                  else os.environ.get("TF_ENABLE_ONEDNN_OPTS")),
        "versions": versions,
        "load_average": load_average(),
    }


def describe_onednn(onednn) -> str:
    """'oneDNN on', or for worker processes 'oneDNN off | on (one process each)'."""
    if isinstance(onednn, dict):
        shown = [s if onednn_label(v) == s else f"{s} (detected {onednn_label(v)})" for s, v in onednn.items()]
        return f"oneDNN {' | '.join(shown)} (one process each)"
    return f"oneDNN {onednn_label(onednn)}"


# `--onednn`: the TF_ENABLE_ONEDNN_OPTS value of each setting.
ONEDNN_SETTINGS = {"off": "0", "on": "1"}


def onednn_settings(choice: str) -> list[str]:
    """The settings `--onednn off|on|both` asks for, in the order they run."""
    return list(ONEDNN_SETTINGS) if choice == "both" else [choice]


class Worker:
    """One fresh Python process (spawned, so TensorFlow is imported anew) in which
    TF_ENABLE_ONEDNN_OPTS was set before anything else ran; `call(fn, *args)` runs a module-level
    function there and returns its result. `enabled`: `onednn_enabled()` as the process reports it."""

    def __init__(self, setting: str):
        self.setting = setting
        previous = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = ONEDNN_SETTINGS[setting]
        try:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            # The process starts here (in `submit`), with the environment as it is now.
            ready = self._pool.submit(onednn_enabled)
        finally:
            if previous is None:
                os.environ.pop("TF_ENABLE_ONEDNN_OPTS", None)
            else:
                os.environ["TF_ENABLE_ONEDNN_OPTS"] = previous
        self._ready = ready
        self.enabled = None

    def wait(self) -> None:
        """Until the process has imported TensorFlow (so that it no longer competes for the cores)."""
        self.enabled = self._ready.result()

    def call(self, fn, *args):
        return self._pool.submit(fn, *args).result()

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


@contextlib.contextmanager
def onednn_workers(settings: Sequence[str]):
    """`{setting: Worker}`, one process per oneDNN setting, all started and ready (TensorFlow
    imported) before the caller times anything; shut down on exit."""
    workers = {}
    try:
        for setting in settings:
            workers[setting] = Worker(setting)
        for worker in workers.values():
            worker.wait()
        yield workers
    finally:
        for worker in workers.values():
            worker.close()


def onednn_notes(workers: dict) -> list[str]:
    """A note on how the settings' processes were made, and one per setting whose detected state is
    not the one asked for."""
    notes = ["TensorFlow rows: each oneDNN setting in its own fresh process, TF_ENABLE_ONEDNN_OPTS="
             + " / ".join(f"{ONEDNN_SETTINGS[s]} ({s})" for s in workers)
             + " set before TensorFlow was imported; the column oneDNN is what that process's TensorFlow "
             "reported (tensorflow.python.util._pywrap_util_port.IsMklEnabled); torch rows ran once, in the "
             "invoking process"]
    for setting, worker in workers.items():
        if onednn_label(worker.enabled) != setting:
            notes.append(f"asked for oneDNN {setting} (TF_ENABLE_ONEDNN_OPTS={ONEDNN_SETTINGS[setting]}), "
                         f"TensorFlow reported {onednn_label(worker.enabled)}")
    return notes


def torch_or_none():
    """PyTorch, set to 2 threads (this project's 2-core machine), or None when not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(2)
    return torch


TORCH_MISSING = "torch peer skipped: PyTorch is not installed (pip install -e '.[bench]')"


def format_table(columns: Sequence[str], rows: Sequence[dict]) -> str:
    """A plain-text table: one line per row, numbers to 4 significant digits."""

    def cell(value):
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:.4g}"
        return str(value)

    cells = [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) if cells else len(c) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
    return "\n".join(lines)


def report(name: str, columns: Sequence[str], rows: Sequence[dict], out: str | Path, *, settings: dict,
           notes: Sequence[str] = (), targets: Sequence[dict] = (), raw: dict | None = None, onednn=None,
           echo=print) -> dict:
    """Print the benchmark's table (and notes, targets) and write it as `<out>/<name>.json`, with
    `raw` (the individual timings behind the table's medians, if given). `onednn`: `{setting: on?}`
    where the TensorFlow figures came from worker processes (default: this process's state)."""
    document = {
        "benchmark": name,
        "command": COMMAND[0],
        "settings": settings,
        "columns": list(columns),
        "rows": list(rows),
        "targets": list(targets),
        "notes": list(notes),
        "machine": machine(onednn),
    }
    if raw is not None:
        document["raw"] = raw
    path = Path(out) / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, document)
    if echo is not None:
        facts = document["machine"]
        echo(f"\n== {name}  ({facts['cpu']}, {facts['cores']} cores, {describe_onednn(facts['onednn'])}, "
             f"load {facts['load_average']})")
        echo(format_table(columns, rows))
        for target in targets:
            mark = {True: "met", False: "NOT met", None: "n/a"}[target["met"]]
            echo(f"target: {target['target']}: {target['measured']} -> {mark}")
        for note in notes:
            echo(f"note: {note}")
        echo(f"wrote {path}")
    return document


def target(text: str, measured: float | None, ok: Callable[[float], bool], unit: str = "x") -> dict:
    if measured is None:
        return {"target": text, "measured": None, "met": None}
    return {"target": text, "measured": f"{measured:.3g}{unit}", "value": measured, "met": bool(ok(measured))}
