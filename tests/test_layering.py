"""The library stands alone: no module of `kerasdl/` imports the applications (`reproduce`,
`tuning`, `benchmarks`), which find their reports through the `kerasdl.reports` entry points."""

import ast
from pathlib import Path

import kerasdl

APPLICATIONS = ("reproduce", "tuning", "benchmarks")
LIBRARY = Path(kerasdl.__file__).parent


def imported(tree):
    """Every module name a module imports (absolute imports; the library uses no relative ones)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import"
            yield node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__"):
            if node.args and isinstance(node.args[0], ast.Constant):
                yield node.args[0].value


def test_the_library_imports_no_application():
    files = sorted(LIBRARY.rglob("*.py"))
    assert len(files) > 50
    offending = [
        f"{path.relative_to(LIBRARY.parent)}: {name}"
        for path in files
        for name in imported(ast.parse(path.read_text(), str(path)))
        if name.split(".")[0] in APPLICATIONS
    ]
    assert offending == []


def test_the_check_sees_an_application_import():
    tree = ast.parse("import json\nfrom reproduce import lenet5\nimportlib.import_module('tuning.cli')\n")
    assert [n for n in imported(tree) if n.split(".")[0] in APPLICATIONS] == ["reproduce", "tuning.cli"]
