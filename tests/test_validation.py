"""kerasdl.validation: one meaning for each argument check, NumPy scalars included."""

import math

import keras
import numpy as np
import pytest

from kerasdl.validation import (
    check_choice,
    check_data_format,
    check_int,
    check_number,
    check_positive,
)

NAN, INF = float("nan"), float("inf")
INTS = [3, np.int8(3), np.int16(3), np.int32(3), np.int64(3), np.uint8(3), np.uint64(3)]
FLOATS = [2.5, np.float16(2.5), np.float32(2.5), np.float64(2.5)]
NOT_NUMBERS = [True, False, np.bool_(True), "1", None, [1], (1,), 1 + 0j, np.array([1.0])]
NOT_FINITE = [NAN, INF, -INF, np.float32("nan"), np.float64("inf"), np.float64("-inf")]


def _raises(name):
    """`pytest.raises` for a ValueError whose message names the argument as `name`."""
    return pytest.raises(ValueError, match=f"^`{name}` ")


class TestCheckInt:
    @pytest.mark.parametrize("value", INTS)
    def test_accepts_python_and_numpy_integers_as_plain_int(self, value):
        result = check_int("n", value)
        assert result == 3 and type(result) is int

    @pytest.mark.parametrize("value", [-5, np.int64(-5), 0])
    def test_no_minimum_means_any_integer(self, value):
        assert check_int("n", value) == int(value)

    @pytest.mark.parametrize("value", [1, np.int32(1), 7])
    def test_minimum_is_inclusive(self, value):
        assert check_int("n", value, 1) == int(value)

    @pytest.mark.parametrize("value", [0, -1, np.int64(0)])
    def test_refuses_below_minimum(self, value):
        with _raises("n") as info:
            check_int("n", value, 1)
        assert ">= 1" in str(info.value) and repr(value) in str(info.value)

    @pytest.mark.parametrize(
        "value", [*NOT_NUMBERS, *FLOATS, 3.0, np.float64(3.0), *NOT_FINITE]
    )
    def test_refuses_bools_floats_and_non_numbers(self, value):
        with _raises("count") as info:
            check_int("count", value)
        assert "must be an int" in str(info.value)


class TestCheckNumber:
    @pytest.mark.parametrize("value", [*INTS, *FLOATS, -1.5, np.float32(-1.5), 0, 0.0])
    def test_accepts_python_and_numpy_numbers_as_plain_float(self, value):
        result = check_number("x", value)
        assert result == float(value) and type(result) is float

    @pytest.mark.parametrize("value", [*NOT_NUMBERS, *NOT_FINITE])
    def test_refuses_bools_non_finite_and_non_numbers(self, value):
        with _raises("x") as info:
            check_number("x", value)
        assert "must be a finite number" in str(info.value)

    def test_minimum_is_inclusive_unless_strict(self):
        assert check_number("x", 0, 0) == 0.0
        assert check_number("x", np.float32(0.5), 0.5) == 0.5
        with _raises("x") as info:
            check_number("x", -1e-9, 0)
        assert ">= 0" in str(info.value)
        with _raises("x") as info:
            check_number("x", 0, 0, strict=True)
        assert "> 0" in str(info.value) and ">=" not in str(info.value)

    def test_maximum_is_inclusive_unless_strict(self):
        assert check_number("x", 1, maximum=1) == 1.0
        with _raises("x") as info:
            check_number("x", 1.5, maximum=1)
        assert "<= 1" in str(info.value)
        with _raises("x") as info:
            check_number("x", np.int64(1), maximum=1, strict=True)
        assert "< 1" in str(info.value) and "<=" not in str(info.value)

    @pytest.mark.parametrize("value", [0, 0.25, np.float32(0.5), np.int64(1), 1.0])
    def test_closed_interval(self, value):
        assert check_number("ratio", value, 0, maximum=1) == float(value)

    @pytest.mark.parametrize("value", [-0.1, 1.1, np.float64(2.0), NAN, INF, True, False])
    def test_outside_closed_interval(self, value):
        with _raises("ratio") as info:
            check_number("ratio", value, 0, maximum=1)
        assert "in [0, 1]" in str(info.value)

    @pytest.mark.parametrize("value", [0, 1, np.float32(0), np.int64(1), -1, 2.0])
    def test_outside_open_interval(self, value):
        with _raises("eps") as info:
            check_number("eps", value, 0, maximum=1, strict=True)
        assert "in (0, 1)" in str(info.value)

    def test_open_interval_accepts_inside(self):
        assert check_number("eps", np.float64(1e-10), 0, maximum=1, strict=True) == 1e-10


class TestCheckPositive:
    @pytest.mark.parametrize("value", [*INTS, *FLOATS, 1e-300, np.float32(1e-30)])
    def test_accepts_positive_python_and_numpy_numbers(self, value):
        result = check_positive("rate", value)
        assert result == float(value) and type(result) is float

    @pytest.mark.parametrize(
        "value", [0, 0.0, -0.0, -1, np.int64(0), np.float32(-2.0), *NOT_FINITE, *NOT_NUMBERS]
    )
    def test_refuses_zero_negative_non_finite_bool_and_non_numbers(self, value):
        with _raises("rate") as info:
            check_positive("rate", value)
        assert "> 0" in str(info.value)


class TestCheckChoice:
    CHOICES = ("valid", "same")

    @pytest.mark.parametrize("value", ["valid", "SAME", "Valid", np.str_("same")])
    def test_accepts_a_choice_case_insensitively_and_lowers_it(self, value):
        result = check_choice("padding", value, self.CHOICES)
        assert result == value.lower() and type(result) is str

    def test_accepts_any_iterable_of_choices(self):
        assert check_choice("kind", "b", {"a": 1, "b": 2}) == "b"

    @pytest.mark.parametrize("value", ["full", "", None, 1, True, b"valid", ["valid"]])
    def test_refuses_others_naming_the_choices(self, value):
        with _raises("padding") as info:
            check_choice("padding", value, self.CHOICES)
        assert "'valid', 'same'" in str(info.value)


class TestCheckDataFormat:
    @pytest.mark.parametrize("value", ["channels_last", "channels_first", "Channels_First"])
    def test_accepts_both_formats(self, value):
        assert check_data_format(value) == value.lower()

    def test_none_is_the_keras_default(self):
        assert check_data_format(None) == keras.config.image_data_format()

    @pytest.mark.parametrize("value", ["NHWC", "channels", 0, True])
    def test_refuses_others(self, value):
        with _raises("data_format"):
            check_data_format(value)


def test_messages_show_the_value():
    with pytest.raises(ValueError) as info:
        check_positive("learning_rate", np.float32(-0.5))
    assert "learning_rate" in str(info.value) and "-0.5" in str(info.value)
    with pytest.raises(ValueError) as info:
        check_number("x", NAN)
    assert "nan" in str(info.value)
    assert math.isfinite(check_number("x", np.float64(1e308)))
