"""`kerasdl report [--out DIR] [--reference DIR] [--sensitivity DIR]`: every table's verdicts on
one offline page, `<out>/index.html` and `REPORT.md` (`kerasdl.runner.report`)."""

from __future__ import annotations

import sys
from pathlib import Path

from kerasdl.commands.arguments import Context, UsageError, data_folder


def add(commands, context: Context) -> None:
    c = commands.add_parser("report", help="every table's verdicts on one offline page: <out>/index.html and REPORT.md")
    c.add_argument("--out", type=data_folder, default="results", help="results folder (default results/)")
    c.add_argument("--reference", type=data_folder, help="another results folder (e.g. reference/fast): a reference column, judged by the same rule")
    c.add_argument("--sensitivity", type=data_folder, metavar="DIR", help="sensitivity documents for 'What the result depends on' (default <out>/sensitivity, else <out>/../sensitivity)")
    c.set_defaults(func=report_command, where="report")


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


def report_command(args, context: Context) -> int:
    """The page of --out's tables; prints its path."""
    from kerasdl.runner.report import write_report

    _check_results_folder(Path(args.out))
    written = write_report(args.out, reference=args.reference, sensitivity=args.sensitivity)
    for line in written.warnings:
        print(f"{context.prog} report: {line}", file=sys.stderr)
    print(written.html)
    return 0
