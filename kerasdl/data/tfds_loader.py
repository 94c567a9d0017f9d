"""Loading a data set through tensorflow-datasets: the path a fresh machine with internet takes.

tfds downloads once into its own cache (`~/tensorflow_datasets`, or `TFDS_DATA_DIR`) and reads
from there afterwards; the `--data-dir` folder is left to the user's own files.
"""

import numpy as np

from kerasdl.data.catalog import SPLITS

_BATCH = 10_000


def read_tfds(name):
    """Returns the four arrays of data set `name` from tensorflow-datasets.

    Raises whatever tfds raises (download, checksum or import errors); `load` reports it.
    """
    # Imported here: it costs seconds, and a run that finds local files never needs it.
    import tensorflow_datasets as tfds

    arrays = {}
    for split in ("train", "test"):
        # Fixed-size batches rather than batch_size=-1: that sizes one batch from the split's
        # metadata and aborts the process when the metadata has no count (mocked data).
        ds = tfds.load(name, split=split, as_supervised=True).batch(_BATCH)
        batches = list(tfds.as_numpy(ds))
        arrays[f"x_{split}"] = np.concatenate([x for x, _ in batches])
        arrays[f"y_{split}"] = np.concatenate([y for _, y in batches])
    return {key: arrays[key] for key in SPLITS}
