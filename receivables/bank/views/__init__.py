"""The bank statement pages: the statements, upload, mapping and review (statements.py), and one line's decisions (lines.py)."""
