"""Benchmarks of kerasdl (not timed tests): each prints a table of medians and ratios to its
peers measured in the same invocation, and writes it as JSON under `--out`.

    python -m benchmarks [NAME ...] [--quick] [--repeats N] [--onednn off|on|both] [--out DIR]

lenet5_train, q6_train, paper_train and lppool time TensorFlow with oneDNN off and on (one fresh process per setting) and
their PyTorch peers once; every table records the CPU, the cores and whether oneDNN was on.

See BENCHMARKS.md for the latest figures.
"""

NAMES = ("lppool", "lenet5_train", "lenet5_ops", "q6_train", "paper_train", "scratch_mlp", "savedmodel_infer",
         "alt_softmax_paper", "suite")
# `suite` re-runs every report (about an hour): run it by name only.
DEFAULT = ("lppool", "lenet5_train", "lenet5_ops", "q6_train", "paper_train", "scratch_mlp", "savedmodel_infer", "alt_softmax_paper")
