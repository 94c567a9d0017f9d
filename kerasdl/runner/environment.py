"""What produced a table: software versions, the machine, TensorFlow's CPU path, the command and
the data, stored in every table's JSON (`"environment"`), so a reader can tell runs apart.

No absolute path of the machine is recorded: the data is named by its data set, split sizes and
a SHA-256 of its arrays as loaded, which tells two copies of one data set apart (CIFAR-10's JPEG
copy from the original) whatever folder or file format they came from.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shlex
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

import kerasdl


def onednn_enabled() -> bool:
    """Whether TensorFlow's oneDNN CPU ops are on in this process (decided when TensorFlow loads,
    from `TF_ENABLE_ONEDNN_OPTS` and, when unset, the CPU's features)."""
    from tensorflow.python.util import _pywrap_util_port

    return bool(_pywrap_util_port.IsMklEnabled())


def cpu_model() -> str:
    """The CPU's model name: Linux's /proc/cpuinfo "model name", else `lscpu`'s "Model name"
    (ARM machines), else what `platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    try:
        done = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10, env={**os.environ, "LC_ALL": "C"})
        for line in done.stdout.splitlines():
            if line.strip().startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return platform.processor() or platform.machine()


def cpu_vector_width() -> str:
    """The widest vector instructions the CPU offers (`avx512`, `avx2`, `avx`, or `none`), from
    Linux's /proc/cpuinfo flags; `unknown` elsewhere. Two CPUs of one model name may differ here
    (an AMD EPYC with AVX2 only, another with AVX-512), and with it TensorFlow's kernels."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "unknown"
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), None)
    if flags is None:
        return "unknown"
    return next((name for name, flag in (("avx512", "avx512f"), ("avx2", "avx2"), ("avx", "avx")) if flag in flags), "none")


@lru_cache(maxsize=1)
def numeric_environment() -> dict:
    """What a trial's float round-off depends on beyond its identity: the CPU (model and vector
    width), TensorFlow's oneDNN path, the TensorFlow version and the GPUs. Two machines that agree
    here give the same numbers for the same trial identity; two that differ may not (float32
    round-off from the first epoch, which can move a run that barely trains either way)."""
    return {
        "cpu": cpu_model(),
        "vector_width": cpu_vector_width(),
        "onednn": onednn_enabled(),
        "tensorflow": tf.__version__,
        "gpus": gpus(),
    }


def describe_numeric(environment: dict) -> str:
    """`numeric_environment()` in a few words: "AMD EPYC (avx512), oneDNN on, TensorFlow 2.21.0"."""
    gpus_text = f", GPU {', '.join(environment['gpus'])}" if environment.get("gpus") else ""
    onednn = "on" if environment.get("onednn") else "off"
    return (f"{environment.get('cpu')} ({environment.get('vector_width')}), oneDNN {onednn}, "
            f"TensorFlow {environment.get('tensorflow')}{gpus_text}")


def cpu_cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def gpus() -> list[str]:
    names = []
    for device in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(device)
        names.append(details.get("device_name", device.name))
    return names


@lru_cache(maxsize=1)
def git_commit() -> str | None:
    """The commit of the checkout kerasdl runs from (with `+changes` if it has uncommitted
    changes), or None for an installed copy."""
    root = Path(kerasdl.__file__).resolve().parents[1]
    if not (root / ".git").exists():
        return None
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+changes" if dirty else "")


def command_line() -> str:
    """The command as typed, without the machine's paths (`python -m reproduce lenet5 ...`)."""
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("python")
    if program.name == "__main__.py":
        head = ["python", "-m", program.parent.name]
    elif program.suffix == ".py":
        head = ["python", f"{program.parent.name}/{program.name}"]
    else:
        head = [program.name]
    return shlex.join(head + sys.argv[1:])


_digests: dict[int, str] = {}


def data_digest(dataset) -> str:
    """SHA-256 of a data set's arrays as loaded (x_train, y_train, x_test, y_test, in order, with
    their shapes and dtypes), computed once per loaded data set."""
    key = id(dataset)
    if key not in _digests:
        digest = hashlib.sha256()
        for array in (dataset.x_train, dataset.y_train, dataset.x_test, dataset.y_test):
            array = np.ascontiguousarray(array)
            digest.update(f"{array.dtype.str}{array.shape}".encode())
            digest.update(memoryview(array).cast("B"))
        _digests[key] = digest.hexdigest()
    return _digests[key]


def describe(plan) -> dict:
    """The `"environment"` block of a table's JSON for `plan` (a `TablePlan`)."""
    data = None
    if plan.data is not None:
        data = {
            "name": plan.data.name,
            "train": len(plan.data.y_train),
            "test": len(plan.data.y_test),
            "sha256": data_digest(plan.data),
        }
    return {
        "kerasdl": kerasdl.__version__,
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "platform": platform.platform(terse=True),
        "cpu": cpu_model(),
        "cpu_cores": cpu_cores(),
        "onednn": onednn_enabled(),
        "gpus": gpus(),
        "command": command_line(),
        "profile": plan.profile,
        "seeds": sorted({planned.seed for planned in plan.trials}),
        "jobs": plan.options.jobs,
        "strategy": plan.strategy,
        "data": data,
    }
