"""The cash forecast API's query and answer (API.md, "Collections": `GET /reports/cash-forecast/`)."""

from __future__ import annotations

from rest_framework import serializers

from o2c.api_fields import DateField
from reporting.forecast.selectors import WEEKS
from reporting.forms import FORECAST_WEEKS_MAX, date_validators

_MONEY = {"max_digits": 18, "decimal_places": 2}


class WeeksField(serializers.IntegerField):
    """A number of weeks in ASCII digits ("٣" is refused, not read as 3)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not (data.isascii() and data.isdigit()):
            self.fail("invalid")
        return super().to_internal_value(data)


class ForecastQuery(serializers.Serializer):
    as_of = DateField(
        required=False,
        validators=date_validators(),
        help_text="the forecast as it would have been made on this date, from what was known then (default: today)",
    )
    weeks = WeeksField(
        required=False,
        min_value=1,
        max_value=FORECAST_WEEKS_MAX,
        default=WEEKS,
        help_text="how many weeks ahead (default 13); week 1 starts the day after `as_of`",
    )


class ForecastWeekOut(serializers.Serializer):
    week = serializers.IntegerField(help_text="1 = the 7 days after `as_of`")
    start = serializers.DateField()
    end = serializers.DateField()
    expected = serializers.DecimalField(**_MONEY, help_text="by behaviour + promised")
    low = serializers.DecimalField(**_MONEY, help_text="80 % range, low end (never below 0)")
    high = serializers.DecimalField(**_MONEY, help_text="80 % range, high end")
    behaviour = serializers.DecimalField(
        **_MONEY, help_text="undisputed open balances dated by the customers' payment history"
    )
    promised = serializers.DecimalField(**_MONEY, help_text="open promises × their kept rate, on their date")
    disputed = serializers.DecimalField(
        **_MONEY, help_text="amounts in open disputes, dated the same way, not in `expected`"
    )
    naive = serializers.DecimalField(
        **_MONEY, help_text="the naive forecast: every open balance on its due date (week 1 when overdue)"
    )


class ForecastLaterOut(serializers.Serializer):
    expected = serializers.DecimalField(**_MONEY)
    behaviour = serializers.DecimalField(**_MONEY)
    promised = serializers.DecimalField(**_MONEY)
    disputed = serializers.DecimalField(**_MONEY)
    naive = serializers.DecimalField(**_MONEY)


class ForecastPromiseOut(serializers.Serializer):
    promise = serializers.IntegerField(source="promise_id")
    customer = serializers.IntegerField(source="customer_id")
    amount = serializers.DecimalField(**_MONEY)
    promised_on = serializers.DateField()
    counted = serializers.DecimalField(
        **_MONEY, help_text="the amount, at most what its invoices still owe undisputed"
    )
    kept_rate = serializers.DecimalField(max_digits=4, decimal_places=3)
    rate_source = serializers.ChoiceField(
        choices=["customer", "collector", "all", "none"],
        help_text="whose promises of the last 12 months gave the kept rate (`none`: one half)",
    )
    expected = serializers.DecimalField(**_MONEY, help_text="counted × kept rate")


class ForecastOut(serializers.Serializer):
    as_of = serializers.DateField()
    weeks = ForecastWeekOut(many=True)
    later = ForecastLaterOut(help_text="expected after the last week")
    total = ForecastLaterOut(help_text="the weeks summed")
    by_source = serializers.DictField(
        child=serializers.DecimalField(**_MONEY),
        help_text="how the open balances were dated: own, portfolio, later_than_seen, due_date, promise",
    )
    promises = ForecastPromiseOut(many=True)
    method = serializers.ListField(child=serializers.CharField(), help_text="the method, in words")
