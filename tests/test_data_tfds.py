"""kerasdl.data.load without local files: through tensorflow-datasets, or a clear error at once
when offline (no network, or KERASDL_OFFLINE)."""

import socket
import threading
import time

import numpy as np
import pytest
import tensorflow_datasets as tfds

from kerasdl.data import DataError, DataUnavailableError, load, tfds_loader

REAL_TFDS_LOAD = tfds.load


@pytest.fixture(autouse=True)
def no_data_folder(monkeypatch):
    monkeypatch.delenv("KERASDL_DATA_DIR", raising=False)
    monkeypatch.delenv("KERASDL_OFFLINE", raising=False)


@pytest.fixture
def tfds_offline(monkeypatch):
    """The download host answers, but tfds still fails (say, a checksum error)."""

    def offline(*args, **kwargs):
        raise ConnectionError("no route to storage.googleapis.com\nsecond line of detail")

    monkeypatch.setattr(tfds, "load", offline)
    monkeypatch.setattr(tfds_loader, "probe", lambda url, timeout=None: None)


@pytest.fixture
def no_network(monkeypatch, tmp_path):
    """Every socket connection fails, and tfds's cache is an empty folder."""

    def refuse(*args, **kwargs):
        raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(tfds.core.constants, "DATA_DIR", str(tmp_path / "tfds_cache"))


def no_tfds(*args, **kwargs):
    pytest.fail("tensorflow-datasets was used although offline")


@pytest.mark.parametrize("name, image_shape", [("mnist", (28, 28, 1)), ("cifar10", (32, 32, 3))])
def test_tfds_supplies_the_data(name, image_shape):
    with tfds.testing.mock_data(num_examples=6):
        ds = load(name)
    assert ds.x_train.shape == (6, *image_shape) and ds.x_test.shape == (6, *image_shape)
    assert ds.x_train.dtype == np.uint8 and ds.y_train.dtype == np.int64
    assert ds.source == f"tfds:{name}" and ds.name == name
    assert ds.y_train.min() >= 0 and ds.y_train.max() < 10


def test_empty_folder_falls_back_to_tfds(tmp_path):
    with tfds.testing.mock_data(num_examples=3):
        assert load("fashion_mnist", tmp_path).source == "tfds:fashion_mnist"


def test_no_folder_and_tfds_fails(tfds_offline):
    with pytest.raises(DataUnavailableError) as error:
        load("mnist")
    message = str(error.value)
    assert isinstance(error.value, DataError)
    assert "KERASDL_DATA_DIR" in message and "--data-dir" in message
    assert "ConnectionError: no route to storage.googleapis.com" in message
    assert "\n" not in message and "second line" not in message


def test_empty_folder_and_tfds_fails(tmp_path, tfds_offline):
    with pytest.raises(DataUnavailableError) as error:
        load("fashion_mnist", tmp_path)
    message = str(error.value)
    assert f"Looked in {tmp_path} (from --data-dir)" in message
    assert "fashion_mnist.npz" in message and "train-images-idx3-ubyte[.gz]" in message
    assert "KERASDL_DATA_DIR" in message


def test_env_folder_named_and_tfds_fails(tmp_path, monkeypatch, tfds_offline):
    monkeypatch.setenv("KERASDL_DATA_DIR", str(tmp_path))
    with pytest.raises(DataUnavailableError, match="from KERASDL_DATA_DIR") as error:
        load("cifar10")
    assert str(tmp_path) in str(error.value) and "cifar-10-python.tar.gz" in str(error.value)


def test_download_says_so_first(tmp_path, caplog, monkeypatch):
    def not_prepared_then_download(*args, download=True, **kwargs):
        if not download:
            raise AssertionError("Dataset mnist: could not find data")
        return REAL_TFDS_LOAD(*args, **kwargs)

    monkeypatch.setattr(tfds, "load", not_prepared_then_download)
    probed = []
    monkeypatch.setattr(tfds_loader, "probe", lambda url, timeout=None: probed.append(url))
    with caplog.at_level("WARNING", logger="kerasdl.data"), tfds.testing.mock_data(num_examples=3):
        assert load("mnist", tmp_path).source == "tfds:mnist"
    assert probed == ["https://storage.googleapis.com/cvdf-datasets/mnist/t10k-images-idx3-ubyte.gz"]
    (record,) = [r for r in caplog.records if r.name == "kerasdl.data"]
    assert "downloading mnist" in record.getMessage() and "storage.googleapis.com" in record.getMessage()


def assert_one_paragraph(message, name="mnist"):
    assert "\n" not in message and "../shared" not in message
    assert "--data-dir" in message and f"{name}.npz" in message


@pytest.mark.parametrize("name, host", [("mnist", "storage.googleapis.com:443"),
                                        ("fashion_mnist", "fashion-mnist.s3-website.eu-central-1.amazonaws.com:80"),
                                        ("cifar10", "www.cs.toronto.edu:443")])
def test_no_network_fails_at_once(tmp_path, no_network, name, host):
    start = time.monotonic()
    with pytest.raises(DataUnavailableError) as error:
        load(name, tmp_path)
    assert time.monotonic() - start < 5
    message = str(error.value)
    assert_one_paragraph(message, name)
    assert f"download host {host} cannot be reached (Network is unreachable)" in message
    assert f"Looked in {tmp_path} (from --data-dir)" in message


def test_no_network_cli_exits_2_with_the_paragraph(tmp_path, no_network, capsys):
    from kerasdl.commands import main as reproduce_main

    start = time.monotonic()
    code = reproduce_main(["lenet5", "mnist", "--profile", "smoke", "--data-dir", str(tmp_path), "--out",
                           str(tmp_path / "out"), "--quiet"])
    assert code == 2 and time.monotonic() - start < 10
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "cannot be reached" in err
    assert_one_paragraph(err)


def test_stalled_host_is_given_up_after_the_timeout(monkeypatch):
    released = threading.Event()

    def stall(*args, **kwargs):
        released.wait(30)
        raise TimeoutError("released by the test")  # the probe's thread then ends quietly

    monkeypatch.setattr(socket, "create_connection", stall)
    start = time.monotonic()
    try:
        with pytest.raises(tfds_loader.HostUnreachableError, match=r"example.org:8080 did not answer within 0.3 s"):
            tfds_loader.probe("http://example.org:8080/data.gz", timeout=0.3)
        assert time.monotonic() - start < 2
    finally:
        released.set()


def test_probe_goes_through_the_proxy(monkeypatch):
    monkeypatch.setenv("https_proxy", "http://proxy.local:3128")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    seen = []
    monkeypatch.setattr(socket, "create_connection", lambda address, timeout: seen.append(address) or socket.socket())
    tfds_loader.probe("https://storage.googleapis.com/x.gz", timeout=1)
    assert seen == [("proxy.local", 3128)]


def test_prepared_copy_loads_without_network(tmp_path, no_network, monkeypatch):
    downloads = []

    def prepared_only(*args, download=True, **kwargs):
        downloads.append(download)
        return REAL_TFDS_LOAD(*args, download=download, **kwargs)

    monkeypatch.setattr(tfds, "load", prepared_only)
    with tfds.testing.mock_data(num_examples=2):  # stands for the copy tfds prepared earlier
        assert load("cifar10", tmp_path).x_train.shape == (2, 32, 32, 3)
    assert downloads == [False, False]


def test_unreadable_prepared_copy_is_reported_not_probed(tmp_path, no_network, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("corrupted record at offset 7")

    monkeypatch.setattr(tfds, "load", broken)
    monkeypatch.setattr(tfds_loader, "_prepared", lambda tfds, name: True)
    monkeypatch.setattr(tfds_loader, "probe", no_tfds)
    with pytest.raises(DataUnavailableError, match="ValueError: corrupted record at offset 7"):
        load("mnist", tmp_path)


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_offline_env_skips_tfds(tmp_path, monkeypatch, value):
    monkeypatch.setenv("KERASDL_OFFLINE", value)
    monkeypatch.setattr(tfds, "load", no_tfds)
    monkeypatch.setattr(tfds, "builder", no_tfds)
    with pytest.raises(DataUnavailableError) as error:
        load("fashion_mnist", tmp_path)
    assert "tensorflow-datasets was not tried ($KERASDL_OFFLINE is set)" in str(error.value)
    assert_one_paragraph(str(error.value), "fashion_mnist")


def test_offline_keyword(tmp_path, monkeypatch):
    monkeypatch.setattr(tfds, "load", no_tfds)
    with pytest.raises(DataUnavailableError, match=r"not tried \(offline=True\)"):
        load("mnist", tmp_path, offline=True)
    monkeypatch.setenv("KERASDL_OFFLINE", "1")
    monkeypatch.setattr(tfds, "load", REAL_TFDS_LOAD)
    with tfds.testing.mock_data(num_examples=2):
        assert load("mnist", tmp_path, offline=False).source == "tfds:mnist"
    monkeypatch.setenv("KERASDL_OFFLINE", "0")
    with tfds.testing.mock_data(num_examples=2):
        assert load("mnist", tmp_path).source == "tfds:mnist"
