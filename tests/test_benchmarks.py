"""`python -m benchmarks`: each benchmark runs in its tiny `--quick` configuration and writes a
well-formed JSON table; bad command lines exit with status 2. No speed is asserted."""

import json
import subprocess
from pathlib import Path

import pytest

from benchmarks import NAMES, suite
from benchmarks.cli import main


def run_quick(tmp_path, *names):
    lines = []
    code = main([*names, "--quick", "--out", str(tmp_path)], echo=lines.append)
    assert code == 0
    return lines


def document(tmp_path, name):
    doc = json.loads((tmp_path / f"{name}.json").read_text())
    assert doc["benchmark"] == name
    assert doc["rows"] and all(set(row) <= set(doc["columns"]) for row in doc["rows"])
    assert doc["machine"]["cores"] >= 1 and "tensorflow" in doc["machine"]["versions"]
    return doc


@pytest.mark.parametrize("name", ["lppool", "lenet5_train", "lenet5_ops", "scratch_mlp", "savedmodel_infer"])
def test_quick_run_writes_its_table(tmp_path, name):
    lines = run_quick(tmp_path, name)
    doc = document(tmp_path, name)
    assert any(name in line for line in lines)
    for row in doc["rows"]:
        numbers = [v for v in row.values() if isinstance(v, float)]
        assert all(v == v and v >= 0 for v in numbers)
    if name == "lenet5_ops":
        groups = {row["group"]: row["tensorflow ms/step"] for row in doc["rows"]}
        assert groups["conv1 forward (+bias, ReLU)"] > 0 and groups["conv2 input gradient"] > 0
        assert groups["total"] == pytest.approx(sum(v for k, v in groups.items() if k != "total" and v))
    if name == "lppool":
        ops = {row["op (fwd+bwd)"] for row in doc["rows"]}
        assert {"MaxPool2D(2)", "LpPool2D p=2", "LpPool2D p=4", "split-per-channel p=2 (report)"} <= ops


def test_suite_reads_the_tables_elapsed_time(tmp_path, monkeypatch):
    def fake_run(command, **kwargs):
        report, out = command[3], command[command.index("--out") + 1]
        folder = Path(out) / report
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "t1.json").write_text(json.dumps({"table": "t1", "elapsed_s": 1.5, "compute_s": 1.0}))
        (folder / "t1.csv").write_text("")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(suite.subprocess, "run", fake_run)
    assert main(["suite", "--reports", "scratch_mlp,lenet5", "--out", str(tmp_path)], echo=None) == 0
    rows = document(tmp_path, "suite")["rows"]
    assert [r["table"] for r in rows if r["report"] == "lenet5"] == ["t1", "(all: process wall time)"]
    assert rows[0]["elapsed_s"] == 1.5 and rows[-1]["report"] == "total"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["nope"], "unknown benchmark 'nope'; choose from: " + ", ".join(NAMES)),
        (["lppool", "--repeats", "0"], "expected a positive integer, got '0'"),
        (["lenet5_train", "--epochs", "1"], "--epochs must be at least 2"),
        (["suite", "--reports", "scratch_mlp,nope"], "unknown report 'nope' in --reports"),
        (["suite", "--profile", "huge"], "unknown profile 'huge'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_command_line_is_one_line_and_status_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("benchmarks: ") and message in err


def test_out_must_be_a_folder(tmp_path, capsys):
    afile = tmp_path / "file"
    afile.write_text("")
    assert main(["lppool", "--out", str(afile)]) == 2
    assert "is not a directory" in capsys.readouterr().err
