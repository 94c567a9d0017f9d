"""The `kerasdl` command: subcommands, plugin commands (`tune`), the same errors and exit codes
as `python -m reproduce`, and TensorFlow's oneDNN ops on unless the user chose."""

import os
import shutil
import subprocess
import sys

import pytest

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def kerasdl(*argv, env=ENV):
    """The installed console script, or the same function where the script is not on PATH."""
    script = shutil.which("kerasdl")
    command = [script] if script else [sys.executable, "-c", "import reproduce, sys; sys.exit(reproduce.console())"]
    return subprocess.run([*command, *argv], capture_output=True, text=True, env=env, timeout=300)


def test_list_and_plugin_command():
    listed = kerasdl("list")
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert "lenet5: LeNet-5" in listed.stdout
    tuned = kerasdl("tune", "list")
    assert tuned.returncode == 0, tuned.stderr[-2000:]
    assert "q5_cnn" in tuned.stdout


@pytest.mark.parametrize(
    "argv, words",
    [
        (["reproduce", "nope"], ["kerasdl: unknown report 'nope'", "scratch_mlp"]),
        (["reproduce", "scratch_mlp", "--jobs", "0"], ["--jobs", "positive integer or 'auto'"]),
        (["frobnicate"], ["invalid choice: 'frobnicate'", "reproduce"]),
        (["predict", "/no/model", "x.npy"], ["kerasdl predict:"]),
        (["tune", "nope"], ["kerasdl tune:", "nope"]),
    ],
)
def test_errors_are_one_line_and_exit_2(argv, words):
    done = kerasdl(*argv)
    assert done.returncode == 2, done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]
    assert all(word in last for word in words), last


def test_onednn_is_on_unless_the_user_chose(tmp_path):
    probe = "from kerasdl.runner.environment import onednn_enabled; print(onednn_enabled())"
    script = tmp_path / "probe.py"
    script.write_text(f"import reproduce\nreproduce.prefer_onednn()\n{probe}\n")
    env = {k: v for k, v in ENV.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    on = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300)
    off = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         env={**env, "TF_ENABLE_ONEDNN_OPTS": "0"}, timeout=300)
    plain = subprocess.run([sys.executable, "-c", f"import os, kerasdl; {probe}; print(os.environ.get('TF_ENABLE_ONEDNN_OPTS'))"],
                           capture_output=True, text=True, env=env, timeout=300)
    assert on.stdout.split() == ["True"] and off.stdout.split() == ["False"]
    assert plain.stdout.split()[-1] == "None", "import kerasdl changed the environment"
