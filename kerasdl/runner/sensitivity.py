"""What a table's result depends on: `kerasdl sensitivity REPORT [TABLE ...]`.

From the project's issue "make the unstated choices data, and measure them": a report declares the
choices it leaves open (`Report.unstated`: architecture, optimizer, initialisation, penalty
strength, epochs...), each with candidate values grounded in its own evidence or its era's code.
Here each table is run once per candidate of each choice that applies to it, the other choices at
their default, through the runner (trials stored as they finish and resumed, `--jobs`, progress,
Ctrl-C / SIGTERM), summarised as tables are (`kerasdl.runner.summary`, the verdicts of
`kerasdl.runner.verdict`); one document per table then gives, per choice and candidate, the
table's headline cells (each row's mean per column that has a paper value, all columns where none
has), the cells consistent / compared with the paper, and whether each conclusion holds, with the
conclusions that change against the default candidate.

The default candidate's run is the table's own run (no override: the trials of `reproduce`, shared
with it). `reuse=DIR` first copies, into this run's store, the finished trials of identical
identity that another results folder holds (`DIR/<report>/trials/`, e.g. `reference/fast`),
instead of running them again; the store compares whole identities, so only the very same
experiment is taken (its model is not copied: `export` re-trains a trial whose model is absent).

Documents, in `<out>/<report>/`: `<table>.sensitivity.json` (`"kind": "sensitivity"`, the environment block of
a table's JSON, profile, seed, choices with their candidates' `why`, per candidate its trials
(done, planned, missing, reused), cells, verdict counts and conclusions) and `<table>.sensitivity.md` (rows =
choice x candidate). An interrupted run writes them from the trials stored so far, the missing
ones counted and marked INCOMPLETE, never averaged away; re-running the command finishes them.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any, Mapping

from kerasdl.runner.execute import store_of
from kerasdl.runner.plan import check_overrides, plan_table
from kerasdl.runner.options import RunOptions
from kerasdl.runner import verdict as verdicts
from kerasdl.runner.control import TrialFailed
from kerasdl.runner.progress import Progress
from kerasdl.runner.run import run_and_summarize
from kerasdl.runner.spec import Report, Table
from kerasdl.runner.store import TrialStore, trials_folder, write_json_atomic, write_text_atomic
from kerasdl.runner.summary import _digits, _fmt, fewer_trials as summary_fewer_trials
from kerasdl.unstated import value_text, why_text

KIND = "sensitivity"
SUFFIX = ".sensitivity"  # <table>.sensitivity.json: never a table's own <table>.json
MARKS = {True: "✓", False: "✗", None: "?"}
HOLDS = {True: "holds", False: "does not hold", None: "undecided"}


def tables_with_choices(report: Report) -> list[Table]:
    """The tables that at least one of the report's unstated choices applies to."""
    return [table for table in report.tables if report.choices_of(table)]


def check(report: Report, table: Table, options: RunOptions) -> None:
    """Raise ValueError when `table` has no unstated choice, or `options` fix a setting that a
    choice varies (`--set` of its key, `--epochs` for an `epochs` choice), or name unknown ones."""
    keys = [choice.key for choice in report.choices_of(table)]
    if not keys:
        with_choices = ", ".join(t.name for t in tables_with_choices(report)) or "none"
        raise ValueError(f"table {table.name!r} of report {report.id!r} has no unstated choice; tables with some: {with_choices}")
    fixed = set(options.overrides) | ({"epochs"} if options.epochs is not None else set())
    clash = sorted(fixed & set(keys))
    if clash:
        raise ValueError(f"{', '.join(clash)}: an unstated choice that sensitivity varies; do not set it")
    check_overrides(report, table, options.profile, options.overrides)


def headline_columns(table: Table) -> list[str]:
    """The columns shown per candidate: those with a paper value in some row and the derived ones
    (such as the share of runs that learn), else all."""
    shown = [c for c in table.columns if c in table.derived or any(row.paper.get(c) is not None for row in table.rows)]
    return shown or list(table.columns)


def adopt(plan, reuse) -> int:
    """Copy into `plan`'s store the trials it lacks that `reuse` (a results folder) holds with the
    very same identity; return how many."""
    mine, theirs = store_of(plan), TrialStore(trials_folder(reuse, plan.report.id))
    copied = 0
    for planned in plan.trials:
        if mine.get(planned.identity) is None:
            record = theirs.get(planned.identity)
            if record is not None:
                mine.put(planned.identity, {k: v for k, v in record.items() if k != "identity"})
                copied += 1
    return copied


class _Labelled(Progress):
    """The progress bar, its table named with the candidate it runs."""

    def __init__(self, label: str, quiet: bool):
        super().__init__(quiet=quiet)
        self.label = label

    def start_table(self, name: str, trials: int, epochs_per_trial: int) -> None:
        super().start_table(f"{name} {self.label}", trials, epochs_per_trial)


def _result(plan, records, summary, columns, reused: int) -> dict:
    """A candidate's part of the document, from its table summary."""
    planned = Counter(planned.row.name for planned in plan.trials)
    return {
        "trials": len(records) - summary["missing_trials"],
        "planned": len(records),
        "missing": summary["missing_trials"],
        "reused": reused,
        "rows": [
            {
                "name": row["name"],
                "trials": row["trials"],
                "planned": planned[row["name"]],
                "cells": {c: {k: row["reproduced"][c][k] for k in ("mean", "std", "n")} if c in row["reproduced"] else None for c in columns},
            }
            for row in summary["rows"]
        ],
        # Judged when read (`candidate_counts`), as a table document is.
        "judged_from": verdicts.judged_part(summary),
        "conclusions": summary["conclusions"],
        "compute_s": summary["compute_s"],
    }


def run_sensitivity(report: Report, table: Table, options: RunOptions = RunOptions(), *, reuse=None, only=None,
                    echo=print) -> dict:
    """Run `table` once per candidate of each of its unstated choices, write its sensitivity
    document (`<out>/<report>/<table>.sensitivity.json` and `.md`, beside a table's own outputs
    when both share one `--out`) and return it; `echo` prints its terminal summary
    (`format_terminal`; None: silent). `only`: the keys of the choices to run now (None: all); the others' candidates
    are summarised from the trials already stored, their missing ones counted, as after an
    interrupted run.

    Raises ValueError as `check` does; after writing the document, KeyboardInterrupt when the run
    was stopped (the document then counts the missing trials), and `TrialFailed` for trials that
    raised in a worker process.
    """
    check(report, table, options)
    start = time.perf_counter()
    columns, choices = headline_columns(table), report.choices_of(table)
    runs = [(None, None, options)] + [
        (choice, candidate, options.replace(overrides={**options.overrides, choice.key: candidate.value}))
        for choice in choices
        for candidate in choice.alternatives
    ]
    results, failures, stopped = [], [], None
    for choice, candidate, run_options in runs:
        label = "(default)" if choice is None else f"{choice.key}={value_text(candidate.value)}"
        plan = plan_table(report, table, run_options)
        reused = adopt(plan, reuse) if reuse is not None else 0
        begun = time.perf_counter()
        try:
            chosen = choice is None or only is None or choice.key in only
            records, summary, failed = run_and_summarize(
                plan, begun, execute=stopped is None and chosen, progress=_Labelled(label, run_options.quiet)
            )
        except KeyboardInterrupt as error:  # the trial in progress is lost; the stored ones count
            stopped = error
            records, summary, failed = run_and_summarize(plan, begun, execute=False)
        if failed is not None:
            failures += [f"{label}: {line}" for line in failed.failures]
        results.append(_result(plan, records, summary, columns, reused))
        if choice is None:
            environment, digits = summary["environment"], {c: _digits(summary, c) for c in columns}
            per_row, asked = plan.trials_per_row, plan.protocol_trials
    doc = {
        "kind": KIND,
        "report": report.id,
        "table": table.name,
        "title": table.title,
        "profile": options.profile,
        "seed": options.seed,
        "columns": columns,
        "digits": digits,
        "rows": [row.name for row in table.rows],
        "trials_per_row": per_row,
        "protocol_trials": asked,
        "conclusions": [c.claim for c in table.conclusions],
        "choices": [],
        "missing_trials": sum(r["missing"] for r in results),
        "environment": environment,
        "elapsed_s": time.perf_counter() - start,
        "compute_s": sum(r["compute_s"] for r in results),
    }
    alternatives = iter(results[1:])  # in the order of `runs`
    for choice in choices:
        candidates = [{"value": choice.default.value, "why": why_text(choice.default), "default": True, **results[0]}]
        for candidate in choice.alternatives:
            candidates.append({"value": candidate.value, "why": why_text(candidate), "default": False, **next(alternatives)})
        doc["choices"].append({"key": choice.key, "title": choice.title, "candidates": candidates})
    folder = Path(options.out) / report.id
    if options.distribution.chief:  # multi-worker: one process writes
        write_json_atomic(folder / f"{table.name}{SUFFIX}.json", doc)
        write_text_atomic(folder / f"{table.name}{SUFFIX}.md", format_markdown(doc))
    if echo is not None and options.distribution.chief:
        echo(format_terminal(doc))
    if stopped is not None:
        raise stopped
    if failures:
        raise TrialFailed(failures, None)
    return doc


# ## Reading a document (the Markdown here, and the report page)


def changes(doc: Mapping[str, Any], candidate: Mapping[str, Any], default: Mapping[str, Any]) -> list[dict]:
    """The conclusions whose verdict differs under `candidate` from under `default`:
    `[{"index": i, "claim", "default": holds, "here": holds}]`; none while either has missing
    trials (an interrupted run, or a choice not run yet under `--choice`)."""
    found = []
    if candidate["missing"] or default["missing"]:  # not run (yet): nothing to compare
        return found
    for i, (here, there) in enumerate(zip(candidate["conclusions"], default["conclusions"])):
        if here["holds"] != there["holds"]:
            found.append({"index": i, "claim": doc["conclusions"][i], "default": there["holds"], "here": here["holds"]})
    return found


def candidate_counts(candidate: Mapping[str, Any]) -> dict:
    """A candidate's cell counts by the current rule (`verdict.count_cells`); a document written
    before verdicts were judged when read keeps the counts it stored."""
    if "judged_from" in candidate:
        return verdicts.count_cells(candidate["judged_from"])
    return candidate["verdicts"]


def fewer_trials(doc: Mapping[str, Any]) -> str:
    """Says so when the candidates ran fewer trials per row (`--trials`) than the profile asks for."""
    run, asked = doc.get("trials_per_row"), doc.get("protocol_trials")
    return "" if run is None or asked is None else summary_fewer_trials(run, asked, doc["profile"])


def cell_text(doc: Mapping[str, Any], row: Mapping[str, Any], column: str) -> str:
    """A row's mean in `column`; `(n=k)` when some of the row's trials are missing."""
    stats = row["cells"].get(column)
    text = _fmt(stats["mean"] if stats else None, doc["digits"].get(column, 2))
    return text + (f" (n={row['trials']})" if row["trials"] < row["planned"] else "")


def candidate_lines(doc: Mapping[str, Any]) -> list[dict]:
    """One entry per choice x candidate, as the Markdown and the page show them: its texts, the
    marks of its conclusions and their changes against the default candidate."""
    lines = []
    for choice in doc["choices"]:
        (default,) = [c for c in choice["candidates"] if c["default"]]
        for candidate in choice["candidates"]:
            changed = [] if candidate["default"] else changes(doc, candidate, default)
            flipped = {c["index"] for c in changed}
            lines.append(
                {
                    "choice": choice["title"],
                    "key": choice["key"],
                    "value": value_text(candidate["value"]),
                    "why": candidate["why"],
                    "default": candidate["default"],
                    "trials": f"{candidate['trials']} / {candidate['planned']}",
                    "missing": candidate["missing"],
                    "reused": candidate.get("reused", 0),
                    "cells": [cell_text(doc, row, c) for row in candidate["rows"] for c in doc["columns"]],
                    "counts": "{consistent} / {compared}".format(**candidate_counts(candidate))
                    + ("" if "judged_from" in candidate else " (rule 1, as stored)"),
                    "holding": "{holding} / {stated}".format(**verdicts.count_conclusions(candidate["conclusions"])),
                    "marks": [
                        {"mark": MARKS[c["holds"]], "holds": c["holds"], "flips": i in flipped}
                        for i, c in enumerate(candidate["conclusions"])
                    ],
                    "changes": [
                        {**c, "text": f"{c['claim']}: {HOLDS[c['default']]} → {HOLDS[c['here']]}"} for c in changed
                    ],
                }
            )
    return lines


def cell_headers(doc: Mapping[str, Any]) -> list[str]:
    many = len(doc["columns"]) > 1
    return [f"{row} / {column}" if many else row for row in doc["rows"] for column in doc["columns"]]


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def format_markdown(doc: Mapping[str, Any]) -> str:
    """The document as Markdown: rows = choice x candidate; columns = headline cells, cells
    consistent / compared with the paper, then one per conclusion (✓ holds, ✗ does not, ?
    undecided)."""
    lines = candidate_lines(doc)
    claims = doc["conclusions"]
    seeds = doc["environment"].get("seeds") or [doc["seed"]]
    header = ["choice", "candidate", "trials", *cell_headers(doc), "consistent / compared", *[f"C{i + 1}" for i in range(len(claims))]]
    out = [
        f"### {doc['report']} / {doc['table']}: what the result depends on",
        "",
        f"{_md(doc['title'])}  ",
        f"profile {doc['profile']}; seeds {seeds[0]}–{seeds[-1]}; each candidate of each unstated choice, "
        "the other choices at their default; the default candidate's run is the table's own. "
        "Cells: each row's mean; consistent / compared: cells within the paper's tolerance (the verdict rule).",
    ]
    if fewer_trials(doc):
        out += ["", f"Each candidate ran {fewer_trials(doc)}."]
    if doc["missing_trials"]:
        out += ["", f"**INCOMPLETE: {doc['missing_trials']} trial(s) not run; re-run the command to finish them.**"]
    out += ["", "| " + " | ".join(map(_md, header)) + " |", "|" + "---|" * len(header)]
    for line in lines:
        candidate = f"**{line['value']}** (default)" if line["default"] else line["value"]
        trials = line["trials"] + (" INCOMPLETE" if line["missing"] else "")
        marks = [m["mark"] + (" (flips)" if m["flips"] else "") for m in line["marks"]]
        out.append("| " + " | ".join(map(_md, [line["choice"], candidate, trials, *line["cells"], line["counts"], *marks])) + " |")
    if claims:
        out += ["", "Conclusions:", ""] + [f"- C{i + 1}: {_md(claim)}" for i, claim in enumerate(claims)]
    flips = [f"- {line['key']} = {line['value']}: {_md(c['text'])}" for line in lines for c in line["changes"]]
    out += ["", "What flips against the default candidate:", ""] + (flips or ["- no conclusion changes under any candidate"])
    out += ["", "Candidates:", ""]
    out += [f"- {line['key']} = {line['value']}{' (default)' if line['default'] else ''}: {_md(line['why'])}" for line in lines]
    return "\n".join(out) + "\n"


def format_terminal(doc: Mapping[str, Any]) -> str:
    """What a `sensitivity` run prints: one line per choice x candidate (its trials, cells
    consistent / compared, conclusions holding / stated, and what flips against the default),
    narrow enough for a terminal; the cells themselves are in the Markdown and on the page."""
    lines = candidate_lines(doc)
    rows = [("choice", "candidate", "trials", "cells consistent", "conclusions holding", "flips against the default")]
    for line in lines:
        holding = sum(m["holds"] is True for m in line["marks"])
        flips = "; ".join(f"C{c['index'] + 1} {HOLDS[c['default']]} → {HOLDS[c['here']]}" for c in line["changes"])
        rows.append((
            line["key"], line["value"] + (" (default)" if line["default"] else ""),
            line["trials"] + (" INCOMPLETE" if line["missing"] else ""), line["counts"].split(" (")[0],
            f"{holding} / {len(line['marks'])}", flips or ("-" if not line["default"] else ""),
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    out = [f"{doc['report']}/{doc['table']}: what the result depends on (profile {doc['profile']}"
           + (f", {fewer_trials(doc)}" if fewer_trials(doc) else "") + ")"]
    out += ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1] for row in rows]
    if doc["missing_trials"]:
        out.append(f"  INCOMPLETE: {doc['missing_trials']} trial(s) not run; re-run the command to finish them.")
    return "\n".join(line.rstrip() for line in out)
