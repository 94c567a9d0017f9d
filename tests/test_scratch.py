"""Report `scratch_mlp`'s framework: every hand-written backward pass against autodiff."""

import logging
import math

import numpy as np
import pytest
import tensorflow as tf

from kerasdl import scratch
from kerasdl.schedules import ExponentialDecay, StepDecay, TFracDecay

TOLERANCE = 1e-10


def normal(seed, *shape, dtype=tf.float64):
    return tf.random.stateless_normal(shape, seed=[seed, len(shape)], dtype=dtype)


def max_abs(a, b):
    return float(tf.reduce_max(tf.abs(tf.cast(a, tf.float64) - tf.cast(b, tf.float64))))


def disk(n, seed):
    """Points uniform in [0, 1]^2, label 1 inside the disk of radius 1/sqrt(2 pi) at the centre."""
    x = np.random.default_rng(seed).uniform(size=(n, 2)).astype("float32")
    labels = (np.sum((x - 0.5) ** 2, axis=1) < 1.0 / (2.0 * math.pi)).astype("int64")
    return x, labels


def autodiff_of_module(module, x, upstream):
    """dL/dx and dL/dparams of `sum(module.forward(x) * upstream)`, by the tape."""
    params = [param for param, _ in module.params()]
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = module.forward(x)
    return tape.gradient(y, [x, *params], output_gradients=upstream)


def assert_backward_matches_autodiff(module, x, upstream):
    reference = autodiff_of_module(module, x, upstream)
    module.zero_grad()
    module.forward(x)
    grad_x = module.backward(upstream)
    assert max_abs(grad_x, reference[0]) < TOLERANCE
    for (_, grad), expected in zip(module.params(), reference[1:]):
        assert max_abs(grad, expected) < TOLERANCE


class TestLinear:
    def test_backward_matches_autodiff(self):
        layer = scratch.Linear(4, 3, seed=0, dtype="float64")
        layer.bias.assign(normal(9, 3))
        assert_backward_matches_autodiff(layer, normal(1, 5, 4), normal(2, 5, 3))

    def test_forward_is_x_w_plus_b(self):
        layer = scratch.Linear(4, 3, seed=0, dtype="float64")
        x = normal(1, 5, 4)
        assert max_abs(layer(x), x @ layer.weight + layer.bias) < TOLERANCE

    def test_gradients_accumulate_until_zero_grad(self):
        layer = scratch.Linear(3, 2, seed=0, dtype="float64")
        x, upstream = normal(1, 4, 3), normal(2, 4, 2)
        layer.forward(x)
        layer.backward(upstream)
        once = tf.identity(layer.weight_grad)
        layer.backward(upstream)
        assert max_abs(layer.weight_grad, 2.0 * once) < TOLERANCE
        layer.zero_grad()
        assert float(tf.reduce_max(tf.abs(layer.weight_grad))) == 0.0

    def test_initialisation_is_standard_normal_weights_and_zero_biases(self):
        layer = scratch.Linear(200, 100, seed=3)
        assert layer.weight.shape == (200, 100) and layer.weight.dtype == tf.float32
        assert abs(float(tf.reduce_mean(layer.weight))) < 0.02
        assert abs(float(tf.math.reduce_std(layer.weight)) - 1.0) < 0.02
        assert float(tf.reduce_max(tf.abs(layer.bias))) == 0.0
        again = scratch.Linear(200, 100, seed=3)
        assert max_abs(layer.weight, again.weight) == 0.0

    @pytest.mark.parametrize("args", [(0, 3), (2, -1), (2.0, 3), (True, 3)])
    def test_rejects_bad_widths(self, args):
        with pytest.raises(ValueError):
            scratch.Linear(*args)


class TestActivations:
    @pytest.mark.parametrize(
        "module,reference",
        [
            (scratch.ReLU(), tf.nn.relu),
            (scratch.Tanh(), tf.tanh),
            (scratch.Sigmoid(), tf.sigmoid),
            (scratch.Softmax(), tf.nn.softmax),
        ],
    )
    def test_forward_and_backward(self, module, reference):
        x, upstream = 3.0 * normal(1, 6, 4), normal(2, 6, 4)
        assert max_abs(module.forward(x), reference(x)) < TOLERANCE
        assert_backward_matches_autodiff(module, x, upstream)

    def test_softmax_backward_on_two_classes(self):
        assert_backward_matches_autodiff(scratch.Softmax(), normal(1, 9, 2), normal(2, 9, 2))

    @pytest.mark.parametrize("module", [scratch.Sigmoid(), scratch.Softmax()])
    def test_extreme_inputs_stay_finite_in_float32(self, module):
        x = tf.constant([[-1000.0, 1000.0], [200.0, -90.0]], tf.float32)
        y = module.forward(x)
        grad = module.backward(tf.ones_like(x))
        assert bool(tf.reduce_all(tf.math.is_finite(y)))
        assert bool(tf.reduce_all(tf.math.is_finite(grad)))


class TestLosses:
    @pytest.mark.parametrize("outputs", [1, 2])
    def test_mse_is_the_batch_mean_of_squared_error(self, outputs):
        prediction, target = normal(1, 5, outputs), normal(2, 5, outputs)
        loss = scratch.MSE()
        expected = tf.reduce_sum(tf.square(prediction - target)) / 5.0
        assert max_abs(loss(prediction, target), expected) < TOLERANCE
        with tf.GradientTape() as tape:
            tape.watch(prediction)
            value = loss.forward(prediction, target)
        assert max_abs(loss.backward(), tape.gradient(value, prediction)) < TOLERANCE

    def test_cross_entropy_is_the_batch_mean_of_minus_y_log_p(self):
        probabilities = tf.nn.softmax(normal(1, 6, 3))
        target = tf.one_hot([0, 1, 2, 2, 1, 0], 3, dtype=tf.float64)
        loss = scratch.CrossEntropy()
        expected = -tf.reduce_sum(target * tf.math.log(probabilities)) / 6.0
        with tf.GradientTape() as tape:
            tape.watch(probabilities)
            value = loss.forward(probabilities, target)
        assert max_abs(value, expected) < TOLERANCE
        assert max_abs(loss.backward(), tape.gradient(value, probabilities)) < TOLERANCE

    def test_cross_entropy_gradient_is_finite_at_zero_probability(self):
        loss = scratch.CrossEntropy()
        loss.forward(tf.constant([[0.0, 1.0]]), tf.constant([[1.0, 0.0]]))
        assert bool(tf.reduce_all(tf.math.is_finite(loss.backward())))


def float64_network(output):
    """A small float64 stack with every module kind, for end-to-end gradient checks."""
    last, activation = (1, scratch.Sigmoid()) if output == "sigmoid" else (3, scratch.Softmax())
    return scratch.Sequential(
        scratch.Linear(2, 6, seed=1, dtype="float64"),
        scratch.Tanh(),
        scratch.Linear(6, 5, seed=2, dtype="float64"),
        scratch.ReLU(),
        scratch.Linear(5, last, seed=3, dtype="float64"),
        activation,
    )


class TestSequential:
    @pytest.mark.parametrize(
        "output,loss", [("softmax", scratch.CrossEntropy()), ("sigmoid", scratch.MSE())]
    )
    def test_end_to_end_gradients_match_autodiff(self, output, loss):
        model = float64_network(output)
        x = tf.random.stateless_uniform([7, 2], seed=[1, 1], dtype=tf.float64)
        labels = tf.constant([0, 1, 2, 1, 0, 2, 1]) % (2 if output == "sigmoid" else 3)
        target = scratch.class_targets(labels, 1 if output == "sigmoid" else 3)
        target = tf.cast(target, tf.float64)
        params = [param for param, _ in model.params()]
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = loss.forward(model.forward(x), target)
        reference = tape.gradient(value, [x, *params])

        model.zero_grad()
        loss.forward(model.forward(x), target)
        grad_x = model.backward(loss.backward())
        assert max_abs(grad_x, reference[0]) < TOLERANCE
        assert len(model.params()) == 6
        for (_, grad), expected in zip(model.params(), reference[1:]):
            assert max_abs(grad, expected) < TOLERANCE

    def test_rejects_non_modules(self):
        with pytest.raises(TypeError):
            scratch.Sequential(scratch.ReLU(), tf.nn.relu)


class TestBuildAnn:
    @pytest.mark.parametrize(
        "activation,output,width",
        [("relu", "softmax", 2), ("relu", "sigmoid", 1), ("tanh", "softmax", 2)],
    )
    def test_the_report_networks(self, activation, output, width):
        model = scratch.build_ann(activation, output, seed=0)
        linears = [m for m in model.modules if isinstance(m, scratch.Linear)]
        shapes = [tuple(m.weight.shape) for m in linears]
        assert shapes == [(2, 25), (25, 25), (25, 25), (25, width)]
        assert len(model.modules) == 8
        assert model.forward(tf.zeros([3, 2])).shape == (3, width)

    def test_seed_fixes_weights_and_layers_differ(self):
        def weights(seed):
            return [param for param, _ in scratch.build_ann("relu", "softmax", seed=seed).params()]

        first, again, other = weights(5), weights(5), weights(6)
        assert all(max_abs(a, b) == 0.0 for a, b in zip(first, again))
        assert max_abs(first[2], first[4]) > 0.1
        assert max_abs(first[2], other[2]) > 0.1

    @pytest.mark.parametrize("args", [("elu", "softmax"), ("relu", "linear")])
    def test_rejects_unknown_choices(self, args):
        with pytest.raises(ValueError):
            scratch.build_ann(*args)


class TestSGD:
    @pytest.mark.parametrize(
        "learning_rate,expected",
        [
            (0.3, lambda i: 0.3),
            (StepDecay(0.5, 0.5, step_length=2), lambda i: 0.5 * 0.5 ** (i // 2)),
            (ExponentialDecay(0.8, 0.1), lambda i: 0.8 * math.exp(-0.1 * i)),
            (TFracDecay(0.1, 0.5), lambda i: 0.1 / (1 + 0.5 * i)),
        ],
    )
    def test_step_moves_params_by_lr_times_grad(self, learning_rate, expected):
        layer = scratch.Linear(3, 2, seed=0)
        optimizer = scratch.SGD(layer, learning_rate)
        for index in range(6):
            lr = optimizer.current_learning_rate()
            assert abs(float(lr) - expected(index)) < 1e-6
            before = [tf.identity(param) for param, _ in layer.params()]
            for seed, (_, grad) in enumerate(layer.params()):
                grad.assign(normal(seed + 10 * index, *grad.shape, dtype=tf.float32))
            optimizer.step()
            for old, (param, grad) in zip(before, layer.params()):
                assert max_abs(param, old - lr * grad) == 0.0
        assert int(optimizer.iterations) == 6

    @pytest.mark.parametrize("kwargs", [{"learning_rate": 0.0}, {"learning_rate": "0.1"}])
    def test_rejects_bad_arguments(self, kwargs):
        with pytest.raises(ValueError):
            scratch.SGD(scratch.ReLU(), **{"learning_rate": 0.1, **kwargs})


class TestFit:
    def test_fit_is_the_eager_mini_batch_loop(self):
        x, labels = disk(70, seed=1)
        y = scratch.class_targets(labels, 2)
        schedule = TFracDecay(0.1, 0.5)

        model = scratch.build_ann("tanh", "softmax", hidden=(4,), seed=2)
        seen = []
        history = scratch.fit(
            model,
            scratch.CrossEntropy(),
            scratch.SGD(model, schedule),
            x,
            y,
            epochs=2,
            batch_size=30,
            seed=3,
            on_epoch_end=lambda epoch, logs: seen.append((epoch, logs)),
        )

        reference = scratch.build_ann("tanh", "softmax", hidden=(4,), seed=2)
        loss, optimizer = scratch.CrossEntropy(), scratch.SGD(reference, schedule)
        generator = tf.random.Generator.from_seed(3)
        for epoch in range(2):
            order = tf.argsort(generator.uniform([70]))
            epoch_loss = 0.0
            for start in (0, 30, 60):
                batch = order[start : start + 30]
                optimizer.zero_grad()
                value = loss.forward(reference(tf.gather(x, batch)), tf.gather(y, batch))
                epoch_loss += float(value) * int(batch.shape[0]) / 70
                reference.backward(loss.backward())
                optimizer.step()
            assert abs(history["loss"][epoch] - epoch_loss) < 1e-5
        for (fitted, _), (expected, _) in zip(model.params(), reference.params()):
            assert max_abs(fitted, expected) < 1e-6
        assert [epoch for epoch, _ in seen] == [0, 1]
        assert len(history["error"]) == 2
        assert seen[1][1] == {"loss": history["loss"][1], "error": history["error"][1]}

    def test_sampled_steps_each_draw_distinct_points_anew(self):
        x, labels = disk(70, seed=1)
        y = scratch.class_targets(labels, 2)
        model = scratch.build_ann("tanh", "softmax", hidden=(4,), seed=2)
        history = scratch.fit(
            model, scratch.CrossEntropy(), scratch.SGD(model, 0.1), x, y,
            epochs=2, batch_size=30, seed=3, sampling="sample",
        )

        # 70 // 30 = 2 steps per epoch, each on the first 30 of a fresh permutation.
        reference = scratch.build_ann("tanh", "softmax", hidden=(4,), seed=2)
        loss, optimizer = scratch.CrossEntropy(), scratch.SGD(reference, 0.1)
        generator = tf.random.Generator.from_seed(3)
        batches = []
        for epoch in range(2):
            epoch_loss, wrong = 0.0, 0
            for _ in range(2):
                batch = tf.argsort(generator.uniform([70]))[:30]
                batches.append(set(batch.numpy().tolist()))
                optimizer.zero_grad()
                outputs = reference(tf.gather(x, batch))
                epoch_loss += float(loss.forward(outputs, tf.gather(y, batch))) / 2
                wrong += int(tf.reduce_sum(tf.cast(
                    scratch.predicted_classes(outputs) != scratch.predicted_classes(tf.gather(y, batch)), tf.int32)))
                reference.backward(loss.backward())
                optimizer.step()
            assert abs(history["loss"][epoch] - epoch_loss) < 1e-5
            assert history["error"][epoch] == pytest.approx(100.0 * wrong / 60)
        for (fitted, _), (expected, _) in zip(model.params(), reference.params()):
            assert max_abs(fitted, expected) < 1e-6
        assert int(optimizer.iterations) == 4
        assert all(len(b) == 30 for b in batches) and len({frozenset(b) for b in batches}) == 4

    def test_sampling_needs_a_batch_no_larger_than_the_data(self):
        with pytest.raises(ValueError, match="`batch_size`"):
            _fit(batch_size=5, sampling="sample")
        with pytest.raises(ValueError, match="`sampling`"):
            _fit(sampling="bootstrap")

    def test_ann1_learns_the_disk(self):
        x, labels = disk(1000, seed=0)
        y = scratch.class_targets(labels, 2)
        model = scratch.build_ann("relu", "softmax", seed=0)
        optimizer = scratch.SGD(model, TFracDecay(0.1, 0.01))
        history = scratch.fit(
            model, scratch.CrossEntropy(), optimizer, x, y, epochs=150, batch_size=500, seed=0
        )
        baseline = 100.0 * min(labels.mean(), 1.0 - labels.mean())
        assert baseline > 40.0
        assert scratch.error_rate(model, x, y) < 20.0
        assert history["loss"][-1] < history["loss"][0]


class TestHelpers:
    def test_class_targets(self):
        assert scratch.class_targets([0, 1, 1], 1).numpy().tolist() == [[0.0], [1.0], [1.0]]
        assert scratch.class_targets([0, 1], 2).numpy().tolist() == [[1.0, 0.0], [0.0, 1.0]]

    def test_predicted_classes_and_error_rate(self):
        assert scratch.predicted_classes(tf.constant([[0.2], [0.7]])).numpy().tolist() == [0, 1]
        assert scratch.predicted_classes(tf.constant([[0.2, 0.8]])).numpy().tolist() == [1]
        model = scratch.Sequential(scratch.Softmax())
        x = tf.constant([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 3.0]])
        y = scratch.class_targets([0, 1, 1, 1], 2)
        assert scratch.error_rate(model, x, y) == 25.0
        assert scratch.predict(model, x).shape == (4, 2)


@pytest.mark.parametrize(
    "integer, real", [(np.int64, np.float64), (np.int32, np.float32), (np.uint8, np.float16)]
)
def test_numpy_scalars_are_accepted(integer, real):
    layer = scratch.Linear(integer(3), integer(2), seed=0)
    assert layer.weight.shape == (3, 2)
    model = scratch.build_ann("relu", "sigmoid", hidden=(integer(4),), inputs=integer(2), seed=0)
    optimizer = scratch.SGD(model, real(0.5))
    assert optimizer.learning_rate == 0.5 and type(optimizer.learning_rate) is float
    x, labels = disk(10, seed=0)
    history = scratch.fit(
        model,
        scratch.MSE(),
        optimizer,
        x,
        scratch.class_targets(labels, 1),
        epochs=integer(2),
        batch_size=integer(4),
        seed=0,
    )
    assert len(history["loss"]) == 2


def _fit(**kwargs):
    model = scratch.Linear(2, 1, seed=0)
    arguments = {"epochs": 1, "batch_size": 2, **kwargs}
    optimizer = scratch.SGD(model, 0.1)
    return scratch.fit(model, scratch.MSE(), optimizer, np.zeros((4, 2)), np.zeros((4, 1)), **arguments)


@pytest.mark.parametrize(
    "factory, word",
    [
        (lambda: scratch.Linear(True, 2), "in_features"),
        (lambda: scratch.Linear(2, np.bool_(True)), "out_features"),
        (lambda: scratch.Linear(np.float64(2.0), 2), "in_features"),
        (lambda: scratch.Linear(2, np.int64(0)), "out_features"),
        (lambda: scratch.SGD(scratch.ReLU(), True), "learning_rate"),
        (lambda: scratch.SGD(scratch.ReLU(), np.float32(0.0)), "learning_rate"),
        (lambda: scratch.SGD(scratch.ReLU(), np.float64("inf")), "learning_rate"),
        (lambda: scratch.build_ann(True, "softmax"), "hidden_activation"),
        (lambda: scratch.build_ann("relu", None), "output"),
        (lambda: _fit(batch_size=True), "batch_size"),
        (lambda: _fit(batch_size=np.float32(2.0)), "batch_size"),
        (lambda: _fit(epochs=True), "epochs"),
        (lambda: _fit(epochs=-1), "epochs"),
    ],
)
def test_bools_and_bad_numpy_scalars_are_refused(factory, word):
    with pytest.raises(ValueError, match=f"`{word}`"):
        factory()


class TestReportBackends:
    """The report's trial (`reproduce.scratch_mlp.run`): both backends report progress per epoch;
    the Keras one trains through `kerasdl.runner.fit`, so it honours stop requests and divergence."""

    @staticmethod
    def trial(backend, epochs=3, network="ANN1", **changes):
        from kerasdl import data as kdata
        from kerasdl.runner import Row
        from kerasdl.runner.execute import Trial
        from reproduce import scratch_mlp

        config = {**scratch_mlp.PROFILES["smoke"], **scratch_mlp.NETWORKS[network], "backend": backend, "epochs": epochs, **changes}
        data = kdata.disk_dataset(n_train=200, n_test=200, seed=0)
        done = []
        trial = Trial("scratch_mlp", "t5_performance", Row(network, {}), config, 0, 0, data, epoch_done=lambda: done.append(1))
        return trial, done

    @pytest.mark.parametrize("backend", ["scratch", "keras"])
    def test_progress_and_metrics(self, backend):
        from reproduce import scratch_mlp

        trial, done = self.trial(backend)
        result = scratch_mlp.run(trial)
        assert len(done) == 3
        assert len(result.history["loss"]) == len(result.history["train_error_pct"]) == 3
        assert {"train_error_pct", "test_error_pct", "stuck_pct", "time_s"} <= set(result.metrics)
        assert 0 <= result.metrics["test_error_pct"] <= 100
        assert result.diverged_epoch is None

    def test_keras_backend_stops_on_request(self):
        from kerasdl.runner import control
        from reproduce import scratch_mlp

        trial, done = self.trial("keras")
        control.STOP.set()
        try:
            with pytest.raises(KeyboardInterrupt):
                scratch_mlp.run(trial)
        finally:
            control.STOP.clear()
        assert done == []

    def test_keras_backend_notes_divergence(self):
        from reproduce import scratch_mlp

        # A rate this large overflows the ReLU network's weights in the first steps: NaN loss.
        trial, done = self.trial("keras", epochs=5, lr=1e30, decay_rate=0.0)
        result = scratch_mlp.run(trial)
        assert result.diverged_epoch == 1
        assert result.history["loss"] == []


def test_many_short_fits_give_no_retracing_warning():
    """Each fit traces its epoch once; TensorFlow would call a run of short fits 'retracing'."""
    x = np.random.default_rng(0).normal(size=(32, 2)).astype("float32")
    y = scratch.class_targets((x[:, 0] > 0).astype("int64"), 2)
    seen = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())
    tf.get_logger().addHandler(handler)
    try:
        for seed in range(8):
            model = scratch.Sequential(scratch.Linear(2, 2, seed=seed), scratch.Softmax())
            scratch.fit(model, scratch.CrossEntropy(), scratch.SGD(model, 0.1), x, y, epochs=1, batch_size=8, seed=seed)
    finally:
        tf.get_logger().removeHandler(handler)
    assert not [message for message in seen if "retracing" in message]
