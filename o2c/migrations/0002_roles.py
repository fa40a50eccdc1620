from django.db import migrations


def sync_roles(apps, schema_editor):
    from o2c.roles import ensure_permissions_exist, roles_sync

    ensure_permissions_exist(apps)
    roles_sync(apps)


class Migration(migrations.Migration):
    """The role groups with their permissions. Each later migration that adds models the roles
    work with runs `roles_sync` again (see o2c/roles.py)."""

    dependencies = [
        ("o2c", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("customers", "0001_initial"),
        ("inventory", "0001_initial"),
        ("ledger", "0002_chart_of_accounts"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
