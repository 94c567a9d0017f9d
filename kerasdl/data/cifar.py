"""Reader for the CIFAR-10 "python version" (Krizhevsky's `cifar-10-python.tar.gz`).

The archive holds `cifar-10-batches-py/` with five training batches `data_batch_1` ..
`data_batch_5` and one `test_batch`. Each is a pickled dict whose `b"data"` is a uint8 array
(10000, 3072), one row per image: the 1024 red values, then green, then blue, each plane row-major
32×32; `b"labels"` is a list of ints in 0..9.
"""

import io
import pickle
import tarfile
import zlib

import numpy as np

from kerasdl.data.catalog import CIFAR_FOLDER, non_finite_note
from kerasdl.data.errors import CorruptDataError

TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"


def read_folder(folder):
    """Reads the extracted `cifar-10-batches-py` folder into the four arrays of a data set."""
    return _assemble(lambda name: (folder / name).read_bytes(), folder)


def read_archive(path):
    """Reads `cifar-10-python.tar.gz` without extracting it, into the four arrays of a data set."""
    try:
        with tarfile.open(path, "r:gz") as archive:

            def read_member(name):
                return archive.extractfile(f"{CIFAR_FOLDER}/{name}").read()

            return _assemble(read_member, path)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise CorruptDataError(f"{path}: not a readable tar.gz archive ({error})") from error


def _assemble(read_batch, where):
    def batches(names):
        return [_parse(_fetch(read_batch, name, where), f"{where}/{name}") for name in names]

    train, test = batches(TRAIN_BATCHES), batches([TEST_BATCH])
    return {
        "x_train": np.concatenate([x for x, _ in train]),
        "y_train": np.concatenate([y for _, y in train]),
        "x_test": test[0][0],
        "y_test": test[0][1],
    }


def _fetch(read_batch, name, where):
    try:
        return read_batch(name)
    except KeyError as error:
        raise CorruptDataError(f"{where}: has no {CIFAR_FOLDER}/{name}") from error
    except OSError as error:
        raise CorruptDataError(f"{where}: cannot read {name} ({error})") from error


def _parse(raw, where):
    try:
        batch = _BatchUnpickler(io.BytesIO(raw), encoding="bytes").load()
        data, labels = np.asarray(batch[b"data"]), np.asarray(batch[b"labels"])
    except (pickle.UnpicklingError, EOFError, KeyError, TypeError, ValueError) as error:
        reason = f"{type(error).__name__}: {error}"
        raise CorruptDataError(f"{where}: not a CIFAR-10 batch ({reason})") from error
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise CorruptDataError(
            f"{where}: data is {data.dtype} {data.shape}{non_finite_note(data)}, expected uint8 (N, 3072)"
        )
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), labels


class _BatchUnpickler(pickle.Unpickler):
    """Unpickles only what a CIFAR-10 batch holds: a dict of bytes, lists and one NumPy array.

    Unpickling can run arbitrary code, and a data folder is not always trusted, so every other
    global a pickle asks for is refused.
    """

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("_codecs", "encode"),
    }

    def find_class(self, module, name):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}")
        return super().find_class(module, name)
