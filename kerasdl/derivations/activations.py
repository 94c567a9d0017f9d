"""Hand-derived gradients of activations, as report `convnet_tricks` derives them (part 1, eqs. 1.1-1.3).

The sigmoid backward pass (eq. 1.1) and the Jacobian of the softmax with temperature
`x_out,i = exp(-beta x_i) / sum_k exp(-beta x_k)` (eq. 1.2 on its diagonal, eq. 1.3 off it), written
as the report's final lines, in TensorFlow ops on a batch of row vectors.
"""

import tensorflow as tf


def sigmoid_backward(x_in, grad_output):
    """dE/dx_in = dE/dx_out * e^(-x) / (1 + e^(-x))^2 (report `convnet_tricks`, eq. 1.1).

    Args:
        x_in: the sigmoid's input, any shape.
        grad_output: dE/dx_out, the same shape.

    Returns:
        dE/dx_in, the same shape.
    """
    # e^(-x)/(1+e^(-x))^2 is even in x; evaluating it at |x| keeps e^(-|x|) <= 1, where e^(-x)
    # itself overflows (inf/inf) for x below about -88 in float32.
    decay = tf.exp(-tf.abs(x_in))
    return grad_output * decay / tf.square(1.0 + decay)


def _exponentials(x_in, beta):
    """exp(-beta x_k) and their sum over the last axis, both scaled by one per-row factor.

    The report's formulas are ratios with as many exponentials above as below, so a common factor
    cancels; shifting the exponents by their row maximum keeps them from overflowing.
    """
    exponent = -beta * x_in
    exps = tf.exp(exponent - tf.reduce_max(exponent, axis=-1, keepdims=True))
    return exps, tf.reduce_sum(exps, axis=-1, keepdims=True)


def softmax_with_temperature_diagonal(x_in, beta):
    """d(x_out)_i/d(x_in)_i = -beta s_i (1 - s_i) (report `convnet_tricks`, eq. 1.2).

    `s_i = exp(-beta x_i) / sum_k exp(-beta x_k)`, as the report's last line of eq. 1.2 writes it.

    Args:
        x_in: inputs, shape `(batch, n)`.
        beta: the temperature coefficient beta, a scalar.

    Returns:
        The Jacobian's diagonal, shape `(batch, n)`.
    """
    exps, total = _exponentials(x_in, beta)
    s = exps / total
    return -beta * s * (1.0 - s)


def softmax_with_temperature_off_diagonal(x_in, beta):
    """d(x_out)_i/d(x_in)_j = beta e^(-beta (x_i + x_j)) / (sum_k e^(-beta x_k))^2, i != j.

    Report `convnet_tricks`, eq. 1.3, its final line (`= beta s_i s_j`). The report's intermediate
    lines have typos (REPORTS.md): the squared denominator is printed as `(sum_k -beta x_k)^2`,
    without the exponential; the final line is right and is what this computes.

    Args:
        x_in: inputs, shape `(batch, n)`.
        beta: the temperature coefficient beta, a scalar.

    Returns:
        Shape `(batch, n, n)`, entry `[b, i, j]` for `i != j`; the diagonal holds the same
        expression at `i == j`, which is not the derivative there (eq. 1.2 is).
    """
    exps, total = _exponentials(x_in, beta)
    pair_products = exps[:, :, None] * exps[:, None, :]
    return beta * pair_products / tf.square(total)[:, :, None]


def softmax_with_temperature_jacobian(x_in, beta):
    """The full Jacobian d(x_out)_i/d(x_in)_j: eq. 1.3 off the diagonal, eq. 1.2 on it.

    Report `convnet_tricks`. With `beta = -1` this is the plain softmax's Jacobian,
    `s_i (delta_ij - s_j)` (report `scratch_mlp`, Table 1).

    Args:
        x_in: inputs, shape `(batch, n)`.
        beta: the temperature coefficient beta, a scalar.

    Returns:
        Shape `(batch, n, n)`, entry `[b, i, j]` = d(x_out)_{b,i} / d(x_in)_{b,j}.
    """
    return tf.linalg.set_diag(
        softmax_with_temperature_off_diagonal(x_in, beta),
        softmax_with_temperature_diagonal(x_in, beta),
    )


def softmax_with_temperature_backward(x_in, grad_output, beta):
    """dE/d(x_in)_j = sum_i dE/d(x_out)_i * J_ij, J from eqs. 1.2 and 1.3 (report `convnet_tricks`).

    Args:
        x_in: inputs, shape `(batch, n)`.
        grad_output: dE/dx_out, shape `(batch, n)`.
        beta: the temperature coefficient beta, a scalar.

    Returns:
        dE/dx_in, shape `(batch, n)`.
    """
    jacobian = softmax_with_temperature_jacobian(x_in, beta)
    return tf.einsum("bi,bij->bj", grad_output, jacobian)
