"""The `derivations` table of reports `convnet_tricks` (eqs. 1.1-1.3) and `classifiers` (Q1): each
of the report's hand-derived gradient formulas (`kerasdl.derivations`) against autodiff, as the
max absolute difference on seeded float64 inputs and upstream gradients."""

from __future__ import annotations

import tensorflow as tf

from kerasdl.derivations import activations, layers
from kerasdl.derivations.check import max_abs_difference, tape_gradients
from kerasdl.runner import Conclusion, Row, Table, TrialResult
from kerasdl.runner.claims import below
from kerasdl.runner.spec import PROFILES
from kerasdl.validation import check_choice

TOLERANCE = 1e-10
DTYPE = tf.float64


def convnet_tricks_checks(generator) -> dict:
    """Report `convnet_tricks`, eqs. 1.1-1.3: the sigmoid's backward pass, and the diagonal and
    off-diagonal of the softmax-with-temperature Jacobian against the tape's batch Jacobian."""
    x = 4.0 * generator.normal([6, 7], dtype=DTYPE)
    upstream = generator.normal(x.shape, dtype=DTYPE)
    sigmoid_reference = tape_gradients(tf.sigmoid, [x], upstream)

    logits = 3.0 * generator.normal([5, 6], dtype=DTYPE)
    beta = float(generator.uniform([], 0.5, 2.0, dtype=DTYPE))
    with tf.GradientTape() as tape:
        tape.watch(logits)
        probabilities = tf.nn.softmax(-beta * logits)
    jacobian = tape.batch_jacobian(probabilities, logits)
    off_diagonal = 1.0 - tf.eye(logits.shape[-1], dtype=DTYPE)
    return {
        "eq_1_1_sigmoid": max_abs_difference(activations.sigmoid_backward(x, upstream), sigmoid_reference),
        "eq_1_2_softmax_beta_diag": max_abs_difference(
            activations.softmax_with_temperature_diagonal(logits, beta), [tf.linalg.diag_part(jacobian)]
        ),
        "eq_1_3_softmax_beta_offdiag": max_abs_difference(
            activations.softmax_with_temperature_off_diagonal(logits, beta) * off_diagonal, [jacobian * off_diagonal]
        ),
    }


def _batch_norm(x, gamma, beta, epsilon):
    mean, variance = tf.nn.moments(x, axes=[0])
    return tf.nn.batch_normalization(x, mean, variance, beta, gamma, epsilon)


def classifiers_checks(generator) -> dict:
    """Report `classifiers`, Q1: fully connected (dX, dW, db), ReLU, dropout (a 0/1 mask), batch
    normalisation (dX, dgamma, dbeta) and valid convolution (dX, dW) against the tape."""

    def normal(*shape):
        return generator.normal(shape, dtype=DTYPE)

    x, w, b = normal(8, 5), normal(5, 3), normal(3)
    dense_upstream = normal(8, 3)
    mask = tf.cast(generator.uniform([8, 5], dtype=DTYPE) < 0.8, DTYPE)
    gamma, shift, epsilon = normal(5), normal(5), 1e-5
    norm_upstream = normal(8, 5)
    images, kernel = normal(3, 7, 6, 2), normal(3, 2, 2, 4)
    conv_upstream = normal(3, 5, 5, 4)
    return {
        "fully_connected": max_abs_difference(
            layers.fully_connected_backward(x, w, dense_upstream),
            tape_gradients(lambda x, w, b: tf.matmul(x, w) + b, [x, w, b], dense_upstream),
        ),
        "relu": max_abs_difference(layers.relu_backward(x, norm_upstream), tape_gradients(tf.nn.relu, [x], norm_upstream)),
        "dropout": max_abs_difference(
            layers.dropout_backward(norm_upstream, mask), tape_gradients(lambda x: x * mask, [x], norm_upstream)
        ),
        "batch_norm": max_abs_difference(
            layers.batch_norm_backward(x, gamma, norm_upstream, epsilon),
            tape_gradients(lambda x, gamma, shift: _batch_norm(x, gamma, shift, epsilon), [x, gamma, shift], norm_upstream),
        ),
        "valid_conv": max_abs_difference(
            layers.valid_conv_backward(images, kernel, conv_upstream),
            tape_gradients(lambda x, w: tf.nn.conv2d(x, w, strides=1, padding="VALID"), [images, kernel], conv_upstream),
        ),
    }


CHECKS = {"convnet_tricks": convnet_tricks_checks, "classifiers": classifiers_checks}


def max_abs_differences(report: str, seed: int = 0) -> dict:
    """Max abs difference between each hand formula of `report` (`CHECKS`) and autodiff, on inputs
    seeded by `seed`, by formula in the report's order.

    Example:
    >>> max(max_abs_differences("classifiers").values()) < 1e-10
    True
    """
    report = check_choice("report", report, CHECKS)
    return CHECKS[report](tf.random.Generator.from_seed(seed))


def run(trial):
    """One formula of the report: max |hand formula - autodiff|."""
    differences = max_abs_differences(trial.config["report"], seed=trial.seed)
    return TrialResult(metrics={"max_abs_diff": differences[trial.config["formula"]]})


def formula_table(report, title, formulas, notes=(), errata=()):
    """The table of `report`'s formulas, given as `(row name, key in max_abs_differences)`."""
    return Table(
        name="derivations",
        title=title,
        columns=["max_abs_diff"],
        rows=[Row(name, {"max_abs_diff": None}, {"formula": key}) for name, key in formulas],
        run=run,
        config={"report": report},
        trials=1,
        exact=True,  # a float64 gradient check: deterministic, its one value is the measurement
        profiles={p: {"epochs": 1} for p in PROFILES},
        conclusions=[
            Conclusion(
                f"each final formula matches autodiff (max abs difference < {TOLERANCE:g})",
                below([name for name, _ in formulas], "max_abs_diff", TOLERANCE),
            )
        ],
        notes=list(notes),
        errata=list(errata),
    )
