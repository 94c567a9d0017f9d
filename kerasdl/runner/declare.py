"""Helpers for writing a report's tables as data (`reproduce/<report>.py`), used by every report:
a table factory holding what a report's tables share, rows from the report's printed numbers,
per-profile settings, and the row names a conclusion reads.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence

from kerasdl.runner.spec import Row, Table

# Table fields a table adds to the shared ones (the shared first), rather than replaces.
JOINED = ("notes", "errata", "conclusions", "figures")


def table_factory(**shared: Any) -> Callable[..., Table]:
    """A report's table factory: `table(name, title, columns, rows, **fields)` makes a `Table`
    with the `shared` fields (`run`, `data`, `notes`, ...) and its own.

    A table's own `notes`, `errata`, `conclusions` and `figures` follow the shared ones; its
    mappings (`config`, `choices`, `proportions`, ...) are merged over the shared ones, and its
    `profiles` per profile; any other field it gives replaces the shared one.

    >>> table = table_factory(data="mnist", config={"lr": 0.1}, notes=["shared"])
    >>> t = table("t", "a table", ["acc"], [], run=print, config={"epochs": 2}, notes=["own"])
    >>> t.data, t.config, t.notes
    ('mnist', {'lr': 0.1, 'epochs': 2}, ('shared', 'own'))
    """

    def table(name: str, title: str, columns: Sequence[str], rows: Sequence[Row], **own: Any) -> Table:
        fields = dict(shared)
        for key, value in own.items():
            base = fields.get(key)
            if base is None:
                fields[key] = value
            elif key in JOINED:
                fields[key] = (*base, *value)
            elif key == "profiles":
                fields[key] = {p: {**base.get(p, {}), **value.get(p, {})} for p in {**base, **value}}
            elif isinstance(base, Mapping):
                fields[key] = {**base, **value}
            else:
                fields[key] = value
        for key in JOINED:
            if key in fields:
                fields[key] = tuple(fields[key])
        return Table(name, title, columns, rows, **fields)

    return table


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
    """A `Row` from the report's numbers per column, each a number, the report's `(mean, std)` or
    `(mean, std, max)` over its trials (report `lenet5`'s tuples), or None (none printed: the
    default of a column left out).

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


__all__ = ["by_profile", "names", "reported", "table_factory"]
