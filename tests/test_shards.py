"""`--shard K/N`: N concurrent jobs split a table's trials, each trial runs once, and `collect`
assembles the same table as an unsharded run with the same seeds."""

import json
import os
import subprocess
import sys

import pytest

from kerasdl.commands import main as reproduce_main

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
RUN = ["scratch_mlp", "--profile", "smoke", "--trials", "3", "--epochs", "20", "--quiet"]


def _values(summary):
    return {r["name"]: {c: s["values"] for c, s in r["reproduced"].items() if c != "time_s"} for r in summary["rows"]}


def test_two_shards_in_parallel_equal_one_unsharded_run(tmp_path):
    shared = tmp_path / "shared"
    procs = [
        subprocess.Popen([sys.executable, "-m", "reproduce", *RUN, "--out", str(shared), "--shard", f"{k}/2"],
                         env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for k in (1, 2)
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
        outputs.append(out)
    trials = list((shared / "scratch_mlp" / "trials").glob("*.json"))
    assert len(trials) == 9, "every trial ran exactly once across the shards"
    ran = [json.loads(p.read_text())["elapsed_s"] for p in trials]
    assert all(t > 0 for t in ran)
    assert not (shared / "scratch_mlp" / "t5_performance.json").exists(), "a shard writes no table"
    assert "shard 1/2 done" in outputs[0] and "shard 2/2 done" in outputs[1]
    assert reproduce_main(["collect", *RUN, "--out", str(shared)]) == 0
    sharded = json.loads((shared / "scratch_mlp" / "t5_performance.json").read_text())
    assert reproduce_main([*RUN, "--out", str(tmp_path / "single")]) == 0
    single = json.loads((tmp_path / "single" / "scratch_mlp" / "t5_performance.json").read_text())
    assert _values(sharded) == _values(single)


def test_collect_of_an_incomplete_table_says_so(tmp_path, capsys):
    out = str(tmp_path)
    assert reproduce_main([*RUN, "--out", out, "--shard", "1/3"]) == 0
    capsys.readouterr()
    assert reproduce_main(["collect", *RUN, "--out", out]) == 1
    captured = capsys.readouterr()
    assert "INCOMPLETE" in captured.out and "remaining shards" in captured.err


@pytest.mark.parametrize("value", ["0/2", "3/2", "a/b", "2"])
def test_bad_shard(value, capsys):
    assert reproduce_main([*RUN, "--shard", value]) == 2
    assert "K/N" in capsys.readouterr().err


def test_collect_where_no_trials_are_stored_gives_one_line_and_writes_nothing(tmp_path, capsys):
    assert reproduce_main(["collect", *RUN, "--out", str(tmp_path)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "no stored trials of scratch_mlp" in line and str(tmp_path) in line
    assert list(tmp_path.iterdir()) == []
