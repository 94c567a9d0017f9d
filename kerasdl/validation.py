"""Argument checks shared by every kerasdl component, each with one meaning everywhere.

Integers are Python or NumPy integers (never `bool`); numbers are any real number (Python,
NumPy), finite unless said otherwise. Each check returns the value as a plain Python `int`,
`float` or `str`, and raises `ValueError` naming the argument, what it must be and what it got.
"""

from __future__ import annotations

import math
import numbers

import keras


def _is_real(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Real)


def check_int(name: str, value, minimum: int | None = None) -> int:
    """An integer, at least `minimum` when given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or (
        minimum is not None and value < minimum
    ):
        bound = "" if minimum is None else f" >= {minimum}"
        raise ValueError(f"`{name}` must be an int{bound}, got {value!r}")
    return int(value)


def check_number(
    name: str,
    value,
    minimum: float | None = None,
    *,
    maximum: float | None = None,
    strict: bool = False,
) -> float:
    """A finite real number, `>= minimum` and `<= maximum` when given (`>` and `<` with `strict`).

    `check_number("p", p, 0, maximum=1)` is a probability in [0, 1]; with `strict=True`, in (0, 1).
    """
    if not _is_real(value) or not math.isfinite(value) or (
        minimum is not None and (value <= minimum if strict else value < minimum)
    ) or (maximum is not None and (value >= maximum if strict else value > maximum)):
        if minimum is not None and maximum is not None:
            left, right = ("(", ")") if strict else ("[", "]")
            bound = f" in {left}{minimum:g}, {maximum:g}{right}"
        elif minimum is not None:
            bound = f" {'>' if strict else '>='} {minimum:g}"
        elif maximum is not None:
            bound = f" {'<' if strict else '<='} {maximum:g}"
        else:
            bound = ""
        raise ValueError(f"`{name}` must be a finite number{bound}, got {value!r}")
    return float(value)


def check_positive(name: str, value) -> float:
    """A finite real number > 0."""
    return check_number(name, value, 0, strict=True)


def check_choice(name: str, value, choices) -> str:
    """One of the strings `choices`, case-insensitive; returned lower-case."""
    if not isinstance(value, str) or value.lower() not in choices:
        raise ValueError(f"`{name}` must be one of {tuple(choices)}, got {value!r}")
    return value.lower()


def check_data_format(value) -> str:
    """`"channels_last"` or `"channels_first"`; None means `keras.config.image_data_format()`."""
    if value is None:
        return keras.config.image_data_format()
    return check_choice("data_format", value, ("channels_last", "channels_first"))
