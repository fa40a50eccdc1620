from django.db import migrations

from o2c.roles import roles_sync_migration


class Migration(migrations.Migration):
    """Give the roles their permissions on shipments, invoices and credit notes (o2c/roles.py)."""

    dependencies = [
        ("invoicing", "0002_invoice_creditnote"),
        ("fulfillment", "0002_shipment"),
        ("orders", "0003_roles"),
    ]
    operations = [migrations.RunPython(roles_sync_migration, migrations.RunPython.noop)]
