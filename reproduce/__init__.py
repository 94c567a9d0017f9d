"""kerasdl's own reports, one module per report of REPORTS.md, each declaring a `REPORT`,
registered under the `kerasdl.reports` entry points in setup.cfg; and the `kerasdl` command.

    kerasdl list                                  (or: python -m reproduce list)
    kerasdl reproduce scratch_mlp --profile fast  (or: python -m reproduce scratch_mlp ...)

This module imports nothing heavy: the command-line entry points call `prefer_onednn()` from it
before TensorFlow loads.
"""

import os
import sys

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


def console() -> int:
    """The `kerasdl` console script (setup.cfg): `kerasdl.runner.cli` on TensorFlow's fast CPU path."""
    prefer_onednn()
    from kerasdl.runner.cli import main

    return main(prog="kerasdl")
