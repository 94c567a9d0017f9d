"""`kerasdl list [REPORT]`: reports, tables, profiles and data; with a report, its rows."""

from __future__ import annotations

from typing import Sequence

from kerasdl.commands.arguments import Context, UsageError, slug
from kerasdl.runner.spec import PROFILES, Report


def add(commands, context: Context) -> None:
    c = commands.add_parser("list", help="reports, tables, profiles and data; with a report, its rows")
    c.add_argument("report", nargs="?", help="a report id: also list each table's rows, as export takes them")
    c.set_defaults(func=list_command)


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
                lines += [f"      row {row.name!r}" + (f"  (or {slug(row.name)})" if slug(row.name) != row.name else "")
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


def list_command(args, context: Context) -> int:
    if args.report is not None and args.report not in context.report_ids:
        raise UsageError(f"unknown report {args.report!r}; choose from: {', '.join(context.report_ids)}")
    chosen = context.report_ids if args.report is None else [args.report]
    print(describe([context.load(r) for r in chosen], rows=args.report is not None))
    return 0
