"""Export a row's best trained model: `.keras` for Keras users, a TensorFlow SavedModel with a
`serve` signature for everyone else, and `labels.json` saying how to feed it and read it.

The best trial is the one with the best value in the table's first column (lowest for errors,
times and losses, highest otherwise). Its model is reused when the runner kept it; a row whose
trials have not run yet is trained first, and a finished trial without a kept model (one run
before models were kept) is run again with its own seed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import keras

from kerasdl.data import class_names
from kerasdl.runner.execute import run_plan, run_trial, store_of
from kerasdl.runner.plan import plan_table
from kerasdl.runner.options import RunOptions
from kerasdl.runner.progress import Progress
from kerasdl.runner.spec import Report
from kerasdl.runner.verdict import is_timing

# Words of a column's name (`test_error_pct`, `max_abs_diff`) that make smaller better, besides
# the time units of `verdict.is_timing`.
LOWER_IS_BETTER = frozenset({"error", "loss", "time", "diff"})


def lower_is_better(column: str) -> bool:
    """Whether smaller is better in `column`, read from the `_`-separated words of its name (so
    `pixel_std` is not a time in seconds)."""
    return bool(LOWER_IS_BETTER & set(column.lower().split("_"))) or is_timing(column)


class ExportError(ValueError):
    """A row that cannot be exported (no Keras model, unknown row); the message says why."""


def export_row(report: Report, table_name: str, row_name: str, dest, options: RunOptions = RunOptions()) -> dict:
    """Write `dest/model.keras`, `dest/saved_model/` and `dest/labels.json`; return the labels."""
    table = report.table(table_name)
    valid = [r.name for r in table.rows]
    if row_name not in valid:
        raise ExportError(f"unknown row {row_name!r} of {report.id}/{table_name}; choose from: {', '.join(valid)}")
    # One process: the row's trials are a slice of the table's (a worker plans the whole table).
    plan = plan_table(report, table, options.replace(jobs=1, shard=None))
    plan.trials = [planned for planned in plan.trials if planned.row.name == row_name]
    records = [record for _, record in run_plan(plan, progress=Progress(quiet=options.quiet))]
    column = table.columns[0]
    scored = [r for r in records if r["metrics"].get(column) is not None]
    if not scored:
        raise ExportError(f"no trial of {report.id}/{table_name}/{row_name} has a {column} value")
    pick = min if lower_is_better(column) else max
    best = pick(scored, key=lambda r: r["metrics"][column])
    store = store_of(plan)
    model_file = store.model_path(best["identity"])
    if "model" in best and best["model"] is None:
        raise ExportError(f"{report.id}/{table_name}/{row_name} trains no Keras model; nothing to export")
    if not model_file.exists():
        planned = next(p for p in plan.trials if p.identity == best["identity"])
        if run_trial(plan, planned, store)["model"] is None:
            raise ExportError(f"{report.id}/{table_name}/{row_name} trains no Keras model; nothing to export")
    model = keras.models.load_model(model_file)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(model_file, dest / "model.keras")
    saved = dest / "saved_model"
    if saved.exists():
        shutil.rmtree(saved)
    model.export(str(saved), verbose=False)
    labels = {
        "report": report.id,
        "table": table_name,
        "row": row_name,
        "profile": options.profile,
        "trial": best["trial"],
        "seed": best["seed"],
        "metrics": best["metrics"],
        "input_shape": list(model.input_shape[1:]),
        "input_scaling": "float32 pixels / 255, in [0, 1]",
        "class_names": list(table.labels or (class_names(table.data) if table.data else ())) or None,
        "output": table.output,
    }
    (dest / "labels.json").write_text(json.dumps(labels, indent=1))
    return labels
