"""Travel to a day, not to a number of hours: noon, company time, `days` from today. Subtracting
hours from now lands on the next or previous local day near midnight across a DST change."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import time_machine
from django.utils import timezone


def on_day(days: int) -> time_machine.travel:
    day = timezone.localdate() + timedelta(days=days)
    return time_machine.travel(timezone.make_aware(datetime.combine(day, time(12))))
