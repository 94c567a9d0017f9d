"""Finding and reading a data set's files in a local folder (`--data-dir` / `KERASDL_DATA_DIR`).

In a folder DIR, the first of these that exists is used for data set NAME:

1. `DIR/NAME.npz`;
2. `DIR/NAME*/NAME.npz`, e.g. `cifar10-jpeg/cifar10.npz`; when several folders match, the most
   complete copy wins (the largest uncompressed `x_train`), so that a folder holding
   `cifar10-jpeg/` and `cifar10-exact-subset/` gives the full JPEG copy, not the 4000-image
   subset;
3. the official files in `DIR/NAME/`, then in `DIR` itself: the four IDX files of MNIST and
   Fashion-MNIST (each `.gz` or not), or CIFAR-10's `cifar-10-python.tar.gz` or its extracted
   `cifar-10-batches-py/`, or SVHN's `train_32x32.mat` and `test_32x32.mat` (with
   `extra_32x32.mat` where present). MNIST and Fashion-MNIST share IDX file names, so a folder
   serving both must keep them in `DIR/mnist/` and `DIR/fashion_mnist/`.
"""

import dataclasses
import functools
import pathlib

from kerasdl.data import cifar, svhn
from kerasdl.data.catalog import CIFAR_ARCHIVE, CIFAR_FOLDER, IDX_FILES, spec, to_dataset
from kerasdl.data.errors import CorruptDataError
from kerasdl.data.idx import read_idx
from kerasdl.data.npz import read_npz, train_bytes


@dataclasses.dataclass(frozen=True)
class Found:
    """The files of one data set in a folder.

    Args:
        kind: `npz`, `idx` (`path` is the folder of the four files), `cifar_folder`,
            `cifar_archive` or `svhn_mat` (`path` is the folder of the `.mat` files).
        path: the file or folder to read.
        files: every file read, each with its modification time and size, so that the read cache
            notices a file replaced in place.
    """

    kind: str
    path: pathlib.Path
    files: tuple

    @property
    def source(self):
        """How `Dataset.source` names what was read."""
        if self.kind == "idx":
            return f"IDX files in {self.path}"
        if self.kind == "svhn_mat":
            return f"{', '.join(path.name for path, *_ in self.files)} in {self.path}"
        return str(self.path)


def find(name, folder):
    """Locates data set `name` in `folder` (a resolved `pathlib.Path`), or returns None.

    Raises:
        CorruptDataError: some but not all of the four IDX files are there, or one of SVHN's
            train and test files without the other.
    """
    npz = folder / f"{name}.npz"
    if npz.is_file():
        return _found("npz", npz, [npz])
    copies = sorted(p for p in folder.glob(f"{name}*/{name}.npz") if p.is_file())
    if copies:
        best = max(copies, key=train_bytes)
        return _found("npz", best, [best])
    finder = {"idx": _find_idx, "cifar": _find_cifar, "svhn": _find_svhn}[spec(name).raw]
    for place in (folder / name, folder):
        found = finder(place)
        if found:
            return found
    return None


def read(name, found):
    """Reads the files `find` located into a checked, read-only `Dataset`; cached per file state."""
    return _read_cached(name, found)


@functools.lru_cache(maxsize=4)
def _read_cached(name, found):
    if found.kind == "npz":
        arrays = read_npz(found.path)
    elif found.kind == "idx":
        paths = dict(zip(IDX_FILES, (path for path, *_ in found.files)))
        arrays = {key: read_idx(path, 3 if key[0] == "x" else 1) for key, path in paths.items()}
    elif found.kind == "svhn_mat":
        paths = {split: path for split, (path, *_) in zip(svhn.FILES, found.files)}
        arrays = svhn.read_files(paths)
        if all(svhn.is_official(split, path) for split, path in paths.items()):
            return to_dataset(name, arrays, found.source + " (the official files: sizes and MD5 digests match)")
    elif found.kind == "cifar_archive":
        arrays = cifar.read_archive(found.path)
    else:
        arrays = cifar.read_folder(found.path)
    return to_dataset(name, arrays, found.source)


def _find_idx(place):
    paths = {key: _either(place / stem, place / f"{stem}.gz") for key, stem in IDX_FILES.items()}
    present = [p.name for p in paths.values() if p]
    if not present:
        return None
    if len(present) < len(paths):
        missing = [stem for key, stem in IDX_FILES.items() if not paths[key]]
        raise CorruptDataError(
            f"{place}: has {', '.join(present)} but not {', '.join(missing)}[.gz]; "
            "all four IDX files are needed"
        )
    return _found("idx", place, list(paths.values()))


def _find_cifar(place):
    archive, batches = place / CIFAR_ARCHIVE, place / CIFAR_FOLDER
    if batches.is_dir():
        names = (*cifar.TRAIN_BATCHES, cifar.TEST_BATCH)
        return _found("cifar_folder", batches, [batches / name for name in names])
    if archive.is_file():
        return _found("cifar_archive", archive, [archive])
    return None


def _find_svhn(place):
    paths = {split: place / file for split, file in svhn.FILES.items()}
    present = [split for split in svhn.REQUIRED if paths[split].is_file()]
    if not present:
        return None
    if len(present) < len(svhn.REQUIRED):
        (missing,) = set(svhn.REQUIRED) - set(present)
        raise CorruptDataError(
            f"{place}: has {svhn.FILES[present[0]]} but not {svhn.FILES[missing]}; both are needed"
        )
    splits = [*svhn.REQUIRED, *(["extra"] if paths["extra"].is_file() else [])]
    return _found("svhn_mat", place, [paths[split] for split in splits])


def _either(*paths):
    return next((p for p in paths if p.is_file()), None)


def _found(kind, path, files):
    return Found(kind, path, tuple(_state(f) for f in files))


def _state(path):
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (path, None, None)
    return (path, stat.st_mtime_ns, stat.st_size)
