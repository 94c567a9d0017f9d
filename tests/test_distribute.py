"""`--strategy`: a trial trained under MirroredStrategy (2 logical CPUs) or under
MultiWorkerMirroredStrategy (2 worker processes on loopback) matches the single-device run.

The toy is full-batch SGD on a linear model without shuffling, so every strategy computes the
same mean gradient: the stated tolerance is 1e-5 on the weights (float32 rounding of the
all-reduce)."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TOY = [sys.executable, str(HERE / "toy_distributed.py"), "--profile", "smoke", "--quiet"]
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(HERE.parent)}


def _record(folder: Path) -> dict:
    (path,) = folder.glob("*.json")
    return json.loads(path.read_text())


def _single(tmp_path) -> dict:
    done = subprocess.run(TOY + ["--out", str(tmp_path / "single")], env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return _record(tmp_path / "single" / "toy" / "trials")


def _free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_mirrored_on_two_logical_cpus_matches_single_device(tmp_path):
    single = _single(tmp_path)
    done = subprocess.run(TOY + ["--out", str(tmp_path / "m"), "--strategy", "mirrored", "--cpu-devices", "2"],
                          env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    mirrored = _record(tmp_path / "m" / "toy" / "trials")
    assert mirrored["identity"]["strategy"] == {"strategy": "mirrored", "replicas": 2}
    assert mirrored["extra"]["replicas"] == 2 and single["extra"]["replicas"] == 1
    np.testing.assert_allclose(mirrored["extra"]["weights"], single["extra"]["weights"], atol=1e-5)


def test_multiworker_two_processes_on_loopback(tmp_path):
    single = _single(tmp_path)
    out = tmp_path / "mw"
    workers = [f"localhost:{port}" for port in _free_ports(2)]
    procs = []
    for index in range(2):
        config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        procs.append(subprocess.Popen(TOY + ["--out", str(out), "--strategy", "multiworker"],
                                      env={**ENV, "TF_CONFIG": json.dumps(config)},
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = []
    try:
        for proc in procs:
            stdout, stderr = proc.communicate(timeout=300)
            assert proc.returncode == 0, stderr[-3000:]
            outputs.append(stdout)
    finally:
        for proc in procs:
            proc.kill()
    chief = _record(out / "toy" / "trials")
    other = _record(out / "toy" / "workers" / "worker-1" / "trials")
    assert chief["identity"]["strategy"] == {"strategy": "multiworker", "replicas": 2}
    assert chief["extra"]["replicas"] == other["extra"]["replicas"] == 2, "both workers trained together"
    np.testing.assert_allclose(chief["extra"]["weights"], single["extra"]["weights"], atol=1e-5)
    np.testing.assert_allclose(other["extra"]["weights"], chief["extra"]["weights"], atol=1e-6)
    assert "toy / linear" in outputs[0] and "worker 1 trained with the chief" in outputs[1]
    assert (out / "toy" / "linear.json").exists()
