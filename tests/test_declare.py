"""`kerasdl.runner.declare`: the helpers report modules write their tables with."""

import pytest

from kerasdl.runner import Conclusion, Row, Table
from kerasdl.runner.declare import by_profile, names, reported, table_factory


def test_by_profile_merges_settings_per_profile():
    assert by_profile(epochs={"smoke": 1, "fast": 10, "paper": 80}, points={"smoke": 40, "paper": 2000}) == {
        "smoke": {"epochs": 1, "points": 40}, "fast": {"epochs": 10}, "paper": {"epochs": 80, "points": 2000}}
    assert by_profile() == {}


def test_reported_rows_and_names():
    row = reported("s1", {"acc": (0.99, 0.001, 0.992), "loss": 0.1, "err": None, "f1": (0.5, 0.01)}, {"lr": 0.1})
    assert row == Row("s1", {"acc": 0.99, "loss": 0.1, "err": None, "f1": 0.5}, {"lr": 0.1},
                      paper_std={"acc": 0.001, "f1": 0.01}, paper_max={"acc": 0.992})
    assert reported("s2", {"acc": 1.0}).config == {}
    assert names([row, reported("s2", {})]) == ["s1", "s2"]


def _run(trial):
    raise AssertionError("not run")


def test_table_factory_joins_sequences_and_merges_mappings():
    shared = Conclusion("shared", lambda means: True)
    table = table_factory(run=_run, data="mnist", notes=["a"], conclusions=[shared], config={"lr": 0.1, "epochs": 1},
                          profiles={"fast": {"epochs": 2, "trials": 3}})
    own = Conclusion("own", lambda means: True)
    t = table("t", "a table", ["acc"], [reported("r", {"acc": 0.9})], data="cifar10", notes=["b"], conclusions=[own],
              config={"epochs": 5}, profiles={"fast": {"epochs": 4}, "paper": {"epochs": 9}})
    assert (t.data, t.run, t.notes, t.conclusions) == ("cifar10", _run, ("a", "b"), (shared, own))
    assert t.config == {"lr": 0.1, "epochs": 5}
    assert t.profiles == {"fast": {"epochs": 4, "trials": 3}, "paper": {"epochs": 9}}
    # The factory's own fields are left as they were for the next table.
    assert table("u", "another", ["acc"], []).notes == ("a",)


def test_a_table_completes_its_rows_paper_numbers():
    t = Table("t", "a table", ["err", "err_again", "time"], [reported("r", {"err": (1.2, 0.1), "time": 3.0})], _run,
              paper_runs=10, repeated_columns={"err_again": "err"})
    (row,) = t.rows
    assert row.paper == {"err": 1.2, "err_again": 1.2, "time": 3.0}
    assert row.paper_std == {"err": 0.1, "err_again": 0.1}
    blank = Table("t", "a table", ["err", "time"], [Row("r", {"time": 3.0})], _run)
    assert blank.rows[0].paper == {"err": None, "time": 3.0}
    with pytest.raises(ValueError, match="'eror'"):
        Table("t", "a table", ["err"], [Row("r", {"eror": 1.0})], _run)
