from django.db import migrations


def sync_roles(apps, schema_editor):
    from o2c.roles import ensure_permissions_exist, roles_sync

    ensure_permissions_exist(apps)
    roles_sync(apps)


class Migration(migrations.Migration):
    """Give the roles their permissions on shipments, invoices and credit notes (o2c/roles.py)."""

    dependencies = [
        ("invoicing", "0002_invoice_creditnote"),
        ("fulfillment", "0002_shipment"),
        ("orders", "0003_roles"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
