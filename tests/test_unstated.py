"""The unstated choices of reports `alt_softmax`, `scratch_mlp` and `convnet_tricks`
(`Report.unstated`): a default leaves the tables' trials as they are (the same identities), every
other candidate changes them, and each table's footnotes state the choices it reads
(`kerasdl.unstated`)."""

import pytest

from kerasdl import unstated
from kerasdl.runner import Candidate, Choice, RunOptions
from kerasdl.runner.plan import plan_table
from reproduce import alt_softmax, convnet_tricks, lenet5, scratch_mlp
from tests.test_cli import write_fake_data
from tests.test_data_svhn import write_mat

REPORTS = [alt_softmax.REPORT, scratch_mlp.REPORT, convnet_tricks.REPORT, lenet5.REPORT]
CASES = [(report, table, choice) for report in REPORTS for table in report.tables for choice in report.choices_of(table)]
# alt_softmax's smoke profile trains on MNIST, its stand-in: its SVHN choice (`extra`) is read on SVHN.
SETTINGS = {"alt_softmax": {"dataset": "svhn_cropped"}}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = write_fake_data(tmp_path_factory.mktemp("data"))
    for split, n in (("train", 40), ("test", 20), ("extra", 30)):
        write_mat(folder, split, n)
    return str(folder)


@pytest.mark.parametrize(
    "report, table, choice", CASES, ids=[f"{r.id}-{t.name}-{c.key}" for r, t, c in CASES]
)
def test_default_keeps_the_trials_and_the_others_change_them(report, table, choice, data_dir):
    def identities(**overrides):
        overrides = {**SETTINGS.get(report.id, {}), **overrides}
        plan = plan_table(report, table, RunOptions(profile="smoke", data_dir=data_dir, overrides=overrides))
        return [planned.identity for planned in plan.trials]

    plain = identities()
    assert all(choice.of(i["config"]) == choice.default.value for i in plain)
    assert identities(**{choice.key: choice.default.value}) == plain
    reads = [choice.reads is None or choice.reads(i["config"]) for i in plain]
    assert any(reads)
    for candidate in choice.alternatives:
        changed = identities(**{choice.key: candidate.value})
        # The trials that read the choice change; those that do not (`reads`) stay as they were.
        assert len(changed) == len(plain) and [a != b for a, b in zip(plain, changed)] == reads
        assert [choice.of(i["config"]) == candidate.value for i in changed] == reads


def test_every_report_declares_choices_with_reasons():
    for report in REPORTS:
        assert report.unstated, report.id
        for choice in report.unstated:
            assert all(c.why.strip() and not c.why.endswith(".") for c in choice.candidates), choice.key


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r.id)
def test_each_table_prints_the_choices_it_reads(report):
    for table in report.tables:
        assert not any(note.startswith("Unstated, chosen here: ") for note in table.notes), table.name
        printed = [note for note in report.notes_of(table) if note.startswith("Unstated, chosen here: ")]
        assert printed == [unstated.note(c) for c in report.choices_of(table)], table.name


def test_note_text():
    choice = Choice(
        "optimizer", "optimizer", Candidate("sgd", "the report's code"), [Candidate("adam", "era code"), Candidate(1e-3, "x")]
    )
    assert unstated.note(choice) == (
        "Unstated, chosen here: optimizer `optimizer=sgd`: the report's code. Other candidates "
        "(`kerasdl sensitivity` runs them): `adam`: era code; `0.001`: x."
    )
    alone = Choice("k", "k", Candidate(1, "only"), [], tables=("t",))
    assert unstated.note(alone) == "Unstated, chosen here: k `k=1`: only."
