from django.db import migrations

from o2c.roles import roles_sync_migration

_LETTER = """Dear {{ customer.name }},

{% if level.blocks_customer %}Despite our earlier reminders, the invoices listed below are still unpaid. We have therefore put your account on hold: we cannot accept or ship new orders until the amount due of {{ total }} {{ currency }} has been paid.

Please transfer it by {{ pay_by }}. As soon as your payment has arrived, we will review your account and release it.{% elif level.level >= 3 %}Despite our reminders, the invoices listed below are still unpaid. This is our final notice: please pay the amount due of {{ total }} {{ currency }} by {{ pay_by }}.

If we have not received your payment by then, we will put your account on hold and accept no further orders until it is settled.{% elif level.level == 2 %}We wrote to you recently about the invoices listed below, but we have not yet received your payment. Please pay the amount due of {{ total }} {{ currency }} by {{ pay_by }}.{% else %}According to our records, the invoices listed below are past their due date. This may well be an oversight; we would be grateful if you could pay the amount due of {{ total }} {{ currency }} by {{ pay_by }}.{% endif %}

If you have paid in the meantime, please disregard this letter. If you disagree with any of these invoices, please let us know so that we can resolve it quickly."""

# The usual ladder (Odoo's follow-up levels, SAP's dunning procedure): a friendly reminder,
# a firm reminder, a final notice, and a last notice that stops new orders.
LEVELS = [
    (1, "Friendly reminder", 3, "Payment reminder", False),
    (2, "Second reminder", 15, "Second reminder: overdue invoices", False),
    (3, "Final notice", 30, "Final notice before collection", False),
    (4, "Account on hold", 45, "Your account is on hold", True),
]


def seed_levels(apps, schema_editor):
    DunningLevel = apps.get_model("receivables", "DunningLevel")
    for level, name, days, subject, blocks in LEVELS:
        DunningLevel.objects.get_or_create(
            level=level,
            defaults={
                "name": name,
                "days_overdue": days,
                "subject": subject,
                "letter_template": _LETTER,
                "blocks_customer": blocks,
            },
        )


def backfill_open_items(apps, schema_editor):
    """Invoices and credit notes issued before the open-item ledger existed get their rows."""
    Invoice = apps.get_model("invoicing", "Invoice")
    CreditNote = apps.get_model("invoicing", "CreditNote")
    ReceivableEntry = apps.get_model("receivables", "ReceivableEntry")
    rows = [
        ReceivableEntry(
            customer_id=invoice.customer_id,
            kind="invoice",
            entry_date=invoice.issue_date,
            amount=invoice.total,
            currency=invoice.currency,
            invoice_id=invoice.pk,
        )
        for invoice in Invoice.objects.filter(total__gt=0).iterator()
    ]
    rows += [
        ReceivableEntry(
            customer_id=note.customer_id,
            kind="credit_note",
            entry_date=note.issue_date,
            amount=-note.total,
            currency=note.currency,
            invoice_id=note.invoice_id,
            credit_note_id=note.pk,
        )
        for note in CreditNote.objects.iterator()
    ]
    ReceivableEntry.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("receivables", "0002_payments_disputes_dunning")]
    operations = [
        migrations.RunPython(roles_sync_migration, migrations.RunPython.noop),
        migrations.RunPython(seed_levels, migrations.RunPython.noop),
        migrations.RunPython(backfill_open_items, migrations.RunPython.noop),
    ]
