"""Reader for SVHN format 2, the cropped digits (Netzer et al. 2011; report `alt_softmax`, whose
course template, Megvii tf-tutorials `01-svhn/`, trains on it).

The official files `train_32x32.mat`, `test_32x32.mat` and `extra_32x32.mat` are MATLAB files
holding `X`, uint8 of shape (32, 32, 3, N) (height, width, channel, image: HWCN), and `y`, the
labels of shape (N, 1) in 1..10, where 10 stands for the digit 0. They are read with
`scipy.io.loadmat` into the `keras.datasets` layout: images (N, 32, 32, 3), labels 0..9.
"""

import hashlib
import zlib

import numpy as np

from kerasdl.data.catalog import non_finite_note
from kerasdl.data.errors import CorruptDataError

# The split each official file holds; `extra` (531 131 images, 1.3 GB) may be left out.
FILES = {"train": "train_32x32.mat", "test": "test_32x32.mat", "extra": "extra_32x32.mat"}
REQUIRED = ("train", "test")
# The official sizes and MD5 digests (from the git-annex keys of datasets-mila/datasets--svhn).
OFFICIAL = {
    "train": (182_040_794, "e26dedcc434d2e4c54c9b2d4a06d8373"),
    "test": (64_275_384, "eb5a983be6a315427106f1b164d9cef3"),
    "extra": (1_329_278_602, "a93ce644f1a588dc4d68dda5feec44a7"),
}


def read_mat(path):
    """Reads one official `.mat` file into (images (N, 32, 32, 3) uint8, labels (N,) int64 in 0..9).

    Raises:
        CorruptDataError: not a readable MATLAB file, no `X` or `y`, or arrays of the wrong dtype,
            shape or label range (non-finite values named).
    """
    import scipy.io  # imported here: only a run that reads SVHN files needs it

    try:
        mat = scipy.io.loadmat(path, variable_names=("X", "y"))
    except (OSError, ValueError, TypeError, IndexError, EOFError, NotImplementedError, zlib.error) as error:
        raise CorruptDataError(f"{path}: not a readable MATLAB .mat file ({type(error).__name__}: {error})") from error
    missing = [key for key in ("X", "y") if key not in mat]
    if missing:
        raise CorruptDataError(f"{path}: has no {', '.join(missing)} (an SVHN format-2 file holds X and y)")
    x, y = np.asarray(mat["X"]), np.asarray(mat["y"])
    if x.dtype != np.uint8 or x.ndim != 4 or x.shape[:3] != (32, 32, 3):
        raise CorruptDataError(
            f"{path}: X is {x.dtype} {x.shape}{non_finite_note(x)}, expected uint8 (32, 32, 3, N)"
        )
    if y.size != x.shape[3] or (y.ndim == 2 and y.shape[1] != 1) or y.ndim > 2:
        raise CorruptDataError(f"{path}: y has shape {y.shape} for {x.shape[3]} images, expected ({x.shape[3]}, 1)")
    y = y.reshape(-1)
    if not np.issubdtype(y.dtype, np.integer):
        if not np.all(np.isfinite(y)) or not np.array_equal(y, np.round(y)):
            raise CorruptDataError(f"{path}: y holds non-integer labels{non_finite_note(y)}")
    if y.size and (y.min() < 1 or y.max() > 10):
        raise CorruptDataError(f"{path}: y holds labels from {y.min()} to {y.max()}, expected 1 to 10")
    labels = y.astype(np.int64) % 10  # the official 10 is the digit 0
    return np.ascontiguousarray(x.transpose(3, 0, 1, 2)), labels


def is_official(split, path):
    """Whether `path` is the official file of `split`: its size, then its MD5 digest, match."""
    size, md5 = OFFICIAL[split]
    if path.stat().st_size != size:
        return False
    digest = hashlib.md5()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 24), b""):
            digest.update(block)
    return digest.hexdigest() == md5


def read_files(paths):
    """The arrays of a data set from `{split: path}` (`train`, `test`, optionally `extra`)."""
    arrays = {}
    for split, path in paths.items():
        arrays[f"x_{split}"], arrays[f"y_{split}"] = read_mat(path)
    return arrays
