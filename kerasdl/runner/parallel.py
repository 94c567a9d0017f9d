"""`--jobs N`: a table's unfinished trials in N worker processes at once.

The workers are a standard-library `ProcessPoolExecutor` (spawned processes: TensorFlow does not
survive a fork). Each worker plans the table again from the same options, so every trial has the
identity, the seed and therefore the numbers of a serial run, and writes its record into the same
store. Each worker gets its share of the cores for TensorFlow's inter-op thread pool; the intra-op
pool, which splits one op (a matrix product, a convolution) over threads, keeps a serial run's
size, because TensorFlow's results depend on it, with oneDNN on or off (a smoke table run with 1
and with 2 intra-op threads differs in most trials). On a GPU machine the workers share the GPUs
with memory growth on, so none claims all their memory.

Stopping: a worker ignores Ctrl-C (the terminal sends it to every process); the parent, on Ctrl-C
or SIGTERM, asks every worker to stop at its next batch or epoch, so at most the trials in
progress are lost, and forgets the stopped pool, so a later run in the same process starts a
fresh one. A trial that raises, or whose worker dies, is reported with its row and trial number;
the other trials go on (a dead worker's pool is replaced) and the table is summarised without the
failed ones.

`execute.run_plan` passes `run_parallel` the function that runs one planned trial in a worker
(`execute.run_in_worker`).
"""

from __future__ import annotations

import atexit
import concurrent.futures as futures
import multiprocessing
import os
import queue
import signal
import sys
from typing import Any, Callable

from kerasdl.runner.control import STOP, TrialFailed
from kerasdl.runner.environment import cpu_cores
from kerasdl.runner.spec import Report
from kerasdl.runner.store import canonical

POLL_S = 0.2


def auto_jobs(cores: int | None = None, gpus: int | None = None) -> int:
    """`--jobs auto`: on a CPU, two workers on two cores (measured: a lenet5 table 1.3x faster
    than one worker), one per two cores beyond (each keeps a serial run's intra-op threads, see
    above); with GPUs, two workers per GPU (the reports' small models leave a GPU mostly idle);
    never more workers than cores."""
    cores = cpu_cores() if cores is None else cores
    if gpus is None:
        import tensorflow as tf

        gpus = len(tf.config.list_physical_devices("GPU"))
    wanted = 2 * gpus if gpus else max(2, cores // 2)
    return max(1, min(wanted, cores))


def threads_per_worker(jobs: int, cores: int | None = None) -> int:
    cores = cpu_cores() if cores is None else cores
    return max(1, cores // jobs)


def report_location(report: Report) -> tuple[str, str]:
    """`(module, attribute)` where a worker process finds `report`: the loaded module that binds
    it (`reproduce.lenet5`'s `REPORT`, or `__main__`'s for `python reproduce/lenet5.py`)."""
    for name, module in list(sys.modules.items()):
        if name == "__mp_main__":
            continue
        for attribute, value in list(getattr(module, "__dict__", {}).items()):
            if value is report:
                return name, attribute
    raise ValueError(
        f"--jobs needs report {report.id!r} bound to a module-level name (as REPORT in its module), "
        "so that worker processes can import it"
    )


# ---------------------------------------------------------------------------------------------
# In the worker processes.

_worker: dict[str, Any] = {}


def _start_worker(stop, events, threads: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    STOP.follow(stop)  # check_stop() now follows the parent's requests
    import tensorflow as tf

    # Only the inter-op pool is the worker's share: TensorFlow's results depend on the intra-op
    # thread count (how a reduction is split), so that stays a serial run's.
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    for gpu in tf.config.list_physical_devices("GPU"):
        tf.config.experimental.set_memory_growth(gpu, True)
    _worker["events"] = events


class _EventProgress:
    """A worker's side of the progress bar: events for the parent's bar."""

    def __init__(self, events, position: int):
        self.events, self.position = events, position

    def start_trial(self, label: str) -> None:
        self.events.put(("start", self.position, label, os.getpid()))

    def epoch_done(self) -> None:
        self.events.put(("epoch", self.position))

    def end_trial(self) -> None:
        self.events.put(("end", self.position))


def _run_in_worker(work: Callable, args: tuple, position: int):
    return work(*args, position, _EventProgress(_worker.get("events"), position))


# ---------------------------------------------------------------------------------------------
# In the parent.


class WorkerPool:
    """`jobs` spawned worker processes, kept for every table of a command (starting one costs
    a TensorFlow import), replaced when a worker dies."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.context = multiprocessing.get_context("spawn")
        self.stop, self.events = self.context.Event(), self.context.Queue()
        self._executor = None

    @property
    def executor(self) -> futures.Executor:
        if self._executor is None:
            self._executor = self._new_executor()
        return self._executor

    def _new_executor(self) -> futures.Executor:
        return futures.ProcessPoolExecutor(
            max_workers=self.jobs, mp_context=self.context,
            initializer=_start_worker, initargs=(self.stop, self.events, threads_per_worker(self.jobs)),
        )

    def processes(self) -> dict:
        """pid -> process of the current workers (CPython's pool keeps them in `_processes`)."""
        return dict(getattr(self._executor, "_processes", None) or {})

    def close(self, cancel: bool = False) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=cancel)
            self._executor = None


_pools: dict[int, WorkerPool] = {}


@atexit.register
def _close_pools() -> None:
    for pool in list(_pools.values()):
        pool.close(cancel=True)


def pool_for(jobs: int) -> WorkerPool:
    """The command's pool of `jobs` workers (closed when the process exits)."""
    if jobs not in _pools:
        _pools[jobs] = WorkerPool(jobs)
    return _pools[jobs]


def drop(pool: WorkerPool) -> None:
    """Stop `pool`'s workers and forget it: a stopped pool keeps its stop event set, so the next
    run in this process (another table, a test) must get a fresh pool from `pool_for`."""
    pool.close(cancel=True)
    pool.events.close()
    if _pools.get(pool.jobs) is pool:
        del _pools[pool.jobs]


def run_parallel(plan, positions: list[int], work: Callable, progress=None) -> dict[int, dict]:
    """Run the trials at `positions` of `plan` in `plan.options.jobs` worker processes; return their
    records by position.

    `work(location, table, planning, out, position, progress)` runs trial `position` in a worker
    and returns its record (with its `identity`): a module-level function, as it is pickled
    (`kerasdl.runner.execute.run_in_worker`). It is given where the report is bound
    (`report_location`), the table's name, the options' `planning()` as canonical JSON, the
    options' `out`, and a progress object that reports to the parent's bar.

    Raises KeyboardInterrupt after stopping the workers when a stop is requested (the pool is then
    dropped, see `drop`), and `TrialFailed` after the other trials when some trials failed.
    """
    args = (report_location(plan.report), plan.table.name, canonical(plan.options.planning()), plan.options.out)
    pool = pool_for(plan.options.jobs)
    records: dict[int, dict] = {}
    failures: list[str] = []
    todo = list(positions)
    running: dict[int, int] = {}  # position -> pid of the worker running it, until it ends

    def label(position):
        row, index = plan.trials[position].row, plan.trials[position].index
        return f"{row.name} #{index + 1}"

    def drain():
        while True:
            try:
                kind, position, *rest = pool.events.get_nowait()
            except queue.Empty:
                return
            if kind == "start":
                running[position] = rest[1]
                if progress is not None:
                    progress.start_trial(rest[0], key=position)
            elif kind == "epoch" and progress is not None:
                progress.epoch_done(key=position)
            elif kind == "end":
                running.pop(position, None)
                if progress is not None:
                    progress.end_trial(key=position)

    while todo:
        pending = {pool.executor.submit(_run_in_worker, work, args, p): p for p in todo}
        todo, broken, processes = [], [], {}
        try:
            while pending:
                done, _ = futures.wait(pending, timeout=POLL_S, return_when=futures.FIRST_COMPLETED)
                drain()
                processes.update(pool.processes())
                if STOP.is_set():
                    pool.stop.set()
                for future in done:
                    position = pending.pop(future)
                    try:
                        record = future.result()
                    except futures.process.BrokenProcessPool:
                        broken.append(position)
                    except KeyboardInterrupt:
                        pool.stop.set()
                    except Exception as error:  # a trial's own error: report it, go on
                        failures.append(f"{label(position)}: {type(error).__name__}: {error}")
                    else:
                        if canonical(record["identity"]) != canonical(plan.trials[position].identity):
                            raise RuntimeError(f"{label(position)}: a worker planned another trial")
                        records[position] = record
        except KeyboardInterrupt:
            pool.stop.set()
            drop(pool)
            raise
        drain()
        if pool.stop.is_set():
            drop(pool)
            raise KeyboardInterrupt
        if broken:
            pool.close()
            # A pool whose worker died fails every trial it held. The dead worker is the one with
            # an exit code of its own (the pool stops the others with SIGTERM); its trial is
            # reported, the rest run again in a new pool.
            dead = {pid: p.exitcode for pid, p in processes.items() if p.exitcode not in (None, 0, -signal.SIGTERM)}
            started = [p for p in broken if p in running]
            crashed = [p for p in started if running[p] in dead] or started or broken
            for position in crashed:
                code = dead.get(running.pop(position, None), "unknown")
                failures.append(f"{label(position)}: its worker process died (exit code {code})")
                if progress is not None:
                    progress.end_trial(key=position)
            todo = [p for p in broken if p not in crashed]
    if failures:
        raise TrialFailed(failures, records)
    return records
