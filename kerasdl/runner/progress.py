"""A progress bar with an ETA over the epochs of a table's remaining trials."""

from __future__ import annotations

import sys

from tqdm.auto import tqdm


class Progress:
    """One bar per table, counting epochs of the trials still to run; `quiet` silences it.

    The total assumes the table's epochs per trial and grows by each epoch a longer trial runs.

    Trials running at once (`--jobs`) are told apart by `key`; a serial run needs none.
    """

    def __init__(self, quiet: bool = False, stream=None):
        self.quiet = quiet
        self.stream = stream or sys.stderr
        # Into a file or pipe (a redirected log): one update a minute at most, not many a second.
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar = None
        self._epochs = 1
        self._counted = {}  # key -> epochs counted for that running trial

    def start_table(self, name: str, trials: int, epochs_per_trial: int) -> None:
        self._epochs = epochs_per_trial
        if self.quiet or trials == 0:
            return
        self._bar = tqdm(
            total=trials * epochs_per_trial,
            desc=name,
            unit="epoch",
            file=self.stream,
            dynamic_ncols=True,
            leave=True,
            mininterval=0.1 if self._tty else 60.0,
        )

    def start_trial(self, label: str, key=None) -> None:
        self._counted[key] = 0
        if self._bar is not None:
            running = len(self._counted)
            self._bar.set_postfix_str(label if running == 1 else f"{label} (+{running - 1} running)", refresh=self._tty)

    def epoch_done(self, key=None) -> None:
        if self._bar is None or key not in self._counted:
            return
        self._counted[key] += 1
        if self._counted[key] > self._epochs:  # a row longer than the table's epochs (a schedule's)
            self._bar.total += 1
        self._bar.update(1)

    def end_trial(self, key=None) -> None:
        """Count a trial's unreported epochs (early stop, divergence) so the ETA stays right."""
        counted = self._counted.pop(key, None)
        if self._bar is not None and counted is not None and counted < self._epochs:
            self._bar.update(self._epochs - counted)

    def end_table(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        self._counted.clear()
