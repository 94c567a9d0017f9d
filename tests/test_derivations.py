"""The hand-derived gradients of reports `convnet_tricks` and `classifiers` against autodiff."""

import pytest
import tensorflow as tf

import kerasdl.derivations.activations as activations_module
import kerasdl.derivations.layers as layers_module
from kerasdl import derivations
from reproduce.derivations_table import max_abs_differences

TOLERANCE = 1e-10


def normal(seed, *shape):
    return tf.random.stateless_normal(shape, seed=[seed, len(shape)], dtype=tf.float64)


def tape_gradients(forward, inputs, upstream):
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        output = forward(*inputs)
    return tape.gradient(output, inputs, output_gradients=upstream)


def assert_close(hand, reference):
    for h, r in zip(hand, reference):
        assert h.shape == r.shape
        assert float(tf.reduce_max(tf.abs(h - r))) < TOLERANCE


class TestConvnetTricks:
    @pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 5)])
    def test_sigmoid_backward_matches_autodiff(self, shape):
        x, upstream = 5.0 * normal(0, *shape), normal(1, *shape)
        hand = derivations.sigmoid_backward(x, upstream)
        assert_close([hand], tape_gradients(tf.sigmoid, [x], upstream))

    def test_sigmoid_backward_is_finite_far_from_zero(self):
        x = tf.constant([-1000.0, -100.0, 0.0, 100.0, 1000.0], tf.float32)
        grad = derivations.sigmoid_backward(x, tf.ones_like(x))
        assert bool(tf.reduce_all(tf.math.is_finite(grad)))
        assert float(grad[2]) == 0.25

    @pytest.mark.parametrize("batch,n,beta", [(1, 2, 1.0), (4, 5, 0.3), (3, 10, -2.5)])
    def test_softmax_with_temperature_jacobian_matches_autodiff(self, batch, n, beta):
        x = 3.0 * normal(batch, batch, n)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.nn.softmax(-beta * x)
        reference = tape.batch_jacobian(y, x)
        hand = derivations.softmax_with_temperature_jacobian(x, beta)
        assert_close([hand], [reference])
        assert_close(
            [derivations.softmax_with_temperature_diagonal(x, beta)],
            [tf.linalg.diag_part(reference)],
        )

    def test_softmax_with_temperature_handles_large_inputs(self):
        x = tf.constant([[1000.0, -1000.0, 0.0]], tf.float64)
        jacobian = derivations.softmax_with_temperature_jacobian(x, 1.0)
        assert bool(tf.reduce_all(tf.math.is_finite(jacobian)))

    @pytest.mark.parametrize("beta", [1.0, -1.0, 0.7])
    def test_softmax_with_temperature_backward_is_the_vector_jacobian_product(self, beta):
        x, upstream = normal(2, 6, 4), normal(3, 6, 4)
        hand = derivations.softmax_with_temperature_backward(x, upstream, beta)
        reference = tape_gradients(lambda x: tf.nn.softmax(-beta * x), [x], upstream)
        assert_close([hand], reference)


class TestClassifiers:
    @pytest.mark.parametrize("batch,features_in,features_out", [(1, 1, 1), (8, 5, 3), (3, 2, 7)])
    def test_fully_connected_backward_matches_autodiff(self, batch, features_in, features_out):
        x, w = normal(0, batch, features_in), normal(1, features_in, features_out)
        b = normal(2, features_out)
        upstream = normal(3, batch, features_out)
        hand = derivations.fully_connected_backward(x, w, upstream)
        reference = tape_gradients(lambda x, w, b: tf.matmul(x, w) + b, [x, w, b], upstream)
        assert_close(hand, reference)

    @pytest.mark.parametrize("shape", [(4,), (5, 3), (2, 3, 4, 2)])
    def test_relu_backward_matches_autodiff(self, shape):
        x, upstream = normal(0, *shape), normal(1, *shape)
        hand = derivations.relu_backward(x, upstream)
        assert_close([hand], tape_gradients(tf.nn.relu, [x], upstream))

    def test_dropout_backward_with_a_binary_mask(self):
        x, upstream = normal(0, 6, 5), normal(1, 6, 5)
        mask = tf.cast(normal(2, 6, 5) > 0.0, tf.float64)
        hand = derivations.dropout_backward(upstream, mask)
        assert_close([hand], tape_gradients(lambda x: x * mask, [x], upstream))

    def test_dropout_backward_with_the_scaled_mask_of_inverted_dropout(self):
        x, upstream, rate, seed = normal(0, 6, 5), normal(1, 6, 5), 0.3, [4, 2]
        scaled_mask = tf.nn.experimental.stateless_dropout(tf.ones_like(x), rate, seed)
        hand = derivations.dropout_backward(upstream, scaled_mask)
        reference = tape_gradients(
            lambda x: tf.nn.experimental.stateless_dropout(x, rate, seed), [x], upstream
        )
        assert_close([hand], reference)

    @pytest.mark.parametrize("shape", [(8, 5), (2, 1), (4, 3, 3, 2)])
    def test_batch_norm_backward_matches_autodiff(self, shape):
        features, epsilon = shape[-1], 1e-3
        axes = list(range(len(shape) - 1))
        x, upstream = 2.0 + 3.0 * normal(0, *shape), normal(1, *shape)
        gamma, beta = normal(2, features), normal(3, features)

        def batch_norm(x, gamma, beta):
            mean, variance = tf.nn.moments(x, axes=axes)
            return tf.nn.batch_normalization(x, mean, variance, beta, gamma, epsilon)

        hand = derivations.batch_norm_backward(x, gamma, upstream, epsilon)
        assert_close(hand, tape_gradients(batch_norm, [x, gamma, beta], upstream))

    @pytest.mark.parametrize(
        "x_shape,w_shape",
        [
            ((1, 5, 5, 1), (3, 3, 1, 1)),
            ((2, 7, 6, 3), (3, 2, 3, 4)),
            ((3, 4, 4, 2), (4, 4, 2, 5)),
            ((2, 6, 9, 1), (1, 1, 1, 3)),
        ],
    )
    def test_valid_conv_backward_matches_autodiff(self, x_shape, w_shape):
        x, w = normal(0, *x_shape), normal(1, *w_shape)
        out_shape = (
            x_shape[0],
            x_shape[1] - w_shape[0] + 1,
            x_shape[2] - w_shape[1] + 1,
            w_shape[3],
        )
        upstream = normal(2, *out_shape)
        hand = derivations.valid_conv_backward(x, w, upstream)
        reference = tape_gradients(
            lambda x, w: tf.nn.conv2d(x, w, strides=1, padding="VALID"), [x, w], upstream
        )
        assert_close(hand, reference)


class TestMaxAbsDifferences:
    @pytest.mark.parametrize(
        "report,names",
        [
            (
                "convnet_tricks",
                ["eq_1_1_sigmoid", "eq_1_2_softmax_beta_diag", "eq_1_3_softmax_beta_offdiag"],
            ),
            ("classifiers", ["fully_connected", "relu", "dropout", "batch_norm", "valid_conv"]),
        ],
    )
    @pytest.mark.parametrize("seed", [0, 1])
    def test_every_equation_agrees_with_autodiff(self, report, names, seed):
        differences = max_abs_differences(report, seed=seed)
        assert list(differences) == names
        assert all(isinstance(value, float) for value in differences.values())
        assert max(differences.values()) < TOLERANCE

    def test_unknown_report_is_rejected(self):
        with pytest.raises(ValueError, match="report"):
            max_abs_differences("lenet5")

    def test_catches_the_typo_in_eq_1_3(self, monkeypatch):
        def printed_intermediate_line(x_in, beta):
            # The report's second and third lines of eq. 1.3: (sum_k -beta x_k)^2 below, no exp.
            exps = tf.exp(-beta * x_in)
            denominator = tf.square(tf.reduce_sum(-beta * x_in, axis=-1))[:, None, None]
            return beta * exps[:, :, None] * exps[:, None, :] / denominator

        monkeypatch.setattr(
            activations_module,
            "softmax_with_temperature_off_diagonal",
            printed_intermediate_line,
        )
        differences = max_abs_differences("convnet_tricks")
        assert differences["eq_1_3_softmax_beta_offdiag"] > 1e-3
        assert differences["eq_1_2_softmax_beta_diag"] < TOLERANCE

    def test_catches_a_batch_norm_without_the_mean_term(self, monkeypatch):
        def without_mean_term(x, gamma, grad_output, epsilon=1e-5):
            mean, variance = tf.nn.moments(x, axes=[0])
            sigma = tf.sqrt(variance + epsilon)
            x_hat = (x - mean) / sigma
            n = tf.cast(tf.shape(x)[0], x.dtype)
            sum_grad_x_hat = tf.reduce_sum(grad_output * x_hat, axis=0)
            grad_x = gamma / (n * sigma) * (n * grad_output - x_hat * sum_grad_x_hat)
            return grad_x, sum_grad_x_hat, tf.reduce_sum(grad_output, axis=0)

        monkeypatch.setattr(layers_module, "batch_norm_backward", without_mean_term)
        differences = max_abs_differences("classifiers")
        assert differences["batch_norm"] > 1e-3
        assert differences["fully_connected"] < TOLERANCE
