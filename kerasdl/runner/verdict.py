"""A verdict for every cell of a reproduced table: is the report's number consistent with ours?

The rule comes from this project's issue "a verdict for every cell"; it is stated once, here, and
`RULE` holds it as text for the report pages. Per cell (row x column):

- `no paper value`: the report gives no number for the cell;
- `not comparable`: the table's paper column is for information only (`Table.paper_comparable`
  false: a stand-in task, say), or the column is a timing one (a time unit among the `_`-separated
  words of its name: `time_s`, `train_ms_per_sample`), whose shape, not values, is compared;
- `not run`: we have no finite trial value;
- otherwise, with d = our mean - paper and the three terms
    paper_std: the report's own spread for the cell (`Row.paper_std`), where it gives one,
    spread:    2 x our std / sqrt(n), population std over our n finite trials (0 when n = 1),
    digit:     half a unit of the paper's last printed digit,
  `consistent` when |d| <= max(terms), except `inconclusive` when only our spread makes it so
  (|d| exceeds both other terms) and that spread is over 3 x the larger of them: our trials
  disagree too much to decide. Outside the tolerance: `higher` or `lower` (our mean against the
  paper's). Where the report truncates instead of rounding (`Table.paper_truncated`: a `%d` print,
  69 for 69.00-69.99), the paper's number is the centre of the interval it prints (69.5) and the
  digit term that interval's half width (0.5).

The paper's numbers are floats, so its printed decimals are read from the float's shortest repr
(96.8 -> 1 decimal, 82.0 -> 0); `Table.paper_decimals` (an int, or a dict column -> int) overrides
that where the report printed trailing zeros (`Table.paper_comparable=False` makes a table's
cells `not comparable`).

Two runs of ours (`python -m reproduce compare`, the report page's reference column) are judged
by the same rule through `against`: run A plays the paper, its spread term standing for the
paper's std; B's spread term as ever; no digit term, since both are full-precision floats, not
printed numbers (`RULE_BETWEEN_RUNS`).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Iterable, Mapping

RULE = (
    "Verdict per cell: our mean is compared with the paper's number, with tolerance = max(the "
    "paper's own std for the cell where it gives one; 2 x our std / sqrt(n), the population std "
    "over our n finite trials, 0 when n = 1; half a unit of the paper's last printed digit). "
    "'consistent' when |our mean - paper| <= tolerance, except 'inconclusive' when only our "
    "spread makes it so (the difference exceeds both other terms) and that spread is over 3 x the "
    "larger of them: our trials disagree too much to decide. Otherwise 'higher' or 'lower' (our "
    "mean against the paper's). A number the report truncates (printed with %d: 69 for 69.00-69.99) "
    "stands for the centre of the interval it prints (69.5), its digit term being the interval's "
    "half width. 'not comparable': the table's paper column is for information "
    "only, or a timing column (compare its shape, not its values); 'no paper value': the report "
    "gives none; 'not run': we have no finite trial value."
)

RULE_BETWEEN_RUNS = (
    "Between two runs (B against A, e.g. ours against a reference run): the same rule with A's mean "
    "as the paper's number and A's spread (2 x its std / sqrt(n)) as the paper's std; B's spread "
    "as ever; no digit term (both are full-precision numbers). 'higher' or 'lower': B's mean "
    "against A's beyond the tolerance."
)

COMPARED = ("consistent", "inconclusive", "higher", "lower")
VERDICTS = COMPARED + ("not comparable", "no paper value", "not run")

# Units of time, as words of a column's name (`time_s`, `train_ms_per_sample`).
TIME_UNITS = frozenset({"s", "ms", "us", "ns", "seconds"})
INCONCLUSIVE_RATIO = 3.0


def is_timing(column: str) -> bool:
    """Whether `column` measures time (a time unit among the `_`-separated words of its name)."""
    return any(word in TIME_UNITS for word in column.lower().split("_"))


def printed_decimals(value: float) -> int:
    """The decimals the report printed `value` with, read from the float's shortest repr (no
    trailing zeros: 82.0 -> 0, 96.8 -> 1, 1.5e-05 -> 6)."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def _decimals_for(column: str, paper: float, override: int | Mapping[str, int] | None) -> int:
    if isinstance(override, Mapping):
        override = override.get(column)
    return printed_decimals(paper) if override is None else int(override)


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def cell(
    paper: float | None,
    stats: Mapping[str, Any] | None,
    *,
    paper_std: float | None = None,
    decimals: int | None = None,
    comparable: bool = True,
    digit: bool = True,
    truncated: bool = False,
) -> dict:
    """The verdict of one cell: `paper` the report's number, `stats` ours (`mean`, `std`, `n` as
    `summary._stats` gives; None where the cell has no trials), `decimals` the paper's printed
    decimals (None: from its repr); `digit=False` drops the digit term (see `against`);
    `truncated`: the paper's number is truncated to its decimals, so the difference is taken from
    the centre of the interval it prints."""
    mean = (stats or {}).get("mean")
    has_paper, has_mean = _finite(paper), _finite(mean)
    unit = 10.0 ** -(printed_decimals(paper) if decimals is None else decimals) if has_paper else 0.0
    centre = paper + 0.5 * unit if has_paper and truncated else paper
    result = {
        "verdict": None,
        "difference": float(mean - centre) if has_paper and has_mean else None,
        "tolerance": None,
        "terms": None,
    }
    if not has_paper:
        return {**result, "verdict": "no paper value"}
    if not comparable:
        return {**result, "verdict": "not comparable"}
    if not has_mean:
        return {**result, "verdict": "not run"}
    terms = {
        "paper_std": float(paper_std) if _finite(paper_std) else None,
        "spread": spread(stats),
        "digit": 0.5 * unit if digit or truncated else None,
    }
    others = max(terms["paper_std"] or 0.0, terms["digit"] or 0.0)
    tolerance = max(others, terms["spread"])
    difference = result["difference"]
    # Slack for the float subtraction (96.85 - 96.8 = 0.04999999999999716).
    slack = 1e-9 * max(abs(paper), abs(mean))
    if abs(difference) <= tolerance + slack:
        only_spread = abs(difference) > others + slack
        verdict = "inconclusive" if only_spread and terms["spread"] > INCONCLUSIVE_RATIO * others else "consistent"
    else:
        verdict = "higher" if difference > 0 else "lower"
    return {**result, "verdict": verdict, "tolerance": tolerance, "terms": terms}


def spread(stats: Mapping[str, Any] | None) -> float | None:
    """The rule's spread term of a cell's `stats`: 2 x std / sqrt(n) (0 when n = 1; None without
    a finite mean)."""
    if not stats or not _finite(stats.get("mean")):
        return None
    n = int(stats.get("n") or 0)
    return 2.0 * (stats.get("std") or 0.0) / math.sqrt(n) if n > 1 else 0.0


def against(reference: Mapping[str, Any] | None, stats: Mapping[str, Any] | None, *, comparable: bool = True) -> dict:
    """The verdict of a cell of run B (`stats`) against the same cell of run A (`reference`), by
    `RULE_BETWEEN_RUNS`: A's mean in the paper's place, A's spread term in the paper std's, no
    digit term. `no paper value` then means A has no value, `not run` that B has none."""
    return cell((reference or {}).get("mean"), stats, paper_std=spread(reference), comparable=comparable, digit=False)


def judge_rows(
    rows: Iterable[Mapping[str, Any]],
    columns: Iterable[str],
    *,
    paper_decimals: int | Mapping[str, int] | None = None,
    paper_comparable: bool = True,
    paper_truncated: bool = False,
) -> list[dict]:
    """`{column: cell verdict}` for each summary row (`paper`, `paper_std`, `reproduced`)."""
    columns = list(columns)
    judged = []
    for row in rows:
        verdicts = {}
        for column in columns:
            paper = row["paper"].get(column)
            verdicts[column] = cell(
                paper,
                row["reproduced"].get(column),
                paper_std=row.get("paper_std", {}).get(column),
                decimals=_decimals_for(column, paper, paper_decimals) if _finite(paper) else None,
                comparable=paper_comparable and not is_timing(column),
                truncated=paper_truncated,
            )
        judged.append(verdicts)
    return judged


def count_cells(judged: Iterable[Mapping[str, Mapping[str, Any]]]) -> dict:
    """`{"consistent": k, "compared": m, <each other verdict>: count}` over judged rows."""
    counts = {"compared": 0, **{v: 0 for v in VERDICTS}}
    for verdicts in judged:
        for c in verdicts.values():
            counts[c["verdict"]] += 1
            counts["compared"] += c["verdict"] in COMPARED
    return counts


def count_conclusions(conclusions: Iterable[Mapping[str, Any]]) -> dict:
    """`{"holding": h, "stated": s, "undecided": u}` over a summary's `conclusions`."""
    conclusions = list(conclusions)
    return {
        "holding": sum(c["holds"] is True for c in conclusions),
        "stated": len(conclusions),
        "undecided": sum(c["holds"] is None for c in conclusions),
    }


def aggregate(summaries: Iterable[Mapping[str, Any]]) -> dict:
    """Per-report counts over several table summaries: `{"tables": t, "verdicts": {...},
    "conclusions_holding": {...}}`, each as a table summary's, summed. A summary written before
    verdicts existed is judged from its rows."""
    cells = {"compared": 0, **{v: 0 for v in VERDICTS}}
    conclusions = {"holding": 0, "stated": 0, "undecided": 0}
    tables = 0
    for summary in summaries:
        tables += 1
        verdicts = summary.get("verdicts")
        if verdicts is None:
            verdicts = count_cells(
                judge_rows(
                    summary["rows"],
                    summary["columns"],
                    paper_decimals=summary.get("paper_decimals"),
                    paper_comparable=summary.get("paper_comparable", True),
                    paper_truncated=summary.get("paper_truncated", False),
                )
            )
        for key, value in verdicts.items():
            cells[key] = cells.get(key, 0) + value
        held = summary.get("conclusions_holding") or count_conclusions(summary.get("conclusions", []))
        for key, value in held.items():
            conclusions[key] = conclusions.get(key, 0) + value
    return {"tables": tables, "verdicts": cells, "conclusions_holding": conclusions}


def describe(verdicts: Mapping[str, int], conclusions: Mapping[str, int]) -> str:
    """One line: "verdicts: 3 of 5 cells consistent with the paper (1 higher, 1 inconclusive);
    conclusions: 2 of 3 hold"."""
    others = [f"{verdicts[v]} {v}" for v in COMPARED[1:] if verdicts.get(v)]
    uncompared = [f"{verdicts[v]} {v}" for v in VERDICTS[len(COMPARED):] if verdicts.get(v)]
    if verdicts.get("compared"):
        text = f"verdicts: {verdicts['consistent']} of {verdicts['compared']} cells consistent with the paper"
        if others:
            text += f" ({', '.join(others)})"
        if uncompared:
            text += f", {', '.join(uncompared)}"
    else:
        text = "verdicts: no cell compared with the paper"
        if uncompared:
            text += f" ({', '.join(uncompared)})"
    if conclusions.get("stated"):
        text += f"; conclusions: {conclusions['holding']} of {conclusions['stated']} hold"
        if conclusions.get("undecided"):
            text += f" ({conclusions['undecided']} undecided)"
    else:
        text += "; conclusions: none stated"
    return text
