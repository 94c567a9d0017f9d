"""`load`: one image data set from the first source that has it (local folder, then tfds)."""

import logging
import os
import pathlib

from kerasdl.data import local
from kerasdl.data.catalog import raw_file_names, spec, to_dataset
from kerasdl.data.errors import DataUnavailableError
from kerasdl.data.tfds_loader import read_tfds

ENV_VAR = "KERASDL_DATA_DIR"
log = logging.getLogger("kerasdl.data")


def load(name, data_dir=None):
    """Loads MNIST, Fashion-MNIST or CIFAR-10 as a `Dataset` of uint8 images and int64 labels.

    Sources, in order: the folder `data_dir`, else the one in `$KERASDL_DATA_DIR` (the files it
    may hold are listed in `kerasdl.data.local`); then tensorflow-datasets, which downloads into
    its own cache. Local files win, so an offline machine never touches the network. Reading the
    same unchanged file again in one process returns the same (read-only) arrays.

    Args:
        name: `mnist`, `fashion_mnist` or `cifar10`.
        data_dir: folder holding the data set's files; None to use `$KERASDL_DATA_DIR`.

    Returns:
        A `Dataset` whose `source` names the file or folder read, or `tfds:<name>`.

    Raises:
        ValueError: `name` is not one of the three.
        DataUnavailableError: the folder does not exist, or neither it nor tfds has the data.
        CorruptDataError: a file exists but is truncated, malformed or holds the wrong arrays.
    """
    spec(name)  # an unknown name fails here, before any folder or download is tried
    folder, origin = _folder(data_dir)
    if folder is not None:
        if not folder.is_dir():
            raise DataUnavailableError(
                f"The data folder {folder} (from {origin}) does not exist. {_how_to_supply(name)}"
            )
        found = local.find(name, folder)
        if found:
            return local.read(name, found)
    # tfds fails in many ways (import, network, checksum); to the user they all mean "no data".
    # Offline, its downloader retries each file 10 times with exponential backoff (~3.5 minutes
    # measured here) before failing, so say what is going on first.
    log.warning(
        "kerasdl: no local copy of %s (%s); asking tensorflow-datasets, which reads its cache or "
        "downloads (offline, it gives up after a few minutes of retries)",
        name, "no data folder given" if folder is None else f"none in {folder}",
    )
    try:
        arrays = read_tfds(name)
    except Exception as error:
        raise DataUnavailableError(_unavailable(name, folder, origin, error)) from error
    return to_dataset(name, arrays, f"tfds:{name}")


def describe_sources(name):
    """One line saying where `load(name)` looks, for `python -m reproduce list`."""
    if name == "disk":
        return "disk: generated in memory (report scratch_mlp), no files needed"
    return (
        f"{name}: DIR/{name}.npz, DIR/{name}*/{name}.npz, or {raw_file_names(name)} in "
        f"DIR/{name}/ or DIR, where DIR is --data-dir or ${ENV_VAR}; "
        "otherwise downloaded by tensorflow-datasets"
    )


def _folder(data_dir):
    if data_dir is not None:
        return pathlib.Path(data_dir).expanduser().resolve(), "--data-dir"
    if os.environ.get(ENV_VAR):
        return pathlib.Path(os.environ[ENV_VAR]).expanduser().resolve(), ENV_VAR
    return None, None


def _unavailable(name, folder, origin, error):
    if folder is None:
        looked = f"No data folder was given (no --data-dir, and ${ENV_VAR} is unset)"
    else:
        looked = (
            f"Looked in {folder} (from {origin}) for {name}.npz, {name}*/{name}.npz and "
            f"{raw_file_names(name)} (in {name}/ or the folder itself) and found none"
        )
    first_line = (str(error).strip().splitlines() or [""])[0]
    return (
        f"Cannot load {name}. {looked}; tensorflow-datasets then failed "
        f"({type(error).__name__}: {first_line}). {_how_to_supply(name)}"
    )


def _how_to_supply(name):
    return (
        f"Supply the files with --data-dir DIR or the {ENV_VAR} environment variable: DIR holds "
        f"{name}.npz (arrays x_train, y_train, x_test, y_test as keras.datasets returns them) or "
        f"{raw_file_names(name)}; or run once with internet access so that tensorflow-datasets "
        "can download it."
    )
