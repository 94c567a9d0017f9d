"""How a command stops: SIGTERM like Ctrl-C, and the lines and exit statuses of an interrupted
run and of failed trials. The only place the commands touch signals."""

from __future__ import annotations

import signal
import sys
import threading

from kerasdl.runner.control import STOP

_stopped_by = [signal.SIGINT]


def _stop(signum, frame):
    """SIGTERM (a scheduler's or `kill`'s) stops a run like Ctrl-C: the trial in progress is
    dropped at its next batch or epoch, the finished ones are already on disk. Raising here would
    be lost whenever the signal lands in a finalizer, so the runner raises at its next check."""
    _stopped_by[0] = signum
    STOP.set()


def catch_sigterm() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)


def interrupted(options, prog) -> int:
    print(f"\n{prog}: interrupted; finished trials are saved under {options.out}/, run the same command to resume", file=sys.stderr)
    return 128 + _stopped_by[0]


def failed(failures, options, prog) -> int:
    lines = "\n".join(f"  {line}" for line in failures)
    print(f"{prog}: {len(failures)} trial(s) failed; the others are saved under {options.out}/:\n{lines}", file=sys.stderr)
    return 1
