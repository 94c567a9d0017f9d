"""`--jobs N`: trials in worker processes with a serial run's numbers; crashes are reported and
the others go on; SIGTERM stops every worker; the progress bar counts every worker's epochs."""

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import concurrent.futures as futures

from kerasdl.runner import RunOptions, control, execute, parallel, run_table
from kerasdl.runner.plan import plan_table
from kerasdl.runner.control import TrialFailed
from kerasdl.runner.parallel import auto_jobs, report_location, threads_per_worker
from kerasdl.runner.progress import Progress
from kerasdl.runner.store import canonical
from tests import parallel_report

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def _records(out):
    folder = out / "parallel_test" / "trials"
    return {p.name: json.loads(p.read_text()) for p in folder.glob("*.json")}


def test_jobs_store_exactly_what_a_serial_run_stores(tmp_path):
    serial = run_table(parallel_report.REPORT, parallel_report.good, RunOptions("smoke", out=tmp_path / "a", quiet=True), echo=None)
    parallel = run_table(parallel_report.REPORT, parallel_report.good, RunOptions("smoke", out=tmp_path / "b", quiet=True, jobs=2), echo=None)
    assert _records(tmp_path / "a").keys() == _records(tmp_path / "b").keys()
    for name, record in _records(tmp_path / "a").items():
        other = _records(tmp_path / "b")[name]
        assert (record["metrics"], record["history"], record["identity"]) == (other["metrics"], other["history"], other["identity"])
    assert [r["reproduced"] for r in serial["rows"]] == [r["reproduced"] for r in parallel["rows"]]
    assert parallel["environment"]["jobs"] == 2 and serial["environment"]["jobs"] == 1


def test_a_failing_trial_is_reported_and_the_others_go_on(tmp_path):
    with pytest.raises(TrialFailed) as caught:
        run_table(parallel_report.REPORT, parallel_report.bad, RunOptions("smoke", out=tmp_path, quiet=True, jobs=2), echo=None)
    failures = sorted(caught.value.failures)
    assert len(failures) == 4, failures
    assert [f for f in failures if f.startswith("dies")] == [
        "dies #1: its worker process died (exit code 3)", "dies #2: its worker process died (exit code 3)"]
    assert all("ValueError: trial" in f for f in failures if f.startswith("raises"))
    # The row that works is stored and in the table, written without the failed trials.
    summary = json.loads((tmp_path / "parallel_test" / "bad.json").read_text())
    assert [r["trials"] for r in summary["rows"]] == [2, 0, 0]
    assert summary["missing_trials"] == 4


def test_cli_reports_failed_trials_and_exits_1(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "parallel_report.py"), "good", "bad", "--profile", "smoke",
         "--jobs", "2", "--out", str(tmp_path), "--quiet"],
        capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=300,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert "4 trial(s) failed" in done.stderr and "parallel_test/bad: dies #1" in done.stderr
    assert "Traceback" not in done.stderr
    assert "parallel_test / good" in done.stdout and "parallel_test / bad" in done.stdout


def test_sigterm_stops_every_worker_and_the_run_resumes(tmp_path):
    command = [sys.executable, str(ROOT / "tests" / "parallel_report.py"), "slow", "--profile", "smoke",
               "--jobs", "2", "--out", str(tmp_path), "--quiet"]
    proc = subprocess.Popen(command, env=ENV, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(_records(tmp_path)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert proc.poll() is None, "the run ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err[-2000:]
    assert "run the same command to resume" in err
    finished = _records(tmp_path)
    assert 2 <= len(finished) < 6  # at most the trials in progress were lost
    done = subprocess.run(command, env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    after = _records(tmp_path)
    assert len(after) == 6 and all(after[name] == record for name, record in finished.items())


def test_progress_counts_every_worker():
    stream = io.StringIO()
    progress = Progress(stream=stream)
    progress.start_table("t", trials=3, epochs_per_trial=2)
    progress.start_trial("a #1", key=0)
    progress.start_trial("b #1", key=1)
    progress.epoch_done(key=0)
    progress.epoch_done(key=1)
    progress.epoch_done(key=1)
    progress.epoch_done(key=1)  # a longer trial (a scheduled row) grows the total
    progress.end_trial(key=0)  # an early stop counts the rest
    assert (progress._bar.n, progress._bar.total) == (5, 7)
    progress.start_trial("c #1", key=2)
    progress.end_trial(key=2)
    progress.end_trial(key=1)
    assert (progress._bar.n, progress._bar.total) == (7, 7)
    progress.epoch_done(key=1)  # a trial that has ended counts nothing
    assert progress._bar.n == 7
    progress.end_table()


def test_progress_into_a_log_file_writes_few_updates():
    stream = io.StringIO()  # not a terminal
    progress = Progress(stream=stream)
    progress.start_table("t", trials=100, epochs_per_trial=10)
    for key in range(100):
        progress.start_trial(f"row #{key}", key=key)
        for _ in range(10):
            progress.epoch_done(key=key)
        progress.end_trial(key=key)
    progress.end_table()
    assert stream.getvalue().count("\r") <= 3  # the first line, the last, no update per epoch or trial


def test_auto_jobs_and_threads():
    assert auto_jobs(cores=2, gpus=0) == 2
    assert auto_jobs(cores=16, gpus=0) == 8
    assert auto_jobs(cores=1, gpus=0) == 1
    assert auto_jobs(cores=16, gpus=1) == 2
    assert auto_jobs(cores=3, gpus=4) == 3
    assert threads_per_worker(2, cores=2) == 1 and threads_per_worker(3, cores=16) == 5


def test_report_location_names_the_module():
    assert report_location(parallel_report.REPORT) == ("tests.parallel_report", "REPORT")


def test_jobs_refuses_a_strategy(capsys):
    from kerasdl.commands import main

    code = main(["parallel_test", "good", "--jobs", "2", "--strategy", "mirrored"], prog="parallel_test",
                load=lambda _: parallel_report.REPORT, report_ids=["parallel_test"])
    assert code == 2 and "--jobs 2" in capsys.readouterr().err


class ThreadPool(parallel.WorkerPool):
    """A pool of threads in this process: `run_parallel`'s bookkeeping without spawning workers."""

    def _new_executor(self):
        return futures.ThreadPoolExecutor(self.jobs)


def interrupted(*args):
    raise KeyboardInterrupt  # as a worker whose trial saw the stop request


def test_an_interrupted_pool_is_dropped_and_the_next_run_gets_a_fresh_one(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "WorkerPool", ThreadPool)
    monkeypatch.setattr(parallel, "_pools", {})
    plan = plan_table(parallel_report.REPORT, parallel_report.good, RunOptions("smoke", out=tmp_path, jobs=2))
    stopped = parallel.pool_for(2)
    with pytest.raises(KeyboardInterrupt):
        parallel.run_parallel(plan, [0, 1], interrupted)
    assert stopped.stop.is_set() and parallel._pools == {}
    fresh = parallel.pool_for(2)
    assert fresh is not stopped and not fresh.stop.is_set()

    def finish(location, table, planning, out, position, progress):
        return {"identity": plan.trials[position].identity}

    # The next run in this process runs (the stopped pool would stop it at once).
    assert sorted(parallel.run_parallel(plan, [0, 1, 2], finish)) == [0, 1, 2]
    assert parallel.pool_for(2) is fresh
    # A stop requested by the parent (SIGTERM) drops the pool too.
    control.STOP.set()
    try:
        with pytest.raises(KeyboardInterrupt):
            parallel.run_parallel(plan, [0], finish)
    finally:
        control.STOP.clear()
    assert parallel._pools == {}


def test_worker_plans_are_cached_per_table_options_and_out(tmp_path):
    location = report_location(parallel_report.REPORT)
    smoke, seeded = (canonical(RunOptions("smoke", seed=seed).planning()) for seed in (0, 7))
    a = execute._worker_plan(location, "good", smoke, str(tmp_path / "a"))
    b = execute._worker_plan(location, "good", smoke, str(tmp_path / "b"))
    assert execute._worker_plan(location, "good", smoke, str(tmp_path / "a")) is a
    assert (a.options.out, b.options.out) == (str(tmp_path / "a"), str(tmp_path / "b"))
    assert execute._worker_plan(location, "slow", smoke, str(tmp_path / "a")).table.name == "slow"
    assert [t.seed for t in execute._worker_plan(location, "good", seeded, str(tmp_path / "a")).trials][:3] == [7, 8, 9]
    assert a.options.out == str(tmp_path / "a")  # a cached plan is never changed in place
    # Each trial lands in its own run's store, whatever ran before in the worker.
    for name in ("a", "b", "a"):
        record = execute.run_in_worker(location, "good", smoke, str(tmp_path / name), 0)
        assert record["identity"] == a.trials[0].identity
    assert len(_records(tmp_path / "a")) == len(_records(tmp_path / "b")) == 1
