"""`kerasdl export REPORT TABLE ROW [--dest DIR] [run options]`: a row's best trial's model as
`.keras` and SavedModel (`kerasdl.runner.export`)."""

from __future__ import annotations

from pathlib import Path

from kerasdl.commands.arguments import (
    Context, UsageError, add_run_options, checked_overrides, out_folder, row_named, run_options, select, slug,
)
from kerasdl.runner.export import export_row


def add(commands, context: Context) -> None:
    c = commands.add_parser("export", help="export a row's best model as .keras and SavedModel")
    c.add_argument("report")
    c.add_argument("table")
    c.add_argument("row")
    c.add_argument("--dest", type=out_folder, help="export folder (default <out>/<report>/export/<table>/<row>)")
    add_run_options(c)
    c.set_defaults(func=export_command, where="export")


def export_command(args, context: Context) -> int:
    options = run_options(args)
    if args.report not in context.report_ids:
        raise UsageError(f"unknown report {args.report!r}; choose from: {', '.join(context.report_ids)}")
    report = context.load(args.report)
    (table,) = select(report, [args.table])
    checked_overrides(report, table, options)
    options.distribution  # devices and strategy first, before any other TensorFlow work
    row = row_named(report, table, args.row)
    dest = args.dest or Path(options.out) / report.id / "export" / table.name / slug(row)
    labels = export_row(report, table.name, row, dest, options)
    metrics = ", ".join(f"{k}={v:.4g}" for k, v in labels["metrics"].items() if v is not None)
    print(f"exported {report.id}/{table.name}/{row} (trial {labels['trial']}, {metrics}) to {dest}/")
    print(f"  {dest}/model.keras, {dest}/saved_model/ (serve signature), {dest}/labels.json")
    return 0
