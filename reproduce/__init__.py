"""One module per report of ../shared/REPORTS.md, each declaring a `REPORT` for the runner.

    python -m reproduce list
    python -m reproduce scratch_mlp --profile fast
"""

REPORT_IDS = ("scratch_mlp", "alt_softmax", "convnet_tricks", "lenet5", "classifiers")
