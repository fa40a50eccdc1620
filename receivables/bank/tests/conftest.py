"""Fixtures of the bank statement tests: a finance clerk logged in."""

from __future__ import annotations

import pytest


@pytest.fixture
def finance(client, make_user):
    user = make_user("finance")
    client.force_login(user)
    return user
