"""The figure makers of report `lenet5`'s tables (Figures 2-13), built on `kerasdl.figures`.

Each maker returns `draw(summary, histories, folder) -> [paths]` for a table's `figures`
(`kerasdl.runner.Table`), called once the table is summarised, with the table's summary, its
trials' histories per row and the report's output folder.
"""

from __future__ import annotations

import numpy as np

from kerasdl import data as kdata
from kerasdl.figures import curves_per_row, embedding_plot, image_rows, pixel_histograms, sample_grid


def dataset_samples(name, per_class=8):
    """Maker: a grid of data set `name`'s training images, one row per class, read from the run's
    `--data-dir`, as `<table>_samples.png` (report `lenet5`, Figures 2-4)."""

    def draw(summary, histories, folder):
        dataset = kdata.load(name, summary["data_dir"])
        path = sample_grid(
            dataset.x_train,
            dataset.y_train,
            folder / f"{summary['table']}_samples.png",
            per_class=per_class,
            class_names=kdata.class_names(name),
            title=f"{name} training images ({kdata.shown_source(dataset.source, summary['data_dir'])})",
        )
        return [path]

    return draw


def setting_curves(train="accuracy", test="val_accuracy", test_label="test", extra=("learning_rate",)):
    """Maker: `curves_per_row` of every row (setting) as `<table>_curves.png`: `train` vs `test`,
    then their losses (`loss` vs `test` with `accuracy` read `loss`), then one panel per `extra`
    entry (by default the rate `kerasdl.callbacks.LearningRateLog` records). Report `lenet5`,
    Figures 5-13; nothing is drawn for a table whose histories lack `train`."""

    def draw(summary, histories, folder):
        path = curves_per_row(
            histories,
            folder / f"{summary['table']}_curves.png",
            panels=((train, test), ("loss", test.replace("accuracy", "loss")), *((e,) for e in extra)),
            labels=("train", test_label),
            title=f"{summary['report']} / {summary['table']} ({summary['profile']}): per setting",
        )
        return [path] if path else []

    return draw


def split_histograms(name, transforms, filename, *, title=None):
    """Maker: `pixel_histograms` of data set `name`'s train and test images and of each transform
    of them (`{"inverse": kerasdl.data.inverse}` adds "inverse train" and "inverse test"), as
    `filename` (report `lenet5`, table `mnist_stats`)."""

    def draw(summary, histories, folder):
        dataset = kdata.load(name, summary["data_dir"])
        sets = {}
        for split, x in (("train", dataset.x_train), ("test", dataset.x_test)):
            sets[split] = x
            for label, transform in transforms.items():
                sets[f"{label} {split}"] = transform(x)
        return [pixel_histograms(sets, folder / filename, title=title)]

    return draw


def transformed_samples(name, transforms, filename, *, count=10, title=None):
    """Maker: `image_rows` of the first `count` test images of data set `name` (floats /255), one
    row per transform, `{row label: function of the images}`, as `filename` (report `lenet5`: an
    image, its inverse and the `InverseInvariant` layer's output of both)."""

    def draw(summary, histories, folder):
        x = kdata.load(name, summary["data_dir"]).x_test[:count].astype("float32") / 255
        rows = {label: transform(x) for label, transform in transforms.items()}
        return [image_rows(rows, folder / filename, title=title)]

    return draw


def inverse_invariant_samples(name, filename, *, count=10, title=None):
    """Maker: `transformed_samples` of data set `name`'s test images x, their inverse 1 - x, and
    the `kerasdl.layers.InverseInvariant` layer's F(x) = x (1 - x) of both, shown 4x as bright (F
    ranges over [0, 0.25]), as `filename` (report `lenet5`, its Figure 12)."""
    from kerasdl.layers import InverseInvariant

    def four_f(x):
        return 4 * np.asarray(InverseInvariant()(x))

    rows = {"x": lambda x: x, "1 - x": lambda x: 1 - x, "4 F(x)": four_f, "4 F(1 - x)": lambda x: four_f(1 - x)}
    return transformed_samples(name, rows, filename, count=count, title=title)


def embedding_panels(filename, *, title=None, metric="knn_accuracy", metric_label="5-NN accuracy in 2-D"):
    """Maker: `embedding_plot` of one 2-D embedding per row, from the first trial's history
    entries `embedding_x`, `embedding_y` and `label`, each panel titled with the row's name and
    its mean `metric`, as `filename` (report `lenet5`, table `tsne`: Figure 8 with its kNN score).
    Rows without an embedding are left out; nothing is drawn when none has one."""

    def draw(summary, histories, folder):
        panels = {}
        for row in summary["rows"]:
            trials = histories.get(row["name"]) or []
            if trials and trials[0].get("embedding_x"):
                h = trials[0]
                value = row["reproduced"].get(metric, {}).get("mean")
                name = row["name"] + (f"\n{metric_label}: {value:.3f}" if value is not None else "")
                panels[name] = (np.column_stack([h["embedding_x"], h["embedding_y"]]), np.asarray(h["label"], int))
        if not panels:
            return []
        return [embedding_plot(panels, folder / filename, title=title)]

    return draw
