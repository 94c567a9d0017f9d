"""Each hand-derived gradient against `tf.GradientTape`: the `derivations` tables.

Reports `convnet_tricks` (eqs. 1.1-1.3) and `classifiers` (Q1) both ask for their derivations to be
checked against autodiff. Every check draws seeded float64 inputs and an upstream gradient dL/dY,
differentiates TensorFlow's own forward op with the tape, and reports the largest absolute
difference from the hand formula, over every gradient the formula gives.
"""

import tensorflow as tf

from kerasdl.derivations import classifiers, convnet_tricks
from kerasdl.validation import check_choice

_DTYPE = tf.float64


def _max_abs(hand, reference):
    pairs = zip(tf.nest.flatten(hand), reference, strict=True)
    return max(float(tf.reduce_max(tf.abs(h - r))) for h, r in pairs)


def _tape_gradients(forward, inputs, upstream):
    """Gradients of `sum(forward(*inputs) * upstream)`, i.e. with dL/dY = upstream."""
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        output = forward(*inputs)
    return tape.gradient(output, inputs, output_gradients=upstream)


def _convnet_tricks(generator):
    x = 4.0 * generator.normal([6, 7], dtype=_DTYPE)
    upstream = generator.normal(x.shape, dtype=_DTYPE)
    sigmoid_reference = _tape_gradients(tf.sigmoid, [x], upstream)

    logits = 3.0 * generator.normal([5, 6], dtype=_DTYPE)
    beta = float(generator.uniform([], 0.5, 2.0, dtype=_DTYPE))
    with tf.GradientTape() as tape:
        tape.watch(logits)
        probabilities = tf.nn.softmax(-beta * logits)
    jacobian = tape.batch_jacobian(probabilities, logits)
    off_diagonal = 1.0 - tf.eye(logits.shape[-1], dtype=_DTYPE)
    return {
        "eq_1_1_sigmoid": _max_abs(
            convnet_tricks.sigmoid_backward(x, upstream), sigmoid_reference
        ),
        "eq_1_2_softmax_beta_diag": _max_abs(
            convnet_tricks.softmax_with_temperature_diagonal(logits, beta),
            [tf.linalg.diag_part(jacobian)],
        ),
        "eq_1_3_softmax_beta_offdiag": _max_abs(
            convnet_tricks.softmax_with_temperature_off_diagonal(logits, beta) * off_diagonal,
            [jacobian * off_diagonal],
        ),
    }


def _batch_norm(x, gamma, beta, epsilon):
    mean, variance = tf.nn.moments(x, axes=[0])
    return tf.nn.batch_normalization(x, mean, variance, beta, gamma, epsilon)


def _classifiers(generator):
    def normal(*shape):
        return generator.normal(shape, dtype=_DTYPE)

    x, w, b = normal(8, 5), normal(5, 3), normal(3)
    dense = [x, w, b]
    dense_upstream = normal(8, 3)

    mask = tf.cast(generator.uniform([8, 5], dtype=_DTYPE) < 0.8, _DTYPE)

    gamma, shift, epsilon = normal(5), normal(5), 1e-5
    norm_upstream = normal(8, 5)

    images, kernel = normal(3, 7, 6, 2), normal(3, 2, 2, 4)
    conv_upstream = normal(3, 5, 5, 4)

    return {
        "fully_connected": _max_abs(
            classifiers.fully_connected_backward(x, w, dense_upstream),
            _tape_gradients(lambda x, w, b: tf.matmul(x, w) + b, dense, dense_upstream),
        ),
        "relu": _max_abs(
            classifiers.relu_backward(x, norm_upstream),
            _tape_gradients(tf.nn.relu, [x], norm_upstream),
        ),
        "dropout": _max_abs(
            classifiers.dropout_backward(norm_upstream, mask),
            _tape_gradients(lambda x: x * mask, [x], norm_upstream),
        ),
        "batch_norm": _max_abs(
            classifiers.batch_norm_backward(x, gamma, norm_upstream, epsilon),
            _tape_gradients(
                lambda x, gamma, shift: _batch_norm(x, gamma, shift, epsilon),
                [x, gamma, shift],
                norm_upstream,
            ),
        ),
        "valid_conv": _max_abs(
            classifiers.valid_conv_backward(images, kernel, conv_upstream),
            _tape_gradients(
                lambda x, w: tf.nn.conv2d(x, w, strides=1, padding="VALID"),
                [images, kernel],
                conv_upstream,
            ),
        ),
    }


_CHECKS = {"convnet_tricks": _convnet_tricks, "classifiers": _classifiers}


def max_abs_differences(report, seed=0):
    """Max abs difference between each hand formula of `report` and autodiff, on seeded inputs.

    Args:
        report: `"convnet_tricks"` or `"classifiers"`.
        seed: seed of the random float64 inputs and upstream gradients.

    Returns:
        A dict from equation name to a float, in the report's order: for `"convnet_tricks"`
        `eq_1_1_sigmoid`, `eq_1_2_softmax_beta_diag`, `eq_1_3_softmax_beta_offdiag`; for
        `"classifiers"` `fully_connected` (dX, dW, db), `relu`, `dropout` (0/1 mask),
        `batch_norm` (dX, dgamma, dbeta) and `valid_conv` (dX, dW).

    Example:
    >>> max(max_abs_differences("classifiers").values()) < 1e-10
    True
    """
    report = check_choice("report", report, _CHECKS)
    return _CHECKS[report](tf.random.Generator.from_seed(seed))
