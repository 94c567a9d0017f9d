"""The verdict rule of `kerasdl.runner.verdict` (issue "verdicts a statistician would sign") on
made-up numbers, its calibration on simulated cells, the counts, and what `summarize` stores and
prints."""

import json
import math

import numpy as np
import pytest

from kerasdl.runner import Conclusion, Proportion, Report, Row, RunOptions, Table, TrialResult, run_table
from kerasdl.runner import verdict as v
from kerasdl.runner.summary import UnknownNameError


def stats(mean, std=0.0, n=10):
    return {"mean": mean, "std": std, "n": n}


def runs(*values):
    return {"mean": float(np.mean(values)), "values": list(values), "n": len(values)}


def test_rule_is_stated_as_text_with_its_version():
    for word in ("consistent", "underpowered", "higher", "lower", "spread differs", "not comparable", "no paper value",
                 "not run", "prediction interval", "Welch", "q(1-q)/N", "%d", f"rule {v.RULE_VERSION}"):
        assert word in v.RULE, word
    assert f"rule {v.RULE_VERSION}" in v.RULE_BETWEEN_RUNS


@pytest.mark.parametrize(
    "value, decimals",
    [(96.8, 1), (2.14, 2), (82.0, 0), (82, 0), (100.0, 0), (21.74, 2), (1.5e-05, 6), (0.1300, 2)],
)
def test_decimals_from_the_floats_repr(value, decimals):
    assert v.printed_decimals(value) == decimals


def test_sample_std():
    assert v.sample_std(runs(1.0, 3.0)) == pytest.approx(math.sqrt(2.0))
    assert v.sample_std(stats(1.0, std=2.0, n=4)) == 2.0  # without values: the stored (sample) std
    assert v.sample_std(runs(1.0)) is None and v.sample_std(None) is None


def test_a_single_paper_run_is_judged_by_our_prediction_interval():
    ours = runs(90.0, 91.0, 92.0)  # mean 91, s 1
    half = 4.302653 * 1.0 * math.sqrt(1 + 1 / 3)  # t(0.975, 2) x s x sqrt(1 + 1/n)
    c = v.cell(91.0 + half - 0.01, ours, decimals=6)
    assert c["verdict"] == "consistent" and c["terms"]["half_width"] == pytest.approx(half, rel=1e-5)
    assert v.cell(91.0 + half + 0.01, ours, decimals=6)["verdict"] == "lower"
    assert v.cell(91.0 - half - 0.01, ours, decimals=6)["verdict"] == "higher"


def test_the_printed_digit_widens_the_interval():
    ours = runs(90.0, 91.0, 92.0)
    half = v.cell(91.0, ours, decimals=6)["terms"]["half_width"]
    assert v.cell(round(91.0 + half + 0.3, 0), ours)["tolerance"] == pytest.approx(half + 0.5)


def test_welch_where_both_sides_have_runs():
    ours = runs(*[90.0 + 0.1 * i for i in range(5)])  # mean 90.2
    c = v.cell(90.0, ours, paper_std=0.2, paper_runs=5, decimals=6)
    assert c["verdict"] == "consistent" and c["terms"]["spread_p"] > 0.025
    assert v.cell(89.0, ours, paper_std=0.2, paper_runs=5, decimals=6)["verdict"] == "higher"
    assert v.cell(91.0, ours, paper_std=0.2, paper_runs=5, decimals=6)["verdict"] == "lower"


def test_spreads_that_rule_each_other_out():
    """scratch_mlp ANN1 in a fast run: 10.3 +- 19 over 10 runs (some stuck) against the report's
    1.22 +- 0.07 over 10: the means' interval covers the difference, the variances do not agree."""
    ours = runs(*([1.2] * 8 + [48.0, 52.0]))
    c = v.cell(1.22, ours, paper_std=0.07, paper_runs=10)
    assert abs(c["difference"]) <= c["tolerance"]
    assert c["verdict"] == "spread differs" and "F test" in c["why"]


def test_underpowered():
    # Two runs: t(0.975, 1) = 12.7 covers nearly anything.
    c = v.cell(90.0, runs(89.0, 91.5))
    assert c["verdict"] == "underpowered" and "fewer than 3" in c["why"]
    # ... but not everything: far outside the interval is decided even with two runs.
    assert v.cell(90.0, runs(10.0, 10.2))["verdict"] == "lower"
    # One run on each side: nothing to judge the difference by.
    c = v.cell(90.0, runs(10.0))
    assert c["verdict"] == "underpowered" and c["tolerance"] is None
    # Our interval over 3 x the one the paper's own spread gives.
    wide = runs(80.0, 90.0, 100.0, 85.0, 95.0)
    c = v.cell(90.0, wide, paper_std=0.5, paper_runs=200, decimals=6)
    assert c["verdict"] in ("underpowered", "spread differs")
    c = v.cell(90.0, runs(88.0, 92.0, 90.0, 89.0, 91.0), paper_std=0.3, paper_runs=3, decimals=6)
    assert c["verdict"] == "underpowered" and "x the paper's own" in c["why"]


def test_one_run_of_ours_against_the_papers_runs():
    c = v.cell(0.9901, runs(0.9905), paper_std=0.0008376, paper_runs=5)
    assert c["terms"]["half_width"] == pytest.approx(2.776445 * 0.0008376 * math.sqrt(1.2), rel=1e-5)
    assert c["verdict"] == "underpowered"  # one run of ours, fewer than 3
    assert v.cell(0.9901, runs(0.95), paper_std=0.0008376, paper_runs=5)["verdict"] == "lower"


def test_the_binomial_floor_of_a_proportion():
    """Three identical runs at 99.0 % on 10,000 test images still carry 0.1 points of sampling
    noise: one test image (0.01 points) away from the paper is consistent."""
    ours = runs(99.0, 99.0, 99.0)
    c = v.cell(98.99, ours, proportion=(100.0, 10_000))
    assert c["terms"]["sampling"] == pytest.approx(100 * math.sqrt(0.98995 * 0.01005 / 10_000))  # q: both sides
    assert c["verdict"] == "consistent"
    assert v.cell(98.99, ours)["verdict"] == "higher"  # without it: zero spread
    assert v.binomial_std(0.6, 1.0, 1000) == pytest.approx(math.sqrt(0.24 / 1000))
    assert v.binomial_std(60.0, 100.0, None) == 0.0


def test_exact_tables_are_judged_by_the_digit_alone():
    assert v.cell(0.1307, runs(0.13066), decimals=4, exact=True)["verdict"] == "consistent"
    assert v.cell(0.1307, runs(0.13080), decimals=4, exact=True)["verdict"] == "higher"


def test_no_paper_value_not_run_not_comparable():
    assert v.cell(None, stats(1.0))["verdict"] == "no paper value"
    assert v.cell(float("nan"), stats(1.0))["verdict"] == "no paper value"
    for ours in (None, {"mean": None, "std": None, "n": 0}):
        c = v.cell(1.0, ours)
        assert c["verdict"] == "not run" and c["difference"] is None and c["tolerance"] is None
    c = v.cell(1.0, stats(3.0), comparable=False)
    assert c["verdict"] == "not comparable" and c["difference"] == 2.0 and c["tolerance"] is None


def _doc(rows, columns, **fields):
    return {"columns": columns, "rows": [{"name": f"r{i}", "paper_std": {}, **row} for i, row in enumerate(rows)],
            "conclusions": [], **fields}


def test_timing_columns_are_not_comparable():
    for column in ("time_s", "train_ms_per_sample", "test_ms_per_sample"):
        assert v.is_timing(column)
    for column in ("test_accuracy_pct", "stuck_pct", "pixel_std", "max_abs_diff", "knn_accuracy"):
        assert not v.is_timing(column)
    doc = _doc([{"paper": {"acc": 90.0, "time_s": 20.0}, "reproduced": {"acc": runs(89.9, 90.0, 90.1), "time_s": runs(5.0)}}],
               ["acc", "time_s"])
    (judged,) = v.judge(doc)
    assert judged["acc"]["verdict"] == "consistent" and judged["time_s"]["verdict"] == "not comparable"
    (judged,) = v.judge({**doc, "paper_comparable": False})
    assert {c["verdict"] for c in judged.values()} == {"not comparable"}


def test_paper_decimals_override_and_the_documents_exact_flag():
    doc = _doc([{"paper": {"a": 0.13, "b": 0.13}, "reproduced": {"a": runs(0.1304), "b": runs(0.1304)}}], ["a", "b"], exact=True)
    (judged,) = v.judge(doc)
    assert judged["a"]["verdict"] == "consistent"  # 0.13 -> 0.005
    (judged,) = v.judge({**doc, "paper_decimals": 4})  # the report printed 0.1300
    assert judged["a"]["verdict"] == judged["b"]["verdict"] == "higher"
    (judged,) = v.judge({**doc, "paper_decimals": {"a": 4}})
    assert judged["a"]["verdict"] == "higher" and judged["b"]["verdict"] == "consistent"


def test_a_truncated_paper_number_is_the_interval_it_prints():
    """vgg.py prints `%d %%`: 69 stands for 69.00-69.99."""
    for mean, verdict in ((69.0, "consistent"), (69.95, "consistent"), (68.9, "lower"), (70.1, "higher")):
        c = v.cell(69.0, runs(mean), truncated=True, exact=True)
        assert c["verdict"] == verdict, mean
        assert c["difference"] == pytest.approx(mean - 69.5) and c["terms"]["digit"] == 0.5
    assert v.cell(69.0, runs(69.7), exact=True)["verdict"] == "higher"  # rounded, 69 is 68.5-69.5
    doc = _doc([{"paper": {"a": 69.0}, "reproduced": {"a": runs(69.7, 69.6, 69.8)}}], ["a"], paper_truncated=True)
    assert v.judge(doc)[0]["a"]["verdict"] == "consistent"
    assert v.aggregate([doc])["verdicts"]["consistent"] == 1


def test_the_paper_spread_read_as_a_variance():
    doc = _doc([{"paper": {"a": 1.0}, "paper_std": {"a": 0.04}, "reproduced": {"a": runs(1.0, 1.1, 1.2)}}], ["a"],
               paper_runs=10)
    assert v.paper_spread(doc, 0.04) == 0.04
    assert v.paper_spread({**doc, "paper_spread": "variance"}, 0.04) == pytest.approx(0.2)
    as_variance = v.judge({**doc, "paper_spread": "variance"})[0]["a"]
    assert as_variance == v.cell(1.0, runs(1.0, 1.1, 1.2), paper_std=0.2, paper_runs=10)
    assert as_variance != v.judge(doc)[0]["a"]


def test_counts_leave_out_repeats_and_old_baked_verdicts_are_judged_again():
    rows = [
        {"paper": {"a": 90.0, "b": 90.0}, "reproduced": {"a": runs(89.9, 90.0, 90.1), "b": runs(89.9, 90.0, 90.1)},
         "verdict": {"a": {"verdict": "higher"}}},  # rule 1 stored a verdict: ignored
        {"name": "again", "paper": {"a": 90.0, "b": None}, "reproduced": {"a": runs(80.0, 80.1, 80.2)}},
    ]
    doc = _doc(rows, ["a", "b"], verdicts={"consistent": 0, "compared": 9})
    doc["rows"][1]["name"] = "again"
    counts = v.count_cells(doc)
    assert counts["compared"] == 3 and counts["consistent"] == 2 and counts["lower"] == 1
    doc = {**doc, "repeats": {"again": "other/row"}, "repeated_columns": {"b": "a"}}
    counts = v.count_cells(doc)
    assert counts["compared"] == 1 and counts["consistent"] == 1 and counts["lower"] == 0
    held = v.count_conclusions([{"holds": True}, {"holds": False}, {"holds": None}])
    assert held == {"holding": 1, "stated": 3, "undecided": 1}
    line = v.describe({**counts, "underpowered": 1, "compared": 2}, held)
    assert line.startswith("verdicts: 1 of 2 cells consistent with the paper (1 underpowered)")
    assert "conclusions: 1 of 3 hold (1 undecided)" in line
    total = v.aggregate([doc, doc])
    assert total["tables"] == 2 and total["verdicts"]["compared"] == 2
    assert v.describe(v.aggregate([])["verdicts"], v.count_conclusions([])) == (
        "verdicts: no cell compared with the paper; conclusions: none stated")


# ## Calibration: cells whose two sides come from one distribution


def _simulate(rng, paper_runs, our_runs, shift=0.0, proportion=None, cells=2000):
    """The share of `cells` simulated cells judged differing (and underpowered): each side's runs
    drawn from one distribution (ours shifted by `shift` of its per-run standard deviations);
    `proportion` `(p, N, tau)`: accuracies of N test examples, training noise tau around p."""
    differing = underpowered = 0
    for _ in range(cells):
        if proportion is None:
            paper = rng.normal(50.0, 1.0, paper_runs)
            ours = rng.normal(50.0 + shift, 1.0, our_runs)
            kwargs = {"decimals": 1}
            paper_value = round(float(paper.mean()), 1)  # printed to one decimal, as reports do
        else:
            p, size, tau = proportion
            sd = math.sqrt(tau**2 + p * (1 - p) / size)
            paper = 100 * rng.binomial(size, np.clip(rng.normal(p, tau, paper_runs), 0, 1)) / size
            ours = 100 * rng.binomial(size, np.clip(rng.normal(p + shift * sd, tau, our_runs), 0, 1)) / size
            kwargs = {"decimals": 2, "proportion": (100.0, size)}
            paper_value = round(float(paper.mean()), 2)
        c = v.cell(paper_value, runs(*(float(x) for x in ours)),
                   paper_std=float(paper.std(ddof=1)) if paper_runs > 1 else None, paper_runs=paper_runs, **kwargs)
        differing += c["verdict"] in v.DIFFERING
        underpowered += c["verdict"] == "underpowered"
    return differing / cells, underpowered / cells


# The false-alarm band the README states: at most 7 % (5 % and Monte-Carlo error), at least 0.5 %
# (the binomial floor and the Bonferroni split make the rule conservative where both apply).
FALSE_ALARMS = (0.005, 0.07)
SHAPES = [((1, 2), None), ((1, 5), None), ((5, 5), None), ((10, 10), None),
          ((1, 5), (0.99, 10_000, 0.001)), ((5, 5), (0.99, 10_000, 0.001)),
          ((1, 5), (0.6, 1_000, 0.01)), ((5, 5), (0.6, 1_000, 0.01))]


@pytest.mark.parametrize("shape, proportion", SHAPES)
def test_false_alarm_rate_is_near_the_level(shape, proportion):
    rng = np.random.default_rng(sum(shape) + (0 if proportion is None else int(proportion[1])))
    false_alarms, _ = _simulate(rng, *shape, proportion=proportion)
    print(f"paper {shape[0]} vs ours {shape[1]} runs, {proportion or 'normal'}: false alarms {false_alarms:.2%}")
    assert FALSE_ALARMS[0] <= false_alarms <= FALSE_ALARMS[1]


def test_power_at_3_and_5_standard_deviations():
    rng = np.random.default_rng(1)
    power = {(shape, proportion, shift): _simulate(rng, *shape, shift=shift, proportion=proportion, cells=500)[0]
             for shape, proportion in SHAPES for shift in (3, 5)}
    for (shape, proportion, shift), share in power.items():
        print(f"paper {shape[0]} vs ours {shape[1]} runs, {proportion or 'normal'}, shift {shift} sd: power {share:.0%}")
    # A shift of 5 standard deviations is found from 5 runs of ours on, in every shape.
    assert all(share >= 0.8 for (shape, _, shift), share in power.items() if shift == 5 and shape[1] >= 5)
    assert power[((10, 10), None, 3)] >= 0.95


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


def test_summary_stores_values_and_prints_verdicts_judged_when_read(tmp_path, capsys):
    conclusions = [
        Conclusion("far beats near", lambda m: m["far"]["score"] > m["near"]["score"]),
        Conclusion("empty scores", lambda m: m["empty"]["score"] > 0),  # no result: undecided
    ]
    report = _report(conclusions, exact=True)
    summary = run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path, quiet=True))
    assert "verdicts" not in summary and all("verdict" not in row for row in summary["rows"])
    assert summary["rule_version"] == v.RULE_VERSION and summary["exact"] is True
    cells = {r["name"]: {c: x["verdict"] for c, x in judged.items()} for r, judged in zip(summary["rows"], v.judge(summary))}
    assert cells == {
        "near": {"score": "consistent", "time_s": "not comparable"},
        "far": {"score": "higher", "time_s": "not comparable"},
        "none": {"score": "no paper value", "time_s": "no paper value"},
        "empty": {"score": "not run", "time_s": "no paper value"},
    }
    assert v.judge(summary)[0]["score"]["terms"]["digit"] == 0.5
    counts = v.count_cells(summary)
    assert counts["compared"] == 2 and counts["consistent"] == 1
    assert v.count_conclusions(summary["conclusions"]) == {"holding": 0, "stated": 2, "undecided": 1}
    assert [c["holds"] for c in summary["conclusions"]] == [False, None]
    text = capsys.readouterr().out
    assert "verdict" in text and "higher" in text
    assert "verdicts: 1 of 2 cells consistent with the paper (1 higher)" in text
    assert "conclusions: 0 of 2 hold (1 undecided)" in text
    folder = tmp_path / "toy"
    stored = json.loads((folder / "t.json").read_text())
    assert v.count_cells(stored) == counts
    csv = (folder / "t.csv").read_text().splitlines()
    assert csv[0].endswith(",verdict,difference,tolerance") and ",higher," in csv[3]
    markdown = (folder / "t.md").read_text()
    assert "| verdict |" in markdown and "verdicts: 1 of 2 cells" in markdown


def test_table_attributes_override(tmp_path):
    report = _report(paper_comparable=False)
    summary = run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path / "a", quiet=True), echo=None)
    assert v.count_cells(summary)["compared"] == 0 and v.count_cells(summary)["not comparable"] == 5
    report = _report(paper_decimals={"score": 2}, exact=True)  # the report printed 90.00: 90.02 is too far
    summary = run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path / "b", quiet=True), echo=None)
    assert v.judge(summary)[0]["score"]["verdict"] == "higher"
    report = _report(proportions={"score": Proportion(100.0, "test")}, repeats={"far": "other/far"})
    summary = run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path / "c", quiet=True), echo=None)
    assert summary["proportions"] == {"score": {"scale": 100.0, "split": "test"}} and summary["repeats"] == {"far": "other/far"}
    assert v.judge(summary)[0]["score"]["verdict"] == "underpowered"  # one trial against one paper run


def test_a_stand_in_data_set_says_so_and_compares_nothing(tmp_path, shared_data):
    report = _report(data="svhn_cropped", data_setting="dataset")
    for settings in report.profiles.values():
        settings.update(dataset="mnist", n_train=64, n_test=32)
    options = RunOptions("smoke", out=tmp_path / "a", quiet=True, data_dir=str(shared_data))
    summary = run_table(report, report.tables[0], options, echo=None)
    assert summary["title"].startswith("made-up, on mnist standing in for the paper's svhn_cropped")
    assert summary["paper_comparable"] is False and v.count_cells(summary)["compared"] == 0
    assert summary["data"]["train"] == 64
    # On the paper's own data set the table compares as any other (here: MNIST "as" the paper's).
    report = _report(data="mnist", data_setting="dataset")
    for settings in report.profiles.values():
        settings.update(dataset="mnist", n_train=64, n_test=32)
    summary = run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path / "b", quiet=True,
                                                             data_dir=str(shared_data)), echo=None)
    assert summary["title"] == "made-up" and v.count_cells(summary)["compared"] == 2


@pytest.mark.parametrize(
    "check, match",
    [(lambda m: m["nera"]["score"] > 0, "row 'nera'"), (lambda m: m["near"]["scroe"] > 0, "column 'scroe'")],
)
def test_a_misspelt_name_in_a_conclusion_raises(tmp_path, check, match):
    report = _report([Conclusion("typo", check)])
    with pytest.raises(UnknownNameError, match=match):
        run_table(report, report.tables[0], RunOptions("smoke", out=tmp_path, quiet=True), echo=None)


# ## Between two runs (`python -m reproduce compare`, the report page's reference column)


def test_between_runs_the_reference_run_takes_the_papers_place():
    assert "digit" in v.RULE_BETWEEN_RUNS and "Welch" in v.RULE_BETWEEN_RUNS
    a = runs(89.0, 90.0, 91.0, 90.0)
    c = v.against(a, runs(89.8, 90.8, 91.8, 90.8))
    assert c["verdict"] == "consistent" and c["terms"]["digit"] == 0.0
    assert v.against(a, runs(93.0, 94.0, 95.0, 94.0))["verdict"] == "higher"
    assert v.against(a, runs(85.0, 86.0, 87.0, 86.0))["verdict"] == "lower"
    assert v.against(a, runs(89.99, 90.0, 90.01, 90.0))["verdict"] == "spread differs"
    # Identical values (a bit-identical re-run) agree whatever the run count; one run each else cannot decide.
    assert v.against(runs(90.0), runs(90.0))["verdict"] == "consistent"
    assert v.against(runs(90.0), runs(90.01))["verdict"] == "underpowered"
    assert v.against(None, stats(1.0))["verdict"] == "no paper value"
    assert v.against(stats(1.0), {"mean": None, "n": 0})["verdict"] == "not run"
    assert v.against(stats(1.0), stats(2.0), comparable=False)["verdict"] == "not comparable"
