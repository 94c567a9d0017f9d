"""The image data sets `load` knows: their shapes, their files, and the checks their arrays pass."""

import dataclasses

import numpy as np

from kerasdl.data.dataset import Dataset
from kerasdl.data.errors import CorruptDataError

SPLITS = ("x_train", "y_train", "x_test", "y_test")
# The optional third split of a data set that has one (SVHN's `extra`).
EXTRA = ("x_extra", "y_extra")

IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
CIFAR_ARCHIVE = "cifar-10-python.tar.gz"
CIFAR_FOLDER = "cifar-10-batches-py"


@dataclasses.dataclass(frozen=True)
class Spec:
    """What one image data set looks like.

    Args:
        image_shape: (H, W, C) of one image.
        raw: the official file format, `idx` (MNIST, Fashion-MNIST), `cifar` (CIFAR-10 python)
            or `svhn` (SVHN format 2's `.mat` files).
        class_names: the name of each label, in label order.
        num_classes: labels lie in 0 .. num_classes − 1.
        extra: whether the data set has an `extra` split beside train and test (SVHN).
    """

    image_shape: tuple
    raw: str
    class_names: tuple
    num_classes: int = 10
    extra: bool = False


CATALOG = {
    "mnist": Spec((28, 28, 1), "idx", tuple(str(d) for d in range(10))),
    "fashion_mnist": Spec(
        (28, 28, 1),
        "idx",
        ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
    ),
    "cifar10": Spec(
        (32, 32, 3),
        "cifar",
        ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
    ),
    # SVHN format 2 (cropped digits), as tensorflow-datasets names it: train 73 257, test 26 032,
    # extra 531 131 images; label d is the digit d (the official files' 10 is read as 0).
    "svhn_cropped": Spec((32, 32, 3), "svhn", tuple(str(d) for d in range(10)), extra=True),
}


def spec(name):
    """Returns the `Spec` of data set `name`, or raises ValueError naming the known ones."""
    if name not in CATALOG:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(CATALOG)}")
    return CATALOG[name]


def class_names(name):
    """The label names of data set `name` (`disk`: outside, inside)."""
    if name == "disk":
        return ("outside", "inside")
    return spec(name).class_names


def raw_file_names(name):
    """The official file names accepted for `name`, as a phrase for messages."""
    raw = spec(name).raw
    if raw == "idx":
        return "the IDX files " + ", ".join(f"{f}[.gz]" for f in IDX_FILES.values())
    if raw == "svhn":
        return "the official train_32x32.mat and test_32x32.mat (and, optionally, extra_32x32.mat)"
    return f"{CIFAR_ARCHIVE} or its extracted {CIFAR_FOLDER}/"


def to_dataset(name, arrays, source):
    """Checks the four arrays read from `source` and wraps them in a read-only `Dataset`.

    Images may come without their channel axis when it has size 1, as `keras.datasets.mnist`
    returns them, and labels as a column (N, 1), as `keras.datasets.cifar10` returns them; both
    are brought to the `Dataset` layout. Labels become int64, whatever integer type the file used.

    Args:
        name: the data set's name, a key of `CATALOG`.
        arrays: dict with the keys of `SPLITS`, and those of `EXTRA` for a data set's extra split
            where the source has it.
        source: the file or folder read, named in errors and kept in `Dataset.source`.

    Raises:
        CorruptDataError: wrong dtype (non-finite floats named) or shape, mismatched counts, or
            labels out of range.
    """
    expected = spec(name)
    checked = {}
    splits = ("train", "test", "extra") if expected.extra and EXTRA[0] in arrays else ("train", "test")
    for split in splits:
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim == len(expected.image_shape) and expected.image_shape[-1] == 1:
            x = x[..., np.newaxis]
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        problem = _problem(x, y, expected)
        if problem:
            raise CorruptDataError(f"{source}: {name} {split} split {problem}")
        checked[f"x_{split}"], checked[f"y_{split}"] = x, y.astype(np.int64)
    for array in checked.values():
        array.flags.writeable = False
    return Dataset(**checked, source=str(source), name=name, num_classes=expected.num_classes)


def non_finite_note(x):
    """" with N non-finite value(s) (NaN or infinity)" when floating `x` holds any, else ""."""
    if not np.issubdtype(x.dtype, np.floating):
        return ""
    bad = x.size - int(np.count_nonzero(np.isfinite(x)))
    return f" with {bad} non-finite value(s) (NaN or infinity)" if bad else ""


def _problem(x, y, expected):
    if x.dtype != np.uint8:
        return f"has images of dtype {x.dtype}{non_finite_note(x)}, expected uint8"
    if x.ndim != 4 or x.shape[1:] != expected.image_shape:
        shape = ", ".join(map(str, expected.image_shape))
        return f"has images of shape {x.shape}, expected (N, {shape})"
    if len(x) == 0:
        return "is empty"
    if not np.issubdtype(y.dtype, np.integer) or y.ndim != 1:
        return f"has labels of shape {y.shape} and dtype {y.dtype}, expected integers of shape (N,)"
    if len(x) != len(y):
        return f"has {len(x)} images but {len(y)} labels"
    if y.min() < 0 or y.max() >= expected.num_classes:
        return f"has labels from {y.min()} to {y.max()}, expected 0 to {expected.num_classes - 1}"
    return None
