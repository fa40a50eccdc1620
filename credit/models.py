"""credit: its models arrive with the issue that builds this stage (see o2c/pipeline.py)."""
