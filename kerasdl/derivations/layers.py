"""Hand-derived backward passes of layers, as report `classifiers` derives them (EECS 598 HW1, Q1).

Fully connected layer, ReLU, dropout, batch normalisation and valid convolution, each the final
formula of the report's derivation in TensorFlow ops. Where the report's layout differs from
TensorFlow's (column vectors, channels-first images), the formula is the same one transposed to
TensorFlow's layout, and the docstring says so.
"""

import tensorflow as tf


def fully_connected_backward(x, w, grad_output):
    """dL/dX, dL/dW, dL/db of `Y = X W + b` (report `classifiers`, Q1.1).

    The report writes samples as columns (`dL/dW = X (dL/dY)^T`, `dL/dX = W dL/dY`); here samples
    are rows, as in Keras and report `scratch_mlp` (eq. 3), so the same formulas read
    `dL/dX = dL/dY W^T`, `dL/dW = X^T dL/dY` and `dL/db = sum over samples of dL/dY`.

    Args:
        x: inputs X, shape `(batch, in_features)`.
        w: weights W, shape `(in_features, out_features)`.
        grad_output: dL/dY, shape `(batch, out_features)`.

    Returns:
        `(grad_x, grad_w, grad_b)` of shapes `(batch, in_features)`,
        `(in_features, out_features)` and `(out_features,)`.
    """
    grad_x = tf.matmul(grad_output, w, transpose_b=True)
    grad_w = tf.matmul(x, grad_output, transpose_a=True)
    grad_b = tf.reduce_sum(grad_output, axis=0)
    return grad_x, grad_w, grad_b


def relu_backward(x, grad_output):
    """dL/dX = dL/dY * I{X > 0} (report `classifiers`, Q1.2).

    Args:
        x: the ReLU's input X, any shape.
        grad_output: dL/dY, the same shape.

    Returns:
        dL/dX, the same shape.
    """
    return grad_output * tf.cast(x > 0, grad_output.dtype)


def dropout_backward(grad_output, mask):
    """dL/dX = dL/dY * M for `Y = X * M` (report `classifiers`, Q1.3).

    `M` is exactly the factor the forward pass multiplied by. In the report's course convention it
    is the plain 0/1 keep mask, without `1/keep` scaling (inference multiplies by the keep
    probability instead, Q7.2); for inverted dropout (`keras.layers.Dropout`) pass the scaled mask
    `m / keep`, and the formula is unchanged.

    Args:
        grad_output: dL/dY, any shape.
        mask: M, the same shape.

    Returns:
        dL/dX, the same shape.
    """
    return grad_output * mask


def batch_norm_backward(x, gamma, grad_output, epsilon=1e-5):
    """Batch-norm backward (report `classifiers`, Q1.4), with dL/dgamma and dL/dbeta.

    For `Y = gamma X_hat + beta`, `X_hat = (X - mu) / sigma`, `sigma = sqrt(var + epsilon)` with the
    biased batch variance, the report's final line is
    `dL/dX_i = gamma / (n sigma) (n dL/dY_i - sum_j dL/dY_j - X_hat_i sum_j dL/dY_j X_hat_j)`.
    The report stops at dL/dX; `dL/dgamma = sum_i dL/dY_i X_hat_i` and `dL/dbeta = sum_i dL/dY_i`
    complete the layer. Statistics are per feature (the last axis) over all other axes, so `n` is
    the batch size for `(batch, features)` inputs and batch x height x width for images.

    Args:
        x: inputs X, shape `(..., features)`.
        gamma: scale, shape `(features,)`.
        grad_output: dL/dY, the shape of `x`.
        epsilon: the epsilon inside sigma.

    Returns:
        `(grad_x, grad_gamma, grad_beta)`, shapes `x.shape`, `(features,)`, `(features,)`.
    """
    axes = list(range(len(x.shape) - 1))
    n = tf.cast(tf.reduce_prod(tf.shape(x)[:-1]), x.dtype)
    mean = tf.reduce_mean(x, axis=axes)
    sigma = tf.sqrt(tf.reduce_mean(tf.square(x - mean), axis=axes) + epsilon)
    x_hat = (x - mean) / sigma
    sum_grad = tf.reduce_sum(grad_output, axis=axes)
    sum_grad_x_hat = tf.reduce_sum(grad_output * x_hat, axis=axes)
    grad_x = gamma / (n * sigma) * (n * grad_output - sum_grad - x_hat * sum_grad_x_hat)
    return grad_x, sum_grad_x_hat, sum_grad


def full_convolution(grad_output, w):
    """`sum_f W_f,c *full dL/dY_f`: the zero-padded ("full") true convolution of report Q1.5.

    `dX[n, i, j, c] = sum_f sum_{u,v} dY[n, i-u, j-v, f] W[u, v, c, f]`, dY being zero outside its
    extent: padding dY by the kernel size minus one and correlating with the spatially flipped
    kernel is that sum.

    Args:
        grad_output: dL/dY, shape `(batch, out_height, out_width, filters)`.
        w: kernel, shape `(kernel_height, kernel_width, channels, filters)`.

    Returns:
        Shape `(batch, out_height + kernel_height - 1, out_width + kernel_width - 1, channels)`.
    """
    kernel_height, kernel_width = w.shape[0], w.shape[1]
    padded = tf.pad(
        grad_output,
        [[0, 0], [kernel_height - 1] * 2, [kernel_width - 1] * 2, [0, 0]],
    )
    flipped = tf.transpose(tf.reverse(w, axis=[0, 1]), [0, 1, 3, 2])
    return tf.nn.conv2d(padded, flipped, strides=1, padding="VALID")


def filter_correlation(x, grad_output):
    """`sum_n X_n,c *filt dL/dY_n,f`: the valid correlation of inputs with output gradients (Q1.5).

    `dW[u, v, c, f] = sum_n sum_{p,q} X[n, p+u, q+v, c] dY[n, p, q, f]`. Swapping the batch and
    channel axes turns that sum over samples into one valid correlation, with dY as the kernel.

    Args:
        x: inputs X, shape `(batch, height, width, channels)`.
        grad_output: dL/dY, shape `(batch, out_height, out_width, filters)`.

    Returns:
        Shape `(height - out_height + 1, width - out_width + 1, channels, filters)`.
    """
    channels_as_batch = tf.transpose(x, [3, 1, 2, 0])
    grad_as_kernel = tf.transpose(grad_output, [1, 2, 0, 3])
    correlation = tf.nn.conv2d(channels_as_batch, grad_as_kernel, strides=1, padding="VALID")
    return tf.transpose(correlation, [1, 2, 0, 3])


def valid_conv_backward(x, w, grad_output):
    """dL/dX and dL/dW of a stride-1 valid convolution (report `classifiers`, Q1.5).

    `dL/dX_n,c = sum_f W_f,c *full dL/dY_n,f` and `dL/dW_f,c = sum_n X_n,c *filt dL/dY_n,f`. The
    report indexes images channels-first (`X[n, c, i, j]`, `W[f, c, u, v]`); here they are in
    TensorFlow's layout, `X[n, i, j, c]` and `W[u, v, c, f]`, with the forward pass
    `Y = tf.nn.conv2d(X, W, strides=1, padding="VALID")` (a cross-correlation, as in the report).

    Args:
        x: inputs X, shape `(batch, height, width, channels)`.
        w: kernel W, shape `(kernel_height, kernel_width, channels, filters)`.
        grad_output: dL/dY, shape `(batch, height - kernel_height + 1, width - kernel_width + 1,
            filters)`.

    Returns:
        `(grad_x, grad_w)`, the shapes of `x` and `w`.
    """
    return full_convolution(grad_output, w), filter_correlation(x, grad_output)
