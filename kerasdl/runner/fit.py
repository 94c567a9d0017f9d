"""Training a Keras model inside a trial: `model.fit` with the runner's progress bar and
divergence detection, returning the per-epoch history."""

from __future__ import annotations

import math

import keras

from kerasdl.runner.execute import check_stop


class _TrialCallback(keras.callbacks.Callback):
    """Drives the progress bar and stops at the first NaN or infinite loss, noting the epoch."""

    def __init__(self, trial):
        super().__init__()
        self.trial = trial
        self.diverged_epoch = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        check_stop()
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            self.diverged_epoch = self._epoch + 1
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.trial.epoch_done()


def fit(trial, model, x, y, *, validation_data=None, epochs=None, batch_size=None, callbacks=(), **kwargs):
    """`model.fit` for one trial; returns `(history, diverged_epoch)`.

    `epochs` and `batch_size` default to the trial's config. The history holds one value per
    finished epoch (the partial epoch of a diverged trial is dropped).
    """
    watcher = _TrialCallback(trial)
    history = model.fit(
        x,
        y,
        validation_data=validation_data,
        epochs=epochs if epochs is not None else trial.config["epochs"],
        batch_size=batch_size if batch_size is not None else trial.config["batch_size"],
        callbacks=[watcher, *callbacks],
        verbose=0,
        **kwargs,
    )
    logs = {k: [float(v) for v in vs] for k, vs in history.history.items()}
    if watcher.diverged_epoch is not None:
        logs = {k: vs[: watcher.diverged_epoch - 1] for k, vs in logs.items()}
    return logs, watcher.diverged_epoch
