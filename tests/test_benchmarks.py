"""`python -m benchmarks`: each benchmark runs in its tiny `--quick` configuration and writes a
well-formed JSON table with the machine's facts (CPU, cores, oneDNN on or off); lenet5_train and
lppool time TensorFlow with oneDNN off and on, each in its own process; bad command lines exit
with status 2. No speed is asserted."""

import json
import platform
import runpy
import subprocess
from pathlib import Path

import pytest

from benchmarks import NAMES, common, suite
from benchmarks.cli import main

X86 = platform.machine().lower() in ("x86_64", "amd64")
# Where TF_ENABLE_ONEDNN_OPTS forces either path (any x86 CPU), the settings come out as asked.
onednn_forced = pytest.mark.skipif(not X86, reason="TF_ENABLE_ONEDNN_OPTS forces oneDNN on x86 only")


def run_quick(tmp_path, *names):
    lines = []
    code = main([*names, "--quick", "--out", str(tmp_path)], echo=lines.append)
    assert code == 0
    return lines


def document(tmp_path, name):
    doc = json.loads((tmp_path / f"{name}.json").read_text())
    assert doc["benchmark"] == name
    assert doc["rows"] and all(set(row) <= set(doc["columns"]) for row in doc["rows"])
    assert doc["machine"]["cores"] >= 1 and "tensorflow" in doc["machine"]["versions"]
    assert isinstance(doc["machine"]["cpu"], str) and doc["machine"]["cpu"]
    assert "onednn" in doc["machine"]
    return doc


@pytest.mark.parametrize("name", ["lppool", "lenet5_train", "lenet5_ops", "scratch_mlp", "savedmodel_infer"])
def test_quick_run_writes_its_table(tmp_path, name):
    lines = run_quick(tmp_path, name)
    doc = document(tmp_path, name)
    header = next(line for line in lines if line.startswith(f"\n== {name}"))
    assert doc["machine"]["cpu"] in header and "cores" in header and "oneDNN" in header
    if name in ("lppool", "lenet5_train"):
        # Both settings by default, each figure labelled with what its process's TensorFlow reported.
        assert doc["settings"]["onednn"] == ["off", "on"]
        onednn = doc["machine"]["onednn"]
        assert set(onednn) == {"off", "on"} and doc["machine"]["TF_ENABLE_ONEDNN_OPTS"] == {"off": "0", "on": "1"}
        if X86:
            assert onednn == {"off": False, "on": True}
        tf_rows = [row for row in doc["rows"] if row["oneDNN"] is not None]
        assert {row["oneDNN"] for row in tf_rows} == {common.onednn_label(v) for v in onednn.values()}
        assert all(row["vs oneDNN on"] > 0 for row in tf_rows)
        # The torch peer ran once, outside the settings.
        torch_rows = [row for row in doc["rows"] if "torch" in str(row.get("variant", row.get("op (fwd+bwd)")))]
        assert all(row["oneDNN"] is None for row in torch_rows) and len(torch_rows) in (0, 1, 2)
    else:
        assert doc["machine"]["onednn"] in (True, False)
    for row in doc["rows"]:
        numbers = [v for v in row.values() if isinstance(v, float)]
        assert all(v == v and v >= 0 for v in numbers)
    if name == "lenet5_ops":
        groups = {row["group"]: row["tensorflow ms/step"] for row in doc["rows"]}
        assert groups["conv1 forward (+bias, ReLU)"] > 0 and groups["conv2 input gradient"] > 0
        assert groups["total"] == pytest.approx(sum(v for k, v in groups.items() if k != "total" and v))
    if name == "lppool":
        for setting in ("off", "on"):
            ops = {row["op (fwd+bwd)"] for row in doc["rows"] if row["oneDNN"] == setting}
            assert {"MaxPool2D(2)", "LpPool2D p=2", "LpPool2D p=4", "split-per-channel p=2 (report)"} <= ops
        assert sum("LpPool2D p=2 / MaxPool2D(2)" in t["target"] for t in doc["targets"]) == 2
    if name == "lenet5_train":
        for setting in ("off", "on"):
            variants = {row["variant"] for row in doc["rows"] if row["oneDNN"] == setting}
            assert {"model.fit, arrays", "runner (kerasdl.runner.fit), arrays"} <= variants
        assert set(doc["raw"]["epoch_s"]) >= {"oneDNN off", "oneDNN on"}


def test_q6_train_times_both_networks_in_each_setting(tmp_path):
    run_quick(tmp_path, "q6_train", "--onednn", "on")
    doc = document(tmp_path, "q6_train")
    tf_rows = [row for row in doc["rows"] if row["oneDNN"] is not None]
    assert {(row["network"], row["variant"]) for row in tf_rows} == {
        (network, variant) for network in ("cifar_given", "cifar_wider")
        for variant in ("runner (kerasdl.runner.fit)", "model.fit, arrays (Keras defaults)")
    }
    assert all(row["epoch_s"] > 0 for row in doc["rows"])


def test_q6_torch_peer_has_the_keras_networks_parameters():
    torch = pytest.importorskip("torch")
    from benchmarks import q6_train

    for network in q6_train.NETWORKS:
        peer = sum(p.numel() for p in q6_train.torch_model(torch, network).parameters())
        assert peer == q6_train.build(network).count_params()


def test_paper_train_times_both_networks_in_each_setting(tmp_path):
    from benchmarks import paper_train

    run_quick(tmp_path, "paper_train", "--onednn", "on")
    doc = document(tmp_path, "paper_train")
    tf_rows = [row for row in doc["rows"] if row["oneDNN"] is not None]
    assert {(row["network"], row["variant"]) for row in tf_rows} == {
        (case, variant) for case in paper_train.CASES
        for variant in ("runner (kerasdl.runner.fit)", "model.fit, arrays (Keras defaults)")
    }
    assert all(row["epoch_s"] > 0 for row in doc["rows"])


def test_paper_train_peers_are_the_tables_networks():
    """The torch peers have the Keras networks' parameters, and the tables' batch sizes are the
    ones the benchmark names."""
    torch = pytest.importorskip("torch")
    from benchmarks import paper_train, training

    for case in paper_train.CASES:
        x, _ = training.images(8, paper_train.SHAPE[case])
        peer = sum(p.numel() for p in paper_train.torch_model(torch, case, x).parameters())
        assert peer == paper_train.builder(case, x)().count_params()
    assert (paper_train.batch(paper_train.CONVNET), paper_train.batch(paper_train.LENET5)) == (16, 128)


def test_paper_train_torch_normalizations_match_the_layers():
    torch = pytest.importorskip("torch")
    import numpy as np
    from benchmarks import paper_train
    from kerasdl.layers import DivisiveNormalization, SubtractiveNormalization

    x = np.random.default_rng(0).normal(size=(2, 12, 12, 3)).astype("float32")
    Subtractive, Divisive = paper_train.local_normalizations(torch)
    nchw = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    for ours, peer in ((SubtractiveNormalization(7), Subtractive()), (DivisiveNormalization(7, threshold=1.0), Divisive(1.0))):
        expected = np.asarray(ours(x))
        np.testing.assert_allclose(peer(nchw).numpy().transpose(0, 2, 3, 1), expected, atol=1e-5)


@onednn_forced
def test_onednn_enabled_follows_TF_ENABLE_ONEDNN_OPTS():
    """The detection itself: False in a fresh process with TF_ENABLE_ONEDNN_OPTS=0, True with =1,
    whatever this process has."""
    with common.onednn_workers(["off", "on"]) as workers:
        assert workers["off"].enabled is False and workers["on"].enabled is True
        assert workers["on"].call(common.onednn_enabled) is True


def test_onednn_restricts_to_one_setting(tmp_path):
    lines = []
    assert main(["lppool", "--quick", "--onednn", "on", "--out", str(tmp_path)], echo=lines.append) == 0
    doc = document(tmp_path, "lppool")
    assert doc["settings"]["onednn"] == ["on"] and set(doc["machine"]["onednn"]) == {"on"}
    assert {row["oneDNN"] for row in doc["rows"]} <= {common.onednn_label(doc["machine"]["onednn"]["on"]), None}
    assert all(row.get("vs oneDNN on") is None for row in doc["rows"])
    assert any("oneDNN on (one process each)" in line for line in lines if line.startswith("\n== lppool"))


def test_main_module_runs_only_as_main():
    """A process that multiprocessing spawns re-imports the main module under another name: it must
    not run the benchmarks (nor exit)."""
    namespace = runpy.run_module("benchmarks.__main__", run_name="__mp_main__")
    assert "main" not in namespace and callable(namespace["prefer_onednn"])


def test_suite_reads_the_tables_elapsed_time(tmp_path, monkeypatch):
    def fake_run(command, **kwargs):
        report, out = command[3], command[command.index("--out") + 1]
        folder = Path(out) / report
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "t1.json").write_text(json.dumps({"table": "t1", "elapsed_s": 1.5, "compute_s": 1.0}))
        (folder / "t1.csv").write_text("")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(suite.subprocess, "run", fake_run)
    assert main(["suite", "--reports", "scratch_mlp,lenet5", "--out", str(tmp_path)], echo=None) == 0
    rows = document(tmp_path, "suite")["rows"]
    assert [r["table"] for r in rows if r["report"] == "lenet5"] == ["t1", "(all: process wall time)"]
    assert rows[0]["elapsed_s"] == 1.5 and rows[-1]["report"] == "total"


@pytest.mark.parametrize("jobs", [None, "3", "auto"])
def test_suite_passes_jobs_to_reproduce(tmp_path, monkeypatch, jobs):
    commands = []

    def fake_run(command, **kwargs):
        commands.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(suite.subprocess, "run", fake_run)
    argv = ["suite", "--reports", "scratch_mlp,lenet5", "--out", str(tmp_path)] + (["--jobs", jobs] if jobs else [])
    assert main(argv, echo=None) == 0
    assert [c[3] for c in commands] == ["scratch_mlp", "lenet5"]
    for command in commands:
        assert command[1:3] == ["-m", "reproduce"]
        if jobs:
            assert command[command.index("--jobs") + 1] == jobs
        else:
            assert "--jobs" not in command
    assert json.loads((tmp_path / "suite.json").read_text())["settings"]["jobs"] == jobs


@pytest.mark.parametrize(
    "argv, message",
    [
        (["nope"], "unknown benchmark 'nope'; choose from: " + ", ".join(NAMES)),
        (["lppool", "--repeats", "0"], "expected a positive integer, got '0'"),
        (["lenet5_train", "--epochs", "1"], "--epochs must be at least 2"),
        (["suite", "--reports", "scratch_mlp,nope"], "unknown report 'nope' in --reports"),
        (["suite", "--profile", "huge"], "unknown profile 'huge'"),
        (["suite", "--jobs", "0"], "expected a positive integer or 'auto', got '0'"),
        (["suite", "--jobs", "many"], "expected a positive integer or 'auto', got 'many'"),
        (["lppool", "--onednn", "maybe"], "invalid choice: 'maybe'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_command_line_is_one_line_and_status_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("benchmarks: ") and message in err


def test_out_must_be_a_folder(tmp_path, capsys):
    afile = tmp_path / "file"
    afile.write_text("")
    assert main(["lppool", "--out", str(afile)]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_alt_softmax_paper_costs_every_row_at_the_templates_length():
    from benchmarks import alt_softmax_paper as bench
    from reproduce import alt_softmax

    rows = bench.distinct_rows()
    uses = [use for _, found in rows.values() for use in found]
    assert len(uses) == sum(len(t.rows) for t in alt_softmax.REPORT.tables)
    assert all(config["dataset"] == "svhn_cropped" and config["epochs"] == 60 for config, _ in rows.values())
    # A shared baseline (q1, q2, q3) is one configuration.
    (shared,) = [found for _, found in rows.values() if ("q1_softmax_alternatives", "softmax") in found]
    assert {t for t, _ in shared} == {"q1_softmax_alternatives", "q2_regression_vs_classification", "q3_lp_pooling"}
    baseline = alt_softmax.REPORT.settings(alt_softmax.q1, "paper") | alt_softmax.variant()
    # 60 epochs of 2,360 steps and 101 test batches; q4.2's rows train without extra: 286 steps.
    assert bench.trial_hours(baseline, 1.0, 0.0) == pytest.approx(60 * 2360 / 3600)
    assert bench.trial_hours(baseline, 0.0, 1.0) == pytest.approx(60 * 101 / 3600)
    no_extra = {**baseline, **alt_softmax.q4_signed.rows[0].config}
    assert bench.trial_hours(no_extra, 1.0, 0.0) == pytest.approx(60 * 286 / 3600)


@pytest.mark.slow
def test_alt_softmax_paper_quick_run(tmp_path):
    run_quick(tmp_path, "alt_softmax_paper")
    doc = document(tmp_path, "alt_softmax_paper")
    assert all(row["trial h"] > 0 for row in doc["rows"])
