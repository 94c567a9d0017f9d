"""The two losses of report `scratch_mlp` (section 2.4, Table 2), with explicit gradients.

Both are means over the batch by default. The report instead sums per-sample gradients and divides
by the batch size inside its parameter update (section 2.1); the resulting SGD step is the same,
and keeping the mean in the loss lets `kerasdl.scratch.SGD` apply a plain `lr * grad`.
`reduction="sum"` is the report's eq. 5 read literally, `w - lr * sum_b grad l_b`: no division by
the batch size.
"""

import tensorflow as tf

from kerasdl.validation import check_choice

REDUCTIONS = ("mean", "sum")


class _Loss:
    def __init__(self, reduction="mean"):
        self.reduction = check_choice("reduction", reduction, REDUCTIONS)

    def __call__(self, prediction, target):
        return self.forward(prediction, target)

    def _batch_size(self, prediction):
        """The divisor over the batch: its size for `mean`, 1 for `sum`."""
        if self.reduction == "sum":
            return tf.ones([], prediction.dtype)
        return tf.cast(tf.shape(prediction)[0], prediction.dtype)


class MSE(_Loss):
    """`L = 1/N sum_n ||f(x_n) - y_n||^2`; `dL/df = 2/N (f(x_n) - y_n)` (report `scratch_mlp`).

    The squared error is summed over the outputs of a sample and averaged over the N samples, which
    is the report's Table 2 formula for its 1-output network (ANN2) and its natural extension to
    one-hot targets.

    Args:
        reduction: `"mean"` over the batch (the 1/N above), or `"sum"` (no 1/N).

    Shapes: `prediction` and `target` both `(batch, outputs)`.
    """

    def forward(self, prediction, target):
        self._difference = prediction - tf.cast(target, prediction.dtype)
        self._n = self._batch_size(prediction)
        return tf.reduce_sum(tf.square(self._difference)) / self._n

    def backward(self):
        """Returns dL/dprediction for the last `forward`."""
        return 2.0 * self._difference / self._n


class CrossEntropy(_Loss):
    """`L = -1/N sum_n sum_i y_i log(p_i + eps)` on probabilities (report `scratch_mlp`).

    The report's gradient is `-y_i / (p_i + eps)` with `eps = 1e-20` against a zero probability;
    the same `eps` sits in the logarithm so that the gradient is exactly that of the loss.

    Args:
        epsilon: the report's eps.
        reduction: `"mean"` over the batch (the 1/N above), or `"sum"` (no 1/N).

    Shapes: `prediction` (probabilities) and `target` (one-hot) both `(batch, classes)`.
    """

    def __init__(self, epsilon=1e-20, reduction="mean"):
        super().__init__(reduction)
        self.epsilon = epsilon

    def forward(self, prediction, target):
        self._prediction = prediction
        self._target = tf.cast(target, prediction.dtype)
        self._n = self._batch_size(prediction)
        return -tf.reduce_sum(self._target * tf.math.log(prediction + self.epsilon)) / self._n

    def backward(self):
        """Returns dL/dprediction for the last `forward`."""
        return -self._target / (self._prediction + self.epsilon) / self._n
