"""Unstated choices (`kerasdl.runner.Choice`): a default adds nothing to a trial's identity, other candidates do, and values outside the candidates are refused."""

import pytest
from kerasdl.runner import Candidate, Choice, Report, Row, Table, RunOptions
from kerasdl import unstated
from kerasdl.runner.plan import plan_table

def run(trial):
    raise AssertionError("planning runs no trial")

def report():
    t = Table("t", "x", ["a"], [Row("r", {"a": 1.0}, {"lr": 0.1})], run)
    c = Choice("optimizer", "optimizer", Candidate("sgd", "the report's text"), [Candidate("adam", "era code")])
    return Report("toy", "toy", "s", [t], {"smoke": {"trials": 1}, "fast": {"trials": 1}, "paper": {"trials": 1}}, unstated=[c]), t

def test_default_leaves_identity():
    r, t = report()
    plain = plan_table(r, t, RunOptions(profile="smoke"))
    default = plan_table(r, t, RunOptions(profile="smoke", overrides={"optimizer": "sgd"}))
    other = plan_table(r, t, RunOptions(profile="smoke", overrides={"optimizer": "adam"}))
    assert plain.trials[0].identity == default.trials[0].identity
    assert other.trials[0].config["optimizer"] == "adam"
    assert r.unstated[0].of(plain.trials[0].config) == "sgd"
    with pytest.raises(ValueError, match="choose from: sgd, adam"):
        plan_table(r, t, RunOptions(profile="smoke", overrides={"optimizer": "rmsprop"}))


def test_declaration_errors():
    t = Table("t", "x", ["a"], [Row("r", {"a": 1.0})], run)
    profiles = {"smoke": {}, "fast": {}, "paper": {}}
    with pytest.raises(ValueError, match="must differ"):
        Choice("k", "k", Candidate(1, "a"), [Candidate(1, "b")])
    with pytest.raises(ValueError, match="no table"):
        Report("toy", "toy", "s", [t], profiles, unstated=[Choice("k", "k", Candidate(1, "a"), [], tables=["u"])])
    twice = [Choice("k", "k", Candidate(1, "a"), []), Choice("k", "k", Candidate(2, "a"), [])]
    with pytest.raises(ValueError, match="declared twice"):
        Report("toy", "toy", "s", [t], profiles, unstated=twice)


def test_rows_that_do_not_read_a_choice_keep_their_identity():
    t = Table("t", "x", ["a"], [Row("r", {"a": 1.0}, {"init": "he"}), Row("s", {"a": 1.0}, {"init": "random"})], run)
    c = Choice("random_init", "random", Candidate("normal", "a"), [Candidate("uniform", "b")], reads=lambda c: c["init"] == "random")
    r = Report("toy", "toy", "s", [t], {"smoke": {"trials": 1}, "fast": {"trials": 1}, "paper": {"trials": 1}}, unstated=[c])
    plain = [trial.identity for trial in plan_table(r, t, RunOptions(profile="smoke")).trials]
    other = [trial.identity for trial in plan_table(r, t, RunOptions(profile="smoke", overrides={"random_init": "uniform"})).trials]
    assert other[0] == plain[0] and other[1] != plain[1] and other[1]["config"]["random_init"] == "uniform"


def test_a_value_equal_to_a_candidate_is_planned_as_that_candidate():
    t = Table("t", "x", ["a"], [Row("r", {"a": 1.0})], run)
    c = Choice("dampening", "d", Candidate("momentum", "a"), [Candidate(0, "b")])
    r = Report("toy", "toy", "s", [t], {"smoke": {"trials": 1}, "fast": {"trials": 1}, "paper": {"trials": 1}}, unstated=[c])
    as_int, as_float = (plan_table(r, t, RunOptions(profile="smoke", overrides={"dampening": v})).trials[0].identity for v in (0, 0.0))
    assert as_int == as_float and type(as_float["config"]["dampening"]) is int


def test_a_choice_set_on_the_command_line_is_noted_beside_its_default(tmp_path):
    from kerasdl.runner import TrialResult, run_table

    t = Table("t", "x", ["a"], [Row("r", {"a": 1.0}, {"lr": 0.1})], lambda trial: TrialResult(metrics={"a": 1.0}))
    c = Choice("optimizer", "optimizer", Candidate("sgd", "the report's text"), [Candidate("adam", "era code")])
    r = Report("toy", "toy", "s", [t], {"smoke": {"trials": 1}, "fast": {"trials": 1}, "paper": {"trials": 1}}, unstated=[c])
    notes = {
        value: run_table(r, t, RunOptions("smoke", out=tmp_path, quiet=True, overrides={"optimizer": value}), echo=None)["notes"]
        for value in ("sgd", "adam")
    }
    # The choice's own footnote (`Report.notes_of`) names the default; a run that sets another says so first.
    assert notes["sgd"] == [unstated.note(c)]
    assert notes["adam"] == [
        "This run sets optimizer `optimizer=adam` (`--set`); the footnote below names the tables' default, `sgd`.",
        unstated.note(c),
    ]


def test_any_other_setting_set_on_the_command_line_is_noted(tmp_path):
    from kerasdl.runner import TrialResult, run_table

    t = Table("t", "x", ["a"], [Row("r", {"a": 1.0}, {"lr": 0.1})], lambda trial: TrialResult(metrics={"a": 1.0}),
              config={"hidden": 1000})
    r = Report("toy", "toy", "s", [t], {"smoke": {"trials": 1}, "fast": {"trials": 1}, "paper": {"trials": 1}})
    run = lambda **overrides: run_table(r, t, RunOptions("smoke", out=tmp_path, quiet=True, overrides=overrides), echo=None)  # noqa: E731
    assert run(hidden=1000)["notes"] == []  # the protocol's own value: nothing to say
    assert run(hidden=200)["notes"] == [
        "This run sets `hidden=200` (`--set`) in every row, over the protocol's `1000`: the notes below describe the protocol."]
    assert "over the protocol's `0.1`" in run(lr=0.2)["notes"][0]  # a row's setting
