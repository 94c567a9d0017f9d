"""kerasdl.figures and report lenet5's makers (reproduce/lenet5_figures.py): every figure writes a PNG from small inputs, in either pixel dtype, without
pyplot or touching the matplotlib backend."""

import os
import subprocess
import sys

import numpy as np
import pytest

from kerasdl import figures
from reproduce import lenet5_figures


def images(n, shape, dtype):
    rng = np.random.default_rng(0)
    if dtype == np.uint8:
        return rng.integers(0, 256, (n, *shape), dtype=np.uint8)
    return rng.random((n, *shape), dtype=np.float32)


def is_png(path):
    return path.exists() and path.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("shape", [(8, 8, 1), (8, 8, 3)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_sample_grid(tmp_path, shape, dtype):
    y = np.array([0, 0, 0, 1, 2, 2])
    path = figures.sample_grid(images(6, shape, dtype), y, tmp_path / "grid.png", per_class=2, class_names=["a", "b", "c"])
    assert is_png(path)


def test_image_rows_of_unequal_length(tmp_path):
    rows = {"x": images(3, (6, 6, 1), np.float32), "1 - x": images(2, (6, 6, 1), np.float32)}
    assert is_png(figures.image_rows(rows, tmp_path / "sub" / "rows.png", title="t"))


def test_pixel_histograms(tmp_path):
    x = images(4, (5, 5, 1), np.uint8)
    path = figures.pixel_histograms({"x": x, "255 - x": 255 - x, "float": x / 255.0}, tmp_path / "h.png")
    assert is_png(path)


def test_embedding_plot(tmp_path):
    rng = np.random.default_rng(1)
    panels = {name: (rng.normal(size=(30, 2)), rng.integers(0, 10, 30)) for name in ("a", "b")}
    assert is_png(figures.embedding_plot(panels, tmp_path / "e.png", title="t"))


def test_curves_per_row(tmp_path):
    histories = {
        "row 1": [{"accuracy": [0.5, 0.6], "val_accuracy": [0.4, 0.5], "loss": [1.0, 0.8], "val_loss": [1.1, 0.9]}] * 2,
        "row 2": [{"accuracy": [0.5], "val_accuracy": [0.4], "loss": [1.0], "val_loss": [1.1]}],
    }
    assert is_png(figures.curves_per_row(histories, tmp_path / "c.png", title="t"))
    assert figures.curves_per_row({"row": [{"loss": [1.0]}]}, tmp_path / "none.png") is None
    assert not (tmp_path / "none.png").exists()


def test_training_curves(tmp_path):
    from kerasdl.runner.figures import training_curves

    histories = {"a": [{"val_accuracy": [0.1, 0.2]}, {"val_accuracy": [0.2, 0.3, 0.4]}], "b": [{"loss": [1.0]}]}
    assert is_png(training_curves("t", "val_accuracy", histories, tmp_path / "curves.png"))
    assert training_curves("t", "val_loss", histories, tmp_path / "none.png") is None


def summary_of(folder, table="t", rows=()):
    return {"data_dir": str(folder), "report": "r", "table": table, "profile": "smoke", "rows": list(rows)}


def test_dataset_samples_maker(tmp_path):
    from tests.test_cli import write_fake_mnist

    data = write_fake_mnist(tmp_path / "data")
    paths = lenet5_figures.dataset_samples("mnist")(summary_of(data, table="mnist"), {}, tmp_path / "out")
    assert paths == [tmp_path / "out" / "mnist_samples.png"] and is_png(paths[0])


def test_setting_curves_maker(tmp_path):
    history = {"accuracy": [0.5, 0.6], "inverse_test_accuracy": [0.4, 0.5], "loss": [1.0, 0.8],
               "inverse_test_loss": [1.1, 0.9], "learning_rate": [0.01, 0.005]}
    draw = lenet5_figures.setting_curves(test="inverse_test_accuracy", test_label="inverse test")
    paths = draw(summary_of(tmp_path), {"row": [history]}, tmp_path)
    assert paths == [tmp_path / "t_curves.png"] and is_png(paths[0])
    # Nothing to draw: no file, no path.
    assert lenet5_figures.setting_curves()(summary_of(tmp_path, table="u"), {"row": [{"loss": [1.0]}]}, tmp_path) == []
    assert not (tmp_path / "u_curves.png").exists()


def test_split_histograms_and_transformed_samples_makers(tmp_path):
    from tests.test_cli import write_fake_mnist

    data = write_fake_mnist(tmp_path / "data")
    seen = []

    def inverse(x):
        seen.append(x.shape)
        return 255 - x

    paths = lenet5_figures.split_histograms("mnist", {"inverse": inverse}, "h.png", title="t")(summary_of(data), {}, tmp_path)
    assert paths == [tmp_path / "h.png"] and is_png(paths[0])
    assert [shape[0] for shape in seen] == [96, 48]  # the train split, then the test split
    rows = {"x": lambda x: x, "1 - x": lambda x: 1 - x}
    paths = lenet5_figures.transformed_samples("mnist", rows, "s.png", count=4)(summary_of(data), {}, tmp_path)
    assert paths == [tmp_path / "s.png"] and is_png(paths[0])
    paths = lenet5_figures.inverse_invariant_samples("mnist", "i.png", count=3)(summary_of(data), {}, tmp_path)
    assert paths == [tmp_path / "i.png"] and is_png(paths[0])


def test_embedding_panels_maker(tmp_path):
    rng = np.random.default_rng(2)
    trial = {"embedding_x": list(rng.normal(size=20)), "embedding_y": list(rng.normal(size=20)), "label": list(rng.integers(0, 10, 20))}
    rows = [
        {"name": "A", "reproduced": {"knn_accuracy": {"mean": 0.9}}},
        {"name": "B", "reproduced": {}},
        {"name": "no embedding", "reproduced": {}},
    ]
    draw = lenet5_figures.embedding_panels("e.png", title="t")
    paths = draw(summary_of(tmp_path, rows=rows), {"A": [trial], "B": [trial], "no embedding": [{"loss": [1.0]}]}, tmp_path)
    assert paths == [tmp_path / "e.png"] and is_png(paths[0])
    assert draw(summary_of(tmp_path, rows=rows[2:]), {"no embedding": [{}]}, tmp_path / "none") == []


@pytest.mark.parametrize("backend, pyplot", [("svg", "blocked"), ("pdf", "allowed")])
def test_import_and_drawing_leave_the_backend_alone(tmp_path, backend, pyplot):
    """A notebook user's backend survives `import kerasdl.runner` and drawing figures; with pyplot
    made unimportable, kerasdl still imports and draws, so none of its modules uses pyplot.

    (Keras 3 itself imports pyplot when it can, in keras/src/visualization, so "pyplot is not in
    sys.modules" cannot hold after `import kerasdl`; blocking it tests kerasdl's own imports.)
    """
    script = f"""
import sys
if {pyplot == "blocked"}:
    sys.modules["matplotlib.pyplot"] = None  # any `import matplotlib.pyplot` now raises ImportError
import numpy as np, matplotlib
before = matplotlib.rcParams["backend"]
import kerasdl, kerasdl.runner, kerasdl.figures, kerasdl.runner.figures
after_import = matplotlib.rcParams["backend"]
kerasdl.figures.pixel_histograms({{"x": np.zeros((2, 4, 4, 1), np.uint8)}}, {str(tmp_path / "h.png")!r})
kerasdl.runner.figures.training_curves("t", "loss", {{"r": [{{"loss": [1.0, 0.5]}}]}}, {str(tmp_path / "c.png")!r})
print(before, after_import, matplotlib.rcParams["backend"], matplotlib.get_backend())
"""
    env = {**os.environ, "MPLBACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [backend] * 4
    assert is_png(tmp_path / "h.png") and is_png(tmp_path / "c.png")


def test_row_curves_draws_only_the_chosen_rows(tmp_path):
    from kerasdl.runner.figures import row_curves

    histories = {r: [{"accuracy": [0.5, 0.7], "val_accuracy": [0.4, 0.6]}] for r in ("a", "b", "c")}
    make = row_curves("group", ["a", "c", "absent"], "a vs c")
    paths = make({"profile": "smoke", "table": "t"}, histories, tmp_path)
    assert [p.name for p in paths] == ["t_group_accuracy.png", "t_group_val_accuracy.png"]
    assert all(p.stat().st_size > 0 for p in paths)
    assert make({"profile": "smoke", "table": "t"}, {"b": histories["b"]}, tmp_path) == []
