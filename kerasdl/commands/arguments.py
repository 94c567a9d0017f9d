"""What every command reads from its command line: the argument types, the run options that
`reproduce`, `collect`, `config`, `sensitivity` and `export` share (and `kerasdl tune` the common
part of), and how a report, its tables and a row are named. A bad value is a `UsageError`: one
line naming it and what is allowed, exit status 2, nothing run."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from kerasdl.runner.distribute import STRATEGIES
from kerasdl.runner.options import RunOptions
from kerasdl.runner.parallel import auto_jobs
from kerasdl.runner.plan import check_overrides
from kerasdl.runner.spec import PROFILES, Report


class UsageError(Exception):
    """A bad command line; its message is the one line printed."""


class Parser(argparse.ArgumentParser):
    """argparse, with errors raised as `UsageError` (one line, exit 2) instead of a usage page."""

    def error(self, message):
        raise UsageError(message)


@dataclass(frozen=True)
class Context:
    """What a command needs beyond its arguments: the reports it may name (`load(id)` gives one)
    and the program name its messages start with."""

    load: Callable[[str], Report]
    report_ids: Sequence[str]
    prog: str


# ## Argument types


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


# Trial i of a run seeds NumPy, Python and TensorFlow with seed + i; NumPy takes seeds below 2**32,
# and this bound leaves room for 2**31 trials above the largest first seed.
MAX_SEED = 2**31 - 1


def seed(text: str) -> int:
    """`--seed`: an integer from 0 to MAX_SEED."""
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected a seed from 0 to {MAX_SEED}, got {text!r}")
    return value


def data_folder(text: str) -> str:
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text!r} does not exist")
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a directory")
    if not os.access(path, os.R_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{text!r} is not readable")
    return text


def out_folder(text: str) -> str:
    if Path(text).exists() and not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} exists and is not a directory")
    return text


def setting(text: str) -> tuple:
    """`key=value`; the value is read as JSON when it parses (numbers, true, null), else a string."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected key=value, got {text!r}")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


def jobs(text: str) -> int:
    """`N` (a positive integer) or `auto` (see `kerasdl.runner.parallel.auto_jobs`)."""
    if text == "auto":
        return auto_jobs()
    try:
        return positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a positive integer or 'auto', got {text!r}") from None


def shard(text: str) -> tuple[int, int]:
    """`K/N`, 1 <= K <= N: the K-th of N slices of a table's trials."""
    k, sep, n = text.partition("/")
    try:
        k, n = int(k), int(n)
    except ValueError:
        k = n = 0
    if not sep or not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N, got {text!r}")
    return k, n


# ## The run options


def add_common_options(p: argparse.ArgumentParser, out: str, seed_help: str, quiet_help: str = "no progress bar") -> None:
    """The options of every command that trains: `kerasdl tune` has these, the run commands more."""
    p.add_argument("--profile", default="fast", help=f"one of {', '.join(PROFILES)} (default fast)")
    p.add_argument("--data-dir", type=data_folder, help="folder with local data files (else $KERASDL_DATA_DIR, then tfds)")
    p.add_argument("--out", type=out_folder, default=out, help=f"results folder (default {out}/)")
    p.add_argument("--seed", type=seed, default=0, help=seed_help)
    p.add_argument("--quiet", action="store_true", help=quiet_help)


def add_run_options(p: argparse.ArgumentParser, out: str = "results") -> None:
    add_common_options(p, out, "seed of the first trial (trial i uses seed+i)")
    p.add_argument("--trials", type=positive_int, help="trials per row (overrides the profile)")
    p.add_argument("--epochs", type=positive_int, help="epochs per trial (overrides the profile)")
    p.add_argument("--set", type=setting, action="append", default=[], metavar="KEY=VALUE", help="override a row setting, e.g. backend=keras (repeatable)")
    p.add_argument("--strategy", default="default", choices=STRATEGIES, help="tf.distribute strategy inside each trial (default: none)")
    p.add_argument("--cpu-devices", type=positive_int, help="split the CPU into N logical devices (for --strategy mirrored without GPUs)")
    p.add_argument("--jobs", type=jobs, default=1, metavar="N|auto", help="run a table's trials in N processes at once (default 1)")


def check_profile(name: str) -> str:
    if name not in PROFILES:
        raise UsageError(f"unknown profile {name!r}; choose from: {', '.join(PROFILES)}")
    return name


def run_options(args) -> RunOptions:
    """The `RunOptions` of parsed arguments (a bad combination is a `UsageError`)."""
    try:
        return RunOptions(
            profile=check_profile(args.profile), seed=args.seed, trials=args.trials, epochs=args.epochs,
            data_dir=args.data_dir, out=args.out, overrides=dict(args.set), strategy=args.strategy,
            cpu_devices=args.cpu_devices, jobs=args.jobs, shard=getattr(args, "shard", None), quiet=args.quiet,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None


# ## Reports, tables and rows by name


def add_report_arguments(p: argparse.ArgumentParser, tables_help: str = "tables (default: all of the report's)") -> None:
    p.add_argument("report", nargs="?", help="a report id, or 'all'")
    p.add_argument("tables", nargs="*", help=tables_help)


def reports(args, context: Context) -> list[Report]:
    """The reports `args.report` names ('all': every one)."""
    if args.report is None:
        raise UsageError(f"name a report, or 'all': {', '.join(context.report_ids)} (`list` shows their tables)")
    if args.report == "all":
        if args.tables:
            raise UsageError("'all' takes no table names")
        return [context.load(r) for r in context.report_ids]
    if args.report not in context.report_ids:
        raise UsageError(f"unknown report {args.report!r}; choose from: {', '.join(['all', *context.report_ids])}")
    return [context.load(args.report)]


def select(report: Report, names: Sequence[str]):
    """The tables `names` names (none: all of the report's)."""
    valid = [t.name for t in report.tables]
    for name in names:
        if name not in valid:
            raise UsageError(f"unknown table {name!r} for report {report.id!r}; choose from: {', '.join(valid)}")
    return [report.table(n) for n in names] if names else list(report.tables)


def slug(text: str) -> str:
    """A row's name as a folder name (`export` writes it and takes it)."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text).strip("_") or "row"


def row_named(report, table, name: str) -> str:
    """The row `name` names: its own name, or its export folder's (`slug`)."""
    for row in table.rows:
        if name in (row.name, slug(row.name)):
            return row.name
    names = "; ".join(repr(row.name) for row in table.rows)
    raise UsageError(f"unknown row {name!r} of {report.id}/{table.name}; choose from: {names} "
                     f"(`list {report.id}` shows them)")


def checked_overrides(report, table, options) -> None:
    """`--set`'s keys and values against the table's declared settings, before anything runs."""
    try:
        check_overrides(report, table, options.profile, options.overrides)
    except ValueError as error:
        raise UsageError(str(error)) from None
