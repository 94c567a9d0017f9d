"""Finished trials on disk, one JSON file each, keyed by the trial's full identity.

A trial's identity is everything its numbers depend on (report, trial function, merged
configuration, seed, data source and size, kerasdl version); the table and row labels are not part
of it, so one experiment shared by two tables (a report's baseline) runs once. Its key is a hash of that identity, so a changed
configuration gets a new key and re-runs, and the identity is stored in the file and compared
again on read, so a result is only ever reused for the very configuration that produced it.

Each file is written to a temporary name in the same folder and renamed into place: a reader sees
either no file or a whole one, and an interrupted run loses at most the trial in progress. Two
processes writing into the same folder never write the same temporary file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Mapping


def canonical(obj: Any) -> str:
    """A stable JSON text of `obj` (sorted keys, no whitespace), used for keys and comparisons."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def trial_key(identity: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(identity).encode()).hexdigest()[:20]


def _file_mode() -> int:
    """The mode a plain `open()` gives a new file: 0o666 less the process's umask (read by setting
    it and putting it back, as Python offers no other way)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _write_atomic(path: Path, write) -> None:
    """`write(f)` into a temporary file beside `path`, given the umask's mode (mkstemp's is 0600,
    which a shared `--out` or a served page cannot read), then renamed onto `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _file_mode())
        with os.fdopen(fd, "w") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, obj: Any) -> None:
    """Write `obj` as JSON to `path` through a temporary file and an atomic rename."""
    _write_atomic(path, lambda f: json.dump(obj, f, indent=1, sort_keys=True))


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and an atomic rename."""
    _write_atomic(path, lambda f: f.write(text))


def trials_folder(out, report_id: str) -> Path:
    """Where a results folder keeps a report's trial records: `<out>/<report>/trials`."""
    return Path(out) / report_id / "trials"


class TrialStore:
    """The finished trials of one table, in `folder` (`<out>/<report>/trials/`)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, identity: Mapping[str, Any]) -> Path:
        return self.folder / f"{trial_key(identity)}.json"

    def get(self, identity: Mapping[str, Any]) -> dict | None:
        """The stored record of this exact identity, or None (absent, unreadable or stale)."""
        path = self.path(identity)
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        if canonical(record.get("identity")) != canonical(identity):
            return None
        return record

    def put(self, identity: Mapping[str, Any], record: Mapping[str, Any]) -> Path:
        path = self.path(identity)
        write_json_atomic(path, {**record, "identity": identity})
        return path

    def model_path(self, identity: Mapping[str, Any]) -> Path:
        """Where the trial's trained Keras model is kept (`<out>/<report>/models/<key>.keras`)."""
        return self.folder.parent / "models" / f"{trial_key(identity)}.keras"

    def put_model(self, identity: Mapping[str, Any], model) -> Path:
        """Save `model` for this trial, atomically (Keras needs the `.keras` suffix on the temporary)."""
        path = self.model_path(identity)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.keras")
        try:
            model.save(tmp)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return path
