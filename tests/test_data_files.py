"""kerasdl.data.load from local files: npz, IDX and CIFAR-10 python batches, and their corruption.

Every file is generated in tmp_path, in the official layouts; tfds must never be reached here.
"""

import gzip
import io
import os
import pickle
import tarfile

import numpy as np
import pytest
import tensorflow_datasets as tfds

from kerasdl.data import CorruptDataError, DataUnavailableError, describe_sources, limit, load, shown_source

IDX_STEMS = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


@pytest.fixture(autouse=True)
def no_tfds(monkeypatch):
    """Local files must win: reaching tensorflow-datasets fails the test."""

    def fail(*args, **kwargs):
        pytest.fail("tfds.load was called although local files exist")

    monkeypatch.setattr(tfds, "load", fail)
    monkeypatch.delenv("KERASDL_DATA_DIR", raising=False)


def image_arrays(image_shape=(28, 28), n_train=20, n_test=10, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (n_train, *image_shape), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n_test, *image_shape), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test).astype(np.uint8),
    }


def write_idx(path, array, magic=None):
    """Writes `array` as an IDX file of unsigned bytes; `magic` overrides the 4-byte header."""
    header = magic if magic is not None else bytes((0, 0, 0x08, array.ndim))
    raw = header + np.asarray(array.shape, ">u4").tobytes() + array.astype(np.uint8).tobytes()
    if path.suffix == ".gz":
        raw = gzip.compress(raw)
    path.write_bytes(raw)


def write_idx_set(folder, arrays, gz=True):
    folder.mkdir(parents=True, exist_ok=True)
    for key, stem in IDX_STEMS.items():
        write_idx(folder / (stem + (".gz" if gz else "")), arrays[key])
    return folder


def cifar_batch(x, y):
    """A pickled CIFAR-10 batch: rows of 1024 red, 1024 green, 1024 blue values."""
    data = x.transpose(0, 3, 1, 2).reshape(len(x), -1)
    batch = {b"batch_label": b"test batch", b"labels": [int(v) for v in y], b"data": data}
    return pickle.dumps(batch, protocol=2)


def cifar_batches(arrays):
    """File name -> pickled bytes for the five train batches (4 images each) and the test batch."""
    x, y = arrays["x_train"], arrays["y_train"]
    files = {
        f"data_batch_{i + 1}": cifar_batch(x[4 * i : 4 * i + 4], y[4 * i : 4 * i + 4])
        for i in range(5)
    }
    files["test_batch"] = cifar_batch(arrays["x_test"], arrays["y_test"])
    return files


def write_cifar_folder(parent, arrays):
    folder = parent / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    for name, raw in cifar_batches(arrays).items():
        (folder / name).write_bytes(raw)
    return folder


def write_cifar_archive(parent, arrays):
    path = parent / "cifar-10-python.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, raw in cifar_batches(arrays).items():
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
    return path


def assert_same(ds, arrays):
    channels = ds.image_shape[-1]
    for key in ("x_train", "x_test"):
        expected = arrays[key].reshape(*arrays[key].shape[:3], channels)
        np.testing.assert_array_equal(getattr(ds, key), expected)
    for key in ("y_train", "y_test"):
        np.testing.assert_array_equal(getattr(ds, key), arrays[key])


class TestFormats:
    def test_npz_mnist_gains_channel_axis(self, tmp_path):
        arrays = image_arrays()
        np.savez(tmp_path / "mnist.npz", **arrays)
        ds = load("mnist", tmp_path)
        assert ds.x_train.shape == (20, 28, 28, 1) and ds.x_test.shape == (10, 28, 28, 1)
        assert ds.x_train.dtype == np.uint8 and ds.y_train.dtype == np.int64
        assert ds.image_shape == (28, 28, 1) and ds.num_classes == 10 and ds.name == "mnist"
        assert ds.source == str(tmp_path / "mnist.npz")
        assert_same(ds, arrays)

    def test_loaded_arrays_are_read_only(self, tmp_path):
        np.savez(tmp_path / "mnist.npz", **image_arrays())
        ds = load("mnist", tmp_path)
        with pytest.raises(ValueError):
            ds.x_train[0, 0, 0, 0] = 1

    def test_npz_cifar_with_label_column(self, tmp_path):
        arrays = image_arrays((32, 32, 3))
        column = {key: arrays[key][:, None] for key in ("y_train", "y_test")}
        keras_layout = {**arrays, **column}
        np.savez_compressed(tmp_path / "cifar10.npz", **keras_layout)
        ds = load("cifar10", str(tmp_path))
        assert ds.x_train.shape == (20, 32, 32, 3) and ds.y_train.shape == (20,)
        assert_same(ds, arrays)

    @pytest.mark.parametrize("gz", [True, False])
    @pytest.mark.parametrize("subfolder", ["mnist", ""])
    def test_idx(self, tmp_path, gz, subfolder):
        arrays = image_arrays()
        folder = write_idx_set(tmp_path / subfolder, arrays, gz=gz)
        ds = load("mnist", tmp_path)
        assert ds.x_train.shape == (20, 28, 28, 1) and ds.y_test.dtype == np.int64
        assert str(folder) in ds.source and "IDX" in ds.source
        assert_same(ds, arrays)

    def test_mnist_and_fashion_idx_in_named_subfolders(self, tmp_path):
        mnist, fashion = image_arrays(seed=1), image_arrays(seed=2)
        write_idx_set(tmp_path / "mnist", mnist)
        write_idx_set(tmp_path / "fashion_mnist", fashion)
        assert_same(load("mnist", tmp_path), mnist)
        assert_same(load("fashion_mnist", tmp_path), fashion)

    def test_cifar_folder(self, tmp_path):
        arrays = image_arrays((32, 32, 3))
        folder = write_cifar_folder(tmp_path / "cifar10", arrays)
        ds = load("cifar10", tmp_path)
        assert ds.x_train.shape == (20, 32, 32, 3) and ds.x_train.dtype == np.uint8
        assert ds.source == str(folder)
        assert_same(ds, arrays)

    def test_cifar_archive(self, tmp_path):
        arrays = image_arrays((32, 32, 3))
        archive = write_cifar_archive(tmp_path, arrays)
        ds = load("cifar10", tmp_path)
        assert ds.source == str(archive)
        assert_same(ds, arrays)

    def test_cifar_rows_are_rgb_planes(self, tmp_path):
        # Built by hand rather than with the writer above, which inverts the same transposition.
        data = np.repeat(np.array([[10] * 1024 + [20] * 1024 + [30] * 1024], np.uint8), 4, axis=0)
        data[0, 1], data[0, 32] = 99, 98  # red plane: row 0 column 1, then row 1 column 0
        folder = tmp_path / "cifar-10-batches-py"
        folder.mkdir()
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            (folder / name).write_bytes(pickle.dumps({b"data": data, b"labels": [0, 1, 2, 3]}))
        x = load("cifar10", tmp_path).x_train
        assert x.shape == (20, 32, 32, 3)
        assert (x[1:4, :, :, 0] == 10).all() and (x[..., 1] == 20).all() and (x[..., 2] == 30).all()
        assert x[0, 0, 1, 0] == 99 and x[0, 1, 0, 0] == 98 and x[0, 0, 0, 0] == 10


class TestWhichFileWins:
    def test_npz_beats_raw_files(self, tmp_path):
        arrays = image_arrays(seed=1)
        np.savez(tmp_path / "mnist.npz", **arrays)
        write_idx_set(tmp_path, image_arrays(seed=2))
        assert_same(load("mnist", tmp_path), arrays)

    def test_most_complete_copy_in_subfolders(self, tmp_path):
        for folder, n_train in (("cifar10-subset", 4), ("cifar10-full", 12)):
            (tmp_path / folder).mkdir()
            np.savez(tmp_path / folder / "cifar10.npz", **image_arrays((32, 32, 3), n_train, 2))
        ds = load("cifar10", tmp_path)
        assert ds.source == str(tmp_path / "cifar10-full" / "cifar10.npz") and len(ds.x_train) == 12
        np.savez(tmp_path / "cifar10.npz", **image_arrays((32, 32, 3), 3, 2))
        assert load("cifar10", tmp_path).source == str(tmp_path / "cifar10.npz")

    def test_env_var_folder(self, tmp_path, monkeypatch):
        np.savez(tmp_path / "mnist.npz", **image_arrays())
        monkeypatch.setenv("KERASDL_DATA_DIR", str(tmp_path))
        assert load("mnist").source == str(tmp_path / "mnist.npz")

    def test_explicit_folder_beats_env_var(self, tmp_path, monkeypatch):
        for sub in ("env", "arg"):
            (tmp_path / sub).mkdir()
            np.savez(tmp_path / sub / "mnist.npz", **image_arrays())
        monkeypatch.setenv("KERASDL_DATA_DIR", str(tmp_path / "env"))
        assert load("mnist", tmp_path / "arg").source == str(tmp_path / "arg" / "mnist.npz")

    def test_shown_source_writes_the_data_folder_as_DATA(self, tmp_path, monkeypatch):
        (tmp_path / "cifar10-jpeg").mkdir()
        np.savez(tmp_path / "cifar10-jpeg" / "cifar10.npz", **image_arrays((32, 32, 3), 5, 2))
        ds = limit(load("cifar10", tmp_path), n_train=3)
        assert shown_source(ds.source, tmp_path) == "DATA/cifar10-jpeg/cifar10.npz, first 3 train / 2 test"
        monkeypatch.setenv("KERASDL_DATA_DIR", str(tmp_path))
        assert shown_source(f"IDX files in {tmp_path}") == "IDX files in DATA"
        assert shown_source(f"{tmp_path}x/mnist.npz") == f"{tmp_path}x/mnist.npz"  # another folder
        assert shown_source("tfds:mnist", tmp_path) == "tfds:mnist"

    def test_missing_folder_is_named(self, tmp_path):
        with pytest.raises(DataUnavailableError, match="does not exist") as error:
            load("mnist", tmp_path / "typo")
        assert str(tmp_path / "typo") in str(error.value)

    def test_cache_returns_same_arrays_until_file_changes(self, tmp_path):
        np.savez(tmp_path / "mnist.npz", **image_arrays(n_train=20))
        first = load("mnist", tmp_path)
        assert load("mnist", tmp_path) is first
        np.savez(tmp_path / "mnist.npz", **image_arrays(n_train=30))
        assert len(load("mnist", tmp_path).x_train) == 30

    def test_description_names_the_files(self):
        mnist = describe_sources("mnist")
        assert "mnist.npz" in mnist and "train-images-idx3-ubyte" in mnist
        assert "KERASDL_DATA_DIR" in mnist
        assert "cifar-10-python.tar.gz" in describe_sources("cifar10")
        assert "generated" in describe_sources("disk")

    def test_unknown_name(self, tmp_path):
        with pytest.raises(ValueError, match="known: mnist"):
            load("svhn", tmp_path)


def write_npz(path, **changes):
    arrays = {**image_arrays(), **changes}
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})
    return path


class TestCorruption:
    def corrupt(self, path, match):
        with pytest.raises(CorruptDataError, match=match) as error:
            load("mnist", path.parent if path.is_file() else path)
        assert str(path) in str(error.value)

    def test_truncated_gzip(self, tmp_path):
        write_idx_set(tmp_path, image_arrays())
        path = tmp_path / "train-images-idx3-ubyte.gz"
        path.write_bytes(path.read_bytes()[:200])
        self.corrupt(path, "cannot be read")

    def test_gz_name_but_not_gzip(self, tmp_path):
        write_idx_set(tmp_path, image_arrays())
        path = tmp_path / "t10k-labels-idx1-ubyte.gz"
        path.write_bytes(b"<html>404 not found</html>")
        self.corrupt(path, "cannot be read")

    def test_wrong_magic(self, tmp_path):
        arrays = image_arrays()
        write_idx_set(tmp_path, arrays)
        path = tmp_path / "train-labels-idx1-ubyte.gz"
        write_idx(path, arrays["y_train"], magic=bytes((0, 0, 0x08, 3)))
        self.corrupt(path, "magic number")

    def test_truncated_payload(self, tmp_path):
        write_idx_set(tmp_path, image_arrays(), gz=False)
        path = tmp_path / "t10k-images-idx3-ubyte"
        path.write_bytes(path.read_bytes()[:-5])
        self.corrupt(path, "truncated")

    def test_image_label_count_mismatch(self, tmp_path):
        arrays = image_arrays()
        write_idx_set(tmp_path, {**arrays, "y_train": arrays["y_train"][:19]})
        self.corrupt(tmp_path, "20 images but 19 labels")

    def test_incomplete_idx_set(self, tmp_path):
        write_idx_set(tmp_path, image_arrays())
        os.remove(tmp_path / "t10k-labels-idx1-ubyte.gz")
        self.corrupt(tmp_path, "not t10k-labels-idx1-ubyte")

    def test_npz_missing_key(self, tmp_path):
        self.corrupt(write_npz(tmp_path / "mnist.npz", y_test=None), "has no y_test")

    def test_npz_wrong_dtype(self, tmp_path):
        path = write_npz(tmp_path / "mnist.npz", x_train=np.zeros((20, 28, 28), np.float32))
        self.corrupt(path, "float32")

    def test_npz_non_finite_float_images(self, tmp_path):
        x = np.zeros((20, 28, 28), np.float32)
        x[3, 4, 5], x[7, 0, 0] = np.nan, -np.inf
        path = write_npz(tmp_path / "mnist.npz", x_train=x)
        self.corrupt(path, r"float32 with 2 non-finite value\(s\) \(NaN or infinity\), expected uint8")

    def test_idx_of_non_finite_floats(self, tmp_path):
        write_idx_set(tmp_path, image_arrays(), gz=False)
        x = np.zeros((20, 28, 28), ">f4")
        x[0, 0, 0] = np.inf
        path = tmp_path / "train-images-idx3-ubyte"
        path.write_bytes(bytes((0, 0, 0x0D, 3)) + np.asarray(x.shape, ">u4").tobytes() + x.tobytes())
        self.corrupt(path, r"holds float32 values with 1 non-finite value\(s\)")

    def test_cifar_batch_of_non_finite_floats(self, tmp_path):
        folder = write_cifar_folder(tmp_path, image_arrays((32, 32, 3)))
        data = np.full((4, 3072), np.nan)
        (folder / "data_batch_2").write_bytes(pickle.dumps({b"data": data, b"labels": [0, 1, 2, 3]}))
        with pytest.raises(CorruptDataError, match=r"data_batch_2: data is float64 .* 12288 non-finite"):
            load("cifar10", tmp_path)

    def test_npz_wrong_shape(self, tmp_path):
        path = write_npz(tmp_path / "mnist.npz", x_test=np.zeros((10, 28, 27), np.uint8))
        self.corrupt(path, "shape")

    def test_labels_out_of_range(self, tmp_path):
        path = write_npz(tmp_path / "mnist.npz", y_train=np.full(20, 10, np.uint8))
        self.corrupt(path, "labels from 10")

    def test_npz_empty_split(self, tmp_path):
        empty = {"x_test": np.zeros((0, 28, 28), np.uint8), "y_test": np.zeros(0, np.uint8)}
        path = write_npz(tmp_path / "mnist.npz", **empty)
        self.corrupt(path, "test split is empty")

    def test_npz_not_a_zip(self, tmp_path):
        path = tmp_path / "mnist.npz"
        path.write_bytes(b"PK\x03\x04 but then nothing")
        self.corrupt(path, "not a readable")

    def test_cifar_batch_missing(self, tmp_path):
        folder = write_cifar_folder(tmp_path, image_arrays((32, 32, 3)))
        os.remove(folder / "data_batch_3")
        with pytest.raises(CorruptDataError, match="data_batch_3"):
            load("cifar10", tmp_path)

    def test_truncated_cifar_archive(self, tmp_path):
        path = write_cifar_archive(tmp_path, image_arrays((32, 32, 3)))
        path.write_bytes(path.read_bytes()[:-100])
        with pytest.raises(CorruptDataError, match="cifar-10-python.tar.gz"):
            load("cifar10", tmp_path)

    def test_cifar_pickle_may_not_run_code(self, tmp_path):
        class Payload:
            def __reduce__(self):
                return (os.getcwd, ())

        folder = write_cifar_folder(tmp_path, image_arrays((32, 32, 3)))
        (folder / "test_batch").write_bytes(pickle.dumps({b"data": Payload(), b"labels": []}))
        with pytest.raises(CorruptDataError, match=r"refusing to load (posix|nt)\.getcwd"):
            load("cifar10", tmp_path)
