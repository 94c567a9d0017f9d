"""kerasdl.figures: every figure maker writes a PNG from small inputs, in either pixel dtype."""

import numpy as np
import pytest

from kerasdl import figures


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
