"""A progress bar with an ETA over the epochs of a table's remaining trials."""

from __future__ import annotations

import sys

from tqdm.auto import tqdm


class Progress:
    """One bar per table, counting epochs of the trials still to run; `quiet` silences it."""

    def __init__(self, quiet: bool = False, stream=None):
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self._bar = None
        self._epochs = 1
        self._trial_start = 0

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
        )

    def start_trial(self, label: str) -> None:
        if self._bar is not None:
            self._trial_start = self._bar.n
            self._bar.set_postfix_str(label)

    def epoch_done(self) -> None:
        if self._bar is not None and self._bar.n < self._trial_start + self._epochs:
            self._bar.update(1)

    def end_trial(self) -> None:
        """Count a trial's unreported epochs (early stop, divergence) so the ETA stays right."""
        if self._bar is not None:
            self._bar.update(self._trial_start + self._epochs - self._bar.n)

    def end_table(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
