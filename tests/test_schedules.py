import math

import keras
import numpy as np
import pytest

from kerasdl import schedules


@pytest.mark.parametrize("step", [0, 1, 7, 250, 10_000])
def test_decays_match_formulas(step):
    assert float(schedules.StepDecay(0.1, 0.5, step_length=10)(step)) == pytest.approx(
        0.1 * 0.5 ** math.floor(step / 10), rel=1e-6
    )
    assert float(schedules.ExponentialDecay(0.8, 0.0002)(step)) == pytest.approx(
        0.8 * math.exp(-0.0002 * step), rel=1e-6
    )
    assert float(schedules.TFracDecay(0.1, 0.01)(step)) == pytest.approx(0.1 / (1 + 0.01 * step), rel=1e-6)


@pytest.mark.parametrize(
    "cls, update, rate",
    [
        (schedules.RecursiveTFracDecay, lambda lr, i, r: lr / (1 + i * r), 0.01),
        (schedules.RecursiveTFracDecay, lambda lr, i, r: lr / (1 + i * r), 0.001),
        (schedules.RecursiveExponentialDecay, lambda lr, i, r: lr * math.exp(-i * r), 0.0002),
        (schedules.RecursiveTFracDecay, lambda lr, i, r: lr / (1 + i * r), 0.0),
    ],
)
def test_recursive_decays_follow_table3s_recursion(cls, update, rate):
    # Report scratch_mlp, Table 3: lr_{i+1} from lr_i, unrolled step by step in float64.
    sched, lr = cls(0.5, rate), 0.5
    for step in range(600):
        got = float(sched(step))
        if lr > 1e-30:
            assert got == pytest.approx(lr, rel=2e-4)
        else:
            assert got < 1e-29
        lr = update(lr, step, rate)


def test_recursive_decays_fall_to_zero_without_nan():
    assert float(schedules.RecursiveTFracDecay(0.1, 0.01)(5000)) == 0.0
    assert float(schedules.RecursiveExponentialDecay(0.8, 0.0002)(5000)) == 0.0


def test_epoch_multiplier():
    sched = schedules.EpochMultiplier(0.01, steps_per_epoch=3, boundaries=(120, 140), multipliers=(0.5, 0.1))
    got = [float(sched(epoch * 3 + 1)) for epoch in (0, 119, 120, 139, 140, 149)]
    np.testing.assert_allclose(got, [0.01, 0.01, 0.005, 0.005, 0.001, 0.001], rtol=1e-6)


@pytest.mark.parametrize(
    "sched",
    [
        schedules.StepDecay(0.1, 0.5, 3),
        schedules.ExponentialDecay(0.8, 2e-4),
        schedules.TFracDecay(0.03, 1e-3),
        schedules.RecursiveTFracDecay(0.1, 1e-2),
        schedules.RecursiveExponentialDecay(0.8, 2e-4),
        schedules.EpochMultiplier(0.01, 469, (100,), (0.5,)),
    ],
)
def test_round_trip_through_an_optimizer(sched):
    opt = keras.optimizers.SGD(learning_rate=sched)
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(opt))
    assert float(restored.learning_rate) == pytest.approx(float(sched(0)))
    assert type(restored._learning_rate) is type(sched)
    assert restored._learning_rate.get_config() == sched.get_config()


@pytest.mark.parametrize(
    "factory",
    [
        lambda: schedules.TFracDecay(0, 0.1),
        lambda: schedules.TFracDecay(0.1, -1),
        lambda: schedules.ExponentialDecay("0.1", 0.1),
        lambda: schedules.StepDecay(0.1, 0.5, 0),
        lambda: schedules.EpochMultiplier(0.1, 10, (5, 3), (0.5, 0.1)),
        lambda: schedules.EpochMultiplier(0.1, 10, (5,), (0.5, 0.1)),
        lambda: schedules.EpochMultiplier(0.1, 0, (5,), (0.5,)),
    ],
)
def test_bad_arguments(factory):
    with pytest.raises(ValueError):
        factory()


@pytest.mark.parametrize(
    "integer, real", [(np.int64, np.float64), (np.int32, np.float32), (np.uint16, np.float16)]
)
def test_numpy_scalars_are_accepted_as_plain_values(integer, real):
    sched = schedules.StepDecay(real(0.5), real(0.25), step_length=integer(10))
    assert sched.get_config() == schedules.StepDecay(0.5, 0.25, step_length=10).get_config()
    assert all(type(v) in (int, float) for v in sched.get_config().values())
    for cls in (schedules.ExponentialDecay, schedules.TFracDecay, schedules.RecursiveTFracDecay):
        assert cls(integer(1), integer(0)).get_config() == cls(1.0, 0.0).get_config()
    multiplier = schedules.EpochMultiplier(
        real(0.5), integer(4), (integer(2), integer(3)), (real(0.5), integer(2))
    )
    expected = schedules.EpochMultiplier(0.5, 4, (2, 3), (0.5, 2.0))
    assert multiplier.get_config() == expected.get_config()
    assert float(multiplier(integer(8))) == pytest.approx(0.5 * 0.5)


@pytest.mark.parametrize(
    "factory",
    [
        lambda: schedules.StepDecay(True, 0.5, 10),
        lambda: schedules.StepDecay(0.1, False, 10),
        lambda: schedules.StepDecay(0.1, 0.5, True),
        lambda: schedules.StepDecay(0.1, 0.5, np.float64(10.0)),
        lambda: schedules.ExponentialDecay(np.float32("nan"), 0.1),
        lambda: schedules.TFracDecay(0.1, np.float64("inf")),
        lambda: schedules.EpochMultiplier(0.1, True, (5,), (0.5,)),
        lambda: schedules.EpochMultiplier(0.1, 10, (True,), (0.5,)),
        lambda: schedules.EpochMultiplier(0.1, 10, (5,), (True,)),
        lambda: schedules.EpochMultiplier(0.1, 10, (np.int64(-1),), (0.5,)),
    ],
)
def test_bools_and_bad_numpy_scalars_are_refused(factory):
    with pytest.raises(ValueError, match="`"):
        factory()


@pytest.mark.parametrize(
    "length, boundaries, scale, expected",
    [
        (110, [100], 1.0, (110, [100])),
        (110, [100], 10 / 80, (14, [13])),
        (150, [120, 140], 12 / 150, (12, [10, 11])),
        (150, [140], 12 / 150, (12, [11])),
        # Too short to keep the proportions: every phase still gets one epoch.
        (110, [100], 1 / 80, (2, [1])),
        (150, [120, 140], 1 / 150, (3, [1, 2])),
        (150, [120, 140], 10 / 150, (10, [8, 9])),
    ],
)
def test_scaled_schedule(length, boundaries, scale, expected):
    assert schedules.scaled_schedule(length, boundaries, scale) == expected


def test_scaled_epoch_multiplier():
    epochs, rate = schedules.scaled_epoch_multiplier(
        0.001, 4, epochs=150, boundaries=[120, 140], multipliers=[0.5, 0.1], scale=12 / 150
    )
    assert epochs == 12
    assert isinstance(rate, schedules.EpochMultiplier)
    assert (rate.steps_per_epoch, rate.boundaries, rate.multipliers) == (4, (10, 11), (0.5, 0.1))
    got = [float(rate(epoch * 4)) for epoch in (0, 9, 10, 11)]
    np.testing.assert_allclose(got, [0.001, 0.001, 0.0005, 0.0001], rtol=1e-6)
    # Unscaled, it is the report's schedule.
    epochs, rate = schedules.scaled_epoch_multiplier(0.01, 7, epochs=110, boundaries=[100], multipliers=[0.5])
    assert (epochs, rate.boundaries) == (110, (100,))


def test_scaled_learning_rate():
    assert schedules.scaled_learning_rate(0.01, 5, epochs=15, report_epochs=80) == (15, 0.01)
    epochs, rate = schedules.scaled_learning_rate(
        0.001, 4, epochs=12, report_epochs=150, schedule={"epochs": 150, "boundaries": [120, 140], "multipliers": [0.5, 0.1]}
    )
    assert (epochs, rate.steps_per_epoch, rate.boundaries, rate.multipliers) == (12, 4, (10, 11), (0.5, 0.1))
