"""The journal (o2c.tables, decision 0035): one entry per table row, drawn as its lines (the
row template `ledger/_journal_table.html`); the CSV has one row per line, for an accounting
package."""

from __future__ import annotations

import django_tables2 as tables

from ledger import selectors
from o2c.tables import DateColumn, ListTable

NUM = {"th": {"class": "num"}}


class JournalTable(ListTable):
    item_names = ("entry", "entries")
    export_name = "journal"

    entry = tables.Column(accessor="number")
    date = DateColumn()
    source = tables.Column(order_by=("source", "source_reference"))
    memo = tables.Column()
    account = tables.Column(accessor="pk", orderable=False)
    debit = tables.Column(accessor="pk", orderable=False, attrs=NUM)
    credit = tables.Column(accessor="pk", orderable=False, attrs=NUM)

    class Meta(ListTable.Meta):
        template_name = "ledger/_journal_table.html"
        order_by = ("-date",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "journal"}
        empty_text = "No journal entries match."

    def export_header(self) -> list[str]:
        return selectors.JOURNAL_EXPORT_COLUMNS

    def export_rows(self):
        columns = selectors.JOURNAL_EXPORT_COLUMNS
        for row in selectors.journal_export_rows(self.export_records()):
            yield [row[column] for column in columns]
