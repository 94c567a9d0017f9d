"""What a wheel of kerasdl installs: its top-level import names, the console script and the
report entry points (README, "Layout": why `reproduce` and `tuning` keep their names)."""

import configparser
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_installs_kerasdl_reproduce_and_tuning_and_nothing_else(tmp_path):
    source = tmp_path / "source"  # a copy, so that building writes nothing into the checkout
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "results", "reference", "build", "dist", "*.egg-info", "__pycache__", ".venv"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path / "dist"), str(source)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("kerasdl-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"kerasdl", "reproduce", "tuning"}
    assert not [name for name in names if name.startswith(("tests/", "benchmarks/"))]
    assert "kerasdl/runner/templates/report.html.j2" in names
    # Installed into a fresh environment (without its dependencies): the same names in site-packages.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    installed = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-2000:]
    before = {"pip", "_distutils_hack", "setuptools", "pkg_resources", "distutils-precedence.pth", "__pycache__"}
    listed = {p.name for p in Path(site).iterdir() if not p.name.endswith(".dist-info")} - before
    assert listed == {"kerasdl", "reproduce", "tuning"}
    assert (venv / "bin" / "kerasdl").exists()
    (info,) = Path(site).glob("kerasdl-*.dist-info")
    entry_points = configparser.ConfigParser()
    entry_points.read(info / "entry_points.txt")
    assert entry_points["console_scripts"]["kerasdl"] == "reproduce:console"
    assert set(entry_points["kerasdl.reports"]) == {"scratch_mlp", "alt_softmax", "convnet_tricks", "lenet5", "classifiers"}
