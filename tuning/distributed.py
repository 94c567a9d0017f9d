"""Distributed search with KerasTuner's own chief/worker mode, and a launcher for one machine.

KerasTuner runs one search across processes when three environment variables are set: the chief
(`KERASTUNER_TUNER_ID=chief`) serves the oracle over gRPC at `KERASTUNER_ORACLE_IP` /
`KERASTUNER_ORACLE_PORT`, and each worker (`KERASTUNER_TUNER_ID=tuner0`, `tuner1`, ...) asks it
for trials, trains them and reports back. Every process runs the same command; `python -m tuning
SEARCH` reads the variables and plays its part. The chief's project folder holds the results; it
writes the summary once every trial has ended.

Across machines, with `--out` on a folder they share (else each worker's `ran_by` notes stay on
its own disk):

    # machine A, the chief (start it first: it decides fresh or --resume):
    KERASTUNER_TUNER_ID=chief KERASTUNER_ORACLE_IP=0.0.0.0 KERASTUNER_ORACLE_PORT=8000 \\
        python -m tuning q5_cnn --out /shared/tuning
    # machines B, C, ...: the same command, each with its own id
    KERASTUNER_TUNER_ID=tuner0 KERASTUNER_ORACLE_IP=<A's address> KERASTUNER_ORACLE_PORT=8000 \\
        python -m tuning q5_cnn --out /shared/tuning

`python -m tuning SEARCH --workers N` (`launch` below) does the same on one machine: a chief and N
workers on loopback, their logs in `<out>/<search>/logs/`, every process stopped on exit, on
failure and at `--timeout`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

# Set by `launch` only: "N:folder", so that the N local workers start asking for trials together
# (else the first to finish importing TensorFlow could run every trial of a small search).
PEERS = "KERASDL_TUNING_PEERS"


class LaunchError(Exception):
    """A process of a local distributed search failed; `code` is the exit status to return."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


class WorkersDone(Exception):
    """Raised in the chief when the launcher says every worker has finished."""


def role() -> str | None:
    """`chief`, `worker`, or None when this process is not part of a distributed search (the
    same reading of the variables as KerasTuner's)."""
    if "KERASTUNER_ORACLE_IP" not in os.environ:
        return None
    return "chief" if "chief" in os.environ.get("KERASTUNER_TUNER_ID", "") else "worker"


def tuner_id() -> str:
    return os.environ.get("KERASTUNER_TUNER_ID", "tuner0")


def wait_for_peers(timeout: float = 300.0) -> None:
    """With `KERASDL_TUNING_PEERS=N:folder`, wait until the N workers are ready (or `timeout`)."""
    value = os.environ.get(PEERS)
    if not value:
        return
    count, _, folder = value.partition(":")
    ready = Path(folder)
    ready.mkdir(parents=True, exist_ok=True)
    (ready / tuner_id()).touch()
    deadline = time.monotonic() + timeout
    while len(list(ready.iterdir())) < int(count) and time.monotonic() < deadline:
        time.sleep(0.1)


@contextlib.contextmanager
def stoppable(process_role: str | None):
    """In the chief, SIGUSR1 ends the search (the launcher sends it once every worker is done).

    KerasTuner's chief checks whether its workers are gone every 20 seconds; the launcher knows at
    once, and every trial is already saved by then.
    """
    if process_role != "chief":
        yield
        return

    def done(signum, frame):
        raise WorkersDone()

    signal.signal(signal.SIGUSR1, done)
    try:
        yield
    except WorkersDone:
        pass
    finally:
        # A late signal must not end the chief while it writes the summary (SIGUSR1's default).
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)


def free_port() -> int:
    """A TCP port free on loopback now (the chief binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _failure(name: str, code: int, log: Path) -> LaunchError:
    lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    last = lines[-1].removeprefix("tuning: ") if lines else "(empty log)"
    return LaunchError(f"{name} failed (exit {code}): {last} (log: {log})", 2 if code == 2 else 1)


def _stop(process: subprocess.Popen, grace: float = 5.0) -> None:
    """SIGTERM then SIGKILL to the process group this launcher started `process` in."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, grace)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def launch(args: list[str], workers: int, folder: Path, *, timeout: float | None = None, echo=print) -> Path:
    """Run `python -m tuning *args` as a chief and `workers` workers on loopback; returns the
    chief's log. Raises `LaunchError` if a process fails or `timeout` (seconds) passes."""
    logs = Path(folder) / "logs"
    if logs.exists():
        for old in logs.rglob("*"):
            if old.is_file():
                old.unlink()
    logs.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = {
        **os.environ,
        "KERASTUNER_ORACLE_IP": "127.0.0.1",
        "KERASTUNER_ORACLE_PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    names = ["chief"] + [f"tuner{i}" for i in range(workers)]
    processes: dict[str, subprocess.Popen] = {}
    start = time.monotonic()
    deadline = None if timeout is None else start + timeout
    previous = signal.signal(signal.SIGTERM, _raise_interrupt) if _main_thread() else None
    try:
        for name in names:
            env = {**base, "KERASTUNER_TUNER_ID": name}
            if name != "chief":
                env[PEERS] = f"{workers}:{logs / 'ready'}"
            with open(logs / f"{name}.log", "w") as log:
                processes[name] = subprocess.Popen(
                    [sys.executable, "-m", "tuning", *args],
                    env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                )
        echo(f"tuning: chief on 127.0.0.1:{port} and {workers} workers ({', '.join(names[1:])}); logs in {logs}/")
        _wait(processes, logs, deadline, timeout)
        chief = processes["chief"]
        try:
            chief.wait(3)
        except subprocess.TimeoutExpired:
            chief.send_signal(signal.SIGUSR1)
        try:
            code = chief.wait(max(5.0, deadline - time.monotonic()) if deadline else 120)
        except subprocess.TimeoutExpired:
            raise LaunchError(f"the chief did not finish after its workers; see {logs / 'chief.log'}") from None
        if code != 0:
            raise _failure("the chief", code, logs / "chief.log")
        echo(f"tuning: done in {time.monotonic() - start:.1f} s")
        return logs / "chief.log"
    finally:
        for process in processes.values():
            _stop(process)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _wait(processes, logs, deadline, timeout):
    """Until every worker has ended well; a failed process or the deadline stops everything."""
    chief_gone_at = None
    while True:
        for name, process in processes.items():
            code = process.poll()
            if code not in (None, 0):
                raise _failure(name, code, logs / f"{name}.log")
        running = [n for n, p in processes.items() if n != "chief" and p.poll() is None]
        if not running:
            return
        if processes["chief"].poll() == 0:
            # The chief ends once no worker it knows of is left; a worker still starting then
            # would wait for it in vain.
            chief_gone_at = chief_gone_at or time.monotonic()
            if time.monotonic() - chief_gone_at > 30:
                raise LaunchError(f"the chief finished while {', '.join(running)} had not started")
        if deadline is not None and time.monotonic() > deadline:
            raise LaunchError(f"timed out after {timeout:g} s; stopped every process (logs in {logs}/)")
        time.sleep(0.2)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
