"""The dashboard's aging bars read a month-end's stored buckets when its snapshot exists, and
equal what the aging computes for that date."""

from datetime import date

import pytest

from reporting.aging import aging_totals
from reporting.dashboard.selectors import AgingOn, aging_history, month_ends
from reporting.snapshots import snapshot_take
from reporting.tests.test_aging_and_dso import history as hand_computed_history

pytestmark = pytest.mark.django_db
history = hand_computed_history


def test_aging_bars_read_the_month_end_snapshots(history, django_assert_num_queries):
    today = date(2026, 5, 10)
    ends = month_ends(today, 6)
    assert (ends[0], ends[-1]) == (date(2025, 11, 30), date(2026, 4, 30))
    for day in ends:
        snapshot_take(as_of=day)
    today_totals = aging_totals(as_of=today)
    with django_assert_num_queries(1):  # one read of all the stored month-ends, no aging query
        bars = aging_history(today=today, aging_on=AgingOn({today: today_totals}, snapshots_for=ends))
    assert [bar.day for bar in bars] == [*ends, today]
    for bar in bars:
        computed = aging_totals(as_of=bar.day)
        assert bar.segments() == {**computed.buckets(), "disputed": computed.disputed}, bar.day
        assert bar.totals.unapplied == computed.unapplied
