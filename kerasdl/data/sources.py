"""`load`: one image data set from the first source that has it (local folder, then tfds)."""

import os
import pathlib
import re

from kerasdl.data import local
from kerasdl.data.catalog import raw_file_names, spec, to_dataset
from kerasdl.data.errors import DataUnavailableError
from kerasdl.data.tfds_loader import HostUnreachableError, read_tfds

ENV_VAR = "KERASDL_DATA_DIR"
OFFLINE_VAR = "KERASDL_OFFLINE"


def load(name, data_dir=None, offline=None):
    """Loads MNIST, Fashion-MNIST, CIFAR-10 or SVHN (`svhn_cropped`, with its extra split) as a
    `Dataset` of uint8 images and int64 labels.

    Sources, in order: the folder `data_dir`, else the one in `$KERASDL_DATA_DIR` (the files it
    may hold are listed in `kerasdl.data.local`); then tensorflow-datasets: its prepared copy, else
    a download into its cache, tried only when the download host answers within a few seconds.
    Reading the same unchanged file again in one process returns the same (read-only) arrays.

    Args:
        name: `mnist`, `fashion_mnist`, `cifar10` or `svhn_cropped`.
        data_dir: folder holding the data set's files; None to use `$KERASDL_DATA_DIR`.
        offline: True to never use tensorflow-datasets; None reads `$KERASDL_OFFLINE`
            (set and not `0`/`false`/`no`/`off` means offline).

    Returns:
        A `Dataset` whose `source` names the file or folder read, or `tfds:<name>`.

    Raises:
        ValueError: `name` is not one of these.
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
    if is_offline(offline):
        why = "offline=True" if offline else f"${OFFLINE_VAR} is set"
        reason = f"tensorflow-datasets was not tried ({why})"
        raise DataUnavailableError(_unavailable(name, folder, origin, reason))
    try:
        arrays = read_tfds(name)
    except HostUnreachableError as error:
        reason = f"tensorflow-datasets has no copy of it and its download host {error}"
        raise DataUnavailableError(_unavailable(name, folder, origin, reason)) from error
    # tfds fails in many ways (import, network, checksum); to the user they all mean "no data".
    except Exception as error:
        first_line = (str(error).strip().splitlines() or [""])[0]
        reason = f"tensorflow-datasets then failed ({type(error).__name__}: {first_line})"
        raise DataUnavailableError(_unavailable(name, folder, origin, reason)) from error
    return to_dataset(name, arrays, f"tfds:{name}")


def is_offline(offline=None):
    """`offline` itself when given, else whether `$KERASDL_OFFLINE` asks for offline loading."""
    if offline is not None:
        return bool(offline)
    return os.environ.get(OFFLINE_VAR, "").strip().lower() not in ("", "0", "false", "no", "off")


def describe_sources(name):
    """One line saying where `load(name)` looks, for `python -m reproduce list`."""
    if name == "disk":
        return "disk: generated in memory (report scratch_mlp), no files needed"
    return (
        f"{name}: DIR/{name}.npz, DIR/{name}*/{name}.npz, or {raw_file_names(name)} in "
        f"DIR/{name}/ or DIR, where DIR is --data-dir or ${ENV_VAR}; "
        f"otherwise tensorflow-datasets' copy or download (never with ${OFFLINE_VAR}=1)"
    )


def shown_source(source, data_dir=None):
    """`Dataset.source` as published tables show it: the data folder `load` read from written
    `DATA` (the folder differs from machine to machine; the files in it do not), e.g.
    `DATA/cifar10-jpeg/cifar10.npz, first 20000 train / 10000 test`."""
    folder, _ = _folder(data_dir)
    if folder is None:
        return source
    return re.sub(re.escape(str(folder)) + r"(?=/|,|$)", "DATA", source)


def _folder(data_dir):
    if data_dir is not None:
        return pathlib.Path(data_dir).expanduser().resolve(), "--data-dir"
    if os.environ.get(ENV_VAR):
        return pathlib.Path(os.environ[ENV_VAR]).expanduser().resolve(), ENV_VAR
    return None, None


def _unavailable(name, folder, origin, reason):
    if folder is None:
        looked = f"No data folder was given (no --data-dir, and ${ENV_VAR} is unset)"
    else:
        looked = (
            f"Looked in {folder} (from {origin}) for {name}.npz, {name}*/{name}.npz and "
            f"{raw_file_names(name)} (in {name}/ or the folder itself) and found none"
        )
    return f"Cannot load {name}. {looked}; {reason}. {_how_to_supply(name)}"


def _how_to_supply(name):
    return (
        f"Supply the files with --data-dir DIR or the {ENV_VAR} environment variable: DIR holds "
        f"{name}.npz (arrays x_train, y_train, x_test, y_test as keras.datasets returns them) or "
        f"{raw_file_names(name)}, in DIR/{name}/ or DIR itself; or run once with internet access "
        f"(and {OFFLINE_VAR} unset) so that tensorflow-datasets can download it."
    )
