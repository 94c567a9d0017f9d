"""A verdict for every cell of a reproduced table: could the report's number come from runs like ours?

The rule comes from this project's issue "verdicts a statistician would sign"; it is stated once,
here, and `RULE` holds it as text for the pages and printed tables (`RULE_VERSION` names it).
Verdicts are judged when results are read (`judge`), from the values a table document stores, so
a new rule re-judges every stored table without re-running or re-collecting anything.

Per cell (row x column), with d = our mean - the paper's number:

- `no paper value`, `not comparable` (a stand-in task or a timing column), `not run` as their
  names say;
- otherwise a two-sided comparison at `LEVEL` (95 %) of the hypothesis "our runs and the paper's
  come from one distribution":
  - both sides have runs (the report gives a std over `Table.paper_runs` >= 2 runs, and we ran
    n >= 2): Welch's t on the means at 97.5 % and an F test on the variances at 97.5 % (together at
    most 5 %, by Bonferroni); a mean outside gives `higher` or `lower`, a spread outside
    `spread differs`;
  - the paper gives one run: a prediction interval for one new run, t(n-1) x s x sqrt(1 + 1/n);
  - we ran once and the paper gives its spread: the prediction interval of the paper's runs for
    our one, t(m-1) x s_paper x sqrt(1 + 1/m);
  - one run on each side: no spread to judge by, `underpowered`;
  - a deterministic table (`exact`: statistics of a data set, a gradient check): the digit term
    alone.
  s is the sample std (ddof 1). Where the column is a proportion of a known number N of test (or
  train) examples (`Table.proportions`), each side's per-run variance is at least the binomial
  q(1-q)/N of a proportion q measured on N examples. The paper's printed digits widen the interval
  by half a unit of the last digit (`Table.paper_decimals`); where the report truncates
  (`Table.paper_truncated`: a `%d` print, 69 for 69.00-69.99) its number stands for the centre of
  the interval it prints (69.5) and the half width is 0.5.
- inside the interval: `consistent`, except `underpowered` where our runs cannot decide: fewer
  than `MIN_TRIALS` (3) of them, or an interval over `WIDTH_MULTIPLE` (3) x the one the paper's
  own spread would give at the same run counts (z x s_paper x sqrt(1/n + 1/m)).

Two runs of ours (`compare`, the page's reference column) are judged by the same rule through
`against`, run A in the paper's place with its runs and spread, without the digit term; identical
values are `consistent` whatever the run count (a bit-identical re-run).

`count_cells` counts the compared verdicts, leaving out the cells a table declares as repeats
(`Table.repeats`: a row repeating another table's configuration, `Table.repeated_columns`: a column
repeating another column's paper numbers), so each paper number counts once.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from scipy import stats as _scipy_stats

RULE_VERSION = 2
LEVEL = 0.95
MIN_TRIALS = 3
WIDTH_MULTIPLE = 3.0

RULE = (
    f"Verdict per cell (rule {RULE_VERSION}): a two-sided test at {LEVEL:.0%} of 'our runs and the paper's come "
    "from one distribution'. Where both sides have runs (the report's std over its runs, and 2 or more of ours): "
    "Welch's t on the means and an F test on the variances, each at 97.5 %. Where the paper gives one run: the "
    "prediction interval of our runs for one new run, t(n-1) x s x sqrt(1 + 1/n), s the sample std; where we ran "
    "once and the paper gives its spread, the paper's prediction interval for our run; one run on each side "
    "cannot be judged. A proportion of N test (or train) examples has a per-run variance of at least q(1-q)/N. "
    "Half a unit of the paper's last printed digit widens the interval; a truncated number (printed with %d: 69 "
    "for 69.00-69.99) stands for the centre of the interval it prints, 0.5 wide each side. Deterministic tables "
    "(data statistics, gradient checks) are judged by the digit term alone. Outside the interval: 'higher' or "
    "'lower' (our mean against the paper's), or 'spread differs' where only the variances differ. Inside: "
    f"'consistent', or 'underpowered' where our runs cannot decide (fewer than {MIN_TRIALS}, or an interval over "
    f"{WIDTH_MULTIPLE:g} x the one the paper's own spread gives). 'not comparable': the paper column is for "
    "information only, or a timing column (compare its shape, not its values); 'no paper value': the report "
    "gives none; 'not run': we have no finite trial value. Rows and columns that repeat another's paper number "
    "are shown but counted once."
)

RULE_BETWEEN_RUNS = (
    f"Between two runs (B against A, e.g. ours against a reference run; rule {RULE_VERSION}): the same rule with "
    "A's runs in the paper's place (Welch's t and the F test where both have 2 or more runs, a prediction interval "
    "where one side has one), no digit term (both are full-precision numbers). Identical values are 'consistent'. "
    "'higher' or 'lower': B's mean against A's beyond the interval."
)

DIFFERING = ("higher", "lower", "spread differs")
COMPARED = ("consistent", "underpowered") + DIFFERING
VERDICTS = COMPARED + ("not comparable", "no paper value", "not run")

# Units of time, as words of a column's name (`time_s`, `train_ms_per_sample`).
TIME_UNITS = frozenset({"s", "ms", "us", "ns", "seconds"})


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


def sample_std(stats: Mapping[str, Any] | None) -> float | None:
    """The sample std (ddof 1) of a cell's `stats` (`summary._stats`' `values`, or its `std` and
    `n`); None with fewer than 2 finite values."""
    if not stats:
        return None
    values = [v for v in stats.get("values") or () if _finite(v)]
    if len(values) >= 2:
        mean = sum(values) / len(values)
        return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    if int(stats.get("n") or 0) >= 2 and _finite(stats.get("std")):
        return float(stats["std"])  # stats without values (made-up ones): `std` is the sample std
    return None


def binomial_std(q_percent_or_fraction: float, scale: float, size: int | None) -> float:
    """The std of a proportion measured on `size` examples, in the column's unit (`scale` 100 for
    percents, 1 for fractions); 0 without a size."""
    if not size:
        return 0.0
    q = min(max(q_percent_or_fraction / scale, 0.0), 1.0)
    return scale * math.sqrt(q * (1.0 - q) / size)


def _t(level: float, df: float) -> float:
    return float(_scipy_stats.t.ppf(0.5 + level / 2.0, df))


def _interval(ours, theirs, floor: float):
    """`(half width, df, spread p-value or None, reference width or None)` of the difference of two
    sides `(mean, sd or None, n)`, or None when neither has a spread. A side whose sample variance
    is below the binomial floor takes the floor as a known variance (infinite degrees of freedom)."""
    (_, s1, n1), (_, s2, m) = ours, theirs
    z = _t(LEVEL, math.inf)

    def side(s, runs):  # (variance, degrees of freedom) of one run of a side
        if s is None:
            return None
        return (floor**2, math.inf) if floor**2 >= s**2 else (s**2, runs - 1)

    one, other = side(s1, n1), side(s2, m)
    if one is not None and other is not None:
        (v1, df1), (v2, df2) = one, other
        a, b = v1 / n1, v2 / m
        parts = a**2 / df1 + b**2 / df2
        df = (a + b) ** 2 / parts if parts > 0 else math.inf
        ratio = v1 / v2 if v2 > 0 else (1.0 if v1 == 0 else math.inf)
        f = _scipy_stats.f
        p = 2.0 * min(f.cdf(ratio, n1 - 1, m - 1), f.sf(ratio, n1 - 1, m - 1)) if math.isfinite(ratio) else 0.0
        reference = z * math.sqrt(v2) * math.sqrt(1.0 / n1 + 1.0 / m)
        return _t(1.0 - (1.0 - LEVEL) / 2.0, df) * math.sqrt(a + b), df, float(p), reference
    if one is not None:  # the other side is one run: a prediction interval from our runs
        v1, df1 = one
        return _t(LEVEL, df1) * math.sqrt(v1 * (1.0 / n1 + 1.0)), df1, None, None
    if other is not None:  # one run of ours against the other side's runs
        v2, df2 = other
        return _t(LEVEL, df2) * math.sqrt(v2 * (1.0 + 1.0 / m)), df2, None, z * math.sqrt(v2) * math.sqrt(1.0 + 1.0 / m)
    return None


def _judge(difference: float, ours, theirs, *, digit: float, floor: float, exact: bool, slack: float) -> dict:
    terms = {"digit": digit, "sampling": floor, "half_width": None, "df": None, "spread_p": None}
    if exact:
        tolerance = digit
        verdict = "consistent" if abs(difference) <= tolerance + slack else ("higher" if difference > 0 else "lower")
        return {"verdict": verdict, "tolerance": tolerance, "terms": terms}
    interval = _interval(ours, theirs, floor)
    if interval is None:
        return {"verdict": "underpowered", "tolerance": None, "terms": terms, "why": "one run on each side"}
    half, df, spread_p, reference = interval
    tolerance = half + digit
    terms.update(half_width=half, df=df, spread_p=spread_p)
    if abs(difference) > tolerance + slack:
        return {"verdict": "higher" if difference > 0 else "lower", "tolerance": tolerance, "terms": terms}
    if spread_p is not None and spread_p < (1.0 - LEVEL) / 2.0:
        return {"verdict": "spread differs", "tolerance": tolerance, "terms": terms,
                "why": f"variances: F test p = {spread_p:.2g}"}
    if ours[2] < MIN_TRIALS:
        return {"verdict": "underpowered", "tolerance": tolerance, "terms": terms,
                "why": f"{ours[2]} run{'s' if ours[2] != 1 else ''} of ours, fewer than {MIN_TRIALS}"}
    if reference and half > WIDTH_MULTIPLE * reference:
        return {"verdict": "underpowered", "tolerance": tolerance, "terms": terms,
                "why": f"interval {half / reference:.1f} x the paper's own"}
    return {"verdict": "consistent", "tolerance": tolerance, "terms": terms}


def _side(mean: float, sd: float | None, n: int):
    return (mean, sd if n >= 2 else None, max(n, 1))


def cell(
    paper: float | None,
    stats: Mapping[str, Any] | None,
    *,
    paper_std: float | None = None,
    paper_runs: int = 1,
    decimals: int | None = None,
    comparable: bool = True,
    truncated: bool = False,
    proportion: tuple[float, int | None] | None = None,
    exact: bool = False,
) -> dict:
    """The verdict of one cell by `RULE`: `paper` the report's number, `paper_std` its std over
    `paper_runs` runs where it gives one, `stats` ours (`summary._stats`: `mean`, `values` or `std`,
    `n`; None without trials), `decimals` the paper's printed decimals (None: from its repr),
    `proportion` `(scale, examples)` where the column is a proportion, `exact` for a deterministic
    table. Returns `{"verdict", "difference", "tolerance", "terms"}` (and `why` where the verdict
    needs a reason)."""
    mean = (stats or {}).get("mean")
    has_paper, has_mean = _finite(paper), _finite(mean)
    unit = 10.0 ** -(printed_decimals(paper) if decimals is None else decimals) if has_paper else 0.0
    centre = paper + 0.5 * unit if has_paper and truncated else paper
    result = {"verdict": None, "difference": float(mean - centre) if has_paper and has_mean else None,
              "tolerance": None, "terms": None}
    if not has_paper:
        return {**result, "verdict": "no paper value"}
    if not comparable:
        return {**result, "verdict": "not comparable"}
    if not has_mean:
        return {**result, "verdict": "not run"}
    n = int(stats.get("n") or 1)
    floor = binomial_std((mean + centre) / 2.0, *proportion) if proportion else 0.0
    theirs = _side(centre, float(paper_std) if _finite(paper_std) and paper_runs >= 2 else None, paper_runs)
    # Slack for the float subtraction (96.85 - 96.8 = 0.04999999999999716).
    slack = 1e-9 * max(abs(paper), abs(mean))
    judged = _judge(result["difference"], _side(mean, sample_std(stats), n), theirs,
                    digit=0.5 * unit, floor=floor, exact=exact, slack=slack)
    return {**result, **judged}


def against(reference: Mapping[str, Any] | None, stats: Mapping[str, Any] | None, *, comparable: bool = True,
            proportion: tuple[float, int | None] | None = None, exact: bool = False) -> dict:
    """The verdict of a cell of run B (`stats`) against the same cell of run A (`reference`), by
    `RULE_BETWEEN_RUNS`. `no paper value` then means A has no value, `not run` that B has none."""
    a, b = (reference or {}).get("mean"), (stats or {}).get("mean")
    result = {"verdict": None, "difference": float(b - a) if _finite(a) and _finite(b) else None,
              "tolerance": None, "terms": None}
    if not _finite(a):
        return {**result, "verdict": "no paper value"}
    if not comparable:
        return {**result, "verdict": "not comparable"}
    if not _finite(b):
        return {**result, "verdict": "not run"}
    if a == b and (reference.get("values") or [a]) == (stats.get("values") or [b]):
        return {**result, "verdict": "consistent", "tolerance": 0.0}
    n_a, n_b = int(reference.get("n") or 1), int(stats.get("n") or 1)
    floor = binomial_std((a + b) / 2.0, *proportion) if proportion else 0.0
    judged = _judge(result["difference"], _side(b, sample_std(stats), n_b), _side(a, sample_std(reference), n_a),
                    digit=0.0, floor=floor, exact=exact, slack=1e-9 * max(abs(a), abs(b)))
    return {**result, **judged}


# ## A table document, judged when read


def proportion_of(doc: Mapping[str, Any], column: str) -> tuple[float, int | None] | None:
    """`(scale, examples)` where the document declares `column` a proportion (`Table.proportions`),
    the examples counted on its data set's split; None otherwise."""
    declared = (doc.get("proportions") or {}).get(column)
    if not declared:
        return None
    size = (doc.get("data") or {}).get(declared["split"]) or None
    return float(declared["scale"]), size


def column_comparable(doc: Mapping[str, Any], column: str) -> bool:
    return bool(doc.get("paper_comparable", True)) and not is_timing(column)


def paper_spread(doc: Mapping[str, Any], value: float | None) -> float | None:
    """The report's std from the spread it printed (`Table.paper_spread`: "std", or "variance")."""
    if not _finite(value):
        return None
    return math.sqrt(value) if doc.get("paper_spread", "std") == "variance" else float(value)


# What `judge` reads of a table document, besides its rows' `name`, `paper`, `paper_std` and
# `reproduced`.
JUDGED_FROM = ("columns", "paper_comparable", "paper_decimals", "paper_truncated", "paper_runs", "paper_spread",
               "proportions", "exact", "repeats", "repeated_columns", "data")


def judged_part(doc: Mapping[str, Any]) -> dict:
    """The part of a table document that `judge` reads: what another document (a sensitivity
    candidate) keeps so that it, too, is judged when read."""
    part = {key: doc[key] for key in JUDGED_FROM if key in doc}
    part["rows"] = [{key: row.get(key) or {} for key in ("paper", "paper_std", "reproduced")} | {"name": row["name"]}
                    for row in doc["rows"]]
    return part


def judge(doc: Mapping[str, Any]) -> list[dict[str, dict]]:
    """`{column: cell verdict}` per row of a table document, by the current rule. The verdicts a
    document written before rule 2 baked in are ignored: its values are judged again."""
    judged = []
    for row in doc["rows"]:
        verdicts = {}
        for column in doc["columns"]:
            paper = row["paper"].get(column)
            verdicts[column] = cell(
                paper,
                row["reproduced"].get(column),
                paper_std=paper_spread(doc, (row.get("paper_std") or {}).get(column)),
                paper_runs=int(doc.get("paper_runs", 1)),
                decimals=_decimals_for(column, paper, doc.get("paper_decimals")) if _finite(paper) else None,
                comparable=column_comparable(doc, column),
                truncated=bool(doc.get("paper_truncated", False)),
                proportion=proportion_of(doc, column),
                exact=bool(doc.get("exact", False)),
            )
        judged.append(verdicts)
    return judged


def counted(doc: Mapping[str, Any], row: Mapping[str, Any], column: str) -> bool:
    """Whether a cell counts in the summaries: not a row repeating another's configuration, nor a
    column repeating another's paper numbers."""
    return row["name"] not in (doc.get("repeats") or {}) and column not in (doc.get("repeated_columns") or ())


def count_cells(doc: Mapping[str, Any], judged: Sequence[Mapping[str, Mapping[str, Any]]] | None = None) -> dict:
    """`{"consistent": k, "compared": m, <each other verdict>: count}` over a document's counted
    cells (`judged`: `judge(doc)`, computed when not given)."""
    judged = judge(doc) if judged is None else judged
    counts = {"compared": 0, **{v: 0 for v in VERDICTS}}
    for row, verdicts in zip(doc["rows"], judged):
        for column, c in verdicts.items():
            if counted(doc, row, column):
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


def aggregate(docs: Iterable[Mapping[str, Any]]) -> dict:
    """Per-report counts over several table documents, each judged now: `{"tables": t,
    "verdicts": {...}, "conclusions_holding": {...}}`, summed."""
    cells = {"compared": 0, **{v: 0 for v in VERDICTS}}
    conclusions = {"holding": 0, "stated": 0, "undecided": 0}
    tables = 0
    for doc in docs:
        tables += 1
        for key, value in count_cells(doc).items():
            cells[key] += value
        for key, value in count_conclusions(doc.get("conclusions", [])).items():
            conclusions[key] += value
    return {"tables": tables, "verdicts": cells, "conclusions_holding": conclusions}


def describe(verdicts: Mapping[str, int], conclusions: Mapping[str, int]) -> str:
    """One line: "verdicts: 3 of 5 cells consistent with the paper (1 higher, 1 underpowered);
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
