"""KPI snapshots: a date's row holds exactly `kpis(as_of=date)`, taking it again changes nothing but
`computed_at`, the backfill makes one row per date (and none when re-run), and the nightly task
(run through Celery, eagerly) stores the day that just ended.

The history is the hand-computed one of test_aging_and_dso.py (its fixture is reused here).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command

from o2c import pipeline
from o2c.errors import DomainError
from reporting.kpis import kpis
from reporting.models import KpiSnapshot
from reporting.snapshots import (
    FIGURES,
    snapshot_kpis,
    snapshot_on,
    snapshot_series,
    snapshot_take,
    snapshots_backfill,
)
from reporting.tasks import kpi_snapshot_nightly
from reporting.tests.test_aging_and_dso import history, on  # noqa: F401 (the fixture)
from tests.builders import a_customer, a_product, an_order, line, stock

pytestmark = pytest.mark.django_db
D = Decimal
BERLIN = ZoneInfo("Europe/Berlin")


def figures_of(snapshot: KpiSnapshot) -> dict:
    return {name: getattr(snapshot, name) for name in FIGURES}


def kpi_figures(as_of: date) -> dict:
    values = kpis(as_of=as_of).as_dict()
    del values["as_of"]
    return values


def at_local(moment: str):
    """Travel to a wall-clock time in the company's time zone."""
    return time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=BERLIN), tick=False)


@pytest.mark.parametrize("as_of", ["2026-01-31", "2026-03-10", "2026-03-31", "2026-04-30", "2026-05-10"])
def test_a_snapshot_stores_the_kpis_of_its_date(history, as_of):  # noqa: F811
    day = date.fromisoformat(as_of)
    with on("2026-05-12"):
        snapshot = snapshot_take(as_of=day)
    stored = KpiSnapshot.objects.get(date=day)
    assert stored.pk == snapshot.pk
    assert figures_of(stored) == kpi_figures(day)


def test_the_snapshot_of_march_31_holds_the_hand_computed_figures(history):  # noqa: F811
    with on("2026-04-01"):
        snapshot_take(as_of=date(2026, 3, 31))
    stored = KpiSnapshot.objects.get(date=date(2026, 3, 31))
    assert (stored.days, stored.dso, stored.countback_dso, stored.cei, stored.average_days_delinquent) == (
        90,
        D("31.8"),
        D("53.4"),
        D("78.6"),
        D("15.9"),
    )
    assert (stored.receivables, stored.overdue, stored.overdue_percent) == (
        D("600.00"),
        D("200.00"),
        D("33.3"),
    )
    assert (stored.disputed, stored.unapplied, stored.credit_sales) == (D("100.00"), D("80.00"), D("1700.00"))
    assert (stored.o2c_cycle_days_median, stored.o2c_cycle_days_p90) == (D("78.0"), D("78.0"))
    assert stored.on_time_delivery_rate is None
    assert (stored.orders_on_hold, stored.orders_on_hold_value) == (0, D("0.00"))


def test_holds_and_on_time_delivery_are_stored_too(db):
    widget = a_product(price="100.00", tax_rate="0.00")
    stock(widget, "10")
    with on("2026-06-01"):
        held = an_order(a_customer(credit_limit="50.00"), line(widget, "1"), submit=True)
        late = an_order(a_customer(), line(widget, "1"), submit=True)
        shipment = pipeline.shipment_create(order_id=late.pk, by=None)
        pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
        pipeline.shipment_ship(
            shipment_id=shipment.pk, carrier="DHL", estimated_delivery=date(2026, 6, 3), by=None
        )
    with on("2026-06-04"):
        pipeline.shipment_deliver(shipment_id=shipment.pk, by=None)
        snapshot_take(as_of=date(2026, 6, 4))
    assert held.status == "on_hold"
    stored = KpiSnapshot.objects.get(date=date(2026, 6, 4))
    assert (stored.orders_on_hold, stored.orders_on_hold_value, stored.on_time_delivery_rate) == (
        1,
        D("100.00"),
        D("0.0"),
    )
    assert figures_of(stored) == kpi_figures(date(2026, 6, 4))


def test_taking_a_date_twice_leaves_one_row_with_the_same_figures(history):  # noqa: F811
    with on("2026-04-01"):
        first = snapshot_take(as_of=date(2026, 3, 31))
    with on("2026-04-02"):
        second = snapshot_take(as_of=date(2026, 3, 31))
    [stored] = KpiSnapshot.objects.filter(date=date(2026, 3, 31))
    assert first.pk == second.pk == stored.pk
    assert figures_of(stored) == figures_of(first)
    assert stored.computed_at > first.computed_at


def test_the_backfill_makes_one_row_per_date_and_a_second_run_makes_none(history):  # noqa: F811
    march = (date(2026, 3, 1), date(2026, 3, 31))
    with on("2026-05-12"):
        seen = []
        assert snapshots_backfill(start=march[0], end=march[1], progress=lambda *args: seen.append(args)) == (
            31,
            0,
        )
        assert [done for done, _, _ in seen] == list(range(1, 32)) and seen[-1] == (31, 31, march[1])
        assert KpiSnapshot.objects.count() == 31
        before = {snapshot.date: figures_of(snapshot) for snapshot in KpiSnapshot.objects.all()}

        assert snapshots_backfill(start=march[0], end=march[1]) == (0, 31)
        assert {snapshot.date: figures_of(snapshot) for snapshot in KpiSnapshot.objects.all()} == before

        KpiSnapshot.objects.filter(date=date(2026, 3, 15)).delete()
        assert snapshots_backfill(start=march[0], end=march[1], missing_only=True) == (1, 0)
    assert KpiSnapshot.objects.count() == 31
    assert [snapshot.date for snapshot in snapshot_series(start=march[0], end=march[1])] == [
        march[0] + timedelta(days=offset) for offset in range(31)
    ]
    for day in (date(2026, 3, 1), date(2026, 3, 15), date(2026, 3, 31)):
        assert figures_of(snapshot_on(day)) == kpi_figures(day)


def test_the_backfill_refuses_a_reversed_or_future_range(db):
    with on("2026-05-12"):
        with pytest.raises(DomainError) as reversed_range:
            snapshots_backfill(start=date(2026, 3, 2), end=date(2026, 3, 1))
        with pytest.raises(DomainError) as future:
            snapshots_backfill(start=date(2026, 5, 1), end=date(2026, 5, 13))
    assert (reversed_range.value.field, future.value.field) == ("start", "end")
    assert not KpiSnapshot.objects.exists()


def test_the_backfill_command_reports_progress_and_is_idempotent(history):  # noqa: F811
    out = StringIO()
    with on("2026-05-12"):
        call_command("kpi_backfill", "--from", "2026-04-01", "--to", "2026-04-30", stdout=out)
    text = out.getvalue()
    assert "KPI snapshots 2026-04-01 – 2026-04-30 (90-day window)" in text
    assert "30/30 2026-04-30" in text
    assert "30 created, 0 retaken" in text
    assert KpiSnapshot.objects.filter(date__range=(date(2026, 4, 1), date(2026, 4, 30))).count() == 30

    out = StringIO()
    with on("2026-05-12"):
        call_command("kpi_backfill", "--from", "2026-04-01", "--to", "2026-04-30", stdout=out)
        call_command(
            "kpi_backfill", "--from", "2026-04-01", "--to", "2026-04-30", "--missing-only", stdout=out
        )
    assert "0 created, 30 retaken" in out.getvalue()
    assert "0 created, 0 retaken" in out.getvalue()
    assert KpiSnapshot.objects.count() == 30


def test_the_backfill_command_defaults_to_the_last_90_days_and_names_bad_options(db):
    with on("2026-05-12"):
        call_command("kpi_backfill", stdout=StringIO())
        with pytest.raises(CommandError, match="--to: the last date is in the future"):
            call_command("kpi_backfill", "--from", "2026-05-01", "--to", "2026-06-01", stdout=StringIO())
        with pytest.raises(CommandError, match="'2026-13-01' is not a date"):
            call_command("kpi_backfill", "--from", "2026-13-01", stdout=StringIO())
    dates = list(KpiSnapshot.objects.values_list("date", flat=True))
    assert (len(dates), dates[0], dates[-1]) == (90, date(2026, 2, 11), date(2026, 5, 11))


def test_the_nightly_task_stores_the_day_that_just_ended_and_is_safe_to_run_twice(history):  # noqa: F811
    with at_local("2026-04-01T00:15"):  # beat's 00:15 run, on the company's calendar
        taken = kpi_snapshot_nightly.delay().get()
    # the day that ended, and the week before it (none of those had a snapshot yet)
    assert taken == [(date(2026, 3, 24) + timedelta(days=n)).isoformat() for n in range(8)]
    stored = {snapshot.date: figures_of(snapshot) for snapshot in KpiSnapshot.objects.all()}
    assert stored[date(2026, 3, 31)] == kpi_figures(date(2026, 3, 31))

    with at_local("2026-04-01T00:20"):
        assert kpi_snapshot_nightly.delay().get() == ["2026-03-31"]  # only yesterday is retaken
    assert {snapshot.date: figures_of(snapshot) for snapshot in KpiSnapshot.objects.all()} == stored

    with at_local("2026-04-02T00:15"):
        assert kpi_snapshot_nightly.delay().get() == ["2026-04-01"]
    assert KpiSnapshot.objects.count() == 9


def test_snapshot_kpis_reads_the_stored_figures_and_computes_missing_ones(history):  # noqa: F811
    with on("2026-04-01"):
        snapshot_take(as_of=date(2026, 3, 31))
    KpiSnapshot.objects.filter(date=date(2026, 3, 31)).update(
        dso=D("99.9")
    )  # proves it is read, not computed
    assert snapshot_kpis(as_of=date(2026, 3, 31)).dso == D("99.9")
    assert snapshot_kpis(as_of=date(2026, 3, 30)) == kpis(as_of=date(2026, 3, 30))
    assert snapshot_on(date(2026, 3, 30)) is None


def test_the_beat_schedule_runs_the_snapshot_at_night_and_the_report_in_the_morning():
    from o2c.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    nightly, report = schedule["kpi-snapshot-nightly"], schedule["daily-report"]
    assert (nightly["task"], nightly["schedule"]) == (
        "reporting.tasks.kpi_snapshot_nightly",
        crontab(hour=0, minute=15),
    )
    assert (report["task"], report["schedule"]) == (
        "reporting.tasks.daily_report_send",
        crontab(hour=7, minute=0),
    )
    assert {"reporting.tasks.kpi_snapshot_nightly", "reporting.tasks.daily_report_send"} <= set(app.tasks)
