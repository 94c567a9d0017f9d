"""The training-curves figure every trained table gets: one line per row, the mean over its
trials of one per-epoch history entry, with the spread over trials shaded."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def training_curves(
    title: str, curve: str, histories: Mapping[str, Sequence[Mapping[str, list]]], path: Path
) -> Path | None:
    """Plot `curve` (e.g. `val_accuracy`) per row; `histories[row]` lists the trials' histories."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    drawn = False
    for row, trials in histories.items():
        series = [h[curve] for h in trials if h.get(curve)]
        if not series:
            continue
        length = min(len(s) for s in series)
        values = np.asarray([s[:length] for s in series], dtype=float)
        epochs = np.arange(1, length + 1)
        mean = values.mean(0)
        (line,) = ax.plot(epochs, mean, label=row, marker="o" if length < 15 else None, ms=3)
        if len(series) > 1:
            ax.fill_between(epochs, values.min(0), values.max(0), color=line.get_color(), alpha=0.15)
        drawn = True
    if not drawn:
        plt.close(fig)
        return None
    ax.set_xlabel("epoch")
    ax.set_ylabel(curve)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
