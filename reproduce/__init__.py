"""One module per report of REPORTS.md, each declaring a `REPORT` for the runner.

    python -m reproduce list
    python -m reproduce scratch_mlp --profile fast

This module imports nothing heavy: the command-line entry points call `prefer_onednn()` from it
before TensorFlow loads.
"""

import os
import sys

REPORT_IDS = ("scratch_mlp", "alt_softmax", "convnet_tricks", "lenet5", "classifiers")


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
