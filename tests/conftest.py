"""Shared test setup: quiet TensorFlow, small thread pools, and the optional real-data folder."""

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def shared_data():
    """The real datasets beside the checkout (../shared/data); tests needing it skip without it."""
    if not (SHARED_DATA / "mnist.npz").exists():
        pytest.skip("real data folder ../shared/data is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """Every report's tables in `smoke`, run once per test session, in this process, on generated
    stand-ins for the image data sets: `(data folder, results folder, printed output)`."""
    import contextlib
    import io

    from kerasdl.commands import main as reproduce_main
    from tests.test_cli import write_fake_data

    folder = tmp_path_factory.mktemp("smoke")
    data, out = write_fake_data(folder / "data"), folder / "results"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = reproduce_main(["all", "--profile", "smoke", "--data-dir", str(data), "--out", str(out), "--quiet"])
    assert code == 0
    return data, out, printed.getvalue()
