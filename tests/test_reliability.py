"""Nothing lost: a killed run resumes without redoing finished trials; concurrent runs into one
results folder do not corrupt each other; a diverging trial is recorded, not fatal."""

import json
import os
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest

from kerasdl.runner import Report, Row, RunOptions, Table, TrialResult, fit, run_table

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
# scratch_mlp on its generated data: slow enough per trial to be killed in the middle of a run.
COMMAND = [sys.executable, "-m", "reproduce", "scratch_mlp", "--profile", "smoke", "--trials", "2",
           "--epochs", "1500", "--quiet"]


def _trial_files(out):
    folder = out / "scratch_mlp" / "trials"
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.json")} if folder.exists() else {}


# SIGTERM's clean stop is also tested, with workers, by test_parallel; SIGKILL only here.
@pytest.mark.parametrize(
    "sig, code",
    [pytest.param(signal.SIGTERM, 128 + signal.SIGTERM, marks=pytest.mark.slow), (signal.SIGKILL, -signal.SIGKILL)],
)
def test_killed_run_resumes_without_redoing_finished_trials(tmp_path, sig, code):
    out = tmp_path / "results"
    proc = subprocess.Popen(COMMAND + ["--out", str(out)], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 240
    while len(_trial_files(out)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err[-2000:]
    if sig == signal.SIGTERM:
        assert "run the same command to resume" in err and "Traceback" not in err
    finished = _trial_files(out)
    assert 2 <= len(finished) < 6
    for name in finished:
        json.loads((out / "scratch_mlp" / "trials" / name).read_text())
    done = subprocess.run(COMMAND + ["--out", str(out)], env=ENV, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    after = _trial_files(out)
    assert len(after) == 6
    assert all(after[name] == mtime for name, mtime in finished.items()), "a finished trial was run again"
    summary = json.loads((out / "scratch_mlp" / "t5_performance.json").read_text())
    assert all(len(r["reproduced"]["time_s"]["values"]) == 2 for r in summary["rows"])


def test_two_concurrent_runs_share_one_results_folder(tmp_path):
    out = tmp_path / "results"
    command = COMMAND[:-3] + ["--epochs", "50", "--quiet", "--out", str(out)]
    procs = [subprocess.Popen(command, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
    folder = out / "scratch_mlp"
    assert len(list((folder / "trials").glob("*.json"))) == 6
    assert not list(folder.rglob("*.tmp")), "a temporary file was left behind"
    summary = json.loads((folder / "t5_performance.json").read_text())
    assert all(len(r["reproduced"]["test_error_pct"]["values"]) == 2 for r in summary["rows"])


def _exploding_trial(trial):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(trial.config["lr"]), "mse")
    x = np.ones((64, 3), "float32")
    y = np.full((64, 1), 1e3, "float32")
    history, diverged = fit(trial, model, x, y, validation_data=(x, y), batch_size=16)
    loss = history["loss"][-1] if history.get("loss") else None
    return TrialResult(metrics={"loss": loss}, history=history, diverged_epoch=diverged)


def test_diverging_trial_is_recorded_and_the_table_goes_on(tmp_path, capsys):
    table = Table(
        name="boom", title="a diverging row beside a sane one", columns=["loss"],
        rows=[Row("huge lr", {"loss": None}, {"lr": 1e6}), Row("small lr", {"loss": None}, {"lr": 1e-4})],
        run=_exploding_trial,
    )
    report = Report("toy", "Toy", "none", [table], {p: {"epochs": 5, "trials": 2} for p in ("smoke", "fast", "paper")})
    summary = run_table(report, table, RunOptions("smoke", out=tmp_path, quiet=True))
    huge, small = summary["rows"]
    assert [d["trial"] for d in huge["diverged"]] == [0, 1]
    assert all(1 <= d["epoch"] <= 5 for d in huge["diverged"])
    assert small["diverged"] == [] and small["reproduced"]["loss"]["n"] == 2
    assert "(2 diverged)" in capsys.readouterr().out


# oneDNN on is the path every entry point takes; off (slow here) is TensorFlow's default on CPUs
# without AVX-512, and the layer tests run with it in CI.
@pytest.mark.parametrize("onednn", [pytest.param("0", marks=pytest.mark.slow), "1"])
def test_same_seed_same_numbers_with_onednn_off_and_on(tmp_path, onednn):
    """Op determinism holds on both of TensorFlow's CPU paths: a Keras table (convolutions,
    pooling, dense layers, SGD) run twice in fresh processes gives identical numbers."""
    from tests.test_cli import write_fake_mnist

    data = write_fake_mnist(tmp_path / "data")
    env = {**ENV, "TF_ENABLE_ONEDNN_OPTS": onednn}
    summaries = []
    for run in ("a", "b"):
        out = tmp_path / run
        done = subprocess.run(
            [sys.executable, "-m", "reproduce", "alt_softmax", "q3_lp_pooling", "--profile", "smoke", "--trials", "1",
             "--data-dir", str(data), "--out", str(out), "--quiet"],
            env=env, capture_output=True, text=True, timeout=600,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        summaries.append(json.loads((out / "alt_softmax" / "q3_lp_pooling.json").read_text()))
    assert all(s["environment"]["onednn"] == (onednn == "1") for s in summaries)
    first, second = ([(r["name"], r["reproduced"]) for r in s["rows"]] for s in summaries)
    assert first == second
