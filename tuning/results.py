"""A finished (or stopped) search, read back from its KerasTuner project: the JSON summary, the
printed trials table with the best hyperparameters beside the report's, and the plot of
validation accuracy against each hyperparameter."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

from keras_tuner.engine.trial import Trial

from kerasdl.runner.store import write_json_atomic
from tuning.tuners import RAN_BY

OBJECTIVE = "val_accuracy"


def read_trials(project: Path) -> list[dict]:
    """Every trial saved in `project`, in trial-id order, with the tuners that ran it."""
    trials = []
    for path in sorted(Path(project).glob("trial_*/trial.json")):
        trial = Trial.load(str(path))
        ran_by = path.parent / RAN_BY
        lines = ran_by.read_text().splitlines() if ran_by.exists() else []
        best = trial.metrics.get_best_value(OBJECTIVE) if trial.metrics.exists(OBJECTIVE) else None
        trials.append(
            {
                "trial_id": trial.trial_id,
                "values": dict(trial.hyperparameters.values),
                "val_accuracy_pct": None if best is None else 100.0 * float(best),
                "best_epoch": None if trial.best_step is None else int(trial.best_step) + 1,
                "status": trial.status,
                "ran_by": [json.loads(line)["tuner_id"] for line in lines if line.strip()],
            }
        )
    return sorted(trials, key=lambda t: int(t["trial_id"]) if t["trial_id"].isdigit() else t["trial_id"])


def _tuned(values: Mapping[str, Any], names) -> dict:
    return {name: values.get(name) for name in names}


def summarize(search, trials: list[dict], data_dir: str | None = None, **fields) -> dict:
    """The JSON summary of `search` (a `tuning.searches.Search`) from its `read_trials`.

    The best trial is the one with the highest validation accuracy (KerasTuner's score: the best
    epoch's); `report_choice_trial` is the best trial that ran the report's values, if one did.
    """
    names = list(search.report_choice)
    scored = [t for t in trials if t["val_accuracy_pct"] is not None and t["status"] == "COMPLETED"]
    best = max(scored, key=lambda t: t["val_accuracy_pct"], default=None)
    report = [t for t in scored if _tuned(t["values"], names) == dict(search.report_choice)]
    report_best = max(report, key=lambda t: t["val_accuracy_pct"], default=None)
    workers: dict[str, list] = {}
    for t in trials:
        for tuner_id in t["ran_by"]:
            workers.setdefault(tuner_id, []).append(t["trial_id"])

    def entry(t):
        if t is None:
            return None
        return {"trial_id": t["trial_id"], "values": _tuned(t["values"], names), "val_accuracy_pct": t["val_accuracy_pct"]}

    return {
        "search": search.name,
        "title": search.title,
        "table": search.table.name,
        "objective": OBJECTIVE,
        "report_choice": dict(search.report_choice),
        "best": entry(best),
        "report_choice_trial": entry(report_best),
        "apply": search.apply_command(entry(best)["values"], fields.get("profile"), data_dir) if best else None,
        "trials": trials,
        "workers": {k: sorted(v) for k, v in sorted(workers.items())},
        **fields,
    }


def _value(v) -> str:
    return "—" if v is None else f"{v:g}" if isinstance(v, float) else str(v)


def format_text(summary: Mapping[str, Any]) -> str:
    """The printed trials table, then the best hyperparameters beside the report's choice."""
    names = list(summary["report_choice"])
    hyperband = summary["tuner"] == "hyperband"
    header = ["trial", *names] + (["epochs"] if hyperband else []) + ["val acc %", "status", "ran by", ""]
    best = (summary["best"] or {}).get("trial_id")
    body = []
    for t in summary["trials"]:
        mark = []
        if t["trial_id"] == best:
            mark.append("best")
        if _tuned(t["values"], names) == summary["report_choice"]:
            mark.append("report's choice")
        acc = t["val_accuracy_pct"]
        body.append(
            [t["trial_id"], *(_value(t["values"].get(n)) for n in names)]
            + ([_value(t["values"].get("tuner/epochs"))] if hyperband else [])
            + ["—" if acc is None else f"{acc:.2f}", t["status"], ",".join(t["ran_by"]) or "—", ", ".join(mark)]
        )
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    data = summary["data"]
    out = [
        f"tuning / {summary['search']}: {summary['title']}",
        f"{summary['tuner']} search, profile {summary['profile']}, trials: {len(summary['trials'])}; "
        f"{data['source']}: {data['train']} train / {data['validation']} validation (1/10 held out); "
        f"epochs per trial: {summary['settings']['epochs']}; objective: best-epoch {summary['objective']}; "
        f"{summary['elapsed_s']:.1f} s",
        line(header),
        line(["-" * w for w in widths]),
        *map(line, body),
    ]
    if summary["workers"] and (len(summary["workers"]) > 1 or summary.get("distributed")):
        split = "; ".join(f"{k}: {', '.join(v)}" for k, v in summary["workers"].items())
        out.append(f"trials per tuner: {split}")
    out.append("")
    if summary["best"] is None:
        out.append("no trial finished: no best hyperparameters")
        return "\n".join(out) + "\n"
    chosen = summary["report_choice_trial"]
    rows = [["", "best (this search)", "report's choice"]]
    rows += [[n, _value(summary["best"]["values"][n]), _value(summary["report_choice"][n])] for n in names]
    rows.append(
        [
            "val acc %",
            f"{summary['best']['val_accuracy_pct']:.2f} (trial {summary['best']['trial_id']})",
            f"{chosen['val_accuracy_pct']:.2f} (trial {chosen['trial_id']})" if chosen else "not tried in this search",
        ]
    )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    out.append(f"run the table with the best values: {summary['apply']}")
    return "\n".join(out) + "\n"


def plot(summary: Mapping[str, Any], path: Path) -> Path | None:
    """Validation accuracy of every finished trial against each hyperparameter, the report's
    choice as a dashed line and the best trial as a star; drawn on a `matplotlib.figure.Figure`
    (no pyplot, the backend left as it is)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return None
    names = list(summary["report_choice"])
    done = [t for t in summary["trials"] if t["val_accuracy_pct"] is not None]
    # A bare Figure, drawn without pyplot: no backend is chosen or changed, nothing stays open.
    fig = Figure(figsize=(4.5 * len(names), 3.6), layout="tight")
    axes = fig.subplots(1, len(names), squeeze=False)
    for ax, name in zip(axes[0], names):
        xs = [t["values"].get(name) for t in done]
        ax.scatter(xs, [t["val_accuracy_pct"] for t in done], color="tab:blue", label="trials")
        ax.axvline(summary["report_choice"][name], color="tab:red", linestyle="--", label="report's choice")
        if summary["best"]:
            ax.scatter(
                [summary["best"]["values"][name]], [summary["best"]["val_accuracy_pct"]],
                marker="*", s=220, color="tab:orange", zorder=3, label="best",
            )
        values = summary.get("space", {}).get(name) or [v for v in xs if isinstance(v, (int, float))]
        if values and min(values) > 0 and max(values) / min(values) > 20:
            ax.set_xscale("log")
        if values:
            ax.set_xticks(values, [_value(v) for v in values])
        ax.set_xlabel(name)
        ax.set_ylabel("validation accuracy (%)")
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    fig.suptitle(f"tuning / {summary['search']} ({summary['tuner']}, {summary['profile']})")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.png")
    fig.savefig(tmp, dpi=100)
    os.replace(tmp, path)
    return path


def write(summary: dict, folder: Path) -> None:
    """`summary.json` and `val_accuracy.png` in `folder`."""
    figure = plot(summary, folder / "val_accuracy.png")
    summary["figure"] = figure.name if figure else None
    write_json_atomic(folder / "summary.json", summary)
