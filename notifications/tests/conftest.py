"""Fixtures of the notification tests: notifications on, stored PDFs under a temporary media root."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def notifications_on(settings):
    """The test settings turn customer notifications off for every other test."""
    settings.O2C_CUSTOMER_NOTIFICATIONS = True


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path
