"""Losses on probabilities and scores used by the reports.

`ClippedCrossEntropy` and `ProbabilityMSE` take probabilities (the output of a softmax or of one
of the `kerasdl.activations` alternatives), not logits: report `alt_softmax` needs a loss with no
softmax inside. `BinaryHinge` is the SVM loss of report `classifiers` (Q3).
"""

import keras
from keras import ops

from kerasdl.validation import check_number, check_positive


def _targets(y_true, y_pred, sparse):
    """One-hot targets shaped like `y_pred`, from one-hot or (if `sparse`) integer labels."""
    if sparse:
        labels = ops.reshape(ops.cast(y_true, "int32"), (-1,))
        return ops.one_hot(labels, ops.shape(y_pred)[-1], dtype=y_pred.dtype)
    return ops.cast(y_true, y_pred.dtype)


class _ProbabilityLoss(keras.losses.Loss):
    def __init__(self, sparse=False, name=None, reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.sparse = bool(sparse)

    def get_config(self):
        return {**super().get_config(), "sparse": self.sparse}


@keras.saving.register_keras_serializable(package="kerasdl")
class ClippedCrossEntropy(_ProbabilityLoss):
    """Cross-entropy with a clipped log: `-mean_batch sum_classes y log(clip(q, epsilon, 1))`.

    The loss of report `alt_softmax` (q1, its code listing), where `q` comes from a softmax
    alternative that can output exact zeros: clipping keeps the log finite, and its gradient is
    zero below `epsilon`.

    Args:
        epsilon: lower clip of the probabilities, in (0, 1). The report uses 1e-10.
        sparse: if True, `y_true` holds integer class labels instead of one-hot rows.

    Example:
    >>> model.compile(loss=ClippedCrossEntropy(sparse=True), optimizer="sgd")
    """

    def __init__(self, epsilon=1e-10, sparse=False, name="clipped_cross_entropy", **kwargs):
        super().__init__(sparse=sparse, name=name, **kwargs)
        self.epsilon = check_number("epsilon", epsilon, 0, maximum=1, strict=True)

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = _targets(y_true, y_pred, self.sparse)
        return -ops.sum(y_true * ops.log(ops.clip(y_pred, self.epsilon, 1.0)), axis=-1)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="kerasdl")
class ProbabilityMSE(_ProbabilityLoss):
    """Squared distance between probabilities and the one-hot target, summed over classes and
    averaged over the batch: `mean_batch sum_classes (q - y)^2` (report `alt_softmax`, q2
    "regression vs classification").

    Unlike `keras.losses.MeanSquaredError`, the classes are summed, not averaged, as in the
    report's code.

    Args:
        sparse: if True, `y_true` holds integer class labels instead of one-hot rows.
    """

    def __init__(self, sparse=False, name="probability_mse", **kwargs):
        super().__init__(sparse=sparse, name=name, **kwargs)

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = _targets(y_true, y_pred, self.sparse)
        return ops.sum(ops.square(y_pred - y_true), axis=-1)


@keras.saving.register_keras_serializable(package="kerasdl")
class BinaryHinge(keras.losses.Loss):
    """Binary SVM hinge loss `mean_batch max(0, margin - t s)`, `t = 2y - 1` (report
    `classifiers`, Q3: the linear SVM and the 2-layer net with a hinge-loss output).

    Labels are 0/1 as in the course's binary data set; the model outputs one raw score `s` per
    sample (shape `(batch,)` or `(batch, 1)`), positive for class 1.

    Args:
        margin: the hinge's margin, a positive number (1 in the course).
    """

    def __init__(self, margin=1.0, name="binary_hinge", reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.margin = check_positive("margin", margin)

    def call(self, y_true, y_pred):
        scores = ops.reshape(ops.convert_to_tensor(y_pred), (-1,))
        signs = 2.0 * ops.reshape(ops.cast(y_true, scores.dtype), (-1,)) - 1.0
        return ops.relu(self.margin - signs * scores)

    def get_config(self):
        return {**super().get_config(), "margin": self.margin}
