"""Turn a table's trial records into its summary: the JSON document, the CSV, the Markdown and
the printed table (paper beside reproduction, conclusions, notes and errata).

Spreads are sample standard deviations (ddof 1; 0 for one trial) over the finished trials. The
document stores the measured values and the paper's, not verdicts: every reader judges the cells by
the current rule of `kerasdl.runner.verdict`. The conclusions are checked here, where the report's
code is at hand, by the uncertainty-aware checks of `kerasdl.runner.claims` (`rule_version` says
under which rule; `collect` checks them again without re-running).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from typing import Any, Mapping, Sequence

import numpy as np

from kerasdl import data as kdata
from kerasdl.unstated import value_text
from kerasdl.runner import claims
from kerasdl.runner import verdict as verdicts
from kerasdl.runner.environment import describe_numeric, numeric_environment
from kerasdl.runner.plan import TablePlan, data_signature


class UnknownNameError(Exception):
    """A conclusion names a row or column its table does not have (a typo): never "undecided"."""


class _Means(dict):
    """What `Conclusion.check` receives: `{row: {column: mean}}`. A known row or column without a
    result raises KeyError (the reproduction cannot decide); an unknown name raises
    `UnknownNameError`, which `summarize` lets through."""

    def __init__(self, values, known, what):
        super().__init__(values)
        self._known, self._what = known, what

    def __missing__(self, key):
        if key in self._known:
            raise KeyError(key)
        raise UnknownNameError(f"no {self._what} {key!r}; the table has {sorted(self._known)}")


def _stats(values: Sequence[float]) -> dict:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return {"mean": None, "std": None, "max": None, "n": 0, "values": list(values)}
    arr = np.asarray(finite, dtype=np.float64)
    return {
        "n": len(finite),
        "mean": float(arr.mean()),
        "std": float(arr.std(ddof=1)) if len(finite) > 1 else 0.0,
        "max": float(arr.max()),
        "values": [float(v) if v is not None else None for v in values],
    }


def fewer_trials(run: int, asked: int, profile: str) -> str:
    """The phrase tables and sensitivity documents use when `--trials` ran fewer trials per row than
    the profile asks for; "" otherwise."""
    if run >= asked:
        return ""
    return f"{run} of the {asked} trials per row that the {profile} profile asks for (run with `--trials {run}`)"


def _environment_note(records: Sequence[tuple]) -> list[str]:
    """A note where the table's trials ran in another numeric environment than this process's, or
    in several (records written before environments were stored are not counted)."""
    environments = {}
    for _, record in records:
        if record is not None and record.get("environment"):
            key = describe_numeric(record["environment"])
            environments[key] = environments.get(key, 0) + 1
    here = describe_numeric(numeric_environment())
    if not environments or set(environments) == {here}:
        return []
    counts = "; ".join(f"{n} on {where}" for where, n in sorted(environments.items(), key=lambda kv: -kv[1]))
    return [f"Trials from other numeric environments than this run's ({here}): {counts}. The same trial identity "
            "gives the same numbers within one environment; across them, float round-off may differ."]


def _trials_note(plan: TablePlan) -> list[str]:
    fewer = fewer_trials(plan.trials_per_row, plan.protocol_trials, plan.profile)
    run = plan.trials_per_row
    runs = "1 run" if run == 1 else f"{run} runs"
    return [f"{fewer}: each mean and spread, and each verdict, rests on {runs}."] if fewer else []


def _set_choices_note(plan: TablePlan) -> list[str]:
    """Says so for every `--set` that gives a setting another value than the protocol's: an unstated
    choice's footnote, or a note naming the protocol's value, describes the protocol, not this run."""
    overrides = plan.options.overrides
    choices = {choice.key: choice for choice in plan.report.choices_of(plan.table)}
    protocol = plan.report.settings(plan.table, plan.profile)
    notes = []
    for key, value in overrides.items():
        if key in choices:
            if value != choices[key].default.value:
                notes.append(f"This run sets {choices[key].title} `{key}={value_text(value)}` (`--set`); "
                             f"the footnote below names the tables' default, `{value_text(choices[key].default.value)}`.")
            continue
        rows = {value_text(row.config[key]) for row in plan.table.rows if key in row.config}
        before = value_text(protocol[key]) if key in protocol else ", ".join(sorted(rows)) or "unset"
        if before != value_text(value):
            notes.append(f"This run sets `{key}={value_text(value)}` (`--set`) in every row, over the protocol's "
                         f"`{before}`: the notes below describe the protocol.")
    return notes


def summarize(plan: TablePlan, records: Sequence[tuple], elapsed_s: float) -> dict:
    """The table's JSON document (see the README for its fields); `records` as `run_plan` gives."""
    table = plan.table
    rows, means = [], {}
    for row in table.rows:
        mine = [r for owner, r in records if owner is row and r is not None]
        metrics = [table.metrics_of(r) for r in mine]
        reproduced = {c: _stats([m.get(c) for m in metrics]) for c in table.columns}
        reproduced = {c: s for c, s in reproduced.items() if any(v is not None for v in s["values"])}
        means[row.name] = _Means(
            {c: claims.Measured.of(s, exact=table.exact) for c, s in reproduced.items() if s["mean"] is not None},
            set(table.columns), "column",
        )
        rows.append(
            {
                "name": row.name,
                "paper": {c: row.paper.get(c) for c in table.columns},
                "paper_std": dict(row.paper_std),
                "paper_max": dict(row.paper_max),
                "reproduced": reproduced,
                "trials": len(mine),
                "diverged": [
                    {"trial": r["trial"], "epoch": r["diverged_epoch"]}
                    for r in mine
                    if r.get("diverged_epoch") is not None
                ],
                "config": dict(row.config),
            }
        )
    stand_in = table.stand_in(plan.settings)
    paper_decimals = table.paper_decimals
    paper_comparable = bool(table.paper_comparable) and stand_in is None
    means = _Means(means, {row.name for row in table.rows}, "row")
    conclusions = []
    for conclusion in table.conclusions:
        try:
            holds = conclusion.check(means)
        except UnknownNameError as error:
            raise UnknownNameError(f"table {table.name!r}, conclusion {conclusion.claim!r}: {error}") from None
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            holds = None  # a row or column without results: the reproduction cannot decide
        conclusions.append({"claim": conclusion.claim, "holds": None if holds is None else bool(holds)})
    signature = {"source": "none", "train": 0, "test": 0}
    if plan.data is not None:
        signature = {**data_signature(plan.data), "source": kdata.shown_source(plan.data.source, plan.data_dir)}
    return {
        "report": plan.report.id,
        "table": table.name,
        "title": table.title if stand_in is None else (
            f"{table.title}, on {stand_in} standing in for the paper's {table.data} (paper column for information)"
        ),
        "profile": plan.profile,
        "columns": list(table.columns),
        "rows": rows,
        "conclusions": conclusions,
        # What the verdicts are judged from when the document is read (`verdict.judge`).
        "rule_version": verdicts.RULE_VERSION,
        "paper_comparable": paper_comparable,
        "paper_decimals": paper_decimals,
        "paper_truncated": table.paper_truncated,
        "paper_runs": table.paper_runs,
        "paper_spread": table.paper_spread,
        "proportions": {c: dataclasses.asdict(p) for c, p in table.proportions.items()},
        "exact": table.exact,
        "repeats": dict(table.repeats),
        "repeated_columns": dict(table.repeated_columns),
        "notes": _trials_note(plan) + _set_choices_note(plan) + _environment_note(records) + list(plan.report.notes_of(table)),
        "errata": list(table.errata),
        "data": signature,
        # The folder given with --data-dir (None: $KERASDL_DATA_DIR, then tfds): figure makers
        # that show data (sample grids, histograms) read it from here.
        "data_dir": plan.data_dir,
        "config": plan.settings,
        "elapsed_s": elapsed_s,
        "compute_s": float(sum(r["elapsed_s"] for _, r in records if r is not None)),
        "missing_trials": sum(r is None for _, r in records),
    }


def _fmt(value, digits=2, sign="", like=None) -> str:
    """`value` with `digits` decimals, or in scientific notation when that would show nothing
    (as `like` does, when given: a spread is printed in its mean's notation)."""
    if value is None:
        return "—"
    reference = value if like is None else like
    if reference != 0 and abs(reference) < 10**-digits:
        return f"{value:{sign}.2e}"
    return f"{value:{sign}.{digits}f}"


def _digits(summary: Mapping[str, Any], column: str) -> int:
    """2 decimals, or 4 for a column of fractions: all the report's numbers below 1, or, where
    the report gives none, all our means."""
    values = [r["paper"].get(column) for r in summary["rows"]]
    if all(v is None for v in values):
        values = [(r["reproduced"].get(column) or {}).get("mean") for r in summary["rows"]]
    values = [abs(v) for v in values if v is not None]
    return 4 if values and max(values) < 1 else 2


def _lines(summary: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    judged = verdicts.judge(summary)
    multi = len(summary["columns"]) > 1
    header = ["row"] + (["metric"] if multi else []) + ["paper", "reproduced (mean ± std)", "max", "diff", "verdict", "n"]
    body = []
    for row, row_verdicts in zip(summary["rows"], judged):
        for column in summary["columns"]:
            digits = _digits(summary, column)
            paper = row["paper"].get(column)
            stats = row["reproduced"].get(column)
            mean = stats["mean"] if stats else None
            paper_text = _fmt(paper, digits)
            if column in row["paper_std"]:
                paper_text += f" ± {_fmt(row['paper_std'][column], digits + 1, like=paper)}"
            n = str(stats["n"] if stats else 0)
            if row["diverged"]:
                n += f" ({len(row['diverged'])} diverged)"
            body.append(
                [row["name"]]
                + ([column] if multi else [])
                + [
                    paper_text,
                    f"{_fmt(mean, digits)} ± {_fmt(stats['std'], digits + 1, like=mean)}" if stats and mean is not None else "—",
                    _fmt(stats["max"], digits) if stats else "—",
                    _fmt(mean - paper, digits, "+") if paper is not None and mean is not None else "—",
                    _verdict(summary, row, column, row_verdicts[column]),
                    n,
                ]
            )
    return header, body


def _verdict(summary: Mapping[str, Any], row: Mapping[str, Any], column: str, judged: Mapping[str, Any]) -> str:
    text = judged["verdict"]
    if judged.get("why"):
        text += f" ({judged['why']})"
    return text if verdicts.counted(summary, row, column) else f"{text}, not counted (repeats {_repeated(summary, row, column)})"


def _repeated(summary: Mapping[str, Any], row: Mapping[str, Any], column: str) -> str:
    repeats = summary.get("repeats") or {}
    return repeats[row["name"]] if row["name"] in repeats else summary["repeated_columns"][column]


def _count_line(summary: Mapping[str, Any]) -> str:
    totals = verdicts.aggregate([summary])
    return (verdicts.describe(totals["verdicts"], totals["conclusions_holding"])
            + f" (verdicts by rule {verdicts.RULE_VERSION}; conclusions by rule {summary.get('rule_version', 1)})")


def _footer(summary: Mapping[str, Any]) -> list[str]:
    lines = []
    for c in summary["conclusions"]:
        verdict = {True: "holds", False: "does NOT hold", None: "undecided"}[c["holds"]]
        lines.append(f"- [{verdict}] {c['claim']}")
    lines += [f"- note: {n}" for n in summary["notes"]]
    lines += [f"- erratum: {e}" for e in summary["errata"]]
    return lines


def _heading(summary: Mapping[str, Any]) -> str:
    data = summary["data"]
    sizes = f"{data['train']} train / {data['test']} test"
    where = "no data set"
    if data["train"]:  # a cut data set's source already ends with its sizes (`kerasdl.data.limit`)
        where = data["source"] if data["source"].endswith(sizes) else f"{data['source']}, {sizes}"
    missing = summary.get("missing_trials")
    incomplete = f"\nINCOMPLETE: {missing} trial(s) not run yet (other shards?)" if missing else ""
    return (
        f"{summary['report']} / {summary['table']}: {summary['title']}{incomplete}\n"
        f"profile {summary['profile']}; {where}; columns: {', '.join(summary['columns'])}; "
        f"{summary['elapsed_s']:.1f} s this run, {summary['compute_s']:.1f} s of trials"
    )


def format_text(summary: Mapping[str, Any]) -> str:
    header, body = _lines(summary)
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    fmt = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    out = [_heading(summary), fmt(header), fmt(["-" * w for w in widths])]
    out += [fmt(r) for r in body] + [_count_line(summary)] + _footer(summary)
    return "\n".join(out) + "\n"


def format_markdown(summary: Mapping[str, Any]) -> str:
    header, body = _lines(summary)
    out = [f"### {summary['report']} / {summary['table']}", "", _heading(summary).replace("\n", "  \n"), ""]
    out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(out + ["", _count_line(summary), ""] + _footer(summary)) + "\n"


def format_csv(summary: Mapping[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["row", "column", "paper", "mean", "std", "max", "trials", "diverged", "verdict", "difference", "tolerance"]
    )
    for row, row_verdicts in zip(summary["rows"], verdicts.judge(summary)):
        for column in summary["columns"]:
            stats = row["reproduced"].get(column) or {}
            judged = row_verdicts[column]
            writer.writerow(
                [
                    row["name"],
                    column,
                    row["paper"].get(column),
                    stats.get("mean"),
                    stats.get("std"),
                    stats.get("max"),
                    row["trials"],
                    len(row["diverged"]),
                    judged.get("verdict"),
                    judged.get("difference"),
                    judged.get("tolerance"),
                ]
            )
    return buffer.getvalue()
