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
