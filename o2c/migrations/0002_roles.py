from django.db import migrations

from o2c.roles import roles_sync_migration


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
    operations = [migrations.RunPython(roles_sync_migration, migrations.RunPython.noop)]
