"""Errors raised when a data set cannot be loaded.

The command line catches `DataError` and exits with status 2 and the message alone, so every
message here is written for the person running a report, not for a traceback reader.
"""


class DataError(Exception):
    """A data set could not be loaded."""


class DataUnavailableError(DataError):
    """No source (local folder, tensorflow-datasets) could supply the data set."""


class CorruptDataError(DataError):
    """A data file exists but does not hold what its name promises."""
