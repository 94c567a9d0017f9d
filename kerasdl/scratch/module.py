"""The base of report `scratch_mlp`'s framework: a module with explicit forward and backward."""

import tensorflow as tf


class Module:
    """A network piece with a forward pass, a hand-written backward pass and its parameters.

    Report `scratch_mlp`, section 2: every module gives its output (`forward`), the gradient of
    the loss with respect to its input (`backward`, which also accumulates the gradients of its own
    parameters) and its parameters with their gradients (`params`). No autodiff is involved.
    """

    def forward(self, x):
        """Returns the module's output for input `x`, remembering what `backward` needs."""
        raise NotImplementedError

    def backward(self, grad_output):
        """Returns dL/dinput from dL/doutput for the last `forward`; adds to parameter gradients."""
        raise NotImplementedError

    def params(self):
        """Returns `(parameter, gradient)` pairs of `tf.Variable`s (none without parameters)."""
        return []

    def zero_grad(self):
        """Sets every parameter gradient to zero."""
        for _, grad in self.params():
            grad.assign(tf.zeros_like(grad))

    def __call__(self, x):
        return self.forward(x)
