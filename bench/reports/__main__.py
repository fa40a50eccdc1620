"""`python bench/reports ...`: see bench/reports/__init__.py."""

import sys
from pathlib import Path

# Run as a directory, Python puts bench/reports first on the path; bench/ goes there instead, so
# `reports` is this package and `history` (bench/history) is importable.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from reports.cli import main  # noqa: E402

main()
