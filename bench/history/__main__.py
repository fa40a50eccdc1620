"""`python bench/history ...`: see bench/history/__init__.py."""

import sys
from pathlib import Path

# Run as a directory, Python puts bench/history itself first on the path; bench/ goes there
# instead, so `history` is this package and bench/order_intake.py is importable, as before.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from history.cli import main  # noqa: E402

main()
