from django.db import migrations

from o2c.roles import roles_sync_migration


class Migration(migrations.Migration):
    """Give the roles their permissions on orders and credit decisions (o2c/roles.py)."""

    dependencies = [
        ("orders", "0002_salesorder"),
        ("credit", "0003_creditdecision_links"),
        ("o2c", "0003_number_sequences"),
    ]
    operations = [migrations.RunPython(roles_sync_migration, migrations.RunPython.noop)]
