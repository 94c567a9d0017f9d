"""What a result depends on (issue "make the unstated choices data, and measure them"):
`kerasdl.runner.sensitivity`, the `sensitivity` command and the page's "What the result depends
on", on a made-up report whose trials are arithmetic."""

import json
import shutil
from pathlib import Path

import pytest

from kerasdl.runner import Candidate, Choice, Conclusion, Report, Row, RunOptions, Table, TrialResult, run_table
from kerasdl.commands import main
from kerasdl.runner.report import load_sensitivity, load_tables, write_report
from kerasdl.runner import verdict
from kerasdl.runner.sensitivity import candidate_counts, changes, format_terminal, run_sensitivity
from kerasdl.runner.store import TrialStore

CALLS = []  # (table, row, scale, shift, seed) of every trial run
STOP = []  # (scale, shift) at which the next trial is interrupted, once

SCALE = Choice("scale", "output scale", Candidate(1, "the report's formula"), [Candidate(-1, "a sign flip"), Candidate(2, "doubled")], tables=["t"])
SHIFT = Choice("shift", "offset", Candidate(0, "none stated"), [Candidate(10, "the era's code adds 10")], tables=["t"])


def trial(t):
    scale, shift = SCALE.of(t.config), SHIFT.of(t.config)
    if STOP and STOP[0] == (scale, shift):
        STOP.clear()
        raise KeyboardInterrupt
    CALLS.append((t.table, t.row.name, scale, shift, t.seed))
    t.epoch_done()
    return TrialResult({"score": t.row.config["base"] * scale + shift + 0.02 * t.index, "time_s": 1.0})


ROWS = [Row("a", {"score": 1.0}, {"base": 1.0}), Row("b", {"score": 2.0}, {"base": 2.0})]
PROFILES = {p: {"epochs": 1, "trials": 2} for p in ("smoke", "fast", "paper")}
# `exact`: judged by the paper's digit alone, so that two trials can be consistent.
T = Table("t", "a made-up table", ["score", "time_s"], ROWS, trial, exact=True,
          conclusions=[Conclusion("b beats a", lambda m: m["b"]["score"] > m["a"]["score"])])
U = Table("u", "a table no choice applies to", ["score", "time_s"], ROWS, trial)
REPORT = Report("toy", "Toy", "none", [T, U], PROFILES, unstated=[SCALE, SHIFT])
PLAIN = Report("plain", "Plain", "none", [U], PROFILES)
REPORTS = {"toy": REPORT, "plain": PLAIN}


def options(out, **changes):
    return RunOptions("smoke", out=str(out), quiet=True, **changes)


def cli(*argv):
    return main(list(argv), load=REPORTS.__getitem__, report_ids=list(REPORTS))


@pytest.fixture(autouse=True)
def fresh():
    CALLS.clear()
    STOP.clear()


def _stable(doc):
    return {k: v for k, v in doc.items() if k not in ("elapsed_s", "environment")}


def test_each_candidate_runs_once_the_default_being_the_plain_table(tmp_path):
    plain = run_table(REPORT, T, options(tmp_path), echo=None)
    CALLS.clear()
    doc = run_sensitivity(REPORT, T, options(tmp_path), echo=None)
    # The default candidate's trials are the plain run's: none runs again; each other candidate
    # reaches the trial function, the other choice at its default.
    assert sorted({(scale, shift) for *_, scale, shift, _ in CALLS}) == [(-1, 0), (1, 10), (2, 0)]
    assert len(CALLS) == 3 * 2 * 2
    scale, shift = doc["choices"]
    assert [c["value"] for c in scale["candidates"]] == [1, -1, 2] and [c["default"] for c in scale["candidates"]] == [True, False, False]
    default = scale["candidates"][0]
    assert default["rows"] == shift["candidates"][0]["rows"]
    assert [r["cells"]["score"]["mean"] for r in default["rows"]] == [r["reproduced"]["score"]["mean"] for r in plain["rows"]]
    assert candidate_counts(default) == verdict.count_cells(plain) and default["reused"] == 0
    assert scale["candidates"][1]["rows"][0]["cells"]["score"]["mean"] == pytest.approx(-0.99)
    assert shift["candidates"][1]["rows"][1]["cells"]["score"]["mean"] == pytest.approx(12.01)
    # A second run runs nothing and gives the same document.
    CALLS.clear()
    again = run_sensitivity(REPORT, T, options(tmp_path), echo=None)
    assert CALLS == [] and _stable(again) == _stable(doc)


@pytest.mark.slow  # worker processes; the runner's own --jobs equality is tested by test_parallel
def test_jobs_give_the_document_of_a_serial_run(tmp_path):
    serial = run_sensitivity(REPORT, T, options(tmp_path / "serial"), echo=None)
    parallel = run_sensitivity(REPORT, T, options(tmp_path / "parallel", jobs=2), echo=None)
    strip = lambda doc: [{k: v for k, v in c.items() if k != "compute_s"} for choice in doc["choices"] for c in choice["candidates"]]  # noqa: E731
    assert strip(parallel) == strip(serial) and parallel["environment"]["jobs"] == 2


def test_the_document_and_its_markdown(tmp_path):
    doc = run_sensitivity(REPORT, T, options(tmp_path), echo=None)
    saved = json.loads((tmp_path / "toy" / "t.sensitivity.json").read_text())
    assert _stable(saved) == _stable(doc)
    assert doc["kind"] == "sensitivity" and doc["profile"] == "smoke" and doc["seed"] == 0
    assert doc["columns"] == ["score"]  # time_s has no paper value: not a headline cell
    assert doc["environment"]["seeds"] == [0, 1] and doc["missing_trials"] == 0
    scale = doc["choices"][0]
    assert [c["why"] for c in scale["candidates"]] == ["the report's formula", "a sign flip", "doubled"]
    assert [candidate_counts(c)["consistent"] for c in scale["candidates"]] == [2, 0, 0]
    assert [c["conclusions"][0]["holds"] for c in scale["candidates"]] == [True, False, True]
    md = (tmp_path / "toy" / "t.sensitivity.md").read_text()
    assert "| choice | candidate | trials | a | b | consistent / compared | C1 |" in md
    assert "| output scale | **1** (default) | 4 / 4 | 1.01 | 2.01 | 2 / 2 | ✓ |" in md
    assert "| output scale | -1 | 4 / 4 | -0.99 | -1.99 | 0 / 2 | ✗ (flips) |" in md
    assert "- scale = -1: b beats a: holds → does not hold" in md
    assert "- shift = 10: the era's code adds 10" in md and "INCOMPLETE" not in md and "Each candidate ran" not in md
    terminal = format_terminal(doc).splitlines()
    assert terminal[0] == "toy/t: what the result depends on (profile smoke)"
    assert terminal[2].split() == ["scale", "1", "(default)", "4", "/", "4", "2", "/", "2", "1", "/", "1"]
    assert terminal[3].split()[:3] == ["scale", "-1", "4"] and terminal[3].endswith("C1 holds → does not hold")
    # The document is no table: a page of that folder skips it without a warning.
    assert load_tables(tmp_path) == ({}, [])


def test_derived_columns_are_headline_cells():
    import dataclasses

    from kerasdl.runner.sensitivity import headline_columns

    with_share = dataclasses.replace(T, columns=["score", "time_s", "high_pct"], derived={"high_pct": lambda m: 0.0})
    assert headline_columns(T) == ["score"] and headline_columns(with_share) == ["score", "high_pct"]


def test_fewer_trials_than_the_profile_asks_are_said(tmp_path):
    doc = run_sensitivity(REPORT, T, options(tmp_path, trials=1), echo=None)
    assert (doc["trials_per_row"], doc["protocol_trials"]) == (1, 2)
    md = (tmp_path / "toy" / "t.sensitivity.md").read_text()
    assert "Each candidate ran 1 of the 2 trials per row that the smoke profile asks for" in md


def test_an_interrupted_run_shows_its_missing_trials_and_resumes(tmp_path):
    STOP.append((1, 10))
    with pytest.raises(KeyboardInterrupt):
        run_sensitivity(REPORT, T, options(tmp_path), echo=None)
    doc = json.loads((tmp_path / "toy" / "t.sensitivity.json").read_text())
    shifted = doc["choices"][1]["candidates"][1]
    assert doc["missing_trials"] == 4 and (shifted["trials"], shifted["missing"]) == (0, 4)
    assert shifted["conclusions"][0]["holds"] is None
    md = (tmp_path / "toy" / "t.sensitivity.md").read_text()
    assert "**INCOMPLETE: 4 trial(s) not run" in md and "| offset | 10 | 0 / 4 INCOMPLETE | — (n=0) | — (n=0) |" in md
    CALLS.clear()
    doc = run_sensitivity(REPORT, T, options(tmp_path), echo=None)
    assert len(CALLS) == 4 and doc["missing_trials"] == 0


def test_reuse_copies_only_trials_of_identical_identity(tmp_path):
    reference, other = tmp_path / "reference", tmp_path / "other"
    run_table(REPORT, T, options(reference), echo=None)
    run_table(REPORT, T, options(other, seed=5), echo=None)
    stored = sorted((reference / "toy" / "trials").glob("*.json"))
    tampered = json.loads(stored[0].read_text())
    tampered["identity"]["seed"] = 99  # a record whose identity is not its key's: never taken
    stored[0].write_text(json.dumps(tampered))
    CALLS.clear()
    doc = run_sensitivity(REPORT, T, options(tmp_path / "sensitivity"), reuse=other, echo=None)
    assert doc["choices"][0]["candidates"][0]["reused"] == 0 and len(CALLS) == 16  # seeds 5, 6 differ
    CALLS.clear()
    doc = run_sensitivity(REPORT, T, options(tmp_path / "mine"), reuse=reference, echo=None)
    assert [c["reused"] for choice in doc["choices"] for c in choice["candidates"]] == [3, 0, 0, 3, 0]
    assert len(CALLS) == 12 + 1 and all(scale == 1 and shift == 0 for *_, scale, shift, _ in CALLS[:1])
    mine = TrialStore(tmp_path / "mine" / "toy" / "trials")
    for path in stored[1:]:
        record = json.loads(path.read_text())
        assert mine.get(record["identity"]) == record


def test_the_command_and_its_exit_codes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli("sensitivity", "plain") == 2
    assert capsys.readouterr().err.strip() == "kerasdl sensitivity: report 'plain' declares no unstated choice: nothing to measure"
    assert cli("sensitivity", "toy", "u") == 2
    assert "table 'u' of report 'toy' has no unstated choice; tables with some: t" in capsys.readouterr().err
    assert cli("sensitivity", "toy", "--set", "scale=2") == 2
    assert "scale: an unstated choice that sensitivity varies" in capsys.readouterr().err
    assert cli("sensitivity", "toy", "nope") == 2 and "unknown table 'nope'" in capsys.readouterr().err
    assert cli("sensitivity", "toy", "--reuse", str(tmp_path / "absent")) == 2
    assert main(["sensitivity", "nope"]) == 2 and "unknown report 'nope'" in capsys.readouterr().err
    assert CALLS == []
    assert cli("sensitivity", "toy", "--profile", "smoke", "--quiet") == 0
    assert (tmp_path / "results" / "sensitivity" / "toy" / "t.sensitivity.json").exists()
    assert not (tmp_path / "results" / "sensitivity" / "toy" / "u.json").exists()
    out = capsys.readouterr().out
    # The terminal gets one line per candidate (the cells are in the Markdown), then the paths.
    assert "toy/t: what the result depends on (profile smoke)" in out and "| choice |" not in out
    assert max(len(line) for line in out.splitlines()[:-1]) < 100
    assert out.splitlines()[-1].startswith("sensitivity: results/sensitivity/toy/t.sensitivity.json")
    STOP.append((2, 0))
    assert cli("sensitivity", "all", "--profile", "smoke", "--quiet", "--out", "again") == 130
    assert "interrupted" in capsys.readouterr().err and json.loads(Path("again/toy/t.sensitivity.json").read_text())["missing_trials"] == 8  # scale=2 and shift=10
    assert cli("list") == 0 and "unstated choices: 2 (scale, shift)" in capsys.readouterr().out


def test_choice_runs_one_choice_and_reads_the_others_from_the_store(tmp_path, capsys):
    assert cli("sensitivity", "toy", "--choice", "nope", "--out", str(tmp_path)) == 2
    assert "report 'toy' has no unstated choice nope; choose from: scale, shift" in capsys.readouterr().err
    assert cli("sensitivity", "toy", "--choice", "shift", "--profile", "smoke", "--quiet", "--out", str(tmp_path)) == 0
    assert sorted({(scale, shift) for *_, scale, shift, _ in CALLS}) == [(1, 0), (1, 10)]
    doc = json.loads((tmp_path / "toy" / "t.sensitivity.json").read_text())
    assert doc["missing_trials"] == 8  # scale=-1 and scale=2: not run, counted
    CALLS.clear()
    assert cli("sensitivity", "toy", "--choice", "scale", "--profile", "smoke", "--quiet", "--out", str(tmp_path)) == 0
    assert sorted({(scale, shift) for *_, scale, shift, _ in CALLS}) == [(-1, 0), (2, 0)]
    assert json.loads((tmp_path / "toy" / "t.sensitivity.json").read_text())["missing_trials"] == 0


def test_the_page_says_what_each_report_depends_on(tmp_path, capsys):
    run = tmp_path / "run"
    for report in (REPORT, PLAIN):
        for table in report.tables:
            run_table(report, table, options(run), echo=None)
    html, md = write_report(run)
    for text in (html.read_text(), md.read_text()):
        assert text.count("What the result depends on") >= 2
        assert text.count("No sensitivity document for this report") == 2
    run_sensitivity(REPORT, T, options(tmp_path / "sensitivity"), echo=None)  # beside the results folder
    written = write_report(run)
    assert written.warnings == []
    page, markdown = written.html.read_text(), written.md.read_text()
    for text in (page, markdown):
        assert "No sensitivity document for this report" in text and "a sign flip" in text
        assert "t: scale = -1: b beats a: holds → does not hold" in text
    assert 'id="r-toy-depends"' in page and "<script" not in page and "http" not in page.split("<body>")[1]
    assert '<td class="num">-0.99</td>' in page and "../sensitivity" in page
    assert "| `-1` | a sign flip | 4 / 4 | -0.99 | -1.99 | 0 / 2 | ✗! (0 / 1) | b beats a: holds → does not hold |" in markdown
    # Inside the results folder it wins over the sibling; --sensitivity names another; a broken
    # document is named and skipped.
    inside = run / "sensitivity" / "toy"
    shutil.copytree(tmp_path / "sensitivity" / "toy", inside, ignore=shutil.ignore_patterns("trials"))
    doc = json.loads((inside / "t.sensitivity.json").read_text())
    del doc["choices"][0]["candidates"][0]["judged_from"]
    (inside / "t.sensitivity.json").write_text(json.dumps(doc))
    written = write_report(run)
    assert written.warnings == ["sensitivity toy/t.sensitivity.json: a malformed sensitivity document (KeyError: 'verdicts'); skipped"]
    # (The candidate's why is also in the table's footnote on its choice: look for its sensitivity row.)
    assert "| `-1` | a sign flip |" not in written.md.read_text()
    assert main(["report", "--out", str(run), "--sensitivity", str(tmp_path / "sensitivity")]) == 0
    assert "| `-1` | a sign flip |" in (run / "REPORT.md").read_text() and load_tables(run)[1] == []


def test_a_table_and_its_sensitivity_share_one_out(tmp_path):
    plain = run_table(REPORT, T, options(tmp_path), echo=None)
    run_sensitivity(REPORT, T, options(tmp_path), echo=None)
    again = json.loads((tmp_path / "toy" / "t.json").read_text())
    assert again["rows"] == plain["rows"] and "kind" not in again
    assert [doc["table"] for doc, _ in load_sensitivity(tmp_path)[0]] == ["t"]
    assert list(load_tables(tmp_path)[0]) == [("toy", "t", "smoke")]


def test_candidates_not_run_are_no_flips(tmp_path):
    doc = run_sensitivity(REPORT, T, options(tmp_path), only=["scale"], echo=None)
    shift = doc["choices"][1]["candidates"]
    assert shift[1]["missing"] > 0 and changes(doc, shift[1], shift[0]) == []
    assert "(flips)" not in (tmp_path / "toy" / "t.sensitivity.md").read_text().split("shift")[1]
