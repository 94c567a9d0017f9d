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
        (["frobnicate"], ["unknown report or command 'frobnicate'", "reproduce"]),
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
    script.write_text(f"import reproduce\nreproduce.before_tensorflow()\n{probe}\n")
    env = {k: v for k, v in ENV.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    on = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300)
    off = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         env={**env, "TF_ENABLE_ONEDNN_OPTS": "0"}, timeout=300)
    plain = subprocess.run([sys.executable, "-c", f"import os, kerasdl; {probe}; print(os.environ.get('TF_ENABLE_ONEDNN_OPTS'))"],
                           capture_output=True, text=True, env=env, timeout=300)
    assert on.stdout.split() == ["True"] and off.stdout.split() == ["False"]
    assert plain.stdout.split()[-1] == "None", "import kerasdl changed the environment"


def test_tensorflow_start_up_lines_are_held_back_in_the_command_and_its_workers(tmp_path):
    env = {k: v for k, v in ENV.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "KERASDL_QUIET_STARTUP")}
    done = kerasdl("reproduce", "scratch_mlp", "t5_performance", "--profile", "smoke", "--jobs", "2", "--quiet",
                   "--out", str(tmp_path), env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == ""
    tuning = subprocess.run([sys.executable, "-m", "tuning", "list"], capture_output=True, text=True, env=env, timeout=300)
    assert tuning.returncode == 0 and tuning.stderr == "", tuning.stderr[-2000:]
    # The user's own level: TensorFlow's lines as it prints them (oneDNN, which the command turns on).
    asked = kerasdl("list", env={**{k: v for k, v in env.items() if k != "TF_ENABLE_ONEDNN_OPTS"}, "TF_CPP_MIN_LOG_LEVEL": "0"})
    assert asked.returncode == 0 and "oneDNN custom operations are on" in asked.stderr


FAKE_TENSORFLOW = '''
import os, sys
os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\\n")
os.write(2, b"I0000 00:00:1.0  1 port.cc:153] oneDNN custom operations are on. You may see ...\\n")
os.write(2, b"I0000 00:00:1.0  1 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions\\n")
os.write(2, b"To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow\\n")
os.write(2, b"a line of its own\\n")
if os.environ.get("FAIL"):
    raise ImportError("broken")
class config:
    list_physical_devices = staticmethod(lambda kind: os.write(2, b"E0000 1 cuda_platform.cc:52] failed call to cuInit: INTERNAL\\n"))
'''


@pytest.mark.parametrize("fail", [False, True])
def test_only_known_start_up_lines_are_held_back_and_all_when_the_import_fails(tmp_path, fail):
    (tmp_path / "tensorflow.py").write_text(FAKE_TENSORFLOW)
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": os.pathsep.join([str(tmp_path), os.getcwd()])}
    done = subprocess.run([sys.executable, "-c", "import reproduce; reproduce.import_tensorflow_quietly()"],
                          capture_output=True, text=True, env={**env, "FAIL": "1"} if fail else env, timeout=60)
    if fail:
        assert done.returncode == 1 and "ImportError: broken" in done.stderr
        assert "oneDNN custom operations" in done.stderr and "a line of its own" in done.stderr
    else:
        assert done.returncode == 0 and done.stderr == "a line of its own\n"
