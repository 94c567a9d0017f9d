"""The `kerasdl` command (in a checkout also `python -m reproduce`, the same grammar), one module
per command:

    kerasdl list [REPORT]                            reports, tables, profiles; with a report, its rows
    kerasdl reproduce REPORT|all [TABLE ...] [run options] [--shard K/N]
    kerasdl REPORT|all [TABLE ...] [run options]     the same as `reproduce REPORT ...`
    kerasdl collect REPORT|all [TABLE ...] [run options]    assemble shards' tables, run nothing
    kerasdl config REPORT|all [TABLE ...] [run options] [--json]   each row's merged config and trial keys
    kerasdl sensitivity REPORT|all [TABLE ...] [run options] [--reuse DIR]   each unstated choice's candidates
    kerasdl export REPORT TABLE ROW [--dest DIR] [run options]
    kerasdl predict MODEL INPUT ... [--top K]
    kerasdl report [--out DIR] [--reference DIR] [--sensitivity DIR]   <out>/index.html and REPORT.md
    kerasdl compare A B                              cell by cell; exit 0 same within the rule, 1 differs
    kerasdl <command> ...                            commands that plugins add (`tune`)

Every module adds its command with `add(commands, context)`, naming its function with
`set_defaults(func=...)`; `main` parses once and calls it. Reports come from the
`kerasdl.reports` entry points (`kerasdl.runner.registry`).

Bad arguments print one line naming the problem and the valid choices, and exit with status 2;
so does missing data (one paragraph saying what was tried and how to supply the files).

The console script itself is `reproduce.console`: it must set TensorFlow's environment before
TensorFlow loads, and importing anything of `kerasdl` loads it.
"""

from __future__ import annotations

import sys
from typing import Callable, Sequence

from kerasdl.commands import compare, config, export, listing, page, plugins, predict, run, sensitivity
from kerasdl.commands.arguments import Context, Parser, UsageError
from kerasdl.data import DataError
from kerasdl.predict import PredictError
from kerasdl.runner import registry
from kerasdl.runner.export import ExportError
from kerasdl.runner.spec import Report

# In the order `kerasdl --help` lists them; plugins last, so that none replaces one of these.
MODULES = (listing, run, config, sensitivity, export, predict, page, compare, plugins)


def parser(context: Context) -> Parser:
    p = Parser(prog=context.prog, description="Re-run, check and extend classic deep-learning course reports.")
    commands = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for module in MODULES:
        module.add(commands, context)
    p.set_defaults(commands=list(commands.choices))
    return p


def _check_first_word(argv: Sequence[str], p: Parser, context: Context) -> None:
    """No word, or a first word that is neither a command nor a report: what can come first."""
    names = p.get_default("commands")
    if names is None or (argv and (argv[0] in names or argv[0].startswith("-"))):
        return
    reports = ", ".join(context.report_ids)
    commands = ", ".join(name for name in names if name not in ("all", *context.report_ids))
    start = f"unknown report or command {argv[0]!r}; name" if argv else "name"
    raise UsageError(f"{start} a report, or 'all': {reports} (`list` shows their tables); or a command: {commands}")


def _run(p: Parser, argv: Sequence[str], context: Context) -> int:
    """Parse `argv` with `p` and run the command it names; a user's mistake is one line, exit 2."""
    where = context.prog
    try:
        _check_first_word(argv, p, context)
        args = p.parse_args(list(argv))
        if getattr(args, "where", None):
            where = f"{context.prog} {args.where}"
        return args.func(args, context)
    except (UsageError, PredictError, ExportError) as error:
        print(f"{where}: {error}", file=sys.stderr)
        return 2
    except DataError as error:
        print(f"{context.prog}: {error}", file=sys.stderr)
        return 2


def main(
    argv: Sequence[str] | None = None,
    prog: str = "kerasdl",
    load: Callable[[str], Report] = registry.load_report,
    report_ids: Sequence[str] | None = None,
) -> int:
    """Run the command line; return the exit status. `load(id)` gives a report (default: the
    registry's) of those `report_ids` names (default: the registry's)."""
    report_ids = list(registry.report_ids() if report_ids is None else report_ids)
    context = Context(load=load, report_ids=report_ids, prog=prog)
    return _run(parser(context), sys.argv[1:] if argv is None else argv, context)


def script(report: Report) -> None:
    """The entry point of `python reproduce/<report>.py`: the grammar of `kerasdl <report>`."""
    context = Context(load=lambda _: report, report_ids=[report.id], prog=report.id)
    sys.exit(_run(run.script_parser(report.id, report.id), sys.argv[1:], context))
