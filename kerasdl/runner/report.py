"""The reproduction report of a results folder: one offline HTML page and its Markdown twin.

From the project's issue "a verdict for every cell, one offline HTML page, and comparing two
runs": `write_report(folder)` writes `folder/index.html` and `folder/REPORT.md` from whatever
tables the folder holds, so the state of a reproduction is seen before it is read. The page opens
with a summary (per report: tables, profiles, cells consistent / compared, conclusions holding /
stated, errata) and a dot plot of the paper's numbers against our means; then every table: paper
| ours (mean ± std, n, min-max, the trials' values) | verdict, the conclusions, notes, errata,
figures and environment; with `reference=DIR`, a reference column judged by
`verdict.RULE_BETWEEN_RUNS`.

The page is one self-contained file: inline CSS, figures as base64 PNGs, no script and nothing
from the network, readable in a narrow window and printed. Tables are `<folder>/<report>/<table>.json`
(also one or two folders further down, e.g. `results/fast/...`; never under `trials/`, `models/`,
`export/`, `workers/`); of several for one report, table and profile the newest is shown. A table
JSON that does not parse or has an older schema is named in the page's warnings and skipped.

Hyperparameter searches (`python -m tuning`, whose default `--out` is `results/tuning/`) get a
section of their own: every `<folder>/tuning/<search>/summary.json`, and any other `summary.json`
of the tuning schema, shows the best values and their validation accuracy beside the report's
choice, the command that runs the table with the tuned values and the `val_accuracy.png` figure.
Only the JSON is read (the `tuning` application is not imported); a malformed summary is named in
the warnings and skipped.

Each report's section ends with "What the result depends on", from the issue "make the unstated
choices data, and measure them": the sensitivity documents (`kerasdl sensitivity`,
`kerasdl.runner.sensitivity`) of its tables, per choice its candidates with their why, the
headline cells, cells consistent / compared and the conclusions that flip against the default
candidate. They are read from `sensitivity=DIR` (`--sensitivity`), else `<folder>/sensitivity`
when it exists (`sensitivity`'s default `--out` is `results/sensitivity`), else the sibling
`<folder>/../sensitivity` (`reference/sensitivity` beside `reference/fast`); a report without a
document says so in one line.
"""

from __future__ import annotations

import base64
import io
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import jinja2
from matplotlib.figure import Figure

from kerasdl.runner import claims, registry, sensitivity as sensitivities, verdict as verdicts
from kerasdl.runner.spec import PROFILES, Report
from kerasdl.runner.store import write_text_atomic
from kerasdl.runner.summary import _digits, _fmt

TEMPLATES = Path(__file__).with_name("templates")
# Folders of a results tree that hold no tables (trial records, models, exports, worker records,
# KerasTuner projects).
SKIPPED_FOLDERS = frozenset({"trials", "models", "export", "workers", "project"})
MAX_DEPTH = 3  # <folder>/<profile-ish>/<report>/<table>.json at most
# Verdicts are judged when a document is read (`verdict.judge`): documents of rule 1, which also
# stored them, load as any other.
REQUIRED = ("report", "table", "profile", "columns", "rows", "conclusions")
ROW_REQUIRED = ("name", "paper", "reproduced")
# A tuning summary (`tuning.results.summarize`, read here as JSON only: the library does not import
# the `tuning` application): these fields, with a trial's and a best entry's below.
TUNING_FILE = "summary.json"
TUNING_REQUIRED = ("search", "table", "objective", "tuner", "report_choice", "best", "report_choice_trial", "trials")
TUNING_MARKERS = ("objective", "report_choice", "report_choice_trial")  # a summary.json of the tuning schema
TRIAL_REQUIRED = ("trial_id", "values", "val_accuracy_pct", "status")
COLOURS = {"consistent": "#1a7f37", "underpowered": "#bf8700", "higher": "#cf222e", "lower": "#cf222e", "spread differs": "#cf222e"}


@dataclass
class Loaded:
    """A table's JSON document and where it lies."""

    summary: dict
    path: Path

    @property
    def key(self) -> tuple[str, str, str]:
        return self.summary["report"], self.summary["table"], self.summary["profile"]


class Written(tuple):
    """`(html_path, md_path)`, with `.warnings`: the table and tuning summary files skipped, one
    line each."""

    def __new__(cls, html: Path, md: Path, warnings: list[str]):
        written = super().__new__(cls, (html, md))
        written.warnings = warnings
        return written

    html = property(lambda self: self[0])
    md = property(lambda self: self[1])


def _schema_problem(doc: Mapping[str, Any]) -> str | None:
    """Why `doc` is not a table of the current schema (None when it is)."""
    missing = [k for k in REQUIRED if k not in doc]
    if missing:
        return f"an older schema (no {', '.join(repr(k) for k in missing)})"
    if not isinstance(doc["columns"], list) or not isinstance(doc["rows"], list):
        return "an older schema ('columns' and 'rows' are not lists)"
    for row in doc["rows"]:
        if not isinstance(row, Mapping) or any(k not in row for k in ROW_REQUIRED):
            return f"an older schema (a row without {', '.join(repr(k) for k in ROW_REQUIRED)})"
    return None


def _is_tuning_path(path: Path) -> bool:
    """`.../tuning/<search>/summary.json`: where `python -m tuning` writes a search's summary."""
    return path.name == TUNING_FILE and path.parent.parent.name == "tuning"


def _candidates(folder: Path):
    for root, dirs, files in os.walk(folder):
        depth = len(Path(root).relative_to(folder).parts)
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith(".") and depth < MAX_DEPTH)
        if depth == 0:
            continue  # the folder's own files (index.html's neighbours) are no tables
        for name in sorted(files):
            if name.endswith(".json") and not name.startswith("."):
                yield Path(root) / name


def load_tables(folder) -> tuple[dict[tuple[str, str, str], Loaded], list[str]]:
    """The tables under `folder`, `{(report, table, profile): Loaded}` (the newest of each), and
    the warnings: one line per table file skipped (unparseable, or of an older schema). JSON files
    that are no table (named otherwise than their `table` field, with no `rows`) are passed over."""
    folder = Path(folder)
    tables: dict[tuple[str, str, str], Loaded] = {}
    warnings: list[str] = []
    for path in _candidates(folder):
        name = path.relative_to(folder).as_posix()
        if _is_tuning_path(path):
            continue  # a search's summary: `load_searches` reads it (and names it if broken)
        try:
            doc = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, ValueError) as error:
            warnings.append(f"{name}: not readable as JSON (truncated?): {error}; skipped")
            continue
        if not isinstance(doc, dict) or (doc.get("table") != path.stem and "rows" not in doc):
            continue  # not a table (a tuning summary, a label list)
        if doc.get("kind") == sensitivities.KIND:
            continue  # a sensitivity document: `load_sensitivity` reads it
        problem = _schema_problem(doc)
        if problem:
            warnings.append(f"{name}: {problem}; skipped")
            continue
        loaded = Loaded(doc, path)
        held = tables.get(loaded.key)
        if held is None or path.stat().st_mtime > held.path.stat().st_mtime:
            tables[loaded.key] = loaded
    order = {p: i for i, p in enumerate(PROFILES)}
    keys = sorted(tables, key=lambda k: (k[0], k[1], order.get(k[2], len(order)), k[2]))
    return {k: tables[k] for k in keys}, warnings


def _number(value) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _tuning_problem(doc: Mapping[str, Any]) -> str | None:
    """Why `doc` is not a tuning summary of the current schema (None when it is)."""
    missing = [k for k in TUNING_REQUIRED if k not in doc]
    if missing:
        return f"not a tuning summary of the current schema (no {', '.join(repr(k) for k in missing)})"
    choice, trials = doc["report_choice"], doc["trials"]
    if not isinstance(choice, Mapping) or not choice or not isinstance(trials, list):
        return "a malformed tuning summary ('report_choice' is no mapping or 'trials' no list)"
    for trial in trials:
        if not isinstance(trial, Mapping) or any(k not in trial for k in TRIAL_REQUIRED):
            return f"a malformed tuning summary (a trial without {', '.join(repr(k) for k in TRIAL_REQUIRED)})"
        if not isinstance(trial["values"], Mapping) or not _number(trial["val_accuracy_pct"]):
            return "a malformed tuning summary (a trial's values or validation accuracy)"
    for key in ("best", "report_choice_trial"):
        entry = doc[key]
        if entry is None:
            continue
        if (
            not isinstance(entry, Mapping)
            or not isinstance(entry.get("values"), Mapping)
            or any(name not in entry["values"] for name in choice)
            or not _finite(entry.get("val_accuracy_pct"))
        ):
            return f"a malformed tuning summary ({key!r} lacks values or a validation accuracy)"
    return None


def load_searches(folder) -> tuple[list[tuple[dict, Path]], list[str]]:
    """The hyperparameter searches' summaries under `folder`, `[(summary, path)]` in path order, and
    the warnings: one line per summary skipped. Read: every `tuning/<search>/summary.json`, and
    any other `summary.json` with the tuning schema's fields (others are passed over)."""
    folder = Path(folder)
    found, warnings = [], []
    for path in _candidates(folder):
        if path.name != TUNING_FILE:
            continue
        name = path.relative_to(folder).as_posix()
        expected = _is_tuning_path(path)
        try:
            doc = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, ValueError) as error:
            if expected:
                warnings.append(f"{name}: a tuning summary not readable as JSON (truncated?): {error}; skipped")
            continue
        if not isinstance(doc, dict):
            if expected:
                warnings.append(f"{name}: not a tuning summary (no JSON object); skipped")
            continue
        if not expected and not all(k in doc for k in TUNING_MARKERS):
            continue  # some other summary.json
        problem = _tuning_problem(doc)
        if problem:
            warnings.append(f"{name}: {problem}; skipped")
            continue
        found.append((doc, path))
    return found, warnings


def sensitivity_folder(folder, given=None) -> Path | None:
    """Where the page reads sensitivity documents: `given`, else `folder/sensitivity`, else
    `folder/../sensitivity`, whichever is a folder first (None: none is)."""
    folder = Path(folder)
    for path in (given, folder / "sensitivity", folder.parent / "sensitivity"):
        if path is not None and Path(path).is_dir():
            return Path(path)
    return None


def load_sensitivity(folder) -> tuple[list[tuple[dict, Path]], list[str]]:
    """The sensitivity documents under `folder` (`<folder>/<report>/<table>.json`), `[(doc, path)]`
    in path order, and the warnings: one line per document skipped (unreadable or malformed)."""
    folder = Path(folder)
    found, warnings = [], []
    for path in _candidates(folder):
        name = path.relative_to(folder).as_posix()
        try:
            doc = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, ValueError) as error:
            warnings.append(f"sensitivity {name}: not readable as JSON (truncated?): {error}; skipped")
            continue
        if not isinstance(doc, dict) or doc.get("kind") != sensitivities.KIND:
            continue
        try:
            if not all(isinstance(doc.get(k), str) for k in ("report", "table", "profile")):
                raise KeyError("'report', 'table' and 'profile' must be strings")
            sensitivities.candidate_lines(doc)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            warnings.append(f"sensitivity {name}: a malformed sensitivity document ({type(error).__name__}: {error}); skipped")
            continue
        found.append((doc, path))
    return found, warnings


# ## The page's content, computed here; the templates only lay it out


def _css(verdict: str | None) -> str:
    if verdict in verdicts.COMPARED:
        return "v-" + verdict.replace(" ", "-")
    return "v-none"


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _mean_std(stats: Mapping[str, Any] | None, digits: int) -> str:
    if not stats or not _finite(stats.get("mean")):
        return "—"
    return f"{_fmt(stats['mean'], digits)} ± {_fmt(stats['std'], digits + 1, like=stats['mean'])}"


def _png(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _relative(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name


def _figures(loaded: Loaded, base: Path) -> list[dict]:
    """The table's figures beside its JSON: PNGs as data URIs, others (or missing ones) by name."""
    shown = []
    for name in loaded.summary.get("figures") or []:
        path = loaded.path.parent / name
        entry = {"name": name, "uri": None, "note": None, "path": _relative(path, base)}
        if ".." in Path(name).parts or Path(name).is_absolute():
            entry["note"] = "outside the table's folder: not shown"
        elif not path.is_file():
            entry["note"] = "missing"
        elif path.suffix.lower() == ".png":
            entry["uri"] = _png(path.read_bytes())
        else:
            entry["note"] = "not an image: kept beside the table"
        shown.append(entry)
    return shown


def _hp_value(value) -> str:
    return "—" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _accuracy(entry: Mapping[str, Any] | None) -> str:
    if not entry:
        return "not tried in this search"
    return f"{entry['val_accuracy_pct']:.2f} (trial {entry.get('trial_id', '?')})"


def _search_figure(summary: Mapping[str, Any], path: Path, base: Path) -> dict:
    name = summary.get("figure") or "val_accuracy.png"
    if not isinstance(name, str):
        name = "val_accuracy.png"
    figure = path.parent / name
    entry = {"name": name, "uri": None, "note": None, "path": _relative(figure, base)}
    if ".." in Path(name).parts or Path(name).is_absolute():
        entry["note"] = "outside the search's folder: not shown"
    elif not figure.is_file():
        entry["note"] = "missing"
    elif figure.suffix.lower() != ".png":
        entry["note"] = "not a PNG: kept beside the summary"
    else:
        entry["uri"] = _png(figure.read_bytes())
    return entry


def _search_view(summary: Mapping[str, Any], path: Path, base: Path) -> dict:
    """A search's part of the page: its best values beside the report's choice, and its figure."""
    names = list(summary["report_choice"])
    best, chosen = summary["best"], summary["report_choice_trial"]
    trials = summary["trials"]
    finished = [t for t in trials if t["status"] == "COMPLETED" and t["val_accuracy_pct"] is not None]
    rows = [
        {"name": n, "best": _hp_value(best["values"][n]) if best else "—", "choice": _hp_value(summary["report_choice"][n])}
        for n in names
    ]
    data = summary.get("data") if isinstance(summary.get("data"), Mapping) else {}
    settings = summary.get("settings") if isinstance(summary.get("settings"), Mapping) else {}
    details = []
    if summary.get("profile"):
        details.append(f"profile {summary['profile']}")
    if data.get("train") is not None:
        details.append(f"{data.get('source', 'data')}: {data['train']} train / {data.get('validation')} validation")
    if settings.get("epochs") is not None:
        details.append(f"{settings['epochs']} epochs per trial")
    if _finite(summary.get("elapsed_s")):
        details.append(f"{summary['elapsed_s']:.1f} s")
    relative = path.parent.relative_to(base).as_posix() if path.is_relative_to(base) else path.parent.name
    return {
        "search": str(summary["search"]),
        "title": str(summary.get("title") or ""),
        "table": str(summary["table"]),
        "tuner": str(summary["tuner"]),
        "anchor": "s-" + "".join(c if c.isalnum() else "_" for c in relative),
        "file": _relative(path, base),
        "trials": len(trials),
        "finished": len(finished),
        "max_trials": summary.get("max_trials"),
        "objective": str(summary["objective"]),
        "details": "; ".join(details),
        "rows": rows,
        "best_accuracy": _accuracy(best) if best else "no trial finished",
        "choice_accuracy": _accuracy(chosen),
        "apply": summary.get("apply") or None,
        "tensorboard": summary.get("tensorboard") or None,
        "distributed": bool(summary.get("distributed")),
        "trial_rows": [
            {
                "id": str(t["trial_id"]),
                "values": ", ".join(f"{n}={_hp_value(t['values'].get(n))}" for n in names),
                "accuracy": "—" if t["val_accuracy_pct"] is None else f"{t['val_accuracy_pct']:.2f}",
                "status": str(t["status"]),
                "mark": ", ".join(
                    m
                    for m, match in (
                        ("best", best and t["trial_id"] == best.get("trial_id")),
                        ("report's choice", {n: t["values"].get(n) for n in names} == dict(summary["report_choice"])),
                    )
                    if match
                ),
            }
            for t in trials
        ],
        "figure": _search_figure(summary, path, base),
    }


def _environment(summary: Mapping[str, Any]) -> dict | None:
    env = summary.get("environment")
    if not isinstance(env, Mapping):
        return None
    gpus = env.get("gpus") or []
    line = ", ".join(
        part
        for part in (
            f"kerasdl {env.get('kerasdl')}",
            f"TensorFlow {env.get('tensorflow')}",
            f"Keras {env.get('keras')}",
            f"{env.get('cpu')} ({env.get('cpu_cores')} cores)",
            f"oneDNN {'on' if env.get('onednn') else 'off'}",
            ", ".join(gpus) if gpus else "no GPU",
            f"jobs {env.get('jobs')}",
        )
    )
    items = []
    for key, value in env.items():
        if key == "data" and isinstance(value, Mapping):
            value = f"{value.get('name')}: {value.get('train')} train / {value.get('test')} test, SHA-256 {value.get('sha256')}"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value) or "none"
        elif isinstance(value, bool):
            value = "on" if value else "off"
        items.append((key, "—" if value is None else str(value)))
    return {"line": line, "fields": items, "command": env.get("command") or "—"}


def _cells(loaded: Loaded, reference: Loaded | None) -> list[dict]:
    summary = loaded.summary
    ref_rows = {r["name"]: r for r in reference.summary["rows"]} if reference else {}
    cells = []
    for row, row_verdicts in zip(summary["rows"], verdicts.judge(summary)):
        for column in summary["columns"]:
            digits = _digits(summary, column)
            stats = row["reproduced"].get(column)
            judged = row_verdicts[column]
            paper = row["paper"].get(column)
            paper_text = _fmt(paper, digits) if _finite(paper) else "—"
            if _finite((row.get("paper_std") or {}).get(column)):
                paper_text += f" ± {_fmt(row['paper_std'][column], digits + 1, like=paper)}"
            values = list((stats or {}).get("values") or [])
            finite = [v for v in values if _finite(v)]
            n = str((stats or {}).get("n") or 0)
            if row.get("diverged"):
                n += f" ({len(row['diverged'])} diverged)"
            cell = {
                "row": row["name"],
                "column": column,
                "paper": paper_text,
                "ours": _mean_std(stats, digits),
                "n": n,
                "range": f"{_fmt(min(finite), digits)} – {_fmt(max(finite), digits)}" if finite else "—",
                "trial_values": ", ".join(_fmt(v, digits) if _finite(v) else "—" for v in values),
                "count": len(values),
                "difference": _fmt(judged.get("difference"), digits, "+"),
                "tolerance": _fmt(judged.get("tolerance"), digits + 1),
                "verdict": judged["verdict"] + (f" ({judged['why']})" if judged.get("why") else ""),
                "css": _css(judged["verdict"]),
            }
            if not verdicts.counted(summary, row, column):
                cell["verdict"] += ", counted once (a repeat)"
            if reference is not None:
                ref_row = ref_rows.get(row["name"])
                ref_stats = (ref_row or {}).get("reproduced", {}).get(column) if ref_row else None
                against = verdicts.against(ref_stats, stats, comparable=not verdicts.is_timing(column),
                                           proportion=verdicts.proportion_of(summary, column), exact=bool(summary.get("exact")))
                cell["reference"] = _mean_std(ref_stats, digits)
                cell["ref_verdict"] = {"no paper value": "no reference value", "not run": "not run"}.get(
                    against["verdict"], against["verdict"]
                )
                cell["ref_css"] = _css(against["verdict"])
                cell["ref_raw"] = against["verdict"]
            cells.append(cell)
    return cells


def installed_report(report_id: str) -> Report | None:
    """The installed `Report` of a results folder's table; None where it is not installed (a
    folder read on another machine, a report removed since)."""
    try:
        return registry.load_report(report_id)
    except (LookupError, TypeError, ImportError):
        return None


def protocol_of(report_id: str) -> list[str]:
    """Where the report's protocol comes from (`Report.protocol`); empty where the report is not
    installed."""
    report = installed_report(report_id)
    return list(report.protocol) if report is not None else []


def paper_hours(summary: Mapping[str, Any]) -> float | None:
    """Hours of trials the `paper` profile of this (shorter) table would take on the machine that
    ran it: its time per trial, epoch and training example, scaled to the paper profile's trials,
    epochs and examples. None where it cannot be told (the report is not installed, no timing)."""
    report = installed_report(summary["report"])
    if report is None:
        return None
    try:
        table = report.table(summary["table"])
    except KeyError:  # a table the installed report no longer has
        return None
    if table.data is None and table.row_data is None:  # nothing trained (a derivations table)
        return None
    ran, paper = summary.get("config") or {}, report.settings(table, "paper")
    trials = sum(row.get("trials") or 0 for row in summary["rows"])
    examples = (summary.get("data") or {}).get("train") or 1
    if not trials or not summary.get("compute_s"):
        return None
    per_unit = summary["compute_s"] / (trials * ran.get("epochs", 1) * examples)
    paper_examples = paper.get("n_train") or (examples if ran.get("n_train") is None else None)
    if paper_examples is None:  # the paper's full data set, whose size this table does not know
        return None
    paper_trials = len(summary["rows"]) * (table.trials or paper.get("trials", 1))
    return per_unit * paper_trials * paper.get("epochs", 1) * paper_examples / 3600


def _sensitivity_view(doc: Mapping[str, Any], path: Path, base: Path) -> dict:
    """A table's sensitivity document on the page: per choice its candidates' lines, and every
    conclusion that flips under some candidate."""
    lines = sensitivities.candidate_lines(doc)
    choices = []
    for line in lines:
        if not choices or choices[-1]["key"] != line["key"]:
            choices.append({"key": line["key"], "title": line["choice"], "candidates": []})
        choices[-1]["candidates"].append(line)
    env = _environment(doc)
    return {
        "table": doc["table"],
        "profile": doc["profile"],
        "title": doc.get("title") or "",
        "file": Path(os.path.relpath(path, base)).as_posix(),
        "missing": doc.get("missing_trials") or 0,
        "fewer": sensitivities.fewer_trials(doc),
        "headers": sensitivities.cell_headers(doc),
        "claims": list(doc["conclusions"]),
        "choices": choices,
        "flips": [f"{line['key']} = {line['value']}: {c['text']}" for line in lines for c in line["changes"]],
        "environment": env["line"] if env else "not recorded",
    }


def _anchor(key: tuple[str, str, str]) -> str:
    return "t-" + "-".join("".join(c if c.isalnum() else "_" for c in part) for part in key)


def _table_view(loaded: Loaded, reference: Loaded | None, with_reference: bool, base: Path) -> dict:
    summary = loaded.summary
    data = (summary.get("environment") or {}).get("data") or {}
    sizes = summary.get("data") or {}
    if data:
        data_line = f"{data.get('name')}, {data.get('train')} train / {data.get('test')} test"
    elif sizes.get("train"):
        data_line = f"{sizes['train']} train / {sizes['test']} test"
    else:
        data_line = "no data set"
    holds_text = {True: "holds", False: "does not hold", None: "undecided"}
    cells = _cells(loaded, reference if with_reference else None)
    ref_counts = None
    if with_reference and reference is not None:
        ref_counts = _ref_counts(cells)
    return {
        "key": loaded.key,
        "anchor": _anchor(loaded.key),
        "report": summary["report"],
        "table": summary["table"],
        "profile": summary["profile"],
        "title": summary.get("title") or "",
        "file": _relative(loaded.path, base),
        "data": data_line,
        "elapsed": f"{summary.get('compute_s') or 0:.1f} s of trials",
        "missing": summary.get("missing_trials") or 0,
        "counts": _counts_line(summary),
        "cells": cells,
        "conclusions": [
            {"claim": c.get("claim", ""), "holds": holds_text.get(c.get("holds")), "css": {True: "c-yes", False: "c-no"}.get(c.get("holds"), "c-undecided")}
            for c in summary["conclusions"]
        ],
        "notes": list(summary.get("notes") or []),
        "errata": list(summary.get("errata") or []),
        "figures": _figures(loaded, base),
        "environment": _environment(summary),
        "with_reference": with_reference,
        "has_reference": reference is not None,
        "ref_counts": ref_counts,
        "paper_hours": None,
        "paper_run": None,
    }


def _counts_line(summary: Mapping[str, Any]) -> str:
    totals = verdicts.aggregate([summary])
    return verdicts.describe(totals["verdicts"], totals["conclusions_holding"])


def _ref_counts(cells) -> dict:
    compared = [c for c in cells if c.get("ref_raw") in verdicts.COMPARED]
    return {"consistent": sum(c["ref_raw"] == "consistent" for c in compared), "compared": len(compared)}


def _fraction(a: int, b: int) -> str:
    return f"{a} / {b}"


# A profile whose numbers test the code path only: the page says so beside its rows.
NOT_A_REPRODUCTION = {"smoke": "smoke: a test of the code path, not a reproduction"}


def _summary_rows(views: list[dict], with_reference: bool) -> tuple[list[dict], dict]:
    """One summary row per report and profile, and the totals: `tables` over the folder and one
    `all` row per profile (`rows`), never adding one profile's cells to another's."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for view in views:
        groups.setdefault((view["report"], view["profile"]), []).append(view)
    profiles = list(dict.fromkeys(profile for _, profile in groups))
    blank = {"tables": 0, "consistent": 0, "compared": 0, "holding": 0, "stated": 0, "errata": 0, "ref_c": 0, "ref_n": 0}
    totals = {profile: dict(blank) for profile in profiles}
    rows = []
    for (report, profile), group in groups.items():
        counted = verdicts.aggregate([v["_summary"] for v in group])
        cells, held = counted["verdicts"], counted["conclusions_holding"]
        errata = sum(len(v["errata"]) for v in group)
        row = {
            "report": report,
            "anchor": "r-" + "".join(c if c.isalnum() else "_" for c in report),
            "tables": [{"name": v["table"] + (f" ({profile})" if len(profiles) > 1 else ""), "anchor": v["anchor"]} for v in group],
            "profiles": NOT_A_REPRODUCTION.get(profile, profile),
            "cells": _fraction(cells["consistent"], cells["compared"]),
            "out": ", ".join(f"{cells[k]} {k}" for k in verdicts.COMPARED[1:] + ("not run",) if cells.get(k)),
            "conclusions": _fraction(held["holding"], held["stated"]),
            "undecided": held.get("undecided", 0),
            "errata": errata,
        }
        total = totals[profile]
        total["tables"] += len(group)
        total["consistent"] += cells["consistent"]
        total["compared"] += cells["compared"]
        total["holding"] += held["holding"]
        total["stated"] += held["stated"]
        total["errata"] += errata
        if with_reference:
            c = sum(v["ref_counts"]["consistent"] for v in group if v["ref_counts"])
            n = sum(v["ref_counts"]["compared"] for v in group if v["ref_counts"])
            row["reference"] = _fraction(c, n)
            row["unmatched"] = sum(not v["has_reference"] for v in group)
            total["ref_c"] += c
            total["ref_n"] += n
        rows.append(row)
    total_rows = [
        {
            "label": "all" if len(profiles) == 1 else f"all ({profile})",
            "tables": total["tables"],
            "cells": _fraction(total["consistent"], total["compared"]),
            "conclusions": _fraction(total["holding"], total["stated"]),
            "errata": total["errata"],
            "reference": _fraction(total["ref_c"], total["ref_n"]),
        }
        for profile, total in totals.items()
    ]
    if not total_rows:  # no table yet
        total_rows = [{"label": "all", "tables": 0, "cells": _fraction(0, 0), "conclusions": _fraction(0, 0),
                       "errata": 0, "reference": _fraction(0, 0)}]
    return rows, {"tables": sum(t["tables"] for t in total_rows), "rows": total_rows}


def _mean_interval(stats: Mapping[str, Any]) -> float:
    """The half width of our mean's 95 % t interval (0 for one trial)."""
    return claims.half_width(claims.Measured.of(stats)) or 0.0


def dot_plot(report: str, loaded: list[Loaded]) -> str | None:
    """Per report, the paper's value against our mean ± its 95 % interval for every compared cell
    the rule could judge, one panel per column (one unit each), the rule's interval as a grey band
    around the paper's value, our dot coloured by its verdict: a base64 PNG data URI (None without a
    compared cell). Drawn on a `Figure`, without pyplot, so no backend is touched."""
    panels: dict[str, list[tuple]] = {}
    profiles = {item.summary["profile"] for item in loaded}
    for item in loaded:
        summary = item.summary
        for row, row_verdicts in zip(summary["rows"], verdicts.judge(summary)):
            for column in summary["columns"]:
                judged = row_verdicts[column]
                if judged["verdict"] not in verdicts.COMPARED or judged["tolerance"] is None:
                    continue
                stats = row["reproduced"][column]
                label = f"{summary['table']} · {row['name']}"
                if len(profiles) > 1:
                    label += f" [{summary['profile']}]"
                if len(label) > 48:
                    label = label[:47] + "…"
                panels.setdefault(column, []).append(
                    (label, row["paper"][column], judged["tolerance"], stats["mean"], _mean_interval(stats), judged["verdict"])
                )
    if not panels:
        return None
    heights = [0.7 + 0.3 * len(cells) for cells in panels.values()]
    fig = Figure(figsize=(10.0, sum(heights) + 0.4), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    for ax, (column, cells) in zip(axes, panels.items()):
        y = list(range(len(cells)))[::-1]
        for yi, (label, paper, tolerance, mean, spread, verdict) in zip(y, cells):
            ax.plot([paper - tolerance, paper + tolerance], [yi, yi], color="#c8ccd1", linewidth=7, solid_capstyle="butt", zorder=1)
            ax.plot([paper], [yi], marker="D", markersize=6, markerfacecolor="white", markeredgecolor="black", linestyle="none", zorder=3)
            ax.errorbar([mean], [yi], xerr=[spread], fmt="o", markersize=5, color=COLOURS[verdict], capsize=2, zorder=4)
        ax.set_yticks(y, [c[0] for c in cells], fontsize=8)
        ax.set_ylim(-0.7, len(cells) - 0.3)
        ax.set_title(column, loc="left", fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    handles = [
        axes[0].plot([], [], marker="D", markerfacecolor="white", markeredgecolor="black", linestyle="none")[0],
        axes[0].plot([], [], color="#c8ccd1", linewidth=7)[0],
    ] + [axes[0].plot([], [], marker="o", color=COLOURS[v], linestyle="none")[0] for v in ("consistent", "underpowered", "higher")]
    fig.legend(
        handles,
        ["paper", "the rule's interval around the paper", "ours (mean ± its 95 % interval): consistent", "underpowered",
         "higher / lower / spread differs"],
        loc="outside upper center", ncol=5, fontsize=8, frameon=False,
    )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96)
    return _png(buffer.getvalue())


def _environment_jinja() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    # One line; pipes and "<" escaped, so that a cell stays one cell and no text reads as HTML.
    env.filters["md"] = lambda text: " ".join(str(text).split()).replace("|", "\\|").replace("<", "\\<")
    return env


def build(folder, reference=None, sensitivity=None) -> dict:
    """Everything the page shows, as plain data: `summary`, `sections`, `searches`, `warnings`...;
    `sensitivity`: the folder of sensitivity documents (None: see `sensitivity_folder`)."""
    folder = Path(folder)
    tables, warnings = load_tables(folder)
    references: dict = {}
    if reference is not None:
        references, ref_warnings = load_tables(reference)
        warnings += [f"reference {line}" for line in ref_warnings]
    # A sibling `paper` folder (reference/paper beside reference/fast): its tables are linked, not estimated.
    at_paper = folder.parent / "paper"
    paper_tables = load_tables(at_paper)[0] if at_paper.is_dir() and at_paper.resolve() != folder.resolve() else {}
    views = []
    for key, loaded in tables.items():
        view = _table_view(loaded, references.get(key), reference is not None, folder)
        view["_summary"] = loaded.summary
        report_id, table, profile = key
        paper_key = (report_id, table, "paper")
        if profile != "paper" and paper_key in paper_tables:
            view["paper_run"] = Path(os.path.relpath(at_paper / "index.html", folder)).as_posix() + "#" + _anchor(paper_key)
        elif profile != "paper" and paper_key not in tables:
            hours = paper_hours(loaded.summary)
            view["paper_hours"] = None if hours is None or hours < 0.1 else f"{hours:.1f}"
        views.append(view)
    rows, totals = _summary_rows(views, reference is not None)
    by_report: dict[str, list[Loaded]] = {}
    for loaded in tables.values():
        by_report.setdefault(loaded.summary["report"], []).append(loaded)
    for row in rows:
        row["plot"] = dot_plot(row["report"], by_report[row["report"]])
    found, search_warnings = load_searches(folder)
    warnings += search_warnings
    searches = [_search_view(summary, path, folder) for summary, path in found]
    sections = [{"report": row["report"], "anchor": row["anchor"], "tables": [v for v in views if v["report"] == row["report"]]} for row in rows]
    depends = sensitivity_folder(folder, sensitivity)
    documents, sensitivity_warnings = load_sensitivity(depends) if depends is not None else ([], [])
    warnings += sensitivity_warnings
    order = {p: i for i, p in enumerate(PROFILES)}
    documents.sort(key=lambda item: (item[0]["table"], order.get(item[0]["profile"], len(order))))
    for section in sections:
        section["protocol"] = protocol_of(section["report"])
        section["sensitivity"] = [_sensitivity_view(doc, path, folder) for doc, path in documents if doc["report"] == section["report"]]
    return {
        "folder": folder.resolve().name or str(folder),
        "reference": None if reference is None else (Path(reference).resolve().name or str(reference)),
        "summary": rows,
        "totals": totals,
        "sections": sections,
        "searches": searches,
        "rule": verdicts.RULE,
        "rule_between_runs": verdicts.RULE_BETWEEN_RUNS,
        "warnings": warnings,
        "with_reference": reference is not None,
        "sensitivity_folder": None if depends is None else Path(os.path.relpath(depends, folder)).as_posix(),
    }


def render(page: Mapping[str, Any]) -> tuple[str, str]:
    """The HTML and the Markdown of `page` (as `build` gives)."""
    env = _environment_jinja()
    return env.get_template("report.html.j2").render(**page), env.get_template("report.md.j2").render(**page)


def write_report(folder, reference=None, sensitivity=None) -> Written:
    """Write `folder/index.html` and `folder/REPORT.md` from the tables (and the hyperparameter
    searches' summaries) under `folder`, with a reference column from the tables under `reference`
    and the sensitivity documents under `sensitivity` (None: see `sensitivity_folder`); return
    `(html_path, md_path)`, whose `.warnings` name the table and summary files skipped."""
    folder = Path(folder)
    page = build(folder, reference, sensitivity)
    html, markdown = render(page)
    paths = folder / "index.html", folder / "REPORT.md"
    write_text_atomic(paths[0], html)
    write_text_atomic(paths[1], markdown)
    return Written(paths[0], paths[1], page["warnings"])
