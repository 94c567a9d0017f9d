"""`kerasdl.runner.declare`: the helpers report modules write their tables with."""

from kerasdl.runner import Row
from kerasdl.runner.declare import by_profile, names, reported


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
