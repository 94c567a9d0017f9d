"""Figures of the data and of trained runs that several reports draw: sample grids, pixel
histograms, 2-D embeddings and per-setting training curves (report `lenet5`, Figures 2-13).

Each drawing function draws one PNG on a `matplotlib.figure.Figure` of its own and returns its
path; pyplot is never imported and the user's backend is left as it was.

A report wraps them for a table's `figures` (`kerasdl.runner.Table`) as makers returning
`draw(summary, histories, folder) -> [paths]`, called once the table is summarised (report
`lenet5`'s: `reproduce/lenet5_figures.py`).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure



def save(fig, path) -> Path:
    """Writes `fig` as a PNG at `path` (folders made as needed) and returns the path; a figure
    with a layout engine (e.g. `layout="constrained"`) keeps it, others get `tight_layout`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def plot_over_trials(ax, series: Sequence[Sequence[float]], *, band_alpha=0.2, **style):
    """The mean over trials of a per-epoch series (each cut to the shortest), with the min-max
    spread shaded when there are several; `style` goes to `ax.plot`. Returns the line."""
    length = min(len(s) for s in series)
    values = np.asarray([s[:length] for s in series], dtype=float)
    epochs = np.arange(1, length + 1)
    (line,) = ax.plot(epochs, values.mean(0), marker="o" if length < 15 else None, ms=3, **style)
    if len(series) > 1:
        ax.fill_between(epochs, values.min(0), values.max(0), color=line.get_color(), alpha=band_alpha)
    return line


def image_rows(rows: Mapping[str, np.ndarray], path, *, title=None) -> Path:
    """Rows of images, each row labelled: e.g. the same images before and after a transform.

    Args:
        rows: row label -> images (N, H, W, C), uint8 or floats in [0, 1]; C is 1 or 3. Rows
            may hold different numbers of images.
        path: the PNG to write.
    """
    columns = max(len(images) for images in rows.values())
    fig = Figure(figsize=(columns * 0.9, len(rows) * 0.9))
    axes = fig.subplots(len(rows), columns, squeeze=False)
    for r, (label, images) in enumerate(rows.items()):
        for c, ax in enumerate(axes[r]):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.spines[:].set_visible(False)
            if c < len(images):
                image = images[c]
                top = 255 if images.dtype == np.uint8 else 1
                if image.shape[-1] == 1:
                    ax.imshow(image[..., 0], cmap="gray", vmin=0, vmax=top)
                else:
                    ax.imshow(image if top == 255 else np.clip(image, 0, 1))
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return save(fig, path)


def sample_grid(x, y, path, *, per_class=8, class_names=None, title=None, seed=0) -> Path:
    """A grid of images, one row per class: `per_class` examples drawn at random (seeded).

    Args:
        x: images (N, H, W, C), uint8 or floats in [0, 1]; C is 1 or 3.
        y: integer labels (N,).
        path: the PNG to write.
        per_class: images per row (fewer where a class has fewer).
        class_names: row labels, indexed by class; the class numbers by default.
    """
    rng = np.random.default_rng(seed)
    rows = {}
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        chosen = np.sort(rng.choice(members, size=min(per_class, len(members)), replace=False))
        rows[class_names[label] if class_names is not None else str(label)] = x[chosen]
    return image_rows(rows, path, title=title)


def pixel_histograms(images: Mapping[str, np.ndarray], path, *, bins=64, title=None) -> Path:
    """Overlaid histograms of pixel values after /255, one per named image set, log count axis.

    Args:
        images: name -> images: uint8 (one bin per level) or floats in [0, 1] (`bins` bins).
        path: the PNG to write.
    """
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    for name, x in images.items():
        values = x.reshape(-1)
        if values.dtype == np.uint8:
            # One bin per level (bins that hold unequal numbers of levels would draw spikes),
            # counted without a float copy of every pixel.
            hist = np.bincount(values, minlength=256)
            edges = (np.arange(257) - 0.5) / 255.0
        else:
            hist, edges = np.histogram(values, bins=np.linspace(0, 1, bins + 1))
        ax.stairs(hist, edges, label=name, fill=False, linewidth=1.2)
    ax.set_yscale("log")
    ax.set_xlabel("pixel value (/255)")
    ax.set_ylabel("count")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return save(fig, path)


def embedding_plot(panels: Mapping[str, tuple], path, *, title=None) -> Path:
    """Scatter plots of 2-D embeddings side by side, points coloured by class.

    Args:
        panels: panel title -> (points (N, 2), integer labels (N,)).
        path: the PNG to write.
    """
    fig = Figure(figsize=(4.2 * len(panels), 4.6), layout="constrained")  # places the shared colorbar
    axes = fig.subplots(1, len(panels), squeeze=False)
    for ax, (name, (points, labels)) in zip(axes[0], panels.items()):
        points, labels = np.asarray(points), np.asarray(labels)
        scatter = ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="tab10", s=3, vmin=-0.5, vmax=9.5)
        ax.set_title(name, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(scatter, ax=axes[0].tolist(), ticks=range(10), label="class", shrink=0.8)
    if title:
        fig.suptitle(title)
    return save(fig, path)


def curves_per_row(
    histories: Mapping[str, Sequence[Mapping[str, list]]],
    path,
    *,
    panels: Sequence[tuple] = (("accuracy", "val_accuracy"), ("loss", "val_loss")),
    labels: Sequence[str] = ("train", "test"),
    title=None,
) -> Path | None:
    """Training curves per row (setting): one column per row, one panel row per metric pair.

    Each panel draws the mean over the row's trials of each history entry in the pair (for
    example train vs test accuracy), with the spread over trials shaded.

    Args:
        histories: row name -> the trials' histories (`{entry: per-epoch values}`).
        path: the PNG to write.
        panels: per panel row, the history entries drawn together.
        labels: the legend label of each entry of a pair.

    Returns:
        The path, or None when no row has any of the entries.
    """
    rows = {name: trials for name, trials in histories.items() if any(h.get(panels[0][0]) for h in trials)}
    if not rows:
        return None
    fig = Figure(figsize=(3.2 * len(rows), 2.6 * len(panels)))
    axes = fig.subplots(len(panels), len(rows), squeeze=False, sharex="col")
    for c, (name, trials) in enumerate(rows.items()):
        for r, entries in enumerate(panels):
            ax = axes[r, c]
            for entry, label in zip(entries, labels if len(entries) > 1 else (None,)):
                series = [h[entry] for h in trials if h.get(entry)]
                if not series:
                    continue
                # A learning rate holds for a whole epoch: drawn as steps.
                style = "steps-mid" if "learning_rate" in entry else "default"
                plot_over_trials(ax, series, label=label, drawstyle=style)
            ax.grid(alpha=0.3)
            if c == 0:
                ax.set_ylabel(entries[0])
            if r == 0:
                ax.set_title(textwrap.fill(name, 34), fontsize=8)
            if r == len(panels) - 1:
                ax.set_xlabel("epoch")
        for ax in axes[:, c]:
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    return save(fig, path)
