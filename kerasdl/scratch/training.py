"""Training and evaluation helpers for report `scratch_mlp`'s framework."""

import logging

import tensorflow as tf

from kerasdl.validation import check_choice, check_int


def class_targets(labels, outputs):
    """Loss targets for integer class labels: a `(N, 1)` column for 1 output, else one-hot.

    Report `scratch_mlp`'s ANN2 has one sigmoid output trained towards the 0/1 label; ANN1 and
    ANN3 have one softmax output per class.

    Args:
        labels: integer class labels, shape `(N,)`.
        outputs: the network's output width.

    Returns:
        float32 targets of shape `(N, outputs)`.
    """
    labels = tf.convert_to_tensor(labels)
    if outputs == 1:
        return tf.cast(labels, tf.float32)[:, None]
    return tf.one_hot(labels, outputs, dtype=tf.float32)


def predicted_classes(outputs):
    """Class of each output row: `output > 0.5` for 1 output, else the arg max."""
    if outputs.shape[-1] == 1:
        return tf.cast(outputs[:, 0] > 0.5, tf.int64)
    return tf.argmax(outputs, axis=-1)


def _misclassified(outputs, targets):
    wrong = tf.not_equal(predicted_classes(outputs), predicted_classes(targets))
    return tf.reduce_sum(tf.cast(wrong, tf.float32))


def _model_dtype(model):
    params = model.params()
    return params[0][0].dtype if params else tf.float32


def predict(model, x):
    """The model's outputs for inputs `x`, in one batch."""
    return model.forward(tf.convert_to_tensor(x, dtype=_model_dtype(model)))


def error_rate(model, x, targets):
    """Percentage of the rows of `x` whose predicted class is not the class of `targets`."""
    outputs = predict(model, x)
    targets = tf.convert_to_tensor(targets, dtype=outputs.dtype)
    return 100.0 * float(_misclassified(outputs, targets)) / int(outputs.shape[0])


SAMPLINGS = ("shuffle", "sample")


class _OneTracePerFit(logging.Filter):
    """Drops TensorFlow's "triggered tf.function retracing" warning about `fit`'s own epoch
    functions. Each `fit` traces its epoch once, for its own model and data; TensorFlow counts
    traces by the function's code across those fits, so a run of many short fits (few epochs,
    many trials) looks to it like retracing. Warnings about any other function pass."""

    _EPOCHS = ("fit.<locals>.shuffled_epoch", "fit.<locals>.sampled_epoch")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "triggered tf.function retracing" not in message or not any(name in message for name in self._EPOCHS)


tf.get_logger().addFilter(_OneTracePerFit())


def fit(model, loss, optimizer, x, y, epochs, batch_size, seed=None, on_epoch_end=None, sampling="shuffle"):
    """Mini-batch training of a scratch model (report `scratch_mlp`, section 2.5).

    Each batch runs through forward, loss, backward and `optimizer.step()`. `sampling` says how the
    batches are drawn, with a generator seeded once by `seed`:

    - `"shuffle"`: every epoch reshuffles the samples and takes them in batches, a last, smaller
      batch taking the remainder;
    - `"sample"`: every step draws `batch_size` distinct samples anew, independently of the other
      steps, as the group's code does (`random.sample` per step); an epoch is then
      `N // batch_size` such steps, so `epochs` passes make as many updates as with `"shuffle"`.

    A whole epoch is one `tf.function` call: on networks this small, running the ops eagerly or
    returning to Python after every batch costs more than the arithmetic.

    Args:
        model: a `kerasdl.scratch.Module`.
        loss: a `kerasdl.scratch` loss (`MSE`, `CrossEntropy`).
        optimizer: a `kerasdl.scratch.SGD` over `model`.
        x: inputs, shape `(N, features)`.
        y: targets as the loss takes them, shape `(N, outputs)` (see `class_targets`).
        epochs: number of epochs (passes over the data, or their equivalent in sampled steps).
        batch_size: samples per update; at most `N` for `"sample"`.
        seed: seed of the shuffling or sampling; `None` is unseeded.
        on_epoch_end: optional `f(epoch, logs)` called after every epoch with its 0-based index
            and that epoch's `{"loss": ..., "error": ...}`.
        sampling: `"shuffle"` or `"sample"`, as above.

    Returns:
        `{"loss": [...], "error": [...]}`, one float per epoch: the mean training loss and the
        training error (%) over the epoch's batches, each measured before its update (as Keras
        reports them).
    """
    epochs = check_int("epochs", epochs, 0)
    batch_size = check_int("batch_size", batch_size, 1)
    sampling = check_choice("sampling", sampling, SAMPLINGS)
    dtype = _model_dtype(model)
    x = tf.convert_to_tensor(x, dtype=dtype)
    y = tf.convert_to_tensor(y, dtype=dtype)
    n = int(x.shape[0])
    if sampling == "sample" and batch_size > n:
        raise ValueError(f"`batch_size` must be at most the {n} samples to sample them without replacement, got {batch_size}")
    generator = (
        tf.random.Generator.from_non_deterministic_state()
        if seed is None
        else tf.random.Generator.from_seed(seed)
    )

    def train_batch(order, start, size):
        batch = tf.slice(order, [start], [size])
        x_batch, y_batch = tf.gather(x, batch), tf.gather(y, batch)
        optimizer.zero_grad()
        outputs = model.forward(x_batch)
        value = loss.forward(outputs, y_batch)
        model.backward(loss.backward())
        optimizer.step()
        return value * size, _misclassified(outputs, y_batch)

    def permutation():
        return tf.argsort(generator.uniform([n]))

    @tf.function
    def shuffled_epoch():
        full_batches, remainder = divmod(n, batch_size)
        order = permutation()
        total_loss, total_wrong = tf.constant(0.0, dtype), tf.constant(0.0)
        # A graph loop keeps the graph one batch long whatever the number of batches.
        for start in tf.range(0, full_batches * batch_size, batch_size):
            batch_loss, batch_wrong = train_batch(order, start, batch_size)
            total_loss += batch_loss
            total_wrong += batch_wrong
        if remainder:
            batch_loss, batch_wrong = train_batch(order, full_batches * batch_size, remainder)
            total_loss += batch_loss
            total_wrong += batch_wrong
        return total_loss / n, total_wrong / n

    @tf.function
    def sampled_epoch():
        steps = n // batch_size
        total_loss, total_wrong = tf.constant(0.0, dtype), tf.constant(0.0)
        for _ in tf.range(steps):
            batch_loss, batch_wrong = train_batch(permutation(), 0, batch_size)
            total_loss += batch_loss
            total_wrong += batch_wrong
        seen = steps * batch_size
        return total_loss / seen, total_wrong / seen

    train_epoch = shuffled_epoch if sampling == "shuffle" else sampled_epoch
    history = {"loss": [], "error": []}
    for epoch in range(epochs):
        epoch_loss, wrong = train_epoch()
        logs = {"loss": float(epoch_loss), "error": 100.0 * float(wrong)}
        for key, value in logs.items():
            history[key].append(value)
        if on_epoch_end is not None:
            on_epoch_end(epoch, logs)
    return history
