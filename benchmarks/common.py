"""What every benchmark shares: timing (median after warm-up), the machine, the printed table and
its JSON document."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Callable, Sequence

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


def interleaved(fns: dict, repeats: int, warmup: int = 2) -> dict:
    """Median seconds per call of each `fns[name]()`, timed in rounds (one call of each per round)
    so that a change of the machine's load weighs on all of them alike."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: median(ts) for name, ts in times.items()}


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


def machine() -> dict:
    """The facts a figure depends on: CPU, cores, library versions, load at the time."""
    import keras
    import numpy as np
    import tensorflow as tf

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
                "numpy": np.__version__}
    try:
        import torch

        versions["torch"] = torch.__version__
    except ImportError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "gpus": len(tf.config.list_physical_devices("GPU")),
        "versions": versions,
        "load_average": load_average(),
    }


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
           notes: Sequence[str] = (), targets: Sequence[dict] = (), raw: dict | None = None, echo=print) -> dict:
    """Print the benchmark's table (and notes, targets) and write it as `<out>/<name>.json`, with
    `raw` (the individual timings behind the table's medians, if given)."""
    document = {
        "benchmark": name,
        "command": COMMAND[0],
        "settings": settings,
        "columns": list(columns),
        "rows": list(rows),
        "targets": list(targets),
        "notes": list(notes),
        "machine": machine(),
    }
    if raw is not None:
        document["raw"] = raw
    path = Path(out) / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, document)
    if echo is not None:
        load = document["machine"]["load_average"]
        echo(f"\n== {name}  ({document['machine']['cpu']}, {document['machine']['cores']} cores, load {load})")
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
