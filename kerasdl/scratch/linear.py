"""The fully connected layer of report `scratch_mlp` (section 2.1)."""

import tensorflow as tf

from kerasdl.derivations import fully_connected_backward
from kerasdl.scratch.module import Module
from kerasdl.validation import check_int


class Linear(Module):
    """`Y = X W + b` with weights drawn from N(0, 1) and zero biases (report `scratch_mlp`, eq. 1).

    The backward pass is report `classifiers`' fully connected derivation
    (`kerasdl.derivations.fully_connected_backward`), the same as `scratch_mlp`'s eq. 3.

    Args:
        in_features: D, the input width.
        out_features: M, the output width.
        seed: integer seed of the weights; `None` draws them unseeded.
        dtype: dtype of the parameters.

    Input shape: `(batch, in_features)`. Output shape: `(batch, out_features)`.
    """

    def __init__(self, in_features, out_features, seed=None, dtype="float32"):
        in_features = check_int("in_features", in_features, 1)
        out_features = check_int("out_features", out_features, 1)
        shape = (in_features, out_features)
        if seed is None:
            weight = tf.random.normal(shape, dtype=dtype)
        else:
            weight = tf.random.stateless_normal(shape, seed=[seed, 0], dtype=dtype)
        self.weight = tf.Variable(weight, name="weight")
        self.bias = tf.Variable(tf.zeros([out_features], dtype=dtype), name="bias")
        self.weight_grad = tf.Variable(tf.zeros_like(weight), name="weight_grad")
        self.bias_grad = tf.Variable(tf.zeros_like(self.bias), name="bias_grad")

    def forward(self, x):
        self._x = x
        return tf.matmul(x, self.weight) + self.bias

    def backward(self, grad_output):
        grad_x, grad_w, grad_b = fully_connected_backward(self._x, self.weight, grad_output)
        self.weight_grad.assign_add(grad_w)
        self.bias_grad.assign_add(grad_b)
        return grad_x

    def params(self):
        return [(self.weight, self.weight_grad), (self.bias, self.bias_grad)]
