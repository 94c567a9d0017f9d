"""kerasdl.data.load without local files: through tensorflow-datasets, or a clear error."""

import numpy as np
import pytest
import tensorflow_datasets as tfds

from kerasdl.data import DataError, DataUnavailableError, load


@pytest.fixture(autouse=True)
def no_data_folder(monkeypatch):
    monkeypatch.delenv("KERASDL_DATA_DIR", raising=False)


@pytest.fixture
def tfds_offline(monkeypatch):
    def offline(*args, **kwargs):
        raise ConnectionError("no route to storage.googleapis.com\nsecond line of detail")

    monkeypatch.setattr(tfds, "load", offline)


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


def test_falling_back_to_tfds_says_so_first(tmp_path, caplog):
    with caplog.at_level("WARNING", logger="kerasdl.data"), tfds.testing.mock_data(num_examples=3):
        load("mnist", tmp_path)
    (record,) = [r for r in caplog.records if r.name == "kerasdl.data"]
    assert "no local copy of mnist" in record.getMessage() and str(tmp_path) in record.getMessage()
