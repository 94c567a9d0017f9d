"""Reports are plugins: kerasdl's five come through the `kerasdl.reports` entry points, and a
course's own distribution adds its reports to `list`, run, `export` and the report page with no
change to kerasdl."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from kerasdl.runner import registry

OWN = ["scratch_mlp", "alt_softmax", "convnet_tricks", "lenet5", "classifiers"]

COURSE_MODULE = '''
"""A course's own report, installed by its own distribution."""
from kerasdl.runner import Report, Row, Table, TrialResult


def trial(t):
    t.epoch_done()
    return TrialResult({"score": 1.0 + t.seed})


table = Table("t1", "a course table", ["score"], [Row("only row", {"score": 1.0})], trial)
PROFILES = {p: {"epochs": 1, "trials": 2} for p in ("smoke", "fast", "paper")}
REPORT = Report("my_homework", "My course's homework", "hw1.pdf", [table], PROFILES)
'''


def fake_distribution(folder, entry="my_homework = my_course:REPORT"):
    """A course's installed distribution: a module and its dist-info with one entry point."""
    (folder / "my_course.py").write_text(textwrap.dedent(COURSE_MODULE))
    info = folder / "my_course-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: my-course\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[kerasdl.reports]\n{entry}\n")
    return folder


def test_kerasdl_registers_its_five_reports():
    assert registry.report_ids() == sorted(OWN)
    for report_id in OWN:
        assert registry.load_report(report_id).id == report_id


def test_unknown_report_names_the_choices():
    with pytest.raises(registry.ReportNotFound, match="unknown report .nope.; choose from: alt_softmax, classifiers"):
        registry.load_report("nope")


def test_a_course_distribution_adds_its_report(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(fake_distribution(tmp_path)))
    ids = registry.report_ids()
    assert "my_homework" in ids and set(OWN) <= set(ids)
    assert registry.load_report("my_homework").title == "My course's homework"


def test_an_entry_point_that_is_not_a_report_is_refused(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(fake_distribution(tmp_path, "my_homework = my_course:PROFILES")))
    with pytest.raises(TypeError, match="must give a kerasdl Report"):
        registry.load_report("my_homework")


def test_the_command_lists_runs_and_reports_a_course_report(tmp_path):
    (tmp_path / "site").mkdir()
    course = fake_distribution(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(course), "TF_CPP_MIN_LOG_LEVEL": "3"}
    listed = subprocess.run([sys.executable, "-m", "reproduce", "list"], capture_output=True, text=True, env=env, timeout=300)
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert "my_homework: My course's homework" in listed.stdout
    out = tmp_path / "results"
    done = subprocess.run([sys.executable, "-m", "reproduce", "my_homework", "--profile", "smoke", "--out", str(out), "--quiet"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads((out / "my_homework" / "t1.json").read_text())
    assert summary["rows"][0]["reproduced"]["score"]["values"] == [1.0, 2.0]
