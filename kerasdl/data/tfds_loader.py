"""Loading a data set through tensorflow-datasets: the path a fresh machine with internet takes.

tfds downloads once into its own cache (`~/tensorflow_datasets`, or `TFDS_DATA_DIR`) and reads
from there afterwards; the `--data-dir` folder is left to the user's own files. Offline, tfds's
downloader retries each file for minutes, so before any download the host is probed briefly and
an unreachable one fails at once (`HostUnreachableError`).
"""

import contextlib
import logging
import socket
import threading
import urllib.parse
import urllib.request

import numpy as np

from kerasdl.data.catalog import EXTRA, SPLITS, spec

PROBE_TIMEOUT_S = 3.0
_BATCH = 10_000
_DEFAULT_URL = "https://storage.googleapis.com/"  # where tfds keeps most data sets
log = logging.getLogger("kerasdl.data")


class HostUnreachableError(OSError):
    """The host tfds would download from did not accept a connection within the probe timeout."""


def read_tfds(name, probe_timeout=PROBE_TIMEOUT_S):
    """Returns the four arrays of data set `name` from tensorflow-datasets.

    A copy tfds prepared earlier is read without the network (so is `tfds.testing.mock_data`).
    Otherwise the download host is probed first, and tfds downloads only when it answers.

    Raises:
        HostUnreachableError: no prepared copy, and the download host did not answer in time.
        Whatever tfds raises (download, checksum or import errors); `load` reports it.
    """
    # Imported here: it costs seconds, and a run that finds local files never needs it.
    import tensorflow_datasets as tfds

    try:
        with _quiet_absl():  # an absent copy logs a warning per call
            return _read(tfds, name, download=False)
    except Exception:
        with _quiet_absl():
            if _prepared(tfds, name):
                raise  # a prepared copy that cannot be read: downloading would not help
            url = download_url(tfds, name)
    probe(url, probe_timeout)
    log.warning("kerasdl: downloading %s with tensorflow-datasets from %s", name, _host_port(url)[0])
    return _read(tfds, name, download=True)


def download_url(tfds, name):
    """The first URL tfds downloads `name` from (its checksums file), or tfds's usual host."""
    try:
        urls = sorted(tfds.builder(name).url_infos or ())
    except Exception:  # an unregistered checksums file only loses the precise host
        urls = []
    return urls[0] if urls else _DEFAULT_URL


def probe(url, timeout=PROBE_TIMEOUT_S):
    """Returns when a TCP connection to `url`'s host (or its proxy) opens within `timeout` s.

    The connection, name lookup included, runs in a daemon thread, so a stalled DNS server
    cannot hold the caller past `timeout`.

    Raises:
        HostUnreachableError: naming the host and port, and why when known.
    """
    scheme = urllib.parse.urlsplit(url).scheme or "https"
    host, port = _host_port(url)
    proxy = urllib.request.getproxies().get(scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        host, port = _host_port(proxy)
    outcome = []

    def connect():
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            outcome.append(None)
        except OSError as error:
            outcome.append(error)

    thread = threading.Thread(target=connect, daemon=True, name="kerasdl-probe")
    thread.start()
    thread.join(timeout)
    if not outcome:
        raise HostUnreachableError(f"{host}:{port} did not answer within {timeout:g} s")
    if outcome[0] is not None:
        reason = outcome[0].strerror or str(outcome[0]) or type(outcome[0]).__name__
        raise HostUnreachableError(f"{host}:{port} cannot be reached ({reason})")


@contextlib.contextmanager
def _quiet_absl():
    absl = logging.getLogger("absl")
    level = absl.level
    absl.setLevel(logging.ERROR)
    try:
        yield
    finally:
        absl.setLevel(level)


def _host_port(url):
    parts = urllib.parse.urlsplit(url if "//" in url else f"//{url}")
    return parts.hostname or "", parts.port or (80 if parts.scheme == "http" else 443)


def _prepared(tfds, name):
    try:
        return tfds.builder(name).is_prepared()
    except Exception:
        return False


def _read(tfds, name, download):
    arrays = {}
    extra = spec(name).extra
    for split in ("train", "test", "extra") if extra else ("train", "test"):
        # Fixed-size batches rather than batch_size=-1: that sizes one batch from the split's
        # metadata and aborts the process when the metadata has no count (mocked data).
        ds = tfds.load(name, split=split, as_supervised=True, download=download).batch(_BATCH)
        batches = list(tfds.as_numpy(ds))
        arrays[f"x_{split}"] = np.concatenate([x for x, _ in batches])
        arrays[f"y_{split}"] = np.concatenate([y for _, y in batches])
    return {key: arrays[key] for key in (*SPLITS, *(EXTRA if extra else ()))}
