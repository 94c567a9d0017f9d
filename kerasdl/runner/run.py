"""Run one table end to end: plan, run the missing trials, summarise, write and print."""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

from kerasdl.runner import environment, figures, summary as summaries
from kerasdl.runner.execute import run_plan
from kerasdl.runner.plan import TablePlan, plan_table
from kerasdl.runner.options import RunOptions
from kerasdl.runner.control import TrialFailed
from kerasdl.runner.progress import Progress
from kerasdl.runner.spec import Report, Table
from kerasdl.runner.store import write_json_atomic, write_text_atomic


def write_outputs(summary: dict, records, table: Table, folder: Path) -> list[Path]:
    """`<table>.json`, `.csv`, `.md` and the figures, in `folder` (`<out>/<report>/`)."""
    name = table.name
    paths = [folder / f"{name}.json", folder / f"{name}.csv", folder / f"{name}.md"]
    write_json_atomic(paths[0], summary)
    write_text_atomic(paths[1], summaries.format_csv(summary))
    write_text_atomic(paths[2], summaries.format_markdown(summary))
    histories = defaultdict(list)
    for row, record in records:
        if record is not None:
            histories[row.name].append(record["history"])
    if table.curve:
        title = f"{summary['report']} / {name} ({summary['profile']})"
        png = figures.training_curves(title, table.curve, histories, folder / f"{name}.png")
        if png is not None:
            paths.append(png)
    for make in table.figures:
        paths += list(make(summary, dict(histories), folder) or [])
    summary["figures"] = [p.name for p in paths[3:]]
    write_json_atomic(paths[0], summary)
    return paths


def run_and_summarize(plan: TablePlan, start: float, *, execute: bool = True, progress=None):
    """Run `plan`'s unfinished trials (none with `execute=False`) and summarise them, `start` being
    when the run began: `(records, summary, failed)`, `failed` the `TrialFailed` of trials that
    raised in a worker (the summary is made without them), else None."""
    failed = None
    try:
        records = run_plan(plan, progress=progress or Progress(quiet=plan.options.quiet), execute=execute)
    except TrialFailed as error:
        records, failed = error.records, error
    summary = summaries.summarize(plan, records, time.perf_counter() - start)
    summary["environment"] = environment.describe(plan)
    return records, summary, failed


def run_table(
    report: Report, table: Table, options: RunOptions = RunOptions(), *, echo=print, execute: bool = True
) -> dict:
    """Run (or resume) `table` of `report` with `options`; return its summary.

    With `options.shard=(k, n)` only shard k's trials run and no table is written (the other
    shards' trials may be missing): a later run without a shard, or `execute=False` (`reproduce
    collect`), assembles it from every shard's stored trials. Under a multi-worker strategy a
    non-chief worker trains with the chief and writes no table. `options.jobs` runs the
    unfinished trials in that many processes (`kerasdl.runner.parallel`). `echo` prints the
    table (None: silent).
    """
    start = time.perf_counter()
    plan = plan_table(report, table, options)
    records, summary, failed = run_and_summarize(plan, start, execute=execute)
    if not options.distribution.chief:
        if echo is not None:
            kind, index = options.distribution.task
            echo(f"{report.id}/{table.name}: {kind} {index} trained with the chief (which writes the table)")
        return summary
    if options.shard is not None:
        if echo is not None:
            done = len(records) - summary["missing_trials"]
            k, n = options.shard
            echo(f"{report.id}/{table.name}: shard {k}/{n} done; {done} of {len(records)} trials stored")
    else:
        write_outputs(summary, records, table, Path(options.out) / report.id)
        if echo is not None:
            echo(summaries.format_text(summary))
    if failed is not None:
        raise failed
    return summary
