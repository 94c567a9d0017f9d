"""The claim helpers (`kerasdl.runner.claims`) on made-up means, and the names they carry checked
when a table is defined."""

import pytest

from kerasdl.runner import Conclusion, Report, Row, RunOptions, Table, TrialResult, run_table
from kerasdl.runner.claims import (Check, Measured, above, all_of, any_of, below, beats, best, column_beats, columns_within,
                                   half_width, increasing, matches_paper, within)

MEANS = {
    "a": {"acc": 90.0, "err": 10.0},
    "b": {"acc": 80.0, "err": 20.0},
    "c": {"acc": 70.0, "err": 30.0},
    "empty": {},  # a row without results, as summarize passes it
}


def test_best():
    assert best("a", ["a", "b", "c"], "acc")(MEANS) is True
    assert best("a", ["b", "c"], "acc")(MEANS) is True  # `among` may leave the row out
    assert best("b", ["a", "b", "c"], "acc")(MEANS) is False
    assert best("a", ["a", "b", "c"], "err", higher=False)(MEANS) is True
    assert best("c", ["a", "b", "c"], "err", higher=False)(MEANS) is False
    assert best("a", ["a", "b", "empty"], "acc")(MEANS) is None
    tie = {"a": {"acc": 1.0}, "b": {"acc": 1.0}}
    assert best("a", ["a", "b"], "acc")(tie) is False  # strictly the best


def test_beats():
    assert beats("a", "b", "acc")(MEANS) is True
    assert beats("b", "a", "acc")(MEANS) is False
    assert beats(["a", "b"], "c", "acc")(MEANS) is True  # every better row beats every worse row
    assert beats(["a", "c"], "b", "acc")(MEANS) is False
    assert beats("a", ["b", "c"], "err", higher=False)(MEANS) is True
    assert beats("a", "b", "acc", by=10)(MEANS) is False  # by more than `by`
    assert beats("a", "b", "acc", by=10, strict=False)(MEANS) is True
    assert beats("a", "a", "acc", strict=False)(MEANS) is True  # at least as good
    assert beats("a", "empty", "acc")(MEANS) is None
    assert beats("a", "missing", "acc")({"a": {"acc": 1.0}}) is None  # a plain dict without the row


def test_increasing():
    assert increasing(["c", "b", "a"], "acc")(MEANS) is True
    assert increasing(["a", "b", "c"], "acc")(MEANS) is False
    assert increasing(["c", "a", "b"], "acc")(MEANS) is False
    assert increasing(["c", "c"], "acc")(MEANS) is False  # strictly
    assert increasing(["c", "b", "empty"], "acc")(MEANS) is None


def test_within():
    assert within("a", "b", "acc", 10.0)(MEANS) is True  # at most the tolerance
    assert within("a", "b", "acc", 9.9)(MEANS) is False
    assert within("b", "a", "acc", 10.0)(MEANS) is True
    assert within("a", "empty", "acc", 100.0)(MEANS) is None


def test_below_and_above():
    assert below(["a", "b"], "err", 25)(MEANS) is True
    assert below(["a", "b", "c"], "err", 25)(MEANS) is False
    assert below("a", "err", 10)(MEANS) is False
    assert below("a", "err", 10, strict=False)(MEANS) is True
    assert above(["a", "b"], "acc", 75)(MEANS) is True
    assert above("b", "acc", 80)(MEANS) is False
    assert above("b", "acc", 80, strict=False)(MEANS) is True
    assert below(["a", "empty"], "err", 100)(MEANS) is None
    assert above("a", "acc", 0)({"a": {"acc": None}}) is None  # a mean of None: no result


def test_all_of_and_any_of():
    true, false, undecided = beats("a", "b", "acc"), beats("b", "a", "acc"), beats("a", "empty", "acc")
    assert all_of(true, true)(MEANS) is True
    assert all_of(true, false)(MEANS) is False
    assert any_of(false, true)(MEANS) is True
    assert any_of(false, false)(MEANS) is False
    # Undecided while any part is, even where the others would decide: every row is needed.
    assert all_of(false, undecided)(MEANS) is None
    assert any_of(true, undecided)(MEANS) is None
    assert set(all_of(true, undecided).rows) == {"a", "b", "empty"}


def test_a_check_of_its_own_reads_only_its_rows_and_columns():
    seen = []
    check = Check(lambda v: seen.append(v) or v["a"]["acc"] - v["b"]["err"] > 60, ["a", "b"], ["acc", "err"])
    assert check(MEANS) is True
    assert seen == [{"a": {"acc": 90.0, "err": 10.0}, "b": {"acc": 80.0, "err": 20.0}}]
    assert check.rows == ("a", "b") and check.columns == ("acc", "err")
    assert Check(lambda v: True, ["a", "empty"], "acc")(MEANS) is None


def test_checks_carry_their_names():
    check = beats(["a", "b"], "c", "acc")
    assert check.rows == ("a", "b", "c") and check.columns == ("acc",)
    assert best("a", ["a", "b"], "err").rows == ("a", "b")


# ## Names checked when the table is defined


def _trial(trial):
    return TrialResult(metrics={"score": trial.config["value"]})


def _table(*conclusions):
    rows = [Row("near", {"score": 90.0}, {"value": 90.0}), Row("far", {"score": 80.0}, {"value": 85.0})]
    return Table("toy_table", "made-up", ["score"], rows, _trial, conclusions=list(conclusions))


def test_a_misspelt_row_fails_when_the_table_is_defined():
    with pytest.raises(ValueError, match=r"table 'toy_table', conclusion 'near wins': no row 'nera'"):
        _table(Conclusion("near wins", beats("nera", "far", "score")))
    with pytest.raises(ValueError, match=r"no row 'fra'; the table's rows are \['near', 'far'\]"):
        _table(Conclusion("near is best", best("near", ["near", "fra"], "score")))
    with pytest.raises(ValueError, match="no row 'nera'"):  # inside a combination
        _table(Conclusion("both", all_of(beats("near", "far", "score"), above("nera", "score", 0))))


def test_a_misspelt_column_fails_when_the_table_is_defined():
    with pytest.raises(ValueError, match=r"table 'toy_table', conclusion 'near wins': no column 'scroe'"):
        _table(Conclusion("near wins", beats("near", "far", "scroe")))


def test_a_plain_callable_is_still_accepted():
    _table(Conclusion("near wins", lambda m: m["near"]["score"] > m["far"]["score"]))


def test_through_summarize(tmp_path):
    table = _table(
        Conclusion("far beats near", beats("far", "near", "score")),
        Conclusion("near is best", best("near", ["near", "far"], "score")),
        Conclusion("close", within("near", "far", "score", 1.0)),
    )
    # Three trials of identical values: zero spread, so the means decide.
    report = Report("toy", "Toy", "none", [table], {p: {"epochs": 1, "trials": 3} for p in ("smoke", "fast", "paper")})
    summary = run_table(report, table, RunOptions("smoke", out=tmp_path / "three", quiet=True), echo=None)
    assert [c["holds"] for c in summary["conclusions"]] == [False, True, False]
    # One trial per row: no spread to judge a difference by, so every claim is undecided.
    report = Report("toy", "Toy", "none", [table], {p: {"epochs": 1, "trials": 1} for p in ("smoke", "fast", "paper")})
    summary = run_table(report, table, RunOptions("smoke", out=tmp_path / "one", quiet=True), echo=None)
    assert [c["holds"] for c in summary["conclusions"]] == [None, None, None]


def _measured(mean, sd, n=5):
    return Measured(mean, sd, n)


def test_claims_under_uncertainty_hold_fail_or_stay_undecided():
    noisy = {"a": {"acc": _measured(90.0, 1.0)}, "b": {"acc": _measured(89.5, 1.0)}, "c": {"acc": _measured(80.0, 1.0)},
             "one": {"acc": Measured(95.0, None, 1)}}
    assert beats("a", "c", "acc")(noisy) is True  # 10 points, far beyond the interval
    assert beats("c", "a", "acc")(noisy) is False
    assert beats("a", "b", "acc")(noisy) is None  # 0.5 points, inside the interval: undecided
    assert beats("one", "c", "acc")(noisy) is None  # one trial: no spread
    assert best("a", ["a", "b", "c"], "acc")(noisy) is None
    assert best("c", ["a", "b", "c"], "acc")(noisy) is False  # a and b beat it
    assert increasing(["c", "b", "a"], "acc")(noisy) is None
    assert increasing(["a", "b", "c"], "acc")(noisy) is False
    assert within("a", "b", "acc", 5.0)(noisy) is True
    assert within("a", "c", "acc", 1.0)(noisy) is False
    assert within("a", "b", "acc", 0.6)(noisy) is None
    assert above("a", "acc", 85.0)(noisy) is True and above("a", "acc", 89.9)(noisy) is None
    assert below("c", "acc", 85.0)(noisy) is True and below("c", "acc", 75.0)(noisy) is False
    # Three-valued combinations: one failing part decides all_of, one holding part any_of.
    assert all_of(beats("a", "c", "acc"), beats("a", "b", "acc"))(noisy) is None
    assert all_of(beats("c", "a", "acc"), beats("a", "b", "acc"))(noisy) is False
    assert any_of(beats("a", "c", "acc"), beats("a", "b", "acc"))(noisy) is True
    assert any_of(beats("c", "a", "acc"), beats("b", "a", "acc"))(noisy) is None
    half = half_width(noisy["a"]["acc"], noisy["b"]["acc"])
    assert half == pytest.approx(2.306 * (2 / 5) ** 0.5, rel=1e-3)  # Welch, equal spreads: t(0.975, 8)


def test_the_reports_conclusions_name_their_tables_rows():
    # Importing the report modules defines their tables, which checks every claim's names.
    from kerasdl.runner.claims import Check as Helper
    from reproduce import alt_softmax, classifiers, convnet_tricks, lenet5, scratch_mlp

    checked = 0
    for module in (alt_softmax, classifiers, convnet_tricks, lenet5, scratch_mlp):
        for table in module.REPORT.tables:
            for conclusion in table.conclusions:
                if isinstance(conclusion.check, Helper):
                    assert set(conclusion.check.rows) <= {row.name for row in table.rows}
                    checked += 1
    assert checked >= 30


def test_two_columns_of_one_row():
    assert column_beats("a", "acc", "err", by=79.0)(MEANS) is True
    assert column_beats("a", "acc", "err", by=80.0)(MEANS) is False  # by more than `by`
    assert column_beats("a", "err", "acc", higher=False)(MEANS) is True
    assert column_beats("empty", "acc", "err")(MEANS) is None
    assert columns_within("b", "acc", "err", 60.0)(MEANS) is True
    assert columns_within("b", "acc", "err", 59.9)(MEANS) is False
    assert column_beats("a", "acc", "err").columns == ("acc", "err")


def test_matches_paper_reads_the_rows_own_numbers():
    rows = [Row("a", {"acc": 90.00004, "err": None}), Row("b", {"acc": 80.0, "err": 20.0})]
    assert matches_paper(rows, 1e-4)(MEANS) is True
    assert matches_paper(rows, 1e-5)(MEANS) is False
    assert matches_paper([Row("c", {"acc": 70.0}), Row("empty", {"acc": 1.0})], 1.0)(MEANS) is None
    assert (matches_paper(rows, 1e-4).rows, matches_paper(rows, 1e-4).columns) == (("a", "b"), ("acc", "err"))
