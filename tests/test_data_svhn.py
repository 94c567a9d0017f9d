"""SVHN format 2 (`svhn_cropped`): the official `.mat` files (generated here in their layout),
`svhn_cropped.npz`, and tensorflow-datasets (mocked), with the loaders' errors."""

import numpy as np
import pytest
import scipy.io
import tensorflow_datasets as tfds

from kerasdl.data import CorruptDataError, load, svhn
from kerasdl.data.catalog import EXTRA


def official_arrays(n, seed=0):
    """Images and labels as an official file holds them: X (32, 32, 3, N) uint8, y (N, 1) in 1..10."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)
    digits = rng.integers(0, 10, n)
    digits[:2] = (0, 9)
    return images, digits, {"X": images.transpose(1, 2, 3, 0), "y": np.where(digits == 0, 10, digits)[:, None].astype(np.uint8)}


def write_mat(folder, split, n, seed=0, **override):
    images, digits, mat = official_arrays(n, seed)
    folder.mkdir(parents=True, exist_ok=True)
    scipy.io.savemat(folder / svhn.FILES[split], {**mat, **override})
    return images, digits


def test_official_mat_files_are_read_in_the_keras_layout_with_10_as_0(tmp_path):
    folder = tmp_path / "svhn_cropped"
    train = write_mat(folder, "train", 7, seed=1)
    test = write_mat(folder, "test", 5, seed=2)
    ds = load("svhn_cropped", tmp_path, offline=True)
    np.testing.assert_array_equal(ds.x_train, train[0])
    np.testing.assert_array_equal(ds.y_train, train[1])
    np.testing.assert_array_equal(ds.x_test, test[0])
    assert ds.y_train[0] == 0 and ds.y_train.dtype == np.int64 and ds.x_train.shape == (7, 32, 32, 3)
    assert ds.x_extra is None and "train_32x32.mat, test_32x32.mat" in ds.source
    assert "MD5" not in ds.source  # generated files: neither the official sizes nor digests


def test_the_extra_split_is_read_when_its_file_is_there(tmp_path):
    write_mat(tmp_path, "train", 4, seed=1)
    write_mat(tmp_path, "test", 3, seed=2)
    extra = write_mat(tmp_path, "extra", 6, seed=3)
    ds = load("svhn_cropped", tmp_path, offline=True)
    np.testing.assert_array_equal(ds.x_extra, extra[0])
    np.testing.assert_array_equal(ds.y_extra, extra[1])
    assert ds.scaled().x_extra.dtype == np.float32 and ds.scaled().x_extra.max() <= 1.0
    without = load("svhn_cropped", _copy_without_extra(tmp_path), offline=True)
    assert without.fingerprint != ds.fingerprint  # the extra split is part of the data's identity


def _copy_without_extra(folder):
    other = folder / "no_extra"
    other.mkdir()
    for split in svhn.REQUIRED:
        (other / svhn.FILES[split]).write_bytes((folder / svhn.FILES[split]).read_bytes())
    return other


def test_npz_copy_with_and_without_extra(tmp_path):
    images, digits, _ = official_arrays(5)
    arrays = {"x_train": images, "y_train": digits, "x_test": images[:3], "y_test": digits[:3]}
    np.savez(tmp_path / "svhn_cropped.npz", **arrays)
    assert load("svhn_cropped", tmp_path, offline=True).x_extra is None
    np.savez(tmp_path / "svhn_cropped.npz", **arrays, x_extra=images[:2], y_extra=digits[:2])
    assert load("svhn_cropped", tmp_path, offline=True).x_extra.shape == (2, 32, 32, 3)
    np.savez(tmp_path / "svhn_cropped.npz", **arrays, x_extra=images[:2])
    with pytest.raises(CorruptDataError, match="x_extra without its pair"):
        load("svhn_cropped", tmp_path, offline=True)


@pytest.mark.parametrize(
    "override, words",
    [
        ({"X": np.zeros((32, 32, 3, 4), np.float32) * np.nan}, ["float32", "non-finite", "expected uint8 (32, 32, 3, N)"]),
        ({"X": np.zeros((28, 28, 1, 4), np.uint8)}, ["(28, 28, 1, 4)"]),
        ({"y": np.zeros((4, 1), np.uint8)}, ["labels from 0 to 0", "expected 1 to 10"]),
        ({"y": np.full((4, 1), np.nan)}, ["non-integer labels", "non-finite"]),
        ({"y": np.ones((3, 1), np.uint8)}, ["y has shape (3, 1) for 4 images"]),
    ],
)
def test_malformed_official_files_name_the_problem(tmp_path, override, words):
    write_mat(tmp_path, "train", 4, **override)
    write_mat(tmp_path, "test", 4)
    with pytest.raises(CorruptDataError) as error:
        load("svhn_cropped", tmp_path, offline=True)
    assert "train_32x32.mat" in str(error.value)
    for word in words:
        assert word in str(error.value)


def test_a_file_without_X_or_y_and_a_truncated_file(tmp_path):
    scipy.io.savemat(tmp_path / "train_32x32.mat", {"images": np.zeros(3)})
    write_mat(tmp_path, "test", 2)
    with pytest.raises(CorruptDataError, match="has no X, y"):
        load("svhn_cropped", tmp_path, offline=True)
    (tmp_path / "train_32x32.mat").write_bytes(b"MATLAB 5.0 MAT-file, truncated")
    with pytest.raises(CorruptDataError, match="not a readable MATLAB .mat file"):
        load("svhn_cropped", tmp_path, offline=True)


def test_train_without_test_is_an_error_not_a_fallback(tmp_path):
    write_mat(tmp_path, "train", 3)
    with pytest.raises(CorruptDataError, match="has train_32x32.mat but not test_32x32.mat"):
        load("svhn_cropped", tmp_path, offline=True)


def test_official_files_are_recognised_by_size_and_md5(tmp_path, monkeypatch):
    path = tmp_path / "test_32x32.mat"
    path.write_bytes(b"0123456789")
    assert not svhn.is_official("test", path)
    monkeypatch.setitem(svhn.OFFICIAL, "test", (10, "781e5e245d69b566979b86e28d23f2c7"))  # md5 of b"0123456789"
    assert svhn.is_official("test", path)


def test_tfds_supplies_train_test_and_extra():
    with tfds.testing.mock_data(num_examples=4):
        ds = load("svhn_cropped")
    assert ds.source == "tfds:svhn_cropped" and ds.x_train.shape == (4, 32, 32, 3)
    assert ds.x_extra.shape == (4, 32, 32, 3) and ds.y_extra.dtype == np.int64
    assert all(ds.y_train < 10) and EXTRA == ("x_extra", "y_extra")
