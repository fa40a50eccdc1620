"""Row locks live in o2c/locks.py only, each of its own table (`of=`), so the lock order of that
module is the whole truth (docs/decisions/0021)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ROOT / "o2c" / "locks.py"
SKIPPED = {".venv", "venv", "node_modules", "migrations", "tests", ".git"}


def _sources():
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIPPED or path.name.startswith("test_") or path.name == "conftest.py":
            continue
        yield path


def test_select_for_update_is_called_in_o2c_locks_only():
    outside = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        if path != LOCKS
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "select_for_update" in text or re.search(r"\bFOR\s+(NO\s+KEY\s+)?UPDATE\b", text)
    ]
    assert not outside, f"row locks outside o2c/locks.py: {outside}"


def test_every_lock_in_o2c_locks_names_its_own_table():
    tree = ast.parse(LOCKS.read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "select_for_update"
    ]
    assert calls, "o2c/locks.py takes the locks"
    without_of = [call.lineno for call in calls if "of" not in {keyword.arg for keyword in call.keywords}]
    assert not without_of, f"select_for_update( without of= on lines {without_of} of o2c/locks.py"


def test_the_scan_reads_the_tree_it_guards():
    assert any(path.parent.name == "pipeline" and path.name == "cash.py" for path in _sources())
    assert LOCKS in set(_sources())
