"""The layout of docs/layout.md holds: no module over 400 lines outside migrations, and none of the
file names the layout retired (`pages_*.py`, `*_tasks.py`, `api/<concept>.py`)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "venv", "node_modules", "migrations", ".git", "staticfiles", "var"}
MAX_LINES = 400
API_FILES = {"__init__.py", "serializers.py", "views.py", "urls.py"}


def _modules():
    for path in ROOT.rglob("*.py"):
        if set(path.relative_to(ROOT).parts) & SKIPPED:
            continue
        yield path


def test_no_module_is_over_400_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


def test_entry_points_have_the_layout_names():
    retired = [
        str(path.relative_to(ROOT))
        for path in _modules()
        if path.name.startswith("pages_")
        or path.name.endswith("_tasks.py")
        or (path.parent.name == "api" and "tests" not in path.parts and path.name not in API_FILES)
    ]
    assert retired == []


def test_the_scan_reads_the_tree_it_guards():
    names = {str(path.relative_to(ROOT)) for path in _modules()}
    assert "o2c/locks.py" in names
    assert "receivables/cash/services/payments.py" in names
