"""The environment block of every table: what produced it, without the machine's paths."""

import platform
import subprocess

import numpy as np

from kerasdl.data import Dataset
from kerasdl.runner import environment


def test_cpu_model_falls_back_to_lscpu(monkeypatch):
    class NoCpuinfo:
        def __init__(self, path):
            pass

        def read_text(self):
            raise OSError("no /proc")

    lscpu = "Architecture:        x86_64\n  Model name:          Some CPU 9000\nThread(s) per core:  2\n"
    monkeypatch.setattr(environment, "Path", NoCpuinfo)
    monkeypatch.setattr(environment.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, lscpu, ""))
    assert environment.cpu_model() == "Some CPU 9000"

    def no_lscpu(*a, **k):
        raise FileNotFoundError("lscpu")

    monkeypatch.setattr(environment.subprocess, "run", no_lscpu)
    assert environment.cpu_model() == (platform.processor() or platform.machine())


def test_data_digest_tells_copies_apart():
    x = np.zeros((4, 2, 2, 1), "uint8")
    y = np.arange(4)
    first = Dataset(x, y, x[:2], y[:2], source="a", name="mnist")
    same = Dataset(x.copy(), y.copy(), x[:2].copy(), y[:2].copy(), source="elsewhere", name="mnist")
    other = x.copy()
    other[0, 0, 0, 0] = 1
    changed = Dataset(other, y, x[:2], y[:2], source="a", name="mnist")
    assert environment.data_digest(first) == environment.data_digest(same) != environment.data_digest(changed)


def test_command_line_has_no_machine_paths(monkeypatch):
    monkeypatch.setattr(environment.sys, "argv", ["/home/me/kerasdl/reproduce/__main__.py", "lenet5", "--jobs", "2"])
    assert environment.command_line() == "python -m reproduce lenet5 --jobs 2"
    monkeypatch.setattr(environment.sys, "argv", ["/home/me/kerasdl/reproduce/lenet5.py", "--profile", "paper"])
    assert environment.command_line() == "python reproduce/lenet5.py --profile paper"
