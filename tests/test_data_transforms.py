"""Dataset helpers: validation_split, limit, inverse, pixel_stats, to_float and Dataset itself."""

import numpy as np
import pytest

from kerasdl.data import Dataset, batches_with_replacement, inverse, limit, pixel_stats, to_float, validation_split


def small_dataset(n_train=12, n_test=6):
    rng = np.random.default_rng(0)
    return Dataset(
        rng.integers(0, 256, (n_train, 4, 4, 1), dtype=np.uint8),
        rng.integers(0, 10, n_train),
        rng.integers(0, 256, (n_test, 4, 4, 1), dtype=np.uint8),
        rng.integers(0, 10, n_test),
        source="made in a test",
        name="tiny",
    )


class TestValidationSplit:
    def test_sizes_and_partition(self):
        x, y = np.arange(100) * 10, np.arange(100)
        x_train, y_train, x_val, y_val = validation_split(x, y)
        assert len(x_train) == len(y_train) == 90 and len(x_val) == len(y_val) == 10
        np.testing.assert_array_equal(x_train, y_train * 10)
        np.testing.assert_array_equal(x_val, y_val * 10)
        np.testing.assert_array_equal(np.sort(np.concatenate([y_train, y_val])), y)

    def test_seeded(self):
        x, y = np.arange(1000), np.arange(1000)
        same = [validation_split(x, y, seed=3)[3] for _ in range(2)]
        np.testing.assert_array_equal(*same)
        assert not np.array_equal(same[0], validation_split(x, y, seed=4)[3])
        assert not np.array_equal(same[0], np.arange(900, 1000))

    @pytest.mark.parametrize("fraction", [0.0, 1.0, 0.001])
    def test_empty_part_refused(self, fraction):
        with pytest.raises(ValueError):
            validation_split(np.arange(100), np.arange(100), fraction)


def test_limit():
    ds = limit(small_dataset(), n_train=5, n_test=2)
    assert ds.x_train.shape == (5, 4, 4, 1) and ds.y_test.shape == (2,)
    assert ds.source == "made in a test, first 5 train / 2 test"
    full = small_dataset()
    assert limit(full) is full


def test_fingerprint_is_the_arrays_not_where_they_came_from():
    a, b = small_dataset(), small_dataset()
    moved = Dataset(b.x_train, b.y_train, b.x_test, b.y_test, source="another folder", name="tiny")
    assert a.fingerprint == moved.fingerprint and len(a.fingerprint) == 16
    changed = np.array(a.x_test)
    changed[0, 0, 0, 0] ^= 1
    assert Dataset(a.x_train, a.y_train, changed, a.y_test, source="", name="tiny").fingerprint != a.fingerprint
    assert a.scaled().fingerprint != a.fingerprint  # same values, another dtype
    assert limit(a, n_test=5).fingerprint != a.fingerprint
    assert limit(a, n_train=12, n_test=6).fingerprint == a.fingerprint  # the same arrays, whole


class TestInverse:
    def test_uint8(self):
        x = np.array([0, 10, 255], np.uint8)
        np.testing.assert_array_equal(inverse(x), np.array([255, 245, 0], np.uint8))
        assert inverse(x).dtype == np.uint8

    def test_float_keeps_dtype(self):
        x = np.array([0.0, 0.25, 1.0], np.float32)
        assert inverse(x).dtype == np.float32
        np.testing.assert_allclose(inverse(x), [1.0, 0.75, 0.0])

    def test_uint8_and_float_agree(self):
        x = np.random.default_rng(0).integers(0, 256, (3, 5, 5, 1), dtype=np.uint8)
        np.testing.assert_allclose(to_float(inverse(x)), inverse(to_float(x)), atol=1e-6)

    def test_other_dtype_refused(self):
        with pytest.raises(TypeError):
            inverse(np.array([1, 2], np.int32))


class TestPixelStats:
    def test_known_answer(self):
        x = np.array([0, 255, 0, 255], np.uint8).reshape(1, 2, 2, 1)
        assert pixel_stats(x) == pytest.approx((0.5, 0.5))
        assert pixel_stats(x.astype(np.float32) / 255) == pytest.approx((0.5, 0.5))

    def test_per_channel(self):
        x = np.zeros((1, 2, 2, 2), np.uint8)
        x[..., 1] = np.array([[0, 255], [255, 0]])
        mean, std = pixel_stats(x, per_channel=True)
        np.testing.assert_allclose(mean, [0.0, 0.5])
        np.testing.assert_allclose(std, [0.0, 0.5])

    def test_matches_numpy_across_chunks(self):
        x = np.random.default_rng(1).integers(0, 200, (5_000_000, 1), dtype=np.uint8)
        reference = x / 255.0
        assert pixel_stats(x) == pytest.approx((reference.mean(), reference.std()), rel=1e-12)

    def test_inverse_mirrors_the_mean(self):
        x = np.random.default_rng(2).integers(0, 256, (10, 8, 8, 1), dtype=np.uint8)
        mean, std = pixel_stats(x)
        assert pixel_stats(inverse(x)) == pytest.approx((1 - mean, std))


class TestDataset:
    def test_scaled(self):
        ds = small_dataset()
        scaled = ds.scaled()
        assert scaled.x_train.dtype == np.float32 and scaled.x_test.dtype == np.float32
        np.testing.assert_allclose(scaled.x_train * 255, ds.x_train, atol=1e-4)
        assert scaled.y_train is ds.y_train and scaled.source == ds.source

    def test_to_float_keeps_floats(self):
        x = np.array([0.5], np.float32)
        assert to_float(x) is x

    def test_shape_and_repr(self):
        ds = small_dataset()
        assert ds.image_shape == (4, 4, 1) and ds.num_classes == 10
        assert repr(ds) == (
            "Dataset('tiny', train (12, 4, 4, 1) uint8, test (6, 4, 4, 1) uint8, "
            "source='made in a test')"
        )

    def test_mismatched_labels_refused(self):
        ds = small_dataset()
        with pytest.raises(ValueError, match="one label per input"):
            Dataset(ds.x_train, ds.y_train[:-1], ds.x_test, ds.y_test, source="test", name="tiny")

    def test_frozen(self):
        with pytest.raises(AttributeError):
            small_dataset().name = "other"


def test_batches_with_replacement_are_the_solvers():
    """report `classifiers`' solver.py: N // batch batches per epoch, each drawn with replacement
    from all N examples, new draws every epoch, the same sequence for the same seed."""
    x = np.arange(50, dtype="float32")[:, None]
    y = np.arange(50)
    dataset = batches_with_replacement(x, y, 8, seed=1)
    epochs = [[(bx.numpy()[:, 0], by.numpy()) for bx, by in dataset] for _ in range(2)]
    assert [len(e) for e in epochs] == [6, 6]  # 50 // 8
    for bx, by in epochs[0] + epochs[1]:
        assert bx.shape == (8,) and np.array_equal(bx, by) and set(by) <= set(range(50))
    first, second = (np.concatenate([by for _, by in e]) for e in epochs)
    assert not np.array_equal(first, second)
    drawn = np.concatenate([first, second])
    assert len(set(drawn)) < len(drawn)  # with replacement: some example comes twice
    again = [by.numpy() for _, by in batches_with_replacement(x, y, 8, seed=1)]
    np.testing.assert_array_equal(np.concatenate(again), first)
    other = np.concatenate([by.numpy() for _, by in batches_with_replacement(x, y, 8, seed=2)])
    assert not np.array_equal(other, first)
    # Fewer examples than a batch: one batch per epoch, as the Solver's max(N // batch, 1).
    assert len(list(batches_with_replacement(x[:5], y[:5], 8, seed=0))) == 1


@pytest.mark.parametrize("args, word", [((np.zeros(3), np.zeros(2), 2), "examples"), ((np.zeros(3), np.zeros(3), 0), "batch_size"),
                                        ((np.zeros(0), np.zeros(0), 2), "no examples")])
def test_batches_with_replacement_refuse_bad_arguments(args, word):
    with pytest.raises(ValueError, match=word):
        batches_with_replacement(*args, seed=0)
