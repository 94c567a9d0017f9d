"""Reports are plugins: any installed distribution can add reports for `kerasdl` to list, run,
export and put on the report page, through the entry-point group `kerasdl.reports`.

Each entry point is named by the report's id and points at its `Report` object; kerasdl's own
five are declared in its `setup.cfg`. A course's package declares its own the same way:

    [options.entry_points]
    kerasdl.reports =
        my_homework = my_course.homework:REPORT

The library never imports a report by name: it asks this registry.
"""

from __future__ import annotations

from importlib import metadata

from kerasdl.runner.spec import Report

GROUP = "kerasdl.reports"


class ReportNotFound(LookupError):
    """No installed report has this id; the message lists those that exist."""


def _entry_points() -> dict[str, metadata.EntryPoint]:
    found: dict[str, metadata.EntryPoint] = {}
    for entry in metadata.entry_points(group=GROUP):
        found.setdefault(entry.name, entry)  # the first on sys.path wins, as for imports
    return found


def report_ids() -> list[str]:
    """The ids of every installed report, sorted (entry points come in no stated order)."""
    return sorted(_entry_points())


def load_report(report_id: str) -> Report:
    """The `Report` registered as `report_id`."""
    entry = _entry_points().get(report_id)
    if entry is None:
        raise ReportNotFound(f"unknown report {report_id!r}; choose from: {', '.join(report_ids())}")
    report = entry.load()
    if not isinstance(report, Report) or report.id != report_id:
        raise TypeError(
            f"entry point {report_id!r} of group {GROUP!r} ({entry.value}) must give a kerasdl Report "
            f"with id {report_id!r}, got {type(report).__name__}"
            + (f" with id {report.id!r}" if isinstance(report, Report) else "")
        )
    return report
