"""`python -m tuning`: the spaces hold the report's choices, bad input gives one line and exit 2,
a search starts fresh unless resumed and refuses a changed space, and a distributed search with 2
workers on loopback splits its trials between them, none run twice, no process left behind."""

import dataclasses
import json
import os
import signal
import time
from pathlib import Path

import keras
import pytest

from tests.test_cli import write_fake_data
from tuning import distributed, searches
from tuning.cli import main
from tuning.searches import SEARCHES


@pytest.fixture(scope="module")
def fake_data(tmp_path_factory):
    return write_fake_data(tmp_path_factory.mktemp("data"))


def _smoke(search, data, out, *extra):
    return main([search, "--profile", "smoke", "--data-dir", str(data), "--out", str(out), "--quiet", *extra])


def _summary(out, search):
    return json.loads((Path(out) / search / "summary.json").read_text())


def _processes_mentioning(text):
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().decode(errors="replace"):
                found.append(cmdline.parent.name)
        except OSError:
            continue
    return found


@pytest.mark.parametrize("name", list(SEARCHES))
def test_each_space_holds_the_reports_choice_as_its_default(name):
    search = SEARCHES[name]
    space = {hp.name: hp for hp in search.space().space}
    assert set(space) == set(search.report_choice)
    for key, value in search.report_choice.items():
        assert value in space[key].values and space[key].default == value


def test_dropout_space_is_the_keep_probability():
    search = SEARCHES["q5_dropout"]
    hp = search.space()
    hp.values["keep_prob"] = 0.6
    model = search.hypermodel(search.settings("smoke"), (28, 28, 1), 10).build(hp)
    (dropout,) = [layer for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    assert dropout.rate == pytest.approx(0.4)


@pytest.mark.parametrize(
    "argv, words",
    [
        (["nope"], ["unknown search 'nope'", "q5_cnn"]),
        (["q5_cnn", "--tuner", "grid"], ["unknown tuner 'grid'", "random, hyperband, bayesian"]),
        (["q5_cnn", "--profile", "huge"], ["unknown profile 'huge'", "smoke, fast, paper"]),
        (["q5_cnn", "--max-trials", "0"], ["--max-trials", "positive integer"]),
        (["q5_cnn", "--tuner", "hyperband", "--max-trials", "3"], ["does not apply to hyperband"]),
        (["q5_cnn", "--timeout", "10"], ["--timeout applies to --workers"]),
        (["q5_cnn", "--workers", "0"], ["--workers", "positive integer"]),
        (["q5_cnn", "--data-dir", "/no/such/dir"], ["--data-dir", "does not exist"]),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(argv, words, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    for word in words:
        assert word in err


def test_search_is_fresh_unless_resumed_and_refuses_a_changed_space(fake_data, tmp_path, monkeypatch, capsys):
    out = tmp_path / "tuning"
    assert _smoke("q4_hidden", fake_data, out, "--max-trials", "2") == 0
    first = _summary(out, "q4_hidden")
    assert len(first["trials"]) == 2 and first["best"] is not None
    assert first["report_choice"] == {"hidden": 1000}
    assert (out / "q4_hidden" / "val_accuracy.png").exists()
    printed = capsys.readouterr().out
    assert "best (this search)" in printed and "report's choice" in printed

    # --resume with a larger budget continues the same search.
    assert _smoke("q4_hidden", fake_data, out, "--max-trials", "3", "--resume") == 0
    resumed = _summary(out, "q4_hidden")
    assert [t["trial_id"] for t in resumed["trials"][:2]] == [t["trial_id"] for t in first["trials"]]
    assert len(resumed["trials"]) == 3

    # A changed space (here: other hidden sizes) is refused, not silently replaced by the old one.
    class Changed(searches.TwoLayerNet):
        def build(self, hp):
            return self.model(hidden=hp.Choice("hidden", [10, 20], default=10))

    changed = dataclasses.replace(searches.SEARCHES["q4_hidden"], hypermodel=Changed)
    monkeypatch.setitem(searches.SEARCHES, "q4_hidden", changed)
    assert _smoke("q4_hidden", fake_data, out, "--resume") == 2
    err = capsys.readouterr().err.strip()
    assert "differs from this one in: space" in err and err.count("\n") == 0
    monkeypatch.undo()
    assert _smoke("q4_hidden", fake_data, out, "--resume", "--seed", "3") == 2
    assert "seed" in capsys.readouterr().err

    # Without --resume the search starts again.
    assert _smoke("q4_hidden", fake_data, out, "--max-trials", "1") == 0
    assert len(_summary(out, "q4_hidden")["trials"]) == 1


def test_chief_stops_on_the_launchers_signal():
    start = time.monotonic()
    with distributed.stoppable("chief"):
        os.kill(os.getpid(), signal.SIGUSR1)
        time.sleep(10)
    assert time.monotonic() - start < 5
    assert signal.getsignal(signal.SIGUSR1) == signal.SIG_IGN
    signal.signal(signal.SIGUSR1, signal.SIG_DFL)


@pytest.mark.slow  # two worker processes and a chief: ~2 min
def test_distributed_search_splits_trials_between_two_workers(fake_data, tmp_path, capsys):
    out = tmp_path / "distributed"
    code = _smoke("q4_hidden", fake_data, out, "--max-trials", "4", "--workers", "2", "--timeout", "300")
    logs = out / "q4_hidden" / "logs"
    assert code == 0, "\n".join(f"{p.name}: {p.read_text()[-1500:]}" for p in logs.glob("*.log"))
    summary = _summary(out, "q4_hidden")
    trials = summary["trials"]
    assert len(trials) == 4 and all(t["status"] == "COMPLETED" for t in trials)
    # Each trial ran once, on one worker; both workers ran some.
    assert all(len(t["ran_by"]) == 1 for t in trials)
    assert set(summary["workers"]) == {"tuner0", "tuner1"}
    assert all(summary["workers"].values())
    assert sorted(sum(summary["workers"].values(), [])) == sorted(t["trial_id"] for t in trials)
    assert "trials per tuner" in capsys.readouterr().out
    assert not _processes_mentioning(str(out))


def test_a_timed_out_distributed_search_leaves_no_process(fake_data, tmp_path, capsys):
    out = tmp_path / "timeout"
    assert _smoke("q4_hidden", fake_data, out, "--workers", "2", "--timeout", "1") == 1
    assert "timed out after 1 s" in capsys.readouterr().err
    assert not _processes_mentioning(str(out))


def _fake_summary():
    trials = [
        {"trial_id": "0", "values": {"hidden": 100}, "val_accuracy_pct": 91.0, "status": "COMPLETED", "ran_by": []},
        {"trial_id": "1", "values": {"hidden": 1000}, "val_accuracy_pct": 93.5, "status": "COMPLETED", "ran_by": []},
    ]
    return {
        "search": "q4_hidden", "tuner": "random", "profile": "smoke", "report_choice": {"hidden": 1000},
        "best": {"trial_id": "1", "values": {"hidden": 1000}, "val_accuracy_pct": 93.5},
        "space": {"hidden": [100, 1000]}, "trials": trials,
    }


def test_the_plot_leaves_the_matplotlib_backend_alone(tmp_path, monkeypatch):
    import sys

    import matplotlib

    from tuning import results

    before = matplotlib.rcParams._get_backend_or_none()

    def refuse(*args, **kwargs):
        raise AssertionError("the plot changed matplotlib's backend")

    monkeypatch.setattr(matplotlib, "use", refuse)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # importing pyplot now fails
    path = results.plot(_fake_summary(), tmp_path / "val_accuracy.png")
    assert path == tmp_path / "val_accuracy.png"
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert not list(tmp_path.glob(".*.tmp.png"))
    assert matplotlib.rcParams._get_backend_or_none() == before


def _hparams_sessions(folder):
    """`{run folder: hyperparameter values}` of every HParams session-start entry under `folder`."""
    from tensorboard.backend.event_processing import event_accumulator
    from tensorboard.plugins.hparams import plugin_data_pb2

    sessions = {}
    for path in sorted(Path(folder).rglob("events.out.tfevents.*")):
        events = event_accumulator.EventAccumulator(str(path))
        events.Reload()
        try:
            content = events.PluginTagToContent("hparams")
        except KeyError:
            continue
        start = content.get("_hparams_/session_start_info")
        if start is not None:
            info = plugin_data_pb2.HParamsPluginData.FromString(start).session_start_info
            sessions[path.parent.relative_to(folder).as_posix()] = {k: v.number_value for k, v in info.hparams.items()}
    return sessions


def test_tensorboard_logs_hold_every_trials_hparams(fake_data, tmp_path):
    out, logs = tmp_path / "tuning", tmp_path / "tb"
    stale = logs / "q4_hidden" / "7" / "execution0"  # an earlier search's trial: removed on a fresh start
    stale.mkdir(parents=True)
    (logs / "q4_hidden" / "notes.txt").write_text("kept")
    assert _smoke("q4_hidden", fake_data, out, "--max-trials", "2", "--tensorboard", str(logs)) == 0
    summary = _summary(out, "q4_hidden")
    assert summary["tensorboard"] == str(logs / "q4_hidden")
    sessions = _hparams_sessions(logs / "q4_hidden")
    # KerasTuner moved the callback's logs to <trial>/execution0 and added the HParams callback.
    assert sessions == {f"{t['trial_id']}/execution0": {"hidden": float(t["values"]["hidden"])} for t in summary["trials"]}
    assert list((logs / "q4_hidden" / summary["trials"][0]["trial_id"] / "execution0" / "validation").glob("events.*"))
    assert not (logs / "q4_hidden" / "7").exists() and (logs / "q4_hidden" / "notes.txt").exists()
    # A distributed search passes the option on to its chief and workers.
    from tuning.cli import _child_args, parser

    args = parser().parse_args(["q4_hidden", "--workers", "2", "--tensorboard", str(logs)])
    assert _child_args(args)[-2:] == ["--tensorboard", str(logs)]


def test_the_printed_command_keeps_the_searchs_profile_and_data_folder():
    search = SEARCHES["q5_cnn"]
    values = dict(search.report_choice)
    command = search.apply_command(values, "fast", "/data/my folder")
    assert command.startswith("python -m reproduce classifiers q5_cnn_mnist --set ")
    assert command.endswith("--profile fast --data-dir '/data/my folder'")
    assert "--profile" not in search.apply_command(values)
