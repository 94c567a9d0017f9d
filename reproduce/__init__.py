"""kerasdl's own reports, one module per report of REPORTS.md, each declaring a `REPORT`,
registered under the `kerasdl.reports` entry points in setup.cfg; and the `kerasdl` command.

    kerasdl list                                  (or: python -m reproduce list)
    kerasdl reproduce scratch_mlp --profile fast  (or: python -m reproduce scratch_mlp ...)

This module imports nothing heavy: the command-line entry points call `before_tensorflow()` from it
before TensorFlow loads (importing anything of `kerasdl` loads it, which is why they live here).
"""

import os
import re
import sys
import tempfile

# Set by `before_tensorflow()`, inherited by the command's worker processes, which then import
# TensorFlow through `import_tensorflow_quietly()` when they import this package.
QUIET_STARTUP = "KERASDL_QUIET_STARTUP"

# What TensorFlow prints to stderr as it starts, none of it about the run: its C++ logging before
# absl's is initialised, which no environment variable filters (TF_CPP_MIN_LOG_LEVEL does not) and
# which two of its shared libraries each print (so twice); the CPU instructions it was not built
# for; and, in every process of a machine without a GPU, CUDA's failed start. The tables record
# the oneDNN state and the GPUs of every run (their "environment").
STARTUP_LINE = re.compile(
    r"^WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|\] oneDNN custom operations are"
    r"|\] Could not find cuda drivers on your machine"
    r"|\] This TensorFlow binary is optimized to use available CPU instructions"
    r"|^To enable the following instructions: "
    r"|\] failed call to cuInit: "
)

def prefer_onednn() -> bool:
    """Turn TensorFlow's oneDNN CPU ops on for this process and its children, unless the user set
    `TF_ENABLE_ONEDNN_OPTS` (either way) or TensorFlow is already loaded; return whether it did.

    TensorFlow turns them on by default only on Intel CPUs with AVX-512 VNNI/BF16/AMX; elsewhere
    (AMD, older Intel) they are off and LeNet-5 trains about half as fast. The numbers stay
    deterministic with them on (see tests/test_reliability.py). Only the command-line entry
    points call this: `import kerasdl` changes no environment.
    """
    if "TF_ENABLE_ONEDNN_OPTS" in os.environ or "tensorflow" in sys.modules:
        return False
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1"
    return True


def import_tensorflow_quietly() -> None:
    """Import TensorFlow and start its devices with stderr held, then pass on all it printed
    except its start-up lines (`STARTUP_LINE`); everything, if the import fails."""
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        failed = True
        try:
            import tensorflow as tf

            tf.config.list_physical_devices("GPU")  # where CUDA starts, or says it cannot
            failed = False
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            lines = held.read().decode(errors="replace").splitlines(keepends=True)
            sys.stderr.write("".join(line for line in lines if failed or not STARTUP_LINE.search(line)))
            sys.stderr.flush()


def before_tensorflow() -> None:
    """What every command-line entry point calls first: oneDNN preferred (`prefer_onednn`) and,
    unless the user set `TF_CPP_MIN_LOG_LEVEL` (asking for TensorFlow's own logging), TensorFlow
    imported without its start-up lines, in this process and its workers."""
    prefer_onednn()
    if "TF_CPP_MIN_LOG_LEVEL" not in os.environ:
        os.environ[QUIET_STARTUP] = "1"
        import_tensorflow_quietly()


def console() -> int:
    """The `kerasdl` console script (setup.cfg): `kerasdl.commands` on TensorFlow's fast CPU path."""
    before_tensorflow()
    from kerasdl.commands import main

    try:
        return main(prog="kerasdl")
    except BrokenPipeError:  # `kerasdl list | head`: the reader has gone, say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if os.environ.get(QUIET_STARTUP) == "1":  # a worker process of a command: see `before_tensorflow`
    import_tensorflow_quietly()
