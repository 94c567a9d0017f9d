"""Training a Keras model inside a trial: `model.fit` with the runner's progress bar and
divergence detection, returning the per-epoch history.

The runner trains `STEPS_PER_EXECUTION` batches per call of the compiled step (Keras's
`steps_per_execution`). The models of the reports are small, and on a CPU the Python work around
each batch is a large part of a step: LeNet-5 at batch 128 trains 1.15-1.2x faster this way
(BENCHMARKS.md, `lenet5_train`). The arithmetic is the same batch by batch, so results do not
change; callbacks see a batch end every `STEPS_PER_EXECUTION` batches, and a stop request or a
diverged loss is acted on at the next such end.
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf

from kerasdl.runner.control import check_stop

STEPS_PER_EXECUTION = 64


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


def steps_per_call(model, steps):
    """Makes the compiled model run `steps` batches per call of its train, test and predict
    functions (not for a model that runs eagerly). Functions traced for another count are
    dropped, since Keras bakes the count into them and into its epoch iterator's step counting.

    Under a tf.distribute strategy it stays at one: Keras 3.15's multi-step loop fails there on
    TensorFlow 2.21 ("You must feed a value for placeholder tensor" in `multi_step_on_iterator`,
    seen with MirroredStrategy on two logical CPUs).
    """
    if tf.distribute.has_strategy() or model.distribute_strategy is not tf.distribute.get_strategy():
        steps = 1
    if model.run_eagerly or model.steps_per_execution == steps:
        return
    model.steps_per_execution = steps
    model.train_function = model.test_function = model.predict_function = None


def fit(
    trial, model, x, y, *, validation_data=None, epochs=None, batch_size=None, callbacks=(),
    steps_per_execution=STEPS_PER_EXECUTION, **kwargs,
):
    """`model.fit` for one trial; returns `(history, diverged_epoch)`.

    `epochs` and `batch_size` default to the trial's config; with `x` a `tf.data.Dataset` (which
    batches itself, `y` None) no batch size is passed. The history holds one value per
    finished epoch (the partial epoch of a diverged trial is dropped). The model keeps
    `steps_per_execution` for later `evaluate`/`predict` calls.
    """
    steps_per_call(model, steps_per_execution)
    watcher = _TrialCallback(trial)
    if isinstance(x, tf.data.Dataset):
        kwargs.setdefault("shuffle", False)  # a dataset draws its own order
    else:
        kwargs["batch_size"] = batch_size if batch_size is not None else trial.config["batch_size"]
    history = model.fit(
        x,
        y,
        validation_data=validation_data,
        epochs=epochs if epochs is not None else trial.config["epochs"],
        callbacks=[watcher, *callbacks],
        verbose=0,
        **kwargs,
    )
    logs = {k: [float(v) for v in vs] for k, vs in history.history.items()}
    if watcher.diverged_epoch is not None:
        logs = {k: vs[: watcher.diverged_epoch - 1] for k, vs in logs.items()}
    return logs, watcher.diverged_epoch
