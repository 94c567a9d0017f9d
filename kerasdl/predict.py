"""Classify images with an exported model (`python -m reproduce predict MODEL INPUT ...`).

MODEL is a folder written by `python -m reproduce export` (its SavedModel is served with plain
TensorFlow, and its `labels.json` names the classes), a SavedModel folder, or a `.keras` file.
INPUT is PNG/JPEG files or one `.npy` batch (or one example): uint8 pixels are divided by 255; float
arrays are taken as already scaled to [0, 1], and refused when any value is outside it, NaN or
infinite. Every input must have the model's image size.

A model with one output unit (the binary classifiers of report `classifiers`) is read as
`labels.json` says: a `probability` (sigmoid) of the second class, or a `margin` (raw score, > 0
for the second class). Without `labels.json` its output is shown as a bare `score`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


class PredictError(ValueError):
    """Bad model or input; the message names the file and what is wrong."""


def _image(path: Path, shape) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img = img.convert("L" if shape[-1] == 1 else "RGB")
            pixels = np.asarray(img)
    except (OSError, UnidentifiedImageError) as error:
        raise PredictError(f"{path}: not a readable image ({error})") from None
    pixels = pixels.reshape(pixels.shape[:2] + (shape[-1],))
    if pixels.shape != tuple(shape):
        raise PredictError(f"{path}: image is {pixels.shape[1]}x{pixels.shape[0]}, the model takes {shape[1]}x{shape[0]}")
    return pixels


def load_inputs(paths, shape) -> tuple[np.ndarray, list[str]]:
    """A float32 batch shaped `(N, *shape)` in [0, 1], and a name per example."""
    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.is_file():
            raise PredictError(f"{path}: no such file")
    arrays = [p for p in paths if p.suffix == ".npy"]
    if arrays and len(paths) > 1:
        raise PredictError(f"{arrays[0]}: give one .npy batch alone, or image files (got {len(paths)} inputs)")
    if arrays:
        try:
            batch = np.load(paths[0], allow_pickle=False)
        except ValueError as error:
            raise PredictError(f"{paths[0]}: not a NumPy array file ({error})") from None
        shape = tuple(shape)
        if batch.shape == shape or (shape[-1] == 1 and batch.shape == shape[:-1]):
            batch = batch[None]  # one example
        if batch.ndim == len(shape) and shape[-1] == 1:
            batch = batch[..., None]
        if batch.shape[1:] != shape:
            raise PredictError(f"{paths[0]}: examples are shaped {batch.shape[1:]}, the model takes {shape}")
        if len(batch) == 0:
            raise PredictError(f"{paths[0]}: holds no examples")
        names = [f"{paths[0].name}[{i}]" for i in range(len(batch))]
    else:
        batch = np.stack([_image(p, shape) for p in paths])
        names = [p.name for p in paths]
    if batch.dtype == np.uint8:
        return batch.astype("float32") / 255.0, names
    if not np.issubdtype(batch.dtype, np.floating):
        raise PredictError(f"{paths[0]}: expected uint8 pixels or floats in [0, 1], got {batch.dtype}")
    with np.errstate(over="ignore", invalid="ignore"):  # a float64 beyond 3.4e38 becomes inf
        batch = batch.astype("float32")
    bad = ~np.isfinite(batch)
    if bad.any():
        first = int(np.argmax(bad.reshape(len(batch), -1).any(axis=1)))
        raise PredictError(
            f"{paths[0]}: {int(bad.sum())} non-finite value(s) (NaN or infinity, in float32), the first in "
            f"{names[first]}; inputs must be finite pixels in [0, 1]"
        )
    low, high = float(batch.min()), float(batch.max())
    if low < 0 or high > 1:
        raise PredictError(
            f"{paths[0]}: float values from {low:g} to {high:g}; floats must be pixels scaled to [0, 1] "
            "(give uint8 pixels to have them divided by 255)"
        )
    return batch, names


def load_model(path):
    """`(predict_fn, input_shape, labels)` for an export folder, SavedModel or `.keras` file;
    `labels` is the export's `labels.json` (empty for a bare model)."""
    path = Path(path)
    labels = {}
    if (path / "labels.json").exists():
        labels = json.loads((path / "labels.json").read_text())
        path = path / "saved_model"
    if path.suffix == ".keras" and path.is_file():
        import keras

        import kerasdl  # noqa: F401  (registers the custom objects)

        model = keras.models.load_model(path)
        return (lambda x: model.predict(x, verbose=0)), list(model.input_shape[1:]), labels
    if not (path / "saved_model.pb").exists():
        raise PredictError(f"{path}: neither an export folder, a SavedModel nor a .keras file")
    import tensorflow as tf

    served = tf.saved_model.load(str(path))
    spec = served.serve.input_signature[0]
    shape = labels.get("input_shape") or spec.shape.as_list()[1:]

    def predict(x):
        out = served.serve(tf.constant(x))
        if isinstance(out, dict):
            out = next(iter(out.values()))
        return np.asarray(out)

    return predict, shape, labels


def reading(width, kind):
    """How an output of `width` units is read: `probability` (one per class, or the one sigmoid
    unit `labels.json` calls so), `margin`, or `score` (one unit whose meaning is unknown)."""
    if width > 1:
        return "probability"
    return kind if kind in ("probability", "margin") else "score"


def ranked(outputs, names, kind, top):
    """One example's `(label, value)` pairs, best first, read as `reading` says: its `top`
    classes with their probabilities; for a margin, the class it picks with the margin; for a
    bare score, `("score", value)`."""
    label = lambda k: names[k] if names else str(k)  # noqa: E731
    read = reading(len(outputs), kind)
    if read == "probability" and len(outputs) > 1:
        return [(label(k), float(outputs[k])) for k in np.argsort(-outputs)[:top]]
    value = float(outputs[0])
    if read == "probability":
        pairs = [(label(1), value), (label(0), 1.0 - value)]
        return sorted(pairs, key=lambda pair: -pair[1])[:top]
    if read == "margin":
        return [(label(1) if value > 0 else label(0), value)]
    return [("score", value)]


def predict(model_path, inputs, top: int = 3) -> tuple[str, list[tuple[str, list[tuple[str, float]]]]]:
    """`(reading, results)`: how the outputs are read (see `reading`), and for each input its
    name and `ranked` pairs."""
    fn, shape, labels = load_model(model_path)
    batch, example_names = load_inputs(inputs, shape)
    names, kind = labels.get("class_names"), labels.get("output")
    outputs = [np.asarray(out).reshape(-1) for out in fn(batch)]
    read = reading(len(outputs[0]), kind) if outputs else "probability"
    return read, [(name, ranked(out, names, kind, top)) for name, out in zip(example_names, outputs)]
