"""Checking a hand-derived gradient against `tf.GradientTape`: the tools of the `derivations`
tables of reports `convnet_tricks` (eqs. 1.1-1.3) and `classifiers` (Q1), which say what each
formula is checked on (`reproduce/derivations_table.py`).

A check differentiates TensorFlow's own forward op with the tape, with an upstream gradient dL/dY,
and takes the largest absolute difference from the hand formula over every gradient it gives.
"""

import tensorflow as tf


def tape_gradients(forward, inputs, upstream):
    """Gradients of `sum(forward(*inputs) * upstream)` with respect to each of `inputs`, i.e. the
    backward pass of `forward` with dL/dY = upstream.

    Example:
    >>> x = tf.constant([[-1.0, 2.0]], tf.float64)
    >>> [g.numpy().tolist() for g in tape_gradients(tf.nn.relu, [x], tf.ones_like(x))]
    [[[0.0, 1.0]]]
    """
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        output = forward(*inputs)
    return tape.gradient(output, inputs, output_gradients=upstream)


def max_abs_difference(hand, reference) -> float:
    """The largest |hand - reference| over every pair of tensors: `hand` a tensor or a tuple of
    them (a formula's gradients), `reference` a list of as many (e.g. `tape_gradients`)."""
    pairs = zip(tf.nest.flatten(hand), reference, strict=True)
    return max(float(tf.reduce_max(tf.abs(h - r))) for h, r in pairs)
