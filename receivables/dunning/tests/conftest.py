"""Fixtures of the dunning tests: a clock at the start of the story, and media in a temporary folder."""

from __future__ import annotations

import pytest
import time_machine

from receivables.dunning.tests.builders import (
    START,
)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path
