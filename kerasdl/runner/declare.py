"""Helpers for writing a report's tables as data (`reproduce/<report>.py`): per-profile settings,
rows from the report's printed (mean, std, max), and the row names a conclusion reads.

Moved out of report `lenet5`, whose training tables each set their own epochs per profile and
whose tables print every setting as "(mean, std, max)" over five trials; any report can use them.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from kerasdl.runner.spec import Row


def by_profile(**settings: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A table's `profiles` (per-profile overrides) from each setting's value per profile.

    >>> by_profile(epochs={"smoke": 1, "paper": 80}, points={"smoke": 40})
    {'smoke': {'epochs': 1, 'points': 40}, 'paper': {'epochs': 80}}
    """
    profiles: dict[str, dict[str, Any]] = {}
    for key, values in settings.items():
        for profile, value in values.items():
            profiles.setdefault(profile, {})[key] = value
    return profiles


def reported(name: str, paper: Mapping[str, Any], config: Mapping[str, Any] | None = None) -> Row:
    """A `Row` from the report's numbers per column, each `None` (none printed), a number, or the
    report's `(mean, std)` or `(mean, std, max)` over its trials (report `lenet5`'s tuples).

    >>> reported("setting 1", {"acc": (0.99, 0.001, 0.992)}).paper_max
    {'acc': 0.992}
    """
    means, stds, maxima = {}, {}, {}
    for column, value in paper.items():
        spread = tuple(value) if isinstance(value, (tuple, list)) else (value,)
        means[column] = spread[0]
        if len(spread) > 1:
            stds[column] = spread[1]
        if len(spread) > 2:
            maxima[column] = spread[2]
    return Row(name, paper=means, config=dict(config or {}), paper_std=stds, paper_max=maxima)


def names(rows: Iterable[Row]) -> list[str]:
    """The rows' names, for the claim helpers of `kerasdl.runner.claims`."""
    return [row.name for row in rows]


__all__ = ["by_profile", "names", "reported"]
