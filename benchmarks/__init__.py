"""Benchmarks of kerasdl (not timed tests): each prints a table of medians and ratios to its
peers measured in the same process, and writes it as JSON under `--out`.

    python -m benchmarks [NAME ...] [--quick] [--repeats N] [--out DIR]

See BENCHMARKS.md for the latest figures.
"""

NAMES = ("lppool", "lenet5_train", "lenet5_ops", "scratch_mlp", "savedmodel_infer", "suite")
# `suite` re-runs every report (about an hour): run it by name only.
DEFAULT = ("lppool", "lenet5_train", "lenet5_ops", "scratch_mlp", "savedmodel_infer")
