"""The reproduction report (issue "a verdict for every cell, one offline HTML page, and comparing
two runs"): `kerasdl.runner.report`'s page and Markdown, `kerasdl.runner.compare`, their CLI
commands, and the page in headless Chromium, on tables of a cheap made-up report."""

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kerasdl.runner import Conclusion, Report, Row, RunOptions, Table, TrialResult, run_table
from kerasdl.runner import verdict
from kerasdl.commands import main
from kerasdl.runner.compare import compare
from kerasdl.runner.report import load_tables, write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ODD_ROW = "<b>odd & | row</b>"


def _trial(trial):
    value = trial.row.config["base"] + 0.01 * trial.index
    metrics = {"score": value, "time_s": 1.0} if trial.row.config.get("timed") else {"score": value}
    return TrialResult(metrics, history={"score": [value] * trial.config["epochs"]})


def _reports():
    profiles = {p: {"epochs": 2, "trials": 3} for p in ("smoke", "fast", "paper")}
    alpha = Table(
        "alpha",
        "a made-up table",
        ["score", "time_s"],
        [
            Row("near", {"score": 90.0, "time_s": 2.0}, {"base": 90.0, "timed": True}),  # consistent (digit term 0.5)
            Row("far", {"score": 80.0, "time_s": None}, {"base": 85.0, "timed": True}),  # higher
            Row(ODD_ROW, {"score": None, "time_s": None}, {"base": 1.0, "timed": True}),  # no paper value
        ],
        _trial,
        curve="score",
        conclusions=[Conclusion("far beats near", lambda m: m["far"]["score"] > m["near"]["score"])],
        notes=["a note with <script>alert(1)</script> in it"],
        errata=["an erratum of the report"],
    )
    beta = Table("beta", "another made-up table", ["score"], [Row("only", {"score": 50.0}, {"base": 10.0})], _trial)
    return Report("toy", "Toy", "none", [alpha], profiles), Report("second", "Second", "none", [beta], profiles)


def _write_tables(out: Path) -> Path:
    for report in _reports():
        for table in report.tables:
            run_table(report, table, RunOptions("smoke", out=out, quiet=True), echo=None)
    return out


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A results folder with two reports' tables (written once; tests copy it to change it)."""
    return _write_tables(tmp_path_factory.mktemp("results") / "run")


@pytest.fixture
def copy(results, tmp_path):
    def make(name="copy"):
        return Path(shutil.copytree(results, tmp_path / name, ignore=shutil.ignore_patterns("index.html", "REPORT.md")))

    return make


class Page(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags, self.ids, self.text = [], set(), []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])

    def handle_data(self, data):
        self.text.append(data)

    @property
    def words(self):
        return " ".join(" ".join(self.text).split())


def _edit(path: Path, change):
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


def _shift(doc, row="near", column="score", by=5.0):
    (match,) = [r for r in doc["rows"] if r["name"] == row]
    stats = match["reproduced"][column]
    stats["values"] = [v + by for v in stats["values"]]
    stats["mean"] += by
    stats["max"] += by


def test_the_page_holds_every_table_figure_and_verdict_and_nothing_external(results):
    html_path, md_path = write_report(results)
    assert (html_path, md_path) == (results / "index.html", results / "REPORT.md")
    page = Page(html_path.read_text())
    words = page.words
    for anchor in ("t-toy-alpha-smoke", "t-second-beta-smoke", "summary"):
        assert anchor in page.ids
    for text in ("toy / alpha", "second / beta", "near", "far", ODD_ROW, "only", "an erratum of the report",
                 "a note with <script>alert(1)</script> in it", "far beats near", "does not hold"):
        assert text in words
    for word in ("consistent", "higher", "lower", "no paper value", "not comparable"):
        assert word in words
    assert words.count(verdict.RULE) == 1  # the rule is stated once
    # Summary: per report, cells consistent / compared and conclusions holding / stated.
    assert "1 / 2" in words and "0 / 1" in words
    # Every figure and plot is a data: URI; no script, no external reference, no stylesheet link.
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert len(images) >= 3  # alpha's curves + the two reports' dot plots
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed")
        for name in ("src", "href", "srcset", "action"):
            if name in attrs:
                assert attrs[name].startswith("data:image/png;base64," if name == "src" else "#"), (tag, attrs)
    assert all(a["src"].startswith("data:image/png;base64,") for a in images)
    hrefs = {attrs["href"][1:] for tag, attrs in page.tags if tag == "a"}
    assert hrefs <= page.ids  # the table of contents points at the page's own anchors
    assert "http://" not in html_path.read_text() and "https://" not in html_path.read_text()
    assert "@media print" in html_path.read_text() and "overflow-x: auto" in html_path.read_text()

    markdown = md_path.read_text()
    for text in ("### toy / alpha (smoke)", "### second / beta (smoke)", "| near | score |", "| only | score |",
                 "\\<b>odd & \\| row\\</b>", "[does not hold] far beats near", "an erratum of the report", verdict.RULE,
                 "| toy | 1: alpha |", "![alpha: alpha.png](toy/alpha.png)"):
        assert text in markdown
    assert markdown.count("| near |") == 2  # score and time_s


def test_truncated_and_old_schema_tables_are_named_and_skipped(copy):
    folder = copy()
    text = (folder / "toy" / "alpha.json").read_text()
    (folder / "toy" / "broken.json").write_text(text[: len(text) // 2])
    old = json.loads(text)
    old["table"] = "old"
    del old["conclusions"]
    (folder / "toy" / "old.json").write_text(json.dumps(old))
    # JSON files that are no table are passed over in silence.
    (folder / "toy" / "export").mkdir()
    (folder / "toy" / "export" / "labels.json").write_text("[1, 2")
    (folder / "tuning" / "search").mkdir(parents=True)
    (folder / "tuning" / "search" / "summary.json").write_text(json.dumps({"table": "q5", "best": 1}))

    written = write_report(folder)
    assert len(written.warnings) == 3  # the two tables, and the summary in tuning/ (not of the tuning schema)
    broken, old_line, summary_line = sorted(written.warnings)
    assert summary_line.startswith("tuning/search/summary.json: not a tuning summary") and "'search'" in summary_line
    assert broken.startswith("toy/broken.json: not readable as JSON") and broken.endswith("skipped")
    assert old_line.startswith("toy/old.json: an older schema") and "'conclusions'" in old_line
    page = Page(written.html.read_text())
    assert "warnings" in page.ids and "toy/broken.json" in page.words and "toy/old.json" in page.words
    assert "t-toy-alpha-smoke" in page.ids and "t-toy-old-smoke" not in page.ids
    assert "toy/broken.json" in written.md.read_text()
    tables, _ = load_tables(folder)
    assert sorted(tables) == [("second", "beta", "smoke"), ("toy", "alpha", "smoke")]
    # Of two copies of one report, table and profile (a folder further down), the newest is shown.
    older = folder / "older" / "toy" / "alpha.json"
    older.parent.mkdir(parents=True)
    older.write_text(text)
    os.utime(older, (1, 1))
    tables, _ = load_tables(folder)
    assert tables[("toy", "alpha", "smoke")].path == folder / "toy" / "alpha.json"


def test_reference_adds_a_column_judged_by_the_same_rule(results, copy):
    ours = copy("ours")
    _edit(ours / "toy" / "alpha.json", _shift)
    html_path, md_path = write_report(ours, reference=results)
    page = Page(html_path.read_text())
    header = [" ".join(h.split()) for h in page.text]
    assert "reference (mean ± std)" in header and "vs reference" in header
    assert verdict.RULE_BETWEEN_RUNS in page.words
    assert "against the reference: 2 of 3 cells consistent" in page.words  # near/score is now higher
    assert "vs reference |" in md_path.read_text()
    plain = Page(write_report(results)[0].read_text())
    assert "vs reference" not in plain.words


def test_compare_identical_changed_and_bad_input(results, copy, capsys, tmp_path):
    assert compare(results, copy("same")).status == 0
    assert main(["compare", str(results), str(copy("same2"))]) == 0
    out = capsys.readouterr().out
    assert "nothing differs beyond it" in out and "toy/alpha (smoke)" in out

    changed = copy("changed")
    _edit(changed / "toy" / "alpha.json", _shift)
    assert main(["compare", str(results), str(changed)]) == 1
    out = capsys.readouterr().out
    assert "B differs from A beyond the rule in 1 place(s):" in out
    (line,) = [l for l in out.splitlines() if l.startswith("  toy/alpha (smoke) near / score: ")]
    assert "B higher than A (90.01 -> 95.01" in line

    def flip(doc):  # near falls below far, and the stored conclusion with it
        _shift(doc, by=-10.0)
        doc["conclusions"][0]["holds"] = True

    flipped = copy("flipped")
    _edit(flipped / "toy" / "alpha.json", flip)
    differences = compare(results, flipped).differences()
    assert len(differences) == 2 and "near / score: B lower than A" in differences[0]
    assert differences[1] == "toy/alpha (smoke) conclusion 'far beats near': does not hold in A, holds in B"

    empty = tmp_path / "empty"
    empty.mkdir()
    versions = copy("versions")
    _edit(versions / "toy" / "alpha.json", lambda d: d["environment"].update(kerasdl="9.9.9"))
    for a, b, words in [
        (results, tmp_path / "nope", "does not exist"),
        (results, empty, "no table in both"),
        (results, versions, "kerasdl versions differ"),
    ]:
        assert main(["compare", str(a), str(b)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and words in err[0]
    assert main(["compare", str(results)]) == 2


def test_report_command_and_the_refresh_after_a_run(results, copy, capsys, tmp_path):
    folder = copy()
    assert main(["report", "--out", str(folder)]) == 0
    assert capsys.readouterr().out.strip() == str(folder / "index.html")
    assert main(["report", "--out", str(folder), "--reference", str(results)]) == 0
    assert "vs reference" in (folder / "index.html").read_text()
    assert main(["report", "--out", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err

    toy, _ = _reports()
    out = tmp_path / "run"
    assert main(["reproduce", "toy", "--profile", "smoke", "--out", str(out), "--quiet"], load=lambda _: toy, report_ids=["toy"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == f"report: {out / 'index.html'}"
    assert "t-toy-alpha-smoke" in Page((out / "index.html").read_text()).ids
    # A shard writes no table, so no page either.
    sharded = tmp_path / "sharded"
    assert main(["reproduce", "toy", "--profile", "smoke", "--out", str(sharded), "--quiet", "--shard", "1/2"], load=lambda _: toy, report_ids=["toy"]) == 0
    assert not (sharded / "index.html").exists() and "report:" not in capsys.readouterr().out


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_the_page_in_headless_chromium(results, tmp_path):
    matplotlib_image = pytest.importorskip("matplotlib.image")
    html_path, _ = write_report(results)
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(common + ["--dump-dom", html_path.as_uri()], capture_output=True, text=True, timeout=120).stdout
    page = Page(dom)
    for anchor in ("t-toy-alpha-smoke", "t-second-beta-smoke"):
        assert anchor in page.ids
    assert "far beats near" in page.words
    shot = tmp_path / "page.png"
    subprocess.run(common + [f"--screenshot={shot}", "--window-size=1200,2000", html_path.as_uri()],
                   capture_output=True, timeout=120, check=True)
    pixels = matplotlib_image.imread(shot)
    assert pixels.shape[:2] == (2000, 1200)
    colours = {tuple(p) for p in pixels[::7, ::7, :3].reshape(-1, 3).round(2).tolist()}
    assert len(colours) > 20  # text, verdict colours and plots, not a blank page


def _tuning_summary(search="q4_hidden", **change):
    """A summary as `python -m tuning` writes it (`tuning.results.summarize`, then `write`)."""
    trials = [
        {"trial_id": "0", "values": {"hidden": 100}, "val_accuracy_pct": 91.25, "best_epoch": 2, "status": "COMPLETED", "ran_by": []},
        {"trial_id": "1", "values": {"hidden": 1000}, "val_accuracy_pct": 92.5, "best_epoch": 2, "status": "COMPLETED", "ran_by": []},
        {"trial_id": "2", "values": {"hidden": 300}, "val_accuracy_pct": 94.0, "best_epoch": 1, "status": "COMPLETED", "ran_by": []},
    ]
    doc = {
        "search": search, "title": "hidden units of <Q4>'s net", "table": "q4_mnist", "objective": "val_accuracy",
        "report_choice": {"hidden": 1000},
        "best": {"trial_id": "2", "values": {"hidden": 300}, "val_accuracy_pct": 94.0},
        "report_choice_trial": {"trial_id": "1", "values": {"hidden": 1000}, "val_accuracy_pct": 92.5},
        "apply": "python -m reproduce classifiers q4_mnist --set hidden=300",
        "trials": trials, "workers": {}, "tuner": "random", "profile": "smoke", "max_trials": 3, "seed": 0,
        "space": {"hidden": [100, 300, 1000]}, "distributed": False, "settings": {"epochs": 2},
        "data": {"source": "files", "train": 90, "validation": 10}, "tensorboard": None, "elapsed_s": 12.5,
        "figure": "val_accuracy.png",
    }
    doc.update(change)
    return doc


def _write_search(folder: Path, doc, png: bytes | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(doc if isinstance(doc, str) else json.dumps(doc))
    if png is not None:
        (folder / "val_accuracy.png").write_bytes(png)
    return folder


def test_tuning_summaries_get_a_section_with_their_figure_and_broken_ones_are_named(copy):
    folder = copy()
    png = (folder / "toy" / "alpha.png").read_bytes()
    _write_search(folder / "tuning" / "q4_hidden", _tuning_summary(), png)
    # Elsewhere (another --out inside the results folder): found by its schema.
    _write_search(folder / "fast" / "q5_cnn", _tuning_summary("q5_cnn", report_choice_trial=None, tensorboard="tb/q5_cnn"), None)
    # A summary.json of another kind elsewhere is passed over in silence.
    (folder / "other" / "summary.json").parent.mkdir()
    (folder / "other" / "summary.json").write_text(json.dumps({"total": 3}))
    # Broken summaries in tuning/: named and skipped.
    _write_search(folder / "tuning" / "truncated", json.dumps(_tuning_summary("truncated"))[:200], png)
    bad_best = _tuning_summary("bad_best", best={"trial_id": "2", "values": {}, "val_accuracy_pct": 94.0})
    _write_search(folder / "tuning" / "bad_best", bad_best, png)
    _write_search(folder / "tuning" / "no_trials", {k: v for k, v in _tuning_summary("no_trials").items() if k != "trials"}, png)

    written = write_report(folder)
    warnings = sorted(written.warnings)
    assert [w.split(":")[0] for w in warnings] == [
        "tuning/bad_best/summary.json", "tuning/no_trials/summary.json", "tuning/truncated/summary.json"
    ]
    assert all(w.endswith("skipped") for w in warnings)
    assert "'best' lacks values" in warnings[0] and "'trials'" in warnings[1] and "not readable as JSON" in warnings[2]
    tables, table_warnings = load_tables(folder)
    assert len(tables) == 2 and table_warnings == []  # the summaries are no tables, nor table warnings

    html = written.html.read_text()
    page = Page(html)
    words = page.words
    assert "searches" in page.ids and "s-tuning_q4_hidden" in page.ids and "s-fast_q5_cnn" in page.ids
    for text in ("Hyperparameter searches", "searches: 2", "tuning / q4_hidden", "tuning / q5_cnn",
                 "trials run: 3", "hidden units of <Q4>'s net", "best (this search)", "report's choice",
                 "94.00 (trial 2)", "92.50 (trial 1)", "not tried in this search",
                 "python -m reproduce classifiers q4_mnist --set hidden=300", "tb/q5_cnn",
                 "tuning/bad_best/summary.json", "val_accuracy.png (missing)"):
        assert text in words, text
    assert "<Q4>" not in html  # escaped
    # The best value (300) beside the report's (1000) in the search's table.
    rows = html[html.index('id="s-tuning_q4_hidden"'):]
    assert '<td class="name">hidden</td><td class="num">300</td><td class="num">1000</td>' in rows
    # The figure is embedded as a data: URI; still nothing external on the page.
    uri = "data:image/png;base64," + __import__("base64").b64encode(png).decode("ascii")
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert any(a["src"] == uri and "q4_hidden" in a["alt"] for a in images)
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed")
        for name in ("src", "href", "srcset", "action"):
            if name in attrs:
                assert attrs[name].startswith("data:image/png;base64," if name == "src" else "#"), (tag, attrs)
    hrefs = {attrs["href"][1:] for tag, attrs in page.tags if tag == "a"}
    assert {"searches", "s-tuning_q4_hidden", "s-fast_q5_cnn"} <= hrefs <= page.ids  # in the table of contents
    assert "http://" not in html and "https://" not in html

    markdown = written.md.read_text()
    for text in ("## Hyperparameter searches", "### tuning / q4_hidden (random)", "searches: 2",
                 "| hidden | 300 | 1000 |", "| validation accuracy % | 94.00 (trial 2) | 92.50 (trial 1) |",
                 "`python -m reproduce classifiers q4_mnist --set hidden=300`",
                 "![tuning / q4_hidden: val_accuracy.png](tuning/q4_hidden/val_accuracy.png)",
                 "Figure `val_accuracy.png` (missing)", "tuning/truncated/summary.json"):
        assert text in markdown, text


def test_the_report_module_reads_tuning_summaries_without_importing_tuning():
    import ast

    import kerasdl.runner.report as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any(name == "tuning" or name.startswith("tuning.") for name in imported)


def test_paper_hours_scales_the_run_to_the_paper_profile():
    from kerasdl.runner.report import paper_hours

    # lenet5/mnist: 5 rows x 2 trials x 15 epochs of 60 000 images took 1000 s; the paper profile
    # is 5 trials x 80 epochs of the same images.
    ran = {"report": "lenet5", "table": "mnist", "config": {"epochs": 15}, "rows": [{"trials": 2}] * 5,
           "data": {"train": 60000}, "compute_s": 1000.0}
    assert paper_hours(ran) == pytest.approx(1000 / (10 * 15) * (25 * 80) / 3600)
    # A table that trains nothing has no paper length to estimate.
    derivations = {"report": "convnet_tricks", "table": "derivations", "config": {"epochs": 1},
                   "rows": [{"trials": 1}] * 3, "data": {"train": 0}, "compute_s": 2.0}
    assert paper_hours(derivations) is None


def test_a_table_run_at_paper_length_beside_is_linked_not_estimated(tmp_path):
    """reference/fast's page: a table that reference/paper also holds links to it; the others say
    how many CPU-hours their paper run would take."""
    fast, paper = tmp_path / "fast", tmp_path / "paper"
    report = _reports()[0]
    table = report.tables[0]
    run_table(report, table, RunOptions("fast", out=fast, quiet=True), echo=None)
    alone = write_report(fast)[0].read_text()
    assert "Also run at paper length" not in alone
    run_table(report, table, RunOptions("paper", out=paper, quiet=True), echo=None)
    html, md = write_report(fast)
    assert f'href="../paper/index.html#t-toy-{table.name}-paper"' in html.read_text()
    assert "Also run at paper length: [its `paper` table](../paper/REPORT.md)" in md.read_text()


def test_each_report_section_says_where_its_protocol_comes_from(tmp_path):
    """The installed report's `protocol` lines, under its heading, on the page and in REPORT.md."""
    from reproduce.classifiers import REPORT

    root = Path(__file__).resolve().parents[1]
    (tmp_path / "classifiers").mkdir()
    shutil.copy(root / "reference" / "fast" / "classifiers" / "q6_cifar10.json", tmp_path / "classifiers")
    html_path, md_path = write_report(tmp_path)
    words = Page(html_path.read_text()).words
    markdown = md_path.read_text()
    assert "Where the protocol comes from" in words and "**Where the protocol comes from**" in markdown
    for line in REPORT.protocol:
        assert line in words and f"- {line}" in markdown


def test_compare_shows_a_timing_conclusion_but_never_counts_it(tmp_path):
    # scratch_mlp's "ANN3 (Tanh) takes the longest to train" reads time_s: it moves with the load.
    published = Path(__file__).resolve().parents[1] / "reference" / "fast" / "scratch_mlp" / "t5_performance.json"
    a, b = tmp_path / "a" / "scratch_mlp", tmp_path / "b" / "scratch_mlp"
    for folder in (a, b):
        folder.mkdir(parents=True)
        shutil.copy(published, folder)
    claim = "ANN3 (Tanh) takes the longest to train"

    def flip(doc):
        (c,) = [c for c in doc["conclusions"] if c["claim"] == claim]
        c["holds"] = not c["holds"]

    _edit(b / "t5_performance.json", flip)
    comparison = compare(tmp_path / "a", tmp_path / "b")
    (table,) = comparison.tables
    (timing,) = [c for c in table.conclusions if c["timing"]]
    assert timing["claim"] == claim and timing["changed"]
    assert comparison.status == 0 and not comparison.differences()
    assert f"conclusion [CHANGES, timing: not counted] {claim}" in comparison.format()


def test_report_writes_only_into_a_results_folder(results, copy, capsys, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html>someone's page</html>")
    assert main(["report", "--out", str(site)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "holds no kerasdl table or search" in line
    assert (site / "index.html").read_text() == "<html>someone's page</html>" and not (site / "REPORT.md").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["report", "--out", str(empty)]) == 0  # a new page, "no table yet"
    assert main(["report", "--out", str(empty)]) == 0  # and again: only its own page is there
    assert main(["report", "--out", str(copy())]) == 0


def test_two_profiles_in_one_folder_are_summed_apart_and_smoke_is_marked(copy):
    folder = copy("mixed")
    fast = folder / "elsewhere" / "toy" / "alpha.json"
    fast.parent.mkdir(parents=True)
    shutil.copy(folder / "toy" / "alpha.json", fast)
    _edit(fast, lambda doc: doc.update(profile="fast"))
    _, md = write_report(folder)
    text = md.read_text()
    summary = text[text.index("## Summary"):].split("\n\n")[1].splitlines()
    toy = [line for line in summary if line.startswith("| toy |")]
    assert len(toy) == 2 and any("| fast |" in line for line in toy)
    assert any("smoke: a test of the code path, not a reproduction" in line for line in toy)
    totals = [line for line in summary if line.startswith("| all")]
    assert [line.split(" | ")[0] for line in totals] == ["| all (smoke)", "| all (fast)"]
    assert "| all (fast) | 1 |" in text and "| all (smoke) | 2 |" in text
