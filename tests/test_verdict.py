"""The verdict rule of `kerasdl.runner.verdict` (issue "a verdict for every cell") on made-up
numbers, the counts, and what `summarize` stores and prints."""

import json
import math

import pytest

from kerasdl.runner import Conclusion, Report, Row, RunOptions, Table, TrialResult, run_table
from kerasdl.runner import verdict as v
from kerasdl.runner.summary import UnknownNameError


def stats(mean, std=0.0, n=10):
    return {"mean": mean, "std": std, "n": n}


def test_rule_is_stated_as_text():
    for word in ("consistent", "inconclusive", "higher", "lower", "not comparable", "no paper value", "not run"):
        assert word in v.RULE


@pytest.mark.parametrize(
    "value, decimals",
    [(96.8, 1), (2.14, 2), (82.0, 0), (82, 0), (100.0, 0), (21.74, 2), (1.5e-05, 6), (0.1300, 2)],
)
def test_decimals_from_the_floats_repr(value, decimals):
    assert v.printed_decimals(value) == decimals


def test_consistent_through_the_papers_std():
    c = v.cell(90.0, stats(90.8, std=0.1), paper_std=1.0)
    assert c["verdict"] == "consistent"
    assert c["difference"] == pytest.approx(0.8)
    assert c["tolerance"] == 1.0
    assert c["terms"] == {"paper_std": 1.0, "spread": pytest.approx(0.2 / math.sqrt(10)), "digit": pytest.approx(0.5)}


def test_consistent_through_our_spread():
    # |0.4| exceeds the paper's std 0.2 and the digit 0.05; our spread 2 x 0.5 / sqrt(4) = 0.5
    # covers it and is not over 3 x 0.2.
    c = v.cell(96.8, stats(97.2, std=0.5, n=4), paper_std=0.2)
    assert c["terms"]["spread"] == pytest.approx(0.5)
    assert c["verdict"] == "consistent"


def test_consistent_through_the_last_digit():
    c = v.cell(96.8, stats(96.84, n=1))
    assert c["terms"]["digit"] == pytest.approx(0.05)
    assert c["verdict"] == "consistent"
    # Exactly half a unit away still counts (float subtraction slack).
    assert v.cell(96.8, stats(96.85, n=1))["verdict"] == "consistent"
    assert v.cell(82.0, stats(82.4, n=1))["verdict"] == "consistent"  # 82 -> 0.5
    assert v.cell(82.0, stats(82.6, n=1))["verdict"] == "higher"


def test_inconclusive_when_only_a_wide_spread_covers_the_difference():
    c = v.cell(90.0, stats(92.0, std=3.0, n=4), paper_std=0.5)  # spread 3.0 > 3 x 0.5
    assert c["verdict"] == "inconclusive"
    assert c["tolerance"] == pytest.approx(3.0)


def test_ann1_with_three_stuck_runs_is_inconclusive():
    """scratch_mlp ANN1: 3 of 10 runs stuck, 15.6 ± 22.1 against the report's 2.14 (± 0.31)."""
    c = v.cell(2.14, stats(15.6, std=22.1, n=10), paper_std=0.31)
    assert c["terms"]["spread"] == pytest.approx(2 * 22.1 / math.sqrt(10))
    assert abs(c["difference"]) <= c["tolerance"]
    assert c["verdict"] == "inconclusive"


def test_higher_and_lower():
    assert v.cell(90.0, stats(92.0, std=0.1), paper_std=0.5)["verdict"] == "higher"
    assert v.cell(90.0, stats(88.0, std=0.1), paper_std=0.5)["verdict"] == "lower"


def test_one_trial_has_no_spread_term():
    c = v.cell(90.0, {"mean": 91.0, "std": 5.0, "n": 1})
    assert c["terms"]["spread"] == 0.0
    assert c["verdict"] == "higher"


def test_no_paper_value_not_run_not_comparable():
    assert v.cell(None, stats(1.0))["verdict"] == "no paper value"
    assert v.cell(float("nan"), stats(1.0))["verdict"] == "no paper value"
    for ours in (None, {"mean": None, "std": None, "n": 0}):
        c = v.cell(1.0, ours)
        assert c["verdict"] == "not run" and c["difference"] is None and c["tolerance"] is None
    c = v.cell(1.0, stats(3.0), comparable=False)
    assert c["verdict"] == "not comparable" and c["difference"] == 2.0 and c["tolerance"] is None


def test_timing_columns_are_not_comparable():
    for column in ("time_s", "train_ms_per_sample", "test_ms_per_sample"):
        assert v.is_timing(column)
    for column in ("test_accuracy_pct", "stuck_pct", "pixel_std", "max_abs_diff", "knn_accuracy"):
        assert not v.is_timing(column)
    rows = [{"paper": {"acc": 90.0, "time_s": 20.0}, "paper_std": {}, "reproduced": {"acc": stats(90.0), "time_s": stats(5.0)}}]
    (judged,) = v.judge_rows(rows, ["acc", "time_s"])
    assert judged["acc"]["verdict"] == "consistent" and judged["time_s"]["verdict"] == "not comparable"
    (judged,) = v.judge_rows(rows, ["acc", "time_s"], paper_comparable=False)
    assert {c["verdict"] for c in judged.values()} == {"not comparable"}


def test_paper_decimals_override():
    rows = [{"paper": {"a": 0.13, "b": 0.13}, "paper_std": {}, "reproduced": {"a": stats(0.1304, n=1), "b": stats(0.1304, n=1)}}]
    (judged,) = v.judge_rows(rows, ["a", "b"])
    assert judged["a"]["verdict"] == "consistent"  # 0.13 -> 0.005
    (judged,) = v.judge_rows(rows, ["a", "b"], paper_decimals=4)  # the report printed 0.1300
    assert judged["a"]["verdict"] == judged["b"]["verdict"] == "higher"
    (judged,) = v.judge_rows(rows, ["a", "b"], paper_decimals={"a": 4})
    assert judged["a"]["verdict"] == "higher" and judged["b"]["verdict"] == "consistent"


def test_a_truncated_paper_number_is_the_interval_it_prints():
    """vgg.py prints `%d %%`: 69 stands for 69.00-69.99."""
    for mean, verdict in ((69.0, "consistent"), (69.95, "consistent"), (68.9, "lower"), (70.1, "higher")):
        c = v.cell(69.0, stats(mean, n=1), truncated=True)
        assert c["verdict"] == verdict, mean
        assert c["difference"] == pytest.approx(mean - 69.5) and c["terms"]["digit"] == 0.5
    assert v.cell(69.0, stats(69.7, n=1))["verdict"] == "higher"  # rounded, 69 is 68.5-69.5
    rows = [{"paper": {"a": 69.0}, "paper_std": {}, "reproduced": {"a": stats(69.7, n=1)}}]
    (judged,) = v.judge_rows(rows, ["a"], paper_truncated=True)
    assert judged["a"]["verdict"] == "consistent"
    summary = {"rows": [{**rows[0], "name": "r"}], "columns": ["a"], "paper_truncated": True}
    assert v.aggregate([summary])["verdicts"]["consistent"] == 1


def test_counts_and_aggregate():
    judged = [
        {"a": {"verdict": "consistent"}, "b": {"verdict": "higher"}},
        {"a": {"verdict": "inconclusive"}, "b": {"verdict": "not run"}},
        {"a": {"verdict": "consistent"}, "b": {"verdict": "not comparable"}},
    ]
    counts = v.count_cells(judged)
    assert counts["compared"] == 4 and counts["consistent"] == 2 and counts["not run"] == 1
    held = v.count_conclusions([{"holds": True}, {"holds": False}, {"holds": None}])
    assert held == {"holding": 1, "stated": 3, "undecided": 1}
    line = v.describe(counts, held)
    assert line.startswith("verdicts: 2 of 4 cells consistent with the paper (1 inconclusive, 1 higher)")
    assert "conclusions: 1 of 3 hold (1 undecided)" in line
    other = {"verdicts": {**counts, "consistent": 1, "compared": 1, "higher": 0, "inconclusive": 0},
             "conclusions_holding": {"holding": 2, "stated": 2, "undecided": 0}}
    total = v.aggregate([{"verdicts": counts, "conclusions_holding": held}, other])
    assert total["tables"] == 2
    assert total["verdicts"]["consistent"] == 3 and total["verdicts"]["compared"] == 5
    assert total["conclusions_holding"] == {"holding": 3, "stated": 5, "undecided": 1}
    # A summary written before verdicts existed is judged from its rows.
    old = {"columns": ["a"], "rows": [{"paper": {"a": 1.0}, "paper_std": {}, "reproduced": {"a": stats(1.0)}}],
           "conclusions": [{"holds": True}]}
    assert v.aggregate([old])["verdicts"]["consistent"] == 1
    assert v.describe(v.count_cells([]), v.count_conclusions([])) == "verdicts: no cell compared with the paper; conclusions: none stated"


# ## Through summarize


def _trial(trial):
    return TrialResult(metrics={"score": trial.config["value"], "time_s": 1.0})


def _report(conclusions=(), **attributes):
    rows = [
        Row("near", {"score": 90.0, "time_s": 50.0}, {"value": 90.02}),
        Row("far", {"score": 80.0, "time_s": 50.0}, {"value": 85.0}),
        Row("none", {"score": None, "time_s": None}, {"value": 1.0}),
        Row("empty", {"score": 1.0, "time_s": None}, {"value": None}),
    ]
    table = Table("t", "made-up", ["score", "time_s"], rows, _trial, conclusions=list(conclusions))
    for name, value in attributes.items():
        object.__setattr__(table, name, value)
    return Report("toy", "Toy", "none", [table], {p: {"epochs": 1, "trials": 1} for p in ("smoke", "fast", "paper")})


def test_summary_stores_and_prints_verdicts(tmp_path, capsys):
    conclusions = [
        Conclusion("far beats near", lambda m: m["far"]["score"] > m["near"]["score"]),
        Conclusion("empty scores", lambda m: m["empty"]["score"] > 0),  # no result: undecided
    ]
    report = _report(conclusions)
    summary = run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path, quiet=True))
    cells = {r["name"]: {c: x["verdict"] for c, x in r["verdict"].items()} for r in summary["rows"]}
    assert cells == {
        "near": {"score": "consistent", "time_s": "not comparable"},
        "far": {"score": "higher", "time_s": "not comparable"},
        "none": {"score": "no paper value", "time_s": "no paper value"},
        "empty": {"score": "not run", "time_s": "no paper value"},
    }
    assert summary["rows"][0]["verdict"]["score"]["terms"] == {"paper_std": None, "spread": 0.0, "digit": 0.5}
    assert summary["verdicts"]["compared"] == 2 and summary["verdicts"]["consistent"] == 1
    assert summary["conclusions_holding"] == {"holding": 0, "stated": 2, "undecided": 1}
    assert [c["holds"] for c in summary["conclusions"]] == [False, None]
    text = capsys.readouterr().out
    assert "verdict" in text and "higher" in text
    assert "verdicts: 1 of 2 cells consistent with the paper (1 higher)" in text
    assert "conclusions: 0 of 2 hold (1 undecided)" in text
    folder = tmp_path / "toy"
    assert json.loads((folder / "t.json").read_text())["verdicts"] == summary["verdicts"]
    csv = (folder / "t.csv").read_text().splitlines()
    assert csv[0].endswith(",verdict,difference,tolerance") and ",higher," in csv[3]
    markdown = (folder / "t.md").read_text()
    assert "| verdict |" in markdown and "verdicts: 1 of 2 cells" in markdown


def test_table_attributes_override(tmp_path):
    report = _report(paper_comparable=False)
    summary = run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path / "a", quiet=True), echo=None)
    assert summary["verdicts"]["compared"] == 0 and summary["verdicts"]["not comparable"] == 5
    report = _report(paper_decimals={"score": 2})  # the report printed 90.00: 90.02 is too far
    summary = run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path / "b", quiet=True), echo=None)
    assert summary["rows"][0]["verdict"]["score"]["verdict"] == "higher"


def test_a_stand_in_data_set_says_so_and_compares_nothing(tmp_path, shared_data):
    report = _report(data="svhn_cropped", data_setting="dataset")
    for settings in report.profiles.values():
        settings.update(dataset="mnist", n_train=64, n_test=32)
    options = RunOptions("smoke", out=tmp_path / "a", quiet=True, data_dir=str(shared_data))
    summary = run_table(report, report.tables[0], options, echo=None)
    assert summary["title"].startswith("made-up, on mnist standing in for the paper's svhn_cropped")
    assert summary["paper_comparable"] is False and summary["verdicts"]["compared"] == 0
    assert summary["data"]["train"] == 64
    # On the paper's own data set the table compares as any other (here: MNIST "as" the paper's).
    report = _report(data="mnist", data_setting="dataset")
    for settings in report.profiles.values():
        settings.update(dataset="mnist", n_train=64, n_test=32)
    summary = run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path / "b", quiet=True,
                                                             data_dir=str(shared_data)), echo=None)
    assert summary["title"] == "made-up" and summary["verdicts"]["compared"] == 2


@pytest.mark.parametrize(
    "check, match",
    [(lambda m: m["nera"]["score"] > 0, "row 'nera'"), (lambda m: m["near"]["scroe"] > 0, "column 'scroe'")],
)
def test_a_misspelt_name_in_a_conclusion_raises(tmp_path, check, match):
    report = _report([Conclusion("typo", check)])
    with pytest.raises(UnknownNameError, match=match):
        run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path, quiet=True), echo=None)


# ## Between two runs (`python -m reproduce compare`, the report page's reference column)


def test_between_runs_the_reference_spread_stands_for_the_papers_std():
    assert "digit" in v.RULE_BETWEEN_RUNS and "spread" in v.RULE_BETWEEN_RUNS
    a = stats(90.0, std=1.0, n=4)  # spread 2 x 1 / 2 = 1.0
    c = v.against(a, stats(90.9, std=0.1, n=4))
    assert c["verdict"] == "consistent"
    assert c["terms"] == {"paper_std": pytest.approx(1.0), "spread": pytest.approx(0.1), "digit": None}
    assert v.against(a, stats(91.2, std=0.1, n=4))["verdict"] == "higher"
    assert v.against(a, stats(88.0, std=0.1, n=4))["verdict"] == "lower"
    # No digit term: two single runs agree only to float precision.
    assert v.against(stats(90.0, n=1), stats(90.0, n=1))["verdict"] == "consistent"
    assert v.against(stats(90.0, n=1), stats(90.01, n=1))["verdict"] == "higher"
    # Only B's wide spread covers the difference: inconclusive, as for the paper.
    assert v.against(stats(90.0, std=0.1, n=4), stats(92.0, std=3.0, n=4))["verdict"] == "inconclusive"
    assert v.against(None, stats(1.0))["verdict"] == "no paper value"
    assert v.against(stats(1.0), {"mean": None, "n": 0})["verdict"] == "not run"
    assert v.against(stats(1.0), stats(2.0), comparable=False)["verdict"] == "not comparable"
    assert v.spread(stats(1.0, std=2.0, n=1)) == 0.0 and v.spread(None) is None
