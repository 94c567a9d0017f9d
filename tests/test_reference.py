"""`reference/`, our published runs: the README's summary is what the tables there say (generated,
never typed), and a re-run with another seed agrees with them by the verdict rule (slow)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kerasdl.runner.report import write_report

ROOT = Path(__file__).resolve().parents[1]
PROFILES = sorted(p.name for p in (ROOT / "reference").glob("*") if (p / "REPORT.md").exists())


def summary_table(markdown: str) -> list[str]:
    """The lines of the summary table of a REPORT.md."""
    lines = markdown.splitlines()
    start = lines.index("## Summary") + 2
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    return lines[start:end]


@pytest.mark.parametrize("profile", PROFILES)
def test_report_md_and_readme_are_generated_from_the_tables(profile, tmp_path):
    folder = ROOT / "reference" / profile
    published = summary_table((folder / "REPORT.md").read_text())
    copy = tmp_path / profile
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("index.html", "REPORT.md"))
    _, md = write_report(copy)
    assert summary_table(md.read_text()) == published, f"reference/{profile}/REPORT.md is stale: run kerasdl report --out reference/{profile}"
    readme = (ROOT / "README.md").read_text()
    assert "\n".join(published) in readme, f"README's {profile} summary differs from reference/{profile}/REPORT.md"


# The rule's false alarms are 5 % per cell or fewer (tests/test_verdict.py); over the ~15 compared
# cells of scratch_mlp's table, 3 or more false alarms have a chance under 4 % (binomial, 15 cells
# at 5 %), so at most 2 differing cells are allowed between two seeds of the same code.
MOST_FALSE_ALARMS = 2


@pytest.mark.slow
def test_another_seed_agrees_with_the_reference(tmp_path, capsys):
    """scratch_mlp (cheap) with seeds 100-109 against reference/fast's seeds 0-9: at most
    MOST_FALSE_ALARMS cells differ by the rule, and no conclusion flips between holding and not."""
    from kerasdl.runner.compare import DIFFERING, compare

    out = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "-m", "reproduce", "scratch_mlp", "--profile", "fast", "--seed", "100", "--out", str(out),
         "--quiet", "--jobs", "2"], capture_output=True, text=True, cwd=ROOT, timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    comparison = compare(ROOT / "reference" / "fast", out)
    with capsys.disabled():
        print(comparison.format())
    (table,) = comparison.tables
    differing = [(c["row"], c["column"]) for c in table.cells if c["verdict"] in DIFFERING]
    assert len(differing) <= MOST_FALSE_ALARMS, differing
    flipped = [c for c in table.conclusions if {c["a"], c["b"]} == {"holds", "does not hold"}]
    assert not flipped, flipped


@pytest.mark.parametrize("report_id", sorted(p.name for p in (ROOT / "reference" / "fast").iterdir() if p.is_dir()))
def test_the_published_trials_are_those_the_code_plans(report_id, shared_data):
    """Every trial the `fast` profile plans today is a record in reference/fast, and every record
    there is planned: the code still runs exactly the published experiments (same identities), so
    refactoring changed no setting and nothing would re-run."""
    from kerasdl.runner import RunOptions, registry
    from kerasdl.runner.plan import plan_table
    from kerasdl.runner.store import trial_key

    report = registry.load_report(report_id)
    options = RunOptions(profile="fast", data_dir=str(shared_data))
    planned = {trial_key(t.identity) for table in report.tables for t in plan_table(report, table, options).trials}
    stored = {p.stem for p in (ROOT / "reference" / "fast" / report_id / "trials").glob("*.json")}
    assert planned == stored
