"""The `Dataset` container: a train and a test split held as NumPy arrays."""

import dataclasses
import functools
import hashlib

import numpy as np

from kerasdl.data.transforms import to_float


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A data set with a train and a test split, as one report uses it.

    Images loaded from files are uint8 arrays of shape (N, H, W, C) and labels int64 arrays of
    shape (N,); `scaled()` gives the float32 [0, 1] version most models train on. Arrays of a
    loaded data set are read-only, because `load` may hand the same arrays to several callers.

    Args:
        x_train, y_train, x_test, y_test: inputs and integer class labels of each split.
        source: where the arrays came from: the file or folder read, `tfds:<name>`, or
            `generated`; reports print it, e.g. to say that CIFAR-10 is the JPEG copy.
        name: the data set's name (`mnist`, `fashion_mnist`, `cifar10`, `svhn_cropped`, `disk`).
        num_classes: number of classes, 10 unless the data set says otherwise.
        x_extra, y_extra: a third split where the data set has one and the source held it (SVHN's
            `extra`), else None.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    name: str
    num_classes: int = 10
    x_extra: np.ndarray | None = None
    y_extra: np.ndarray | None = None

    def __post_init__(self):
        splits = {"train": (self.x_train, self.y_train), "test": (self.x_test, self.y_test)}
        if (self.x_extra is None) != (self.y_extra is None):
            raise ValueError(f"{self.name} extra: give both x_extra and y_extra, or neither")
        if self.x_extra is not None:
            splits["extra"] = (self.x_extra, self.y_extra)
        for split, (x, y) in splits.items():
            if y.ndim != 1 or len(x) != len(y):
                raise ValueError(
                    f"{self.name} {split}: inputs of shape {x.shape} but labels of shape "
                    f"{y.shape}; expected one label per input"
                )

    def __repr__(self):
        # The default repr would print pixel values; shapes and the source are what one checks.
        extra = "" if self.x_extra is None else f"extra {self.x_extra.shape}, "
        return (
            f"Dataset({self.name!r}, train {self.x_train.shape} {self.x_train.dtype}, "
            f"test {self.x_test.shape} {self.x_test.dtype}, {extra}source={self.source!r})"
        )

    @functools.cached_property
    def fingerprint(self):
        """A digest of the four arrays, and the extra split's where held (shapes, dtypes and
        bytes), 16 hex digits.

        The same data has the same fingerprint wherever it was read from (another folder, another
        machine, tensorflow-datasets), and a file replaced by different data gets another one:
        the runner keys its trial records on it, not on `source`.
        """
        digest = hashlib.blake2b(digest_size=8)
        extra = () if self.x_extra is None else (self.x_extra, self.y_extra)
        for array in (self.x_train, self.y_train, self.x_test, self.y_test, *extra):
            array = np.ascontiguousarray(array)
            digest.update(f"{array.dtype.str}{array.shape};".encode())
            digest.update(array.data)
        return digest.hexdigest()

    @property
    def image_shape(self):
        """Shape of one input: (H, W, C) for images, (2,) for the disk points."""
        return self.x_train.shape[1:]

    def scaled(self):
        """This data set with float32 inputs in [0, 1] (uint8 pixels divided by 255)."""
        extra = {} if self.x_extra is None else {"x_extra": to_float(self.x_extra)}
        return dataclasses.replace(
            self, x_train=to_float(self.x_train), x_test=to_float(self.x_test), **extra
        )
