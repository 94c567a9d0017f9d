"""`suite`: wall time of `python -m reproduce all --profile fast`, broken down by report and
table. Each report runs as its own `python -m reproduce REPORT` process into a fresh results
folder (so no stored trial is reused); the per-table `elapsed_s` and `compute_s` come from the
tables' JSON documents.

    python -m benchmarks suite [--reports scratch_mlp,lenet5] [--profile fast] [--data-dir DIR] [--jobs N|auto]

`--jobs` is passed on to each `python -m reproduce` (its trials in N processes at once); without it
none is passed, and reproduce runs one trial at a time.

The whole suite took 70 minutes on 2 idle CPU cores (BENCHMARKS.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import common
from kerasdl.commands.arguments import UsageError
from kerasdl.runner.registry import report_ids
from kerasdl.runner.spec import PROFILES


def selected(args) -> list[str]:
    known = report_ids()
    if not args.reports:
        return known
    names = [r.strip() for r in args.reports.split(",") if r.strip()]
    for name in names:
        if name not in known:
            raise UsageError(f"unknown report {name!r} in --reports; choose from: {', '.join(known)}")
    if not names:
        raise UsageError("--reports names no report")
    return names


def check_args(args) -> None:
    if args.profile not in PROFILES:
        raise UsageError(f"unknown profile {args.profile!r}; choose from: {', '.join(PROFILES)}")
    selected(args)


def tables_of(folder: Path) -> list[dict]:
    """The table documents (`<table>.json`) a reproduce run wrote in `folder`."""
    docs = []
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text())
        if isinstance(doc, dict) and "elapsed_s" in doc and "table" in doc:
            docs.append(doc)
    return docs


def command(report: str, profile: str, out: str, args) -> list[str]:
    """The `python -m reproduce` command line that runs `report` into `out`."""
    line = [sys.executable, "-m", "reproduce", report, "--profile", profile, "--out", out, "--quiet"]
    if args.data_dir:
        line += ["--data-dir", args.data_dir]
    if args.jobs:
        line += ["--jobs", args.jobs]
    return line


def run(args, echo=print) -> dict:
    profile = "smoke" if args.quick else args.profile
    rows, notes = [], []
    with tempfile.TemporaryDirectory(prefix="kerasdl-suite-") as scratch:
        for report in selected(args):
            command_line = command(report, profile, scratch, args)
            start = time.perf_counter()
            done = subprocess.run(command_line, capture_output=True, text=True)
            wall = time.perf_counter() - start
            if done.returncode != 0:
                tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
                notes.append(f"{report}: exit {done.returncode}: {tail}")
            tables = tables_of(Path(scratch) / report)
            for doc in tables:
                rows.append({"report": report, "table": doc["table"], "elapsed_s": doc["elapsed_s"],
                             "compute_s": doc.get("compute_s"), "wall_s": None})
            elapsed = sum(d["elapsed_s"] for d in tables)
            rows.append({"report": report, "table": "(all: process wall time)", "elapsed_s": elapsed,
                         "compute_s": sum(d.get("compute_s") or 0.0 for d in tables), "wall_s": wall,
                         "share of wall": None})
    total = sum(r["wall_s"] for r in rows if r["wall_s"] is not None)
    for row in rows:
        if row["wall_s"] is not None:
            row["share of wall"] = row["wall_s"] / total if total else None
    rows.append({"report": "total", "table": "", "wall_s": total})
    jobs = f" --jobs {args.jobs}" if args.jobs else ""
    notes.append(f"python -m reproduce REPORT --profile {profile}{jobs} --quiet, one process per report, fresh --out; "
                 "elapsed_s: the runner's per-table time (data loading, trials, outputs); wall_s adds the "
                 "process start (imports)")
    return common.report("suite", ["report", "table", "elapsed_s", "compute_s", "wall_s", "share of wall"], rows,
                         args.out, settings={"profile": profile, "reports": selected(args), "jobs": args.jobs}, notes=notes,
                         echo=echo)
