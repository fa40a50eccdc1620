"""The price lists list (o2c.tables, decision 0035)."""

from __future__ import annotations

import django_tables2 as tables

from o2c.tables import DateColumn, LinkColumn, ListTable


class PriceListTable(ListTable):
    item_names = ("price list", "price lists")
    export_name = "price-lists"

    name = LinkColumn(viewname="pricing:edit")
    currency = tables.Column()
    valid_from = DateColumn(verbose_name="Valid from")
    valid_to = DateColumn(verbose_name="Valid to")
    breaks = tables.Column(accessor="pk", verbose_name="Breaks", orderable=False)
    customer_count = tables.Column(verbose_name="Customers")

    class Meta(ListTable.Meta):
        order_by = ("name",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "price-lists"}

    def render_breaks(self, record):
        return len(record.items.all())

    def export_header(self) -> list[str]:
        return ["name", "currency", "valid_from", "valid_to", "sku", "min_quantity", "unit_price"]

    def export_rows(self):
        for price_list in self.export_records():  # one row per break
            for item in price_list.items.all():
                yield [
                    price_list.name,
                    price_list.currency,
                    price_list.valid_from or "",
                    price_list.valid_to or "",
                    item.product.sku,
                    item.min_quantity,
                    item.unit_price,
                ]
