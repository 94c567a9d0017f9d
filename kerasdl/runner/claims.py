"""Claim helpers: the checks of a report's conclusions, written with row names.

From the issue: "one small set of claim helpers (best, beats, increasing, within) that take row
names checked against the table when the table is defined, so a typo fails at import. Generic
helpers leave the report modules for the library."

Each helper returns a `Check`: callable on the means a `Conclusion`'s check receives
(`{row name: {column: mean}}`), and carrying the `rows` and `columns` it reads, which
`Table.__post_init__` checks against the table's own (a misspelt name raises `ValueError` when the
report module is imported). A check gives:

- `None` (undecided) when any row it names has no result in any column it reads (a row not run
  yet, a column whose trials all failed or were left out): it decides on all its rows or not at
  all, never on the rows that happen to have finished;
- otherwise whether the claim holds.

    Conclusion("ANN3 has the lowest test error", best("ANN3", ROWS, "test_error_pct", higher=False))
    Conclusion("every ConvNet beats the baseline", beats(CONVNETS, BASELINE, "test_error_pct", higher=False))

`higher=True` reads larger as better (accuracies), `higher=False` smaller (errors, times).

Conclusions are judged by the standard of the cells' verdicts (`kerasdl.runner.verdict`), not by
comparing two means: the means a check receives are `Measured` (floats carrying their trials'
sample std and count), and "a beats b by `by`" holds when the two-sided 95 % Welch interval of the
difference lies above `by`, does not hold when it lies below, and is undecided (`None`) when it
contains `by`, or when a row has one trial (no spread to judge by). Exact measurements (plain
floats, a deterministic table's) have a zero-width interval: the comparison of the means.
Several comparisons in one claim (`best`, `increasing`) are each at 95 %, without a multiplicity
correction. `within` holds when the whole interval lies within the tolerance and fails when it
lies wholly outside; `below`/`above` compare a mean's own interval with a value. A custom `Check`
receives the same `Measured` values and decides on what it reads (`.mean`, `.sd`, `.n`).
`column_beats` and `columns_within` compare two columns of one row, `matches_paper` the means with
the report's own numbers. A claim no helper states (a rank correlation, a sum of two rows) is a
`Check` of its own: `Check(test, rows, columns)`, `test` given `{row: {column: float}}` over
exactly those rows and columns, all present.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable, Mapping, Sequence

from scipy import stats as _scipy_stats

Means = Mapping[str, Mapping[str, float]]
LEVEL = 0.95


class Measured(float):
    """A mean over trials (a float), carrying its trials' sample std `sd` and count `n`; `exact`
    for a value without uncertainty (a plain float is read as one)."""

    def __new__(cls, mean: float, sd: float | None = None, n: int = 1, exact: bool = False):
        value = super().__new__(cls, mean)
        value.sd, value.n, value.exact = sd, int(n), bool(exact)
        return value

    @classmethod
    def of(cls, stats: Mapping[str, Any], exact: bool = False) -> "Measured":
        """From a summary cell's stats (`mean`, `std` as the sample std, `n`)."""
        return cls(stats["mean"], stats.get("std"), stats.get("n") or 1, exact)

    @property
    def mean(self) -> float:
        return float(self)


def _variance_and_n(value: float) -> tuple[float, int] | None:
    """`(sd**2, n)` of a measured value, `(0, inf-like)` for an exact one, None without a spread."""
    if not isinstance(value, Measured) or value.exact:
        return 0.0, 0
    if value.n < 2 or value.sd is None:
        return None
    return value.sd**2, value.n


def half_width(*values: float) -> float | None:
    """The half width of the 95 % interval of a difference of `values` (two: Welch; one: the
    mean's own); 0 when all are exact, None when one has no spread (a single trial)."""
    parts = [_variance_and_n(v) for v in values]
    if any(p is None for p in parts):
        return None
    terms = [(var / n, n) for var, n in parts if n]
    if not terms or sum(a for a, _ in terms) == 0:
        return 0.0
    total = sum(a for a, _ in terms)
    df = total**2 / sum(a**2 / (n - 1) for a, n in terms)
    return float(_scipy_stats.t.ppf(0.5 + LEVEL / 2, df)) * math.sqrt(total)


def exceeds(margin: float, by: float, half: float | None, strict: bool = True) -> bool | None:
    """Whether an uncertain `margin` (95 % half width `half`) exceeds `by`: True when its interval
    lies above, False when below, None when it contains `by` or `half` is None. With `half` 0 the
    comparison of the numbers (`strict=False`: at least `by`)."""
    if half is None:
        return None
    if half == 0:
        return margin > by if strict else margin >= by
    if margin - half > by:
        return True
    if margin + half < by:
        return False
    return None


def _all(results: Iterable[bool | None]) -> bool | None:
    """Three-valued "and": False if any is False, True if all are True, None otherwise."""
    results = list(results)
    if any(r is False for r in results):
        return False
    return True if all(r is True for r in results) else None


def _any(results: Iterable[bool | None]) -> bool | None:
    """Three-valued "or": True if any is True, False if all are False, None otherwise."""
    results = list(results)
    if any(r is True for r in results):
        return True
    return False if all(r is False for r in results) else None


def _names(names: str | Iterable[str]) -> tuple[str, ...]:
    return (names,) if isinstance(names, str) else tuple(names)


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


class Check:
    """A conclusion's check on the rows `rows` and columns `columns`: `check(means)` is
    `test(values)` with `values = {row: {column: mean}}` over those rows and columns, or `None`
    when one of them has no result."""

    def __init__(self, test: Callable[[dict[str, dict[str, float]]], Any], rows: str | Iterable[str],
                 columns: str | Iterable[str], text: str = ""):
        self.test, self.rows, self.columns = test, _unique(_names(rows)), _unique(_names(columns))
        self.text = text or getattr(test, "__name__", "check")

    def values(self, means: Means) -> dict[str, dict[str, float]] | None:
        """`{row: {column: mean}}` for this check's rows and columns; None if one is missing.
        An unknown name in the means raises (`summarize`'s means raise `UnknownNameError`)."""
        values = {}
        for row in self.rows:
            try:
                row_means = means[row]
                values[row] = {column: row_means[column] for column in self.columns}
            except KeyError:
                return None
            if any(v is None for v in values[row].values()):
                return None
        return values

    def __call__(self, means: Means) -> bool | None:
        values = self.values(means)
        if values is None:
            return None
        result = self.test(values)
        return None if result is None else bool(result)

    def __repr__(self) -> str:
        return f"<check {self.text}>"


class _Combined(Check):
    def __init__(self, parts: Sequence[Check], combine: Callable[[Iterable[bool]], bool], text: str):
        super().__init__(lambda values: None, [r for p in parts for r in p.rows], [c for p in parts for c in p.columns], text)
        self.parts, self.combine = tuple(parts), combine

    def __call__(self, means: Means) -> bool | None:
        results = [part(means) for part in self.parts]
        if any(r is None and part.values(means) is None for r, part in zip(results, self.parts)):
            return None  # a row without results: decide on all rows or not at all
        return self.combine(results)


def all_of(*parts: Check) -> Check:
    """Every part holds; fails when one fails; undecided otherwise."""
    return _Combined(parts, _all, "all_of(" + ", ".join(p.text for p in parts) + ")")


def any_of(*parts: Check) -> Check:
    """At least one part holds; fails when all fail; undecided otherwise (every row is needed,
    as for `all_of`)."""
    return _Combined(parts, _any, "any_of(" + ", ".join(p.text for p in parts) + ")")


def _better(a: float, b: float, by: float, higher: bool, strict: bool) -> bool | None:
    """Whether `a` beats `b` by more than `by`, by the 95 % interval of the difference."""
    margin = (a - b) if higher else (b - a)
    return exceeds(margin, by, half_width(a, b), strict)


def _beyond(a: float, value: float, higher: bool, strict: bool) -> bool | None:
    """Whether `a` lies above (`higher`) or below a fixed `value`, by `a`'s own interval."""
    margin = (a - value) if higher else (value - a)
    return exceeds(margin, 0.0, half_width(a), strict)


def _within(difference: float, tolerance: float, half: float | None) -> bool | None:
    """Whether an uncertain difference lies within +-tolerance: True when its whole interval
    does, False when the interval lies wholly outside, None otherwise."""
    if half is None:
        return None
    if abs(difference) + half <= tolerance:
        return True
    if abs(difference) - half > tolerance:
        return False
    return None


def best(row: str, among: Iterable[str], column: str, higher: bool = True) -> Check:
    """`row` is strictly better in `column` than every other row of `among` (`row` may be in it)."""
    others = [r for r in _names(among) if r != row]

    def test(v):
        return _all(_better(v[row][column], v[r][column], 0.0, higher, True) for r in others)

    return Check(test, [row, *others], column, f"best({row!r} among {others}, {column}, higher={higher})")


def beats(better: str | Iterable[str], worse: str | Iterable[str], column: str, by: float = 0.0,
          higher: bool = True, strict: bool = True) -> Check:
    """Every row of `better` beats every row of `worse` in `column` by more than `by`
    (`strict=False`: by at least `by`, so `by=0` reads "at least as good as")."""
    better, worse = _names(better), _names(worse)

    def test(v):
        return _all(_better(v[b][column], v[w][column], by, higher, strict) for b in better for w in worse)

    return Check(test, [*better, *worse], column, f"beats({list(better)} over {list(worse)}, {column}, by={by}, higher={higher})")


def increasing(rows: Iterable[str], column: str) -> Check:
    """`column` rises strictly from each row to the next, in the given order."""
    rows = _names(rows)

    def test(v):
        return _all(_better(v[b][column], v[a][column], 0.0, True, True) for a, b in zip(rows, rows[1:]))

    return Check(test, rows, column, f"increasing({list(rows)}, {column})")


def within(a: str, b: str, column: str, tolerance: float) -> Check:
    """Rows `a` and `b` differ by at most `tolerance` in `column`."""
    return Check(lambda v: _within(v[a][column] - v[b][column], tolerance, half_width(v[a][column], v[b][column])), [a, b], column,
                 f"within({a!r}, {b!r}, {column}, {tolerance})")


def below(rows: str | Iterable[str], column: str, value: float, strict: bool = True) -> Check:
    """Every row of `rows` is below `value` in `column` (`strict=False`: at most `value`)."""
    rows = _names(rows)
    return Check(lambda v: _all(_beyond(v[r][column], value, False, strict) for r in rows), rows, column,
                 f"below({list(rows)}, {column}, {value}, strict={strict})")


def above(rows: str | Iterable[str], column: str, value: float, strict: bool = True) -> Check:
    """Every row of `rows` is above `value` in `column` (`strict=False`: at least `value`)."""
    rows = _names(rows)
    return Check(lambda v: _all(_beyond(v[r][column], value, True, strict) for r in rows), rows, column,
                 f"above({list(rows)}, {column}, {value}, strict={strict})")


def column_beats(row: str, a: str, b: str, by: float = 0.0, higher: bool = True) -> Check:
    """Row `row`'s column `a` beats its column `b` by more than `by` (report `lenet5`: the
    original test accuracy over 30 points above the inverse one)."""
    return Check(lambda v: _better(v[row][a], v[row][b], by, higher, True), row, [a, b],
                 f"column_beats({row!r}, {a} over {b}, by={by}, higher={higher})")


def columns_within(row: str, a: str, b: str, tolerance: float) -> Check:
    """Row `row`'s columns `a` and `b` differ by at most `tolerance` (report `lenet5`: equal
    accuracies on the original and the inverse test set)."""
    return Check(lambda v: _within(v[row][a] - v[row][b], tolerance, half_width(v[row][a], v[row][b])), row, [a, b],
                 f"columns_within({row!r}, {a}, {b}, {tolerance})")


def matches_paper(rows: Iterable[Any], tolerance: float) -> Check:
    """Every number the report printed for `rows` (`Row` objects, with their `paper`) is
    reproduced to within `tolerance`: |mean - paper| < tolerance (report `lenet5`'s pixel
    statistics, "agree with the report's four decimals")."""
    rows = list(rows)
    columns = _unique(c for row in rows for c, value in row.paper.items() if value is not None)

    def test(v):
        return _all(
            _within(v[row.name][c] - value, tolerance, half_width(v[row.name][c]))
            for row in rows for c, value in row.paper.items() if value is not None
        )

    return Check(test, [row.name for row in rows], columns, f"matches_paper({[row.name for row in rows]}, {tolerance})")


__all__ = ["Check", "Measured", "above", "all_of", "any_of", "below", "beats", "best", "column_beats", "columns_within", "increasing",
           "matches_paper", "within"]
