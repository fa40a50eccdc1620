from django.db import migrations


def sync_roles(apps, schema_editor):
    from o2c.roles import ensure_permissions_exist, roles_sync

    ensure_permissions_exist(apps)
    roles_sync(apps)


class Migration(migrations.Migration):
    """Give the roles their permissions on orders and credit decisions (o2c/roles.py)."""

    dependencies = [
        ("orders", "0002_salesorder"),
        ("credit", "0003_creditdecision_links"),
        ("o2c", "0003_number_sequences"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
