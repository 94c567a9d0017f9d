"""The runner's contract on a toy report: seeded trials, the results store, resuming, outputs."""

import json
import os

import keras
import numpy as np
import pytest

from kerasdl.runner import Conclusion, Report, Row, RunOptions, Table, TrialResult, run_table

CALLS = []


def toy_trial(trial):
    """A seeded 'experiment': a number drawn from Keras's seeded RNG, scaled by the row's config."""
    CALLS.append((trial.row.name, trial.seed))
    if trial.config.get("explode_at") == trial.index:
        raise RuntimeError("interrupted")
    value = float(keras.random.uniform((), seed=trial.seed)) * trial.config["scale"]
    for _ in range(trial.config["epochs"]):
        trial.epoch_done()
    return TrialResult(metrics={"score": value}, history={"score": [value] * trial.config["epochs"]})


def toy_report(**table_config):
    table = Table(
        name="toy",
        title="a toy table",
        columns=["score"],
        rows=[Row("small", {"score": 0.5}, {"scale": 1.0}), Row("big", {"score": 5.0}, {"scale": 10.0})],
        run=toy_trial,
        config=table_config,
        curve="score",
        conclusions=[Conclusion("big beats small", lambda m: m["big"]["score"] > m["small"]["score"])],
        notes=["a note"],
        errata=["an erratum"],
    )
    profiles = {p: {"epochs": 2, "trials": 3} for p in ("smoke", "fast", "paper")}
    return Report(id="toy", title="Toy", source="none", tables=[table], profiles=profiles)


@pytest.fixture(autouse=True)
def _clear_calls():
    CALLS.clear()


def test_summary_shape_and_outputs(tmp_path):
    report = toy_report()
    summary = run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path, quiet=True), echo=None)
    for key in ("report", "table", "profile", "columns", "rows", "conclusions", "data", "config", "elapsed_s"):
        assert key in summary
    small = summary["rows"][0]
    assert small["name"] == "small" and small["paper"] == {"score": 0.5}
    stats = small["reproduced"]["score"]
    assert len(stats["values"]) == 3
    assert stats["mean"] == pytest.approx(np.mean(stats["values"]))
    assert stats["std"] == pytest.approx(np.std(stats["values"], ddof=1))
    assert stats["max"] == pytest.approx(max(stats["values"]))
    assert summary["conclusions"] == [{"claim": "big beats small", "holds": True}]
    folder = tmp_path / "toy"
    on_disk = json.loads((folder / "toy.json").read_text())
    assert on_disk["rows"][1]["reproduced"]["score"]["values"] == summary["rows"][1]["reproduced"]["score"]["values"]
    assert (folder / "toy.csv").read_text().startswith("row,column,paper")
    assert "| small |" in (folder / "toy.md").read_text()
    assert (folder / "toy.png").stat().st_size > 1000


def test_fewer_trials_than_the_profile_asks_are_noted(tmp_path):
    report = toy_report()
    table = report.tables[0]
    full = run_table(report, table, RunOptions("smoke", out=tmp_path, quiet=True), echo=None)
    assert full["notes"] == ["a note"]
    fewer = run_table(report, table, RunOptions("smoke", out=tmp_path, trials=2, quiet=True), echo=None)
    assert fewer["notes"][1:] == ["a note"] and fewer["notes"][0].startswith("2 of the 3 trials per row")
    assert "- note: 2 of the 3 trials" in (tmp_path / "toy" / "toy.md").read_text()


def test_the_heading_names_the_data_and_its_sizes_once():
    from kerasdl.runner.summary import _heading

    base = {"report": "r", "table": "t", "title": "x", "profile": "fast", "columns": ["a"], "elapsed_s": 0.0, "compute_s": 0.0}
    cut = _heading({**base, "data": {"source": "DATA/mnist.npz, first 50 train / 10 test", "train": 50, "test": 10}})
    whole = _heading({**base, "data": {"source": "DATA/mnist.npz", "train": 60, "test": 10}})
    assert "DATA/mnist.npz, first 50 train / 10 test;" in cut and cut.count("train") == 1
    assert "DATA/mnist.npz, 60 train / 10 test;" in whole


def test_derived_columns_are_computed_from_stored_metrics(tmp_path):
    """`Table.derived`: a column added later is computed from the records; nothing re-runs."""
    import dataclasses

    report = toy_report()
    table = report.tables[0]
    run_table(report, table, RunOptions("smoke", out=tmp_path, quiet=True), echo=None)
    ran = len(CALLS)
    high = dataclasses.replace(table, columns=["score", "high_pct"], derived={"high_pct": lambda m: 100.0 * (m["score"] > 1)})
    summary = run_table(dataclasses.replace(report, tables=[high]), high, RunOptions("smoke", out=tmp_path, quiet=True), echo=None)
    assert len(CALLS) == ran
    for row in summary["rows"]:
        scores = row["reproduced"]["score"]["values"]
        assert row["reproduced"]["high_pct"]["mean"] == pytest.approx(100 * np.mean([s > 1 for s in scores]))
    with pytest.raises(ValueError, match="derived"):
        dataclasses.replace(table, derived={"high_pct": lambda m: 0.0})


def test_raising_the_trial_count_runs_only_the_new_trials(tmp_path):
    """The count is not part of a trial's identity: a profile (or table) asking for more trials per
    row keeps the finished ones."""
    import dataclasses

    report = toy_report()
    table = report.tables[0]
    run_table(report, table, RunOptions("smoke", out=tmp_path, quiet=True), echo=None)
    assert len(CALLS) == 6
    more = dataclasses.replace(report, profiles={p: {"epochs": 2, "trials": 4} for p in report.profiles})
    run_table(more, table, RunOptions("smoke", out=tmp_path, quiet=True), echo=None)
    assert sorted(CALLS[6:]) == [("big", 3), ("small", 3)]


def test_same_seed_same_numbers_other_seed_other_numbers(tmp_path):
    report = toy_report()
    table = report.tables[0]
    a = run_table(report, table, RunOptions("smoke", out=tmp_path / "a", quiet=True), echo=None)
    b = run_table(report, table, RunOptions("smoke", out=tmp_path / "b", quiet=True), echo=None)
    c = run_table(report, table, RunOptions("smoke", out=tmp_path / "c", seed=100, quiet=True), echo=None)
    values = lambda s: [r["reproduced"]["score"]["values"] for r in s["rows"]]  # noqa: E731
    assert values(a) == values(b)
    assert values(a) != values(c)


def test_finished_trials_are_reused_and_changes_rerun(tmp_path):
    report = toy_report()
    table = report.tables[0]
    run_table(report, table, RunOptions("smoke", out=tmp_path, quiet=True), echo=None)
    assert len(CALLS) == 6
    CALLS.clear()
    run_table(report, table, RunOptions("smoke", out=tmp_path, quiet=True), echo=None)
    assert CALLS == []
    run_table(report, table, RunOptions("smoke", out=tmp_path, trials=4, quiet=True), echo=None)
    assert sorted(CALLS) == [("big", 3), ("small", 3)]
    CALLS.clear()
    run_table(report, table, RunOptions("smoke", out=tmp_path, epochs=5, quiet=True), echo=None)
    assert len(CALLS) == 6, "a changed epoch count must re-run every trial"


def test_interrupted_run_resumes_where_it_stopped(tmp_path):
    crashing = toy_report(explode_at=2)
    with pytest.raises(RuntimeError):
        run_table(crashing, crashing.tables[0], RunOptions("smoke", out=tmp_path, quiet=True), echo=None)
    assert CALLS == [("small", 0), ("small", 1), ("small", 2)]
    stored = list((tmp_path / "toy" / "trials").glob("*.json"))
    assert len(stored) == 2
    CALLS.clear()
    # The same command resumes: the two finished trials are not run again.
    with pytest.raises(RuntimeError):
        run_table(crashing, crashing.tables[0], RunOptions("smoke", out=tmp_path, quiet=True), echo=None)
    assert CALLS == [("small", 2)]


def test_stale_record_is_not_reused(tmp_path):
    report = toy_report()
    table = report.tables[0]
    run_table(report, table, RunOptions("smoke", out=tmp_path, trials=1, quiet=True), echo=None)
    path = next((tmp_path / "toy" / "trials").glob("*.json"))
    record = json.loads(path.read_text())
    record["identity"]["kerasdl"] = "0.0.0-old"
    path.write_text(json.dumps(record))
    CALLS.clear()
    run_table(report, table, RunOptions("smoke", out=tmp_path, trials=1, quiet=True), echo=None)
    assert len(CALLS) == 1, "exactly the trial whose stored identity differs re-runs"


def test_unknown_override_is_rejected(tmp_path):
    report = toy_report()
    with pytest.raises(ValueError, match="unknown setting.*scael.*choose from"):
        run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path, overrides={"scael": 2}), echo=None)
    summary = run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path, overrides={"scale": 2.0}, quiet=True), echo=None)
    assert summary["rows"][0]["reproduced"]["score"]["mean"] == pytest.approx(summary["rows"][1]["reproduced"]["score"]["mean"])


def test_printed_table_shows_paper_reproduction_and_footnotes(tmp_path, capsys):
    report = toy_report()
    run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path, quiet=True))
    text = capsys.readouterr().out
    assert "paper" in text and "reproduced (mean ± std)" in text
    assert "[holds] big beats small" in text and "note: a note" in text and "erratum: an erratum" in text


def test_trials_and_figures_see_the_data_folder(tmp_path):
    """A trial can load other data sets, and a figure can show data, from the run's --data-dir."""
    seen = {}

    def trial_function(trial):
        seen["trial"] = trial.data_dir
        return TrialResult(metrics={"score": 1.0})

    def figure(summary, histories, folder):
        seen["figure"] = summary["data_dir"]
        return []

    table = Table("t", "a table", ["score"], [Row("r", {"score": 1.0})], trial_function, figures=[figure])
    report = Report("toy", "Toy", "none", [table], {p: {"epochs": 1, "trials": 1} for p in ("smoke", "fast", "paper")})
    summary = run_table(report, table, RunOptions("smoke", out=tmp_path, data_dir=str(tmp_path), quiet=True), echo=None)
    assert seen == {"trial": str(tmp_path), "figure": str(tmp_path)}
    assert json.loads((tmp_path / "toy" / "t.json").read_text())["data_dir"] == summary["data_dir"] == str(tmp_path)


def test_a_rows_own_data_set_joins_its_identity(tmp_path):
    """`Table.row_data`: each row reads its own data set, and what it holds is part of the trial's
    identity: the same files in another folder (another machine) reuse the records, other contents
    run the trials again."""
    from tests.test_cli import write_fake_mnist

    def trial_function(trial):
        CALLS.append(trial.config["dataset"])
        return TrialResult(metrics={"score": 1.0})

    rows = [Row(name, {"score": None}, {"dataset": name}) for name in ("mnist", "fashion_mnist")]
    table = Table("t", "two data sets", ["score"], rows, trial_function, row_data="dataset")
    report = Report("toy", "Toy", "none", [table], {p: {"epochs": 1, "trials": 1} for p in ("smoke", "fast", "paper")})
    one, copy, other = tmp_path / "one", tmp_path / "copy", tmp_path / "other"
    for name in ("mnist", "fashion_mnist"):
        write_fake_mnist(one, name=name)
        write_fake_mnist(copy, name=name)
        write_fake_mnist(other, name=name, n_test=40)
    out = tmp_path / "results"
    for folder in (one, one, copy):
        run_table(report, table, RunOptions("smoke", out=out, data_dir=str(folder), quiet=True), echo=None)
    assert CALLS == ["mnist", "fashion_mnist"]
    run_table(report, table, RunOptions("smoke", out=out, data_dir=str(other), quiet=True), echo=None)
    assert CALLS == ["mnist", "fashion_mnist"] * 2
    signatures = [json.loads(p.read_text())["identity"]["data"] for p in (out / "toy" / "trials").glob("*.json")]
    assert len({s["fingerprint"] for s in signatures}) == 2  # the two generated copies hold the same arrays
    assert sorted(s["name"] for s in signatures) == ["fashion_mnist", "fashion_mnist", "mnist", "mnist"]
    assert not any(str(tmp_path) in json.dumps(s) for s in signatures)


def test_fractions_without_paper_numbers_print_four_decimals(tmp_path, capsys):
    """A column the report has no number for is printed by our own values: fractions get 4 decimals."""

    def fraction(trial):
        return TrialResult(metrics={"score": 0.123456 + trial.config["shift"]})

    def printed(high_shift, out):
        rows = [Row("low", {"score": None}, {"shift": 0.0}), Row("high", {"score": None}, {"shift": high_shift})]
        report = Report("toy", "Toy", "none", [Table("f", "fractions", ["score"], rows, fraction)],
                        {p: {"epochs": 1, "trials": 1} for p in ("smoke", "fast", "paper")})
        run_table(report, report.tables[0], RunOptions("smoke", out=out, quiet=True))
        return capsys.readouterr().out

    assert "0.1235" in printed(0.5, tmp_path / "a")
    text = printed(5.0, tmp_path / "b")
    assert "0.12 " in text and "0.1235" not in text


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_outputs_take_the_umasks_mode(tmp_path, umask):
    # A shared --out (shards, workers) and a served page need readable files: not mkstemp's 0600.
    from kerasdl.runner.report import write_report

    previous = os.umask(umask)
    try:
        report = toy_report()
        run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path, quiet=True), echo=None)
        written = write_report(tmp_path)
    finally:
        os.umask(previous)
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".json", ".md", ".html", ".csv")]
    assert any("trials" in p.parts for p in files) and written[0] in files
    assert {p.stat().st_mode & 0o777 for p in files} == {0o666 & ~umask}


def test_records_keep_their_numeric_environment_and_a_mixed_table_says_so(tmp_path):
    from kerasdl.runner.environment import numeric_environment

    report = toy_report()
    options = RunOptions("smoke", out=tmp_path, quiet=True)
    summary = run_table(report, report.tables[0], options, echo=None)
    records = sorted((tmp_path / "toy" / "trials").glob("*.json"))
    assert all(json.loads(p.read_text())["environment"] == numeric_environment() for p in records)
    assert not [n for n in summary["notes"] if "numeric environments" in n]
    # One record made elsewhere (another CPU): resuming reuses it, and the table says so.
    record = json.loads(records[0].read_text())
    record["environment"] = {**record["environment"], "cpu": "Other CPU", "vector_width": "avx2"}
    records[0].write_text(json.dumps(record))
    summary = run_table(report, report.tables[0], options, echo=None)
    (note,) = [n for n in summary["notes"] if "numeric environments" in n]
    assert "1 on Other CPU (avx2)" in note and f"{len(records) - 1} on " in note
