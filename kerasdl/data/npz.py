"""Reader for `.npz` files laid out as `keras.datasets` returns a data set."""

import zipfile
import zlib

import numpy as np

from kerasdl.data.catalog import EXTRA, SPLITS
from kerasdl.data.errors import CorruptDataError


def read_npz(path):
    """Reads the arrays `x_train`, `y_train`, `x_test`, `y_test` of an `.npz` file, and
    `x_extra`, `y_extra` where it holds them (an SVHN copy with its extra split).

    Pickled objects are refused (`allow_pickle=False`): a data file must not run code.

    Raises:
        CorruptDataError: the file is not a readable npz, one of the four keys is missing, or
            only one of the two extra keys is there.
    """
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [key for key in SPLITS if key not in npz.files]
            if missing:
                held = ", ".join(npz.files) or "nothing"
                raise CorruptDataError(
                    f"{path}: has no {', '.join(missing)} (it holds {held}; "
                    f"expected {', '.join(SPLITS)})"
                )
            extra = [key for key in EXTRA if key in npz.files]
            if len(extra) == 1:
                raise CorruptDataError(f"{path}: has {extra[0]} without its pair ({', '.join(EXTRA)} go together)")
            return {key: npz[key] for key in (*SPLITS, *extra)}
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error) as error:
        raise CorruptDataError(f"{path}: not a readable .npz file ({error})") from error


def train_bytes(path):
    """Uncompressed size of `x_train` in an `.npz`, 0 when unreadable: how complete a copy is."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.getinfo("x_train.npy").file_size
    except (OSError, KeyError, zipfile.BadZipFile):
        return 0
