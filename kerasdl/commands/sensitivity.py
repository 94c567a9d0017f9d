"""`kerasdl sensitivity REPORT|all [TABLE ...] [run options] [--reuse DIR] [--choice KEY]`: each
selected table once per candidate of its unstated choices (`kerasdl.runner.sensitivity`)."""

from __future__ import annotations

from pathlib import Path

from kerasdl.commands import signals
from kerasdl.commands.arguments import (
    Context, UsageError, add_report_arguments, add_run_options, data_folder, reports, run_options, select,
)
from kerasdl.runner.control import TrialFailed
from kerasdl.runner.sensitivity import SUFFIX, check, run_sensitivity, tables_with_choices


def add(commands, context: Context) -> None:
    c = commands.add_parser("sensitivity", help="run tables once per candidate of each unstated choice; write what the result depends on")
    add_report_arguments(c, tables_help="tables (default: those an unstated choice applies to)")
    add_run_options(c, out="results/sensitivity")
    c.add_argument("--reuse", type=data_folder, metavar="DIR", help="copy finished trials of identical identity from this results folder (e.g. reference/fast) instead of running them")
    c.add_argument("--choice", action="append", metavar="KEY", dest="only", help="run only this unstated choice's candidates (repeatable); the others are read from stored trials")
    c.set_defaults(func=sensitivity_command, where="sensitivity")


def _tables(args, context: Context, options) -> list:
    """The (report, table) pairs to measure; a report that declares no unstated choice is a usage error."""
    chosen = reports(args, context)
    if args.report == "all":
        chosen = [report for report in chosen if report.unstated]
        if not chosen:
            raise UsageError("no report declares an unstated choice: nothing to measure")
    tables = []
    for report in chosen:
        if not report.unstated:
            raise UsageError(f"report {report.id!r} declares no unstated choice: nothing to measure")
        for table in select(report, args.tables) if args.tables else tables_with_choices(report):
            try:
                check(report, table, options)
            except ValueError as error:
                raise UsageError(str(error)) from None
            tables.append((report, table))
    if args.only:
        declared = [choice.key for report in chosen for choice in report.unstated]
        unknown = sorted(set(args.only) - set(declared))
        if unknown:
            where = f"report {chosen[0].id!r}" if len(chosen) == 1 else "no report"
            raise UsageError(f"{where} has no unstated choice {', '.join(unknown)}; choose from: {', '.join(dict.fromkeys(declared))}")
        # Only the tables that a chosen choice applies to.
        tables = [(r, t) for r, t in tables if {c.key for c in r.choices_of(t)} & set(args.only)]
    return tables


def sensitivity_command(args, context: Context) -> int:
    options = run_options(args)
    tables = _tables(args, context, options)
    options.distribution  # devices and strategy first, before any other TensorFlow work
    signals.catch_sigterm()
    failed = []
    try:
        for report, table in tables:
            try:
                run_sensitivity(report, table, options, reuse=args.reuse, only=args.only)
            except TrialFailed as error:
                failed += [f"{report.id}/{table.name} {failure}" for failure in error.failures]
    except KeyboardInterrupt:
        return signals.interrupted(options, context.prog)
    written = [Path(options.out) / report.id / f"{table.name}{SUFFIX}.json" for report, table in tables]
    print(f"sensitivity: {', '.join(str(path) for path in written if path.exists())} (and .md beside each); "
          f"`{context.prog} report` shows them under 'What the result depends on'")
    return signals.failed(failed, options, context.prog) if failed else 0
