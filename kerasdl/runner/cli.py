"""The `kerasdl` command, and `python -m reproduce` / `python reproduce/<report>.py` in a checkout.

    kerasdl list                                     reports, tables, profiles
    kerasdl reproduce REPORT|all [TABLE ...] [run options] [--shard K/N]
    kerasdl collect REPORT|all [TABLE ...] [run options]    assemble shards' tables, run nothing
    kerasdl config REPORT|all [TABLE ...] [run options] [--json]   each row's merged config and trial keys
    kerasdl sensitivity REPORT|all [TABLE ...] [run options] [--reuse DIR]   each unstated choice's candidates
    kerasdl export REPORT TABLE ROW [--dest DIR] [run options]
    kerasdl predict MODEL INPUT ... [--top K]
    kerasdl report [--out DIR] [--reference DIR] [--sensitivity DIR]   <out>/index.html and REPORT.md
    kerasdl compare A B                              cell by cell; exit 0 same within the rule, 1 differs
    kerasdl <command> ...                            commands that plugins add (`tune`)

Every `reproduce` or `collect` run without --shard ends by refreshing its --out's report page
(`report: <out>/index.html`).

`python -m reproduce ARGS` is `kerasdl ARGS` when ARGS starts with a command, else
`kerasdl reproduce ARGS`. Reports come from the `kerasdl.reports` entry points
(`kerasdl.runner.registry`); further commands from the `kerasdl.commands` entry points, each a
`main(argv, prog) -> exit status`.

Bad arguments print one line naming the problem and the valid choices, and exit with status 2;
so does missing data (one paragraph saying what was tried and how to supply the files).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from importlib import metadata
from pathlib import Path
from typing import Callable, Sequence

from kerasdl.data import DataError
from kerasdl.predict import PredictError, predict
from kerasdl.runner import registry
from kerasdl.runner.distribute import STRATEGIES
from kerasdl.runner.control import STOP, TrialFailed
from kerasdl.runner.export import ExportError, export_row
from kerasdl.runner.options import RunOptions
from kerasdl.runner.parallel import auto_jobs
from kerasdl.runner.plan import check_overrides, plan_table
from kerasdl.runner.run import run_table
from kerasdl.runner.sensitivity import SUFFIX as SENSITIVITY_SUFFIX, check as check_sensitivity, run_sensitivity, tables_with_choices
from kerasdl.runner.spec import PROFILES, Report
from kerasdl.runner.store import trial_key

COMMANDS_GROUP = "kerasdl.commands"


class UsageError(Exception):
    """A bad command line; its message is the one line printed."""


class Parser(argparse.ArgumentParser):
    """argparse, with errors raised as `UsageError` (one line, exit 2) instead of a usage page."""

    def error(self, message):
        raise UsageError(message)


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


# ## The run options, shared by reproduce, collect, export and sensitivity


def add_run_options(p: argparse.ArgumentParser, out: str = "results") -> None:
    p.add_argument("--profile", default="fast", help=f"one of {', '.join(PROFILES)} (default fast)")
    p.add_argument("--trials", type=positive_int, help="trials per row (overrides the profile)")
    p.add_argument("--epochs", type=positive_int, help="epochs per trial (overrides the profile)")
    p.add_argument("--data-dir", type=data_folder, help="folder with local data files (else $KERASDL_DATA_DIR, then tfds)")
    p.add_argument("--out", type=out_folder, default=out, help=f"results folder (default {out}/)")
    p.add_argument("--seed", type=seed, default=0, help="seed of the first trial (trial i uses seed+i)")
    p.add_argument("--set", type=setting, action="append", default=[], metavar="KEY=VALUE", help="override a row setting, e.g. backend=keras (repeatable)")
    p.add_argument("--strategy", default="default", choices=STRATEGIES, help="tf.distribute strategy inside each trial (default: none)")
    p.add_argument("--cpu-devices", type=positive_int, help="split the CPU into N logical devices (for --strategy mirrored without GPUs)")
    p.add_argument("--jobs", type=jobs, default=1, metavar="N|auto", help="run a table's trials in N processes at once (default 1)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def run_options(args) -> RunOptions:
    """The `RunOptions` of parsed arguments (a bad combination is a `UsageError`)."""
    if args.profile not in PROFILES:
        raise UsageError(f"unknown profile {args.profile!r}; choose from: {', '.join(PROFILES)}")
    try:
        return RunOptions(
            profile=args.profile, seed=args.seed, trials=args.trials, epochs=args.epochs, data_dir=args.data_dir,
            out=args.out, overrides=dict(args.set), strategy=args.strategy, cpu_devices=args.cpu_devices, jobs=args.jobs,
            shard=getattr(args, "shard", None), quiet=args.quiet,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None


# ## The parser


def plugin_commands() -> dict[str, metadata.EntryPoint]:
    """Commands that installed distributions add (`tune`, from kerasdl's own `tuning`)."""
    return {entry.name: entry for entry in metadata.entry_points(group=COMMANDS_GROUP)}


def parser(prog: str, fixed_report: str | None = None) -> Parser:
    """The command line; with `fixed_report` (a report's own script), only `reproduce`'s options."""
    if fixed_report is not None:
        p = Parser(prog=prog, description=f"Re-run report {fixed_report}'s tables beside the paper's numbers.")
        p.add_argument("tables", nargs="*", help="tables to run (default: all of the report's)")
        add_run_options(p)
        p.add_argument("--shard", type=shard, metavar="K/N", help="run only the K-th of N slices of each table's trials")
        p.set_defaults(command="reproduce", report=fixed_report)
        return p
    p = Parser(prog=prog, description="Re-run, check and extend classic deep-learning course reports.")
    commands = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    c = commands.add_parser("list", help="reports, tables, profiles and data; with a report, its rows")
    c.add_argument("report", nargs="?", help="a report id: also list each table's rows, as export takes them")
    c = commands.add_parser("reproduce", help="run tables beside the paper's numbers")
    c.add_argument("report", nargs="?", help="a report id, or 'all'")
    c.add_argument("tables", nargs="*", help="tables to run (default: all of the report's)")
    add_run_options(c)
    c.add_argument("--shard", type=shard, metavar="K/N", help="run only the K-th of N slices of each table's trials")
    c = commands.add_parser("collect", help="assemble the tables from stored trials (of every shard); run nothing")
    c.add_argument("report", nargs="?", help="a report id, or 'all'")
    c.add_argument("tables", nargs="*", help="tables (default: all of the report's)")
    add_run_options(c)
    c = commands.add_parser("sensitivity", help="run tables once per candidate of each unstated choice; write what the result depends on")
    c.add_argument("report", nargs="?", help="a report id, or 'all'")
    c.add_argument("tables", nargs="*", help="tables (default: those an unstated choice applies to)")
    add_run_options(c, out="results/sensitivity")
    c.add_argument("--reuse", type=data_folder, metavar="DIR", help="copy finished trials of identical identity from this results folder (e.g. reference/fast) instead of running them")
    c.add_argument("--choice", action="append", metavar="KEY", dest="only", help="run only this unstated choice's candidates (repeatable); the others are read from stored trials")
    c = commands.add_parser("config", help="print each row's merged configuration and trial identities, as a run would plan them; run nothing")
    c.add_argument("report", nargs="?", help="a report id, or 'all'")
    c.add_argument("tables", nargs="*", help="tables (default: all of the report's)")
    add_run_options(c)
    c.add_argument("--json", action="store_true", help="print the plans as JSON (rows, configs, identities, keys)")
    c = commands.add_parser("export", help="export a row's best model as .keras and SavedModel")
    c.add_argument("report")
    c.add_argument("table")
    c.add_argument("row")
    c.add_argument("--dest", type=out_folder, help="export folder (default <out>/<report>/export/<table>/<row>)")
    add_run_options(c)
    c = commands.add_parser("predict", help="classify PNG images or a .npy batch with an exported model")
    c.add_argument("model", help="an export folder, a SavedModel folder or a .keras file")
    c.add_argument("inputs", nargs="+", help="image files, or one .npy batch")
    c.add_argument("--top", type=positive_int, default=3, help="classes shown per input (default 3)")
    c = commands.add_parser("report", help="every table's verdicts on one offline page: <out>/index.html and REPORT.md")
    c.add_argument("--out", type=data_folder, default="results", help="results folder (default results/)")
    c.add_argument("--reference", type=data_folder, help="another results folder (e.g. reference/fast): a reference column, judged by the same rule")
    c.add_argument("--sensitivity", type=data_folder, metavar="DIR", help="sensitivity documents for 'What the result depends on' (default <out>/sensitivity, else <out>/../sensitivity)")
    c = commands.add_parser("compare", help="compare two results folders cell by cell (exit 0: same within the verdict rule, 1: differs)")
    c.add_argument("a", help="results folder A (e.g. reference/fast)")
    c.add_argument("b", help="results folder B, judged against A")
    for name in plugin_commands():
        c = commands.add_parser(name, help=f"see `{prog} {name} --help`", add_help=False)
        c.add_argument("rest", nargs=argparse.REMAINDER)
    return p


COMMANDS = ("list", "reproduce", "collect", "config", "sensitivity", "export", "predict", "report", "compare")


# ## The commands


def describe(reports: Sequence[Report], rows: bool = False) -> str:
    """What `list` prints: per report its protocol, tables, profiles and choices; with `rows`,
    each table's rows (the names `export` takes, and the folder names it writes, which it also takes)."""
    lines = []
    for report in reports:
        lines.append(f"{report.id}: {report.title}")
        lines += [f"  protocol: {line}" for line in report.protocol]
        for table in report.tables:
            data = table.data or "none (no data set)"
            lines.append(f"  {table.name:<32} {table.title}  (data: {data})")
            if rows:
                lines += [f"      row {row.name!r}" + (f"  (or {_slug(row.name)})" if _slug(row.name) != row.name else "")
                          for row in table.rows]
        for profile in PROFILES:
            settings = ", ".join(f"{k}={v}" for k, v in report.profiles[profile].items())
            lines.append(f"  profile {profile}: {settings}")
        if report.unstated:
            keys = ", ".join(choice.key for choice in report.unstated)
            lines.append(f"  unstated choices: {len(report.unstated)} ({keys}); measured by `sensitivity`")
    lines.append(
        "Data sets are read from --data-dir or $KERASDL_DATA_DIR (<name>.npz or the official raw "
        "files), else through tensorflow-datasets; 'disk' is generated."
    )
    return "\n".join(lines)


def _select(report: Report, names: Sequence[str]):
    valid = [t.name for t in report.tables]
    for name in names:
        if name not in valid:
            raise UsageError(f"unknown table {name!r} for report {report.id!r}; choose from: {', '.join(valid)}")
    return [report.table(n) for n in names] if names else list(report.tables)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text).strip("_") or "row"


def _row_named(report, table, name: str) -> str:
    """The row `name` names: its own name, or its export folder's (`_slug`)."""
    for row in table.rows:
        if name in (row.name, _slug(row.name)):
            return row.name
    names = "; ".join(repr(row.name) for row in table.rows)
    raise UsageError(f"unknown row {name!r} of {report.id}/{table.name}; choose from: {names} "
                     f"(`list {report.id}` shows them)")


def _check_overrides(report, table, options) -> None:
    try:
        check_overrides(report, table, options.profile, options.overrides)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _reports(args, load, report_ids) -> list[Report]:
    if args.report is None:
        raise UsageError(f"name a report, or 'all': {', '.join(report_ids)} (`list` shows their tables)")
    if args.report == "all":
        if args.tables:
            raise UsageError("'all' takes no table names")
        return [load(r) for r in report_ids]
    if args.report not in report_ids:
        raise UsageError(f"unknown report {args.report!r}; choose from: {', '.join(['all', *report_ids])}")
    return [load(args.report)]


def _plan_document(plan) -> dict:
    """A plan as `config --json` prints it: per row its merged config and each trial's seed,
    identity and store key."""
    rows = {}
    for planned in plan.trials:
        row = rows.setdefault(planned.row.name, {"row": planned.row.name, "config": planned.config, "trials": []})
        row["trials"].append({"index": planned.index, "seed": planned.seed, "key": trial_key(planned.identity),
                              "identity": planned.identity})
    return {"report": plan.report.id, "table": plan.table.name, "profile": plan.profile,
            "trials_per_row": plan.trials_per_row, "protocol_trials": plan.protocol_trials, "rows": list(rows.values())}


def describe_plan(plan) -> str:
    """What `config` prints of a plan: the table, then per row its merged configuration (the keys
    it shares with every row once, above) and its trials' seeds and store keys."""
    document = _plan_document(plan)
    configs = [row["config"] for row in document["rows"]]
    shared = {k: v for k, v in configs[0].items() if all(k in c and c[k] == v for c in configs)} if configs else {}

    def settings(config):
        return ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(config.items())) or "(none)"

    trials = document["trials_per_row"]
    lines = [f"{plan.report.id}/{plan.table.name}: profile {plan.profile}, {trials} trial(s) per row "
             f"(the profile asks for {plan.protocol_trials})",
             f"  every row: {settings(shared)}"]
    for row in document["rows"]:
        own = {k: v for k, v in row["config"].items() if k not in shared}
        lines.append(f"  {row['row']}: {settings(own)}")
        lines.append("    trials: " + ", ".join(f"seed {t['seed']} -> {t['key']}" for t in row["trials"]))
    return "\n".join(lines)


def config_command(args, load, report_ids) -> int:
    """`config`: each selected table's plan, as `reproduce` with the same options would make it."""
    options = run_options(args)
    tables = [(report, table) for report in _reports(args, load, report_ids) for table in _select(report, args.tables)]
    for report, table in tables:
        _check_overrides(report, table, options)
    plans = [plan_table(report, table, options) for report, table in tables]
    if args.json:
        print(json.dumps([_plan_document(plan) for plan in plans], indent=2, default=str))
    else:
        print("\n\n".join(describe_plan(plan) for plan in plans))
    return 0


def export_command(args, load, report_ids, prog) -> int:
    options = run_options(args)
    if args.report not in report_ids:
        raise UsageError(f"unknown report {args.report!r}; choose from: {', '.join(report_ids)}")
    report = load(args.report)
    (table,) = _select(report, [args.table])
    _check_overrides(report, table, options)
    options.distribution  # devices and strategy first, before any other TensorFlow work
    row = _row_named(report, table, args.row)
    dest = args.dest or Path(options.out) / report.id / "export" / table.name / _slug(row)
    labels = export_row(report, table.name, row, dest, options)
    metrics = ", ".join(f"{k}={v:.4g}" for k, v in labels["metrics"].items() if v is not None)
    print(f"exported {report.id}/{table.name}/{row} (trial {labels['trial']}, {metrics}) to {dest}/")
    print(f"  {dest}/model.keras, {dest}/saved_model/ (serve signature), {dest}/labels.json")
    return 0


def predict_command(args) -> int:
    value_name, results = predict(args.model, args.inputs, top=args.top)
    for name, ranked in results:
        if value_name == "probability":
            print(f"{name}: " + ", ".join(f"{label} {p:.3f}" for label, p in ranked))
        elif value_name == "margin":  # the class the margin picks, then the margin
            print(f"{name}: " + ", ".join(f"{label} (margin {v:+.3f})" for label, v in ranked))
        else:  # one output unit and no labels.json to say what it means
            print(f"{name}: score {ranked[0][1]:+.3f}")
    return 0


def report_command(args, prog) -> int:
    """`report`: the page of --out's tables; prints its path."""
    from kerasdl.runner.report import write_report

    _check_results_folder(Path(args.out))
    written = write_report(args.out, reference=args.reference, sensitivity=args.sensitivity)
    for line in written.warnings:
        print(f"{prog} report: {line}", file=sys.stderr)
    print(written.html)
    return 0


def _check_results_folder(folder: Path) -> None:
    """`report` writes index.html and REPORT.md only where they belong: a folder of kerasdl tables
    or searches, an empty one, or one holding only a page kerasdl wrote."""
    from kerasdl.runner.report import load_searches, load_tables

    files = {p.name for p in folder.iterdir()}
    page = folder / "index.html"
    ours = page.is_file() and '<meta name="generator" content="kerasdl">' in page.read_text(errors="replace")[:4000]
    if not files or (ours and files <= {"index.html", "REPORT.md"}):
        return
    if load_tables(folder)[0] or load_searches(folder)[0]:
        return
    raise UsageError(
        f"{folder} holds no kerasdl table or search: report writes index.html and REPORT.md only into a results "
        "folder (--out of reproduce or tuning), an empty one, or one with only its own page"
    )


def _refresh_report(out, prog) -> None:
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


def run_command(args, load, report_ids, prog) -> int:
    """`reproduce` and `collect`: every selected table, one after another."""
    collect = args.command == "collect"
    options = run_options(args)
    reports = _reports(args, load, report_ids)
    tables = [(report, table) for report in reports for table in _select(report, args.tables)]
    for report, table in tables:
        _check_overrides(report, table, options)
        _check_profile_of_outputs(report, table, options)
    if collect:
        for report in reports:
            trials = Path(options.out) / report.id / "trials"
            if not trials.is_dir() or not any(trials.glob("*.json")):
                raise UsageError(f"no stored trials of {report.id} under {options.out} ({trials}): collect only "
                                 "summarizes trials that a run (reproduce, --shard, workers) stored there")
    options.distribution  # devices and strategy first, before any other TensorFlow work
    _catch_sigterm()
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
        return _interrupted(options, prog)
    if options.shard is None and options.distribution.chief:
        _refresh_report(options.out, prog)
    if failed:
        return _failed(failed, options, prog)
    if collect and incomplete:
        print(f"{prog} collect: {incomplete} table(s) incomplete: run their remaining shards", file=sys.stderr)
        return 1
    return 0


def sensitivity_command(args, load, report_ids, prog) -> int:
    """`sensitivity`: each selected table once per candidate of its unstated choices
    (`kerasdl.runner.sensitivity`); a report that declares none is a usage error."""
    options = run_options(args)
    reports = _reports(args, load, report_ids)
    if args.report == "all":
        reports = [report for report in reports if report.unstated]
        if not reports:
            raise UsageError("no report declares an unstated choice: nothing to measure")
    tables = []
    for report in reports:
        if not report.unstated:
            raise UsageError(f"report {report.id!r} declares no unstated choice: nothing to measure")
        for table in _select(report, args.tables) if args.tables else tables_with_choices(report):
            try:
                check_sensitivity(report, table, options)
            except ValueError as error:
                raise UsageError(str(error)) from None
            tables.append((report, table))
    if args.only:
        declared = [choice.key for report in reports for choice in report.unstated]
        unknown = sorted(set(args.only) - set(declared))
        if unknown:
            where = f"report {reports[0].id!r}" if len(reports) == 1 else "no report"
            raise UsageError(f"{where} has no unstated choice {', '.join(unknown)}; choose from: {', '.join(dict.fromkeys(declared))}")
        # Only the tables that a chosen choice applies to.
        tables = [(r, t) for r, t in tables if {c.key for c in r.choices_of(t)} & set(args.only)]
    options.distribution  # devices and strategy first, before any other TensorFlow work
    _catch_sigterm()
    failed = []
    try:
        for report, table in tables:
            try:
                run_sensitivity(report, table, options, reuse=args.reuse, only=args.only)
            except TrialFailed as error:
                failed += [f"{report.id}/{table.name} {failure}" for failure in error.failures]
    except KeyboardInterrupt:
        return _interrupted(options, prog)
    written = [Path(options.out) / report.id / f"{table.name}{SENSITIVITY_SUFFIX}.json" for report, table in tables]
    print(f"sensitivity: {', '.join(str(path) for path in written if path.exists())} (and .md beside each); "
          f"`{prog} report` shows them under 'What the result depends on'")
    return _failed(failed, options, prog) if failed else 0


def _catch_sigterm() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)


def _interrupted(options, prog) -> int:
    print(f"\n{prog}: interrupted; finished trials are saved under {options.out}/, run the same command to resume", file=sys.stderr)
    return 128 + _stopped_by[0]


def _failed(failed, options, prog) -> int:
    lines = "\n".join(f"  {line}" for line in failed)
    print(f"{prog}: {len(failed)} trial(s) failed; the others are saved under {options.out}/:\n{lines}", file=sys.stderr)
    return 1


def main(
    argv: Sequence[str] | None = None,
    prog: str = "kerasdl",
    load: Callable[[str], Report] = registry.load_report,
    report_ids: Sequence[str] | None = None,
    fixed_report: str | None = None,
) -> int:
    """Run the command line; return the exit status. `load(id)` gives a report (default: the
    registry's), `fixed_report` makes it a report's own script (`reproduce` of that report)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    report_ids = list(registry.report_ids() if report_ids is None else report_ids)
    command = "reproduce"
    try:
        args = parser(prog, fixed_report).parse_args(argv)
        command = args.command
        if command in plugin_commands() and command not in COMMANDS:
            return plugin_commands()[command].load()(args.rest, prog=f"{prog} {command}")
        if command == "list":
            if args.report is not None and args.report not in report_ids:
                raise UsageError(f"unknown report {args.report!r}; choose from: {', '.join(report_ids)}")
            chosen = report_ids if args.report is None else [args.report]
            print(describe([load(r) for r in chosen], rows=args.report is not None))
            return 0
        if command == "predict":
            return predict_command(args)
        if command == "report":
            return report_command(args, prog)
        if command == "compare":
            from kerasdl.runner import compare

            return compare.main(args.a, args.b, prog=prog)
        if command == "export":
            return export_command(args, load, report_ids, prog)
        if command == "config":
            return config_command(args, load, report_ids)
        if command == "sensitivity":
            return sensitivity_command(args, load, report_ids, prog)
        return run_command(args, load, report_ids, prog)
    except (UsageError, PredictError, ExportError) as error:
        where = f"{prog} {command}" if command in ("config", "sensitivity", "export", "predict", "report", "compare") else prog
        print(f"{where}: {error}", file=sys.stderr)
        return 2
    except DataError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 2


def reproduce_main(argv: Sequence[str] | None = None, prog: str = "reproduce") -> int:
    """`python -m reproduce ARGS`: `kerasdl ARGS` when ARGS starts with a command, else
    `kerasdl reproduce ARGS`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*COMMANDS, *plugin_commands(), "-h", "--help"):
        argv = ["reproduce", *argv]
    return main(argv, prog=prog)


_stopped_by = [signal.SIGINT]


def _stop(signum, frame):
    """SIGTERM (a scheduler's or `kill`'s) stops a run like Ctrl-C: the trial in progress is
    dropped at its next batch or epoch, the finished ones are already on disk. Raising here would
    be lost whenever the signal lands in a finalizer, so the runner raises at its next check."""
    _stopped_by[0] = signum
    STOP.set()


def script(report: Report) -> None:
    """The entry point of `python reproduce/<report>.py`: `reproduce`'s options, the report fixed."""
    sys.exit(main(sys.argv[1:], prog=report.id, load=lambda _: report, report_ids=[report.id], fixed_report=report.id))
