"""The command line of `python -m reproduce` and of each `reproduce/<report>.py` script.

    python -m reproduce list
    python -m reproduce REPORT [TABLE ...] [--profile P] [--trials N] [--epochs N]
                        [--data-dir DIR] [--out DIR] [--seed S] [--quiet]
    python -m reproduce all [--profile P] ...
    python -m reproduce REPORT ... --shard K/N     (one of N jobs sharing one --out)
    python -m reproduce collect REPORT [TABLE ...] [run options]   (assemble, run nothing)
    python -m reproduce export REPORT TABLE ROW [--dest DIR] [run options]
    python -m reproduce predict MODEL INPUT ... [--top K]
    python -m reproduce report [--out DIR] [--reference DIR]   (<out>/index.html and REPORT.md)
    python -m reproduce compare A B     (cell by cell; exit 0 same within the rule, 1 differs)

Every run without --shard ends by refreshing its --out's report page (`report: <out>/index.html`).

Bad arguments print one line naming the problem and the valid choices, and exit with status 2;
so does missing data (one paragraph saying what was tried and how to supply the files).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Callable, Sequence

from kerasdl.data import DataError
from kerasdl.predict import PredictError, predict
from kerasdl.runner import distribute
from kerasdl.runner.distribute import STRATEGIES
from kerasdl.runner.execute import STOP, check_overrides
from kerasdl.runner.parallel import TrialFailed, auto_jobs
from kerasdl.runner.export import export_row
from kerasdl.runner.run import run_table
from kerasdl.runner.spec import PROFILES, Report


class UsageError(Exception):
    """A bad command line; its message is the one line printed."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


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


def _run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", default="fast", help=f"one of {', '.join(PROFILES)} (default fast)")
    p.add_argument("--trials", type=positive_int, help="trials per row (overrides the profile)")
    p.add_argument("--epochs", type=positive_int, help="epochs per trial (overrides the profile)")
    p.add_argument("--data-dir", type=data_folder, help="folder with local data files (else $KERASDL_DATA_DIR, then tfds)")
    p.add_argument("--out", type=out_folder, default="results", help="results folder (default results/)")
    p.add_argument("--seed", type=integer, default=0, help="seed of the first trial (trial i uses seed+i)")
    p.add_argument("--set", type=setting, action="append", default=[], metavar="KEY=VALUE", help="override a row setting, e.g. backend=keras (repeatable)")
    p.add_argument("--strategy", default="default", choices=STRATEGIES, help="tf.distribute strategy inside each trial (default: none)")
    p.add_argument("--cpu-devices", type=positive_int, help="split the CPU into N logical devices (for --strategy mirrored without GPUs)")
    p.add_argument("--jobs", type=jobs, default=1, metavar="N|auto", help="run a table's trials in N processes at once, each with its share of the cores (default 1)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _start_distribution(args) -> None:
    """Set up devices and the strategy before any other TensorFlow work, as TF requires."""
    if args.jobs > 1 and args.strategy != "default":
        raise UsageError(f"--jobs {args.jobs} runs trials side by side; it takes no --strategy {args.strategy}")
    if args.cpu_devices:
        distribute.split_cpu(args.cpu_devices)
    distribute.get(args.strategy)


def parser(prog: str, reports: bool) -> argparse.ArgumentParser:
    p = _Parser(prog=prog, description="Re-run a report's tables beside the paper's numbers.")
    if reports:
        p.add_argument("report", help="a report id, 'all', 'list', 'collect', 'export', 'predict', 'report' or 'compare'")
    p.add_argument("tables", nargs="*", help="tables to run (default: all of the report's)")
    _run_options(p)
    p.add_argument("--shard", type=shard, metavar="K/N", help="run only the K-th of N slices of each table's trials")
    return p


def export_parser(prog: str) -> argparse.ArgumentParser:
    p = _Parser(prog=f"{prog} export", description="Export a row's best model as .keras and SavedModel.")
    p.add_argument("report")
    p.add_argument("table")
    p.add_argument("row")
    p.add_argument("--dest", type=out_folder, help="export folder (default <out>/<report>/export/<table>/<row>)")
    _run_options(p)
    return p


def predict_parser(prog: str) -> argparse.ArgumentParser:
    p = _Parser(prog=f"{prog} predict", description="Classify PNG images or a .npy batch with an exported model.")
    p.add_argument("model", help="an export folder, a SavedModel folder or a .keras file")
    p.add_argument("inputs", nargs="+", help="image files, or one .npy batch")
    p.add_argument("--top", type=positive_int, default=3, help="classes shown per input (default 3)")
    return p


def report_parser(prog: str) -> argparse.ArgumentParser:
    p = _Parser(prog=f"{prog} report", description="Write <out>/index.html and <out>/REPORT.md: every table's verdicts on one offline page.")
    p.add_argument("--out", type=data_folder, default="results", help="results folder (default results/)")
    p.add_argument("--reference", type=data_folder, help="another results folder (e.g. reference/fast): a reference column, judged by the same rule")
    return p


def compare_parser(prog: str) -> argparse.ArgumentParser:
    p = _Parser(prog=f"{prog} compare", description="Compare two results folders cell by cell (exit 0: same within the verdict rule, 1: differs, 2: bad input).")
    p.add_argument("a", help="results folder A (e.g. reference/fast)")
    p.add_argument("b", help="results folder B, judged against A")
    return p


def report_main(argv, prog) -> int:
    """`reproduce report`: the page of --out's tables (issue "one offline HTML page"); prints its path."""
    from kerasdl.runner.report import write_report

    try:
        args = report_parser(prog).parse_args(argv)
    except UsageError as error:
        print(f"{prog} report: {error}", file=sys.stderr)
        return 2
    written = write_report(args.out, reference=args.reference)
    for line in written.warnings:
        print(f"{prog} report: {line}", file=sys.stderr)
    print(written.html)
    return 0


def compare_main(argv, prog) -> int:
    """`reproduce compare A B`: see `kerasdl.runner.compare`."""
    from kerasdl.runner import compare

    try:
        args = compare_parser(prog).parse_args(argv)
    except UsageError as error:
        print(f"{prog} compare: {error}", file=sys.stderr)
        return 2
    return compare.main(args.a, args.b, prog=prog)


def _refresh_report(out, prog) -> None:
    """After a run's tables: rewrite <out>/index.html and REPORT.md, in one line. The tables are
    the run's result and the page only a view of them, so a page that fails is said, not raised."""
    try:
        from kerasdl.runner.report import write_report

        written = write_report(out)
    except Exception as error:  # noqa: BLE001
        print(f"{prog}: the report page was not refreshed: {type(error).__name__}: {error}", file=sys.stderr)
        return
    skipped = f" ({len(written.warnings)} table file(s) skipped: listed on the page)" if written.warnings else ""
    print(f"report: {written.html}{skipped}")


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text).strip("_") or "row"


def export_main(argv, load, report_ids, prog) -> int:
    try:
        args = export_parser(prog).parse_args(argv)
        if args.profile not in PROFILES:
            raise UsageError(f"unknown profile {args.profile!r}; choose from: {', '.join(PROFILES)}")
        if args.report not in report_ids:
            raise UsageError(f"unknown report {args.report!r}; choose from: {', '.join(report_ids)}")
        report = load(args.report)
        (table,) = _select(report, [args.table])
        check_overrides(report, table, args.profile, dict(args.set))
        _start_distribution(args)
        dest = args.dest or Path(args.out) / report.id / "export" / table.name / _slug(args.row)
        labels = export_row(
            report, table.name, args.row, dest, args.profile, out=args.out, seed=args.seed,
            trials=args.trials, epochs=args.epochs, data_dir=args.data_dir, overrides=dict(args.set),
            quiet=args.quiet, strategy=args.strategy,
        )
    except (UsageError, ValueError, DataError) as error:
        print(f"{prog} export: {error}", file=sys.stderr)
        return 2
    metrics = ", ".join(f"{k}={v:.4g}" for k, v in labels["metrics"].items() if v is not None)
    print(f"exported {report.id}/{table.name}/{args.row} (trial {labels['trial']}, {metrics}) to {dest}/")
    print(f"  {dest}/model.keras, {dest}/saved_model/ (serve signature), {dest}/labels.json")
    return 0


def predict_main(argv, prog) -> int:
    try:
        args = predict_parser(prog).parse_args(argv)
        value_name, results = predict(args.model, args.inputs, top=args.top)
    except (UsageError, PredictError) as error:
        print(f"{prog} predict: {error}", file=sys.stderr)
        return 2
    for name, ranked in results:
        if value_name == "probability":
            print(f"{name}: " + ", ".join(f"{label} {p:.3f}" for label, p in ranked))
        elif value_name == "margin":  # the class the margin picks, then the margin
            print(f"{name}: " + ", ".join(f"{label} (margin {v:+.3f})" for label, v in ranked))
        else:  # one output unit and no labels.json to say what it means
            print(f"{name}: score {ranked[0][1]:+.3f}")
    return 0


def describe(reports: Sequence[Report]) -> str:
    lines = []
    for report in reports:
        lines.append(f"{report.id}: {report.title}  [{report.source}]")
        for table in report.tables:
            data = table.data or "none (no data set)"
            lines.append(f"  {table.name:<32} {table.title}  (data: {data})")
        for profile in PROFILES:
            settings = ", ".join(f"{k}={v}" for k, v in report.profiles[profile].items())
            lines.append(f"  profile {profile}: {settings}")
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


def main(
    argv: Sequence[str] | None,
    load: Callable[[str], Report],
    report_ids: Sequence[str],
    prog: str = "reproduce",
    only: str | None = None,
) -> int:
    """Run the command line; `load(id)` gives a report, `only` fixes it (a report's own script)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if only is None and argv[:1] == ["export"]:
        return export_main(argv[1:], load, report_ids, prog)
    if only is None and argv[:1] == ["predict"]:
        return predict_main(argv[1:], prog)
    if only is None and argv[:1] == ["report"]:
        return report_main(argv[1:], prog)
    if only is None and argv[:1] == ["compare"]:
        return compare_main(argv[1:], prog)
    collect = only is None and argv[:1] == ["collect"]
    if collect:
        argv = argv[1:]
    try:
        args = parser(prog, reports=only is None).parse_args(argv)
        if only is not None:
            args.report = only
        if args.profile not in PROFILES:
            raise UsageError(f"unknown profile {args.profile!r}; choose from: {', '.join(PROFILES)}")
        choices = ["list", "all", "collect", "export", "predict", "report", "compare", *report_ids]
        if args.report not in choices:
            raise UsageError(f"unknown report {args.report!r}; choose from: {', '.join(choices)}")
        if collect and args.shard:
            raise UsageError("collect runs nothing: it takes no --shard")
        if args.report == "list":
            print(describe([load(r) for r in report_ids]))
            return 0
        if args.report == "all" and args.tables:
            raise UsageError("'all' takes no table names")
        reports = [load(r) for r in (report_ids if args.report == "all" else [args.report])]
        jobs = [(report, table) for report in reports for table in _select(report, args.tables)]
        for report, table in jobs:
            check_overrides(report, table, args.profile, dict(args.set))
        _start_distribution(args)
    except (UsageError, ValueError) as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 2
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
    incomplete, failed = 0, []
    try:
        for report, table in jobs:
            try:
                summary = run_table(
                    report,
                    table,
                    args.profile,
                    out=args.out,
                    seed=args.seed,
                    trials=args.trials,
                    epochs=args.epochs,
                    data_dir=args.data_dir,
                    overrides=dict(args.set),
                    quiet=args.quiet,
                    shard=args.shard,
                    execute=not collect,
                    strategy=args.strategy,
                    jobs=args.jobs,
                )
            except TrialFailed as error:
                failed += [f"{report.id}/{table.name}: {failure}" for failure in error.failures]
                continue
            incomplete += bool(summary["missing_trials"]) and args.shard is None
    except DataError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\n{prog}: interrupted; finished trials are saved under {args.out}/, run the same command to resume", file=sys.stderr)
        return 128 + _stopped_by[0]
    if args.shard is None and distribute.is_chief(args.strategy):
        _refresh_report(args.out, prog)
    if failed:
        lines = "\n".join(f"  {line}" for line in failed)
        print(f"{prog}: {len(failed)} trial(s) failed; the others are saved under {args.out}/:\n{lines}", file=sys.stderr)
        return 1
    if collect and incomplete:
        print(f"{prog} collect: {incomplete} table(s) incomplete: run their remaining shards", file=sys.stderr)
        return 1
    return 0


_stopped_by = [signal.SIGINT]


def _stop(signum, frame):
    """SIGTERM (a scheduler's or `kill`'s) stops a run like Ctrl-C: the trial in progress is
    dropped at its next batch or epoch, the finished ones are already on disk. Raising here would
    be lost whenever the signal lands in a finalizer, so the runner raises at its next check."""
    _stopped_by[0] = signum
    STOP.set()


def load_report(report_id: str) -> Report:
    """The `REPORT` of module `reproduce.<report_id>`."""
    return importlib.import_module(f"reproduce.{report_id}").REPORT


def script(report: Report) -> None:
    """The entry point of `python reproduce/<report>.py`: the same options, the report fixed."""
    sys.exit(main(sys.argv[1:], lambda _: report, [report.id], prog=report.id, only=report.id))
