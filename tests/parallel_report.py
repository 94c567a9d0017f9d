"""A report for tests of `--jobs`: cheap trials, one row that raises, one whose process dies."""

import os
import time

from kerasdl.runner import Report, Row, Table, TrialResult


def trial(t):
    behaviour = t.row.config["behaviour"]
    for _ in range(t.config["epochs"]):
        time.sleep(t.config["epoch_s"])
        t.epoch_done()
    if behaviour == "raises":
        raise ValueError(f"trial {t.index} of this row always fails")
    if behaviour == "dies":
        os._exit(3)
    return TrialResult({"score": t.seed * 10.0 + t.index}, history={"loss": [float(t.seed)]})


ROWS = [Row("ok", {"score": None}, {"behaviour": "ok"}), Row("ok too", {"score": None}, {"behaviour": "ok", "other": 1})]
PROFILES = {p: {"epochs": 2, "trials": 3, "epoch_s": 0.05} for p in ("smoke", "fast", "paper")}

good = Table("good", "trials that finish", ["score"], ROWS, trial)
bad = Table(
    "bad",
    "trials that finish, raise or die",
    ["score"],
    ROWS[:1] + [Row("raises", {"score": None}, {"behaviour": "raises"}), Row("dies", {"score": None}, {"behaviour": "dies"})],
    trial,
    trials=2,
)
slow = Table("slow", "trials long enough to be stopped", ["score"], ROWS, trial, profiles={"smoke": {"epoch_s": 1.0, "epochs": 4}})

REPORT = Report("parallel_test", "--jobs test report", "none", [good, bad, slow], PROFILES)

if __name__ == "__main__":
    from kerasdl.commands import script

    script(REPORT)
