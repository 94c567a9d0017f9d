"""Run one table end to end: plan, run the missing trials, summarise, write and print."""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

from kerasdl.runner import distribute, environment, figures, summary as summaries
from kerasdl.runner.execute import plan_table, run_plan
from kerasdl.runner.parallel import TrialFailed
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


def run_table(
    report: Report,
    table: Table,
    profile: str = "fast",
    *,
    out="results",
    seed: int = 0,
    trials: int | None = None,
    epochs: int | None = None,
    data_dir: str | None = None,
    overrides=None,
    quiet: bool = False,
    echo=print,
    shard: tuple[int, int] | None = None,
    execute: bool = True,
    strategy: str = "default",
    jobs: int = 1,
) -> dict:
    """Run (or resume) `table` of `report` in `profile`; return its summary.

    `shard=(k, n)` runs only shard k's trials and writes no table (the other shards' trials may be
    missing): a later run without a shard, or `execute=False` (`reproduce collect`), assembles it
    from every shard's stored trials. `strategy` names a `kerasdl.runner.distribute` strategy;
    a non-chief worker of a multi-worker run trains with the chief and writes no table. `jobs`
    runs the unfinished trials in that many processes (`kerasdl.runner.parallel`).
    """
    start = time.perf_counter()
    plan = plan_table(
        report, table, profile, seed=seed, trials=trials, epochs=epochs, data_dir=data_dir, overrides=overrides,
        strategy=strategy,
    )
    failed = None
    try:
        records = run_plan(plan, Path(out), progress=Progress(quiet=quiet), shard=shard, execute=execute, jobs=jobs)
    except TrialFailed as error:  # the table is written without them, then the failure goes on
        records, failed = error.records, error
    summary = summaries.summarize(plan, records, time.perf_counter() - start)
    summary["environment"] = environment.describe(plan, jobs)
    if not distribute.is_chief(strategy):
        if echo is not None:
            kind, index = distribute.task(strategy)
            echo(f"{report.id}/{table.name}: {kind} {index} trained with the chief (which writes the table)")
        return summary
    if shard is not None:
        if echo is not None:
            done = len(records) - summary["missing_trials"]
            echo(f"{report.id}/{table.name}: shard {shard[0]}/{shard[1]} done; {done} of {len(records)} trials stored")
        if failed is not None:
            raise failed
        return summary
    write_outputs(summary, records, table, Path(out) / report.id)
    if echo is not None:
        echo(summaries.format_text(summary))
    if failed is not None:
        raise failed
    return summary
