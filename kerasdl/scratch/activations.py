"""The activation modules of report `scratch_mlp` (section 2.2, Table 1)."""

import tensorflow as tf

from kerasdl.derivations import (
    relu_backward,
    sigmoid_backward,
    softmax_with_temperature_backward,
)
from kerasdl.scratch.module import Module


class ReLU(Module):
    """`max(0, x)`; backward `dL/dY * I{x > 0}` (report `classifiers`, Q1.2)."""

    def forward(self, x):
        self._x = x
        return tf.nn.relu(x)

    def backward(self, grad_output):
        return relu_backward(self._x, grad_output)


class Tanh(Module):
    """`tanh(x)`; backward `dL/dY * (1 - tanh(x)^2)` (report `scratch_mlp`, Table 1)."""

    def forward(self, x):
        self._y = tf.tanh(x)
        return self._y

    def backward(self, grad_output):
        return grad_output * (1.0 - tf.square(self._y))


class Sigmoid(Module):
    """`1 / (1 + e^-x)`; backward eq. 1.1 of report `convnet_tricks`, `e^-x / (1 + e^-x)^2`."""

    def forward(self, x):
        self._x = x
        return tf.sigmoid(x)

    def backward(self, grad_output):
        return sigmoid_backward(self._x, grad_output)


class Softmax(Module):
    """Softmax over the last axis, shifted by the row maximum (report `scratch_mlp`, Table 1).

    The backward pass multiplies dL/dY by the full Jacobian `s_i (delta_ij - s_j)`, batched as the
    report does with `bmm`: that is report `convnet_tricks`' softmax with temperature (eqs. 1.2,
    1.3) at `beta = -1`.

    Input shape: `(batch, n)`. Output shape: `(batch, n)`.
    """

    def forward(self, x):
        self._x = x
        # Subtracting the row maximum leaves the ratio unchanged and keeps exp from overflowing.
        exps = tf.exp(x - tf.reduce_max(x, axis=-1, keepdims=True))
        return exps / tf.reduce_sum(exps, axis=-1, keepdims=True)

    def backward(self, grad_output):
        return softmax_with_temperature_backward(self._x, grad_output, beta=-1.0)
