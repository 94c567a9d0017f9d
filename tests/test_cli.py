"""`python -m reproduce`: bad input gives one line and exit 2; every report runs in `smoke`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kerasdl.commands import main as reproduce_main
from kerasdl.runner.registry import load_report, report_ids
from kerasdl.runner.environment import onednn_enabled

ROOT = Path(__file__).resolve().parents[1]


def cli(*argv):
    return reproduce_main(list(argv))


def write_fake_mnist(folder: Path, n_train=96, n_test=48, name="mnist", shape=(28, 28)):
    """A generated stand-in for MNIST: random digits-shaped images with learnable labels.

    `name` and `shape` make the same kind of stand-in for Fashion-MNIST or CIFAR-10 (32, 32, 3).
    """
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)

    def split(n):
        y = rng.integers(0, 10, n).astype("uint8")
        x = rng.integers(0, 60, (n, *shape)).astype("uint8")
        for i, label in enumerate(y):  # a bright bar whose row encodes the label
            x[i, 2 + 2 * label : 4 + 2 * label, 4:24] = 255
        return x, y

    (x_train, y_train), (x_test, y_test) = split(n_train), split(n_test)
    np.savez(folder / f"{name}.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return folder


def write_fake_data(folder: Path):
    """Generated stand-ins for the three image data sets, so that every report runs offline."""
    write_fake_mnist(folder)
    write_fake_mnist(folder, name="fashion_mnist")
    return write_fake_mnist(folder, name="cifar10", shape=(32, 32, 3))


@pytest.mark.parametrize(
    "argv, words",
    [
        (["nope"], ["unknown report or command 'nope'", "scratch_mlp", "sensitivity"]),
        (["scratch_mlp", "t9"], ["unknown table 't9'", "t5_performance"]),
        (["scratch_mlp", "--profile", "huge"], ["unknown profile 'huge'", "smoke, fast, paper"]),
        (["scratch_mlp", "--trials", "0"], ["--trials", "positive integer"]),
        (["scratch_mlp", "--epochs", "2.5"], ["--epochs", "positive integer"]),
        (["scratch_mlp", "--seed", "-1"], ["--seed", "from 0 to 2147483647", "'-1'"]),
        (["scratch_mlp", "--seed", str(2**32)], ["--seed", "from 0 to 2147483647"]),
        (["scratch_mlp", "--seed", "x"], ["--seed", "from 0 to"]),
        (["scratch_mlp", "--data-dir", "/no/such/dir"], ["--data-dir", "does not exist"]),
        (["scratch_mlp", "--set", "lr"], ["--set", "key=value"]),
        (["scratch_mlp", "--set", "lrr=0.1"], ["unknown setting", "lrr", "choose from"]),
        (["scratch_mlp", "--set", "backend=torch"], ["bad value 'torch'", "scratch, keras"]),
        (["scratch_mlp", "--set", "epochs=abc"], ["bad value 'abc'", "'epochs'", "positive integer"]),
        (["scratch_mlp", "--set", "epochs=-1"], ["bad value -1", "'epochs'", "positive integer"]),
        (["scratch_mlp", "--set", "batch_size=0"], ["bad value 0", "'batch_size'", "positive integer"]),
        (["scratch_mlp", "--set", "trials=0"], ["bad value 0", "'trials'", "positive integer"]),
        (["scratch_mlp", "--set", "n_train=abc"], ["'n_train'", "positive integer or null"]),
        (["scratch_mlp", "--set", "lr=abc"], ["bad value 'abc'", "'lr'", "number"]),
        (["classifiers", "q4_softmax_mnist", "--set", "hidden=abc"], ["bad value 'abc'", "'hidden'", "integer"]),
        (["all", "t5_performance"], ["'all' takes no table names"]),
        ([], ["name a report, or 'all'", "scratch_mlp", "`list`"]),
        (["collect"], ["name a report, or 'all'"]),
        (["sensitivity"], ["name a report, or 'all'"]),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(argv, words, capsys):
    assert cli(*argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    for word in words:
        assert word in err


def test_out_that_is_a_file(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert cli("scratch_mlp", "--out", str(target)) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_a_run_of_another_profile_never_replaces_a_table(tmp_path, capsys):
    table = tmp_path / "scratch_mlp" / "t5_performance.json"
    table.parent.mkdir(parents=True)
    table.write_text(json.dumps({"report": "scratch_mlp", "table": "t5_performance", "profile": "fast"}))
    assert cli("scratch_mlp", "--profile", "smoke", "--out", str(tmp_path), "--quiet") == 2
    err = capsys.readouterr().err
    assert "holds the fast profile's table" in err and f"--out {tmp_path / 'smoke'}" in err
    assert json.loads(table.read_text())["profile"] == "fast"  # untouched, and nothing ran
    assert not (tmp_path / "scratch_mlp" / "trials").exists()


def test_missing_data_is_a_paragraph_and_exit_2(tmp_path, monkeypatch, capsys):
    import tensorflow_datasets as tfds

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(tfds, "load", offline)
    monkeypatch.delenv("KERASDL_DATA_DIR", raising=False)
    assert cli("alt_softmax", "q2_regression_vs_classification", "--profile", "smoke", "--out", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "KERASDL_DATA_DIR" in err and "--data-dir" in err


def test_list_of_one_report_shows_its_rows_as_export_takes_them(capsys):
    from kerasdl.commands.arguments import row_named as _row_named

    assert cli("list", "lenet5") == 0
    out = capsys.readouterr().out
    report = load_report("lenet5")
    assert "classifiers:" not in out
    for table in report.tables:
        for row in table.rows:
            assert f"row {row.name!r}" in out
            assert _row_named(report, table, row.name) == row.name
    row = report.table("mnist").rows[0]
    assert "," in row.name and "(or " in out
    slug = out.split(f"row {row.name!r}  (or ")[1].split(")")[0]
    assert _row_named(report, report.table("mnist"), slug) == row.name
    assert cli("list", "nope") == 2 and "unknown report 'nope'" in capsys.readouterr().err


def test_config_prints_the_plan_a_run_would_make(capsys):
    """`config` runs nothing and prints each row's merged settings and trial keys: the keys of
    the published fast records, and with --set the overridden value in every row."""
    assert cli("config", "scratch_mlp", "--json") == 0
    plans = json.loads(capsys.readouterr().out)
    keys = [t["key"] for plan in plans for row in plan["rows"] for t in row["trials"]]
    assert keys and all((ROOT / "reference/fast/scratch_mlp/trials" / f"{key}.json").exists() for key in keys)
    table = load_report("scratch_mlp").tables[0]
    assert [row["row"] for row in plans[0]["rows"]] == [row.name for row in table.rows]
    assert cli("config", "scratch_mlp", table.name, "--set", "backend=keras") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"scratch_mlp/{table.name}: profile fast") and 'backend="keras"' in out
    assert all(f"  {row.name}: " in out for row in table.rows)
    assert cli("config", "scratch_mlp", "--set", "nope=1") == 2
    assert "unknown setting(s) nope" in capsys.readouterr().err


def test_list_names_every_report_and_table(capsys):
    assert cli("list") == 0
    out = capsys.readouterr().out
    for report_id in report_ids():
        report = load_report(report_id)
        assert report_id in out
        for table in report.tables:
            assert table.name in out
        assert report.protocol  # every report says where its protocol comes from
        for line in report.protocol:
            assert f"  protocol: {line}" in out


def _timing(column):
    """Columns that measure this machine's speed: the only ones allowed to differ between runs."""
    return "time" in column or "ms_per" in column or column.endswith("_s")


def test_all_reports_run_in_smoke_offline(smoke_run):
    data, out, printed = smoke_run
    for report_id in report_ids():
        for table in load_report(report_id).tables:
            summary = json.loads((out / report_id / f"{table.name}.json").read_text())
            assert summary["profile"] == "smoke"
            assert [r["name"] for r in summary["rows"]] == [r.name for r in table.rows]
            for row in summary["rows"]:
                assert row["trials"] >= 1
                assert any(s["mean"] is not None for s in row["reproduced"].values()), (table.name, row["name"])
            assert f"{report_id} / {table.name}" in printed


@pytest.mark.slow
def test_all_reports_repeat_exactly_in_another_process_with_jobs(smoke_run, tmp_path):
    """The same command again, in a fresh process and results folder, its trials in two worker
    processes (--jobs 2), TensorFlow's CPU path as here: every number but timings equal. (Slow: the
    reliability and parallel tests check the same on one table each.)"""
    data, out, printed = smoke_run
    again = tmp_path / "again"
    onednn = "1" if onednn_enabled() else "0"
    done = subprocess.run(
        [sys.executable, "-m", "reproduce", "all", "--profile", "smoke", "--data-dir", str(data), "--out", str(again),
         "--quiet", "--jobs", "2"],
        capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": onednn},
        cwd=ROOT, timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for report_id in report_ids():
        for table in load_report(report_id).tables:
            summary = json.loads((out / report_id / f"{table.name}.json").read_text())
            repeat = json.loads((again / report_id / f"{table.name}.json").read_text())
            assert repeat["environment"]["jobs"] == 2 and repeat["environment"]["onednn"] == (onednn == "1")
            for first, second in zip(summary["rows"], repeat["rows"]):
                for column, stats in first["reproduced"].items():
                    if not _timing(column):
                        assert stats["values"] == second["reproduced"][column]["values"], (table.name, first["name"], column)


def test_scratch_mlp_keras_backend(tmp_path):
    assert cli("scratch_mlp", "--profile", "smoke", "--set", "backend=keras", "--out", str(tmp_path), "--quiet") == 0
    summary = json.loads((tmp_path / "scratch_mlp" / "t5_performance.json").read_text())
    assert summary["config"]["backend"] == "keras"
    for row in summary["rows"]:
        assert 0 <= row["reproduced"]["test_error_pct"]["mean"] <= 100


def test_report_script_runs_standalone(tmp_path):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "reproduce" / "scratch_mlp.py"), "--profile", "smoke", "--trials", "1",
         "--epochs", "2", "--out", str(tmp_path), "--quiet"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "scratch_mlp / t5_performance" in done.stdout
    assert (tmp_path / "scratch_mlp" / "t5_performance.json").exists()
