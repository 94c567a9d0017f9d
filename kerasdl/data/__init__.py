"""Data sets of the five reports: MNIST, Fashion-MNIST, CIFAR-10, SVHN and the `scratch_mlp` disk.

`load(name, data_dir)` reads local files first (`--data-dir` / `KERASDL_DATA_DIR`, see
`kerasdl.data.local` for the accepted layouts), then falls back to tensorflow-datasets (not with
`offline=True` or `KERASDL_OFFLINE=1`; a download host that does not answer fails within seconds),
and raises a `DataError` with a one-paragraph explanation when neither has the data.
"""

from kerasdl.data.catalog import class_names
from kerasdl.data.dataset import Dataset
from kerasdl.data.disk import disk, disk_dataset
from kerasdl.data.errors import CorruptDataError, DataError, DataUnavailableError
from kerasdl.data.sources import ENV_VAR, OFFLINE_VAR, describe_sources, load, shown_source
from kerasdl.data.splits import batches_with_replacement, limit, shuffled_batches, validation_split
from kerasdl.data.transforms import inverse, pixel_stats, to_float

__all__ = [
    "ENV_VAR",
    "OFFLINE_VAR",
    "CorruptDataError",
    "DataError",
    "DataUnavailableError",
    "Dataset",
    "batches_with_replacement",
    "class_names",
    "describe_sources",
    "disk",
    "disk_dataset",
    "inverse",
    "limit",
    "load",
    "pixel_stats",
    "shown_source",
    "shuffled_batches",
    "to_float",
    "validation_split",
]
