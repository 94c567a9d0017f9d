"""`kerasdl reproduce REPORT|all [TABLE ...]` (also `kerasdl REPORT [TABLE ...]`, and
`python reproduce/<report>.py [TABLE ...]`) and `kerasdl collect`: every selected table, one
after another; without --shard the run ends by refreshing its --out's report page."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kerasdl.commands import signals
from kerasdl.commands.arguments import (
    Context, Parser, UsageError, add_report_arguments, add_run_options, checked_overrides, reports, run_options, select, shard,
)
from kerasdl.runner.control import TrialFailed
from kerasdl.runner.run import run_table
from kerasdl.runner.store import trials_folder


def add_reproduce_arguments(p: argparse.ArgumentParser) -> None:
    """What `reproduce` takes after the report: its tables, the run options and --shard."""
    p.add_argument("tables", nargs="*", help="tables to run (default: all of the report's)")
    add_run_options(p)
    p.add_argument("--shard", type=shard, metavar="K/N", help="run only the K-th of N slices of each table's trials")


def add(commands, context: Context) -> None:
    c = commands.add_parser("reproduce", help="run tables beside the paper's numbers")
    c.add_argument("report", nargs="?", help="a report id, or 'all'")
    add_reproduce_arguments(c)
    c.set_defaults(func=run_command)
    # Each report (and 'all') is also a command of its own: `kerasdl lenet5 cifar10` is
    # `kerasdl reproduce lenet5 cifar10`.
    for report_id in ["all", *context.report_ids]:
        if report_id in commands.choices:
            continue  # a report named like a command: `reproduce ID` still names it
        c = commands.add_parser(report_id, help=f"= reproduce {report_id}")
        add_reproduce_arguments(c)
        c.set_defaults(func=run_command, command="reproduce", report=report_id)
    c = commands.add_parser("collect", help="assemble the tables from stored trials (of every shard); run nothing")
    add_report_arguments(c)
    add_run_options(c)
    c.set_defaults(func=run_command)


def script_parser(report_id: str, prog: str) -> argparse.ArgumentParser:
    """`python reproduce/<report>.py`: the grammar of the command `kerasdl <report>`."""
    p = Parser(prog=prog, description=f"Re-run report {report_id}'s tables beside the paper's numbers.")
    add_reproduce_arguments(p)
    p.set_defaults(func=run_command, command="reproduce", report=report_id)
    return p


def _check_profile_of_outputs(report, table, options) -> None:
    """A table's files are `<out>/<report>/<table>.*` whatever the profile: a run of another
    profile than the one already there would replace that table, so it is refused."""
    path = Path(options.out) / report.id / f"{table.name}.json"
    try:
        there = json.loads(path.read_text()).get("profile")
    except (OSError, ValueError, AttributeError):
        return
    if there and there != options.profile:
        raise UsageError(f"{path} holds the {there} profile's table, which a {options.profile} run would replace: "
                         f"give this run its own folder (--out {Path(options.out) / options.profile})")


def _check_collectable(chosen, options) -> None:
    for report in chosen:
        trials = trials_folder(options.out, report.id)
        if not trials.is_dir() or not any(trials.glob("*.json")):
            raise UsageError(f"no stored trials of {report.id} under {options.out} ({trials}): collect only "
                             "summarizes trials that a run (reproduce, --shard, workers) stored there")


def refresh_report(out, prog) -> None:
    """After a run's tables: rewrite <out>/index.html and REPORT.md, in one line. The tables are
    the run's result and the page only a view of them, so a page that fails is said, not raised."""
    try:
        from kerasdl.runner.report import write_report

        written = write_report(out)
    except Exception as error:  # noqa: BLE001
        print(f"{prog}: the report page was not refreshed: {type(error).__name__}: {error}", file=sys.stderr)
        return
    skipped = f" ({len(written.warnings)} file(s) skipped: listed on the page)" if written.warnings else ""
    print(f"report: {written.html}{skipped}")


def run_command(args, context: Context) -> int:
    """`reproduce` and `collect`: every selected table, one after another."""
    collect = args.command == "collect"
    options = run_options(args)
    chosen = reports(args, context)
    tables = [(report, table) for report in chosen for table in select(report, args.tables)]
    for report, table in tables:
        checked_overrides(report, table, options)
        _check_profile_of_outputs(report, table, options)
    if collect:
        _check_collectable(chosen, options)
    options.distribution  # devices and strategy first, before any other TensorFlow work
    signals.catch_sigterm()
    incomplete, failed = 0, []
    try:
        for report, table in tables:
            try:
                summary = run_table(report, table, options, execute=not collect)
            except TrialFailed as error:
                failed += [f"{report.id}/{table.name}: {failure}" for failure in error.failures]
                continue
            incomplete += bool(summary["missing_trials"]) and options.shard is None
    except KeyboardInterrupt:
        return signals.interrupted(options, context.prog)
    if options.shard is None and options.distribution.chief:
        refresh_report(options.out, context.prog)
    if failed:
        return signals.failed(failed, options, context.prog)
    if collect and incomplete:
        print(f"{context.prog} collect: {incomplete} table(s) incomplete: run their remaining shards", file=sys.stderr)
        return 1
    return 0
