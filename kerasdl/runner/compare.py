"""Two runs side by side, cell by cell: `kerasdl compare A B`.

From the project's issue "a verdict for every cell, one offline HTML page, and comparing two
runs": for every table in both results folders (matched by report, table and profile; e.g. a
fresh run against a published `reference/fast`), each cell's mean in A and in B, their
difference and whether B is consistent with A by the paper's rule, read between two runs
(`verdict.RULE_BETWEEN_RUNS`: A's runs in the paper's place, no digit term since neither number
is a printed one), and the conclusions that change.

Differing beyond the rule: a cell `higher`, `lower` or `spread differs` (B against A), a cell or
row only one run has, or a conclusion whose verdict changes (holds / does not hold / undecided).
`underpowered` and timing (`not comparable`) cells are shown, never counted; so are the conclusions that read a
timing column (which one of two rows is faster moves with the machine's load), marked as such. Exit status: 0 when nothing differs
beyond the rule, 1 otherwise, 2 on bad input (a missing folder, no table in both, tables of
different kerasdl versions), said in one line.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from kerasdl.runner import verdict as verdicts
from kerasdl.runner.report import Loaded, installed_report, load_tables
from kerasdl.runner.summary import _digits, _fmt

DIFFERING = verdicts.DIFFERING + ("only in A", "only in B")
HOLDS = {True: "holds", False: "does not hold", None: "undecided"}


class CompareError(Exception):
    """Bad input (exit status 2); the message is the one line printed."""


@dataclass
class TableComparison:
    key: tuple[str, str, str]
    cells: list[dict]
    conclusions: list[dict]
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.key[0]}/{self.key[1]} ({self.key[2]})"


@dataclass
class Comparison:
    a: str
    b: str
    tables: list[TableComparison]
    only_a: list[tuple[str, str, str]]
    only_b: list[tuple[str, str, str]]
    warnings: list[str]

    def differences(self) -> list[str]:
        """One line per cell beyond the rule and per conclusion that changes."""
        lines = []
        for table in self.tables:
            where = f"{table.key[0]}/{table.key[1]} ({table.key[2]})"
            for c in table.cells:
                if c["verdict"] in DIFFERING:
                    lines.append(f"{where} {c['row']} / {c['column']}: {_words(c)}")
            for c in table.conclusions:
                if c["changed"] and not c["timing"]:
                    lines.append(f"{where} conclusion {c['claim']!r}: {c['a']} in A, {c['b']} in B")
        return lines

    @property
    def status(self) -> int:
        return 1 if self.differences() else 0

    def counts(self) -> dict:
        counts = {"compared": 0, **{v: 0 for v in verdicts.COMPARED}}
        for table in self.tables:
            for c in table.cells:
                if c["verdict"] in verdicts.COMPARED:
                    counts[c["verdict"]] += 1
                    counts["compared"] += 1
        return counts

    def format(self) -> str:
        """The printed report: per table its cells and changed conclusions, then the verdict."""
        out = [f"compare A = {self.a}  with  B = {self.b}", f"rule: {verdicts.RULE_BETWEEN_RUNS}"]
        out += [f"skipped: {w}" for w in self.warnings]
        out.append(
            f"{len(self.tables)} table(s) in both; only in A: {_keys(self.only_a)}; only in B: {_keys(self.only_b)}"
        )
        header = ["row", "metric", "A mean", "B mean", "B - A", "tolerance", "verdict"]
        for table in self.tables:
            consistent = sum(c["verdict"] == "consistent" for c in table.cells)
            compared = sum(c["verdict"] in verdicts.COMPARED for c in table.cells)
            out += ["", f"{table.name}: {consistent} of {compared} cells consistent"]
            out += [f"  note: {n}" for n in table.notes]
            body = [
                [c["row"], c["column"], c["a_text"], c["b_text"], c["difference_text"], c["tolerance_text"], c["verdict"]]
                for c in table.cells
            ]
            widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
            line = lambda r: "  " + "  ".join(x.ljust(w) for x, w in zip(r, widths)).rstrip()  # noqa: E731
            out += [line(header)] + [line(r) for r in body]
            for c in table.conclusions:
                mark = ("CHANGES" if c["changed"] else "same") + (", timing: not counted" if c["timing"] else "")
                out.append(f"  conclusion [{mark}] {c['claim']}: {c['a']} in A, {c['b']} in B")
        counts = self.counts()
        others = ", ".join(f"{counts[v]} {v}" for v in verdicts.COMPARED[1:] if counts[v])
        out.append("")
        out.append(
            f"cells: {counts['consistent']} of {counts['compared']} compared consistent" + (f" ({others})" if others else "")
        )
        differences = self.differences()
        if differences:
            out.append(f"B differs from A beyond the rule in {len(differences)} place(s):")
            out += [f"  {line}" for line in differences]
        else:
            out.append("B agrees with A within the rule: nothing differs beyond it")
        return "\n".join(out) + "\n"


def _keys(keys) -> str:
    return ", ".join(f"{r}/{t} ({p})" for r, t, p in keys) or "none"


def _words(c: Mapping[str, Any]) -> str:
    if c["verdict"] == "only in A":
        return f"B has no value (A {c['a_text']})"
    if c["verdict"] == "only in B":
        return f"A has no value (B {c['b_text']})"
    return f"B {c['verdict']} than A ({c['a_text']} -> {c['b_text']}, B - A {c['difference_text']}, tolerance {c['tolerance_text']})"


def _mean(stats) -> float | None:
    mean = (stats or {}).get("mean")
    return mean if isinstance(mean, (int, float)) else None


def _timing_claims(summary: Mapping[str, Any]) -> set[str]:
    """The claims of a stored table whose check reads a timing column, as the installed report
    declares them (none where the report or table is not installed)."""
    report = installed_report(summary["report"])
    try:
        table = report.table(summary["table"]) if report is not None else None
    except KeyError:
        table = None
    if table is None:
        return set()
    return {c.claim for c in table.conclusions if any(verdicts.is_timing(x) for x in getattr(c.check, "columns", ()))}


def compare_tables(a: Loaded, b: Loaded) -> TableComparison:
    """Every cell of two runs of one table (rows and columns matched by name, A's order first)."""
    sa, sb = a.summary, b.summary
    rows_a = {r["name"]: r for r in sa["rows"]}
    rows_b = {r["name"]: r for r in sb["rows"]}
    names = list(rows_a) + [n for n in rows_b if n not in rows_a]
    columns = list(sa["columns"]) + [c for c in sb["columns"] if c not in sa["columns"]]
    cells = []
    for name in names:
        ra, rb = rows_a.get(name), rows_b.get(name)
        for column in columns:
            stats_a = (ra or {}).get("reproduced", {}).get(column)
            stats_b = (rb or {}).get("reproduced", {}).get(column)
            if _mean(stats_a) is None and _mean(stats_b) is None:
                continue  # neither run has the cell
            judged = verdicts.against(stats_a, stats_b, comparable=not verdicts.is_timing(column),
                                      proportion=verdicts.proportion_of(sa, column), exact=bool(sa.get("exact")))
            verdict = {"no paper value": "only in B", "not run": "only in A"}.get(judged["verdict"], judged["verdict"])
            digits = _digits(sa if column in sa["columns"] else sb, column)
            cells.append(
                {
                    "row": name,
                    "column": column,
                    "a": _mean(stats_a),
                    "b": _mean(stats_b),
                    "difference": judged["difference"],
                    "tolerance": judged["tolerance"],
                    "verdict": verdict,
                    "a_text": _fmt(_mean(stats_a), digits),
                    "b_text": _fmt(_mean(stats_b), digits),
                    "difference_text": _fmt(judged["difference"], digits, "+"),
                    "tolerance_text": _fmt(judged["tolerance"], digits + 1),
                }
            )
    claims_b = {c.get("claim"): c.get("holds") for c in sb["conclusions"]}
    timing = _timing_claims(sa)
    conclusions = []
    for c in sa["conclusions"]:
        if c.get("claim") in claims_b:
            held_a, held_b = c.get("holds"), claims_b[c.get("claim")]
            conclusions.append({"claim": c.get("claim"), "a": HOLDS.get(held_a), "b": HOLDS.get(held_b),
                                "changed": held_a != held_b, "timing": c.get("claim") in timing})
    notes = []
    for label, summary in (("A", sa), ("B", sb)):
        if summary.get("missing_trials"):
            notes.append(f"{label} is incomplete: {summary['missing_trials']} trial(s) not run")
    return TableComparison((sa["report"], sa["table"], sa["profile"]), cells, conclusions, notes)


def _folder(text, label: str) -> Path:
    path = Path(text)
    if not path.exists():
        raise CompareError(f"{label} {str(text)!r} does not exist")
    if not path.is_dir():
        raise CompareError(f"{label} {str(text)!r} is not a directory")
    return path


def compare(a, b) -> Comparison:
    """Compare the tables of results folders `a` and `b` (see the module's docstring); raises
    `CompareError` on bad input."""
    tables_a, warnings_a = load_tables(_folder(a, "A"))
    tables_b, warnings_b = load_tables(_folder(b, "B"))
    common = [k for k in tables_a if k in tables_b]
    if not common:
        raise CompareError(
            f"no table in both A {str(a)!r} ({len(tables_a)} tables: {_keys(list(tables_a)[:3]) if tables_a else 'none'}"
            f"{', ...' if len(tables_a) > 3 else ''}) and B {str(b)!r} ({len(tables_b)} tables)"
        )
    for key in common:
        va = (tables_a[key].summary.get("environment") or {}).get("kerasdl")
        vb = (tables_b[key].summary.get("environment") or {}).get("kerasdl")
        if va and vb and va != vb:
            raise CompareError(
                f"kerasdl versions differ: A has {va}, B has {vb} (table {key[0]}/{key[1]}): compare runs of one version"
            )
    return Comparison(
        str(a),
        str(b),
        [compare_tables(tables_a[k], tables_b[k]) for k in common],
        [k for k in tables_a if k not in tables_b],
        [k for k in tables_b if k not in tables_a],
        [f"A {w}" for w in warnings_a] + [f"B {w}" for w in warnings_b],
    )


def main(a, b, *, prog: str = "reproduce", out=None, err=None) -> int:
    """Print the comparison of `a` and `b`; return the exit status (0 same within the rule,
    1 differs, 2 bad input)."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        comparison = compare(a, b)
    except CompareError as error:
        print(f"{prog} compare: {error}", file=err)
        return 2
    out.write(comparison.format())
    return comparison.status
