"""What the runner (`kerasdl.runner.execute`) and its worker processes (`kerasdl.runner.parallel`)
share: the stop request and the failure of trials. Both import this module, and neither the other
for it: `execute` runs plans and hands `parallel` the function that runs one trial in a worker.
"""

from __future__ import annotations

import threading


class StopRequest:
    """A stop request (`set`, `is_set`, `clear`), checked by the runner at every trial and epoch
    boundary and by Keras fits at every batch (`check_stop`).

    In the main process it is a `threading.Event`, set on SIGTERM by the command line. A `--jobs`
    worker process `follow`s its parent's request (a `multiprocessing` event) instead, so one
    object, `STOP`, stands for the request in every process and may be imported by name.
    """

    def __init__(self):
        self._event = threading.Event()

    def follow(self, event) -> None:
        """From now on, this request is `event` (a worker process: its parent's request)."""
        self._event = event

    def set(self) -> None:
        self._event.set()

    def clear(self) -> None:
        self._event.clear()

    def is_set(self) -> bool:
        return self._event.is_set()


STOP = StopRequest()


def check_stop() -> None:
    """Raise KeyboardInterrupt once a stop was requested (SIGTERM, see the CLI); the runner checks
    at every trial and epoch boundary, and Keras fits at every batch."""
    if STOP.is_set():
        raise KeyboardInterrupt


class TrialFailed(RuntimeError):
    """Trials of a table that raised or whose worker died; the others were run and stored.

    `failures` says which and why, one line each; `records` holds what finished (by position in
    the plan from `run_parallel`, as `(row, record or None)` for every trial from `run_plan`).
    """

    def __init__(self, failures: list[str], records):
        self.failures, self.records = failures, records
        super().__init__("; ".join(failures))


__all__ = ["STOP", "StopRequest", "TrialFailed", "check_stop"]
