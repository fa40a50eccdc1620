"""The exchange rates list (o2c.tables): every column sorts, CSV and XLSX."""

from __future__ import annotations

import django_tables2 as tables

from o2c.tables import DateColumn, ListTable


class ExchangeRateTable(ListTable):
    item_names = ("rate", "rates")
    export_name = "exchange-rates"

    currency = tables.Column()
    valid_on = DateColumn(verbose_name="Valid from")
    rate = tables.Column(
        verbose_name="Per 1 base unit", attrs={"th": {"class": "num"}, "td": {"class": "num"}}
    )
    source = tables.Column(accessor="get_source_display", order_by=("source",))
    created_by = tables.Column(verbose_name="Entered by", accessor="created_by__username", default="")

    class Meta(ListTable.Meta):
        order_by = ("currency", "-valid_on")
        attrs = {**ListTable.Meta.attrs, "data-testid": "exchange-rates"}
        empty_text = "No exchange rates yet: enter one or upload the ECB's file."
